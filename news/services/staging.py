"""A photo chosen in a failed form is kept (staged) and attached when the post
is saved: post_save_with_photos, the one service that saves a post with its
photos."""

import logging
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from news.models import Photo, PhotoKind, Post
from news.sanitize import clean_single_line
from news.services.photos import ORPHAN_AFTER, photo_delete, photo_upload
from news.services.rights import (
    rights_require_photo,
)
from units.models import Unit, User

logger = logging.getLogger(__name__)

# --- Staged photos, and saving a post with its photos ---------------------------

# A photo chosen in a post form that failed for another reason (an empty title)
# is not lost: it is checked and cleaned at once (photo_upload), kept as a Photo
# with post=None (like CKEditor's inline images, so the nightly
# photo_orphans_delete removes it when never used), and the re-rendered form
# carries a signed reference to it that only its uploader can use.
STAGED_SALT = "news.photos.staged"
STAGED_MAX_AGE = ORPHAN_AFTER
# Stands in until the form that staged the photo is saved with its own text.
STAGED_ALT_TEXT = _("Foto belum dilengkapi")
MSG_STAGED_INVALID = _(
    "Foto yang diunggah sebelumnya tidak dapat dipakai lagi (kedaluwarsa atau "
    "bukan milik akun ini). Pilih ulang berkas fotonya."
)
MSG_COVER_REPLACE_CONFIRM = _(
    "Berita ini sudah memiliki foto utama. Centang “Ganti foto utama” untuk "
    "menggantinya dengan foto baru ini."
)


def photo_stage(
    *, unit: Unit, actor: User, file, kind: str, alt_text: str = ""
) -> Photo:
    """Check and clean a cover or gallery photo before its post is saved.

    The same checks as photo_upload (by content; only a metadata-free copy is
    stored); the photo belongs to no post until post_save_with_photos
    attaches it.
    """
    if kind not in (PhotoKind.COVER, PhotoKind.GALLERY):
        raise ValidationError(_("Jenis foto tidak dikenal."), code="invalid_kind")
    return photo_upload(
        unit=unit,
        actor=actor,
        file=file,
        kind=kind,
        alt_text=alt_text or str(STAGED_ALT_TEXT),
    )


def photo_staged_sign(*, photo: Photo, actor: User) -> str:
    """The reference a form carries to a staged photo, bound to photo and user."""
    return signing.dumps({"photo": photo.pk, "user": actor.pk}, salt=STAGED_SALT)


def photo_staged_get(*, token: str, actor: User) -> Photo:
    """The staged photo a signed reference names, for the user it was made for.

    Refused (ValidationError) when the value was altered, is older than
    STAGED_MAX_AGE, was made for another user, or names a photo that is gone
    or already belongs to a post.
    """
    try:
        value = signing.loads(token, salt=STAGED_SALT, max_age=STAGED_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        raise ValidationError(MSG_STAGED_INVALID, code="staged_invalid") from None
    if not isinstance(value, dict) or value.get("user") != actor.pk:
        raise ValidationError(MSG_STAGED_INVALID, code="staged_invalid")
    photo = (
        Photo.objects.filter(
            pk=value.get("photo"),
            post__isnull=True,
            uploaded_by=actor,
            unit_id=actor.unit_id,
            kind__in=(PhotoKind.COVER, PhotoKind.GALLERY),
        )
        .prefetch_related("renditions")
        .first()
    )
    if photo is None:
        raise ValidationError(MSG_STAGED_INVALID, code="staged_invalid")
    return photo


@dataclass(frozen=True)
class PhotoAttachment:
    """A staged photo to attach to a post, with the text its form gave it."""

    photo: Photo
    kind: str
    alt_text: str
    caption: str = ""
    credit: str = ""
    replace_cover: bool = False


def _photo_attach(*, post: Post, actor: User, attachment: PhotoAttachment) -> Photo:
    """Make a staged photo the post's: locked, still unattached, still the unit's."""
    photo = (
        Photo.objects.select_for_update()
        .filter(pk=attachment.photo.pk, post__isnull=True, unit_id=post.unit_id)
        .first()
    )
    if photo is None:
        # Swept meanwhile, or attached by a second copy of the same form.
        raise ValidationError(MSG_STAGED_INVALID, code="staged_invalid")
    if attachment.kind == PhotoKind.COVER:
        # Two covers attached at once: the second waits for the first and
        # then finds its cover (replaced or refused), never a 500 from the
        # photo_one_cover_per_post constraint.
        Post.objects.select_for_update().filter(pk=post.pk).first()
        old_covers = list(post.photos.filter(kind=PhotoKind.COVER))
        if old_covers and not attachment.replace_cover:
            raise ValidationError(MSG_COVER_REPLACE_CONFIRM, code="cover_exists")
        for old in old_covers:
            photo_delete(photo=old, actor=actor)
    alt_text = clean_single_line(attachment.alt_text or "")
    if not alt_text:
        raise ValidationError(
            {
                "alt_text": ValidationError(
                    _("Teks alternatif wajib diisi: gambarkan isi foto."),
                    code="alt_text_required",
                )
            }
        )
    last = post.photos.aggregate(last=Max("position"))["last"]
    photo.post = post
    photo.kind = attachment.kind
    photo.position = 0 if last is None else last + 1
    photo.alt_text = alt_text
    photo.caption = clean_single_line(attachment.caption or "")
    photo.credit = clean_single_line(attachment.credit or "")
    photo.full_clean()
    photo.save(
        update_fields=["post", "kind", "position", "alt_text", "caption", "credit"]
    )
    return photo


@transaction.atomic
def post_save_with_photos(
    *,
    actor: User,
    fields: dict,
    photos: list[PhotoAttachment] = (),
    post: Post | None = None,
) -> Post:
    """Create (post=None) or update a post and attach its staged photos, as one.

    The text goes through post_create or post_update (and their rights
    checks); each photo was staged by photo_stage and is attached in the same
    transaction, so a refusal anywhere leaves the post as it was and the
    staged photos unattached, ready for the next try.
    """
    from news.services.editing import post_create, post_update

    if post is None:
        post = post_create(author=actor, **fields)
    else:
        post = post_update(post=post, actor=actor, **fields)
    post_photos_attach(post=post, actor=actor, photos=photos)
    return post


@transaction.atomic
def post_photos_attach(
    *, post: Post, actor: User, photos: list[PhotoAttachment]
) -> list[Photo]:
    """Attach photos the actor staged to the post, each with its text.

    A new cover replaces the old one only when the attachment says so
    (replace_cover, which the forms ask the user to confirm).
    """
    rights_require_photo(actor, unit_id=post.unit_id, post=post)
    attached = []
    for attachment in photos:
        if attachment.photo.uploaded_by_id != actor.pk:
            raise ValidationError(MSG_STAGED_INVALID, code="staged_invalid")
        attached.append(_photo_attach(post=post, actor=actor, attachment=attachment))
    return attached
