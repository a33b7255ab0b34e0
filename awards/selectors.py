"""Reads for awards: rankings, winners, a unit's standing, per-person numbers.

Rankings read the statistics tables (one query) and score in Python through
awards.scoring; their query count does not grow with the number of units.
"""

import calendar
from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from awards.models import (
    AwardCategory,
    AwardPeriod,
    AwardWinner,
    Competitors,
    ContributorStatistic,
    Incident,
    SocialAccount,
    SocialReport,
    UnitStatistic,
)
from awards.scoring import Standing, rank
from awards.services.statistics import WIB, months_elapsed, period_as_of, period_bounds
from awards.workdays import is_working_day, working_days
from news.models import Post, PostStatus
from units.models import Region, Role, Unit, User
from units.names import normalize_unit_name

# Raw numbers that cannot be summed over a region's units: the region takes
# the median of its units' values instead.
MEDIAN_METRICS = ("lead_median_days", "crisis_median_hours", "social_growth")


def period_open_current(*, today: date | None = None) -> AwardPeriod | None:
    today = today or timezone.localdate(timezone=WIB)
    return (
        AwardPeriod.objects.filter(is_closed=False, starts_on__lte=today)
        .order_by("-starts_on")
        .first()
    )


def period_working_days(period: AwardPeriod, *, today: date | None = None) -> int:
    return len(working_days(period.starts_on, period_as_of(period, today=today)))


def unit_raw_numbers(*, period: AwardPeriod) -> dict[int, dict]:
    raw: dict[int, dict] = defaultdict(dict)
    for unit_id, metric, value in UnitStatistic.objects.filter(
        period=period
    ).values_list("unit_id", "metric", "value"):
        raw[unit_id][metric] = value
    return raw


def _median(values: list[float]) -> float:
    values = sorted(values)
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def ranking(
    *, period: AwardPeriod, category: AwardCategory, today: date | None = None
) -> list[Standing]:
    """Every competitor of the category, scored and ordered (awards.scoring)."""
    days = period_working_days(period, today=today)
    context = {
        "working_days": days,
        "months": months_elapsed(period, today=today),
    }
    raw = unit_raw_numbers(period=period)
    units = Unit.objects.filter(Q(is_active=True) | Q(pk__in=list(raw))).only(
        "pk", "name", "region_id"
    )
    if category.competitors == Competitors.REGIONS:
        regions = {r.pk: r for r in Region.objects.all()}
        summed: dict[int, dict] = defaultdict(lambda: defaultdict(float))
        medians: dict[int, dict] = defaultdict(lambda: defaultdict(list))
        counts: dict[int, int] = defaultdict(int)
        for unit in units:
            counts[unit.region_id] += 1
            for metric, value in raw.get(unit.pk, {}).items():
                if metric in MEDIAN_METRICS:
                    medians[unit.region_id][metric].append(value)
                else:
                    summed[unit.region_id][metric] += value
        competitors = []
        for region_id, region in regions.items():
            numbers = dict(summed[region_id])
            numbers.update({m: _median(v) for m, v in medians[region_id].items()})
            # A region's working days are those of all its units together.
            numbers["working_days"] = days * counts[region_id]
            numbers["units"] = counts[region_id]
            competitors.append(Standing(region_id, region.office_name, numbers))
    else:
        competitors = [
            Standing(unit.pk, unit.name, {**raw.get(unit.pk, {}), "working_days": days})
            for unit in units
        ]
    return rank(metric=category.metric, competitors=competitors, context=context)


def standing_for_unit(
    *, period: AwardPeriod, unit: Unit, today: date | None = None
) -> list[dict]:
    """The unit's place in every active unit category of the period."""
    result = []
    for category in AwardCategory.objects.filter(
        is_active=True, competitors=Competitors.UNITS
    ):
        standings = ranking(period=period, category=category, today=today)
        mine = next((s for s in standings if s.key == unit.pk), None)
        ranked = sum(1 for s in standings if s.rank is not None)
        # What would move it: the points to the competitor just above.
        above = None
        if mine is not None and mine.rank and mine.rank > 1:
            above = round(standings[mine.rank - 2].score - mine.score, 2)
        result.append(
            {"category": category, "standing": mine, "ranked": ranked, "gap": above}
        )
    return result


def posts_behind(*, period: AwardPeriod, unit: Unit):
    """The published posts of the period that a unit's news numbers count."""
    start, end = period_bounds(period)
    return (
        Post.objects.filter(
            unit=unit,
            status=PostStatus.PUBLISHED,
            published_at__gte=start,
            published_at__lt=end,
        )
        .select_related("author")
        .order_by("published_at")
    )


