"""Reads for units and people that join or aggregate."""

from django.db.models import Count, Q, QuerySet

from units.models import Region, Unit, UnitNameHistory
from units.names import normalize_unit_name


def region_list_with_unit_counts(*, queryset: QuerySet | None = None) -> QuerySet:
    """Regions with `unit_count` and `active_unit_count`, in one query."""
    queryset = Region.objects.all() if queryset is None else queryset
    return queryset.annotate(
        unit_count=Count("units"),
        active_unit_count=Count("units", filter=Q(units__is_active=True)),
    )


def unit_by_code(*, code: str) -> Unit | None:
    """The unit with this official code (any case, spaces ignored), or None."""
    code = "".join(code.split()).upper()
    if not code:
        return None
    return Unit.objects.select_related("region").filter(code=code).first()


def unit_by_name(*, name: str) -> Unit | None:
    """The unit known by this name in any spelling, now or before a rename."""
    key = normalize_unit_name(name)
    if not key:
        return None
    unit = Unit.objects.select_related("region").filter(normalized_name=key).first()
    if unit is None:
        entry = (
            UnitNameHistory.objects.select_related("unit__region")
            .filter(old_normalized_name=key)
            .first()
        )
        unit = entry.unit if entry is not None else None
    return unit
