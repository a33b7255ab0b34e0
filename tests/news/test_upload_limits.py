"""Upload throttles: photos per account and per unit in an hour, and the unit's
bytes in 24 hours. Beyond them the page comes back with HTTP 429, a clear
Indonesian message and the form as it was typed; nothing is stored."""

import pytest
from django.urls import reverse

from news import services
from news.models import Photo, PhotoKind, PhotoUpload, Post
from tests.factories import CategoryFactory, PostFactory, UserFactory
from tests.news.images import upload
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit, role=Role.CONTRIBUTOR)


@pytest.fixture
def post(contributor):
    return PostFactory(unit=contributor.unit, author=contributor, status="draft")


def add_photo(client, post, alt="Warga binaan menjahit"):
    return client.post(
        reverse("news:photos", args=[post.pk]),
        {"jenis": "gallery", "foto-file": upload(), "foto-alt_text": alt},
    )


def test_uploads_per_account_per_hour(client, contributor, post, settings):
    settings.PHOTO_UPLOADS_PER_USER_PER_HOUR = 2
    client.force_login(contributor)
    assert add_photo(client, post).status_code == 302
    assert add_photo(client, post).status_code == 302

    response = add_photo(client, post, alt="Foto ketiga yang ditolak")

    assert response.status_code == 429
    html = response.content.decode()
    assert "Anda sudah mengunggah 2 foto dalam satu jam terakhir" in html
    assert "Foto belum tersimpan: batas unggahan tercapai" in html
    # The text the contributor typed is still in the form.
    assert 'value="Foto ketiga yang ditolak"' in html
    assert Photo.objects.filter(post=post).count() == 2


def test_deleting_photos_gives_no_uploads_back(client, contributor, post, settings):
    settings.PHOTO_UPLOADS_PER_USER_PER_HOUR = 1
    client.force_login(contributor)
    assert add_photo(client, post).status_code == 302
    services.photo_delete(photo=Photo.objects.get(post=post), actor=contributor)

    assert add_photo(client, post).status_code == 429


def test_uploads_per_unit_per_hour(client, contributor, post, settings):
    settings.PHOTO_UPLOADS_PER_UNIT_PER_HOUR = 2
    colleague = UserFactory(unit=contributor.unit, role=Role.CONTRIBUTOR)
    client.force_login(contributor)
    assert add_photo(client, post).status_code == 302
    assert add_photo(client, post).status_code == 302
    client.force_login(colleague)

    response = add_photo(client, post)

    assert response.status_code == 429
    assert "UPT Anda sudah mengunggah 2 foto" in response.content.decode()
    # Another unit is not held back by this one.
    other = UserFactory(role=Role.CONTRIBUTOR)
    other_post = PostFactory(unit=other.unit, author=other, status="draft")
    client.force_login(other)
    assert add_photo(client, other_post).status_code == 302


def test_daily_byte_quota_names_the_quota(client, contributor, post, settings):
    size = len(upload().read())
    settings.PHOTO_UPLOAD_BYTES_PER_UNIT_PER_DAY = int(size * 1.5)
    client.force_login(contributor)
    assert add_photo(client, post).status_code == 302

    response = add_photo(client, post)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Kuota unggahan harian UPT Anda" in html
    assert "per 24 jam" in html
    assert Photo.objects.filter(post=post).count() == 1
    assert PhotoUpload.objects.filter(unit=contributor.unit).count() == 1


def test_post_form_keeps_its_text_on_429(client, contributor, settings):
    settings.PHOTO_UPLOADS_PER_USER_PER_HOUR = 0  # off ...
    settings.PHOTO_UPLOADS_PER_UNIT_PER_HOUR = 1  # ... the unit's limit counts
    client.force_login(contributor)
    category = CategoryFactory()
    post = PostFactory(unit=contributor.unit, author=contributor, status="draft")
    assert add_photo(client, post).status_code == 302

    response = client.post(
        reverse("news:create"),
        {
            "title": "Pelatihan menjahit di Lapas Salemba",
            "lead": "Tiga puluh warga binaan belajar menjahit.",
            "body": "<p>Pelatihan berlangsung di bengkel kerja.</p>",
            "category": str(category.pk),
            "tags": "pembinaan",
            "location": "Bengkel kerja",
            "sampul-file": upload(),
            "sampul-alt_text": "Warga binaan menjahit",
            "galeri-TOTAL_FORMS": "0",
            "galeri-INITIAL_FORMS": "0",
            "galeri-MIN_NUM_FORMS": "0",
            "galeri-MAX_NUM_FORMS": "10",
        },
    )

    assert response.status_code == 429
    html = response.content.decode()
    assert "UPT Anda sudah mengunggah 1 foto" in html
    assert "Pelatihan menjahit di Lapas Salemba" in html
    assert not Post.objects.filter(title__startswith="Pelatihan menjahit").exists()


def test_editor_image_upload_answers_429(client, contributor, post, settings):
    settings.PHOTO_UPLOADS_PER_USER_PER_HOUR = 1
    client.force_login(contributor)
    url = reverse("news:upload_image")
    assert client.post(url, {"upload": upload()}).status_code == 200

    response = client.post(url, {"upload": upload()})

    assert response.status_code == 429
    assert "1 foto dalam satu jam" in response.json()["error"]["message"]


def test_refusal_comes_from_the_service(contributor, post, settings):
    settings.PHOTO_UPLOADS_PER_USER_PER_HOUR = 1
    services.photo_upload(
        unit=post.unit,
        actor=contributor,
        file=upload(),
        kind=PhotoKind.GALLERY,
        alt_text="Satu",
        post=post,
    )
    with pytest.raises(services.UploadRateLimited) as refused:
        services.photo_upload(
            unit=post.unit,
            actor=contributor,
            file=upload(),
            kind=PhotoKind.GALLERY,
            alt_text="Dua",
            post=post,
        )
    assert refused.value.code == "uploads_per_user"
