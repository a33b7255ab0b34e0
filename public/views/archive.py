"""The archive: every month that has news, by year and by month.

Months are counted in the site's time zone (WIB, settings.TIME_ZONE), the
zone the listings' dates are shown in. A year or month without published
news is a 404, like a year or month that does not exist: the archive has no
empty pages for crawlers to wander through. One query lists the months
(news.selectors.public.archive_months), then the listing's usual ones.
"""

import datetime
from itertools import groupby

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from news import selectors
from news.selectors.public import archive_months, month_start
from public.views.listings import listing_context, listing_page


def _by_year(months: list[dict]) -> list[dict]:
    """[{"year": 2024, "months": [...], "count": n}], newest year first."""
    years = [
        {"year": year, "months": list(rows)}
        for year, rows in groupby(months, key=lambda row: row["month"].year)
    ]
    for entry in years:
        entry["count"] = sum(row["count"] for row in entry["months"])
    return years[::-1]


def _render(request, *, posts, context):
    page = listing_page(request, posts)
    return render(
        request,
        "public/archive.html",
        {**context, **listing_context(request, page)},
    )


@require_safe
def archive_index(request):
    return render(request, "public/archive.html", {"years": _by_year(archive_months())})


@require_safe
def archive_year(request, year: int):
    years = _by_year(archive_months())
    current = next((entry for entry in years if entry["year"] == year), None)
    if current is None:
        raise Http404("no news in this year")
    posts = selectors.post_list_published(
        published_from=month_start(year=year, month=1),
        published_before=month_start(year=year + 1, month=1),
    )
    return _render(
        request,
        posts=posts,
        context={"years": years, "year": year, "year_months": current["months"]},
    )


@require_safe
def archive_month(request, year: int, month: int):
    months = archive_months()
    if not 1 <= month <= 12:
        raise Http404("no such month")
    try:
        first_day = datetime.date(year, month, 1)
    except ValueError as exc:  # a year beyond what dates can hold
        raise Http404("no such month") from exc
    index = next((i for i, row in enumerate(months) if row["month"] == first_day), None)
    if index is None:
        raise Http404("no news in this month")
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    posts = selectors.post_list_published(
        published_from=month_start(year=year, month=month),
        published_before=month_start(year=following[0], month=following[1]),
    )
    years = _by_year(months)
    return _render(
        request,
        posts=posts,
        context={
            "years": years,
            "year": year,
            "month": first_day,
            "year_months": next(e for e in years if e["year"] == year)["months"],
            "previous_month": months[index - 1]["month"] if index > 0 else None,
            "next_month": (
                months[index + 1]["month"] if index + 1 < len(months) else None
            ),
        },
    )
