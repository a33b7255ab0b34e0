"""Writes for photos: upload, delete, and the renditions the worker makes.

Where the bytes live:
- the upload itself is never stored. photo_upload checks it by content and
  re-encodes it at full size without any metadata (the imaging package); only that
  clean copy is saved, under a random UUID name. Nothing public can point at
  the raw bytes because they are never persisted, so the clean copy is usable
  at once (CKEditor's inline images link to it);
- renditions (news.models.Rendition) are made after commit by the Celery task
  news.tasks.make_photo_renditions, keyed (photo, width, format) and stored
  under deterministic names, so a repeated or redelivered task finds them and
  changes nothing;
- a photo whose enqueue was lost (Redis down, worker died) stays PENDING and
  is re-queued by the periodic sweeper (photo_renditions_sweep);
- CKEditor's inline images are stored with post=None and become a post's when
  a body showing them is saved (news.services.posts); those no post took are
  deleted by the nightly photo_orphans_delete.

Files of deleted photos and renditions are removed after commit by the
post_delete signal handlers in news.signals, whoever deleted the rows.
"""

import io
import logging
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from news import selectors
from news.models import Photo, PhotoKind, PhotoStatus, Post, PostAction, Rendition
from news.sanitize import clean_single_line
from news.services.rights import (
    MSG_NOT_ALLOWED,
    is_editor,
    rights_require_photo,
)
from portal import enqueue as queue
from units.models import Unit, User

logger = logging.getLogger(__name__)

# A photo still PENDING this long after upload lost its task (or its worker).
SWEEP_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 200
# An inline image that no saved post shows this long after its upload was
# taken out of the text before saving, or its post was never saved. Two days
# leave a contributor who keeps the editor open overnight time to save.
ORPHAN_AFTER = timedelta(days=2)
ORPHAN_BATCH = 200
# Each batch removes the files of up to ORPHAN_BATCH photos and their
# renditions (nine files a photo) after its commit, one storage call each:
# five batches stay inside the task's ten minutes on object storage too. A
# day with more orphans than that is carried over to the next night.
ORPHAN_MAX_BATCHES = 5


# --- Upload and delete ---------------------------------------------------------


def photo_upload(
    *,
    unit: Unit,
    actor: User,
    file,
    kind: str,
    caption: str = "",
    alt_text: str,
    credit: str = "",
    post: Post | None = None,
) -> Photo:
    """Store a photo: checked by content, kept only as a metadata-free re-encode.

    The upload itself is never persisted, not even privately:
    imaging.clean_original re-encodes it (orientation applied, sRGB, no
    EXIF, GPS, XMP or ICC) in memory and only that is saved, under a random
    UUID name through the storage API. The photo stays PENDING until its
    renditions exist; they are enqueued once the upload is committed.
    """
    import imaging  # Pillow and its plugins load only when needed.

    if post is not None and post.unit_id != unit.pk:
        raise ValidationError(MSG_NOT_ALLOWED, code="permission_denied")
    rights_require_photo(actor, unit_id=unit.pk, post=post)
    if kind not in PhotoKind.values:
        raise ValidationError(_("Jenis foto tidak dikenal."), code="invalid_kind")
    alt_text = clean_single_line(alt_text or "")
    if not alt_text:
        raise ValidationError(
            {
                "alt_text": ValidationError(
                    _("Teks alternatif wajib diisi: gambarkan isi foto."),
                    code="alt_text_required",
                )
            }
        )
    caption = clean_single_line(caption or "")
    credit = clean_single_line(credit or "")
    if (
        kind == PhotoKind.COVER
        and post is not None
        and post.photos.filter(kind=PhotoKind.COVER).exists()
    ):
        raise ValidationError(
            _("Berita ini sudah memiliki foto utama; hapus dulu yang lama."),
            code="cover_exists",
        )

    imaging.validate_image(file)
    cleaned = imaging.clean_original(file)

    photo = Photo(
        unit=unit,
        post=post,
        uploaded_by=actor,
        kind=kind,
        caption=caption,
        alt_text=alt_text,
        credit=credit,
        width=cleaned.width,
        height=cleaned.height,
        status=PhotoStatus.PENDING,
    )
    if post is not None:
        last = post.photos.aggregate(last=Max("position"))["last"]
        photo.position = 0 if last is None else last + 1
    # The storage API names the file from photo.uuid (news.models.photo_upload_to).
    photo.image.save("photo.%s" % cleaned.ext, ContentFile(cleaned.data), save=False)
    try:
        with transaction.atomic():
            photo.full_clean()
            photo.save()
            _on_commit_renditions(photo_id=photo.pk)
    except Exception:
        photo.image.storage.delete(photo.image.name)
        raise
    return photo


