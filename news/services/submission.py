"""The unit's moves: submit, the head's approval or return, withdraw.

The transition table and the audit row are news.services.workflow.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from news.checks import post_checks_enqueue
from news.models import (
    Post,
    PostAction,
    PostEvent,
    PostStatus,
)
from news.sanitize import (
    body_is_empty,
    clean_multiline,
)
from news.services import workflow
from news.services.rights import (
    is_unit_head,
    rights_require_unit_head,
    rights_require_unit_member,
)
from news.services.snapshots import post_snapshot_create, resubmission_check
from news.services.workflow import (
    COMMENT_MAX_LENGTH,
    MSG_COMMENT_REQUIRED,
    MSG_COMMENT_TOO_LONG,
    MSG_EMPTY_BODY,
    MSG_RATE_LIMITED,
    SubmissionRateLimited,
)
from units.models import Unit, User

logger = logging.getLogger(__name__)

S = PostStatus
# --- The unit's moves ------------------------------------------------------


@transaction.atomic
def post_submit(*, post: Post, actor: User, note: str = "") -> Post:
    """Send a draft on: to the unit's head when the unit requires it, else to editors.

    Refuses an empty body and, past SUBMISSIONS_PER_UNIT_PER_HOUR submissions
    by the unit within the last hour, raises SubmissionRateLimited having
    saved nothing. `note` is the unit's word to the editors (the SUBMIT
    event's comment); a resubmission after a request for changes that
    changes nothing must carry one. Every submission keeps a snapshot of what
    was sent (news.services.snapshots).
    """
    rights_require_unit_member(actor, post)
    note = clean_multiline(note or "")
    if len(note) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            MSG_COMMENT_TOO_LONG, code="max_length", params={"max": COMMENT_MAX_LENGTH}
        )
    post = workflow.lock(post)
    workflow.transition_check(post, PostAction.SUBMIT)
    if body_is_empty(post.body):
        raise ValidationError(MSG_EMPTY_BODY, code="empty_body")
    if post.status == S.CHANGES_REQUESTED:
        resubmission_check(post=post, note=note)
    # The unit's row lock serialises its submissions, so two at once cannot
    # both slip under the limit.
    unit = Unit.objects.select_for_update().get(pk=post.unit_id)
    now = timezone.now()
    limit = settings.SUBMISSIONS_PER_UNIT_PER_HOUR
    recent = PostEvent.objects.filter(
        action=PostAction.SUBMIT,
        post__unit_id=unit.pk,
        created_at__gte=now - timedelta(hours=1),
    ).count()
    if recent >= limit:
        raise SubmissionRateLimited(
            MSG_RATE_LIMITED, code="rate_limited", params={"limit": limit}
        )

    from_status = post.status
    needs_head = unit.requires_head_approval and not is_unit_head(actor)
    post.status = S.HEAD_REVIEW if needs_head else S.SUBMITTED
    post.submitted_at = now
    workflow.save(post, update_fields=["status", "submitted_at"])
    # Mails the editors, or the unit's head(s) when it waits for them.
    event = workflow.record(
        post=post,
        actor=actor,
        action=PostAction.SUBMIT,
        from_status=from_status,
        comment=note,
    )
    post_snapshot_create(post=post, event=event)
    # The worker's checks for the editors (duplicates, faces, content).
    post_checks_enqueue(post=post)
    return post


@transaction.atomic
def post_head_approve(*, post: Post, actor: User) -> Post:
    """The unit's head lets the submission go on to the editors."""
    rights_require_unit_head(actor, post)
    post = workflow.lock(post)
    workflow.transition_check(post, PostAction.HEAD_APPROVE)
    from_status = post.status
    post.status = S.SUBMITTED
    # The editors' queue is oldest first by the time it reached them.
    post.submitted_at = timezone.now()
    workflow.save(post, update_fields=["status", "submitted_at"])
    # Mails the editors: the submission has reached them.
    workflow.record(
        post=post, actor=actor, action=PostAction.HEAD_APPROVE, from_status=from_status
    )
    # The head may have edited it: the editors see checks of what reached them.
    post_checks_enqueue(post=post)
    return post


@transaction.atomic
def post_head_return(*, post: Post, actor: User, comment: str) -> Post:
    """The unit's head sends the text back to its writers with a comment."""
    rights_require_unit_head(actor, post)
    comment = workflow.required_text(
        comment, message=MSG_COMMENT_REQUIRED, code="required"
    )
    post = workflow.lock(post)
    workflow.transition_check(post, PostAction.HEAD_RETURN)
    from_status = post.status
    post.status = S.CHANGES_REQUESTED
    post.submitted_at = None
    workflow.save(post, update_fields=["status", "submitted_at"])
    workflow.record(
        post=post,
        actor=actor,
        action=PostAction.HEAD_RETURN,
        from_status=from_status,
        comment=comment,
    )
    return post


@transaction.atomic
def post_withdraw(*, post: Post, actor: User) -> Post:
    """Take back a submission nobody has decided yet: it becomes a draft again."""
    rights_require_unit_member(actor, post)
    post = workflow.lock(post)
    workflow.transition_check(post, PostAction.WITHDRAW)
    from_status = post.status
    post.status = S.DRAFT
    post.submitted_at = None
    workflow.save(post, update_fields=["status", "submitted_at"])
    workflow.record(
        post=post, actor=actor, action=PostAction.WITHDRAW, from_status=from_status
    )
    return post
