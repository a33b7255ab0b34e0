"""Recompute the statistics tables of a period: set-based, idempotent, serialised.

Over 400 lines on purpose: one concern (the refresh statement, its SQL and
the ORM fallback for the embedded SQLite mode), easier to read whole.

Every number is aggregated by the database over all units in scope at once,
never a loop over units issuing queries: on PostgreSQL the news numbers come
from one grouped query (NEWS_SQL: events and photos joined once per post,
the median through percentile_cont); the embedded SQLite default uses the
equivalent ORM queries (`values(...).annotate(...)`). Social
reports and incidents (a few rows per unit and month) are fetched in one
query each and folded in Python.

A refresh locks its period row (select_for_update) before it reads, then
replaces the rows of the units in scope in the same transaction: two refreshes
of one period run one after the other, the second reads what the first wrote
and writes the same numbers, so running it twice, or twice at once, gives the
same table. A closed period is never recomputed.
"""

import logging
import statistics as pystats
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.models import (
    AwardPeriod,
    ContributorStatistic,
    Incident,
    ReviewStatus,
    SocialReport,
    UnitStatistic,
)
from awards.workdays import holidays_between
from news.models import Photo, Post, PostAction, PostEvent, PostStatus, Programme

logger = logging.getLogger(__name__)

# Counted in WIB: the calendar the public site shows.
WIB = ZoneInfo("Asia/Jakarta")
MSG_PERIOD_CLOSED = _("Periode ini sudah ditutup dan tidak dapat diubah.")

# Alt text that says nothing: too short, a file name, a camera counter, or
# the generic text given to images inserted without one.
GENERIC_ALT = (
    "gambar dalam berita",
    "foto",
    "gambar",
    "image",
    "photo",
    "foto kegiatan",
)
# (lookup, pattern): `regex` is case-sensitive, `iregex` not; the ORM (Q
# below) and the PostgreSQL query (_news_numbers_sql) read the same list.
BAD_ALT_PATTERNS = (
    ("regex", r"^\s*.{0,9}\s*$"),
    ("iregex", r"\.(jpe?g|png|webp|gif|heic|avif)\s*$"),
    ("iregex", r"^\s*(img|dsc|pxl|wa|whatsapp image)[-_ ]?[0-9]"),
    ("iregex", r"^\s*(%s)\s*$" % "|".join(GENERIC_ALT)),
)
BAD_ALT = Q()
for _lookup, _pattern in BAD_ALT_PATTERNS:
    BAD_ALT |= Q(**{"alt_text__%s" % _lookup: _pattern})


def period_bounds(period: AwardPeriod) -> tuple[datetime, datetime]:
    """The period as aware datetimes [start, end) in WIB."""
    start = datetime.combine(period.starts_on, time.min, tzinfo=WIB)
    end = datetime.combine(period.ends_on + timedelta(days=1), time.min, tzinfo=WIB)
    return start, end


def period_as_of(period: AwardPeriod, *, today: date | None = None) -> date:
    """The last day measured so far: today for a running period, else its end."""
    today = today or timezone.localdate(timezone=WIB)
    return max(min(period.ends_on, today), period.starts_on - timedelta(days=1))


def months_elapsed(period: AwardPeriod, *, today: date | None = None) -> int:
    as_of = period_as_of(period, today=today)
    if as_of < period.starts_on:
        return 0
    return (
        (as_of.year - period.starts_on.year) * 12
        + as_of.month
        - period.starts_on.month
        + 1
    )


def _published_in(period: AwardPeriod, unit_ids: Iterable[int] | None):
    start, end = period_bounds(period)
    posts = Post.objects.filter(
        status=PostStatus.PUBLISHED, published_at__gte=start, published_at__lt=end
    )
    if unit_ids is not None:
        posts = posts.filter(unit_id__in=list(unit_ids))
    return posts


