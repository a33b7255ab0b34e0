"""CKEditor's image uploads as HTTP: shared by the contributor area and the newsroom.

Both endpoints check who is asking, then hand the file here; the service
(news.services.photo_upload) decides who may add a photo where.
"""

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from news import selectors, services
from news.models import PhotoKind, Post
from units.models import Unit


def upload_error(message, status: int) -> JsonResponse:
    return JsonResponse({"error": {"message": str(message)}}, status=status)


def inline_image_upload(request, *, unit: Unit, post: Post | None = None):
    """Store CKEditor's upload as an inline photo; JSON in CKEditor's shape.

    Shared by the contributors' endpoint (news.views.upload_image) and the
    newsroom's (news.admin.photos); news.services.photo_upload decides who may
    add a photo where.
    """
    upload = request.FILES.get("upload")
    if upload is None:
        return upload_error(_("Tidak ada berkas gambar yang dikirim."), 400)
    try:
        photo = services.photo_upload(
            unit=unit,
            actor=request.user,
            file=upload,
            kind=PhotoKind.INLINE,
            alt_text=str(selectors.INLINE_ALT_TEXT),
            post=post,
        )
    except services.UploadRateLimited as exc:
        return upload_error(" ".join(exc.messages), 429)
    except ValidationError as exc:
        return upload_error(" ".join(exc.messages), 400)
    # editor.js no longer copies "alt" into the body: the writer describes the
    # image with the text-alternative button, and the post page warns while an
    # image has none (selectors.inline_images_without_alt).
    return JsonResponse({"url": photo.image.url, "alt": photo.alt_text})
