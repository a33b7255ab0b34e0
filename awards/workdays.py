"""Working days: Monday to Friday, minus Indonesia's public holidays.

The holidays come from the maintained `holidays` package (national public
holidays; the government's collective-leave days are not included), never a
hand-typed list.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Indonesia(years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def holidays_between(start: date, end: date) -> list[date]:
    """Public holidays from start to end inclusive, for SQL filters."""
    found: set[date] = set()
    for year in range(start.year, end.year + 1):
        found |= {d for d in public_holidays(year) if start <= d <= end}
    return sorted(found)


def working_days(start: date, end: date) -> list[date]:
    """Every working day from start to end inclusive (empty when end < start)."""
    days = []
    day = start
    while day <= end:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days
