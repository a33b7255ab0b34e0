"""Celery tasks for awards: thin, taking ids, safe to run twice or at once.

The refresh itself is serialised per period and idempotent
(awards.services.statistics); the nightly job is in CELERY_BEAT_SCHEDULE.
"""

from celery import shared_task
from django.core.cache import cache


@shared_task(
    name="awards.tasks.refresh_unit_statistics",
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
)
def refresh_unit_statistics(unit_id: int) -> int:
    """Recompute one unit's numbers in every open period (debounced requests)."""
    from awards.services import statistics_refresh_open_periods
    from awards.services.refresh import debounce_key

    # Cleared before reading: a publication committed from now on asks again.
    cache.delete(debounce_key(unit_id))
    return statistics_refresh_open_periods(unit_ids=[unit_id])


@shared_task(
    name="awards.tasks.refresh_all_statistics",
    acks_late=True,
    soft_time_limit=600,
    time_limit=900,
)
def refresh_all_statistics() -> int:
    """The nightly full refresh of every open period (opening this year's)."""
    from awards.services import (
        award_period_current_ensure,
        statistics_refresh_open_periods,
    )

    award_period_current_ensure()
    return statistics_refresh_open_periods()
