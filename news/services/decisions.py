"""The editors' decisions, the regional reviewer's recommendation, featuring,
and the scheduled publication.

The transition table and the audit row are news.services.workflow.
"""

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from news.models import (
    Post,
    PostAction,
    PostStatus,
    Recommendation,
    RefusalReason,
    ReviewRecommendation,
)
from news.services import workflow
from news.services.rights import (
    is_region_reviewer,
    rights_require_active,
    rights_require_editor,
)
from news.services.snapshots import post_snapshot_create
from news.services.workflow import (
    MSG_COMMENT_REQUIRED,
    MSG_NOT_PUBLISHED,
    MSG_NOT_REGION_REVIEWER,
    MSG_NOT_WAITING,
    MSG_PUBLISH_AT_PAST,
    MSG_REASON_REQUIRED,
    MSG_RECOMMENDATION_COMMENT,
    MSG_RECOMMENDATION_INVALID,
    TRANSITIONS,
)
from news.signals import post_featured_changed, post_publication_changed
from units.models import User

logger = logging.getLogger(__name__)

S = PostStatus
# --- The editors' decisions --------------------------------------------------


@transaction.atomic
def post_approve(
    *, post: Post, actor: User, publish_at: datetime | None = None
) -> Post:
    """Publish a submission now, or schedule it when publish_at is in the future."""
    rights_require_editor(actor)
    now = timezone.now()
    if publish_at is not None and publish_at <= now:
        raise ValidationError(
            {"publish_at": ValidationError(MSG_PUBLISH_AT_PAST, code="publish_at_past")}
        )
    action = PostAction.APPROVE if publish_at is None else PostAction.SCHEDULE
    post = workflow.lock(post)
    workflow.transition_check(post, action)
    from_status = post.status
    if publish_at is None:
        post.status = S.PUBLISHED
        post.published_at = now
        post.publish_at = None
    else:
        post.status = S.SCHEDULED
        post.publish_at = publish_at
    workflow.save(post, update_fields=["status", "published_at", "publish_at"])
    workflow.record(post=post, actor=actor, action=action, from_status=from_status)
    post_publication_changed.send(sender=Post, post=post, unit_id=post.unit_id)
    return post


MSG_REASON_TYPE_REQUIRED = _("Pilih jenis alasan dari daftar.")
MSG_REASON_TYPE_INACTIVE = _(
    "Jenis alasan “%(reason)s” sudah tidak dipakai; pilih jenis alasan lain."
)


def _refusal_reason_check(reason_type: RefusalReason | None) -> RefusalReason:
    """A request for changes or a rejection is counted by its reason type."""
    if reason_type is None:
        raise ValidationError(
            {
                "reason_type": ValidationError(
                    MSG_REASON_TYPE_REQUIRED, code="reason_type_required"
                )
            }
        )
    if not reason_type.is_active:
        raise ValidationError(
            {
                "reason_type": ValidationError(
                    MSG_REASON_TYPE_INACTIVE,
                    code="reason_type_inactive",
                    params={"reason": reason_type.name},
                )
            }
        )
    return reason_type


@transaction.atomic
def post_request_changes(
    *,
    post: Post,
    actor: User,
    reason_type: RefusalReason | None,
    comment: str,
) -> Post:
    """Send a submission back to the unit; the comment says what to change.

    The reason type (RefusalReason) is required: it is what the statistics
    dashboard counts per unit and region.
    """
    rights_require_editor(actor)
    reason_type = _refusal_reason_check(reason_type)
    comment = workflow.required_text(
        comment, message=MSG_COMMENT_REQUIRED, code="required"
    )
    post = workflow.lock(post)
    workflow.transition_check(post, PostAction.REQUEST_CHANGES)
    from_status = post.status
    post.status = S.CHANGES_REQUESTED
    post.submitted_at = None
    workflow.save(post, update_fields=["status", "submitted_at"])
    event = workflow.record(
        post=post,
        actor=actor,
        action=PostAction.REQUEST_CHANGES,
        from_status=from_status,
        comment=comment,
        reason=reason_type,
    )
    # The version sent back, editors' own edits included: what the unit's
    # resubmission is compared with.
    post_snapshot_create(post=post, event=event)
    return post


@transaction.atomic
def post_reject(
    *,
    post: Post,
    actor: User,
    reason_type: RefusalReason | None,
    comment: str,
) -> Post:
    """Refuse a submission for good: a reason type and a comment saying why."""
    rights_require_editor(actor)
    reason_type = _refusal_reason_check(reason_type)
    comment = workflow.required_text(
        comment, message=MSG_REASON_REQUIRED, code="required"
    )
    post = workflow.lock(post)
    workflow.transition_check(post, PostAction.REJECT)
    from_status = post.status
    post.status = S.REJECTED
    workflow.save(post, update_fields=["status"])
    workflow.record(
        post=post,
        actor=actor,
        action=PostAction.REJECT,
        from_status=from_status,
        comment=comment,
        reason=reason_type,
    )
    return post


