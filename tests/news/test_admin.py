"""The newsroom in the admin, used through the test client as each role."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news.models import (
    Category,
    Photo,
    PhotoKind,
    Post,
    PostAction,
    PostEvent,
    PostRevision,
    PostStatus,
)
from tests.factories import (
    CategoryFactory,
    EditorFactory,
    HeadFactory,
    PostFactory,
    ReviewerFactory,
    UnitFactory,
    UserFactory,
)
from tests.news.images import upload
from units.models import Region

S = PostStatus
pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:news_post_changelist")


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args: True)


@pytest.fixture
def editor():
    return EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def author(unit):
    return UserFactory(unit=unit)


@pytest.fixture
def category():
    return CategoryFactory()


def make_post(author, category, status=S.DRAFT, **fields):
    return PostFactory(author=author, category=category, status=status, **fields)


def change_url(post):
    return reverse("admin:news_post_change", args=[post.pk])


def decide_url(post, slug):
    return reverse("admin:news_post_decide", args=[post.pk, slug])


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


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
    assert set(order[2:]) == {newest_draft.pk, published.pk}
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


# --- Decisions on one post ---------------------------------------------------------


@pytest.fixture
def submitted(author, category):
    return make_post(
        author, category, status=S.SUBMITTED, submitted_at=timezone.now(), title="Isi"
    )


def test_change_page_offers_the_allowed_decisions(editor_client, submitted):
    content = editor_client.get(change_url(submitted)).content.decode()
    for slug in ("setujui", "jadwalkan", "minta-perbaikan", "tolak"):
        assert decide_url(submitted, slug) in content
    for slug in ("tarik", "jadikan-pilihan", "lepas-pilihan"):
        assert decide_url(submitted, slug) not in content
    # Not public yet: no "view on site" link.
    assert 'class="viewsitelink"' not in content


def test_approve_now_button(editor_client, submitted, editor):
    page = editor_client.get(decide_url(submitted, "setujui"))
    assert page.status_code == 200
    assert "Setujui dan terbitkan sekarang" in page.content.decode()

    response = editor_client.post(decide_url(submitted, "setujui"))

    assert response.status_code == 302
    assert response.url == change_url(submitted)
    submitted.refresh_from_db()
    assert submitted.status == S.PUBLISHED
    event = PostEvent.objects.get(post=submitted)
    assert (event.action, event.actor) == (PostAction.APPROVE, editor)
    assert "Berita disetujui dan diterbitkan." in texts(response)


def test_approve_with_schedule_button(editor_client, submitted):
    when = timezone.localtime() + timedelta(days=1)
    response = editor_client.post(
        decide_url(submitted, "jadwalkan"),
        {
            "publish_at_0": when.strftime("%Y-%m-%d"),
            "publish_at_1": when.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.SCHEDULED
    assert abs(submitted.publish_at - when) < timedelta(seconds=1)


def test_schedule_in_the_past_shows_the_error(editor_client, submitted):
    when = timezone.localtime() - timedelta(hours=1)
    response = editor_client.post(
        decide_url(submitted, "jadwalkan"),
        {
            "publish_at_0": when.strftime("%Y-%m-%d"),
            "publish_at_1": when.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 200
    assert "Jadwal terbit harus di masa depan." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


@pytest.mark.parametrize(
    ("slug", "status"),
    [("minta-perbaikan", S.CHANGES_REQUESTED), ("tolak", S.REJECTED)],
)
def test_comment_required_decisions(editor_client, submitted, slug, status):
    refused = editor_client.post(decide_url(submitted, slug), {"comment": "  "})
    assert refused.status_code == 200
    assert "errorlist" in refused.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED

    response = editor_client.post(
        decide_url(submitted, slug), {"comment": "Lengkapi foto kegiatan."}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == status
    assert PostEvent.objects.get(post=submitted).comment == "Lengkapi foto kegiatan."


def test_unpublish_and_feature_buttons(editor_client, author, category):
    post = make_post(author, category, status=S.PUBLISHED, published_at=timezone.now())
    content = editor_client.get(change_url(post)).content.decode()
    assert 'href="%s" class="viewsitelink"' % post.get_absolute_url() in content
    assert decide_url(post, "tarik") in content
    assert decide_url(post, "jadikan-pilihan") in content
    assert decide_url(post, "setujui") not in content

    editor_client.post(decide_url(post, "jadikan-pilihan"))
    post.refresh_from_db()
    assert post.is_featured
    assert (
        decide_url(post, "lepas-pilihan")
        in editor_client.get(change_url(post)).content.decode()
    )
    editor_client.post(decide_url(post, "lepas-pilihan"))
    post.refresh_from_db()
    assert not post.is_featured

    assert (
        editor_client.post(decide_url(post, "tarik"), {"comment": ""}).status_code
        == 200
    )
    editor_client.post(decide_url(post, "tarik"), {"comment": "Data keliru."})
    post.refresh_from_db()
    assert post.status == S.UNPUBLISHED


def test_late_second_decision_shows_a_clear_message(editor_client, submitted):
    other_editor = EditorFactory()
    from news import services

    services.post_reject(post=submitted, actor=other_editor, reason="Duplikat.")

    response = editor_client.post(decide_url(submitted, "setujui"))

    assert response.status_code == 302
    assert any(m.startswith("Berita ini sudah diputuskan") for m in texts(response))
    submitted.refresh_from_db()
    assert submitted.status == S.REJECTED
    assert PostEvent.objects.filter(post=submitted).count() == 1


def test_unavailable_decision_page_redirects(editor_client, author, category):
    draft = make_post(author, category)
    response = editor_client.get(decide_url(draft, "setujui"))
    assert response.status_code == 302
    assert editor_client.get(decide_url(draft, "tidak-ada")).status_code == 404


# --- Editing text ------------------------------------------------------------------


def change_form_data(client, post, **overrides):
    """The change form's current values, as the browser would post them back."""
    response = client.get(change_url(post))
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if name == "tags":
            value = [tag.pk for tag in value or []]
        data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data["%s-%s" % (formset.prefix, key)] = value
        for inline_form in formset.forms:
            for name in inline_form.fields:
                value = inline_form.initial.get(name)
                if hasattr(value, "pk"):
                    value = value.pk
                data[inline_form.add_prefix(name)] = "" if value is None else value
    data.update(overrides)
    return data


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


