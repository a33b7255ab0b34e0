"""Awards pieces other apps' templates show, loaded with {% load awards_tags %}.

news must not import awards (imports run public -> awards -> news), but a
template may load any app's tags: the contributor's news dashboard shows the
unit's standing and its "One Day One News" month through unit_awards_panel.
"""

from django import template
from django.utils import timezone

from awards import selectors
from awards.scoring import formula_words
from awards.services.statistics import WIB

register = template.Library()


@register.inclusion_tag("awards/_dashboard_panel.html")
def unit_awards_panel(unit):
    """The unit's standing in the open period and this month's calendar."""
    today = timezone.localdate(timezone=WIB)
    weeks, missed = selectors.odon_month(unit=unit, year=today.year, month=today.month)
    period = selectors.period_open_current()
    standings = []
    if period is not None:
        standings = selectors.standing_for_unit(period=period, unit=unit)
        for entry in standings:
            entry["formula"] = formula_words(entry["category"].metric)
    return {
        "unit": unit,
        "period": period,
        "standings": standings,
        "weeks": weeks,
        "missed": missed,
        "month": today.replace(day=1),
    }