@transaction.atomic
def photo_delete(*, photo: Photo, actor: User) -> None:
    """Remove a photo and its renditions; their files go once this is committed.

    The row is locked first, so a rendition task working on the photo finishes
    (and its new renditions are deleted with it) before the photo goes.
    """
    post = Post.objects.filter(pk=photo.post_id).first() if photo.post_id else None
    rights_require_photo(actor, unit_id=photo.unit_id, post=post)
    locked = Photo.objects.select_for_update().filter(pk=photo.pk).first()
    if locked is None:
        return  # deleted meanwhile: nothing left to do
    _photo_edit_record(
        photo=locked,
        actor=actor,
        comment=_("Foto dihapus redaksi: %(caption)s")
        % {"caption": locked.caption or locked.alt_text},
    )
    locked.delete()  # news.signals remove the files after commit


PHOTO_TEXT_FIELDS = ("caption", "alt_text", "credit")
PHOTO_FIELD_LABELS = {
    "caption": _("keterangan foto"),
    "alt_text": _("teks alternatif"),
    "credit": _("kredit foto"),
}


def _photo_edit_record(*, photo: Photo, actor: User, comment: str) -> None:
    """An EDIT event on the photo's post when an editor changed the photo.

    Unit staff change their own draft's photos freely, as they change its text;
    an editor's change to a unit's photo is audited like an edit of the text.
    """
    if not (is_editor(actor) and photo.post_id):
        return
    from news.services.posts import _record

    post = Post.objects.get(pk=photo.post_id)
    _record(
        post=post,
        actor=actor,
        action=PostAction.EDIT,
        from_status=post.status,
        comment=comment,
    )


@transaction.atomic
def photo_update(
    *,
    photo: Photo,
    actor: User,
    caption: str | None = None,
    alt_text: str | None = None,
    credit: str | None = None,
) -> list[str]:
    """Change a photo's caption, alt text or credit; returns the changed fields.

    Same rights as upload and delete (rights_require_photo). An editor's
    change is one EDIT event on the post naming each field with its old and
    new text, so the unit sees what the newsroom corrected.
    """
    post = Post.objects.filter(pk=photo.post_id).first() if photo.post_id else None
    rights_require_photo(actor, unit_id=photo.unit_id, post=post)
    locked = Photo.objects.select_for_update().get(pk=photo.pk)
    wanted = {"caption": caption, "alt_text": alt_text, "credit": credit}
    changed = []
    lines = []
    for field in PHOTO_TEXT_FIELDS:
        if wanted[field] is None:
            continue
        value = clean_single_line(wanted[field])
        if field == "alt_text" and not value:
            raise ValidationError(
                {
                    "alt_text": ValidationError(
                        _("Teks alternatif wajib diisi: gambarkan isi foto."),
                        code="alt_text_required",
                    )
                }
            )
        old = getattr(locked, field)
        if value != old:
            setattr(locked, field, value)
            changed.append(field)
            lines.append(
                _("%(field)s: “%(old)s” menjadi “%(new)s”")
                % {"field": PHOTO_FIELD_LABELS[field], "old": old, "new": value}
            )
    if not changed:
        return []
    locked.full_clean()
    locked.save(update_fields=changed)
    for field in changed:
        setattr(photo, field, getattr(locked, field))
    _photo_edit_record(
        photo=locked,
        actor=actor,
        comment="%s\n%s"
        % (
            _("Foto #%(position)d diubah redaksi.") % {"position": locked.position + 1},
            "\n".join(str(line) for line in lines),
        ),
    )
    return changed


def photo_files_discard(*, photos: list[Photo]) -> None:
    """Remove the stored files of photos whose rows were rolled back.

    For a caller whose transaction failed after photo_upload had stored the
    clean copy: the rows are gone, so no signal will ever delete the files.
    """
    for photo in photos:
        if photo.image.name:
            try:
                photo.image.storage.delete(photo.image.name)
            except OSError:
                logger.warning(
                    "Could not delete photo file %s", photo.image.name, exc_info=True
                )


