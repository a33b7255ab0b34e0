"""Content checks (news.checks.content): each rule flags and stays quiet, the
limits are settings, and the one set of rules serves the worker (through a
real Celery worker), the contributor's checklist and its JSON endpoint, the
decision page's flags panel and the queue's flags column.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news import services
from news.checks.content import (
    PhotoText,
    content_checklist,
    content_findings,
    post_content_findings,
)
from news.models import Photo, PhotoKind, Post, PostStatus
from tests.factories import CategoryFactory, PostFactory, UnitFactory, UserFactory
from tests.news.admin_pages import change_url

S = PostStatus
TODAY = date(2026, 11, 20)
GOOD_BODY = "<p>%s</p>" % (
    "Warga binaan Lapas Kelas IIA Salemba mengikuti pelatihan membatik selama "
    "tiga hari bersama instruktur dari balai latihan kerja setempat. " * 6
)
GOOD = {
    "title": "Warga binaan Lapas Salemba belajar membatik tulis",
    "lead": (
        "Dua puluh warga binaan mengikuti pelatihan membatik tulis selama tiga "
        "hari di bengkel kerja Lapas Salemba."
    ),
    "body": GOOD_BODY,
    "photos": [PhotoText("Warga binaan mencanting kain batik di bengkel kerja")],
    "event_date": TODAY - timedelta(days=2),
    "location": "Bengkel kerja Lapas Kelas IIA Salemba, Jakarta Pusat",
    "submitted_on": TODAY,
    "earlier_titles": [(1, "Upacara Hari Bakti Pemasyarakatan")],
}


def codes(**overrides) -> list[str]:
    return [f["code"] for f in content_findings(**{**GOOD, **overrides})]


# --- Each rule: its flag and its absence ----------------------------------------------


def test_a_complete_current_post_has_no_findings():
    assert content_findings(**GOOD) == []


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"title": "Pelatihan batik"}, "title_too_short"),
        ({"title": "Pelatihan membatik tulis " * 6}, "title_too_long"),
        ({"lead": "Pelatihan membatik."}, "lead_too_short"),
        ({"lead": "Warga binaan belajar membatik tulis. " * 10}, "lead_too_long"),
        ({"body": "<p>Pelatihan membatik berlangsung tertib.</p>"}, "body_too_short"),
        ({"photos": []}, "no_photo"),
        ({"photos": [PhotoText("")]}, "alt_text_missing"),
        ({"event_date": None}, "when_where_missing"),
        ({"location": "  "}, "when_where_missing"),
        ({"event_date": TODAY - timedelta(days=15)}, "stale_event"),
        (
            {
                "earlier_titles": [
                    (7, "WARGA BINAAN Lapas Salemba belajar membatik tulis!")
                ]
            },
            "duplicate_title",
        ),
    ],
)
def test_each_rule_flags_what_it_checks(overrides, code):
    assert codes(**overrides) == [code]


def test_findings_say_what_to_fix_in_indonesian():
    finding = content_findings(**{**GOOD, "title": "Batik"})[0]
    assert finding["level"] == "warning"
    assert finding["message"] == (
        "Judul terlalu pendek: 5 karakter (paling sedikit 20)."
    )
    stale = content_findings(**{**GOOD, "event_date": TODAY - timedelta(days=20)})
    assert "20 hari sebelum dikirim" in stale[0]["message"]


def test_fourteen_days_is_still_news():
    assert codes(event_date=TODAY - timedelta(days=14)) == []


@pytest.mark.parametrize(
    "alt",
    ["", "foto", "Gambar", "image", "IMG_2044.jpg", "IMG_2044", "Batik", "  "],
)
def test_alt_texts_that_describe_nothing_are_flagged(alt):
    photos = [PhotoText(alt, "photos/2026/11/IMG_2044.jpg")]
    assert codes(photos=photos) == ["alt_text_missing"]


def test_images_in_the_body_count_as_photos_and_need_alt_text_too():
    described = GOOD_BODY + (
        '<p><img src="/media/inline/a.jpg" alt="Instruktur memeriksa canting"></p>'
    )
    assert codes(photos=[], body=described) == []
    bare = GOOD_BODY + '<p><img src="/media/inline/a.jpg" alt="a.jpg"></p>'
    findings = content_findings(**{**GOOD, "body": bare})
    assert [(f["code"], f["count"]) for f in findings] == [("alt_text_missing", 1)]


def test_body_length_is_the_text_not_the_markup():
    markup = "<p><strong></strong></p>" * 200 + "<p>Singkat.</p>"
    assert codes(body=markup) == ["body_too_short"]


def test_limits_are_settings(settings):
    settings.CONTENT_TITLE_MIN_CHARS = 5
    settings.CONTENT_BODY_MIN_CHARS = 10
    settings.CONTENT_STALE_DAYS = 30
    settings.CONTENT_ALT_MIN_CHARS = 3
    assert (
        codes(
            title="Batik",
            body="<p>Pelatihan membatik.</p>",
            event_date=TODAY - timedelta(days=25),
            photos=[PhotoText("Canting")],
        )
        == []
    )
    settings.CONTENT_LEAD_MAX_CHARS = 50
    assert codes() == ["lead_too_long"]


def test_the_checklist_lists_every_item_passed_or_not():
    items = content_checklist(content_findings(**{**GOOD, "photos": []}))
    assert [i["item"] for i in items] == [
        "title",
        "lead",
        "body",
        "photo",
        "alt",
        "when_where",
        "fresh",
        "title_unique",
    ]
    assert [i["item"] for i in items if not i["ok"]] == ["photo"]
    assert items[0]["label"] == "Judul 20–120 karakter"


# --- A saved post ---------------------------------------------------------------------


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit)


@pytest.mark.django_db
def test_a_saved_post_is_compared_with_its_own_unit_titles_only(contributor):
    category = CategoryFactory()
    PostFactory(author=contributor, category=category, title="Pelatihan  batik!")
    post = PostFactory(author=contributor, category=category, title="pelatihan batik")
    stranger = UserFactory(unit=UnitFactory(region=contributor.unit.region))
    other = PostFactory(author=stranger, category=category, title="Lomba voli")

    found = [f["code"] for f in post_content_findings(post=post)]
    assert "duplicate_title" in found
    assert "duplicate_title" not in [
        f["code"] for f in post_content_findings(post=other)
    ]


@pytest.mark.django_db
def test_a_saved_post_reads_its_photos_alt_texts(contributor):
    post = PostFactory(author=contributor, category=CategoryFactory())
    Photo.objects.create(
        unit=post.unit,
        post=post,
        kind=PhotoKind.COVER,
        image="photos/x/DSC_0001.jpg",
        alt_text="DSC_0001",
    )
    found = {f["code"] for f in post_content_findings(post=post)}
    assert "alt_text_missing" in found
    assert "no_photo" not in found


# --- The worker -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_stores_the_content_findings_after_a_submission(celery_worker):
    unit = UnitFactory()
    author = UserFactory(unit=unit)
    post = PostFactory(
        author=author,
        category=CategoryFactory(),
        title="Pendek",
        body="<p>Kegiatan berlangsung tertib.</p>",
    )
    assert post.checks_run_at is None

    services.post_submit(post=post, actor=author)

    deadline = timezone.now() + timedelta(seconds=20)
    while timezone.now() < deadline:
        post.refresh_from_db()
        if post.checks_run_at is not None:
            break
    assert post.checks_run_at is not None
    found = {f["code"] for f in post.checks["content"]}
    assert {"title_too_short", "body_too_short", "no_photo"} <= found
    assert "duplicate_title" not in found


# --- The contributor's form and its endpoint ------------------------------------------


@pytest.fixture
def contributor_client(client, contributor):
    client.force_login(contributor)
    return client


@pytest.mark.django_db
def test_the_form_shows_the_checklist_from_the_server(contributor_client, contributor):
    post = PostFactory(
        author=contributor,
        category=CategoryFactory(),
        title="Warga binaan Lapas Salemba belajar membatik tulis",
        lead=GOOD["lead"],
        body=GOOD_BODY,
    )
    page = contributor_client.get(reverse("news:edit", args=[post.pk]))
    content = page.content.decode()
    assert "Periksa sebelum mengirim" in content
    checklist = page.context["checklist"]
    assert {i["item"] for i in checklist["items"] if not i["ok"]} == {
        "photo",
        "when_where",
    }
    assert "Berita ini belum memiliki foto." in content
    assert 'data-checklist-url="%s"' % reverse("news:checklist") in content


@pytest.mark.django_db
def test_the_post_page_shows_the_checklist_beside_the_send_button(
    contributor_client, contributor
):
    draft = PostFactory(author=contributor, category=CategoryFactory(), title="Batik")
    page = contributor_client.get(reverse("news:post", args=[draft.pk]))
    content = page.content.decode()
    assert "Periksa sebelum mengirim" in content
    assert "Judul terlalu pendek" in content
    assert "Kirim ke redaksi" in content  # warnings never take the button away

    Post.objects.filter(pk=draft.pk).update(status=S.SUBMITTED)
    page = contributor_client.get(reverse("news:post", args=[draft.pk]))
    assert "Periksa sebelum mengirim" not in page.content.decode()


@pytest.mark.django_db
def test_warnings_never_block_saving(contributor_client, unit):
    response = contributor_client.post(
        reverse("news:create"),
        {
            "title": "Pendek",
            "lead": "Singkat.",
            "body": "<p>Isi singkat.</p>",
            "category": CategoryFactory().pk,
            "galeri-TOTAL_FORMS": "3",
            "galeri-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Post.objects.get(unit=unit).title == "Pendek"


@pytest.mark.django_db
def test_the_endpoint_answers_with_the_same_checklist(contributor_client, contributor):
    url = reverse("news:checklist")
    data = {
        "title": GOOD["title"],
        "lead": GOOD["lead"],
        "body": GOOD_BODY,
        "event_date": timezone.localdate().isoformat(),
        "location": GOOD["location"],
        "photo_alt": ["foto"],
    }
    answer = contributor_client.post(url, data).json()
    assert answer["warnings"] == 1
    assert [i["item"] for i in answer["items"] if not i["ok"]] == ["alt"]

    described = {**data, "photo_alt": ["Warga binaan mencanting kain batik"]}
    assert contributor_client.post(url, described).json()["warnings"] == 0


@pytest.mark.django_db
def test_the_endpoint_is_for_the_unit_own_posts_only(contributor_client, client):
    stranger = UserFactory(unit=UnitFactory())
    theirs = PostFactory(author=stranger, category=CategoryFactory())
    url = reverse("news:checklist")
    assert contributor_client.post(url, {"post": theirs.pk}).status_code == 404
    assert contributor_client.get(url).status_code == 405
    client.logout()
    assert client.post(url, {"title": "x"}).status_code == 302


# --- The editors: flags panel and queue column ----------------------------------------


@pytest.mark.django_db
def test_the_decision_page_says_when_checks_have_not_run(editor_client, submitted):
    content = editor_client.get(change_url(submitted)).content.decode()
    assert "Pemeriksaan otomatis" in content
    assert "Belum diperiksa" in content


@pytest.mark.django_db
def test_the_decision_page_lists_each_check_findings(editor_client, submitted):
    Post.objects.filter(pk=submitted.pk).update(
        checks={
            "content": [
                {
                    "code": "no_photo",
                    "level": "warning",
                    "message": "Berita ini belum memiliki foto.",
                }
            ],
            "group": [],
            "faces": [{"code": "faces", "level": "info", "message": "2 wajah."}],
        },
        checks_run_at=timezone.now(),
    )
    content = editor_client.get(change_url(submitted)).content.decode()
    assert "Diperiksa" in content
    assert "Kelengkapan isi" in content
    assert "Berita ini belum memiliki foto." in content
    assert "check-finding--warning" in content
    assert "check-finding--info" in content
    assert "tidak ada temuan" in content  # the group check found nothing


@pytest.mark.django_db
def test_the_queue_flags_column_costs_no_query_per_row(editor_client, author, category):
    def add_posts(n):
        for _ in range(n):
            PostFactory(
                author=author,
                category=category,
                status=S.SUBMITTED,
                submitted_at=timezone.now(),
                checks={
                    "content": [
                        {
                            "code": "no_photo",
                            "level": "warning",
                            "message": "Tanpa foto.",
                        },
                        {"code": "x", "level": "info", "message": "Sekadar info."},
                    ]
                },
                checks_run_at=timezone.now(),
            )

    url = reverse("admin:news_post_changelist")
    add_posts(2)
    with CaptureQueriesContext(connection) as few:
        content = editor_client.get(url).content.decode()
    assert 'title="Tanpa foto."' in content
    assert "1 peringatan" in content
    add_posts(8)
    with CaptureQueriesContext(connection) as many:
        editor_client.get(url)
    assert len(many) == len(few)
