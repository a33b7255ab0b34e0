"""Writes for posts: one function per domain action (the editorial workflow).

Every status move goes through `_transition_check` against the TRANSITIONS
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
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from news.models import (
    Category,
    Photo,
    PhotoKind,
    Post,
    PostAction,
    PostEvent,
    PostRevision,
    PostStatus,
    Programme,
    Recommendation,
    ReviewRecommendation,
    Tag,
)
from news.sanitize import (
    body_is_empty,
    clean_lead,
    clean_multiline,
    clean_single_line,
    image_sources,
    sanitize_body,
)
from news.services.outbox import on_commit_notify
from news.services.rights import (
    can_review_post,
    is_editor,
    is_region_reviewer,
    is_unit_head,
    is_unit_member,
    rights_require_active,
    rights_require_editor,
    rights_require_post_editable,
    rights_require_unit_head,
    rights_require_unit_member,
)
from news.services.snapshots import post_snapshot_create, resubmission_check
from news.signals import post_publication_changed
from units.models import Unit, User

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
# A photo's storage name as news.models.photo_upload_to makes it: the shard is
# the first two hex digits of the UUID, then the UUID's hex and the extension.
_PHOTO_NAME = re.compile(
    r"(?:^|/)(photos/([0-9a-f]{2})/\2[0-9a-f]{30}\.[a-z0-9]{1,5})$"
)

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


def _lock(post: Post) -> Post:
    """The post re-read under a row lock: the state every decision starts from."""
    return (
        Post.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=post.pk)
    )


def _transition_check(post: Post, action: str) -> None:
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


def _save(post: Post, *, update_fields: Iterable[str] | None = None) -> None:
    post.full_clean()
    if update_fields is not None:
        post.save(update_fields=[*update_fields, "updated_at"])
    else:
        post.save()


def _record(
    *,
    post: Post,
    actor: User | None,
    action: str,
    from_status: str,
    comment: str = "",
) -> PostEvent:
    mailed = action in MAILED_ACTIONS
    event = PostEvent(
        post=post,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=post.status,
        comment=comment,
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


def _required_text(text: str, *, message, code: str) -> str:
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


# --- Fields ------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = clean_single_line(title or "")
    if not title:
        raise ValidationError(
            {"title": ValidationError(MSG_TITLE_REQUIRED, "required")}
        )
    return title


def _clean_body(body: str) -> str:
    body = sanitize_body(body or "")
    if body_is_empty(body):
        raise ValidationError({"body": ValidationError(MSG_EMPTY_BODY, "empty_body")})
    return body


def _clean_fields(fields: dict) -> dict:
    """Plain-text guards and the sanitiser, field by field, errors per field."""
    cleaned, errors = dict(fields), {}
    cleaners = {
        "title": _clean_title,
        "lead": lambda v: clean_lead(v or ""),
        "location": lambda v: clean_single_line(v or ""),
        "body": _clean_body,
    }
    for name, cleaner in cleaners.items():
        if name not in fields:
            continue
        try:
            cleaned[name] = cleaner(fields[name])
        except ValidationError as exc:
            errors.setdefault(name, []).extend(
                exc.error_dict.get(name, []) if hasattr(exc, "error_dict") else [exc]
            )
    if "lead" in cleaned and "lead" not in errors and not cleaned["lead"]:
        errors["lead"] = [ValidationError(MSG_LEAD_REQUIRED, code="required")]
    if "programme" in fields and fields["programme"] is None:
        cleaned["programme"] = Programme.NONE
    if errors:
        raise ValidationError(errors)
    return cleaned


def _tags_from(values: Iterable[Tag | str]) -> list[Tag]:
    """Tag objects, creating tags given by name (slug-matched, so no duplicates)."""
    tags = []
    for value in values:
        if isinstance(value, Tag):
            tags.append(value)
            continue
        name = clean_single_line(str(value))
        slug = slugify(name)[:60]
        if not slug:
            continue
        tag = Tag.objects.filter(slug=slug).first()
        if tag is None:
            tag = Tag(name=name[:60], slug=slug)
            tag.full_clean(validate_unique=False)
            try:
                with transaction.atomic():
                    tag.save()
            except IntegrityError:  # created meanwhile, or same name other slug
                tag = Tag.objects.filter(slug=slug).first() or Tag.objects.get(
                    name=tag.name
                )
        tags.append(tag)
    return list({tag.pk: tag for tag in tags}.values())


def _inline_photo_names(body: str) -> set[str]:
    """Storage names of the photos the body's images show (by their src)."""
    names = set()
    for src in image_sources(body):
        path = unquote(src.split("#", 1)[0].split("?", 1)[0])
        match = _PHOTO_NAME.search(path)
        if match:
            names.add(match.group(1))
    return names