def photo_orphans_delete(
    *,
    older_than: timedelta = ORPHAN_AFTER,
    batch_size: int = ORPHAN_BATCH,
    max_batches: int = ORPHAN_MAX_BATCHES,
) -> int:
    """Delete inline photos no post took within `older_than`; returns how many.

    Only INLINE photos with post=None: an attached photo is never touched.
    Each batch is its own short transaction over rows locked with skip_locked,
    so a post being saved that attaches one of them right now keeps it (the
    sweep skips the row; once attached it no longer qualifies), and two runs
    never work on the same rows. The files of the photos and their renditions
    are removed by news.signals once each batch is committed. At most
    max_batches per call: the next run carries on.
    """
    now = timezone.now()
    deleted = 0
    for _batch in range(max_batches):
        with transaction.atomic():
            photo_ids = list(
                selectors.photos_orphaned_inline(
                    older_than=older_than, limit=batch_size, now=now
                )
            )
            if photo_ids:
                # post__isnull again: the invariant holds here, not only upstream.
                Photo.objects.filter(pk__in=photo_ids, post__isnull=True).delete()
        deleted += len(photo_ids)
        if len(photo_ids) < batch_size:
            break
    if deleted:
        logger.info("Deleted %d inline photos no post uses", deleted)
    return deleted


# --- Renditions ----------------------------------------------------------------


def _on_commit_renditions(*, photo_id: int) -> None:
    from news import tasks

    # A broker outage is logged, not raised: the sweeper re-queues the photo.
    queue.enqueue_on_commit(tasks.make_photo_renditions, photo_id)


def rendition_specs(*, width: int) -> list[tuple[int, str]]:
    """The (width, format) pairs a photo `width` pixels wide should have.

    Widths above the photo's are skipped (never upscaled); a photo narrower
    than every width gets one rendition at its own width, as imaging
    makes them.
    """
    import imaging

    widths = [w for w in imaging.RENDITION_WIDTHS if w <= width] or [width]
    return [(w, fmt) for w in widths for fmt in imaging.RENDITION_FORMATS]


def rendition_name(*, photo: Photo, width: int, format: str) -> str:
    """Where one rendition is stored: the same name for the same spec, always."""
    ext = "jpg" if format == "jpeg" else format
    return "renditions/%s/%s/%d.%s" % (photo.uuid.hex[:2], photo.uuid.hex, width, ext)


def _rendition_storage():
    return Rendition._meta.get_field("file").storage


def _photo_set_status(photo: Photo, status: str) -> None:
    if photo.status != status:
        photo.status = status
        photo.save(update_fields=["status"])


def _stored_rendition(storage, name: str, width: int) -> tuple[int, int] | None:
    """(height, bytes) of a rendition file left by an earlier run, if it is whole.

    A run that died between writing the file and recording its row leaves the
    file behind; it is reused when it decodes completely at the right width,
    and removed (to be made again) when it does not.
    """
    from PIL import Image  # imaging has registered the HEIF opener

    with storage.open(name, "rb") as stored:
        data = stored.read()
    try:
        with Image.open(io.BytesIO(data), formats=("JPEG", "WEBP")) as img:
            img.load()
            if img.width == width:
                return img.height, len(data)
    except Exception:  # noqa: BLE001 - any decoder error means "not whole"
        pass
    logger.warning("Rendition file %s is incomplete; making it again", name)
    storage.delete(name)
    return None


