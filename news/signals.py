"""Side effects of news rows, wired in news.apps.NewsConfig.ready.

Only file clean-up lives here: when a photo or rendition row is deleted (by
photo_delete, by a post's deletion cascading, or from a shell) its file is
removed through the storage API once the deletion is committed. A rolled-back
deletion keeps its files.
"""

import logging
from functools import partial

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)


def _delete_file(storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # noqa: BLE001 - an orphan file must not fail the request
        logger.warning("Could not delete file %s", name, exc_info=True)


def delete_file_on_commit(field_file, *, using: str) -> None:
    if field_file and field_file.name:
        transaction.on_commit(
            partial(_delete_file, field_file.storage, field_file.name), using=using
        )


def photo_deleted(sender, instance, using, **kwargs) -> None:
    delete_file_on_commit(instance.image, using=using)
    if instance.status == "pending":
        # A raw upload may still wait for the worker in the private storage.
        from news.services.photos import raw_storage, raw_upload_name

        transaction.on_commit(
            partial(_delete_file, raw_storage(), raw_upload_name(instance)),
            using=using,
        )


def rendition_deleted(sender, instance, using, **kwargs) -> None:
    delete_file_on_commit(instance.file, using=using)


# Sent by news.services.decisions when a post is published (now or on schedule) or
# unpublished, inside the transaction, with unit_id: the awards app recomputes
# that unit's statistics once the decision is committed.
post_publication_changed = Signal()

# Sent by news.services.decisions.post_set_featured, inside the transaction,
# when a post is featured on the front page or stops being: the public site's
# cached pages that show it are dropped once committed (public.caching).
post_featured_changed = Signal()

# Sent by news.services.editing.post_update, inside the transaction, when a
# post's text or details changed, with `previous` = {"category_id": ...,
# "tag_ids": {...}} from before the change: the public site's cached pages of
# the post's old and new category and tags are dropped (public.caching).
post_edited = Signal()