def _inline_photos_link(post: Post) -> int:
    """Attach to the post the unit's unattached inline photos its body shows.

    CKEditor uploads an inline image before the post is saved (or exists), so
    photo_upload stores it with post=None; saving a body that shows it is what
    makes it the post's, and from then on photo_orphans_delete leaves it
    alone. Only photos of the post's own unit that no post has yet: a src
    naming another unit's photo, or another post's, changes nothing. One
    UPDATE whatever the number of images. Photos taken out of the text later
    stay attached: older texts (PostRevision) may still show them.
    """
    names = _inline_photo_names(post.body)
    if not names:
        return 0
    return Photo.objects.filter(
        unit_id=post.unit_id,
        kind=PhotoKind.INLINE,
        post__isnull=True,
        image__in=names,
    ).update(post=post)


def _free_slug(title: str) -> str:
    base = slugify(title)[:200].strip("-") or "berita"
    slug, n = base, 1
    while Post.objects.filter(slug=slug).exists():
        n += 1
        slug = "%s-%d" % (base, n)
    return slug


# --- Writing -----------------------------------------------------------------


def post_create(
    *,
    author: User,
    title: str,
    lead: str,
    body: str,
    category: Category,
    tags: Iterable[Tag | str] = (),
    programme: str = "",
    event_date: date | None = None,
    location: str = "",
) -> Post:
    """A new draft of the author's unit; the body is sanitised before it is kept.

    The unit's inline photos the body shows become the post's.
    """
    rights_require_active(author)
    if not author.is_unit_staff or author.unit_id is None:
        raise ValidationError(MSG_NO_UNIT, code="permission_denied")
    fields = _clean_fields(
        {
            "title": title,
            "lead": lead,
            "body": body,
            "location": location,
            "programme": programme,
        }
    )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                post = Post(
                    title=fields["title"],
                    slug=_free_slug(fields["title"]),
                    lead=fields["lead"],
                    body=fields["body"],
                    unit_id=author.unit_id,
                    author=author,
                    category=category,
                    programme=fields["programme"],
                    event_date=event_date,
                    location=fields["location"],
                    status=S.DRAFT,
                )
                post.full_clean()
                post.save()
                _inline_photos_link(post)
                post.tags.set(_tags_from(tags))
                _record(
                    post=post, actor=author, action=PostAction.CREATE, from_status=""
                )
                return post
        except IntegrityError:
            # Another post took the same slug between the check and the insert.
            logger.info("Slug taken concurrently, retrying for %r", fields["title"])
    raise ValidationError(_("Berita tidak dapat disimpan; coba lagi."), code="retry")


