"""Reads for the photo pipeline's periodic jobs."""

from datetime import datetime, timedelta

from django.db.models import (
    QuerySet,
)
from django.utils import timezone

from news.models import (
    Photo,
    PhotoStatus,
)

# --- Photo pipeline ------------------------------------------------------------


def photos_missing_renditions(
    *, older_than: timedelta, limit: int, now: datetime | None = None
) -> QuerySet:
    """Ids of photos still waiting for renditions `older_than` after upload.

    Oldest first, at most `limit`. The rows are locked, skipping those a
    rendition task holds right now (it is making them): evaluate inside a
    transaction (news.services.photo_renditions_sweep does).
    """
    cutoff = (now or timezone.now()) - older_than
    return (
        Photo.objects.select_for_update(skip_locked=True)
        .filter(status=PhotoStatus.PENDING, created_at__lte=cutoff)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def photos_orphaned_inline(
    *, older_than: timedelta, limit: int, now: datetime | None = None
) -> QuerySet:
    """Ids of unattached photos no post took `older_than` after upload.

    CKEditor's inline images and the cover or gallery photos staged by a post
    form that was never saved (news.services.staging.photo_stage): every photo
    with post=None. Oldest first, at most `limit`. The rows are locked,
    skipping those a post's save is attaching right now (or another sweep
    holds): evaluate inside a transaction (news.services.photo_orphans_delete
    does).
    """
    cutoff = (now or timezone.now()) - older_than
    return (
        Photo.objects.select_for_update(skip_locked=True)
        .filter(post__isnull=True, created_at__lte=cutoff)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