def _in_period_sql(alias: str, *, scoped: bool) -> str:
    """The posts a refresh measures: published in the period, of the units in
    scope (all units unless scoped). On PostgreSQL an index-only scan of
    news_post_published_by_unit (news migration 0012), which includes every column
    NEWS_SQL reads."""
    condition = (
        "{a}.status = %(published)s AND {a}.published_at >= %(start)s"
        " AND {a}.published_at < %(end)s"
    )
    if scoped:
        condition += " AND {a}.unit_id = ANY(%(unit_ids)s::bigint[])"
    return condition.format(a=alias)


# One pass over the period's posts gives the units' and the contributors'
# numbers (GROUPING SETS). Audit rows and photos are restricted to those
# posts, folded to one row per post, and hash-joined once: no probe per post
# or per aggregate, and the planner sees real row estimates (no CTEs).
# Ids follow time, so the period's posts have ids in a narrow band: the
# band (first_id..last_id, read first) lets audit rows and photos be read
# through their post_id indexes instead of whole; the IN (...) stays exact.
NEWS_SQL = """
SELECT p.unit_id, p.author_id, GROUPING(p.author_id) AS per_unit,
    count(*),
    count(*) FILTER (WHERE p.submitted),
    count(*) FILTER (WHERE p.submitted AND NOT p.changed),
    count(*) FILTER (WHERE p.bad IS NOT NULL),
    count(*) FILTER (WHERE NOT p.bad),
    count(*) FILTER (WHERE p.programme = %(programme)s),
    count(DISTINCT date_trunc('month', p.day))
        FILTER (WHERE p.programme = %(programme)s),
    count(DISTINCT p.day) FILTER (
        WHERE extract(isodow FROM p.day) < 6
          AND NOT (p.day = ANY(%(holidays)s::date[]))
    ),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY p.lead)
        FILTER (WHERE p.lead IS NOT NULL)
FROM (
    SELECT p.unit_id, p.author_id, p.programme,
           (p.published_at AT TIME ZONE 'Asia/Jakarta')::date AS day,
           (p.submitted_at AT TIME ZONE 'Asia/Jakarta')::date - p.event_date
               AS lead,
           ev.submitted, ev.changed, ph.bad
    FROM news_post p
    LEFT JOIN (
        SELECT e.post_id,
               bool_or(e.action = %(submit)s) AS submitted,
               bool_or(e.action = %(changes)s) AS changed
        FROM news_postevent e
        WHERE e.action IN (%(submit)s, %(changes)s)
          AND e.post_id BETWEEN %(first_id)s AND %(last_id)s
          AND e.post_id IN (SELECT pe.id FROM news_post pe WHERE {in_period_e})
        GROUP BY e.post_id
    ) ev ON ev.post_id = p.id
    LEFT JOIN (
        SELECT f.post_id, bool_or({bad_alt}) AS bad
        FROM news_photo f
        WHERE f.post_id BETWEEN %(first_id)s AND %(last_id)s
          AND f.post_id IN (SELECT pf.id FROM news_post pf WHERE {in_period_f})
        GROUP BY f.post_id
    ) ph ON ph.post_id = p.id
    WHERE {in_period_p}
) p
GROUP BY GROUPING SETS ((p.unit_id), (p.unit_id, p.author_id))
"""
NEWS_SQL_NAMES = (
    "posts_published",
    "posts_reviewed",
    "posts_clean",
    "posts_with_photos",
    "posts_good_alt",
    "programme_posts",
    "programme_months",
    "active_working_days",
    "lead_median_days",
)


