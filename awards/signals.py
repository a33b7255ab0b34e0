"""Side effects for awards, wired in AwardsConfig.ready.

A post entering or leaving the published state changes its unit's numbers:
ask for a (debounced) refresh once the decision is committed.
"""


def publication_changed(sender, *, unit_id: int, **kwargs) -> None:
    from awards.services import statistics_refresh_request

    statistics_refresh_request(unit_id=unit_id)
