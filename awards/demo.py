"""Demo awards: this year's period open, its statistics computed.

So that after `make run` a contributor's dashboard shows the unit's standing
and the editors' ranking has numbers. Safe to run again: the period is only
created when none covers today, and a refresh that finds nothing changed
writes nothing.
"""

from django.db import transaction


def demo_load_awards(*, stdout=None) -> None:
    from awards.services.awards import award_period_current_ensure
    from awards.services.statistics import statistics_refresh_open_periods

    with transaction.atomic():
        created = award_period_current_ensure()
        written = statistics_refresh_open_periods()
    if stdout is not None and (created or written):
        stdout.write(
            "Penghargaan: periode %s, %d angka statistik diperbarui"
            % (created.name if created else "terbuka", written)
        )
