"""Writes for awards, one function per domain action.

`statistics` recomputes the statistics tables, `refresh` asks for that
(debounced), `awards` records winners and closes periods, `reports` takes in
what units file (social-media reports, incidents).
"""

from awards.services.awards import (
    award_period_close,
    award_period_create,
    award_period_current_ensure,
    award_winners_record,
    period_refuses_changes,
)
from awards.services.refresh import statistics_refresh_request
from awards.services.reports import (
    CSV_COLUMNS,
    ImportResult,
    incident_link_clarification,
    incident_log,
    incident_review,
    social_account_create,
    social_report_review,
    social_report_submit,
    social_reports_import_csv,
)
from awards.services.statistics import (
    statistics_refresh,
    statistics_refresh_open_periods,
)

__all__ = [
    "CSV_COLUMNS",
    "ImportResult",
    "award_period_close",
    "award_period_create",
    "award_period_current_ensure",
    "award_winners_record",
    "incident_link_clarification",
    "incident_log",
    "incident_review",
    "period_refuses_changes",
    "social_account_create",
    "social_report_review",
    "social_report_submit",
    "social_reports_import_csv",
    "statistics_refresh",
    "statistics_refresh_open_periods",
    "statistics_refresh_request",
]
