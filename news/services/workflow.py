"""The editorial workflow's mechanism: the transition table, the lock, the audit row.

The actions themselves are one function each: news.services.editing (create,
update, copy to draft), news.services.submission (the unit's moves) and
news.services.decisions (the editors' decisions, the reviewer's advice).

Every status move goes through `transition_check` against the TRANSITIONS
table, on a row locked with select_for_update inside one transaction that also
writes exactly one PostEvent (the audit row). Mail is enqueued with
transaction.on_commit, so it leaves only for decisions that were committed,
and a mail that fails later can never undo one. The event is also the mail's
outbox entry (MAILED_ACTIONS, news.services.outbox): nothing is lost when the
broker is down at commit time.

Who may do what is news.services.rights; every service here checks it first.

Withdrawing puts a submission back to DRAFT (not WITHDRAWN): the unit gets its
text back to edit and may submit it again; the PostEvent records the withdrawal.
There is no WITHDRAWN status (removed by migration 0008).
"""

import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from news.models import (
    Post,
    PostAction,
    PostEvent,
    PostStatus,
)
from news.sanitize import (
    clean_multiline,
)
from news.services.outbox import on_commit_notify
from news.services.rights import (
    can_review_post,
    is_editor,
    is_region_reviewer,
    is_unit_head,
    is_unit_member,
)
from units.models import User

logger = logging.getLogger(__name__)

S = PostStatus

# action -> statuses it may start from. The target status is decided by the
# service (submit goes to HEAD_REVIEW or SUBMITTED; approve to PUBLISHED or
# SCHEDULED); FEATURE, UNFEATURE and EDIT leave the status as it is.
TRANSITIONS: dict[str, frozenset[str]] = {
    PostAction.SUBMIT: frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
    PostAction.HEAD_APPROVE: frozenset({S.HEAD_REVIEW}),
    PostAction.HEAD_RETURN: frozenset({S.HEAD_REVIEW}),
    PostAction.WITHDRAW: frozenset({S.HEAD_REVIEW, S.SUBMITTED}),
    PostAction.APPROVE: frozenset({S.SUBMITTED}),
    PostAction.SCHEDULE: frozenset({S.SUBMITTED}),
    PostAction.REQUEST_CHANGES: frozenset({S.SUBMITTED}),
    PostAction.REJECT: frozenset({S.SUBMITTED}),
    PostAction.UNPUBLISH: frozenset({S.PUBLISHED, S.SCHEDULED}),
    PostAction.PUBLISH: frozenset({S.SCHEDULED}),
    PostAction.FEATURE: frozenset({S.PUBLISHED}),
    PostAction.UNFEATURE: frozenset(S.values),
    PostAction.REPUBLISH: frozenset({S.UNPUBLISHED}),
    # A reviewer's advice, while the editors have still to decide.
    PostAction.RECOMMEND: frozenset({S.SUBMITTED}),
}
# The editors' decisions on a submission: when one comes too late, another
# editor (or the unit, by withdrawing) got there first.
EDITORIAL_DECISIONS = frozenset(
    {
        PostAction.APPROVE,
        PostAction.SCHEDULE,
        PostAction.REQUEST_CHANGES,
        PostAction.REJECT,
    }
)
# Decisions the unit is told about by e-mail.
NOTIFIED_ACTIONS = frozenset(
    {
        PostAction.HEAD_RETURN,
        PostAction.APPROVE,
        PostAction.SCHEDULE,
        PostAction.PUBLISH,
        PostAction.REQUEST_CHANGES,
        PostAction.REJECT,
        PostAction.UNPUBLISH,
        PostAction.REPUBLISH,
        PostAction.FEATURE,
        PostAction.UNFEATURE,
    }
)
# Every event that calls for mail: the decisions above, and a submission on
# its way (to the head of unit, or to the editors). Its PostEvent stays
# unsettled (notified_at empty) until the mail went out.
MAILED_ACTIONS = NOTIFIED_ACTIONS | {PostAction.SUBMIT, PostAction.HEAD_APPROVE}
# Fields post_update accepts; status and dates only move through transitions.
EDITABLE_FIELDS = frozenset(
    {"title", "lead", "body", "category", "tags", "programme", "event_date", "location"}
)
COMMENT_MAX_LENGTH = 2000

