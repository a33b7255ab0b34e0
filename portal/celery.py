"""The Celery application; configuration comes from Django settings (CELERY_*)."""

import contextlib
import os

from celery import Celery
from celery.signals import worker_process_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id travels from a web request into the tasks it enqueued
# (portal.logging).
from portal.logging import connect_celery_signals  # noqa: E402

connect_celery_signals()


@app.task(name="portal.ping", soft_time_limit=5, time_limit=10)
def ping() -> str:
    """A trivial round trip, used by health checks and the test suite."""
    return "pong"


@worker_ready.connect(weak=False, dispatch_uid="portal.heartbeat_on_start")
def _heartbeat_on_start(sender=None, **kwargs):
    """A worker beats once as soon as it consumes, through the broker like
    beat's, so /health/ is green within seconds of a (re)start rather than
    after beat's first minute (portal.health.WorkerHeartbeat)."""
    # A broker hiccup here is shown by /health/; the worker runs on.
    with contextlib.suppress(Exception):
        sender.app.send_task("portal.heartbeat")


@worker_process_init.connect(weak=False, dispatch_uid="portal.child_memory_limit")
def _child_memory_limit(**kwargs):
    """Cap each prefork child's address space (RLIMIT_AS) at what it has
    mapped at start plus WORKER_MEMORY_BUDGET_MB.

    --max-memory-per-child (deploy/) only replaces a child AFTER a task that
    grew it; one huge photo would still draw the kernel's OOM killer, which
    may pick PostgreSQL. Under this limit the allocation fails inside the
    task with MemoryError, which the photo task turns into a FAILED photo
    with a message to the unit (news.services.renditions).
    """
    from billiard.process import current_process
    from django.conf import settings

    import imaging  # noqa: F401 - its libraries are mapped before measuring
    from portal.memory import address_space_limit

    # The solo pool (the tests' in-process worker, `--pool solo`) sends this
    # signal in the main process: a limit there would stay on the whole test
    # run and on every program it starts (Chromium dies at launch under it).
    if current_process().name == "MainProcess":
        return

    address_space_limit(budget_mb=settings.WORKER_MEMORY_BUDGET_MB)