def odon_month(*, unit: Unit, year: int, month: int, today: date | None = None):
    """The unit's "One Day One News" calendar of a month.

    Returns (weeks, missed): weeks of day cells (None outside the month), each
    {"day", "posts", "working", "future"}; missed counts the working days
    until today without a published post.
    """
    today = today or timezone.localdate(timezone=WIB)
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    counts = dict(
        Post.objects.filter(
            unit=unit,
            status=PostStatus.PUBLISHED,
            published_at__date__gte=first - timedelta(days=1),
            published_at__date__lte=last + timedelta(days=1),
        )
        .annotate(day=TruncDate("published_at", tzinfo=WIB))
        .filter(day__gte=first, day__lte=last)
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    weeks, missed = [], 0
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for day in week:
            if day.month != month:
                cells.append(None)
                continue
            working = is_working_day(day)
            future = day > today
            posts = counts.get(day, 0)
            if working and not future and not posts:
                missed += 1
            cells.append(
                {"day": day, "posts": posts, "working": working, "future": future}
            )
        weeks.append(cells)
    return weeks, missed


def can_see_person_statistics(*, viewer: User, unit: Unit, person: User) -> bool:
    """The person, their unit's head, and editors; nobody else, never public."""
    if not viewer.is_authenticated:
        return False
    if viewer.is_editor:
        return True
    if viewer.pk == person.pk:
        return True
    return viewer.role == Role.HEAD and viewer.unit_id == unit.pk


def person_statistics(*, viewer: User, period: AwardPeriod, unit: Unit) -> list[dict]:
    """Per-account numbers of a unit that the viewer may see (maybe only own)."""
    if not viewer.is_authenticated:
        raise PermissionDenied
    rows = ContributorStatistic.objects.filter(period=period, unit=unit)
    if not (
        viewer.is_editor or (viewer.role == Role.HEAD and viewer.unit_id == unit.pk)
    ):
        rows = rows.filter(user=viewer)
    people: dict[int, dict] = {}
    for row in rows.select_related("user").order_by("user__first_name", "user_id"):
        entry = people.setdefault(row.user_id, {"user": row.user, "numbers": {}})
        entry["numbers"][row.metric] = row.value
    return list(people.values())


def clarification_choices(*, unit: Unit):
    """Posts a unit may link as a clarification: its own, not refused."""
    return (
        Post.objects.filter(unit=unit)
        .exclude(status=PostStatus.REJECTED)
        .order_by("-created_at")
    )


def social_reports_for_unit(*, unit: Unit):
    return SocialReport.objects.filter(account__unit=unit).select_related("account")


def incidents_for_unit(*, unit: Unit):
    return Incident.objects.filter(unit=unit).select_related("clarification")


# --- Public -----------------------------------------------------------------


def _link_units(winners: list[AwardWinner]) -> list[AwardWinner]:
    """Winners kept as text (history loaded before the unit existed) get their
    unit by normalised name, in one query."""
    missing = {w.name_key for w in winners if w.unit_id is None and w.region_id is None}
    if missing:
        found = {
            u.normalized_name: u
            for u in Unit.objects.filter(normalized_name__in=missing)
        }
        for winner in winners:
            if winner.unit_id is None and winner.name_key in found:
                winner.unit = found[winner.name_key]
    return winners


def winners_by_period() -> list[dict]:
    """Public: every period with recorded winners, newest first, by category."""
    winners = _link_units(
        list(
            AwardWinner.objects.select_related(
                "period", "category", "unit", "region"
            ).order_by(
                "-period__starts_on", "category__position", "category_id", "rank"
            )
        )
    )
    periods: dict[int, dict] = {}
    for winner in winners:
        entry = periods.setdefault(
            winner.period_id, {"period": winner.period, "categories": {}}
        )
        entry["categories"].setdefault(
            winner.category_id, {"category": winner.category, "winners": []}
        )["winners"].append(winner)
    return [
        {"period": p["period"], "categories": list(p["categories"].values())}
        for p in periods.values()
    ]


def winners_latest() -> dict | None:
    """Public: the latest period's winners (for the home page)."""
    periods = winners_by_period()
    return periods[0] if periods else None


def winners_for_unit(*, unit: Unit) -> list[AwardWinner]:
    """Public: the awards a unit won, by FK or by its normalised name."""
    key = normalize_unit_name(unit.name)
    return list(
        AwardWinner.objects.filter(Q(unit=unit) | Q(unit__isnull=True, name_key=key))
        .select_related("period", "category")
        .order_by("-period__starts_on", "category__position", "rank")
    )


def social_accounts_for_unit(*, unit: Unit) -> list[SocialAccount]:
    """Public: the unit's active official accounts, for its profile page."""
    return list(
        SocialAccount.objects.filter(unit=unit, is_active=True).order_by(
            "platform", "handle"
        )
    )
