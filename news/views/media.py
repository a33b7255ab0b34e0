"""/media/ files the web server did not find: a photo that is not public yet.

nginx serves /media/ from MEDIA_ROOT and passes what it does not find here
(deploy/nginx.conf, try_files). Photo files of posts that are not published
live in the private storage (news.storage), so a draft's URL answers 404 to
the public; the unit's staff and the newsroom that may read the post get the
file, never cached by anyone else. Without nginx (development, tests) this
view serves the public files too.
"""

import mimetypes
import posixpath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from news.models import Photo, Rendition
from news.services.rights import can_review_post, is_unit_member
from news.storage import is_photo_name


def _photo_of(name: str) -> Photo | None:
    photo = Photo.objects.filter(image=name).select_related("post").first()
    if photo is None:
        rendition = (
            Rendition.objects.filter(file=name).select_related("photo__post").first()
        )
        photo = rendition.photo if rendition else None
    return photo


def may_see_private_photo(user, photo: Photo) -> bool:
    """The photo's unit, and the newsroom that may read its post."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_unit_member(user, photo.unit_id):
        return True
    if photo.post is not None:
        return can_review_post(user, photo.post)
    return bool(getattr(user, "is_editor", False))


def _file_response(storage, name: str, cache_control: str) -> FileResponse:
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def media_file(request, path: str):
    name = posixpath.normpath(path).lstrip("/")
    if name.startswith("..") or name != path:
        raise Http404
    storage = default_storage
    public = getattr(storage, "public", storage)
    if public.exists(name):
        # Only without nginx in front (development, tests).
        return _file_response(public, name, "public, max-age=2592000")
    private = getattr(storage, "private", None)
    if private is None or not is_photo_name(name) or not private.exists(name):
        raise Http404
    photo = _photo_of(name)
    if photo is None or not may_see_private_photo(request.user, photo):
        raise Http404
    return _file_response(private, name, "private, no-store")
