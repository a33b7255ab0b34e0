"""Renditions of a photo, made by the worker after commit, and the sweeper that
re-queues a photo whose task was lost (news.services.photos explains where
the bytes live)."""

import io
import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from news import selectors
from news.errors import PhotoBusy
from news.models import Photo, PhotoStatus, Rendition
from portal import enqueue as queue

logger = logging.getLogger(__name__)

# A photo still PENDING this long after upload lost its task (or its worker).
# A queued task normally finishes within seconds; re-queuing one that is only
# late is harmless (the task is idempotent). Beat sweeps every 2 minutes.
SWEEP_AFTER = timedelta(minutes=2)
SWEEP_BATCH = 200
# Worker runs that started on a photo and never finished (the child was
# killed: out of memory, hard time limit) before the photo is given up.
MAX_LOST_ATTEMPTS = 3

MSG_UNREADABLE = _(
    "Foto tidak dapat diproses: berkasnya rusak atau tidak lengkap. Hapus foto "
    "ini lalu unggah ulang dari berkas aslinya."
)
MSG_TOO_BIG_TO_PROCESS = _(
    "Foto terlalu besar untuk diproses server. Perkecil resolusinya (misalnya "
    "di bawah 50 megapiksel) lalu unggah ulang."
)
MSG_LOST_ATTEMPTS = _(
    "Foto gagal diproses %(count)d kali (server kehabisan memori). Perkecil "
    "resolusinya lalu unggah ulang."
)


# --- Renditions ----------------------------------------------------------------


def on_commit_renditions(*, photo_id: int) -> None:
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
    """Where one rendition is stored: the same name for the same spec, always.

    The folder is named after the clean copy's file (the photo's UUID for an
    upload), so a new clean copy, e.g. a blurred one (news.services.faces),
    gets new names that no cache or leftover file can answer for.
    """
    ext = "jpg" if format == "jpeg" else format
    stem = photo.image.name.rsplit("/", 1)[-1].split(".", 1)[0] or photo.uuid.hex
    return "renditions/%s/%s/%d.%s" % (photo.uuid.hex[:2], stem, width, ext)


def _rendition_storage():
    return Rendition._meta.get_field("file").storage


def _photo_set_status(photo: Photo, status: str) -> None:
    if photo.status != status:
        photo.status = status
        photo.save(update_fields=["status"])


def _photo_fail(photo: Photo, note) -> None:
    """FAILED with a note the unit reads beside the photo; the raw file goes."""
    from news.services.photos import raw_storage, raw_upload_name

    photo.status = PhotoStatus.FAILED
    photo.status_note = str(note)[:300]
    photo.save(update_fields=["status", "status_note"])
    storage, name = raw_storage(), raw_upload_name(photo)
    transaction.on_commit(lambda: storage.delete(name))


# --- Deliveries that never came back ---------------------------------------------


def photo_attempt_start(*, photo_id: int) -> bool:
    """Count a worker run on the photo, in its own committed transaction.

    The count goes down again in photo_attempt_end whenever the run ends in
    Python (done, failed, retried), so what remains counts the runs whose
    worker child died. At MAX_LOST_ATTEMPTS the photo is not tried again:
    it is marked FAILED with a note for the unit and False is returned.
    """
    with transaction.atomic():
        photo = (
            Photo.objects.select_for_update()
            .filter(pk=photo_id, status=PhotoStatus.PENDING)
            .first()
        )
        if photo is None:
            return True  # gone, done or failed: the run finds nothing to do
        if photo.attempts >= MAX_LOST_ATTEMPTS:
            logger.error(
                "Photo %s lost %d worker runs; marked failed", photo_id, photo.attempts
            )
            _photo_fail(photo, MSG_LOST_ATTEMPTS % {"count": photo.attempts})
            return False
        Photo.objects.filter(pk=photo_id).update(attempts=F("attempts") + 1)
    return True


def photo_attempt_end(*, photo_id: int) -> None:
    """The run ended in Python: it does not count as lost."""
    Photo.objects.filter(pk=photo_id, attempts__gt=0).update(
        attempts=Greatest(F("attempts") - 1, 0)
    )


# --- The clean copy of a raw upload (worker) ----------------------------------------


def _clean_copy_make(photo: Photo) -> bool:
    """Make the clean copy of a raw upload waiting in private storage.

    Called with the photo row locked. The copy is written under the name the
    upload fixed (photo.image), replacing any part a killed run left there,
    so a redelivery produces the same file; the raw file is deleted once this
    is committed. False when the raw does not decode (the photo is FAILED).
    """
    import imaging
    from news.services.photos import raw_storage, raw_upload_name

    private, raw_name = raw_storage(), raw_upload_name(photo)
    if not private.exists(raw_name):
        return True  # cleaned in the request, or by an earlier run
    with private.open(raw_name, "rb") as stored:
        data = stored.read()
    try:
        cleaned = imaging.clean_original(io.BytesIO(data))
    except SoftTimeLimitExceeded:
        raise
    except MemoryError:
        del data
        logger.exception("Photo %s is too big for this worker; marked failed", photo.pk)
        _photo_fail(photo, MSG_TOO_BIG_TO_PROCESS)
        return False
    except Exception:  # noqa: BLE001 - any decoder error: the upload is broken
        logger.exception("Raw upload of photo %s does not decode", photo.pk)
        _photo_fail(photo, MSG_UNREADABLE)
        return False
    del data
    storage = photo.image.storage
    name = photo.image.name
    if name.rsplit(".", 1)[-1] != cleaned.ext:  # pragma: no cover - CLEAN_EXT agrees
        name = "%s.%s" % (name.rsplit(".", 1)[0], cleaned.ext)
    if storage.exists(name):
        storage.delete(name)  # a part written by a run that was killed
    photo.image.name = storage.save(name, ContentFile(cleaned.data))
    photo.width, photo.height = cleaned.width, cleaned.height
    photo.save(update_fields=["image", "width", "height"])
    transaction.on_commit(lambda: private.delete(raw_name))
    return True


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
            if Photo.objects.filter(pk=photo_id, status=PhotoStatus.PENDING).exists():
                # Locked by a transaction that is still open: the post form's
                # save attaching a staged photo, or another rendition run. The
                # task retries in a few seconds (PhotoBusy is in its
                # autoretry_for) rather than leave it to the sweeper's next run.
                raise PhotoBusy(photo_id)
            logger.info("Photo %s is gone or done; no renditions made", photo_id)
            return 0
        if not _clean_copy_make(photo):
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
            except MemoryError:
                # The child's memory limit (portal.celery): not worth a retry.
                logger.exception("Photo %s is too big for this worker", photo_id)
                _photo_fail(photo, MSG_TOO_BIG_TO_PROCESS)
                return created
            except Exception:
                # Decoding happens in memory: this is the image, not storage.
                logger.exception("Photo %s does not decode; marked failed", photo_id)
                _photo_fail(photo, MSG_UNREADABLE)
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
        # Public at once if its post is published (news.services.photo_files).
        from news.services.photo_files import photo_files_place

        photo_files_place(photo=photo)
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
            on_commit_renditions(photo_id=photo_id)
    if photo_ids:
        logger.info("Re-queued %d photos missing renditions", len(photo_ids))
    return len(photo_ids)
