"""Building and sending the e-mail about posts (no tasks, no services here).

Which event calls for which mail, and the outbox that makes sure it leaves
once, live in news.services.outbox; the mail tasks (news.tasks) call the
`*_mail_send` functions below. Each locks its event and sends nothing when the
event is already settled, so a redelivered or re-queued task mails no one
twice. The daily digest keeps its own record (EditorDigest).
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from news.models import EditorDigest, Post, PostAction, PostEvent, PostStatus
from news.sanitize import header_safe
from units.models import UNIT_ROLES, Role, User

logger = logging.getLogger(__name__)


# --- Recipients ----------------------------------------------------------------


def head_recipients(*, post: Post, exclude_user_id: int | None = None) -> QuerySet:
    """The unit's active head(s) that have an e-mail address."""
    users = User.objects.filter(
        unit_id=post.unit_id, role=Role.HEAD, is_active=True
    ).exclude(email="")
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return users.order_by("pk")


def unit_recipients(*, post: Post, exclude_user_id: int | None = None) -> QuerySet:
    """The unit's active contributors and head(s) that have an e-mail address."""
    users = User.objects.filter(
        unit_id=post.unit_id, role__in=UNIT_ROLES, is_active=True
    ).exclude(email="")
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return users.order_by("pk")


def editor_recipients(*, digest: bool) -> QuerySet:
    """Active editors with an e-mail address who want mail now (or the digest)."""
    return (
        User.objects.filter(
            Q(role__in=(Role.EDITOR, Role.ADMIN)) | Q(is_superuser=True),
            is_active=True,
            editor_digest=digest,
        )
        .exclude(email="")
        .order_by("pk")
    )


# --- Building and sending ------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _url(name: str, **kwargs) -> str:
    try:
        return _absolute(reverse(name, kwargs=kwargs or None))
    except NoReverseMatch:
        return _absolute("/")


def subject_line(text: str) -> str:
    """`[Ditjenpas] text`, one line whatever the stored text holds."""
    return header_safe("[%s] %s" % (settings.ORGANISATION_SHORT_NAME, text))


def _send(messages: list[EmailMessage]) -> int:
    """Send over one connection; SMTP errors propagate so the task retries."""
    if not messages:
        return 0
    connection = get_connection(fail_silently=False)
    return connection.send_messages(messages) or 0