@transaction.atomic
def post_unpublish(*, post: Post, actor: User, reason: str) -> Post:
    """Take a published (or scheduled) post off the site, saying why."""
    rights_require_editor(actor)
    reason = workflow.required_text(
        reason, message=MSG_REASON_REQUIRED, code="required"
    )
    post = workflow.lock(post)
    workflow.transition_check(post, PostAction.UNPUBLISH)
    from_status = post.status
    post.status = S.UNPUBLISHED
    post.is_featured = False
    post.publish_at = None
    workflow.save(post, update_fields=["status", "is_featured", "publish_at"])
    workflow.record(
        post=post,
        actor=actor,
        action=PostAction.UNPUBLISH,
        from_status=from_status,
        comment=reason,
    )
    post_publication_changed.send(sender=Post, post=post, unit_id=post.unit_id)
    return post


@transaction.atomic
def post_republish(*, post: Post, actor: User) -> Post:
    """Put an unpublished post back on the site.

    It keeps its first publication time (its place among the news); one
    taken off before its scheduled time is published now.
    """
    rights_require_editor(actor)
    post = workflow.lock(post)
    workflow.transition_check(post, PostAction.REPUBLISH)
    from_status = post.status
    post.status = S.PUBLISHED
    post.published_at = post.published_at or timezone.now()
    workflow.save(post, update_fields=["status", "published_at"])
    workflow.record(
        post=post, actor=actor, action=PostAction.REPUBLISH, from_status=from_status
    )
    post_publication_changed.send(sender=Post, post=post, unit_id=post.unit_id)
    return post


@transaction.atomic
def post_recommend(
    *, post: Post, actor: User, recommendation: str, comment: str
) -> ReviewRecommendation:
    """A regional reviewer advises the editors on a submission, with a comment.

    Only the reviewer of the post's region, while the post waits for the
    editors. Every recommendation is kept; the latest one is the one shown.
    The status does not change; the RECOMMEND event puts it in the history.
    """
    rights_require_active(actor)
    post = workflow.lock(post)
    if not is_region_reviewer(actor, post):
        raise ValidationError(MSG_NOT_REGION_REVIEWER, code="permission_denied")
    if recommendation not in Recommendation.values:
        raise ValidationError(
            {
                "recommendation": ValidationError(
                    MSG_RECOMMENDATION_INVALID, code="invalid_choice"
                )
            }
        )
    comment = workflow.required_text(
        comment, message=MSG_RECOMMENDATION_COMMENT, code="required"
    )
    if post.status not in TRANSITIONS[PostAction.RECOMMEND]:
        raise ValidationError(
            MSG_NOT_WAITING,
            code="not_waiting",
            params={"status": post.get_status_display()},
        )
    advice = ReviewRecommendation(
        post=post, reviewer=actor, recommendation=recommendation, comment=comment
    )
    advice.full_clean()
    advice.save()
    workflow.record(
        post=post,
        actor=actor,
        action=PostAction.RECOMMEND,
        from_status=post.status,
        comment="%s: %s" % (advice.get_recommendation_display(), comment),
    )
    return advice


@transaction.atomic
def post_set_featured(*, post: Post, actor: User, featured: bool) -> Post:
    """Feature a published post on the front page, or stop featuring it.

    Asking for what already is changes nothing and records nothing.
    """
    rights_require_editor(actor)
    post = workflow.lock(post)
    if post.is_featured == featured:
        return post
    action = PostAction.FEATURE if featured else PostAction.UNFEATURE
    if featured and post.status != S.PUBLISHED:
        raise ValidationError(MSG_NOT_PUBLISHED, code="not_published")
    workflow.transition_check(post, action)
    post.is_featured = featured
    workflow.save(post, update_fields=["is_featured"])
    workflow.record(post=post, actor=actor, action=action, from_status=post.status)
    post_featured_changed.send(sender=Post, post=post)
    return post


def post_publish_due(
    *, now: datetime | None = None, batch_size: int = 100, max_batches: int = 50
) -> int:
    """Publish scheduled posts whose time has come; returns how many.

    Each batch is its own short transaction and skips rows another run holds
    (skip_locked), so overlapping runs never publish a post twice and a
    re-run finds nothing left to do. At most max_batches per call: the next
    run (every minute) carries on.
    """
    now = now or timezone.now()
    published = 0
    for _batch in range(max_batches):
        with transaction.atomic():
            due = list(
                Post.objects.select_for_update(skip_locked=True)
                .filter(status=S.SCHEDULED, publish_at__lte=now)
                .order_by("publish_at", "pk")[:batch_size]
            )
            for post in due:
                post.status = S.PUBLISHED
                post.published_at = post.publish_at
                workflow.save(post, update_fields=["status", "published_at"])
                workflow.record(
                    post=post,
                    actor=None,
                    action=PostAction.PUBLISH,
                    from_status=S.SCHEDULED,
                )
                post_publication_changed.send(
                    sender=Post, post=post, unit_id=post.unit_id
                )
        published += len(due)
        if len(due) < batch_size:
            break
    if published:
        logger.info("Published %d scheduled posts", published)
    return published
