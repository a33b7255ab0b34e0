"""Periods and winners: recording winners freezes the ranking; closing is final."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.models import (
    AwardCategory,
    AwardPeriod,
    AwardResult,
    AwardWinner,
    Competitors,
)
from awards.services.statistics import MSG_PERIOD_CLOSED
from units.models import User
from units.names import normalize_unit_name

MSG_NO_COMPETITOR = _("Belum ada peserta yang memiliki angka untuk kategori ini.")


def _require_editor(actor: User) -> None:
    if not (actor.is_active and actor.is_editor):
        raise PermissionDenied


def _lock_open(period: AwardPeriod) -> AwardPeriod:
    period = AwardPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(MSG_PERIOD_CLOSED, code="period_closed")
    return period


def _snapshot(standing) -> dict:
    return {
        "rank": standing.rank,
        "id": standing.key,
        "name": standing.name,
        "score": standing.score,
        "components": [
            {"key": key, "label": str(label), "weight": weight, "value": value}
            for key, label, weight, value in standing.components
        ],
        "raw": dict(standing.raw),
    }


@transaction.atomic
def award_winners_record(
    *,
    period: AwardPeriod,
    category: AwardCategory,
    actor: User,
    count: int | None = None,
) -> list[AwardWinner]:
    """Freeze the current ranking and make its first `count` the winners.

    Recording again while the period is open replaces the earlier snapshot;
    a closed period refuses.
    """
    from awards import selectors

    _require_editor(actor)
    period = _lock_open(period)
    count = count or category.winners_count
    standings = selectors.ranking(period=period, category=category)
    ranked = [s for s in standings if s.rank is not None]
    if not ranked:
        raise ValidationError(MSG_NO_COMPETITOR, code="no_competitor")
    AwardResult.objects.filter(period=period, category=category).delete()
    AwardResult.objects.create(
        period=period,
        category=category,
        recorded_by=actor,
        ranking=[_snapshot(s) for s in standings],
    )
    AwardWinner.objects.filter(period=period, category=category).delete()
    by_region = category.competitors == Competitors.REGIONS
    winners = []
    for standing in ranked[:count]:
        winner = AwardWinner(
            period=period,
            category=category,
            rank=standing.rank,
            unit_id=None if by_region else standing.key,
            region_id=standing.key if by_region else None,
            name=standing.name,
            name_key=normalize_unit_name(standing.name),
            score=standing.score,
            breakdown=_snapshot(standing),
        )
        winner.full_clean()
        winner.save()
        winners.append(winner)
    return winners


@transaction.atomic
def award_period_close(*, period: AwardPeriod, actor: User) -> AwardPeriod:
    """Close a period for good: its statistics, winners and reports stay as they are."""
    _require_editor(actor)
    period = _lock_open(period)
    period.is_closed = True
    period.closed_at = timezone.now()
    period.save(update_fields=["is_closed", "closed_at"])
    return period


def award_period_create(*, name: str, starts_on, ends_on) -> AwardPeriod:
    period = AwardPeriod(name=name, starts_on=starts_on, ends_on=ends_on)
    period.full_clean()
    period.save()
    return period


def award_period_current_ensure(*, today=None) -> AwardPeriod | None:
    """Open this year's period (1 January to 31 December) when none covers today.

    The nightly refresh calls it, so a new year starts counting by itself;
    editors may still create periods of other shapes in the admin.
    """
    from awards.services.statistics import WIB

    today = today or timezone.localdate(timezone=WIB)
    if AwardPeriod.objects.filter(starts_on__lte=today, ends_on__gte=today).exists():
        return None
    name = str(today.year)
    if AwardPeriod.objects.filter(name=name).exists():
        return None
    return award_period_create(
        name=name,
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
    )


def period_refuses_changes(*, day) -> bool:
    """A closed period covers this day: its reports and incidents are frozen."""
    return AwardPeriod.objects.filter(
        is_closed=True, starts_on__lte=day, ends_on__gte=day
    ).exists()