def _news_numbers_sql(period, unit_ids) -> tuple[dict, dict]:
    """PostgreSQL: the units' and the contributors' numbers in one query."""
    start, end = period_bounds(period)
    operators = {"regex": "~", "iregex": "~*"}
    bad_alt = " OR ".join(
        "f.alt_text %s %%(alt%d)s" % (operators[lookup], n)
        for n, (lookup, _pattern) in enumerate(BAD_ALT_PATTERNS)
    )
    params = {
        "published": PostStatus.PUBLISHED,
        "start": start,
        "end": end,
        "unit_ids": list(unit_ids or []),
        "submit": PostAction.SUBMIT,
        "changes": PostAction.REQUEST_CHANGES,
        "programme": Programme.APA_KABAR,
        "holidays": holidays_between(period.starts_on, period.ends_on),
        **{"alt%d" % n: pattern for n, (_l, pattern) in enumerate(BAD_ALT_PATTERNS)},
    }
    scoped = unit_ids is not None
    query = NEWS_SQL.format(
        bad_alt=bad_alt,
        in_period_e=_in_period_sql("pe", scoped=scoped),
        in_period_f=_in_period_sql("pf", scoped=scoped),
        in_period_p=_in_period_sql("p", scoped=scoped),
    )
    per_unit, per_person = {}, {}
    with connection.cursor() as cursor:
        # With count(*) beside them, min and max come from the period's
        # index entries, not from a walk along the primary key.
        cursor.execute(
            "SELECT count(*), min(p.id), max(p.id) FROM news_post p WHERE %s"
            % _in_period_sql("p", scoped=scoped),
            params,
        )
        found, params["first_id"], params["last_id"] = cursor.fetchone()
        if not found:
            return per_unit, per_person
        cursor.execute(query, params)
        for unit_id, author_id, unit_level, *values in cursor.fetchall():
            numbers = {
                name: float(value)
                for name, value in zip(NEWS_SQL_NAMES, values, strict=True)
                if value is not None
            }
            if unit_level:
                per_unit[(unit_id,)] = numbers
            else:
                per_person[(unit_id, author_id)] = numbers
    return per_unit, per_person


def _news_numbers_both(period: AwardPeriod, unit_ids) -> tuple[dict, dict]:
    """Raw news numbers per unit and per (unit, author)."""
    if connection.vendor == "postgresql":
        return _news_numbers_sql(period, unit_ids)
    return (
        _news_numbers(period, unit_ids, ("unit_id",)),
        _news_numbers(period, unit_ids, ("unit_id", "author_id")),
    )


def _news_numbers(
    period: AwardPeriod, unit_ids, group: tuple[str, ...]
) -> dict[tuple, dict[str, float]]:
    """Raw news numbers keyed by the group's values (the ORM path, SQLite)."""
    posts = _published_in(period, unit_ids)
    submitted = Exists(
        PostEvent.objects.filter(post=OuterRef("pk"), action=PostAction.SUBMIT)
    )
    changes = Exists(
        PostEvent.objects.filter(post=OuterRef("pk"), action=PostAction.REQUEST_CHANGES)
    )
    photos = Photo.objects.filter(post=OuterRef("pk"))
    has_photo = Exists(photos)
    bad_alt = Exists(photos.filter(BAD_ALT))
    out: dict[tuple, dict[str, float]] = defaultdict(dict)
    rows = posts.values(*group).annotate(
        posts_published=Count("pk"),
        posts_reviewed=Count("pk", filter=Q(submitted)),
        posts_clean=Count("pk", filter=Q(submitted) & ~Q(changes)),
        posts_with_photos=Count("pk", filter=Q(has_photo)),
        posts_good_alt=Count("pk", filter=Q(has_photo) & ~Q(bad_alt)),
        programme_posts=Count("pk", filter=Q(programme=Programme.APA_KABAR)),
        programme_months=Count(
            TruncMonth("published_at", tzinfo=WIB),
            filter=Q(programme=Programme.APA_KABAR),
            distinct=True,
        ),
    )
    for row in rows:
        key = tuple(row.pop(name) for name in group)
        out[key].update(row)

    # Days with at least one published post that are working days.
    holidays = holidays_between(period.starts_on, period.ends_on)
    days = (
        posts.annotate(day=TruncDate("published_at", tzinfo=WIB))
        .exclude(day__in=holidays)
        .exclude(day__week_day__in=(1, 7))  # Sunday, Saturday
        .values(*group)
        .annotate(active_working_days=Count("day", distinct=True))
    )
    for row in days:
        key = tuple(row.pop(name) for name in group)
        out[key].update(row)

    for key, median in _lead_medians(posts, group).items():
        out[key]["lead_median_days"] = median
    return out


