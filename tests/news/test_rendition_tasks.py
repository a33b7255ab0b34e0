"""The rendition tasks through a real Celery worker consuming from Redis.

The worker runs in a thread of this process (tests/conftest.py), so it shares
the test's storage settings; every test commits for real (transaction=True).
"""

import io
import logging
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, transaction
from kombu.exceptions import OperationalError
from PIL import Image

from news import services, tasks
from news.errors import PhotoBusy
from news.models import Photo, PhotoKind, PhotoStatus, Rendition
from tests.factories import UserFactory
from tests.news.images import assert_no_metadata, read, stored_names, upload

WORKER = pytest.mark.django_db(transaction=True)
ALL_SPECS = {(w, f) for w in (320, 640, 1024, 1200, 1600) for f in ("webp", "jpeg")}


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def status_of(photo) -> str:
    return Photo.objects.values_list("status", flat=True).get(pk=photo.pk)


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit)


def committed_upload(contributor, file) -> Photo:
    """An upload in its own transaction, as a request makes it."""
    with transaction.atomic():
        return services.photo_upload(
            unit=contributor.unit,
            actor=contributor,
            file=file,
            kind=PhotoKind.INLINE,
            alt_text="Warga binaan menjahit",
        )


def rows(photo) -> set[tuple]:
    return set(
        Rendition.objects.filter(photo_id=photo.pk).values_list(
            "pk", "width", "height", "format", "file", "bytes"
        )
    )


def files(photo) -> dict[str, tuple[bytes, object]]:
    """The photo's rendition files: content and modification time, by name."""
    folder = "renditions/%s/%s" % (photo.uuid.hex[:2], photo.uuid.hex)
    return {
        name: (read(default_storage, name), default_storage.get_modified_time(name))
        for name in stored_names(default_storage, folder)
    }


def test_task_options():
    task = tasks.make_photo_renditions
    assert task.acks_late and task.reject_on_worker_lost
    assert task.autoretry_for == (OSError, PhotoBusy)
    assert task.retry_backoff and task.max_retries == 5
    assert task.soft_time_limit < task.time_limit
    sweep = tasks.sweep_missing_renditions
    assert sweep.acks_late and sweep.soft_time_limit < sweep.time_limit


@WORKER
def test_upload_gets_its_renditions_from_the_worker(celery_worker, contributor):
    photo = committed_upload(contributor, upload("JPEG", (2000, 1500)))

    assert wait_for(lambda: status_of(photo) == PhotoStatus.READY)

    renditions = list(Rendition.objects.filter(photo=photo))
    assert {(r.width, r.format) for r in renditions} == ALL_SPECS
    for r in renditions:
        assert r.height == round(1500 * r.width / 2000)
        data = read(default_storage, r.file.name)
        assert r.bytes == len(data) == default_storage.size(r.file.name)
        with Image.open(io.BytesIO(data)) as img:
            assert img.format == {"webp": "WEBP", "jpeg": "JPEG"}[r.format]
            assert img.size == (r.width, r.height)
            assert img.mode == "RGB"
        assert_no_metadata(data)
    assert set(files(photo)) == {r.file.name for r in renditions}


@WORKER
def test_repeated_and_redelivered_task_changes_nothing(celery_worker, contributor):
    photo = committed_upload(contributor, upload("PNG", (1700, 1000)))
    assert wait_for(lambda: status_of(photo) == PhotoStatus.READY)
    before_rows, before_files = rows(photo), files(photo)
    assert len(before_rows) == len(before_files) == 10

    # Run again, twice at once (a redelivery racing the original).
    results = [tasks.make_photo_renditions.delay(photo.pk) for _ in range(2)]
    assert [r.get(timeout=30) for r in results] == [0, 0]
    assert rows(photo) == before_rows
    assert files(photo) == before_files  # same names, bytes and times

    # A worker died after writing a file, before recording its row: the
    # redelivered task records the file it finds and writes nothing.
    lost = Rendition.objects.get(photo=photo, width=640, format="webp")
    with connection.cursor() as cursor:
        # Plain SQL: no signal, so the file stays, as after a crash.
        cursor.execute("DELETE FROM news_rendition WHERE id = %s", [lost.pk])
    Photo.objects.filter(pk=photo.pk).update(status=PhotoStatus.PENDING)

    assert tasks.make_photo_renditions.delay(photo.pk).get(timeout=30) == 1

    after = rows(photo)
    assert len(after) == 10
    assert {row[1:] for row in after} == {row[1:] for row in before_rows}
    assert files(photo) == before_files
    assert status_of(photo) == PhotoStatus.READY