@transaction.atomic
def post_update(*, post: Post, actor: User, **fields) -> Post:
    """Change a post's text and details.

    Unit staff only while the text is theirs (EDITABLE_BY_UNIT); editors at any
    time. An editor's change to a published post first keeps the old title,
    lead and body as a PostRevision; every editor's change is audited (EDIT).
    The slug never changes: published addresses stay valid. When the body
    changes, the unit's inline photos it shows become the post's.
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError("post_update() got unexpected fields: %s" % sorted(unknown))
    rights_require_active(actor)
    if not is_editor(actor):
        rights_require_unit_member(actor, post)
    post = _lock(post)
    rights_require_post_editable(actor, post)

    cleaned = _clean_fields(fields)
    tags = cleaned.pop("tags", None)
    changed = [name for name, value in cleaned.items() if getattr(post, name) != value]
    new_tags = None
    if tags is not None:
        new_tags = _tags_from(tags)
        if {t.pk for t in new_tags} != set(post.tags.values_list("pk", flat=True)):
            changed.append("tags")
    if not changed:
        return post

    text_changed = any(name in changed for name in ("title", "lead", "body"))
    if is_editor(actor) and post.status == S.PUBLISHED and text_changed:
        PostRevision.objects.create(
            post=post, editor=actor, title=post.title, lead=post.lead, body=post.body
        )
    for name, value in cleaned.items():
        setattr(post, name, value)
    _save(post)
    if "body" in changed:
        _inline_photos_link(post)
    if new_tags is not None:
        post.tags.set(new_tags)
    if is_editor(actor):
        labels = [str(Post._meta.get_field(name).verbose_name) for name in changed]
        _record(
            post=post,
            actor=actor,
            action=PostAction.EDIT,
            from_status=post.status,
            comment=str(_("Diubah: %s")) % ", ".join(labels),
        )
    return post


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
    post = _lock(post)
    _transition_check(post, PostAction.SUBMIT)
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
    _save(post, update_fields=["status", "submitted_at"])
    # Mails the editors, or the unit's head(s) when it waits for them.
    event = _record(
        post=post,
        actor=actor,
        action=PostAction.SUBMIT,
        from_status=from_status,
        comment=note,
    )
    post_snapshot_create(post=post, event=event)
    return post


@transaction.atomic
def post_head_approve(*, post: Post, actor: User) -> Post:
    """The unit's head lets the submission go on to the editors."""
    rights_require_unit_head(actor, post)
    post = _lock(post)
    _transition_check(post, PostAction.HEAD_APPROVE)
    from_status = post.status
    post.status = S.SUBMITTED
    # The editors' queue is oldest first by the time it reached them.
    post.submitted_at = timezone.now()
    _save(post, update_fields=["status", "submitted_at"])
    # Mails the editors: the submission has reached them.
    _record(
        post=post, actor=actor, action=PostAction.HEAD_APPROVE, from_status=from_status
    )
    return post


