"""The news views through the test client, as each role."""

import datetime
import io
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from news.models import (
    Category,
    Photo,
    PhotoKind,
    Post,
    PostAction,
    PostEvent,
    PostStatus,
    Tag,
)
from tests.factories import EditorFactory, UnitFactory, UserFactory
from units.models import Role

_seq = itertools.count(1)

BODY = (
    "<p>Lapas menggelar pelatihan menjahit bagi warga binaan.</p>"
    "<ul><li>Menjahit</li><li>Sablon</li></ul>"
)


@pytest.fixture
def category(db):
    return Category.objects.create(name="Pembinaan", slug="pembinaan")


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit, role=Role.CONTRIBUTOR, first_name="Sari")


@pytest.fixture
def head(unit):
    return UserFactory(unit=unit, role=Role.HEAD, first_name="Kalapas")


@pytest.fixture
def author_client(client, contributor):
    client.force_login(contributor)
    return client


def make_post(unit, author, category, *, status=PostStatus.DRAFT, **fields):
    n = next(_seq)
    now = timezone.now()
    defaults = {
        "title": "Berita uji %d" % n,
        "slug": "berita-uji-%d" % n,
        "lead": "Ringkasan berita uji %d." % n,
        "body": "<p>Isi berita uji %d.</p>" % n,
        "status": status,
        "published_at": now if status == PostStatus.PUBLISHED else None,
        "publish_at": now if status == PostStatus.SCHEDULED else None,
        "submitted_at": now if status != PostStatus.DRAFT else None,
    }
    defaults.update(fields)
    return Post.objects.create(unit=unit, author=author, category=category, **defaults)


def form_data(cat, **overrides):
    data = {
        "title": "Pelatihan menjahit di Lapas",
        "lead": "Warga binaan belajar menjahit selama satu pekan.",
        "body": BODY,
        "category": str(cat.pk),
        "tags": "pembinaan, Kemandirian, pembinaan",
        "programme": "",
        "event_date": "2024-09-24",
        "location": "Aula Lapas",
        "galeri-TOTAL_FORMS": "3",
        "galeri-INITIAL_FORMS": "0",
        "galeri-MIN_NUM_FORMS": "0",
        "galeri-MAX_NUM_FORMS": "10",
    }
    data.update(overrides)
    return data


def png_file(name="foto.png", size=(640, 480)):
    buf = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def fake_jpeg(name="foto.jpg"):
    return SimpleUploadedFile(
        name, b"Ini bukan foto, hanya teks biasa.\n" * 20, content_type="image/jpeg"
    )


# --- Anonymous and other roles ------------------------------------------------


def contributor_urls(post):
    """Every contributor URL of a post, with its method."""
    get = [
        reverse("news:post", args=[post.pk]),
        reverse("news:edit", args=[post.pk]),
        reverse("news:preview", args=[post.pk]),
        reverse("news:photos", args=[post.pk]),
    ]
    post_only = [
        reverse("news:edit", args=[post.pk]),
        reverse("news:photos", args=[post.pk]),
        reverse("news:submit", args=[post.pk]),
        reverse("news:withdraw", args=[post.pk]),
        reverse("news:head_approve", args=[post.pk]),
        reverse("news:head_return", args=[post.pk]),
    ]
    return [("get", url) for url in get] + [("post", url) for url in post_only]


