"""A photo that kills the worker: runs are counted on the photo, and after 3
lost ones it is FAILED with a message to the unit instead of being redelivered
forever; a real prefork worker child under its memory limit (RLIMIT_AS, set
by portal.celery) fails such a photo cleanly instead of drawing the OOM killer.
"""

import io
import os
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from news import services
from news.models import Photo, PhotoKind, PhotoStatus
from news.services.photos import raw_storage, raw_upload_name
from news.services.renditions import MAX_LOST_ATTEMPTS
from news.tasks import make_photo_renditions
from tests.factories import PostFactory, UserFactory
from tests.faults.procs import LOGS, SCRATCH, VENV_BIN, CeleryWorker, RedisServer
from tests.faults.procs import ROOT as PROJECT_ROOT
from tests.news.images import upload
from units.models import Role


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit, role=Role.CONTRIBUTOR)


@pytest.fixture
def post(contributor):
    return PostFactory(unit=contributor.unit, author=contributor, status="draft")


@pytest.fixture
def no_enqueue(monkeypatch):
    """Keep the task out of the suite's broker: the test runs it itself."""
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args: None)


def waiting_photo(post, contributor, settings, size=(1600, 1200)) -> Photo:
    """A photo whose raw upload waits in private storage for the worker."""
    settings.PHOTO_WEB_CLEAN_MAX_PIXELS = 0
    return services.photo_upload(
        unit=post.unit,
        actor=contributor,
        file=upload(size=size),
        kind=PhotoKind.GALLERY,
        alt_text="Warga binaan menjahit",
        post=post,
    )


@pytest.mark.django_db
def test_a_fourth_delivery_after_three_lost_runs_fails_the_photo(
    client, contributor, post, settings, django_capture_on_commit_callbacks
):
    photo = waiting_photo(post, contributor, settings)
    assert raw_storage().exists(raw_upload_name(photo))
    # Three runs started and never came back (their worker child was killed).
    Photo.objects.filter(pk=photo.pk).update(attempts=MAX_LOST_ATTEMPTS)

    with django_capture_on_commit_callbacks(execute=True):
        assert make_photo_renditions(photo.pk) == 0

    photo.refresh_from_db()
    assert photo.status == PhotoStatus.FAILED
    assert "gagal diproses 3 kali" in photo.status_note
    assert not photo.renditions.exists()
    assert not raw_storage().exists(raw_upload_name(photo))
    # The unit reads it beside the photo.
    client.force_login(contributor)
    html = client.get(reverse("news:photos", args=[post.pk])).content.decode()
    assert "Gagal diproses" in html
    assert "Foto gagal diproses 3 kali (server kehabisan memori)" in html
    # The sweeper leaves a FAILED photo alone.
    assert services.photo_renditions_sweep(older_than=timedelta(0)) == 0


@pytest.mark.django_db
def test_runs_that_end_are_not_counted_as_lost(contributor, post, settings):
    photo = waiting_photo(post, contributor, settings)
    Photo.objects.filter(pk=photo.pk).update(attempts=MAX_LOST_ATTEMPTS - 1)

    assert make_photo_renditions(photo.pk) > 0

    photo.refresh_from_db()
    assert photo.status == PhotoStatus.READY
    # Two lost runs before, this one ended: still two.
    assert photo.attempts == MAX_LOST_ATTEMPTS - 1


@pytest.mark.django_db
def test_an_attempt_is_counted_while_the_run_lasts(contributor, post, settings):
    photo = waiting_photo(post, contributor, settings)

    assert services.photo_attempt_start(photo_id=photo.pk) is True
    photo.refresh_from_db()
    assert photo.attempts == 1  # what a killed run leaves behind
    services.photo_attempt_end(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.attempts == 0


def big_jpeg(width: int, height: int) -> bytes:
    """A large but quickly made JPEG (a gradient): small on disk, big decoded."""
    img = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=70)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_child_under_its_memory_limit_fails_the_photo(
    contributor, post, settings, no_enqueue
):
    """prefork child, RLIMIT_AS = its size at start + 64 MB; a 48 MP photo needs
    ~150 MB to decode: MemoryError inside the task, photo FAILED, worker alive."""
    root = SCRATCH / ("oom-%s" % uuid.uuid4().hex[:8])
    media, private = root / "media", root / "private"
    media.mkdir(parents=True)
    private.mkdir()
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {
                **settings.STORAGES["private"]["OPTIONS"],
                "location": str(private),
            },
        },
    }
    settings.PHOTO_WEB_CLEAN_MAX_PIXELS = 0
    photo = services.photo_upload(
        unit=post.unit,
        actor=contributor,
        file=SimpleUploadedFile("besar.jpg", big_jpeg(8000, 6000), "image/jpeg"),
        kind=PhotoKind.GALLERY,
        alt_text="Foto sangat besar",
        post=post,
    )
    assert (private / raw_upload_name(photo)).exists()

    db = connection.settings_dict
    redis = RedisServer().start()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL="postgres://%s@%s:%s/%s"
        % (
            db["USER"] or "postgres",
            db["HOST"] or "127.0.0.1",
            db["PORT"] or 5432,
            db["NAME"],
        ),
        REDIS_URL=redis.url,
        MEDIA_ROOT=str(media),
        PRIVATE_MEDIA_ROOT=str(private),
        DEBUG="true",
        LOG_FORMAT="plain",
        CACHE_KEY_PREFIX="oom",
        WORKER_MEMORY_BUDGET_MB="64",
        PYTHONUNBUFFERED="1",
    )
    worker = CeleryWorker(env, pool="prefork", name="oom-%d" % photo.pk).start()
    try:
        subprocess.run(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "portal",
                "call",
                "news.tasks.make_photo_renditions",
                "--args=[%d]" % photo.pk,
            ],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=30,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            photo.refresh_from_db()
            if photo.status != PhotoStatus.PENDING:
                break
            time.sleep(0.2)
        log = (LOGS / ("oom-%d.log" % photo.pk)).read_text(errors="replace")
        assert photo.status == PhotoStatus.FAILED, log[-3000:]
        assert "terlalu besar untuk diproses" in photo.status_note
        assert "address space limited to" in log
        assert "MemoryError" in log
        assert photo.attempts == 0  # it ended in Python: not a lost run
        assert not (private / raw_upload_name(photo)).exists()
        assert worker.proc.poll() is None  # the worker is still there
    finally:
        worker.stop()
        redis.stop()
