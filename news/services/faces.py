"""Faces in photos: the worker's detection, and the editor's blur.

imaging.faces finds the faces and blurs the pixels (and says why that
detector); this module stores and replaces:

- photo_faces_detect runs in the worker once a photo's clean copy exists
  (news.tasks.detect_photo_faces, queued by the rendition task) and stores
  the boxes in Photo.faces; news.checks.faces flags them for the editor and
  runs it itself for a photo whose detection was lost;
- photo_faces_blur is the editor's "samarkan": the chosen faces and drawn
  rectangles are blurred on the server, the blurred image becomes a NEW clean
  copy under a new file name with new renditions, and the unblurred clean copy
  and all its renditions are deleted from storage once that is committed (no
  copy is kept anywhere). The unit is told by mail through the outbox, like a
  decision: an EDIT event that names what was blurred.
"""

import io
import logging
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from news.models import (
    Photo,
    PhotoKind,
    PhotoStatus,
    Post,
    PostAction,
    PostEvent,
    PostRevision,
    PostSnapshot,
)
from news.services.rights import rights_require_editor
from units.models import User

logger = logging.getLogger(__name__)

# More regions than this in one photo is a mistake in the form, not a crowd:
# a crowd is better blurred as one rectangle.
MAX_REGIONS = 60

MSG_NOTHING_CHOSEN = _("Pilih wajah yang akan disamarkan, atau tandai areanya.")
MSG_REGION_INVALID = _(
    "Area yang ditandai tidak valid: x, y, lebar dan tinggi harus berada di "
    "dalam foto dan minimal %(min)d piksel."
)
MSG_TOO_MANY = _(
    "Terlalu banyak area dalam satu kali penyamaran (paling banyak %(max)d)."
)
MSG_CHANGED = _(
    "Foto ini baru saja diubah oleh orang lain. Periksa lagi lalu samarkan ulang."
)
MSG_NOT_READY = _("Berkas foto ini tidak dapat dibaca; wajah tidak dapat disamarkan.")


# --- Detection (worker) ------------------------------------------------------------


