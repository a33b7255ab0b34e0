"""Writes for photos: upload, change, delete, copy, and the nightly orphan sweep.

Renditions are news.services.renditions; photos chosen in a failed form and
saving a post with its photos are news.services.staging.

Where the bytes live:
- the upload itself is never public. photo_upload checks it cheaply by
  content; a small image is re-encoded at once without any metadata (the
  imaging package), a larger one is kept as it came in the PRIVATE storage
  (never served, outside MEDIA_ROOT) until the worker has made that clean
  copy and deleted it. Only the clean copy is saved in the public media,
  under a random UUID name fixed at upload (CKEditor's inline images link to
  it; it answers 404 until the worker wrote it);
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

import errno
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from news import selectors
from news.models import (
    Photo,
    PhotoKind,
    PhotoStatus,
    PhotoUpload,
    Post,
    PostAction,
    photo_upload_to,
)
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


class UploadRateLimited(ValidationError):
    """Too many uploads by the user or the unit in the last hour, or the unit's
    bytes of the last 24 hours are used up. Views answer it with HTTP 429 and
    the form as it was; nothing was stored."""


MSG_UPLOADS_USER = _(
    "Anda sudah mengunggah %(limit)d foto dalam satu jam terakhir, batas per "
    "akun. Coba lagi nanti; isian formulir tetap tersimpan di halaman ini."
)
MSG_UPLOADS_UNIT = _(
    "UPT Anda sudah mengunggah %(limit)d foto dalam satu jam terakhir, batas "
    "per UPT. Coba lagi nanti; isian formulir tetap tersimpan di halaman ini."
)
MSG_UPLOAD_QUOTA = _(
    "Kuota unggahan harian UPT Anda (%(quota)s per 24 jam) sudah terpakai "
    "%(used)s; foto ini (%(size)s) melebihinya. Coba lagi besok atau perkecil "
    "fotonya; isian formulir tetap tersimpan di halaman ini."
)
# The media disk (or bucket) refused the write: the form says so beside the
# photo and nothing is saved (tests/faults/test_disk_full.py).
MSG_STORAGE_FULL = _(
    "Ruang penyimpanan foto di server sedang penuh, jadi foto ini belum dapat "
    "disimpan. Berita Anda juga belum tersimpan. Coba lagi nanti; bila masih "
    "gagal, hubungi admin portal."
)
MSG_STORAGE_FAILED = _(
    "Foto belum dapat disimpan karena gangguan penyimpanan di server. Berita "
    "Anda juga belum tersimpan. Coba lagi beberapa saat lagi."
)
MSG_COVER_TAKEN = _(
    "Berita ini baru saja mendapat foto utama dari unggahan lain. Muat ulang "
    "halaman untuk melihatnya, lalu ganti bila perlu."
)


def _megabytes(size: int) -> str:
    text = "%.1f" % (size / (1024 * 1024))
    return "%s MB" % (text[:-2] if text.endswith(".0") else text).replace(".", ",")


def upload_allowance_check(*, unit: Unit, actor: User, size: int) -> None:
    """Refuse an upload over the hourly counts or the unit's daily bytes.

    Counted from news.models.PhotoUpload, a ledger that outlives deleted
    photos (deleting and uploading again does not reset it). Called before
    anything is decoded, so refusing costs one query. Limits come from the
    settings PHOTO_UPLOADS_PER_USER_PER_HOUR, PHOTO_UPLOADS_PER_UNIT_PER_HOUR
    and PHOTO_UPLOAD_BYTES_PER_UNIT_PER_DAY (0 switches a limit off).
    """
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    figures = PhotoUpload.objects.filter(
        unit_id=unit.pk, created_at__gte=now - timedelta(days=1)
    ).aggregate(
        unit_hour=Count("pk", filter=Q(created_at__gte=hour_ago)),
        user_hour=Count("pk", filter=Q(created_at__gte=hour_ago, user_id=actor.pk)),
        unit_bytes=Sum("bytes"),
    )
    per_user = settings.PHOTO_UPLOADS_PER_USER_PER_HOUR
    if per_user and figures["user_hour"] >= per_user:
        raise UploadRateLimited(
            MSG_UPLOADS_USER, code="uploads_per_user", params={"limit": per_user}
        )
    per_unit = settings.PHOTO_UPLOADS_PER_UNIT_PER_HOUR
    if per_unit and figures["unit_hour"] >= per_unit:
        raise UploadRateLimited(
            MSG_UPLOADS_UNIT, code="uploads_per_unit", params={"limit": per_unit}
        )
    quota = settings.PHOTO_UPLOAD_BYTES_PER_UNIT_PER_DAY
    used = figures["unit_bytes"] or 0
    if quota and used + size > quota:
        raise UploadRateLimited(
            MSG_UPLOAD_QUOTA,
            code="upload_quota",
            params={
                "quota": _megabytes(quota),
                "used": _megabytes(used),
                "size": _megabytes(size),
            },
        )


def _upload_size(file) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    return size


def raw_upload_name(photo: Photo) -> str:
    """Where a photo's raw upload waits for the worker, in PRIVATE storage."""
    return "uploads/%s/%s" % (photo.uuid.hex[:2], photo.uuid.hex)


