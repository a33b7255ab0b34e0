"""E-mail about posts: to the unit on decisions, to editors on new submissions.

Services call the `on_commit_*` helpers inside their transaction; the task is
enqueued only once the decision is committed, and a broker outage is logged,
never raised: the decision stands and the request carries on. The tasks
(news.tasks) call the `*_send` functions below, which read everything fresh
from the database by id.
"""

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from news.models import Post, PostAction, PostEvent, PostStatus
from news.sanitize import header_safe
from units.models import UNIT_ROLES, Role, User

logger = logging.getLogger(__name__)


# --- Enqueueing ----------------------------------------------------------------


def enqueue(task, *args) -> bool:
    """task.delay(*args), but a broker that is down only gets logged.

    Called after commit: the decision is already saved, so failing the request
    (or the task that published) would only hide that it succeeded.
    """
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - any broker failure, same handling
        logger.exception(
            "Could not enqueue %s%r; continuing without it", task.name, args
        )
        return False
    return True


def on_commit_decision(*, event_id: int) -> None:
    from news import tasks

    transaction.on_commit(partial(enqueue, tasks.notify_decision, event_id))


def on_commit_new_submission(*, post_id: int) -> None:
    from news import tasks

    transaction.on_commit(partial(enqueue, tasks.notify_new_submission, post_id))


# --- Recipients ----------------------------------------------------------------


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


def decision_mail_send(*, event_id: int) -> int:
    """Tell the unit about a decision on its post; returns the messages sent."""
    with translation.override(settings.LANGUAGE_CODE):
        event = (
            PostEvent.objects.select_related("post__unit", "actor")
            .filter(pk=event_id)
            .first()
        )
        if event is None:  # the post was deleted meanwhile
            return 0
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
        messages = [
            _message(
                subject=subject,
                template="news/email/decision.txt",
                context={**context, "recipient_name": _name(user)},
                to=user.email,
            )
            for user in unit_recipients(post=post, exclude_user_id=event.actor_id)
        ]
        return _send(messages)


def submission_mail_send(*, post_id: int) -> int:
    """Tell the editors who want immediate mail about a new submission."""
    with translation.override(settings.LANGUAGE_CODE):
        post = (
            Post.objects.select_related("unit__region", "category", "author")
            .filter(pk=post_id)
            .first()
        )
        if post is None or post.status != PostStatus.SUBMITTED:
            # Withdrawn or already decided before the mail left: nothing to say.
            return 0
        context = {
            "post": post,
            "author_name": _name(post.author),
            "admin_url": _url("admin:news_post_change", object_id=post.pk),
        }
        subject = _("Kiriman baru dari %(unit)s: %(title)s") % {
            "unit": post.unit.name,
            "title": post.title,
        }
        messages = [
            _message(
                subject=subject,
                template="news/email/new_submission.txt",
                context={**context, "recipient_name": _name(user)},
                to=user.email,
            )
            for user in editor_recipients(digest=False)
        ]
        return _send(messages)


def editor_digest_send(*, now: datetime | None = None) -> int:
    """The daily digest: what units submitted in the last 24 hours."""
    now = now or timezone.now()
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
        messages = [
            _message(
                subject=subject,
                template="news/email/editor_digest.txt",
                context={**context, "recipient_name": _name(user)},
                to=user.email,
            )
            for user in editor_recipients(digest=True)
        ]
        return _send(messages)
