"""Enqueueing Celery tasks so that a broker outage never fails a request.

Services enqueue after commit (`enqueue_on_commit`): the write is already
saved when the task is sent, so failing the request (or the task that made
the write) would only hide that it succeeded. A failed send is logged and
`enqueue` returns False; each caller has a periodic job that finds what was
never queued (the mail outbox in news.services.outbox, the rendition sweeper
in news.services.renditions) and queues it again.

Tests replace `portal.enqueue.enqueue` to record what would be sent:
`enqueue_on_commit` looks it up when the transaction commits.
"""

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Any, *args: Any, countdown: float | None = None) -> bool:
    """`task.delay(*args)`; a broker that is down is logged, never raised.

    Returns whether the task was handed to the broker. `countdown` (seconds)
    delays its start, as `apply_async(countdown=...)`.
    """
    try:
        if countdown is None:
            task.delay(*args)
        else:
            task.apply_async(args, countdown=countdown)
    except Exception:  # noqa: BLE001 - any broker failure, same handling
        logger.exception(
            "Could not enqueue %s%r; continuing without it", task.name, args
        )
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Enqueue `task(*args)` once the caller's transaction is committed.

    Nothing is sent when it rolls back. Outside a transaction it is sent at
    once (Django's `on_commit` in autocommit mode).
    """
    transaction.on_commit(lambda: enqueue(task, *args))
