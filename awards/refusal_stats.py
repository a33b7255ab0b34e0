"""Reasons for refusals on the editors' statistics dashboard: how often each
reason type (news.models.RefusalReason) was given when editors asked for
changes or rejected, by month, by region and by unit, as a quality signal
beside the counts of awards.dashboards.

Each table is one grouped query in the database (values().annotate()); the
reason types are read once for all three, so the page's query count does not
grow with units, months or reasons.
"""

from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from awards.dashboards import DECISIONS, Table, _as_date, _month_label
from awards.models import AwardPeriod
from awards.services.statistics import WIB, period_bounds
from news.models import PostAction, PostEvent, RefusalReason

REFUSALS = (PostAction.REQUEST_CHANGES, PostAction.REJECT)
# Decisions taken before reason types existed have none.
NO_REASON = _("Tanpa jenis alasan")


def _refusal_events(period: AwardPeriod, region):
    start, end = period_bounds(period)
    events = PostEvent.objects.filter(
        action__in=REFUSALS, created_at__gte=start, created_at__lt=end
    )
    if region is not None:
        events = events.filter(post__unit__region=region)
    return events


def _columns(reasons: list, counts: dict) -> list:
    """The reason types to show: every active one, plus any other given."""
    given = {reason_id for (_key, reason_id) in counts}
    columns = [r for r in reasons if r.is_active or r.pk in given]
    if None in given:
        columns.append(None)
    return columns


def _rows(keys: list, columns: list, counts: dict) -> list:
    rows = []
    for key, label in keys:
        values = [counts.get((key, c.pk if c else None), 0) for c in columns]
        rows.append([*label, *values, sum(values)])
    return rows


def _headers(first: list, columns: list) -> list:
    return [
        *first,
        *(c.name if c else NO_REASON for c in columns),
        _("Jumlah"),
    ]


def _totals_row(rows: list, label_cells: int) -> list:
    if not rows:
        return []
    sums = [sum(row[i] for row in rows) for i in range(label_cells, len(rows[0]))]
    return [[_("Jumlah"), *([""] * (label_cells - 1)), *sums]]


def reasons_by_month(period: AwardPeriod, region, reasons: list, months: list):
    counts = {
        (_as_date(month), reason_id): n
        for month, reason_id, n in _refusal_events(period, region)
        .annotate(month=TruncMonth("created_at", tzinfo=WIB))
        .values_list("month", "reason")
        .annotate(n=Count("pk"))
        .order_by()
    }
    columns = _columns(reasons, counts)
    given = {month for (month, _reason) in counts}
    rows = _rows(
        [(m, [_month_label(m)]) for m in months if m in given], columns, counts
    )
    return Table(
        "alasan-per-bulan",
        _("Alasan permintaan perbaikan dan penolakan per bulan")
        if region is None
        else _("Alasan permintaan perbaikan dan penolakan per bulan: %(region)s")
        % {"region": region.name},
        _headers([_("Bulan")], columns),
        rows + _totals_row(rows, 1),
        total_row=bool(rows),
    )


def reasons_by_region(period: AwardPeriod, region, reasons: list):
    counts = {
        (name, reason_id): n
        for name, reason_id, n in _refusal_events(period, region)
        .values_list("post__unit__region__name", "reason")
        .annotate(n=Count("pk"))
        .order_by()
    }
    columns = _columns(reasons, counts)
    names = sorted({name for (name, _reason) in counts})
    rows = _rows([(name, [name]) for name in names], columns, counts)
    return Table(
        "alasan-per-kanwil",
        _("Alasan permintaan perbaikan dan penolakan per kanwil"),
        _headers([_("Kanwil")], columns),
        rows + _totals_row(rows, 1),
        total_row=bool(rows),
    )


def reasons_by_unit(period: AwardPeriod, region, reasons: list):
    """Per unit, beside its number of decisions: the share sent back or refused."""
    start, end = period_bounds(period)
    counts = {}
    units = {}
    for unit_id, unit, region_name, reason_id, n in (
        _refusal_events(period, region)
        .values_list(
            "post__unit_id", "post__unit__name", "post__unit__region__name", "reason"
        )
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(unit_id, reason_id)] = n
        units[unit_id] = (unit, region_name)
    decisions = defaultdict(int)
    if units:
        for unit_id, n in (
            PostEvent.objects.filter(
                action__in=DECISIONS,
                created_at__gte=start,
                created_at__lt=end,
                post__unit_id__in=list(units),
            )
            .values_list("post__unit_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            decisions[unit_id] = n
    columns = _columns(reasons, counts)
    ordered = sorted(units, key=lambda pk: (units[pk][1], units[pk][0]))
    rows = []
    for row, unit_id in zip(
        _rows([(pk, list(units[pk])) for pk in ordered], columns, counts),
        ordered,
        strict=True,
    ):
        total = decisions[unit_id]
        refused = row[-1]
        rows.append([*row, total, round(refused / total * 100, 1) if total else None])
    return Table(
        "alasan-per-upt",
        _("Alasan permintaan perbaikan dan penolakan per UPT"),
        [
            *_headers([_("UPT"), _("Kanwil")], columns),
            _("Keputusan redaksi"),
            _("Diminta perbaikan atau ditolak (%)"),
        ],
        rows,
    )


def refusal_tables(*, period: AwardPeriod, region, months: list) -> list:
    reasons = list(RefusalReason.objects.order_by("position", "name"))
    return [
        reasons_by_month(period, region, reasons, months),
        reasons_by_region(period, region, reasons),
        reasons_by_unit(period, region, reasons),
    ]
