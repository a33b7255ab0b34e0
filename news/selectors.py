"""Reads that join or aggregate: one query per page, whatever the row count."""

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from news.models import Post, PostStatus


def post_status_counts(*, queryset: QuerySet[Post] | None = None) -> dict[str, int]:
    """Posts per status, every status present (zero when none), in one query."""
    queryset = Post.objects.all() if queryset is None else queryset
    rows = queryset.order_by().values("status").annotate(n=Count("id"))
    counts = {status: 0 for status in PostStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def post_get_for_unit(*, unit, pk: int) -> Post:
    """A unit's own post, or 404: another unit's post does not exist for them."""
    return get_object_or_404(
        Post.objects.select_related("unit", "category", "author"), pk=pk, unit=unit
    )
