"""A phone photo's clean copy is the worker's: the request keeps the raw upload
in PRIVATE storage (never served, outside MEDIA_ROOT), the photo shows as
processing, and the real worker strips the metadata, deletes the raw file and
makes the renditions. A raw that does not decode ends FAILED with a note."""

import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from news import services
from news.models import Photo, PhotoStatus
from news.services.photos import raw_storage, raw_upload_name
from tests.factories import PostFactory, UserFactory
from tests.news.images import assert_no_metadata, encoded, has_gps, read, upload
from units.models import Role


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit, role=Role.CONTRIBUTOR)


@pytest.fixture
def post(contributor):
    return PostFactory(unit=contributor.unit, author=contributor, status="draft")


def add_photo(client, post, file):
    return client.post(
        reverse("news:photos", args=[post.pk]),
        {"jenis": "gallery", "foto-file": file, "foto-alt_text": "Warga binaan"},
    )


def wait_until_done(photo, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        photo.refresh_from_db()
        if photo.status != PhotoStatus.PENDING:
            return photo
        time.sleep(0.2)
    raise AssertionError("photo %s still pending" % photo.pk)


def test_private_storage_is_not_under_media_root():
    media = Path(django_settings.MEDIA_ROOT).resolve()
    private = Path(raw_storage().location).resolve()
    assert media not in private.parents and media != private


@pytest.mark.django_db(transaction=True)
def test_a_phone_photo_is_cleaned_by_the_worker(
    client, contributor, post, celery_worker
):
    # 2400x1800 (4.3 MP, over the 2 MP cleaned in the request), turned by
    # its EXIF orientation, with the phone's GPS.
    phone = upload(size=(2400, 1800), orientation=6)
    assert has_gps(phone.read())
    phone.seek(0)
    client.force_login(contributor)

    response = add_photo(client, post, phone)

    assert response.status_code == 302
    photo = Photo.objects.get(post=post)
    # Until the worker is done: the raw file is private, nothing public yet.
    raw_name = raw_upload_name(photo)
    page = client.get(reverse("news:photos", args=[post.pk])).content.decode()
    if Photo.objects.get(pk=photo.pk).status == PhotoStatus.PENDING:
        assert "Sedang diproses" in page

    wait_until_done(photo)
    assert photo.status == PhotoStatus.READY
    assert not raw_storage().exists(raw_name)
    clean = read(default_storage, photo.image.name)
    assert_no_metadata(clean)
    assert (photo.width, photo.height) == (1800, 2400)  # orientation applied
    assert photo.renditions.count() == 10


@pytest.mark.django_db
def test_the_raw_upload_waits_privately_and_is_not_served(
    client, contributor, post, settings
):
    client.force_login(contributor)
    response = add_photo(client, post, upload(size=(2400, 1800)))

    assert response.status_code == 302
    photo = Photo.objects.get(post=post)
    assert photo.status == PhotoStatus.PENDING
    assert raw_storage().exists(raw_upload_name(photo))
    assert has_gps(read(raw_storage(), raw_upload_name(photo)))
    # The public name is fixed, but nothing is there until the worker wrote it.
    assert photo.image.name.startswith("photos/") and photo.image.name.endswith(".jpg")
    assert not default_storage.exists(photo.image.name)
    page = client.get(reverse("news:photos", args=[post.pk])).content.decode()
    assert "Sedang diproses" in page


@pytest.mark.django_db
def test_a_raw_that_does_not_decode_fails_with_a_note(
    client, contributor, post, settings, django_capture_on_commit_callbacks
):
    # A large PNG is only fully decoded by the worker (imaging.inspect_upload).
    settings.PHOTO_WEB_DECODE_MAX_PIXELS = 1_000_000
    data = encoded("PNG", (1800, 1400))
    broken = SimpleUploadedFile("layar.png", data[: len(data) // 2], "image/png")
    client.force_login(contributor)
    assert add_photo(client, post, broken).status_code == 302
    photo = Photo.objects.get(post=post)

    with django_capture_on_commit_callbacks(execute=True):
        services.photo_renditions_create(photo_id=photo.pk)

    photo.refresh_from_db()
    assert photo.status == PhotoStatus.FAILED
    assert "berkasnya rusak atau tidak lengkap" in photo.status_note
    assert not raw_storage().exists(raw_upload_name(photo))
    page = client.get(reverse("news:photos", args=[post.pk])).content.decode()
    assert "berkasnya rusak atau tidak lengkap" in page


@pytest.mark.django_db
def test_deleting_a_waiting_photo_deletes_its_raw_file(
    contributor, post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        photo = services.photo_upload(
            unit=post.unit,
            actor=contributor,
            file=upload(size=(2400, 1800)),
            kind="gallery",
            alt_text="Warga binaan",
            post=post,
        )
    assert raw_storage().exists(raw_upload_name(photo))

    with django_capture_on_commit_callbacks(execute=True):
        services.photo_delete(photo=photo, actor=contributor)

    assert not raw_storage().exists(raw_upload_name(photo))


@pytest.mark.django_db
def test_a_redelivered_run_rewrites_the_same_clean_copy(contributor, post):
    """A run killed after writing part of the clean copy: the next run
    replaces it under the same name."""
    photo = services.photo_upload(
        unit=post.unit,
        actor=contributor,
        file=upload(size=(2400, 1800)),
        kind="gallery",
        alt_text="Warga binaan",
        post=post,
    )
    name = photo.image.name
    default_storage.save(name, SimpleUploadedFile("x", b"\xff\xd8 half a file"))

    services.photo_renditions_create(photo_id=photo.pk)

    photo.refresh_from_db()
    assert photo.status == PhotoStatus.READY
    assert photo.image.name == name
    assert_no_metadata(read(default_storage, name))


@pytest.mark.django_db
def test_a_lost_enqueue_is_picked_up_by_the_sweeper(
    contributor, post, django_capture_on_commit_callbacks
):
    """Redis down at upload: the enqueue is lost (here: never run), the photo
    stays PENDING with its raw file, and the sweeper queues it again."""
    from datetime import timedelta

    from news.tasks import make_photo_renditions

    photo = services.photo_upload(
        unit=post.unit,
        actor=contributor,
        file=upload(size=(2400, 1800)),
        kind="gallery",
        alt_text="Warga binaan",
        post=post,
    )
    assert raw_storage().exists(raw_upload_name(photo))

    with django_capture_on_commit_callbacks() as queued:
        assert services.photo_renditions_sweep(older_than=timedelta(0)) == 1
    assert len(queued) == 1  # the task, sent once the sweep commits

    assert make_photo_renditions(photo.pk) > 0  # what the worker then runs
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.READY
    assert photo.attempts == 0