@WORKER
def test_small_photo_is_never_upscaled(celery_worker, contributor):
    photo = committed_upload(contributor, upload("WEBP", (300, 200)))
    assert wait_for(lambda: status_of(photo) == PhotoStatus.READY)
    assert {
        (r.width, r.height, r.format) for r in Rendition.objects.filter(photo=photo)
    } == {(300, 200, "webp"), (300, 200, "jpeg")}


@WORKER
def test_sweeper_requeues_a_photo_whose_enqueue_was_lost(
    celery_worker, contributor, monkeypatch, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    # Redis is down while the photo is uploaded: the upload still succeeds.
    with monkeypatch.context() as broken, caplog.at_level(logging.ERROR):
        broken.setattr(tasks.make_photo_renditions, "delay", broker_down)
        lost = committed_upload(contributor, upload("HEIF", (1100, 800)))
    assert "Could not enqueue news.tasks.make_photo_renditions" in caplog.text
    # And one made without enqueueing at all (a worker died with its task).
    orphan = Photo.objects.create(
        unit=contributor.unit,
        kind=PhotoKind.GALLERY,
        alt_text="Tanpa tugas",
        width=700,
        height=500,
    )
    orphan.image.save("x.png", ContentFile(_png(700, 500)))
    recent = Photo.objects.create(
        unit=contributor.unit, kind=PhotoKind.GALLERY, alt_text="Baru saja"
    )
    failed = Photo.objects.create(
        unit=contributor.unit,
        kind=PhotoKind.GALLERY,
        alt_text="Gagal",
        status=PhotoStatus.FAILED,
    )
    time.sleep(1)
    assert status_of(lost) == PhotoStatus.PENDING
    assert not Rendition.objects.exists()

    # Ten minutes later the beat runs the sweeper.
    old = lost.created_at - timedelta(minutes=10)
    Photo.objects.filter(pk__in=[lost.pk, orphan.pk, failed.pk]).update(created_at=old)
    assert tasks.sweep_missing_renditions.delay().get(timeout=30) == 2

    assert wait_for(lambda: status_of(lost) == status_of(orphan) == "ready")
    assert {(r.width, r.format) for r in Rendition.objects.filter(photo=lost)} == {
        (w, f) for w in (320, 640, 1024) for f in ("webp", "jpeg")
    }
    assert Rendition.objects.filter(photo=orphan).count() == 4
    # Too recent to be lost, or failed for good: left alone.
    assert status_of(recent) == PhotoStatus.PENDING
    assert status_of(failed) == PhotoStatus.FAILED
    # Nothing left to sweep.
    assert tasks.sweep_missing_renditions.delay().get(timeout=30) == 0


def _png(width, height) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buf, "PNG")
    return buf.getvalue()


@WORKER
def test_storage_error_is_retried_with_backoff(celery_worker, contributor, monkeypatch):
    with monkeypatch.context() as no_enqueue:
        no_enqueue.setattr(tasks.make_photo_renditions, "delay", lambda *a: None)
        photo = committed_upload(contributor, upload("JPEG", (700, 500)))
    attempts = []
    original_save = FileSystemStorage.save

    def flaky_save(self, name, content, *args, **kwargs):
        if name.startswith("renditions/"):
            attempts.append(name)
            if len(attempts) == 1:
                raise OSError(28, "No space left on device")
        return original_save(self, name, content, *args, **kwargs)

    monkeypatch.setattr(FileSystemStorage, "save", flaky_save)

    result = tasks.make_photo_renditions.delay(photo.pk)

    assert result.get(timeout=30) == 4
    assert status_of(photo) == PhotoStatus.READY
    assert Rendition.objects.filter(photo=photo).count() == 4
    # The first attempt failed on its first file and rolled back; the retry
    # wrote all four.
    assert len(attempts) == 5


@WORKER
def test_a_photo_locked_by_an_open_save_gets_its_renditions_once_released(
    celery_worker, contributor
):
    """The post form's save locks a staged photo to attach it; a rendition task
    arriving meanwhile must come back in seconds, not wait for the sweeper."""
    photo = committed_upload(contributor, upload())
    assert wait_for(lambda: status_of(photo) == PhotoStatus.READY)
    made = {(w, f) for _pk, w, _h, f, _file, _b in rows(photo)}
    assert made
    with transaction.atomic():
        Rendition.objects.filter(photo_id=photo.pk).delete()
        Photo.objects.filter(pk=photo.pk).update(status=PhotoStatus.PENDING)

    with transaction.atomic():
        Photo.objects.select_for_update().get(pk=photo.pk)
        tasks.make_photo_renditions.delay(photo.pk)
        time.sleep(2)  # the task meets the lock at least once
        assert not Rendition.objects.filter(photo_id=photo.pk).exists()

    assert wait_for(lambda: status_of(photo) == PhotoStatus.READY, timeout=60)
    assert {(w, f) for _pk, w, _h, f, _file, _b in rows(photo)} == made
