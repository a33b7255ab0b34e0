"""Reads for the editors' statistics dashboard: each a table (for screen
readers and export) that the page may also draw as a chart.

Every table is one grouped query (or one query folded in Python), whatever
the number of units or months.
"""

import calendar
import statistics as pystats
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.models import AwardPeriod, Incident, ReviewStatus, SocialReport
from awards.services.statistics import WIB, period_bounds
from awards.workdays import is_working_day
from news.models import Post, PostAction, PostEvent, PostStatus
from units.models import Region, Unit

DECISIONS = (
    PostAction.APPROVE,
    PostAction.SCHEDULE,
    PostAction.REQUEST_CHANGES,
    PostAction.REJECT,
)
MONTH_NAMES = (
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun",
    "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
)  # fmt: skip


@dataclass
class Table:
    slug: str
    title: str
    headers: list
    rows: list = field(default_factory=list)
    caption: str = ""
    # The last row sums the others (shown in bold; exported like any row).
    total_row: bool = False


def month_from(text: str | None) -> date:
    today = timezone.localdate(timezone=WIB)
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def _month_label(day: date) -> str:
    return "%s %d" % (MONTH_NAMES[day.month - 1], day.year)


def _months(period: AwardPeriod) -> list[date]:
    months, day = [], period.starts_on.replace(day=1)
    while day <= period.ends_on:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value


def posts_per_month_region(period: AwardPeriod) -> Table:
    start, end = period_bounds(period)
    months = _months(period)
    counts = defaultdict(int)
    for region, month, n in (
        Post.objects.filter(
            status=PostStatus.PUBLISHED, published_at__gte=start, published_at__lt=end
        )
        .annotate(month=TruncMonth("published_at", tzinfo=WIB))
        .values_list("unit__region__name", "month")
        .annotate(n=Count("pk"))
    ):
        counts[(region, _as_date(month))] = n
    rows = []
    for region in Region.objects.values_list("name", flat=True):
        values = [counts[(region, m)] for m in months]
        if any(values):
            rows.append([region, *values, sum(values)])
    return Table(
        "berita-per-bulan",
        _("Berita terbit per bulan per kanwil"),
        [_("Kanwil"), *(_month_label(m) for m in months), _("Jumlah")],
        rows,
    )