def raw_storage():
    """The private storage: never served, not under MEDIA_ROOT."""
    return storages["private"]


# The clean copy's extension for each accepted format (imaging.clean_original).
CLEAN_EXT = {"JPEG": "jpg", "HEIF": "jpg", "PNG": "png", "WEBP": "webp"}


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
    """Store a photo checked by content; only its metadata-free copy is ever public.

    The request checks the upload cheaply (imaging.inspect_upload: content
    type by magic, limits from the header, markup, a 1/8-scale decode of
    JPEGs) and then:
    - a small image (up to PHOTO_WEB_CLEAN_MAX_PIXELS, 2 MP: screenshots,
      CKEditor's images) is re-encoded at once by imaging.clean_original
      (orientation applied, sRGB, no EXIF, GPS, XMP or ICC), in a few tens
      of milliseconds, and only that copy is saved;
    - anything larger (a phone photo) is stored as it came in the PRIVATE
      storage (raw_upload_name: never served, outside MEDIA_ROOT) and the
      worker makes the clean copy (news.services.renditions), under the name
      photo.image already holds, then deletes the raw file. Until then the
      photo is PENDING ("Sedang diproses") and its URL answers 404.
    Either way the row is PENDING until its renditions exist; the task is
    enqueued once the upload is committed, and the sweeper re-queues it if
    Redis was down. Uploads are throttled per user, per unit and by bytes
    (upload_allowance_check); a second cover racing the first is refused
    with MSG_COVER_TAKEN, never a 500.
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
    size = _upload_size(file)
    upload_allowance_check(unit=unit, actor=actor, size=size)

    info = imaging.inspect_upload(file)
    photo = Photo(
        unit=unit,
        post=post,
        uploaded_by=actor,
        kind=kind,
        caption=caption,
        alt_text=alt_text,
        credit=credit,
        width=info.width,
        height=info.height,
        status=PhotoStatus.PENDING,
    )
    raw = None
    if info.width * info.height <= settings.PHOTO_WEB_CLEAN_MAX_PIXELS:
        cleaned = imaging.clean_original(file)
        photo.width, photo.height = cleaned.width, cleaned.height
        # The storage API names the file from photo.uuid (photo_upload_to).
        photo.image.name = _storage_write(
            photo.image.storage,
            photo_upload_to(photo, "photo.%s" % cleaned.ext),
            ContentFile(cleaned.data),
        )
    else:
        # The clean copy's name is fixed now, so CKEditor can link to it; the
        # worker writes it there (width and height follow the orientation).
        photo.image.name = photo_upload_to(photo, "photo.%s" % CLEAN_EXT[info.format])
        file.seek(0)
        raw = _storage_write(raw_storage(), raw_upload_name(photo), file)
    try:
        with transaction.atomic():
            if post is not None:
                # Two cover uploads at once: the second waits here for the
                # first, then sees its cover and is refused with a message.
                Post.objects.select_for_update().filter(pk=post.pk).first()
                if (
                    kind == PhotoKind.COVER
                    and post.photos.filter(kind=PhotoKind.COVER).exists()
                ):
                    raise ValidationError(MSG_COVER_TAKEN, code="cover_exists")
                last = post.photos.aggregate(last=Max("position"))["last"]
                photo.position = 0 if last is None else last + 1
            photo.full_clean()
            photo.save()
            PhotoUpload.objects.create(unit=unit, user=actor, bytes=size)
            on_commit_renditions(photo_id=photo.pk)
    except IntegrityError as exc:
        _upload_files_discard(photo, raw)
        if kind == PhotoKind.COVER and post is not None:
            # The database's photo_one_cover_per_post caught what the lock
            # could not (e.g. a cover attached by a form save meanwhile).
            raise ValidationError(MSG_COVER_TAKEN, code="cover_exists") from exc
        raise
    except Exception:
        _upload_files_discard(photo, raw)
        raise
    return photo


def _storage_write(storage, name: str, content) -> str:
    """storage.save(name, content); a refused write is a form error, not a 500.

    A disk that fills up mid-write (ENOSPC) leaves the part written so far:
    it is removed here, since no row will ever name it.
    """
    try:
        return storage.save(name, content)
    except OSError as exc:
        logger.error("Photo storage refused %s: %s", name, exc)
        try:
            if storage.exists(name):
                storage.delete(name)
        except OSError:
            logger.exception("Could not remove the partial file %s", name)
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        raise ValidationError(
            MSG_STORAGE_FULL if full else MSG_STORAGE_FAILED,
            code="storage_full" if full else "storage_failed",
        ) from exc


def _upload_files_discard(photo: Photo, raw: str | None) -> None:
    if raw is not None:
        raw_storage().delete(raw)
    elif photo.image.name:
        photo.image.storage.delete(photo.image.name)


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
    # The upload ledger only needs its last 24 hours (upload_allowance_check).
    PhotoUpload.objects.filter(created_at__lt=now - timedelta(days=2)).delete()
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
