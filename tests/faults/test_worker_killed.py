"""The Celery worker killed with SIGKILL while it makes a photo's renditions.

A contributor uploads a large photo (6000x4000, seconds of work) through the
web form of a real gunicorn; a real `celery worker` takes the rendition task
and is killed with SIGKILL once the task holds the photo's row (the task's own
marker that it has started: it locks the row for its whole run). Nothing is
acknowledged, so the message goes back to the queue:

- solo pool, the whole worker killed: after the broker's visibility timeout
  a new worker runs it again (5 s here, tests/faults/fast_restore_settings.py;
  an hour in production, CELERY_VISIBILITY_TIMEOUT, where the rendition
  sweeper re-queues the photo within 4 minutes anyway);
- prefork pool, the pool process killed: the parent sees the loss and, with
  reject_on_worker_lost, requeues it at once.

Either way exactly one set of renditions exists, and the storages hold exactly
the files the rows name: no orphan left by the killed run.
"""

import os
import re
import signal
import time

import psycopg
import pytest
from django.urls import reverse

from news.models import Photo, PhotoStatus, Rendition
from news.services.renditions import rendition_specs
from tests.factories import CategoryFactory, UnitFactory, UserFactory
from tests.faults.conftest import draft_fields, other_private_files, photo_files
from tests.faults.procs import LOGS, CeleryWorker, Gunicorn, wait_for
from tests.news.images import encoded
from units.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

TASK = "news.tasks.make_photo_renditions"


def row_locked(database_url: str, photo_id: int) -> bool:
    """Whether a transaction holds the photo's row (the task is running)."""
    with psycopg.connect(database_url, autocommit=False) as conn:
        try:
            conn.execute(
                "SELECT id FROM news_photo WHERE id = %s FOR UPDATE NOWAIT",
                [photo_id],
            )
        except psycopg.errors.LockNotAvailable:
            return True
        finally:
            conn.rollback()
    return False


def received_count(worker: CeleryWorker) -> int:
    log = worker.log_path.read_text(errors="replace")
    return len(re.findall(r"Task %s\[[^\]]+\] received" % re.escape(TASK), log))


@pytest.mark.parametrize("pool", ["solo", "prefork"])
def test_a_worker_killed_mid_renditions_leaves_exactly_one_set(
    pool, env_for, private_redis, shared_media, database_url, contributor_browser
):
    media, private = shared_media
    env = env_for(
        private_redis.url,
        DJANGO_SETTINGS_MODULE="tests.faults.fast_restore_settings",
    )
    contributor = UserFactory(unit=UnitFactory(), role=Role.CONTRIBUTOR)
    category = CategoryFactory(name="Pembinaan", slug="pembinaan")
    for old in LOGS.glob("killed-%s-*.log" % pool):
        old.unlink()

    web = Gunicorn(env, workers=1, name="killed-%s-web" % pool).start()
    worker = None
    try:
        browser = contributor_browser(contributor, web.url)
        form = browser.get(reverse("news:create"))
        # Large enough that the clean copy and renditions take well over a
        # second, so the kill lands inside the task on a quiet machine too.
        big = encoded("JPEG", (9000, 6000), quality=92)
        response = browser.post(
            reverse("news:create"),
            draft_fields(
                category,
                browser.csrf_token(form.data.decode()),
                {"sampul": ("besar.jpg", big, "image/jpeg")},
            ),
        )
        assert response.status == 302, response.data.decode()[:2000]
        photo = Photo.objects.get()

        worker = CeleryWorker(env, pool=pool, name="killed-%s-1" % pool).start()
        wait_for(
            lambda: received_count(worker) >= 1, timeout=60, what="the task to arrive"
        )
        wait_for(
            lambda: row_locked(database_url, photo.pk),
            timeout=30,
            interval=0.02,
            what="the task to start (the photo's row locked)",
        )
        time.sleep(0.05)  # into the decoding
        if pool == "solo":
            worker.kill()
            worker = CeleryWorker(env, pool=pool, name="killed-%s-2" % pool).start()
        else:
            (child,) = worker.children()
            os.kill(child, signal.SIGKILL)
        killed = time.monotonic()
        photo.refresh_from_db()
        assert photo.status == PhotoStatus.PENDING
        assert not Rendition.objects.filter(photo=photo).exists()

        wait_for(
            lambda: Photo.objects.filter(pk=photo.pk, status=PhotoStatus.READY),
            timeout=120,
            interval=0.2,
            what="the task to run again and finish",
        )
        rerun_s = time.monotonic() - killed
        logs = "".join(p.read_text(errors="replace") for p in LOGS.glob("killed-*"))
        redelivered = len(re.findall(r"%s\[[^\]]+\] received" % re.escape(TASK), logs))
    finally:
        if worker is not None:
            worker.stop()
        web.stop()

    photo.refresh_from_db()
    renditions = list(Rendition.objects.filter(photo=photo))
    specs = rendition_specs(width=photo.width)
    assert sorted((r.width, r.format) for r in renditions) == sorted(specs)
    assert redelivered >= 2
    # The storages hold the clean copy and exactly the renditions' files (in
    # the private one until the post is published), and no raw upload.
    assert photo_files(media, private) == {photo.image.name} | {
        r.file.name for r in renditions
    }
    assert other_private_files(private) == set()
    print('{"killed_%s_rerun_done_s": %.1f}' % (pool, rerun_s))
