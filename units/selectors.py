"""Reads for units and people that join or aggregate."""

from django.db.models import Count, Q, QuerySet

from units.models import Region


def region_list_with_unit_counts(*, queryset: QuerySet | None = None) -> QuerySet:
    """Regions with `unit_count` and `active_unit_count`, in one query."""
    queryset = Region.objects.all() if queryset is None else queryset
    return queryset.annotate(
        unit_count=Count("units"),
        active_unit_count=Count("units", filter=Q(units__is_active=True)),
    )
