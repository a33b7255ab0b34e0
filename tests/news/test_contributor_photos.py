"""The contributor's photos: a chosen photo survives a failed form (staged,
carried as a signed reference only its uploader can use), captions are
edited after upload, and removing a photo or replacing the cover is confirmed.
"""

import datetime
import re

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from news import services
from news.models import Photo, PhotoKind, Post, PostEvent, PostStatus
from tests.factories import CategoryFactory, PostFactory, UserFactory
from tests.news.images import stored_names, upload
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "portal.enqueue.enqueue", lambda task, *args: calls.append((task.name, args))
    )
    return calls


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit, role=Role.CONTRIBUTOR)


@pytest.fixture
def colleague(unit):
    """Another contributor of the same unit."""
    return UserFactory(unit=unit, role=Role.CONTRIBUTOR)


@pytest.fixture
def author_client(client, contributor):
    client.force_login(contributor)
    return client


@pytest.fixture
def category():
    return CategoryFactory(name="Pembinaan", slug="pembinaan")


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


def staged_value(html: str, prefix: str = "sampul") -> str:
    match = re.search(r'name="%s-staged" value="([^"]*)"' % prefix, html)
    assert match, "the form carries no staged photo for %s" % prefix
    return match.group(1)


def fail_with_a_cover(client, category, **extra):
    """A new post with an empty title and a good cover: the form fails."""
    return client.post(
        reverse("news:create"),
        form_data(
            category,
            title="",
            **{
                "sampul-file": upload("JPEG", (900, 600)),
                "sampul-alt_text": "Warga binaan menjahit kain batik",
                "sampul-caption": "Hari pertama pelatihan",
                **extra,
            },
        ),
    )


# --- A chosen photo is never silently lost --------------------------------------


def test_a_photo_survives_a_failed_form_and_is_attached_on_the_next_save(
    author_client, contributor, category
):
    response = fail_with_a_cover(author_client, category)

    assert response.status_code == 200
    html = response.content.decode()
    assert not Post.objects.exists()
    staged = Photo.objects.get()
    assert staged.post is None and staged.uploaded_by == contributor
    # The user sees the photo is kept: its thumbnail and a plain sentence.
    assert "Foto sudah diunggah" in html
    assert staged.image.url in html
    token = staged_value(html)

    # The user fixes the title and saves without choosing the file again.
    response = author_client.post(
        reverse("news:create"),
        form_data(
            category,
            **{
                "sampul-staged": token,
                "sampul-alt_text": "Warga binaan menjahit kain batik",
                "sampul-caption": "Hari pertama pelatihan",
            },
        ),
    )

    post = Post.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("news:post", args=[post.pk])
    photo = Photo.objects.get()
    assert photo.pk == staged.pk
    assert photo.post == post and photo.kind == PhotoKind.COVER
    assert photo.alt_text == "Warga binaan menjahit kain batik"
    assert photo.caption == "Hari pertama pelatihan"


