"""Photos end to end without a worker: upload through the service and the
contributor forms, metadata stripping of every stored file, renditions made
in-process, file clean-up on delete, and the <picture> markup of the pages.

The real worker's side (idempotence, redelivery, the sweeper, retries) is in
test_rendition_tasks.py. Images are generated in memory (tests/news/images.py).
"""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

import imaging
from news import services
from news.models import Photo, PhotoKind, PhotoStatus, Post, PostStatus, Rendition
from tests.factories import CategoryFactory, PostFactory, TagFactory, UserFactory
from tests.news.images import (
    ACCEPTED,
    assert_no_metadata,
    encoded,
    has_gps,
    picture,
    read,
    stored_names,
    upload,
)
from units.models import Role

pytestmark = pytest.mark.django_db

ALL_SPECS = {(w, f) for w in (320, 640, 1024, 1200, 1600) for f in ("webp", "jpeg")}


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):
    """Tasks enqueued after commit, as (task name, args); no broker involved."""
    calls = []
    monkeypatch.setattr(
        "portal.enqueue.enqueue", lambda task, *args: calls.append((task.name, args))
    )
    return calls


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit, role=Role.CONTRIBUTOR)


@pytest.fixture
def author_client(client, contributor):
    client.force_login(contributor)
    return client


@pytest.fixture
def category():
    return CategoryFactory(name="Pembinaan", slug="pembinaan")


def draft(contributor, **fields):
    return PostFactory(author=contributor, **fields)


def published(contributor, **fields):
    return PostFactory(
        author=contributor,
        status=PostStatus.PUBLISHED,
        published_at=timezone.now(),
        **fields,
    )


def publish(post) -> Post:
    """Photos are uploaded while the post is a draft; then it goes live."""
    Post.objects.filter(pk=post.pk).update(
        status=PostStatus.PUBLISHED, published_at=timezone.now()
    )
    post.refresh_from_db()
    return post


def files_of(photo) -> set[str]:
    """Every file in both storages whose name carries the photo's UUID.

    The media storage (news.storage) lists a draft's photo files too, wherever
    they are; a raw upload waiting for the worker is "private:uploads/...".
    """
    names = stored_names(default_storage) | {
        "private:" + name for name in stored_names(storages["private"], "uploads")
    }
    return {name for name in names if photo.uuid.hex in name}


def upload_photo(contributor, post=None, kind=PhotoKind.GALLERY, **kwargs):
    kwargs.setdefault("file", upload("JPEG", (1700, 1100)))
    return services.photo_upload(
        unit=contributor.unit,
        actor=contributor,
        kind=kind,
        alt_text=kwargs.pop("alt_text", "Warga binaan menjahit"),
        post=post,
        **kwargs,
    )


def form_data(category, **overrides):
    data = {
        "title": "Pelatihan menjahit di Lapas Salemba",
        "lead": "Tiga puluh warga binaan belajar menjahit selama satu pekan.",
        "body": "<p>Pelatihan berlangsung di bengkel kerja Lapas.</p>",
        "category": str(category.pk),
        "tags": "pembinaan",
        "programme": "",
        "event_date": "",
        "location": "Bengkel kerja",
        "galeri-TOTAL_FORMS": "3",
        "galeri-INITIAL_FORMS": "0",
        "galeri-MIN_NUM_FORMS": "0",
        "galeri-MAX_NUM_FORMS": "10",
    }
    data.update(overrides)
    return data


# --- Upload through the service ------------------------------------------------