MSG_ALREADY_DECIDED = _(
    "Berita ini sudah diputuskan atau tidak lagi menunggu keputusan redaksi "
    "(status sekarang: %(status)s). Muat ulang halaman untuk melihat keadaan "
    "terbaru."
)
MSG_INVALID_TRANSITION = _(
    "Tindakan “%(action)s” tidak dapat dilakukan pada berita berstatus “%(status)s”."
)
MSG_EMPTY_BODY = _(
    "Isi berita kosong setelah dibersihkan dari kode yang tidak diizinkan."
)
MSG_RATE_LIMITED = _(
    "UPT Anda sudah mengirim %(limit)d berita dalam satu jam terakhir. Coba lagi "
    "nanti; berita ini belum dikirim dan tetap tersimpan sebagai draf."
)
MSG_COMMENT_REQUIRED = _("Catatan wajib diisi: jelaskan apa yang perlu diperbaiki.")
MSG_REASON_REQUIRED = _("Alasan wajib diisi.")
MSG_COMMENT_TOO_LONG = _("Catatan paling banyak %(max)d karakter.")
MSG_PUBLISH_AT_PAST = _("Jadwal terbit harus di masa depan.")
MSG_TITLE_REQUIRED = _("Judul wajib diisi.")
MSG_LEAD_REQUIRED = _("Ringkasan wajib diisi.")
MSG_NO_UNIT = _("Akun ini tidak terdaftar pada UPT mana pun.")
MSG_NOT_REGION_REVIEWER = _(
    "Hanya peninjau kanwil wilayah UPT pengirim yang dapat memberi rekomendasi."
)
MSG_NOT_WAITING = _(
    "Rekomendasi hanya dapat diberikan selama berita menunggu keputusan redaksi "
    "(status sekarang: %(status)s)."
)
MSG_RECOMMENDATION_INVALID = _("Pilih salah satu rekomendasi.")
MSG_RECOMMENDATION_COMMENT = _(
    "Catatan wajib diisi: jelaskan alasan rekomendasi Anda kepada redaksi."
)
MSG_NOT_PUBLISHED = _("Hanya berita yang sudah terbit yang dapat dijadikan pilihan.")
MSG_COPY_NOT_REJECTED = _("Hanya berita yang ditolak yang dapat disalin menjadi draf.")


class SubmissionRateLimited(ValidationError):
    """A unit sent more than SUBMISSIONS_PER_UNIT_PER_HOUR submissions in an hour.

    The web view answers it with HTTP 429; nothing was saved.
    """


def post_can_review(*, post: Post, actor: User) -> bool:
    """May `actor` read this post in the newsroom? (news.services.rights)"""
    return can_review_post(actor, post)


# --- Transitions -------------------------------------------------------------


def lock(post: Post) -> Post:
    """The post re-read under a row lock: the state every decision starts from."""
    return (
        Post.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=post.pk)
    )


def transition_check(post: Post, action: str) -> None:
    if post.status in TRANSITIONS[action]:
        return
    params = {"status": post.get_status_display(), "action": PostAction(action).label}
    if action in EDITORIAL_DECISIONS:
        raise ValidationError(
            MSG_ALREADY_DECIDED, code="already_decided", params=params
        )
    raise ValidationError(
        MSG_INVALID_TRANSITION, code="invalid_transition", params=params
    )


def post_available_actions(*, post: Post, actor: User) -> list[str]:
    """The actions `actor` may take on `post` now (buttons to show, not a lock)."""
    if not actor.is_active:
        return []
    available = []
    if is_editor(actor):
        for action in (
            PostAction.APPROVE,
            PostAction.SCHEDULE,
            PostAction.REQUEST_CHANGES,
            PostAction.REJECT,
            PostAction.UNPUBLISH,
        ):
            if post.status in TRANSITIONS[action]:
                available.append(action)
        if post.status == S.PUBLISHED and not post.is_featured:
            available.append(PostAction.FEATURE)
        if post.is_featured:
            available.append(PostAction.UNFEATURE)
        if post.status in TRANSITIONS[PostAction.REPUBLISH]:
            available.append(PostAction.REPUBLISH)
    elif is_region_reviewer(actor, post):
        if post.status in TRANSITIONS[PostAction.RECOMMEND]:
            available.append(PostAction.RECOMMEND)
    elif is_unit_member(actor, post.unit_id):
        for action in (PostAction.SUBMIT, PostAction.WITHDRAW):
            if post.status in TRANSITIONS[action]:
                available.append(action)
        if is_unit_head(actor) and post.status == S.HEAD_REVIEW:
            available += [PostAction.HEAD_APPROVE, PostAction.HEAD_RETURN]
    return available


def save(post: Post, *, update_fields: Iterable[str] | None = None) -> None:
    post.full_clean()
    if update_fields is not None:
        post.save(update_fields=[*update_fields, "updated_at"])
    else:
        post.save()


def record(
    *,
    post: Post,
    actor: User | None,
    action: str,
    from_status: str,
    comment: str = "",
    reason=None,
) -> PostEvent:
    mailed = action in MAILED_ACTIONS
    event = PostEvent(
        post=post,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=post.status,
        comment=comment,
        reason=reason,
        # Nobody to tell: settled from the start, so the resend job skips it.
        notified_at=None if mailed else timezone.now(),
    )
    # actor is None for the scheduler's moves, and notified_at empty while
    # mail is owed (both fields are null, not blank).
    event.full_clean(exclude=["actor", "notified_at"])
    event.save()
    if mailed:
        on_commit_notify(event=event)
    return event


def required_text(text: str, *, message, code: str) -> str:
    text = clean_multiline(text or "")
    if not text:
        raise ValidationError(message, code=code)
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            MSG_COMMENT_TOO_LONG,
            code="max_length",
            params={"max": COMMENT_MAX_LENGTH},
        )
    return text
