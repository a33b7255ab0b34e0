"""Celery tasks for news: thin, taking ids, safe to run twice.

Periodic ones are scheduled in portal/settings.py (CELERY_BEAT_SCHEDULE).
Mail tasks retry with exponential backoff on I/O errors only (SMTP errors are
OSErrors too); they only read, so a failure never touches a decision.
"""

from smtplib import SMTPException

from celery import shared_task

from news import notifications, services

MAIL_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,  # 1 s, 2 s, 4 s ... with jitter
    "retry_backoff_max": 900,
    "retry_jitter": True,
    "max_retries": 12,  # about an hour and a half of trying in all
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(name="news.tasks.notify_decision", **MAIL_TASK_OPTIONS)
def notify_decision(event_id: int) -> int:
    """Mail the unit's contributors and head about one decision (a PostEvent)."""
    return notifications.decision_mail_send(event_id=event_id)


@shared_task(name="news.tasks.notify_new_submission", **MAIL_TASK_OPTIONS)
def notify_new_submission(post_id: int) -> int:
    """Mail the editors who want immediate mail about a new submission."""
    return notifications.submission_mail_send(post_id=post_id)


@shared_task(name="news.tasks.send_editor_digest", **MAIL_TASK_OPTIONS)
def send_editor_digest() -> int:
    """Mail the digest-preferring editors the last 24 hours of submissions."""
    return notifications.editor_digest_send()


@shared_task(
    name="news.tasks.publish_due_posts",
    acks_late=True,
    soft_time_limit=50,
    time_limit=55,
)
def publish_due_posts() -> int:
    """Publish scheduled posts whose time has come (every minute, idempotent).

    No retries: the next run a minute later is the retry. The time limit stays
    under a minute so two runs hardly ever overlap, and when they do,
    skip_locked keeps them apart.
    """
    return services.post_publish_due()