@pytest.mark.parametrize("fmt", list(ACCEPTED))
def test_upload_through_service_strips_gps_from_every_stored_file(
    fmt, contributor, enqueued, django_capture_on_commit_callbacks
):
    file = upload(fmt, (1700, 1100), name="../../rahasia/IMG_2024.%s" % fmt.lower())
    assert has_gps(file.read()), "the upload carries GPS"
    file.seek(0)
    private_before = stored_names(storages["private"])

    with django_capture_on_commit_callbacks(execute=True):
        photo = upload_photo(contributor, post=draft(contributor), file=file)

    photo.refresh_from_db()
    assert photo.status == PhotoStatus.PENDING
    assert (photo.width, photo.height) == (1700, 1100)
    # A random name, never the uploaded one; the extension from the content.
    hexed = photo.uuid.hex
    assert photo.image.name == "photos/%s/%s.%s" % (hexed[:2], hexed, ACCEPTED[fmt])
    # Enqueued once the upload was committed.
    assert enqueued == [("news.tasks.make_photo_renditions", (photo.pk,))]
    # A small image is cleaned in the request: no raw upload is kept, and the
    # clean copy is private while its post is a draft (news.storage).
    assert stored_names(storages["private"]) - private_before == {photo.image.name}

    assert services.photo_renditions_create(photo_id=photo.pk) == 10
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.READY
    renditions = list(photo.renditions.all())
    assert {(r.width, r.format) for r in renditions} == ALL_SPECS

    # Every file stored for this photo, read back through the storage API.
    stored = files_of(photo)
    assert stored == {photo.image.name} | {r.file.name for r in renditions}
    for name in stored:
        assert_no_metadata(read(default_storage, name))


def test_upload_applies_exif_orientation(contributor):
    # Stored 800 x 400 with "rotate 90° clockwise": shown 400 wide, 800 high.
    photo = upload_photo(contributor, file=upload("JPEG", (800, 400), orientation=6))
    assert (photo.width, photo.height) == (400, 800)
    services.photo_renditions_create(photo_id=photo.pk)
    assert {(r.width, r.height) for r in photo.renditions.all()} == {(320, 640)}
    with Image.open(io.BytesIO(read(default_storage, photo.image.name))) as img:
        assert img.size == (400, 800)


