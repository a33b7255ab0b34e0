"""Rebuild one period's statistics: `manage.py awards_rebuild 2025`.

Units are refreshed in chunks (each chunk one set-based refresh), so that a
terminal shows progress; the result is the same as one full refresh. A year
that has no period yet gets one (1 January to 31 December).
"""

import sys
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from awards.models import AwardPeriod
from awards.services import award_period_create, statistics_refresh
from units.models import Unit


class Command(BaseCommand):
    help = "Recompute the award statistics of one period (by name, e.g. 2025)."

    def add_arguments(self, parser):
        parser.add_argument("period", help="period name, e.g. 2025")
        parser.add_argument("--chunk", type=int, default=100, help="units per step")

    def handle(self, *args, period, chunk, **options):
        found = AwardPeriod.objects.filter(name=period).first()
        if found is None:
            if not (period.isdigit() and len(period) == 4):
                raise CommandError("No award period named %r." % period)
            year = int(period)
            found = award_period_create(
                name=period, starts_on=date(year, 1, 1), ends_on=date(year, 12, 31)
            )
            self.stdout.write("Created period %s." % found)
        if found.is_closed:
            raise CommandError("Period %s is closed and cannot change." % found)
        unit_ids = list(Unit.objects.order_by("pk").values_list("pk", flat=True))
        written = 0
        with tqdm(
            total=len(unit_ids),
            unit="UPT",
            desc=str(found),
            disable=not sys.stderr.isatty() or options["verbosity"] == 0,
        ) as bar:
            for start in range(0, len(unit_ids), chunk):
                ids = unit_ids[start : start + chunk]
                try:
                    written += statistics_refresh(period=found, unit_ids=ids)
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from exc
                bar.update(len(ids))
        self.stdout.write(
            "Rebuilt %s: %d statistic rows for %d units."
            % (found, written, len(unit_ids))
        )
