"""Asking for a refresh of a unit's statistics, debounced per unit.

A burst of approvals for one unit (an editor clearing the queue) must cost
one refresh, not one per approval. The first request after a refresh sets a
short-lived cache key with `cache.add` (atomic in Redis) and enqueues the
task with a countdown; later requests find the key and do nothing. The task
deletes the key before it reads, so a publication committed while it runs
asks for (and gets) one more refresh: nothing is missed. When the key's
timeout passes without a task (Redis lost it), the next request enqueues
again, and the nightly full refresh catches up on anything else.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

DEBOUNCE_KEY = "awards:refresh-pending:unit:%d"


def debounce_key(unit_id: int) -> str:
    return DEBOUNCE_KEY % unit_id


def _enqueue_unit_refresh(unit_id: int) -> bool:
    from awards import tasks

    delay = settings.AWARDS_REFRESH_DEBOUNCE_SECONDS
    # The key outlives the countdown so that requests during the wait are
    # absorbed; the task clears it when it starts.
    if not cache.add(debounce_key(unit_id), 1, timeout=delay + 300):
        return False
    if not enqueue_with_countdown(tasks.refresh_unit_statistics, unit_id, delay):
        cache.delete(debounce_key(unit_id))
        return False
    return True


def enqueue_with_countdown(task, unit_id: int, countdown: float) -> bool:
    """Enqueue, logging (not raising) a broker outage like news.notifications."""
    try:
        task.apply_async(args=(unit_id,), countdown=countdown)
    except Exception:  # noqa: BLE001 - the nightly refresh catches up
        logger.warning(
            "Could not enqueue %s(%r); the nightly refresh will catch up",
            task.name,
            unit_id,
            exc_info=True,
        )
        return False
    return True


def statistics_refresh_request(*, unit_id: int) -> None:
    """Refresh the unit's numbers soon after the current transaction commits."""
    transaction.on_commit(partial(_enqueue_unit_refresh, unit_id))