def test_inline_image_is_usable_at_once_and_gets_renditions(
    author_client, contributor, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = author_client.post(
            reverse("news:upload_image"), {"upload": upload("HEIF")}
        )
    assert response.status_code == 200
    photo = Photo.objects.get()
    assert response.json()["url"] == photo.image.url
    assert default_storage.exists(photo.image.name)
    assert enqueued == [("news.tasks.make_photo_renditions", (photo.pk,))]


# --- Upload through the contributor forms --------------------------------------


@pytest.mark.parametrize("fmt", list(ACCEPTED))
def test_post_form_accepts_each_format(
    fmt, author_client, category, enqueued, django_capture_on_commit_callbacks
):
    data = form_data(
        category,
        **{
            "sampul-file": upload(fmt, (900, 600)),
            "sampul-alt_text": "Warga binaan menjahit kain batik",
            "sampul-caption": "Pelatihan hari pertama",
            "sampul-credit": "Humas Lapas Salemba",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = author_client.post(reverse("news:create"), data)
    assert response.status_code == 302
    post = Post.objects.get()
    cover = post.photos.get()
    assert cover.kind == PhotoKind.COVER
    assert (cover.caption, cover.credit) == (
        "Pelatihan hari pertama",
        "Humas Lapas Salemba",
    )
    assert cover.image.name.endswith(".%s" % ACCEPTED[fmt])
    assert_no_metadata(read(default_storage, cover.image.name))
    assert enqueued == [("news.tasks.make_photo_renditions", (cover.pk,))]


@pytest.mark.parametrize("fmt", list(ACCEPTED))
def test_photos_page_accepts_each_format(fmt, author_client, contributor):
    post = draft(contributor)
    response = author_client.post(
        reverse("news:photos", args=[post.pk]),
        {"jenis": "gallery", "foto-file": upload(fmt), "foto-alt_text": "Peserta"},
    )
    assert response.status_code == 302
    photo = post.photos.get()
    assert_no_metadata(read(default_storage, photo.image.name))
    # Until its renditions exist the contributor sees the clean image.
    html = author_client.get(reverse("news:photos", args=[post.pk])).content.decode()
    assert 'src="%s"' % photo.image.url in html
    assert "Sedang diproses" in html


def _animated_webp() -> bytes:
    frames = [picture(), picture().transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    buf = io.BytesIO()
    frames[0].save(buf, "WEBP", save_all=True, append_images=frames[1:], duration=90)
    return buf.getvalue()


def _truncated_jpeg() -> bytes:
    data = encoded("JPEG", (1600, 1200), quality=90)
    return data[: len(data) * 2 // 3]


REJECTIONS = {
    "gif": (lambda: encoded("GIF"), {}, "unsupported_format"),
    "pdf": (lambda: b"%PDF-1.7\n" + b"x" * 2000, {}, "unsupported_format"),
    "truncated": (_truncated_jpeg, {}, "corrupt"),
    "animated": (_animated_webp, {}, "animated"),
    "polyglot": (
        lambda: encoded("JPEG") + b"<script>alert(document.cookie)</script>",
        {},
        "suspicious_content",
    ),
    "too_large": (lambda: encoded("PNG"), {"PHOTO_MAX_BYTES": 2048}, "file_too_large"),
    "too_many_pixels": (
        lambda: encoded("JPEG", (1200, 900)),
        {"PHOTO_MAX_PIXELS_JPEG": 1_000_000},
        "too_many_pixels",
    ),
}


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_post_form_rejection_shows_indonesian_message_and_keeps_text(
    case, author_client, category, settings, enqueued
):
    make, overrides, code = REJECTIONS[case]
    for name, value in overrides.items():
        setattr(settings, name, value)
    data = make()
    with pytest.raises(ValidationError) as refused:
        imaging.validate_image(io.BytesIO(data))
    assert refused.value.code == code
    (message,) = refused.value.messages
    before = stored_names(default_storage) | stored_names(storages["private"])

    response = author_client.post(
        reverse("news:create"),
        form_data(
            category,
            **{
                "sampul-file": SimpleUploadedFile("IMG_0001.jpg", data, "image/jpeg"),
                "sampul-alt_text": "Warga binaan menjahit kain batik",
                "sampul-caption": "Pelatihan hari pertama",
            },
        ),
    )

    assert response.status_code == 200
    html = response.content.decode()
    # The reason, in Indonesian, next to the file field.
    error = re.search(r'id="id_sampul-file_error".*?</', html, re.S).group(0)
    assert escape(message) in error
    assert "Ada foto yang tidak dapat diterima" in html
    # Nothing of the form is lost...
    assert "Pelatihan menjahit di Lapas Salemba" in html
    assert "Tiga puluh warga binaan belajar menjahit" in html
    assert "Pelatihan berlangsung di bengkel kerja Lapas." in html
    assert "Warga binaan menjahit kain batik" in html
    assert "Pelatihan hari pertama" in html
    # ...and nothing was saved or stored.
    assert not Post.objects.exists() and not Photo.objects.exists()
    assert stored_names(default_storage) | stored_names(storages["private"]) == before
    assert enqueued == []


def test_empty_file_is_refused_by_the_form(author_client, category):
    response = author_client.post(
        reverse("news:create"),
        form_data(
            category,
            **{
                "sampul-file": SimpleUploadedFile("kosong.jpg", b"", "image/jpeg"),
                "sampul-alt_text": "Foto",
            },
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Berkas yang dikirim kosong." in html
    assert "Pelatihan menjahit di Lapas Salemba" in html
    assert not Post.objects.exists()


def test_rejected_gallery_photo_keeps_the_photos_accepted_before_it(
    author_client, category
):
    before = stored_names(default_storage)
    response = author_client.post(
        reverse("news:create"),
        form_data(
            category,
            **{
                "sampul-file": upload("PNG"),
                "sampul-alt_text": "Sampul",
                "galeri-0-file": upload("JPEG"),
                "galeri-0-alt_text": "Galeri pertama",
                "galeri-1-file": SimpleUploadedFile("x.jpg", encoded("GIF")),
                "galeri-1-alt_text": "Galeri kedua",
            },
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_galeri-1-file_error"' in html
    assert not Post.objects.exists()
    # The cover and first gallery photo were accepted: staged (no post yet)
    # and offered again; the refused one left nothing behind.
    staged = Photo.objects.filter(post__isnull=True)
    assert staged.count() == 2
    assert html.count("Foto sudah diunggah") == 2
    assert stored_names(default_storage) - before == {p.image.name for p in staged}


# --- Renditions in-process -----------------------------------------------------


def rendition_rows(photo) -> set[tuple]:
    return set(
        photo.renditions.values_list("pk", "width", "format", "file", "bytes", "height")
    )


def test_renditions_are_keyed_and_a_rerun_changes_nothing(contributor):
    photo = upload_photo(contributor)
    assert services.photo_renditions_create(photo_id=photo.pk) == 10
    rows, files = rendition_rows(photo), files_of(photo)
    contents = {name: read(default_storage, name) for name in files}

    assert services.photo_renditions_create(photo_id=photo.pk) == 0

    assert rendition_rows(photo) == rows
    assert files_of(photo) == files
    assert {name: read(default_storage, name) for name in files} == contents
    for r in photo.renditions.all():
        expected = services.rendition_name(photo=photo, width=r.width, format=r.format)
        assert r.file.name == expected
        assert r.bytes == default_storage.size(r.file.name)
        assert r.height == round(1100 * r.width / 1700)


def test_a_file_left_without_its_row_is_reused(contributor):
    photo = upload_photo(contributor)
    services.photo_renditions_create(photo_id=photo.pk)
    lost = photo.renditions.get(width=640, format="webp")
    name, data = lost.file.name, read(default_storage, lost.file.name)
    # As if a worker died after writing the file, before recording the row.
    # (The signal would remove the file on commit; this test never commits.)
    lost.delete()
    assert default_storage.exists(name)
    Photo.objects.filter(pk=photo.pk).update(status=PhotoStatus.PENDING)

    assert services.photo_renditions_create(photo_id=photo.pk) == 1

    again = photo.renditions.get(width=640, format="webp")
    assert again.file.name == name
    assert read(default_storage, name) == data
    assert again.bytes == len(data)
    assert files_of(photo) == {photo.image.name} | {
        r.file.name for r in photo.renditions.all()
    }
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.READY


def test_a_half_written_file_is_made_again(contributor):
    photo = upload_photo(contributor)
    name = services.rendition_name(photo=photo, width=1024, format="jpeg")
    default_storage.save(name, ContentFile(b"\xff\xd8\xff\xe0 half a jpeg"))
    assert services.photo_renditions_create(photo_id=photo.pk) == 10
    made = photo.renditions.get(width=1024, format="jpeg")
    assert made.file.name == name
    with Image.open(io.BytesIO(read(default_storage, name))) as img:
        img.load()
        assert img.size == (1024, made.height)


def test_small_photo_is_never_upscaled(contributor):
    photo = upload_photo(contributor, file=upload("PNG", (200, 150)))
    assert services.photo_renditions_create(photo_id=photo.pk) == 2
    assert {(r.width, r.height, r.format) for r in photo.renditions.all()} == {
        (200, 150, "webp"),
        (200, 150, "jpeg"),
    }


def test_missing_or_broken_clean_image_marks_the_photo_failed(contributor):
    gone = upload_photo(contributor)
    default_storage.delete(gone.image.name)
    assert services.photo_renditions_create(photo_id=gone.pk) == 0
    gone.refresh_from_db()
    assert gone.status == PhotoStatus.FAILED

    broken = upload_photo(contributor)
    default_storage.delete(broken.image.name)
    default_storage.save(broken.image.name, ContentFile(b"not an image at all"))
    assert services.photo_renditions_create(photo_id=broken.pk) == 0
    broken.refresh_from_db()
    assert broken.status == PhotoStatus.FAILED
    assert not broken.renditions.exists()


def test_a_deleted_photo_is_skipped(contributor):
    assert services.photo_renditions_create(photo_id=987654321) == 0


# --- Deleting removes the files, after commit ----------------------------------


def _photo_with_renditions(contributor, post=None, kind=PhotoKind.GALLERY):
    photo = upload_photo(contributor, post=post, kind=kind)
    services.photo_renditions_create(photo_id=photo.pk)
    files = files_of(photo)
    assert len(files) == 11
    return photo, files


def test_photo_delete_removes_every_file_after_commit(
    contributor, django_capture_on_commit_callbacks
):
    photo, files = _photo_with_renditions(contributor, post=draft(contributor))
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_delete(photo=photo, actor=contributor)
        assert all(default_storage.exists(name) for name in files), "not yet"
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert not Rendition.objects.filter(photo_id=photo.pk).exists()
    assert not any(default_storage.exists(name) for name in files)


def test_post_delete_removes_its_photos_files_after_commit(
    contributor, django_capture_on_commit_callbacks
):
    post = draft(contributor)
    cover, cover_files = _photo_with_renditions(contributor, post, PhotoKind.COVER)
    gallery, gallery_files = _photo_with_renditions(contributor, post)
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert not Photo.objects.filter(pk__in=[cover.pk, gallery.pk]).exists()
    assert not any(default_storage.exists(n) for n in cover_files | gallery_files)


def test_rolled_back_delete_keeps_the_files(contributor):
    photo, files = _photo_with_renditions(contributor, post=draft(contributor))
    with pytest.raises(RuntimeError), transaction.atomic():
        services.photo_delete(photo=photo, actor=contributor)
        raise RuntimeError("rolled back")
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert all(default_storage.exists(name) for name in files)


# --- <picture> on the pages ----------------------------------------------------


def _img(html: str, alt: str) -> str:
    return re.search(r'<img [^>]*alt="%s"[^>]*>' % re.escape(alt), html).group(0)


def test_article_shows_cover_and_gallery_as_picture(client, contributor):
    post = draft(contributor)
    cover, _files = _photo_with_renditions(contributor, post, PhotoKind.COVER)
    Photo.objects.filter(pk=cover.pk).update(alt_text="Sampul berita")
    gallery, _files = _photo_with_renditions(contributor, post)
    Photo.objects.filter(pk=gallery.pk).update(alt_text="Foto galeri")
    publish(post)

    html = client.get(post.get_absolute_url()).content.decode()

    # Cover, gallery thumbnail, and the gallery photo's large view (a CSS
    # :target box that loads its image only when opened).
    assert html.count("<picture>") == 3
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="', html)
    widths = re.findall(r"renditions/\S+/(\d+)\.webp (\d+)w", webp.group(1))
    assert [(int(a), int(b)) for a, b in widths] == [
        (320, 320),
        (640, 640),
        (1024, 1024),
        (1200, 1200),
        (1600, 1600),
    ]
    img = _img(html, "Sampul berita")
    assert re.search(r'src="[^"]+/1024\.jpg"', img)
    assert "320.jpg 320w" in img and "1600.jpg 1600w" in img
    assert 'width="1024" height="%d"' % round(1100 * 1024 / 1700) in img
    assert 'loading="eager"' in img and 'fetchpriority="high"' in img
    lazy = _img(html, "Foto galeri")
    assert 'loading="lazy"' in lazy and "fetchpriority" not in lazy
    assert 'sizes="(max-width: 40rem) 50vw, 16rem"' in lazy


def test_pending_photo_shows_the_clean_image_failed_one_nothing(client, contributor):
    post = draft(contributor)
    pending = upload_photo(contributor, post=post, kind=PhotoKind.COVER)
    failed = upload_photo(contributor, post=post, alt_text="Foto rusak")
    Photo.objects.filter(pk=failed.pk).update(status=PhotoStatus.FAILED)
    publish(post)

    response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    img = _img(html, "Warga binaan menjahit")
    assert 'src="%s"' % pending.image.url in img
    assert 'width="1700" height="1100"' in img
    assert "srcset" not in img
    assert "Foto rusak" not in html


def test_photo_without_an_image_is_a_placeholder(client, contributor):
    post = published(contributor)
    Photo.objects.create(
        unit=contributor.unit, post=post, kind=PhotoKind.COVER, alt_text="Belum ada"
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<div class="photo-fallback" role="img" aria-label="Belum ada">' in html
    assert "<img" not in html.split('class="article"')[1].split("</article>")[0]


def test_preview_shows_pending_photos_with_the_fallback(author_client, contributor):
    post = draft(contributor)
    photo = upload_photo(contributor, post=post, kind=PhotoKind.COVER)
    html = author_client.get(reverse("news:preview", args=[post.pk])).content.decode()
    assert 'src="%s"' % photo.image.url in html
    services.photo_renditions_create(photo_id=photo.pk)
    html = author_client.get(reverse("news:preview", args=[post.pk])).content.decode()
    assert '<source type="image/webp"' in html and "1024.jpg 1024w" in html


@pytest.mark.parametrize(
    "url_name", ["home", "public:unit", "public:category", "public:tag"]
)
def test_list_cards_use_picture_and_queries_do_not_grow(
    url_name, client, contributor, category, django_assert_max_num_queries
):
    tag = TagFactory()

    def add_posts(n):
        for _ in range(n):
            post = published(contributor, category=category)
            post.tags.add(tag)
            cover = Photo.objects.create(
                unit=contributor.unit,
                post=post,
                kind=PhotoKind.COVER,
                image="photos/ab/sampul.jpg",
                width=1700,
                height=1100,
                alt_text="Sampul %d" % post.pk,
                status=PhotoStatus.READY,
            )
            Rendition.objects.bulk_create(
                Rendition(
                    photo=cover,
                    width=width,
                    height=round(1100 * width / 1700),
                    format=fmt,
                    file=services.rendition_name(photo=cover, width=width, format=fmt),
                    bytes=1000,
                )
                for width, fmt in sorted(ALL_SPECS)
            )

    args = {
        "home": [],
        "public:unit": [contributor.unit.slug],
        "public:category": [category.slug],
        "public:tag": [tag.slug],
    }[url_name]
    url = reverse(url_name, args=args)
    # The home page's own bound is tests/public/test_home.py's (headlines,
    # sections, regions, most read, awards); the unit page adds its accounts.
    bound = {"home": 15, "public:unit": 9}.get(url_name, 8)
    add_posts(2)
    client.get(url)  # the footer's links are cached after a first load
    with django_assert_max_num_queries(bound) as few:
        client.get(url)
    add_posts(10)
    with django_assert_max_num_queries(bound) as many:
        html = client.get(url).content.decode()
    assert len(few.captured_queries) == len(many.captured_queries)

    if url_name == "home":
        # Headlines, latest and the category section: every cover is shown
        # as a <picture> at least once (a post may be in two sections).
        for photo in Photo.objects.filter(kind=PhotoKind.COVER):
            assert 'alt="%s"' % photo.alt_text in html
        # The lead story's cover is the page's largest image: loaded first.
        first = Photo.objects.filter(kind=PhotoKind.COVER).order_by("-pk").first()
        img = _img(html, first.alt_text)
        assert 'loading="eager"' in img and 'fetchpriority="high"' in img
        return
    assert html.count("<picture>") == 12
    first = Photo.objects.filter(kind=PhotoKind.COVER).order_by("-pk").first()
    img = _img(html, first.alt_text)
    assert 'loading="lazy"' in img and "640.jpg 640w" in img
    assert 'sizes="(max-width: 40rem) 100vw, 22rem"' in img
