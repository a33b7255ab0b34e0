"""Where a post's photo files are: public once it is published, private before
and after (news.storage explains the two storages and why).

photo_files_sync puts every file of the post's photos (clean copies and
renditions) where the post's status says, and is safe to run any number of
times, also concurrently with itself (moving a file that is already where it
belongs does nothing). It runs:

- after a publication change is committed (publish now, on schedule,
  unpublish, republish: news.decisions sends post_publication_changed), in
  the same process, falling back to the Celery task
  news.tasks.sync_post_photo_files (retries on storage errors);
- at the end of every rendition run (the worker), for that photo, so a photo
  added to a published post, or blurred there, becomes public once its files
  exist.
"""

import logging

from django.core.files.storage import default_storage
from django.db import transaction

from news.models import Photo, PostStatus, Rendition
from portal import enqueue as queue

logger = logging.getLogger(__name__)


def _is_public(photo: Photo) -> bool:
    return photo.post_id is not None and photo.post.status == PostStatus.PUBLISHED


def photo_files_place(*, photo: Photo) -> int:
    """Move one photo's files to where its post's status says; how many moved."""
    storage = default_storage
    if not hasattr(storage, "publish"):  # pragma: no cover - another backend
        return 0
    move = storage.publish if _is_public(photo) else storage.unpublish
    names = [photo.image.name] if photo.image.name else []
    names += list(Rendition.objects.filter(photo=photo).values_list("file", flat=True))
    return sum(1 for name in names if name and move(name))


def photo_files_sync(*, post_id: int) -> int:
    """Place the files of all the post's photos; returns how many files moved."""
    moved = 0
    for photo in Photo.objects.filter(post_id=post_id).select_related("post"):
        moved += photo_files_place(photo=photo)
    if moved:
        logger.info("Moved %d photo files of post %s", moved, post_id)
    return moved


def on_publication_changed(sender, post, **kwargs) -> None:
    """post_publication_changed: move the files once the change is committed.

    At once, in the process that made the change (a few file moves), so the
    article's photos are public when its page is; on a storage error the
    task (with retries) takes over.
    """
    post_id = post.pk

    def place() -> None:
        from news import tasks

        try:
            photo_files_sync(post_id=post_id)
        except Exception:  # noqa: BLE001 - the task retries what failed here
            logger.warning("Moving photo files of %s failed", post_id, exc_info=True)
            queue.enqueue(tasks.sync_post_photo_files, post_id)

    transaction.on_commit(place)