def photo_faces_detect(*, photo_id: int) -> list | None:
    """Find and store the faces of a photo's clean copy; returns the boxes.

    Safe to re-run: a photo whose faces are known is left alone. The boxes
    are written only if the clean copy is still the one that was read (a
    blur meanwhile stored its own result). Storage errors (OSError) propagate
    so the task retries; a copy that does not decode gets no boxes (None):
    nothing is claimed about a picture nobody could look at.
    """
    import imaging.faces

    photo = Photo.objects.filter(pk=photo_id).only("pk", "image", "faces").first()
    if photo is None:
        return None
    if photo.faces is not None:
        return photo.faces
    name = photo.image.name
    if not name or not photo.image.storage.exists(name):
        logger.warning("Photo %s has no stored image; faces not searched", photo_id)
        return None
    with photo.image.storage.open(name, "rb") as stored:
        data = stored.read()
    try:
        boxes = imaging.faces.detect_faces_in_file(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - any decoder error: nothing to claim
        logger.exception("Photo %s does not decode; faces not searched", photo_id)
        return None
    faces = [list(box) for box in boxes]
    Photo.objects.filter(pk=photo_id, image=name, faces__isnull=True).update(
        faces=faces
    )
    return faces


def on_commit_detect(*, photo_id: int) -> None:
    from news import tasks
    from portal import enqueue as queue

    queue.enqueue_on_commit(tasks.detect_photo_faces, photo_id)


# --- Blurring (the editor) ----------------------------------------------------------


def _regions_check(regions: Iterable, size: tuple[int, int]) -> list[tuple]:
    """Drawn rectangles clipped to the photo; refused when nothing is left."""
    import imaging.faces

    checked = []
    for region in regions:
        try:
            x, y, w, h = (int(round(float(v))) for v in region)
        except (TypeError, ValueError):
            x = y = w = h = -1
        left, top = max(0, x), max(0, y)
        right, bottom = min(size[0], x + w), min(size[1], y + h)
        if (
            w <= 0
            or h <= 0
            or right - left < imaging.faces.MIN_REGION
            or bottom - top < imaging.faces.MIN_REGION
        ):
            raise ValidationError(
                MSG_REGION_INVALID,
                code="region_invalid",
                params={"min": imaging.faces.MIN_REGION},
            )
        checked.append((left, top, right - left, bottom - top))
    return checked


def _describe(photo: Photo, *, faces: int, drawn: int) -> str:
    what = []
    if faces:
        what.append(
            ngettext("%(count)d wajah terdeteksi", "%(count)d wajah terdeteksi", faces)
            % {"count": faces}
        )
    if drawn:
        what.append(
            ngettext(
                "%(count)d area yang ditandai redaksi",
                "%(count)d area yang ditandai redaksi",
                drawn,
            )
            % {"count": drawn}
        )
    label = photo.caption or photo.alt_text
    return str(
        _(
            "Wajah disamarkan redaksi pada %(kind)s #%(position)d “%(label)s”: "
            "%(what)s. Foto asli yang belum disamarkan sudah dihapus; berita "
            "memakai versi yang disamarkan."
        )
        % {
            "kind": photo.get_kind_display().lower(),
            "position": photo.position + 1,
            "label": label,
            "what": str(_(" dan ")).join(str(item) for item in what),
        }
    )


def _new_name(photo: Photo, ext: str) -> str:
    # Never the old name: a cache or a leftover file must not answer for it.
    # The renditions are named after this file (news.services.renditions).
    return "photos/%s/%s-%s.%s" % (
        photo.uuid.hex[:2],
        photo.uuid.hex,
        secrets.token_hex(4),
        ext,
    )


def _delete_after_commit(storage, name: str) -> None:
    def delete() -> None:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - logged loudly: it must be removed by hand
            logger.error(
                "Could not delete unblurred photo file %s", name, exc_info=True
            )

    transaction.on_commit(delete)


def _body_urls_replace(post_id: int, old_url: str, new_url: str) -> None:
    """An inline image's src in the post's text, its revisions and snapshots.

    The old file is gone, so every stored text that showed it now shows the
    blurred copy (one UPDATE each; a post has few snapshots).
    """
    Post.objects.filter(pk=post_id, body__contains=old_url).update(
        body=Replace("body", Value(old_url), Value(new_url))
    )
    PostRevision.objects.filter(post_id=post_id, body__contains=old_url).update(
        body=Replace("body", Value(old_url), Value(new_url))
    )
    for snapshot in PostSnapshot.objects.filter(post_id=post_id):
        body = (snapshot.data or {}).get("body")
        if isinstance(body, str) and old_url in body:
            snapshot.data["body"] = body.replace(old_url, new_url)
            snapshot.save(update_fields=["data"])


def photo_faces_blur(
    *,
    photo: Photo,
    actor: User,
    faces: Iterable[int] = (),
    regions: Iterable = (),
    version: str | None = None,
) -> Photo:
    """Blur detected faces (indices into photo.faces) and drawn rectangles.

    Editors only. The blurred image is a new clean copy under a new name; the
    photo's renditions are deleted and made again from it; the unblurred
    file and the old renditions' files are removed from storage after commit.
    An inline image's src is changed in the post's texts. One EDIT event
    names what was blurred, and its mail tells the unit (the outbox: the
    event stays unsettled until the mail went out). The faces still found in
    the blurred image are stored, and the post's checks run again.

    `version` is the clean copy's name the editor was shown: when the photo
    was blurred by someone else since, the face numbers are stale and the
    blur is refused (ValidationError), as it is for a photo that changed
    while this one was being made.
    """
    import imaging.faces
    from news.checks import post_checks_enqueue
    from news.services.outbox import on_commit_notify
    from news.services.renditions import on_commit_renditions

    rights_require_editor(actor)
    face_indexes = sorted({int(i) for i in faces})
    regions = list(regions)
    if not face_indexes and not regions:
        raise ValidationError(MSG_NOTHING_CHOSEN, code="nothing_chosen")
    if len(face_indexes) + len(regions) > MAX_REGIONS:
        raise ValidationError(
            MSG_TOO_MANY, code="too_many", params={"max": MAX_REGIONS}
        )
    storage = photo.image.storage
    new_name = None
    try:
        with transaction.atomic():
            locked = (
                Photo.objects.select_for_update(of=("self",))
                .select_related("post")
                .filter(pk=photo.pk)
                .first()
            )
            shown = version if version is not None else photo.image.name
            if locked is None or locked.image.name != shown:
                raise ValidationError(MSG_CHANGED, code="photo_changed")
            known = locked.faces or []
            if any(i < 0 or i >= len(known) for i in face_indexes):
                raise ValidationError(MSG_CHANGED, code="photo_changed")
            drawn = _regions_check(regions, (locked.width, locked.height))
            boxes = [tuple(known[i]) for i in face_indexes] + drawn
            old_name, old_url = locked.image.name, locked.image.url
            try:
                with storage.open(old_name, "rb") as stored:
                    data = stored.read()
                cleaned, remaining = imaging.faces.blur_clean_copy(data, boxes)
            except FileNotFoundError:
                raise ValidationError(MSG_NOT_READY, code="no_file") from None
            except OSError:
                raise
            except Exception:  # noqa: BLE001 - a decoder error on a broken copy
                logger.exception("Photo %s does not decode; not blurred", photo.pk)
                raise ValidationError(MSG_NOT_READY, code="no_file") from None

            new_name = storage.save(
                _new_name(locked, cleaned.ext), ContentFile(cleaned.data)
            )
            locked.image.name = new_name
            locked.width, locked.height = cleaned.width, cleaned.height
            locked.faces = [list(box) for box in remaining]
            locked.status = PhotoStatus.PENDING
            locked.save(update_fields=["image", "width", "height", "faces", "status"])
            # Each deleted row's file goes after commit (news.signals).
            locked.renditions.all().delete()
            _delete_after_commit(storage, old_name)
            on_commit_renditions(photo_id=locked.pk)

            post = locked.post
            if post is not None:
                if locked.kind == PhotoKind.INLINE:
                    _body_urls_replace(post.pk, old_url, locked.image.url)
                event = PostEvent(
                    post=post,
                    actor=actor,
                    action=PostAction.EDIT,
                    from_status=post.status,
                    to_status=post.status,
                    comment=_describe(
                        locked, faces=len(face_indexes), drawn=len(drawn)
                    ),
                )
                event.full_clean(exclude=["actor", "notified_at", "reason"])
                event.save()
                # Mailed like a decision (news.services.outbox): the unit must
                # know its photo was changed before it is published.
                on_commit_notify(event=event)
                post_checks_enqueue(post=post)
    except Exception:
        if new_name:
            storage.delete(new_name)
        raise
    logger.info(
        "Photo %s: %d regions blurred, %d faces remain",
        photo.pk,
        len(boxes),
        len(remaining),
    )
    return locked
