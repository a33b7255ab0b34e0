"""Celery tasks for news: thin, taking ids, safe to run twice.

Periodic ones are scheduled in portal/settings.py (CELERY_BEAT_SCHEDULE).
Mail tasks retry with exponential backoff on I/O errors only (SMTP errors are
OSErrors too); they never touch a decision. A post's mail is keyed on its
PostEvent, which is settled once the mail went out, so a redelivered task or
one queued again by resend_pending_notifications sends nothing twice. The
rendition task retries on storage errors (OSError) only: a photo that does not
decode is marked FAILED by the service instead, since retrying cannot help.

Each task imports what it calls inside its body (the HackSoft styleguide's
way): services import this module to enqueue tasks, never the other way
round at import time.
"""

from smtplib import SMTPException

from celery import shared_task

from news.errors import PhotoBusy

MAIL_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,  # 1 s, 2 s, 4 s ... with jitter
    "retry_jitter": True,
    # Half a minute of retries at most: a longer SMTP outage is bridged by
    # resend_pending_notifications every five minutes, and a long retry chain
    # here would only pile up beside the copies it queues.
    "retry_backoff_max": 30,
    "max_retries": 5,
    "soft_time_limit": 60,
    "time_limit": 90,
}
# The digest has no outbox to fall back on: it keeps retrying for about an
# hour and a half (it mails each editor once a day however often it runs).
DIGEST_TASK_OPTIONS = {
    **MAIL_TASK_OPTIONS,
    "retry_backoff_max": 900,
    "max_retries": 12,
}


@shared_task(name="news.tasks.notify_decision", **MAIL_TASK_OPTIONS)
def notify_decision(event_id: int) -> int:
    """Mail the unit's contributors and head about one decision (a PostEvent)."""
    from news import notifications

    return notifications.decision_mail_send(event_id=event_id)


@shared_task(name="news.tasks.notify_new_submission", **MAIL_TASK_OPTIONS)
def notify_new_submission(event_id: int) -> int:
    """Mail the editors who want immediate mail about a submission (its event)."""
    from news import notifications

    return notifications.submission_mail_send(event_id=event_id)


@shared_task(name="news.tasks.notify_head_review", **MAIL_TASK_OPTIONS)
def notify_head_review(event_id: int) -> int:
    """Mail the unit's head(s) a submission that waits for their approval."""
    from news import notifications

    return notifications.head_review_mail_send(event_id=event_id)


@shared_task(
    name="news.tasks.resend_pending_notifications",
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
)
def resend_pending_notifications() -> int:
    """Queue again mail that was never sent (every 5 minutes, bounded).

    No retries: the next run is the retry.
    """
    from news import services

    return services.pending_notifications_resend()


@shared_task(name="news.tasks.send_editor_digest", **DIGEST_TASK_OPTIONS)
def send_editor_digest() -> int:
    """Mail the digest-preferring editors the last 24 hours of submissions."""
    from news import notifications

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
    from news import services

    return services.post_publish_due()


@shared_task(
    name="news.tasks.make_photo_renditions",
    acks_late=True,
    # A worker killed mid-task (OOM, deploy) hands the message back to Redis.
    reject_on_worker_lost=True,
    # Storage errors, and a photo row still locked by the save that attaches
    # it (news.services.renditions.PhotoBusy).
    autoretry_for=(OSError, PhotoBusy),
    retry_backoff=True,  # 1 s, 2 s, 4 s ... with jitter
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,  # then the sweeper re-queues it ten minutes on
    soft_time_limit=90,
    time_limit=120,
)
def make_photo_renditions(photo_id: int) -> int:
    """Make a photo's clean copy if it waits as a raw upload, then its missing
    renditions (idempotent: a re-run changes nothing).

    Each run is counted on the photo before it starts and uncounted when it
    ends in Python: a photo whose runs keep killing the worker (out of
    memory) is marked FAILED at the fourth delivery instead of coming back
    forever (news.services.renditions.photo_attempt_start).
    """
    from news import services
    from news.services.faces import on_commit_detect

    if not services.photo_attempt_start(photo_id=photo_id):
        return 0
    try:
        made = services.photo_renditions_create(photo_id=photo_id)
    finally:
        services.photo_attempt_end(photo_id=photo_id)
    # The clean copy exists: its faces are searched by their own task.
    on_commit_detect(photo_id=photo_id)
    return made


@shared_task(
    name="news.tasks.sweep_missing_renditions",
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
)
def sweep_missing_renditions() -> int:
    """Re-queue photos still waiting for renditions (every 10 minutes, bounded).

    No retries: the next run is the retry.
    """
    from news import services

    return services.photo_renditions_sweep()


@shared_task(
    name="news.tasks.sweep_orphan_inline_photos",
    acks_late=True,
    soft_time_limit=600,
    time_limit=660,
)
def sweep_orphan_inline_photos() -> int:
    """Delete inline photos no post took within two days (nightly, bounded).

    No retries: the next night is the retry, and what one run leaves (too
    many, or rows locked at the time) the next one finds again.
    """
    from news import services

    return services.photo_orphans_delete()


@shared_task(
    name="news.tasks.run_post_checks",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=60,
    time_limit=90,
)
def run_post_checks(post_id: int) -> int:
    """The checks before an editor decides (news.checks); safe to re-run."""
    from news.checks import post_checks_run

    return len(post_checks_run(post_id=post_id))


@shared_task(
    name="news.tasks.sweep_unchecked_posts",
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
)
def sweep_unchecked_posts() -> int:
    """Queue the checks of submitted posts whose checks never ran (bounded).

    Every 2 minutes; no retries: the next run is the retry.
    """
    from news.checks import post_checks_sweep

    return post_checks_sweep()


@shared_task(
    name="news.tasks.flush_read_counts",
    acks_late=True,
    soft_time_limit=120,
    time_limit=150,
)
def flush_read_counts() -> int:
    """Add the reads counted in the cache to Post.read_count (bounded batches).

    No retries: the next run is the retry; counters wait hours in the cache.
    """
    from news.services.readcounts import read_counts_flush

    return read_counts_flush()


@shared_task(
    name="news.tasks.detect_photo_faces",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),  # storage errors only
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def detect_photo_faces(photo_id: int) -> int:
    """Find the faces in a photo's clean copy (news.services.faces); re-runnable."""
    from news.services.faces import photo_faces_detect

    return len(photo_faces_detect(photo_id=photo_id) or [])


@shared_task(
    name="news.tasks.sync_post_photo_files",
    acks_late=True,
    autoretry_for=(OSError,),  # storage errors only
    retry_backoff=True,
    max_retries=8,
    soft_time_limit=120,
    time_limit=150,
)
def sync_post_photo_files(post_id: int) -> int:
    """Move a post's photo files public or private as its status says (idempotent)."""
    from news.services.photo_files import photo_files_sync

    return photo_files_sync(post_id=post_id)