@transaction.atomic
def post_head_return(*, post: Post, actor: User, comment: str) -> Post:
    """The unit's head sends the text back to its writers with a comment."""
    rights_require_unit_head(actor, post)
    comment = _required_text(comment, message=MSG_COMMENT_REQUIRED, code="required")
    post = _lock(post)
    _transition_check(post, PostAction.HEAD_RETURN)
    from_status = post.status
    post.status = S.CHANGES_REQUESTED
    post.submitted_at = None
    _save(post, update_fields=["status", "submitted_at"])
    _record(
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
    post = _lock(post)
    _transition_check(post, PostAction.WITHDRAW)
    from_status = post.status
    post.status = S.DRAFT
    post.submitted_at = None
    _save(post, update_fields=["status", "submitted_at"])
    _record(post=post, actor=actor, action=PostAction.WITHDRAW, from_status=from_status)
    return post


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
    post = _lock(post)
    _transition_check(post, action)
    from_status = post.status
    if publish_at is None:
        post.status = S.PUBLISHED
        post.published_at = now
        post.publish_at = None
    else:
        post.status = S.SCHEDULED
        post.publish_at = publish_at
    _save(post, update_fields=["status", "published_at", "publish_at"])
    _record(post=post, actor=actor, action=action, from_status=from_status)
    post_publication_changed.send(sender=Post, post=post, unit_id=post.unit_id)
    return post


@transaction.atomic
def post_request_changes(*, post: Post, actor: User, comment: str) -> Post:
    """Send a submission back to the unit; the comment says what to change."""
    rights_require_editor(actor)
    comment = _required_text(comment, message=MSG_COMMENT_REQUIRED, code="required")
    post = _lock(post)
    _transition_check(post, PostAction.REQUEST_CHANGES)
    from_status = post.status
    post.status = S.CHANGES_REQUESTED
    post.submitted_at = None
    _save(post, update_fields=["status", "submitted_at"])
    event = _record(
        post=post,
        actor=actor,
        action=PostAction.REQUEST_CHANGES,
        from_status=from_status,
        comment=comment,
    )
    # The version sent back, editors' own edits included: what the unit's
    # resubmission is compared with.
    post_snapshot_create(post=post, event=event)
    return post


@transaction.atomic
def post_reject(*, post: Post, actor: User, reason: str) -> Post:
    """Refuse a submission for good, saying why."""
    rights_require_editor(actor)
    reason = _required_text(reason, message=MSG_REASON_REQUIRED, code="required")
    post = _lock(post)
    _transition_check(post, PostAction.REJECT)
    from_status = post.status
    post.status = S.REJECTED
    _save(post, update_fields=["status"])
    _record(
        post=post,
        actor=actor,
        action=PostAction.REJECT,
        from_status=from_status,
        comment=reason,
    )
    return post


@transaction.atomic
def post_unpublish(*, post: Post, actor: User, reason: str) -> Post:
    """Take a published (or scheduled) post off the site, saying why."""
    rights_require_editor(actor)
    reason = _required_text(reason, message=MSG_REASON_REQUIRED, code="required")
    post = _lock(post)
    _transition_check(post, PostAction.UNPUBLISH)
    from_status = post.status
    post.status = S.UNPUBLISHED
    post.is_featured = False
    post.publish_at = None
    _save(post, update_fields=["status", "is_featured", "publish_at"])
    _record(
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
    post = _lock(post)
    _transition_check(post, PostAction.REPUBLISH)
    from_status = post.status
    post.status = S.PUBLISHED
    post.published_at = post.published_at or timezone.now()
    _save(post, update_fields=["status", "published_at"])
    _record(
        post=post, actor=actor, action=PostAction.REPUBLISH, from_status=from_status
    )
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
    post = _lock(post)
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
    comment = _required_text(
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
    _record(
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
    post = _lock(post)
    if post.is_featured == featured:
        return post
    action = PostAction.FEATURE if featured else PostAction.UNFEATURE
    if featured and post.status != S.PUBLISHED:
        raise ValidationError(MSG_NOT_PUBLISHED, code="not_published")
    _transition_check(post, action)
    post.is_featured = featured
    _save(post, update_fields=["is_featured"])
    _record(post=post, actor=actor, action=action, from_status=post.status)
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
                _save(post, update_fields=["status", "published_at"])
                _record(
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


# --- Starting again ----------------------------------------------------------


def post_copy_to_draft(*, post: Post, actor: User) -> Post:
    """A rejected post's text, details and photos as a new draft of its unit.

    Unit members only, rejected posts only. Every photo (cover, gallery and
    the inline images the body shows) is copied as a new Photo with its own
    file (news.services.photos.photo_copy), and the body is made to show the
    copies: deleting the rejected post later takes nothing from the draft.
    The draft's CREATE event says which post it was copied from.
    """
    from news.services.photos import photo_copy, photo_files_discard

    rights_require_unit_member(actor, post)
    copies = []
    try:
        with transaction.atomic():
            original = _lock(post)
            if original.status != S.REJECTED:
                raise ValidationError(MSG_COPY_NOT_REJECTED, code="not_rejected")
            draft = None
            for _attempt in range(5):
                try:
                    with transaction.atomic():
                        draft = Post.objects.create(
                            title=original.title,
                            slug=_free_slug(original.title),
                            lead=original.lead,
                            body=original.body,
                            unit_id=original.unit_id,
                            author=actor,
                            category_id=original.category_id,
                            programme=original.programme,
                            event_date=original.event_date,
                            location=original.location,
                            status=S.DRAFT,
                        )
                    break
                except IntegrityError:
                    logger.info("Slug taken concurrently, retrying the copy")
            if draft is None:
                raise ValidationError(
                    _("Berita tidak dapat disalin; coba lagi."), code="retry"
                )
            draft.tags.set(original.tags.all())
            body = draft.body
            for photo in original.photos.order_by("position", "id"):
                copy = photo_copy(photo=photo, post=draft, actor=actor)
                copies.append(copy)
                if photo.kind == PhotoKind.INLINE:
                    body = body.replace(photo.image.url, copy.image.url)
            if body != draft.body:
                draft.body = body
                _save(draft, update_fields=["body"])
            _record(
                post=draft,
                actor=actor,
                action=PostAction.CREATE,
                from_status="",
                comment=str(
                    _("Disalin dari berita #%(pk)d “%(title)s” yang ditolak.")
                    % {"pk": original.pk, "title": original.title}
                ),
            )
    except Exception:
        # The rows are gone with the transaction; their copied files are not.
        photo_files_discard(photos=copies)
        raise
    return draft