def _lead_medians(posts, group: tuple[str, ...]) -> dict[tuple, float]:
    """Median days from event date to submission, per group (SQLite path:
    it has no percentile_cont, so one query folded here)."""
    posts = posts.filter(event_date__isnull=False, submitted_at__isnull=False)
    leads: dict[tuple, list[int]] = defaultdict(list)
    for *key, submitted_at, event_date in posts.values_list(
        *group, "submitted_at", "event_date"
    ):
        lead = (timezone.localtime(submitted_at, WIB).date() - event_date).days
        leads[tuple(key)].append(lead)
    return {key: float(pystats.median(values)) for key, values in leads.items()}


def _social_numbers(period: AwardPeriod, unit_ids, *, today=None) -> dict:
    """Consistency, engagement and growth inputs from verified monthly reports."""
    first_month = period.starts_on.replace(day=1)
    reports = SocialReport.objects.filter(
        status=ReviewStatus.VERIFIED,
        month__gte=first_month,
        month__lte=period.ends_on,
        account__is_active=True,
    )
    if unit_ids is not None:
        reports = reports.filter(account__unit_id__in=list(unit_ids))
    minimum = settings.AWARDS_SOCIAL_MIN_POSTS_PER_MONTH
    months = months_elapsed(period, today=today)
    per_account: dict[int, list] = defaultdict(list)
    unit_of: dict[int, int] = {}
    # Ordered by account, so that each unit's sums are added in the same
    # order whatever the scope: a unit refreshed alone gets the same floats.
    for account_id, unit_id, month, followers, posts, interactions in reports.order_by(
        "account_id", "month"
    ).values_list(
        "account_id",
        "account__unit_id",
        "month",
        "followers",
        "posts",
        "interactions",
    ):
        per_account[account_id].append((month, followers, posts, interactions))
        unit_of[account_id] = unit_id
    out: dict[int, dict[str, float]] = defaultdict(
        lambda: defaultdict(float, social_growth_accounts=0.0)
    )
    for account_id, rows in per_account.items():
        numbers = out[unit_of[account_id]]
        numbers["social_expected_months"] += months
        numbers["social_reported_months"] += len(rows)
        numbers["social_consistent_months"] += sum(1 for r in rows if r[2] >= minimum)
        numbers["social_followers"] += sum(r[1] for r in rows)
        numbers["social_interactions"] += sum(r[3] for r in rows)
        if len(rows) >= 2 and rows[0][1] > 0:
            numbers["social_growth_sum"] += (rows[-1][1] - rows[0][1]) / rows[0][1]
            numbers["social_growth_accounts"] += 1
    result = {}
    for unit_id, numbers in out.items():
        numbers = dict(numbers)
        accounts = numbers.pop("social_growth_accounts")
        growth_sum = numbers.pop("social_growth_sum", 0.0)
        numbers["social_growth"] = growth_sum / accounts if accounts else 0.0
        result[(unit_id,)] = numbers
    return result


