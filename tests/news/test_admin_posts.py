"""The newsroom queue and change page (news.admin.posts, news.admin.reading),
used through the test client as each role."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news.models import (
    Category,
    PostAction,
    PostEvent,
    PostRevision,
    PostStatus,
)
from tests.factories import (
    CategoryFactory,
    HeadFactory,
    ReviewerFactory,
    UnitFactory,
    UserFactory,
)
from tests.news.admin_pages import change_form_data, change_url, decide_url, make_post
from units.models import Region

S = PostStatus
pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:news_post_changelist")


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args: True)


# --- Roles and groups ------------------------------------------------------------


def test_migration_gives_groups_their_news_permissions():
    editor = set(
        Group.objects.get(name="Editor Ditjenpas").permissions.values_list(
            "codename", flat=True
        )
    )
    assert {"moderate_post", "change_post", "view_postevent", "add_category"} <= editor
    reviewer = Group.objects.get(name="Peninjau Kanwil").permissions
    assert "view_post" in reviewer.values_list("codename", flat=True)
    assert "moderate_post" not in reviewer.values_list("codename", flat=True)


def test_migration_seeds_categories():
    assert set(Category.objects.values_list("slug", flat=True)) >= {
        "kegiatan",
        "pembinaan-kemandirian",
        "pembinaan-kepribadian-rehabilitasi",
        "layanan-publik",
        "klarifikasi",
        "apa-kabar-pemasyarakatan",
        "berita-daerah-kanwil",
        "prestasi",
    }


@pytest.mark.parametrize("factory", [UserFactory, HeadFactory])
def test_unit_staff_are_refused_the_admin(client, factory):
    client.force_login(factory())
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_unit_staff_with_staff_flag_still_see_no_posts(client, author, category):
    author.is_staff = True
    author.save()
    author.groups.add(Group.objects.get(name="Editor Ditjenpas"))
    post = make_post(author, category, status=S.SUBMITTED)
    client.force_login(author)

    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(post)).status_code == 403
    assert client.post(decide_url(post, "setujui")).status_code == 403
    post.refresh_from_db()
    assert post.status == S.SUBMITTED


# --- The queue ---------------------------------------------------------------------


def test_queue_submitted_first_oldest_first(editor_client, author, category):
    now = timezone.now()
    newest_draft = make_post(author, category, title="Draf")
    published = make_post(
        author, category, status=S.PUBLISHED, published_at=now, title="Terbit"
    )
    recent = make_post(
        author,
        category,
        status=S.SUBMITTED,
        submitted_at=now - timedelta(hours=1),
        title="Kiriman baru",
    )
    oldest = make_post(
        author,
        category,
        status=S.SUBMITTED,
        submitted_at=now - timedelta(days=2),
        title="Kiriman lama",
    )

    response = editor_client.get(CHANGELIST)

    assert response.status_code == 200
    order = [post.pk for post in response.context["cl"].result_list]
    assert order[:2] == [oldest.pk, recent.pk]
    # A unit's unfinished draft stays out of the queue.
    assert order[2:] == [published.pk]
    assert newest_draft.pk not in order
    content = response.content.decode()
    assert content.index("Kiriman lama") < content.index("Kiriman baru")
    assert 'class="post-status post-status--submitted"' in content


def test_counts_per_status_above_the_list(editor_client, author, category):
    for _ in range(3):
        make_post(author, category, status=S.SUBMITTED, submitted_at=timezone.now())
    make_post(author, category, status=S.PUBLISHED, published_at=timezone.now())

    response = editor_client.get(CHANGELIST)

    counts = {
        item["value"]: item["count"] for item in response.context["status_counts"]
    }
    assert counts[S.SUBMITTED] == 3
    assert counts[S.PUBLISHED] == 1
    assert counts[S.DRAFT] == 0
    assert '<span data-count="submitted">3</span>' in response.content.decode()


def test_editors_see_drafts_only_when_they_ask_for_them(
    editor_client, author, category
):
    draft = make_post(author, category, title="Draf setengah jadi")
    sent = make_post(author, category, status=S.SUBMITTED, submitted_at=timezone.now())

    queue = editor_client.get(CHANGELIST)
    assert [p.pk for p in queue.context["cl"].result_list] == [sent.pk]
    assert queue.context["status_total"] == 1
    pills = {i["value"]: i["count"] for i in queue.context["status_counts"]}
    assert pills[S.DRAFT] == 1
    content = queue.content.decode()
    assert "Draf setengah jadi" not in content
    # The pill and the filter both ask with status__exact=draft.
    assert 'href="?status__exact=draft"' in content

    drafts = editor_client.get(CHANGELIST, {"status__exact": S.DRAFT})
    assert [p.pk for p in drafts.context["cl"].result_list] == [draft.pk]
    # An editor may still open a draft's page.
    assert editor_client.get(change_url(draft)).status_code == 200


def test_filters_and_search(editor_client, author, category):
    jateng = Region.objects.get(province_code="33")
    other = UserFactory(unit=UnitFactory(region=jateng, place="Semarang"))
    make_post(author, category, status=S.SUBMITTED, title="Pramuka di Jakarta")
    make_post(
        other,
        category,
        status=S.PUBLISHED,
        published_at=timezone.now(),
        title="Menjahit di Semarang",
    )

    by_status = editor_client.get(CHANGELIST, {"status__exact": S.SUBMITTED})
    assert [p.title for p in by_status.context["cl"].result_list] == [
        "Pramuka di Jakarta"
    ]
    by_region = editor_client.get(CHANGELIST, {"unit__region__id__exact": jateng.pk})
    assert [p.title for p in by_region.context["cl"].result_list] == [
        "Menjahit di Semarang"
    ]
    by_search = editor_client.get(CHANGELIST, {"q": "semarang"})
    assert [p.title for p in by_search.context["cl"].result_list] == [
        "Menjahit di Semarang"
    ]
    by_category = editor_client.get(CHANGELIST, {"category__id__exact": category.pk})
    assert by_category.context["cl"].result_count == 2


def test_queue_query_count_does_not_grow_with_rows(editor_client, author, category):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(CHANGELIST).status_code == 200
        return len(queries)

    for _ in range(3):
        make_post(author, category, status=S.SUBMITTED, submitted_at=timezone.now())
    few = count_queries()
    for _ in range(20):
        other = UserFactory()
        make_post(other, CategoryFactory(), status=S.SUBMITTED)
    assert count_queries() == few


# --- Editing text ------------------------------------------------------------------


def test_breadcrumb_names_the_newsroom_then_the_posts(editor_client, submitted):
    content = editor_client.get(change_url(submitted)).content.decode()
    crumbs = content[content.index('<div class="breadcrumbs">') :]
    crumbs = crumbs[: crumbs.index("</div>")]

    assert ">Ruang redaksi</a>" in crumbs
    assert ">Berita</a>" in crumbs
    assert crumbs.count(">Berita</a>") == 1


def test_editor_fixes_text_before_approving(editor_client, submitted, editor):
    data = change_form_data(
        editor_client,
        submitted,
        title="Judul yang dirapikan",
        body='<p onclick="x()">Isi rapi</p><script>alert(1)</script>',
    )
    response = editor_client.post(change_url(submitted), data)

    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    submitted.refresh_from_db()
    assert submitted.title == "Judul yang dirapikan"
    assert submitted.body == "<p>Isi rapi</p>"
    assert submitted.status == S.SUBMITTED
    event = PostEvent.objects.get(post=submitted)
    assert (event.action, event.actor) == (PostAction.EDIT, editor)


def test_change_form_refuses_header_injection_and_empty_body(editor_client, submitted):
    data = change_form_data(
        editor_client, submitted, title="Judul\r\nBcc: x@evil.org", body="<p> </p>"
    )
    response = editor_client.post(change_url(submitted), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["title"][0].startswith("Teks mengandung karakter kontrol")
    assert errors["body"]
    assert not PostEvent.objects.filter(post=submitted).exists()


def test_status_is_not_editable_in_the_form(editor_client, submitted):
    data = change_form_data(editor_client, submitted, status=S.PUBLISHED)
    editor_client.post(change_url(submitted), data)
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_edit_of_published_post_keeps_revision_and_diff(
    editor_client, author, category
):
    post = make_post(
        author,
        category,
        status=S.PUBLISHED,
        published_at=timezone.now(),
        title="Lama",
        body="<p>Paragraf satu.</p><p>Paragraf <b>lama</b>.</p>",
    )
    data = change_form_data(
        editor_client, post, body="<p>Paragraf satu.</p><p>Paragraf baru.</p>"
    )
    assert editor_client.post(change_url(post), data).status_code == 302
    revision = PostRevision.objects.get(post=post)
    assert revision.body == "<p>Paragraf satu.</p><p>Paragraf <b>lama</b>.</p>"

    listing = editor_client.get(reverse("admin:news_post_revisions", args=[post.pk]))
    assert listing.status_code == 200
    diff_url = reverse("admin:news_post_revision_diff", args=[post.pk, revision.pk])
    assert diff_url in listing.content.decode()
    assert "1 revisi" in editor_client.get(change_url(post)).content.decode()

    diff = editor_client.get(diff_url).content.decode()
    # The rendered text is compared, never the markup (tests/news/test_revisions.py).
    assert 'class="news-diff"' in diff
    assert "&lt;b&gt;" not in diff and "<b>" not in diff
    assert "versi sekarang" in diff
    assert editor_client.get(diff_url, {"terhadap": "sekarang"}).status_code == 200


# --- Reviewers -------------------------------------------------------------------


def test_reviewers_never_see_units_drafts(client, category):
    reviewer = ReviewerFactory()
    local_author = UserFactory(unit=UnitFactory(region=reviewer.region))
    draft = make_post(local_author, category, title="Draf UPT")
    sent = make_post(
        local_author, category, status=S.SUBMITTED, submitted_at=timezone.now()
    )
    client.force_login(reviewer)

    queue = client.get(CHANGELIST)
    assert [p.pk for p in queue.context["cl"].result_list] == [sent.pk]
    assert S.DRAFT not in {i["value"] for i in queue.context["status_counts"]}
    assert 'href="?status__exact=draft"' not in queue.content.decode()
    asked = client.get(CHANGELIST, {"status__exact": S.DRAFT})
    assert list(asked.context["cl"].result_list) == []
    assert client.get(change_url(draft)).status_code == 302  # "does not exist"


def test_reviewer_sees_only_their_region_and_cannot_decide(client, author, category):
    reviewer = ReviewerFactory()  # Jawa Tengah
    local = make_post(
        UserFactory(unit=UnitFactory(region=reviewer.region)),
        category,
        status=S.SUBMITTED,
        title="Berita Jawa Tengah",
    )
    elsewhere = make_post(author, category, status=S.SUBMITTED, title="Berita Jakarta")
    client.force_login(reviewer)

    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert [p.pk for p in response.context["cl"].result_list] == [local.pk]
    counts = {i["value"]: i["count"] for i in response.context["status_counts"]}
    assert counts[S.SUBMITTED] == 1
    assert response.context["action_form"] is None or not [
        choice
        for choice in response.context["action_form"].fields["action"].choices
        if choice[0] in ("approve_and_publish", "request_changes")
    ]

    page = client.get(change_url(local))
    assert page.status_code == 200
    assert decide_url(local, "setujui") not in page.content.decode()
    assert client.post(decide_url(local, "setujui")).status_code == 403
    assert client.get(change_url(elsewhere)).status_code == 302  # "does not exist"
    local.refresh_from_db()
    assert local.status == S.SUBMITTED
