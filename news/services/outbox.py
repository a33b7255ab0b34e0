"""The mail outbox: a PostEvent is also the entry of the mail it calls for.

Who is told what, one event at a time (the mail itself is built and sent by
news.notifications, called from the mail tasks):
- a decision on a post (NOTIFIED_ACTIONS): the unit's contributors and
  head(s), by `news.tasks.notify_decision`;
- a submission that reached the editors (SUBMIT to SUBMITTED, HEAD_APPROVE):
  the editors who want immediate mail, by `notify_new_submission` (the others
  get the daily digest);
- a submission waiting for the head of unit (SUBMIT to HEAD_REVIEW): the
  unit's head(s), by `notify_head_review`.

Services write the event and call `on_commit_notify` inside their
transaction; the task is enqueued only once the decision is committed. A
broker outage is logged, never raised (portal.enqueue): the decision stands
and the request carries on. The event keeps notified_at empty until its task
has sent the mail (or found nobody to tell), so `pending_notifications_resend`,
run by beat every few minutes, re-queues what an outage or a dead worker left
behind. Sending is idempotent: the task locks the event and sends nothing when
it is already settled, so a redelivered or re-queued task mails no one twice.
"""

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from news import tasks
from news.models import PostAction, PostEvent, PostStatus
from portal import enqueue as queue

logger = logging.getLogger(__name__)

# An event still unsettled this long after it was written lost its task.
RESEND_AFTER = timedelta(minutes=2)
RESEND_BATCH = 500


def mail_task(*, action: str, to_status: str):
    """The task that sends the mail an event calls for."""
    if action == PostAction.SUBMIT and to_status == PostStatus.HEAD_REVIEW:
        return tasks.notify_head_review
    if action in (PostAction.SUBMIT, PostAction.HEAD_APPROVE):
        return tasks.notify_new_submission
    return tasks.notify_decision


def on_commit_notify(*, event: PostEvent) -> None:
    """Enqueue the event's mail once the caller's transaction is committed."""
    task = mail_task(action=event.action, to_status=event.to_status)
    queue.enqueue_on_commit(task, event.pk)


def _enqueue_pending(pending: list[tuple[int, str, str]]) -> None:
    for done, (event_id, action, to_status) in enumerate(pending):
        task = mail_task(action=action, to_status=to_status)
        if not queue.enqueue(task, event_id):
            # Still down: the rest would only fail the same way.
            logger.warning(
                "Broker unavailable; %d notifications left for the next run",
                len(pending) - done,
            )
            return


def pending_notifications_resend(
    *, older_than: timedelta = RESEND_AFTER, limit: int = RESEND_BATCH
) -> int:
    """Queue again the mail of events still unsettled; returns how many.

    For tasks that were never enqueued (Redis down when the decision was
    committed) or were lost with their worker. At most `limit` events per run,
    oldest first; the next run carries on. Events a mail task holds right now
    are skipped (skip_locked). Queuing one twice is harmless: the task sends
    nothing for an event already settled.
    """
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        pending = list(
            PostEvent.objects.select_for_update(skip_locked=True)
            .filter(notified_at__isnull=True, created_at__lt=cutoff)
            .order_by("created_at", "pk")
            .values_list("pk", "action", "to_status")[:limit]
        )
        if pending:
            transaction.on_commit(partial(_enqueue_pending, pending))
    if pending:
        logger.info("Re-queued the mail of %d events", len(pending))
    return len(pending)