def test_a_staged_photo_without_alt_text_is_kept_until_it_gets_one(
    author_client, category
):
    response = author_client.post(
        reverse("news:create"),
        form_data(category, **{"galeri-0-file": upload("PNG")}),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Teks alternatif wajib diisi" in html
    token = staged_value(html, "galeri-0")

    response = author_client.post(
        reverse("news:create"),
        form_data(
            category,
            **{"galeri-0-staged": token, "galeri-0-alt_text": "Bengkel jahit"},
        ),
    )
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.kind == PhotoKind.GALLERY and photo.alt_text == "Bengkel jahit"


def test_another_user_cannot_use_the_signed_reference(
    client, author_client, colleague, category
):
    token = staged_value(fail_with_a_cover(author_client, category).content.decode())
    staged = Photo.objects.get()

    client.force_login(colleague)
    response = client.post(
        reverse("news:create"),
        form_data(
            category,
            **{"sampul-staged": token, "sampul-alt_text": "Foto orang lain"},
        ),
    )

    assert response.status_code == 200
    assert "tidak dapat dipakai lagi" in response.content.decode()
    assert not Post.objects.exists()
    staged.refresh_from_db()
    assert staged.post is None and staged.alt_text != "Foto orang lain"


def test_a_tampered_reference_is_refused(author_client, contributor, category):
    token = staged_value(fail_with_a_cover(author_client, category).content.decode())
    other = services.photo_upload(
        unit=contributor.unit,
        actor=contributor,
        file=upload("PNG"),
        kind=PhotoKind.GALLERY,
        alt_text="Foto lain",
    )
    # The payload changed to name another photo, the signature kept.
    payload, rest = token.split(":", 1)
    forged = signing.dumps({"photo": other.pk, "user": contributor.pk})
    for value in (forged, payload[::-1] + ":" + rest, "bukan-tanda-tangan"):
        response = author_client.post(
            reverse("news:create"),
            form_data(category, **{"sampul-staged": value, "sampul-alt_text": "X"}),
        )
        assert response.status_code == 200, value
        assert "tidak dapat dipakai lagi" in response.content.decode()
    assert not Post.objects.exists()
    assert not Photo.objects.filter(post__isnull=False).exists()


def test_staged_reference_is_bound_to_user_and_expires(
    contributor, colleague, monkeypatch
):
    photo = services.photo_stage(
        unit=contributor.unit, actor=contributor, file=upload("PNG"), kind="gallery"
    )
    token = services.photo_staged_sign(photo=photo, actor=contributor)
    assert services.photo_staged_get(token=token, actor=contributor) == photo
    with pytest.raises(ValidationError):
        services.photo_staged_get(token=token, actor=colleague)
    monkeypatch.setattr(
        "news.services.staging.STAGED_MAX_AGE", datetime.timedelta(seconds=-1)
    )
    with pytest.raises(ValidationError):
        services.photo_staged_get(token=token, actor=contributor)


def test_a_refused_file_is_not_staged(author_client, category):
    before = stored_names(default_storage)
    response = author_client.post(
        reverse("news:create"),
        form_data(
            category,
            title="",
            **{
                "sampul-file": SimpleUploadedFile("x.jpg", b"bukan foto" * 50),
                "sampul-alt_text": "Foto",
            },
        ),
    )
    assert response.status_code == 200
    assert "Foto sudah diunggah" not in response.content.decode()
    assert not Photo.objects.exists()
    assert stored_names(default_storage) == before


def test_the_view_saves_through_one_service(author_client, category, monkeypatch):
    calls = []
    real = services.post_save_with_photos

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "post_save_with_photos", spy)
    response = author_client.post(
        reverse("news:create"),
        form_data(
            category,
            **{"sampul-file": upload("PNG"), "sampul-alt_text": "Sampul berita"},
        ),
    )
    assert response.status_code == 302
    (call,) = calls
    assert [a.kind for a in call["photos"]] == [PhotoKind.COVER]
    assert Post.objects.get().photos.get().alt_text == "Sampul berita"


def test_replacing_the_cover_in_the_post_form_needs_the_checkbox(
    author_client, contributor, category
):
    post = PostFactory(author=contributor, category=category)
    old = services.photo_upload(
        unit=contributor.unit,
        actor=contributor,
        file=upload("PNG"),
        kind=PhotoKind.COVER,
        alt_text="Sampul lama",
        post=post,
    )
    url = reverse("news:edit", args=[post.pk])
    data = form_data(
        category, **{"sampul-file": upload("JPEG"), "sampul-alt_text": "Sampul baru"}
    )
    response = author_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Centang “Ganti foto utama”" in html
    assert Photo.objects.filter(pk=old.pk, post=post).exists()
    token = staged_value(html)

    response = author_client.post(
        url,
        form_data(
            category,
            **{
                "sampul-staged": token,
                "sampul-alt_text": "Sampul baru",
                "sampul-replace_cover": "on",
            },
        ),
    )
    assert response.status_code == 302
    cover = post.photos.get(kind=PhotoKind.COVER)
    assert cover.alt_text == "Sampul baru"
    assert not Photo.objects.filter(pk=old.pk).exists()


# --- Photos can be edited -------------------------------------------------------


@pytest.fixture
def post_with_photo(contributor, category):
    post = PostFactory(author=contributor, category=category)
    photo = services.photo_upload(
        unit=contributor.unit,
        actor=contributor,
        file=upload("PNG"),
        kind=PhotoKind.GALLERY,
        alt_text="Warga binaan menjahit",
        caption="Lama",
        post=post,
    )
    return post, photo


