"""Writes for photos: upload, change, delete, copy, and the nightly orphan sweep.

Renditions are news.services.renditions; photos chosen in a failed form and
saving a post with its photos are news.services.staging.

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
  a body showing them is saved (news.services.editing); those no post took are
  deleted by the nightly photo_orphans_delete.

Files of deleted photos and renditions are removed after commit by the
post_delete signal handlers in news.signals, whoever deleted the rows.
"""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from news import selectors
from news.models import Photo, PhotoKind, PhotoStatus, Post, PostAction
from news.sanitize import clean_single_line
from news.services.renditions import on_commit_renditions
from news.services.rights import (
    MSG_NOT_ALLOWED,
    is_editor,
    rights_require_photo,
)
from units.models import Unit, User

logger = logging.getLogger(__name__)

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
            on_commit_renditions(photo_id=photo.pk)
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
    from news.services import workflow

    post = Post.objects.get(pk=photo.post_id)
    workflow.record(
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
            on_commit_renditions(photo_id=copy.pk)
    except Exception:
        copy.image.storage.delete(copy.image.name)
        raise
    return copy