def _decision_events(period: AwardPeriod):
    start, end = period_bounds(period)
    last_submit = (
        PostEvent.objects.filter(
            post=OuterRef("post"),
            action=PostAction.SUBMIT,
            created_at__lte=OuterRef("created_at"),
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return PostEvent.objects.filter(
        action__in=DECISIONS, created_at__gte=start, created_at__lt=end
    ).annotate(submitted=Subquery(last_submit))


def review_turnaround(period: AwardPeriod) -> Table:
    hours = defaultdict(list)
    for created_at, submitted in _decision_events(period).values_list(
        "created_at", "submitted"
    ):
        if submitted is not None:
            month = timezone.localtime(created_at, WIB).date().replace(day=1)
            hours[month].append((created_at - submitted).total_seconds() / 3600)
    rows = [
        [
            _month_label(m),
            len(hours[m]),
            round(pystats.median(hours[m]), 1) if hours[m] else None,
            round(
                sum(h <= settings.REVIEW_TARGET_HOURS for h in hours[m])
                / len(hours[m])
                * 100,
                1,
            )
            if hours[m]
            else None,
        ]
        for m in _months(period)
        if hours[m]
    ]
    return Table(
        "waktu-tinjau",
        _("Waktu tinjau redaksi (dari kiriman ke keputusan)"),
        [
            _("Bulan"),
            _("Keputusan"),
            _("Median jam"),
            _("Dalam %(hours)d jam (%%)") % {"hours": settings.REVIEW_TARGET_HOURS},
        ],
        rows,
    )


def approval_rates(period: AwardPeriod) -> Table:
    counts = defaultdict(lambda: defaultdict(int))
    for region, action, n in (
        _decision_events(period)
        .values_list("post__unit__region__name", "action")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[region][action] += n
    rows = []
    for region in sorted(counts):
        c = counts[region]
        approved = c[PostAction.APPROVE] + c[PostAction.SCHEDULE]
        total = approved + c[PostAction.REQUEST_CHANGES] + c[PostAction.REJECT]
        rows.append(
            [
                region,
                total,
                approved,
                c[PostAction.REQUEST_CHANGES],
                c[PostAction.REJECT],
                round(approved / total * 100, 1) if total else None,
            ]
        )
    return Table(
        "tingkat-persetujuan",
        _("Tingkat persetujuan per kanwil"),
        [
            _("Kanwil"),
            _("Keputusan"),
            _("Disetujui"),
            _("Diminta perbaikan"),
            _("Ditolak"),
            _("Disetujui (%)"),
        ],
        rows,
    )


def odon_heatmap(*, month: date, region: Region | None) -> Table:
    last = date(
        month.year, month.month, calendar.monthrange(month.year, month.month)[1]
    )
    days = [date(month.year, month.month, d) for d in range(1, last.day + 1)]
    units = Unit.objects.filter(is_active=True).order_by("name")
    posts = Post.objects.filter(status=PostStatus.PUBLISHED)
    if region is not None:
        units = units.filter(region=region)
        posts = posts.filter(unit__region=region)
    counts = {
        (unit_id, day): n
        for unit_id, day, n in posts.annotate(day=TruncDate("published_at", tzinfo=WIB))
        .filter(day__gte=month, day__lte=last)
        .values_list("unit_id", "day")
        .annotate(n=Count("pk"))
        .order_by()
    }
    working = [d for d in days if is_working_day(d)]
    rows = []
    for unit_id, name in units.values_list("pk", "name"):
        cells = [counts.get((unit_id, d), 0) for d in days]
        met = sum(1 for d in working if counts.get((unit_id, d)))
        rows.append([name, *cells, "%d/%d" % (met, len(working))])
    table = Table(
        "one-day-one-news",
        _("One Day One News: berita terbit per UPT per hari, %(month)s")
        % {"month": _month_label(month)},
        [_("UPT"), *(str(d.day) for d in days), _("Hari kerja terpenuhi")],
        rows,
    )
    table.days = [{"day": d, "working": d in working} for d in days]
    return table


def social_growth(period: AwardPeriod) -> Table:
    rows, previous = [], None
    for month, followers, interactions, posts, reports in (
        SocialReport.objects.filter(
            status=ReviewStatus.VERIFIED,
            month__gte=period.starts_on.replace(day=1),
            month__lte=period.ends_on,
        )
        .values("month")
        .annotate(
            followers=Sum("followers"),
            interactions=Sum("interactions"),
            posts=Sum("posts"),
            reports=Count("pk"),
        )
        .order_by("month")
        .values_list("month", "followers", "interactions", "posts", "reports")
    ):
        growth = round((followers - previous) / previous * 100, 1) if previous else None
        engagement = round(interactions / followers * 100, 2) if followers else None
        rows.append(
            [
                _month_label(month),
                followers,
                interactions,
                posts,
                reports,
                engagement,
                growth,
            ]
        )
        previous = followers
    return Table(
        "media-sosial",
        _("Media sosial: laporan terverifikasi per bulan"),
        [
            _("Bulan"),
            _("Pengikut"),
            _("Interaksi"),
            _("Unggahan"),
            _("Laporan"),
            _("Interaksi per pengikut (%)"),
            _("Pertumbuhan pengikut (%)"),
        ],
        rows,
    )


def crisis_response(period: AwardPeriod) -> Table:
    start, end = period_bounds(period)
    target = settings.CRISIS_RESPONSE_TARGET_HOURS
    rows = []
    for incident in (
        Incident.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .exclude(status=ReviewStatus.REJECTED)
        .select_related("unit", "clarification")
        .order_by("occurred_at")
    ):
        post = incident.clarification
        hours = None
        if (
            post is not None
            and post.status == PostStatus.PUBLISHED
            and post.published_at
        ):
            hours = round(
                (post.published_at - incident.occurred_at).total_seconds() / 3600, 1
            )
        rows.append(
            [
                timezone.localtime(incident.occurred_at, WIB).strftime(
                    "%Y-%m-%d %H:%M"
                ),
                incident.unit.name,
                incident.get_kind_display(),
                incident.get_reach_display(),
                hours,
                _("ya") if hours is not None and hours <= target else _("tidak"),
            ]
        )
    return Table(
        "respons-krisis",
        _("Waktu respons krisis (target %(hours)d jam)") % {"hours": target},
        [
            _("Kejadian (WIB)"),
            _("UPT"),
            _("Jenis"),
            _("Jangkauan"),
            _("Jam sampai klarifikasi"),
            _("Dalam target"),
        ],
        rows,
    )


def editor_tables(*, period: AwardPeriod | None, region, month: date) -> dict:
    # Imported here: awards.refusal_stats builds on this module's Table.
    from awards.refusal_stats import refusal_tables

    tables = [odon_heatmap(month=month, region=region)]
    if period is not None:
        tables = [
            posts_per_month_region(period),
            review_turnaround(period),
            approval_rates(period),
            *refusal_tables(period=period, region=region, months=_months(period)),
            *tables,
            social_growth(period),
            crisis_response(period),
        ]
    return {t.slug: t for t in tables}


def chart_data(tables: dict) -> dict:
    """What the charts draw, from the same tables (json_script in the page)."""
    charts = {}
    if "berita-per-bulan" in tables:
        t = tables["berita-per-bulan"]
        months = [str(h) for h in t.headers[1:-1]]
        charts["berita-per-bulan"] = {
            "type": "bar",
            "labels": months,
            "datasets": [{"label": row[0], "data": row[1:-1]} for row in t.rows[:8]],
            "stacked": True,
        }
    if "waktu-tinjau" in tables:
        t = tables["waktu-tinjau"]
        charts["waktu-tinjau"] = {
            "type": "line",
            "labels": [r[0] for r in t.rows],
            "datasets": [{"label": str(t.headers[2]), "data": [r[2] for r in t.rows]}],
        }
    if "tingkat-persetujuan" in tables:
        t = tables["tingkat-persetujuan"]
        charts["tingkat-persetujuan"] = {
            "type": "bar",
            "labels": [r[0] for r in t.rows],
            "datasets": [
                {"label": str(t.headers[i]), "data": [r[i] for r in t.rows]}
                for i in (2, 3, 4)
            ],
            "stacked": True,
        }
    if "alasan-per-bulan" in tables:
        # Stacked by reason type, months only (the totals row left out).
        t = tables["alasan-per-bulan"]
        months = t.rows[:-1]
        charts["alasan-per-bulan"] = {
            "type": "bar",
            "labels": [str(r[0]) for r in months],
            "datasets": [
                {"label": str(t.headers[i]), "data": [r[i] for r in months]}
                for i in range(1, len(t.headers) - 1)
            ],
            "stacked": True,
        }
    if "media-sosial" in tables:
        t = tables["media-sosial"]
        charts["media-sosial"] = {
            "type": "line",
            "labels": [r[0] for r in t.rows],
            "datasets": [
                {"label": str(t.headers[i]), "data": [r[i] for r in t.rows]}
                for i in (1, 2)
            ],
        }
    if "respons-krisis" in tables:
        t = tables["respons-krisis"]
        charts["respons-krisis"] = {
            "type": "bar",
            "labels": ["%s · %s" % (r[0], r[1]) for r in t.rows],
            "datasets": [{"label": str(t.headers[4]), "data": [r[4] for r in t.rows]}],
        }
    return charts