def photo_renditions_create(*, photo_id: int) -> int:
    """Make the photo's missing renditions; returns how many rows were created.

    Safe to run any number of times, also concurrently: the photo row is
    locked for the run (a second run skips it and leaves the work to the
    first), each rendition is keyed (photo, width, format) and created with
    get_or_create, and its file has a deterministic name that is checked
    before anything is written. The clean image is decoded once, only when
    something is missing. Storage errors (OSError) propagate so the task
    retries; a clean image that is missing or does not decode marks the photo
    FAILED, which the sweeper leaves alone.
    """
    import imaging

    with transaction.atomic():
        photo = (
            Photo.objects.select_for_update(skip_locked=True)
            .filter(pk=photo_id)
            .first()
        )
        if photo is None:
            # Deleted since it was enqueued, or another run holds it.
            logger.info("Photo %s is gone or busy; no renditions made", photo_id)
            return 0
        source = photo.image
        if not source.name or not source.storage.exists(source.name):
            logger.error("Photo %s has no stored image; marked failed", photo_id)
            _photo_set_status(photo, PhotoStatus.FAILED)
            return 0

        data = None
        if not photo.width:
            # Rows made before widths were recorded: read them from the file.
            data = _read(source)
            size = _image_size(data)
            if size is None:
                logger.error("Photo %s does not decode; marked failed", photo_id)
                _photo_set_status(photo, PhotoStatus.FAILED)
                return 0
            photo.width, photo.height = size
            photo.save(update_fields=["width", "height"])

        existing = set(photo.renditions.values_list("width", "format"))
        missing = [s for s in rendition_specs(width=photo.width) if s not in existing]
        storage = _rendition_storage()
        created = 0
        to_make = []
        for width, fmt in missing:
            name = rendition_name(photo=photo, width=width, format=fmt)
            found = (
                _stored_rendition(storage, name, width)
                if storage.exists(name)
                else None
            )
            if found is None:
                to_make.append((width, fmt))
                continue
            height, size = found
            created += _rendition_record(photo, width, fmt, name, height, size)

        if to_make:
            data = data if data is not None else _read(source)
            try:
                made = imaging.make_renditions(
                    io.BytesIO(data),
                    widths=tuple(sorted({w for w, _fmt in to_make})),
                    formats=tuple(dict.fromkeys(fmt for _w, fmt in to_make)),
                )
            except SoftTimeLimitExceeded:
                raise
            except Exception:
                # Decoding happens in memory: this is the image, not storage.
                logger.exception("Photo %s does not decode; marked failed", photo_id)
                _photo_set_status(photo, PhotoStatus.FAILED)
                return created
            wanted = set(to_make)
            for rendition in made:
                if (rendition.width, rendition.format) not in wanted:
                    continue
                name = rendition_name(
                    photo=photo, width=rendition.width, format=rendition.format
                )
                name = storage.save(name, ContentFile(rendition.data))
                created += _rendition_record(
                    photo,
                    rendition.width,
                    rendition.format,
                    name,
                    rendition.height,
                    len(rendition.data),
                )

        _photo_set_status(photo, PhotoStatus.READY)
    if created:
        logger.info("Made %d renditions of photo %s", created, photo_id)
    return created


def _read(field_file) -> bytes:
    with field_file.storage.open(field_file.name, "rb") as stored:
        return stored.read()


def _image_size(data: bytes) -> tuple[int, int] | None:
    from PIL import Image

    import imaging

    try:
        with Image.open(io.BytesIO(data), formats=imaging.ACCEPTED_FORMATS) as img:
            return img.size
    except Exception:  # noqa: BLE001 - any parser error means "does not decode"
        return None


def _rendition_record(
    photo: Photo, width: int, fmt: str, name: str, height: int, size: int
) -> int:
    _rendition, created = Rendition.objects.get_or_create(
        photo=photo,
        width=width,
        format=fmt,
        defaults={"height": height, "file": name, "bytes": size},
    )
    return int(created)


def photo_renditions_sweep(
    *, older_than: timedelta = SWEEP_AFTER, limit: int = SWEEP_BATCH
) -> int:
    """Re-queue photos still waiting for renditions; returns how many.

    For tasks that were never enqueued (Redis down at upload) or were lost
    with their worker. Photos a rendition task holds right now are skipped
    (skip_locked), and at most `limit` are queued per run: the next run
    carries on. Queuing one twice is harmless: the task changes nothing the
    second time.
    """
    with transaction.atomic():
        photo_ids = list(
            selectors.photos_missing_renditions(older_than=older_than, limit=limit)
        )
        for photo_id in photo_ids:
            _on_commit_renditions(photo_id=photo_id)
    if photo_ids:
        logger.info("Re-queued %d photos missing renditions", len(photo_ids))
    return len(photo_ids)


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
    from news.services.posts import post_create, post_update

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


def photo_copy(*, photo: Photo, post: Post, actor: User) -> Photo:
    """A new Photo of `post` with its own copy of `photo`'s clean file.

    The copy has its own UUID name, so deleting the original (and its files)
    never touches it; its renditions are made after commit as for an upload.
    Only the already clean, metadata-free image is copied.
    """
    with photo.image.storage.open(photo.image.name, "rb") as stored:
        data = stored.read()
    copy = Photo(
        unit_id=post.unit_id,
        post=post,
        uploaded_by=actor,
        kind=photo.kind,
        position=photo.position,
        caption=photo.caption,
        alt_text=photo.alt_text,
        credit=photo.credit,
        width=photo.width,
        height=photo.height,
        status=PhotoStatus.PENDING,
    )
    ext = photo.image.name.rsplit(".", 1)[-1] if "." in photo.image.name else "jpg"
    copy.image.save("photo.%s" % ext, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            copy.full_clean()
            copy.save()
            _on_commit_renditions(photo_id=copy.pk)
    except Exception:
        copy.image.storage.delete(copy.image.name)
        raise
    return copy