def test_caption_alt_text_and_credit_can_be_changed(author_client, post_with_photo):
    post, photo = post_with_photo
    url = reverse("news:photo_edit", args=[post.pk, photo.pk])
    page = author_client.get(url)
    assert page.status_code == 200
    assert "Warga binaan menjahit" in page.content.decode()

    response = author_client.post(
        url,
        {
            "alt_text": "Tiga warga binaan menjahit seragam",
            "caption": "Bengkel jahit Lapas",
            "credit": "Humas Lapas",
        },
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.alt_text == "Tiga warga binaan menjahit seragam"
    assert photo.caption == "Bengkel jahit Lapas"
    assert photo.credit == "Humas Lapas"


def test_photo_edit_goes_through_photo_update(
    author_client, post_with_photo, monkeypatch
):
    post, photo = post_with_photo
    seen = []
    monkeypatch.setattr(
        services, "photo_update", lambda **kwargs: seen.append(kwargs) or []
    )
    author_client.post(
        reverse("news:photo_edit", args=[post.pk, photo.pk]),
        {"alt_text": "Baru", "caption": "", "credit": ""},
    )
    assert seen and seen[0]["alt_text"] == "Baru"


def test_empty_alt_text_is_refused(author_client, post_with_photo):
    post, photo = post_with_photo
    response = author_client.post(
        reverse("news:photo_edit", args=[post.pk, photo.pk]),
        {"alt_text": "  ", "caption": "", "credit": ""},
    )
    assert response.status_code == 200
    assert "wajib diisi" in response.content.decode()
    photo.refresh_from_db()
    assert photo.alt_text == "Warga binaan menjahit"


def test_another_units_photo_is_a_404(client, post_with_photo, other_unit):
    post, photo = post_with_photo
    client.force_login(UserFactory(unit=other_unit))
    for name in ("news:photo_edit", "news:photo_remove"):
        assert client.get(reverse(name, args=[post.pk, photo.pk])).status_code == 404
        assert client.post(reverse(name, args=[post.pk, photo.pk])).status_code == 404
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_locked_post_photos_cannot_be_edited(author_client, post_with_photo):
    post, photo = post_with_photo
    Post.objects.filter(pk=post.pk).update(status=PostStatus.SUBMITTED)
    response = author_client.post(
        reverse("news:photo_edit", args=[post.pk, photo.pk]),
        {"alt_text": "Baru", "caption": "", "credit": ""},
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.alt_text == "Warga binaan menjahit"


# --- Removing and replacing ask first ---------------------------------------------


def test_removing_a_photo_asks_for_confirmation_first(author_client, post_with_photo):
    post, photo = post_with_photo
    url = reverse("news:photo_remove", args=[post.pk, photo.pk])
    photos_page = author_client.get(reverse("news:photos", args=[post.pk]))
    assert url in photos_page.content.decode()

    confirm = author_client.get(url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Hapus foto ini?" in html and "Ya, hapus foto" in html
    assert Photo.objects.filter(pk=photo.pk).exists()

    response = author_client.post(url)
    assert response.status_code == 302
    assert not Photo.objects.filter(pk=photo.pk).exists()


def test_replacing_the_cover_on_the_photos_page_is_confirmed(
    author_client, contributor, post_with_photo
):
    post, _gallery = post_with_photo
    old = services.photo_upload(
        unit=contributor.unit,
        actor=contributor,
        file=upload("PNG"),
        kind=PhotoKind.COVER,
        alt_text="Sampul lama",
        post=post,
    )
    url = reverse("news:photos", args=[post.pk])
    response = author_client.post(
        url,
        {
            "jenis": "cover",
            "foto-file": upload("JPEG"),
            "foto-alt_text": "Sampul baru",
            "foto-caption": "Upacara",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ganti foto utama?" in html
    assert Photo.objects.filter(pk=old.pk, post=post).exists()
    token = staged_value(html, "foto")

    response = author_client.post(
        url,
        {
            "jenis": "cover",
            "ganti_sampul": "1",
            "foto-staged": token,
            "foto-alt_text": "Sampul baru",
            "foto-caption": "Upacara",
        },
    )
    assert response.status_code == 302
    assert not Photo.objects.filter(pk=old.pk).exists()
    cover = post.photos.get(kind=PhotoKind.COVER)
    assert (cover.alt_text, cover.caption) == ("Sampul baru", "Upacara")


def test_a_gallery_photo_is_added_at_once(author_client, post_with_photo):
    post, _photo = post_with_photo
    response = author_client.post(
        reverse("news:photos", args=[post.pk]),
        {"jenis": "gallery", "foto-file": upload("PNG"), "foto-alt_text": "Kedua"},
    )
    assert response.status_code == 302
    assert post.photos.filter(kind=PhotoKind.GALLERY).count() == 2
    assert not PostEvent.objects.filter(post=post).exists()