def test_anonymous_is_sent_to_login(client, contributor, category):
    post = make_post(contributor.unit, contributor, category)
    urls = contributor_urls(post) + [
        ("get", reverse("news:dashboard")),
        ("get", reverse("news:create")),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_editor_is_sent_to_newsroom_from_dashboard(client, db):
    client.force_login(EditorFactory())
    response = client.get(reverse("news:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_other_unit_gets_404_on_every_contributor_url(client, contributor, category):
    other_unit = UnitFactory()
    other_author = UserFactory(unit=other_unit)
    photo_owner_post = make_post(other_unit, other_author, category)
    photo = Photo.objects.create(
        unit=other_unit,
        post=photo_owner_post,
        kind=PhotoKind.GALLERY,
        image="photos/xx/x.jpg",
        alt_text="Foto",
    )
    client.force_login(contributor)
    for status in (PostStatus.DRAFT, PostStatus.SUBMITTED, PostStatus.HEAD_REVIEW):
        post = make_post(other_unit, other_author, category, status=status)
        for method, url in contributor_urls(post):
            response = getattr(client, method)(url, {"catatan": "x"})
            assert response.status_code == 404, (status, method, url)
    remove = reverse("news:photo_remove", args=[photo_owner_post.pk, photo.pk])
    assert client.post(remove).status_code == 404
    assert Photo.objects.filter(pk=photo.pk).exists()
    # The head of unit A cannot decide on unit B's posts either.
    head_a = UserFactory(unit=contributor.unit, role=Role.HEAD)
    client.force_login(head_a)
    post = make_post(other_unit, other_author, category, status=PostStatus.HEAD_REVIEW)
    for method, url in contributor_urls(post):
        assert getattr(client, method)(url).status_code == 404, url
    post.refresh_from_db()
    assert post.status == PostStatus.HEAD_REVIEW


def test_photo_of_another_post_is_404(author_client, contributor, category):
    mine = make_post(contributor.unit, contributor, category)
    other = make_post(UnitFactory(), UserFactory(), category)
    photo = Photo.objects.create(
        unit=other.unit,
        post=other,
        kind=PhotoKind.GALLERY,
        image="p/x.jpg",
        alt_text="a",
    )
    url = reverse("news:photo_remove", args=[mine.pk, photo.pk])
    assert author_client.post(url).status_code == 404


# --- Writing a post -----------------------------------------------------------


def test_create_post_as_draft(author_client, contributor, category):
    response = author_client.get(reverse("news:create"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="js-ckeditor5"' in html or "js-ckeditor5" in html
    assert "vendor/ckeditor5/ckeditor5.css" in html
    assert 'type="module"' in html and "js/editor.js" in html

    response = author_client.post(reverse("news:create"), form_data(category))
    post = Post.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("news:post", args=[post.pk])
    assert post.status == PostStatus.DRAFT
    assert post.unit == contributor.unit
    assert post.author == contributor
    assert post.title == "Pelatihan menjahit di Lapas"
    assert post.event_date == datetime.date(2024, 9, 24)
    assert sorted(t.name.lower() for t in post.tags.all()) == [
        "kemandirian",
        "pembinaan",
    ]
    page = author_client.get(response.url)
    assert page.status_code == 200
    assert "Draf berita tersimpan." in page.content.decode()
    assert "Riwayat" in page.content.decode()


def test_edit_reuses_existing_tags(author_client, contributor, category):
    Tag.objects.create(name="Pembinaan", slug="pembinaan")
    post = make_post(contributor.unit, contributor, category)
    edit = reverse("news:edit", args=[post.pk])
    assert author_client.get(edit).status_code == 200
    response = author_client.post(
        edit, form_data(category, title="Judul baru", tags="pembinaan, HumasBergerak")
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Judul baru"
    assert Tag.objects.filter(slug="pembinaan").count() == 1
    assert post.tags.count() == 2
    # The edit form shows the tags back as comma-separated text.
    html = author_client.get(edit).content.decode()
    assert 'value="HumasBergerak, Pembinaan"' in html


def test_saving_a_post_sent_back_for_changes_says_to_resubmit(
    author_client, contributor, category
):
    post = make_post(
        contributor.unit,
        contributor,
        category,
        status=PostStatus.CHANGES_REQUESTED,
    )

    response = author_client.post(
        reverse("news:edit", args=[post.pk]), form_data(category, title="Judul baru")
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == PostStatus.CHANGES_REQUESTED
    page = author_client.get(response.url).content.decode()
    assert "Perubahan tersimpan; kirim ulang bila sudah siap." in page
    assert "Draf berita tersimpan." not in page


def test_form_errors_are_indonesian_and_next_to_fields(author_client, category):
    response = author_client.post(
        reverse("news:create"),
        form_data(category, title="", category="", body="<p>&nbsp;</p>"),
    )
    assert response.status_code == 200
    assert not Post.objects.exists()
    html = response.content.decode()
    assert 'id="id_title_error"' in html
    assert 'id="id_category_error"' in html
    assert 'id="id_body_error"' in html
    assert "Isi berita wajib diisi." in html
    assert "This field is required" not in html
    assert "Berita belum tersimpan" in html
    # The field with an error is marked for assistive technology.
    assert 'aria-invalid="true"' in html


def test_form_errors_stay_indonesian_for_an_english_browser(author_client, category):
    response = author_client.post(
        reverse("news:create"),
        form_data(category, title="x" * 201, lead="", event_date="kemarin"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert "Paling banyak 200 karakter (sekarang 201)." in html
    assert "Bagian ini wajib diisi." in html
    assert "Masukkan tanggal yang benar" in html
    assert "Ensure this value" not in html and "This field is required" not in html


def test_nothing_typed_is_lost_on_error(author_client, category):
    data = form_data(
        category,
        category="",
        title="Kunjungan keluarga <daring>",
        location="Rutan Kelas IIB Bangil",
        **{"sampul-alt_text": "Petugas membantu keluarga", "sampul-caption": "Cap"},
    )
    html = author_client.post(reverse("news:create"), data).content.decode()
    assert "Kunjungan keluarga &lt;daring&gt;" in html
    assert data["lead"] in html
    assert "Lapas menggelar pelatihan menjahit" in html
    assert "Rutan Kelas IIB Bangil" in html
    assert "pembinaan, Kemandirian, pembinaan" in html
    assert 'value="2024-09-24"' in html
    assert "Petugas membantu keluarga" in html
    # The photo caption without a file gets a clear message too.
    assert 'id="id_sampul-file_error"' in html


def test_rejected_photo_keeps_text_and_saves_nothing(author_client, category):
    data = form_data(
        category,
        **{
            "sampul-file": fake_jpeg(),
            "sampul-alt_text": "Warga binaan menjahit",
            "sampul-caption": "Pelatihan hari pertama",
        },
    )
    response = author_client.post(reverse("news:create"), data)
    assert response.status_code == 200
    assert not Post.objects.exists()
    assert not Photo.objects.exists()
    html = response.content.decode()
    assert 'id="id_sampul-file_error"' in html
    assert "Ada foto yang tidak dapat diterima" in html
    assert "Pelatihan menjahit di Lapas" in html
    assert "Lapas menggelar pelatihan menjahit" in html
    assert "Warga binaan menjahit" in html
    assert "Pelatihan hari pertama" in html


def test_rejected_gallery_photo_on_edit_keeps_old_text(
    author_client, contributor, category
):
    post = make_post(contributor.unit, contributor, category, title="Judul lama")
    data = form_data(
        category,
        title="Judul yang sedang diketik",
        **{"galeri-1-file": fake_jpeg("galeri.jpg"), "galeri-1-alt_text": "Alt"},
    )
    response = author_client.post(reverse("news:edit", args=[post.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_galeri-1-file_error"' in html
    assert "Judul yang sedang diketik" in html
    post.refresh_from_db()
    assert post.title == "Judul lama"  # the whole save was rolled back


def test_photo_without_alt_text_is_refused(author_client, category):
    data = form_data(category, **{"sampul-file": png_file()})
    response = author_client.post(reverse("news:create"), data)
    assert response.status_code == 200
    assert 'id="id_sampul-alt_text_error"' in response.content.decode()
    assert not Post.objects.exists()


def test_create_with_cover_and_gallery(author_client, category):
    data = form_data(
        category,
        **{
            "sampul-file": png_file("sampul.png"),
            "sampul-alt_text": "Warga binaan menjahit",
            "sampul-credit": "Humas Lapas",
            "galeri-0-file": png_file("g1.png"),
            "galeri-0-alt_text": "Hasil jahitan",
        },
    )
    response = author_client.post(reverse("news:create"), data)
    assert response.status_code == 302
    post = Post.objects.get()
    kinds = sorted(post.photos.values_list("kind", flat=True))
    assert kinds == [PhotoKind.COVER, PhotoKind.GALLERY]
    cover = post.photos.get(kind=PhotoKind.COVER)
    assert cover.alt_text == "Warga binaan menjahit"
    assert cover.credit == "Humas Lapas"


def test_photos_page_add_and_remove(author_client, contributor, category):
    post = make_post(contributor.unit, contributor, category)
    url = reverse("news:photos", args=[post.pk])
    assert author_client.get(url).status_code == 200
    response = author_client.post(
        url,
        {
            "jenis": "gallery",
            "foto-file": png_file(),
            "foto-alt_text": "Peserta pelatihan",
            "foto-caption": "Keterangan",
        },
    )
    assert response.status_code == 302
    photo = post.photos.get()
    assert photo.kind == PhotoKind.GALLERY
    response = author_client.post(
        url, {"jenis": "gallery", "foto-file": fake_jpeg(), "foto-alt_text": "Alt"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_foto-file_error"' in html
    assert post.photos.count() == 1
    remove = reverse("news:photo_remove", args=[post.pk, photo.pk])
    assert author_client.post(remove).status_code == 302
    assert not post.photos.exists()


def test_preview_uses_article_template_with_banner(
    author_client, contributor, category
):
    post = make_post(contributor.unit, contributor, category, body=BODY)
    response = author_client.get(reverse("news:preview", args=[post.pk]))
    assert response.status_code == 200
    assert "public/article.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "preview-banner" in html and "Pratinjau" in html
    assert post.title in html
    assert "<li>Menjahit</li>" in html
    assert 'name="robots" content="noindex, nofollow"' in html


# --- Submitting, locking, withdrawing -----------------------------------------


def test_submit_then_locked_until_changes_requested(
    author_client, contributor, category
):
    post = make_post(contributor.unit, contributor, category)
    response = author_client.post(reverse("news:submit", args=[post.pk]))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == PostStatus.SUBMITTED
    assert post.events.filter(action=PostAction.SUBMIT).exists()

    edit = reverse("news:edit", args=[post.pk])
    response = author_client.get(edit, follow=True)
    assert response.redirect_chain[-1][0] == reverse("news:post", args=[post.pk])
    assert "sedang ditinjau dan tidak dapat diubah" in response.content.decode()
    response = author_client.post(edit, form_data(category, title="Diam-diam"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title != "Diam-diam"
    photos = reverse("news:photos", args=[post.pk])
    response = author_client.post(
        photos, {"foto-file": png_file(), "foto-alt_text": "Alt"}
    )
    assert response.status_code == 302
    assert not post.photos.exists()

    # An editor asks for changes: the unit may edit again.
    Post.objects.filter(pk=post.pk).update(status=PostStatus.CHANGES_REQUESTED)
    assert author_client.get(edit).status_code == 200
    response = author_client.post(edit, form_data(category, title="Diperbaiki"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Diperbaiki"


def test_withdraw_a_submission(author_client, contributor, category):
    post = make_post(contributor.unit, contributor, category)
    author_client.post(reverse("news:submit", args=[post.pk]))
    response = author_client.post(reverse("news:withdraw", args=[post.pk]))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status != PostStatus.SUBMITTED
    assert post.events.filter(action=PostAction.WITHDRAW).exists()


def test_refused_move_shows_message(author_client, contributor, category):
    post = make_post(
        contributor.unit, contributor, category, status=PostStatus.PUBLISHED
    )
    response = author_client.post(reverse("news:submit", args=[post.pk]), follow=True)
    assert response.status_code == 200
    assert response.context["messages"]
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED


def test_submit_and_withdraw_are_post_only(author_client, contributor, category):
    post = make_post(contributor.unit, contributor, category)
    for name in ("submit", "withdraw", "head_approve", "head_return"):
        response = author_client.get(reverse("news:%s" % name, args=[post.pk]))
        assert response.status_code == 405, name
    post.refresh_from_db()
    assert post.status == PostStatus.DRAFT


def test_rate_limit_returns_429_and_saves_nothing(
    author_client, contributor, category, settings
):
    settings.SUBMISSIONS_PER_UNIT_PER_HOUR = 1
    first = make_post(contributor.unit, contributor, category)
    second = make_post(contributor.unit, contributor, category)
    assert author_client.post(reverse("news:submit", args=[first.pk])).status_code
    response = author_client.post(reverse("news:submit", args=[second.pk]))
    assert response.status_code == 429
    html = response.content.decode()
    assert "terlalu banyak berita dalam satu jam terakhir" in html
    second.refresh_from_db()
    assert second.status == PostStatus.DRAFT
    assert second.submitted_at is None
    assert not second.events.filter(action=PostAction.SUBMIT).exists()


# --- Head of unit -------------------------------------------------------------


def test_head_of_unit_approves_and_returns(client, contributor, head, category):
    unit = contributor.unit
    unit.requires_head_approval = True
    unit.save()
    client.force_login(contributor)
    first = make_post(unit, contributor, category)
    second = make_post(unit, contributor, category)
    for post in (first, second):
        client.post(reverse("news:submit", args=[post.pk]))
        post.refresh_from_db()
        assert post.status == PostStatus.HEAD_REVIEW
    # A contributor cannot decide for the head.
    response = client.post(reverse("news:head_approve", args=[first.pk]))
    assert response.status_code == 403

    client.force_login(head)
    dashboard = client.get(reverse("news:dashboard")).content.decode()
    assert "menunggu persetujuan Anda" in dashboard
    page = client.get(reverse("news:post", args=[first.pk])).content.decode()
    assert reverse("news:head_approve", args=[first.pk]) in page
    client.post(reverse("news:head_approve", args=[first.pk]))
    first.refresh_from_db()
    assert first.status == PostStatus.SUBMITTED

    # Returning needs a comment.
    client.post(reverse("news:head_return", args=[second.pk]), {"catatan": " "})
    second.refresh_from_db()
    assert second.status == PostStatus.HEAD_REVIEW
    client.post(
        reverse("news:head_return", args=[second.pk]),
        {"catatan": "Tambahkan nama narasumber."},
    )
    second.refresh_from_db()
    assert second.status in (PostStatus.CHANGES_REQUESTED, PostStatus.DRAFT)
    client.force_login(contributor)
    dashboard = client.get(reverse("news:dashboard")).content.decode()
    assert "Tambahkan nama narasumber." in dashboard


# --- Dashboard ----------------------------------------------------------------


def test_dashboard_lists_own_posts_with_badges_counts_and_comments(
    author_client, contributor, category
):
    editor = EditorFactory()
    mine = make_post(
        contributor.unit,
        contributor,
        category,
        status=PostStatus.CHANGES_REQUESTED,
        title="Punyaku",
    )
    PostEvent.objects.create(
        post=mine,
        actor=editor,
        action=PostAction.REQUEST_CHANGES,
        comment="Komentar lama.",
    )
    PostEvent.objects.create(
        post=mine,
        actor=editor,
        action=PostAction.REQUEST_CHANGES,
        comment="Foto utama kurang jelas.",
    )
    make_post(contributor.unit, contributor, category, status=PostStatus.PUBLISHED)
    make_post(UnitFactory(), UserFactory(), category, title="Milik UPT lain")
    response = author_client.get(reverse("news:dashboard"))
    html = response.content.decode()
    assert "Punyaku" in html
    assert "Milik UPT lain" not in html
    assert "badge-changes_requested" in html
    assert "Foto utama kurang jelas." in html
    assert "Komentar lama." not in html
    counts = {value: n for value, _label, n in response.context["status_counts"]}
    assert counts[PostStatus.CHANGES_REQUESTED] == 1
    assert counts[PostStatus.PUBLISHED] == 1
    assert response.context["total"] == 2
    filtered = author_client.get(reverse("news:dashboard"), {"status": "published"})
    assert "Punyaku" not in filtered.content.decode()


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_queries_do_not_grow_with_rows(
    author_client, contributor, category, django_assert_max_num_queries
):
    editor = EditorFactory()

    def add_posts(n):
        for _ in range(n):
            post = make_post(
                contributor.unit,
                contributor,
                category,
                status=PostStatus.CHANGES_REQUESTED,
            )
            post.tags.add(Tag.objects.get_or_create(name="t", slug="t")[0])
            PostEvent.objects.create(
                post=post,
                actor=editor,
                action=PostAction.REQUEST_CHANGES,
                comment="Perbaiki.",
            )

    url = reverse("news:dashboard")
    add_posts(2)
    few = _count_queries(author_client, url)
    add_posts(20)
    many = _count_queries(author_client, url)
    assert few == many
    with django_assert_max_num_queries(10):
        author_client.get(url)


def test_contributor_post_page_shows_history(author_client, contributor, category):
    post = make_post(contributor.unit, contributor, category)
    PostEvent.objects.create(
        post=post,
        actor=EditorFactory(first_name="Redaktur"),
        action=PostAction.REQUEST_CHANGES,
        comment="Lengkapi lokasi kegiatan.",
    )
    html = author_client.get(reverse("news:post", args=[post.pk])).content.decode()
    assert "Lengkapi lokasi kegiatan." in html
    assert "Diminta perbaikan" in html


# --- Inline image upload (CKEditor) -------------------------------------------


def test_upload_image_returns_ckeditor_json(author_client, contributor):
    url = reverse("news:upload_image")
    response = author_client.post(url, {"upload": png_file()})
    assert response.status_code == 200
    photo = Photo.objects.get()
    assert photo.kind == PhotoKind.INLINE
    assert photo.unit == contributor.unit
    assert response.json() == {"url": photo.image.url, "alt": photo.alt_text}


def test_upload_image_refuses_a_fake_image(author_client):
    response = author_client.post(reverse("news:upload_image"), {"upload": fake_jpeg()})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message and "error" not in message.lower()
    assert not Photo.objects.exists()


def test_upload_image_needs_post_login_and_csrf(client, contributor):
    url = reverse("news:upload_image")
    assert client.post(url, {"upload": png_file()}).status_code == 403
    client.force_login(contributor)
    assert client.get(url).status_code == 405
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(contributor)
    assert csrf_client.post(url, {"upload": png_file()}).status_code == 403
    csrf_client.get(reverse("news:create"))  # sets the CSRF cookie
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(url, {"upload": png_file()}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    client.force_login(EditorFactory())
    assert client.post(url, {"upload": png_file()}).status_code == 403


# --- XSS ----------------------------------------------------------------------

XSS_BODY = (
    "<p>Aman</p><script>alert('xss')</script>"
    '<img src="x" onerror="alert(1)">'
    '<p><a href="javascript:alert(1)">klik</a></p>'
    '<p><a href="JaVaScRiPt:alert(1)">klik2</a></p>'
    '<p onmouseover="alert(1)">arahkan</p>'
    '<iframe src="javascript:alert(1)"></iframe>'
    '<svg onload="alert(1)"></svg>'
    '<p><a href="https://ditjenpas.go.id/">tautan</a></p>'
)


def test_xss_posted_to_create_url_is_neither_stored_nor_rendered(
    author_client, contributor, category
):
    response = author_client.post(
        reverse("news:create"),
        form_data(category, body=XSS_BODY, title="<script>alert(2)</script>Judul"),
    )
    assert response.status_code == 302
    post = Post.objects.get()
    stored = post.body.lower()
    for bad in ("<script", "onerror", "javascript:", "onmouseover", "<iframe"):
        assert bad not in stored, bad
    assert "onload" not in stored
    assert "tautan" in stored and "aman" in stored

    Post.objects.filter(pk=post.pk).update(
        status=PostStatus.PUBLISHED, published_at=timezone.now()
    )
    for url in (
        post.get_absolute_url(),
        reverse("news:preview", args=[post.pk]),
        reverse("news:post", args=[post.pk]),
        reverse("news:dashboard"),
        reverse("home"),
    ):
        html = author_client.get(url).content.decode().lower()
        for bad in ("<script>", "onerror", "javascript:", "onmouseover", "<iframe"):
            assert bad not in html, (url, bad)
    article = author_client.get(post.get_absolute_url()).content.decode()
    assert 'rel="noopener noreferrer"' in article
    assert "&lt;script&gt;alert(2)&lt;/script&gt;Judul" in article