# --- CKEditor and its images -------------------------------------------------------


def upload_url(post):
    return reverse("admin:news_post_upload_image", args=[post.pk])


def test_body_is_written_in_ckeditor_with_the_posts_upload_view(
    editor_client, submitted
):
    content = editor_client.get(change_url(submitted)).content.decode()

    assert 'name="body"' in content
    assert 'class="js-ckeditor5"' in content
    assert 'data-upload-url="%s"' % upload_url(submitted) in content
    assert 'data-editor-src="/static/vendor/ckeditor5/ckeditor5.js"' in content
    # The widget's media and the admin's editor styles are on the page.
    assert '<script src="/static/js/editor.js" type="module">' in content
    assert 'href="/static/vendor/ckeditor5/ckeditor5.css"' in content
    assert 'href="/static/css/admin_editor.css"' in content


def test_reviewers_read_the_body_without_an_editor(client, author, category):
    reviewer = ReviewerFactory()
    post = make_post(
        UserFactory(unit=UnitFactory(region=reviewer.region)),
        category,
        status=S.SUBMITTED,
    )
    client.force_login(reviewer)

    content = client.get(change_url(post)).content.decode()

    assert "js-ckeditor5" not in content
    assert "js/editor.js" not in content


@pytest.mark.parametrize("status", [S.SUBMITTED, S.PUBLISHED, S.CHANGES_REQUESTED])
def test_editor_uploads_an_inline_image_to_the_post(
    editor_client, editor, author, category, status
):
    post = make_post(author, category, status=status, published_at=timezone.now())

    response = editor_client.post(upload_url(post), {"upload": upload("PNG")})

    assert response.status_code == 200
    photo = Photo.objects.get()
    assert (photo.kind, photo.post, photo.unit, photo.uploaded_by) == (
        PhotoKind.INLINE,
        post,
        post.unit,
        editor,
    )
    assert response.json() == {"url": photo.image.url, "alt": "Gambar dalam berita"}


def test_admin_upload_refuses_bad_files_with_ckeditors_json(editor_client, submitted):
    fake = SimpleUploadedFile("x.jpg", b"<html><script>alert(1)</script></html>")
    refused = editor_client.post(upload_url(submitted), {"upload": fake})
    assert refused.status_code == 400
    assert refused.json()["error"]["message"]

    missing = editor_client.post(upload_url(submitted), {})
    assert missing.status_code == 400
    assert missing.json() == {
        "error": {"message": "Tidak ada berkas gambar yang dikirim."}
    }
    assert editor_client.get(upload_url(submitted)).status_code == 405
    assert (
        editor_client.post(
            reverse("admin:news_post_upload_image", args=[987654]),
            {"upload": upload("PNG")},
        ).status_code
        == 404
    )
    assert not Photo.objects.exists()