def _message(*, subject: str, template: str, context: dict, to: str) -> EmailMessage:
    context = {
        "organisation": settings.ORGANISATION_NAME,
        "organisation_short": settings.ORGANISATION_SHORT_NAME,
        **context,
    }
    return EmailMessage(
        subject=subject_line(subject),
        body=render_to_string(template, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _event_mail_send(
    *, event_id: int, messages_for: Callable[[PostEvent], list[EmailMessage]]
) -> int:
    """Send an event's mail once; returns the messages sent.

    The event row stays locked while the mail goes out, so a second task for
    it (redelivered, or queued again by the resend job) waits and then finds
    it settled. An SMTP error rolls back and propagates: the event stays
    unsettled and the task retries (or the resend job queues it again).
    """
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        event = (
            PostEvent.objects.select_for_update(of=("self",))
            .select_related(
                "post__unit__region", "post__category", "post__author", "actor"
            )
            .filter(pk=event_id)
            .first()
        )
        if event is None:  # the post was deleted meanwhile
            return 0
        if event.notified_at is not None:
            logger.info("Mail of event %s already settled; nothing sent", event_id)
            return 0
        sent = _send(messages_for(event))
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    return sent


def _decision_messages(event: PostEvent) -> list[EmailMessage]:
    post = event.post
    context = {
        "event": event,
        "post": post,
        "action_label": event.get_action_display(),
        "actor_name": _name(event.actor),
        "post_url": _url("news:post", pk=post.pk),
        "public_url": (
            _absolute(post.get_absolute_url())
            if post.status == PostStatus.PUBLISHED
            else ""
        ),
    }
    subject = _("Berita %(action)s: %(title)s") % {
        "action": event.get_action_display(),
        "title": post.title,
    }
    return [
        _message(
            subject=subject,
            template="news/email/decision.txt",
            context={**context, "recipient_name": _name(user)},
            to=user.email,
        )
        for user in unit_recipients(post=post, exclude_user_id=event.actor_id)
    ]


def _submit_event(event: PostEvent) -> PostEvent | None:
    """The SUBMIT event behind `event`: itself, or the one the head approved."""
    if event.action == PostAction.SUBMIT:
        return event
    return (
        PostEvent.objects.filter(
            post_id=event.post_id, action=PostAction.SUBMIT, pk__lt=event.pk
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _submission_messages(event: PostEvent) -> list[EmailMessage]:
    post = event.post
    if post.status != PostStatus.SUBMITTED:
        # Withdrawn or already decided before the mail left: nothing to say.
        return []
    submit = _submit_event(event)
    context = {
        "post": post,
        "author_name": _name(post.author),
        "admin_url": _url("admin:news_post_change", object_id=post.pk),
        # The unit's word to the editors (its answer to a request for changes).
        "unit_note": submit.comment if submit else "",
        "resubmission": bool(
            submit and submit.from_status == PostStatus.CHANGES_REQUESTED
        ),
    }
    subject = _("Kiriman baru dari %(unit)s: %(title)s") % {
        "unit": post.unit.name,
        "title": post.title,
    }
    return [
        _message(
            subject=subject,
            template="news/email/new_submission.txt",
            context={**context, "recipient_name": _name(user)},
            to=user.email,
        )
        for user in editor_recipients(digest=False)
    ]


def _head_review_messages(event: PostEvent) -> list[EmailMessage]:
    post = event.post
    if post.status != PostStatus.HEAD_REVIEW:
        # Withdrawn or already decided by the head: nothing to ask.
        return []
    context = {
        "post": post,
        "author_name": _name(post.author),
        "post_url": _url("news:post", pk=post.pk),
    }
    subject = _("Menunggu persetujuan Anda: %(title)s") % {"title": post.title}
    return [
        _message(
            subject=subject,
            template="news/email/head_review.txt",
            context={**context, "recipient_name": _name(user)},
            to=user.email,
        )
        for user in head_recipients(post=post, exclude_user_id=event.actor_id)
    ]


def decision_mail_send(*, event_id: int) -> int:
    """Tell the unit about a decision on its post; returns the messages sent."""
    return _event_mail_send(event_id=event_id, messages_for=_decision_messages)


def submission_mail_send(*, event_id: int) -> int:
    """Tell the editors who want immediate mail about a post that reached them."""
    return _event_mail_send(event_id=event_id, messages_for=_submission_messages)


def head_review_mail_send(*, event_id: int) -> int:
    """Ask the unit's head(s) to approve a submission before it goes on."""
    return _event_mail_send(event_id=event_id, messages_for=_head_review_messages)


def editor_digest_send(*, now: datetime | None = None) -> int:
    """The daily digest: what units submitted in the last 24 hours.

    Each editor gets it once a day (EditorDigest, unique per editor and day,
    written in the same transaction as the send): a redelivered or repeated
    run mails nobody twice, and after an SMTP error the retry mails only
    those who did not get it.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    since = now - timedelta(hours=24)
    with translation.override(settings.LANGUAGE_CODE):
        # Posts that reached the editors in the window, whatever became of
        # them since (a withdrawal or a decision clears submitted_at).
        arrived = PostEvent.objects.filter(
            Q(action=PostAction.SUBMIT, to_status=PostStatus.SUBMITTED)
            | Q(action=PostAction.HEAD_APPROVE),
            created_at__gt=since,
            created_at__lte=now,
        ).values("post_id")
        posts = list(
            Post.objects.filter(pk__in=arrived)
            .select_related("unit__region", "category")
            .order_by("created_at", "pk")
        )
        if not posts:
            return 0
        waiting = Post.objects.filter(status=PostStatus.SUBMITTED).count()
        context = {
            "posts": posts,
            "since": since,
            "now": now,
            "waiting": waiting,
            "queue_url": _url("admin:news_post_changelist"),
        }
        subject = _("Ringkasan kiriman 24 jam terakhir: %(count)d berita") % {
            "count": len(posts)
        }
        recipients = list(
            editor_recipients(digest=True).exclude(
                pk__in=EditorDigest.objects.filter(day=day).values("editor_id")
            )
        )
        if not recipients:
            return 0  # everyone got today's already
        sent = 0
        with get_connection(fail_silently=False) as connection:
            for user in recipients:
                with transaction.atomic():
                    _digest, created = EditorDigest.objects.get_or_create(
                        editor=user, day=day
                    )
                    if not created:
                        continue  # sent meanwhile by a concurrent run
                    message = _message(
                        subject=subject,
                        template="news/email/editor_digest.txt",
                        context={**context, "recipient_name": _name(user)},
                        to=user.email,
                    )
                    sent += connection.send_messages([message]) or 0
        return sent
