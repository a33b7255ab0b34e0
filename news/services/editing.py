"""Writing a post: create, update, and copying a rejected post to a new draft.

Status moves are news.services.workflow; who may write is news.services.rights.
"""

import logging
import re
from collections.abc import Iterable
from datetime import date
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from news.models import (
    Category,
    Photo,
    PhotoKind,
    Post,
    PostAction,
    PostRevision,
    PostStatus,
    Programme,
    Tag,
)
from news.sanitize import (
    body_is_empty,
    clean_lead,
    clean_single_line,
    image_sources,
    sanitize_body,
)
from news.services import workflow
from news.services.rights import (
    is_editor,
    rights_require_active,
    rights_require_post_editable,
    rights_require_unit_member,
)
from news.services.workflow import (
    EDITABLE_FIELDS,
    MSG_COPY_NOT_REJECTED,
    MSG_EMPTY_BODY,
    MSG_LEAD_REQUIRED,
    MSG_NO_UNIT,
    MSG_TITLE_REQUIRED,
)
from news.signals import post_edited
from units.models import User

logger = logging.getLogger(__name__)

# A photo's storage name as news.models.photo_upload_to makes it: the shard is
# the first two hex digits of the UUID, then the UUID's hex and the extension.
_PHOTO_NAME = re.compile(
    r"(?:^|/)(photos/([0-9a-f]{2})/\2[0-9a-f]{30}\.[a-z0-9]{1,5})$"
)

S = PostStatus
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
    linked = Photo.objects.filter(
        unit_id=post.unit_id,
        kind=PhotoKind.INLINE,
        post__isnull=True,
        image__in=names,
    ).update(post=post)
    if linked and post.status == PostStatus.PUBLISHED:
        # Born private (news.storage): public with the post, once committed.
        from news.services.photo_files import on_publication_changed

        on_publication_changed(sender=Post, post=post)
    return linked


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
                workflow.record(
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
    post = workflow.lock(post)
    rights_require_post_editable(actor, post)

    cleaned = _clean_fields(fields)
    tags = cleaned.pop("tags", None)
    changed = [name for name, value in cleaned.items() if getattr(post, name) != value]
    # What the public pages showed, for post_edited below.
    previous = {"category_id": post.category_id}
    new_tags = None
    if tags is not None:
        new_tags = _tags_from(tags)
        previous["tag_ids"] = set(post.tags.values_list("pk", flat=True))
        if {t.pk for t in new_tags} != previous["tag_ids"]:
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
    workflow.save(post)
    if "body" in changed:
        _inline_photos_link(post)
    if new_tags is not None:
        post.tags.set(new_tags)
    if is_editor(actor):
        labels = [str(Post._meta.get_field(name).verbose_name) for name in changed]
        workflow.record(
            post=post,
            actor=actor,
            action=PostAction.EDIT,
            from_status=post.status,
            comment=str(_("Diubah: %s")) % ", ".join(labels),
        )
    post_edited.send(sender=Post, post=post, previous=previous)
    return post


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
            original = workflow.lock(post)
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
                workflow.save(draft, update_fields=["body"])
            workflow.record(
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
