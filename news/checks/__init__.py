"""Checks before an editor decides: run by the worker after each submission.

Each check is a module here with one function, `check(post) -> list[dict]`,
returning its findings; an empty list means nothing to flag. A finding is a
dict with at least:

    {"code": "title_too_short", "level": "warning", "message": "Judul ..."}

("level" is "warning" or "info"; a check may add its own keys, e.g. the
group's members or a photo's face boxes). The results are stored on the post
(Post.checks: check name -> findings, Post.checks_run_at) and shown as flags
in the queue and on the decision page. Checks inform the editor; they never
decide, and a failing check is logged and shown as not run, never raised.
"""

import logging
from datetime import timedelta
from importlib import import_module

from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# name -> module under news.checks; the order is the order shown to editors.
CHECKS = {
    "content": "news.checks.content",
    "group": "news.checks.grouping",
    "faces": "news.checks.faces",
}


def post_checks_run(*, post_id: int) -> dict:
    """Run every check on the post and store the findings (safe to re-run)."""
    from news.models import Post

    post = (
        Post.objects.select_related("unit__region", "category")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        return {}
    results = {}
    for name, module_path in CHECKS.items():
        try:
            results[name] = list(import_module(module_path).check(post))
        except Exception:  # noqa: BLE001 - one broken check must not hide the rest
            logger.exception("Check %s failed for post %s", name, post_id)
            results[name] = [{"code": "not_run", "level": "info", "message": ""}]
    # update(): the checks are the worker's notes, not an edit of the post
    # (updated_at stays what the unit last saved).
    Post.objects.filter(pk=post_id).update(checks=results, checks_run_at=timezone.now())
    return results


def post_checks_enqueue(*, post) -> None:
    """Queue the checks once the submission is committed (never raises)."""
    from news import tasks
    from portal import enqueue as queue

    queue.enqueue_on_commit(tasks.run_post_checks, post.pk)


# The sweeper (news.tasks.sweep_unchecked_posts, every 2 minutes): a post
# waits this long for its own task before it counts as never checked.
SWEEP_AFTER = timedelta(minutes=2)
SWEEP_BATCH = 50


def posts_unchecked(*, older_than: timedelta = SWEEP_AFTER, limit: int = SWEEP_BATCH):
    """Ids of posts waiting for a decision whose checks never ran on this text.

    Never ran at all (submitted before the checks existed, or Redis was down
    when the submission was committed), or ran on an earlier submission and
    not on the resubmission. Oldest first, at most `limit`.
    """
    from news.models import Post, PostStatus

    return list(
        Post.objects.filter(
            status__in=(PostStatus.HEAD_REVIEW, PostStatus.SUBMITTED),
            submitted_at__lte=timezone.now() - older_than,
        )
        .filter(Q(checks_run_at__isnull=True) | Q(checks_run_at__lt=F("submitted_at")))
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def post_checks_sweep(
    *, older_than: timedelta = SWEEP_AFTER, limit: int = SWEEP_BATCH
) -> int:
    """Queue the checks of posts that never got them; returns how many.

    Bounded: the next run carries on. Queuing a post twice is harmless (the
    checks are safe to re-run). A broker still down is logged by the enqueue
    and the next run tries again.
    """
    from news import tasks
    from portal import enqueue as queue

    post_ids = posts_unchecked(older_than=older_than, limit=limit)
    sent = sum(1 for pk in post_ids if queue.enqueue(tasks.run_post_checks, pk))
    if post_ids:
        logger.info(
            "Re-queued the checks of %d of %d unchecked posts", sent, len(post_ids)
        )
    return sent