def test_admin_upload_needs_change_permission_login_and_csrf(
    client, editor, author, category
):
    reviewer = ReviewerFactory()
    post = make_post(
        UserFactory(unit=UnitFactory(region=reviewer.region)),
        category,
        status=S.SUBMITTED,
    )
    url = upload_url(post)

    # Anonymous and unit staff: the admin's login page.
    assert client.post(url, {"upload": upload("PNG")}).status_code == 302
    client.force_login(author)
    assert client.post(url, {"upload": upload("PNG")}).status_code == 302
    # A reviewer may read the post, not change it.
    client.force_login(reviewer)
    refused = client.post(url, {"upload": upload("PNG")})
    assert refused.status_code == 403
    assert refused.json()["error"]["message"]
    assert not Photo.objects.exists()

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(editor)
    assert csrf_client.post(url, {"upload": upload("PNG")}).status_code == 403
    csrf_client.get(change_url(post))  # sets the CSRF cookie
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(url, {"upload": upload("PNG")}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert Photo.objects.get().post == post


def test_editor_saves_body_from_ckeditor_sanitised(editor_client, submitted):
    image = editor_client.post(upload_url(submitted), {"upload": upload("PNG")})
    src = image.json()["url"]
    body = (
        '<p>Isi <a href="javascript:alert(1)">rapi</a>.</p>'
        '<figure class="image"><img src="%s" alt="Kegiatan" onerror="x()">'
        "</figure>" % src
    )
    data = change_form_data(editor_client, submitted, body=body)

    assert editor_client.post(change_url(submitted), data).status_code == 302

    submitted.refresh_from_db()
    assert "javascript" not in submitted.body and "onerror" not in submitted.body
    assert '<img src="%s" alt="Kegiatan">' % src in submitted.body


# --- Bulk actions ------------------------------------------------------------------


def test_bulk_approve_reports_each_post(editor_client, author, category):
    first = make_post(author, category, status=S.SUBMITTED, submitted_at=timezone.now())
    second = make_post(
        author, category, status=S.SUBMITTED, submitted_at=timezone.now()
    )
    draft = make_post(author, category, title="Masih draf")

    response = editor_client.post(
        CHANGELIST,
        {
            "action": "approve_and_publish",
            "_selected_action": [first.pk, second.pk, draft.pk],
        },
    )

    assert response.status_code == 302
    assert Post.objects.filter(status=S.PUBLISHED).count() == 2
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    messages = texts(response)
    assert any(m.startswith("2 berita disetujui dan diterbitkan") for m in messages)
    assert any(m.startswith("«Masih draf» tidak diproses") for m in messages)


def test_bulk_request_changes_asks_for_a_comment(editor_client, author, category):
    posts = [
        make_post(author, category, status=S.SUBMITTED, submitted_at=timezone.now())
        for _ in range(2)
    ]
    selected = {"action": "request_changes", "_selected_action": [p.pk for p in posts]}

    page = editor_client.post(CHANGELIST, selected)
    assert page.status_code == 200
    assert "Catatan untuk UPT" in page.content.decode()

    blank = editor_client.post(CHANGELIST, {**selected, "apply": "1", "comment": ""})
    assert blank.status_code == 200
    assert "errorlist" in blank.content.decode()
    assert Post.objects.filter(status=S.SUBMITTED).count() == 2

    done = editor_client.post(
        CHANGELIST, {**selected, "apply": "1", "comment": "Foto kurang jelas."}
    )
    assert done.status_code == 302
    assert Post.objects.filter(status=S.CHANGES_REQUESTED).count() == 2
    assert (
        list(
            PostEvent.objects.filter(action=PostAction.REQUEST_CHANGES).values_list(
                "comment", flat=True
            )
        )
        == ["Foto kurang jelas."] * 2
    )


# --- Reviewers -------------------------------------------------------------------


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


# --- Other models ------------------------------------------------------------------


def test_category_and_tag_admin(editor_client):
    response = editor_client.get(reverse("admin:news_category_add"))
    assert response.status_code == 200
    assert "prepopulated" in response.content.decode()
    response = editor_client.post(
        reverse("admin:news_category_add"),
        {"name": "Kunjungan", "slug": "kunjungan", "description": "", "position": 9},
    )
    assert response.status_code == 302
    assert Category.objects.filter(slug="kunjungan").exists()
    assert (
        editor_client.get(reverse("admin:news_category_changelist")).status_code == 200
    )
    assert editor_client.get(reverse("admin:news_tag_changelist")).status_code == 200


def test_photo_admin_is_read_only(editor_client):
    assert editor_client.get(reverse("admin:news_photo_changelist")).status_code == 200
    assert editor_client.get(reverse("admin:news_photo_add")).status_code == 403
