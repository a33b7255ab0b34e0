"""Check 'faces' (see news.checks): which of the post's photos show faces.

Every photo of the post counts: cover, gallery and the inline images of the
body. The faces were found by the worker when the clean copy was made
(news.services.faces.photo_faces_detect, stored in Photo.faces); a photo
whose detection has not run yet (its task was lost, or is still queued) is
searched here, since this check runs in the worker too. One finding per
photo with faces:

    {"code": "faces", "level": "warning", "photo_id": 12, "kind": "cover",
     "position": 0, "count": 3, "boxes": [[x, y, w, h], ...],
     "message": "Foto utama #1: 3 wajah terdeteksi — pastikan izin, ..."}

The decision page draws the boxes and offers the blur
(news.admin.faces); a photo that could not be read is an "info" finding.
"""

from django.utils.translation import gettext as _

from news.models import Photo

CODE = "faces"
CODE_UNREADABLE = "faces_unreadable"


def photo_label(photo: Photo) -> str:
    return _("%(kind)s #%(position)d") % {
        "kind": photo.get_kind_display(),
        "position": photo.position + 1,
    }


def check(post) -> list[dict]:
    from news.services.faces import photo_faces_detect

    findings = []
    photos = Photo.objects.filter(post=post).only(
        "pk", "kind", "position", "faces", "image", "post_id"
    )
    for photo in photos.order_by("kind", "position", "pk"):
        faces = photo.faces
        if faces is None:
            faces = photo_faces_detect(photo_id=photo.pk)
        if faces is None:
            findings.append(
                {
                    "code": CODE_UNREADABLE,
                    "level": "info",
                    "photo_id": photo.pk,
                    "kind": photo.kind,
                    "position": photo.position,
                    "message": _(
                        "%(photo)s: berkas foto tidak dapat diperiksa wajahnya."
                    )
                    % {"photo": photo_label(photo)},
                }
            )
            continue
        if not faces:
            continue
        findings.append(
            {
                "code": CODE,
                "level": "warning",
                "photo_id": photo.pk,
                "kind": photo.kind,
                "position": photo.position,
                "count": len(faces),
                "boxes": faces,
                "message": _(
                    "%(photo)s: %(count)d wajah terdeteksi — pastikan izin, "
                    "samarkan wajah anak dan warga binaan bila perlu"
                )
                % {"photo": photo_label(photo), "count": len(faces)},
            }
        )
    return findings