def _crisis_numbers(period: AwardPeriod, unit_ids) -> dict:
    """Response times from incident to published clarification."""
    start, end = period_bounds(period)
    incidents = Incident.objects.filter(
        occurred_at__gte=start, occurred_at__lt=end
    ).exclude(status=ReviewStatus.REJECTED)
    if unit_ids is not None:
        incidents = incidents.filter(unit_id__in=list(unit_ids))
    target = timedelta(hours=settings.CRISIS_RESPONSE_TARGET_HOURS)
    per_unit: dict[int, list] = defaultdict(list)
    for unit_id, occurred_at, status, published_at in incidents.order_by(
        "unit_id", "occurred_at", "pk"
    ).values_list(
        "unit_id",
        "occurred_at",
        "clarification__status",
        "clarification__published_at",
    ):
        answered = status == PostStatus.PUBLISHED and published_at is not None
        per_unit[unit_id].append(
            max(published_at - occurred_at, timedelta(0)) if answered else None
        )
    result = {}
    for unit_id, responses in per_unit.items():
        answered = [r for r in responses if r is not None]
        hours = [r.total_seconds() / 3600 for r in answered]
        limit = target.total_seconds() / 3600
        result[(unit_id,)] = {
            "crisis_incidents": len(responses),
            "crisis_answered": len(answered),
            "crisis_within_target": sum(1 for r in answered if r <= target),
            # Full credit for an instant answer, none at twice the target or
            # never: an incident without clarification counts against the unit.
            "crisis_speed_credit": sum(max(0.0, 1 - h / (2 * limit)) for h in hours),
            **({"crisis_median_hours": pystats.median(hours)} if hours else {}),
        }
    return result


def _write(model, period, numbers: dict, key_fields: tuple[str, ...], unit_ids) -> int:
    """Make the stored rows of the scope equal `numbers`, writing only changes.

    Numbers that moved or are new go in one bulk upsert (INSERT ... ON
    CONFLICT DO UPDATE), rows no longer wanted in one DELETE; unchanged rows
    are left alone, so a refresh after one approval rewrites the few numbers
    that moved, and a re-run writes nothing.
    """
    wanted = {}
    for key, values in numbers.items():
        for metric, value in values.items():
            if value:
                wanted[(*key, metric)] = float(value)
    stored = model.objects.filter(period=period)
    if unit_ids is not None:
        stored = stored.filter(unit_id__in=unit_ids)
    vanished, unchanged = [], set()
    for pk, *key, value in stored.values_list("pk", *key_fields, "metric", "value"):
        key = tuple(key)
        if key not in wanted:
            vanished.append(pk)
        elif wanted[key] == value:
            unchanged.add(key)
    if vanished:
        model.objects.filter(pk__in=vanished).delete()
    changed = [
        model(
            period=period,
            metric=key[-1],
            value=value,
            **dict(zip(key_fields, key[:-1], strict=True)),
        )
        for key, value in wanted.items()
        if key not in unchanged
    ]
    model.objects.bulk_create(
        changed,
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["period", *key_fields, "metric"],
        update_fields=["value", "computed_at"],
    )
    return len(vanished) + len(changed)


@transaction.atomic
def statistics_refresh(
    *, period: AwardPeriod, unit_ids: Iterable[int] | None = None, today=None
) -> int:
    """Recompute the period's numbers for the given units (all when None).

    Returns the number of statistic rows written or deleted (0 when nothing
    changed). Raises ValidationError for a closed period.
    """
    period = AwardPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(MSG_PERIOD_CLOSED, code="period_closed")
    if unit_ids is not None:
        unit_ids = sorted(set(unit_ids))
    if connection.vendor == "postgresql":
        # JIT compilation costs more than these queries take (seconds
        # against a fraction of one); for this transaction only.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
    unit_numbers: dict[tuple, dict] = defaultdict(dict)
    news, person_numbers = _news_numbers_both(period, unit_ids)
    for source in (
        news,
        _social_numbers(period, unit_ids, today=today),
        _crisis_numbers(period, unit_ids),
    ):
        for key, values in source.items():
            unit_numbers[key].update(values)

    return _write(UnitStatistic, period, unit_numbers, ("unit_id",), unit_ids) + _write(
        ContributorStatistic,
        period,
        person_numbers,
        ("unit_id", "user_id"),
        unit_ids,
    )


def statistics_refresh_open_periods(*, unit_ids: Iterable[int] | None = None) -> int:
    """Refresh every open period (the nightly job, and after a publication)."""
    written = 0
    for period in AwardPeriod.objects.filter(is_closed=False).order_by("starts_on"):
        written += statistics_refresh(period=period, unit_ids=unit_ids)
    return written
