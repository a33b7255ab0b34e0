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
from importlib import import_module

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
