"""What units file for the awards: social-media reports and incidents.

Over 400 lines on purpose: one concern (what units file and editors verify),
social-media reports and incidents following the same rules.

Units file, editors verify; each verification (and every incident change)
asks for a refresh of the unit's statistics (awards.services.refresh).
Months and incidents inside a closed period cannot be filed or changed.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.models import (
    Incident,
    ReviewStatus,
    SocialAccount,
    SocialReport,
)
from awards.services.awards import period_refuses_changes
from awards.services.refresh import statistics_refresh_request
from awards.services.statistics import MSG_PERIOD_CLOSED, WIB
from news.models import Post
from units.models import Unit, User

# Beyond these a number is a typo, not a month of work.
MAX_FOLLOWERS = 200_000_000
MAX_POSTS_PER_MONTH = 3_100  # a hundred a day
MAX_INTERACTIONS_PER_FOLLOWER = 1_000

MSG_FUTURE_MONTH = _("Bulan laporan belum berakhir; laporkan bulan yang sudah lewat.")
MSG_DUPLICATE = _("Laporan akun ini untuk bulan tersebut sudah ada.")
MSG_ABSURD = _("Angka %(field)s tidak masuk akal (paling banyak %(max)s).")
MSG_NEGATIVE = _("Angka %(field)s tidak boleh negatif.")
MSG_NOT_OWN_ACCOUNT = _("Akun ini bukan milik UPT Anda.")
MSG_CLARIFICATION_BEFORE = _(
    "Berita klarifikasi terbit sebelum insiden terjadi; pilih berita yang benar."
)
MSG_CLARIFICATION_OTHER_UNIT = _("Berita klarifikasi harus berita UPT Anda sendiri.")
MSG_LEARNED_BEFORE = _("UPT tidak mungkin mengetahui insiden sebelum kejadiannya.")
MSG_INCIDENT_FUTURE = _("Waktu kejadian tidak boleh di masa depan.")
MSG_ALREADY_REVIEWED = _("Laporan ini sudah diputuskan.")

CSV_COLUMNS = (
    "platform",
    "akun",
    "bulan",
    "pengikut",
    "unggahan",
    "interaksi",
    "contoh_unggahan",
)
_LOCAL_NUMBER = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _require_unit_staff(actor: User, unit: Unit) -> None:
    if not (actor.is_active and actor.is_unit_staff and actor.unit_id == unit.pk):
        raise PermissionDenied


def _require_editor(actor: User) -> None:
    if not (actor.is_active and actor.is_editor):
        raise PermissionDenied


def _this_month() -> date:
    return timezone.localdate(timezone=WIB).replace(day=1)


def social_account_create(
    *, unit: Unit, actor: User, platform: str, handle: str, url: str = ""
) -> SocialAccount:
    _require_unit_staff(actor, unit)
    account = SocialAccount(
        unit=unit, platform=platform, handle=handle.strip().lstrip("@"), url=url
    )
    account.full_clean()
    account.save()
    return account


def _check_numbers(*, followers: int, posts: int, interactions: int) -> None:
    errors = {}
    limits = {
        "followers": (followers, MAX_FOLLOWERS, _("pengikut")),
        "posts": (posts, MAX_POSTS_PER_MONTH, _("unggahan")),
        "interactions": (
            interactions,
            MAX_INTERACTIONS_PER_FOLLOWER * max(followers, 1_000),
            _("interaksi"),
        ),
    }
    for field, (value, limit, label) in limits.items():
        if value is None:
            continue
        if value < 0:
            errors[field] = ValidationError(
                MSG_NEGATIVE % {"field": label}, code="negative"
            )
        elif value > limit:
            errors[field] = ValidationError(
                MSG_ABSURD % {"field": label, "max": f"{limit:,}".replace(",", ".")},
                code="absurd",
            )
    if errors:
        raise ValidationError(errors)


def _check_month(month: date) -> date:
    month = month.replace(day=1)
    if month >= _this_month():
        raise ValidationError(
            {"month": ValidationError(MSG_FUTURE_MONTH, code="future")}
        )
    if period_refuses_changes(day=month):
        raise ValidationError(
            {"month": ValidationError(MSG_PERIOD_CLOSED, code="closed")}
        )
    return month


def social_report_submit(
    *,
    account: SocialAccount,
    actor: User,
    month: date,
    followers: int,
    posts: int,
    interactions: int,
    sample_url: str,
) -> SocialReport:
    """File one account's numbers for one finished month."""
    _require_unit_staff(actor, account.unit)
    month = _check_month(month)
    _check_numbers(followers=followers, posts=posts, interactions=interactions)
    if SocialReport.objects.filter(account=account, month=month).exists():
        raise ValidationError(
            {"month": ValidationError(MSG_DUPLICATE, code="duplicate")}
        )
    report = SocialReport(
        account=account,
        month=month,
        followers=followers,
        posts=posts,
        interactions=interactions,
        sample_url=sample_url,
        submitted_by=actor,
    )
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:  # a second copy of the same form, at once
        raise ValidationError(
            {"month": ValidationError(MSG_DUPLICATE, code="duplicate")}
        ) from exc
    return report


@transaction.atomic
def social_report_review(
    *, report: SocialReport, actor: User, verified: bool
) -> SocialReport:
    """An editor verifies (or rejects) a report; the unit's numbers follow."""
    _require_editor(actor)
    report = (
        SocialReport.objects.select_for_update()
        .select_related("account")
        .get(pk=report.pk)
    )
    if period_refuses_changes(day=report.month):
        raise ValidationError(MSG_PERIOD_CLOSED, code="period_closed")
    if report.status != ReviewStatus.SUBMITTED:
        raise ValidationError(MSG_ALREADY_REVIEWED, code="already_reviewed")
    report.status = ReviewStatus.VERIFIED if verified else ReviewStatus.REJECTED
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    statistics_refresh_request(unit_id=report.account.unit_id)
    return report


@dataclass
class ImportResult:
    created: int
    errors: list[str]


def _parse_int(text: str, *, line: int, column: str, errors: list) -> int | None:
    text = text.strip()
    if _LOCAL_NUMBER.match(text):
        errors.append(
            _(
                "Baris %(line)d, kolom %(column)s: tulis angka tanpa pemisah ribuan "
                "(%(plain)s, bukan %(text)s)."
            )
            % {
                "line": line,
                "column": column,
                "plain": re.sub(r"[.,]", "", text),
                "text": text,
            }
        )
        return None
    if not re.fullmatch(r"-?\d+", text):
        errors.append(
            _("Baris %(line)d, kolom %(column)s: “%(text)s” bukan bilangan bulat.")
            % {"line": line, "column": column, "text": text}
        )
        return None
    return int(text)


def social_reports_import_csv(*, unit: Unit, actor: User, data: bytes) -> ImportResult:
    """Import a spreadsheet's reports: all rows, or none and every error listed."""
    _require_unit_staff(actor, unit)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ImportResult(0, [str(_("Berkas harus berupa CSV dengan enkode UTF-8."))])
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    if tuple(header) != CSV_COLUMNS:
        return ImportResult(
            0,
            [
                str(
                    _("Kolom CSV harus persis: %(expected)s. Ditemukan: %(found)s.")
                    % {
                        "expected": ", ".join(CSV_COLUMNS),
                        "found": ", ".join(header) or "-",
                    }
                )
            ],
        )
    reader.fieldnames = header
    accounts = {(a.platform, a.handle.lower()): a for a in unit.social_accounts.all()}
    errors: list[str] = []
    pending = []
    for line, row in enumerate(reader, start=2):
        account = accounts.get(
            (row["platform"].strip().lower(), row["akun"].strip().lstrip("@").lower())
        )
        if account is None:
            errors.append(
                str(
                    _("Baris %(line)d: akun %(platform)s “%(handle)s” belum terdaftar.")
                    % {"line": line, "platform": row["platform"], "handle": row["akun"]}
                )
            )
            continue
        match = _MONTH.match(row["bulan"].strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            errors.append(
                str(
                    _("Baris %(line)d: bulan harus ditulis TTTT-BB, misalnya 2025-03.")
                    % {"line": line}
                )
            )
            continue
        numbers = {
            field: _parse_int(row[column], line=line, column=column, errors=errors)
            for field, column in (
                ("followers", "pengikut"),
                ("posts", "unggahan"),
                ("interactions", "interaksi"),
            )
        }
        if None in numbers.values():
            continue
        pending.append(
            (
                line,
                account,
                date(int(match.group(1)), int(match.group(2)), 1),
                numbers,
                row["contoh_unggahan"].strip(),
            )
        )
    created = 0
    try:
        with transaction.atomic():
            for line, account, month, numbers, url in pending:
                try:
                    with transaction.atomic():
                        social_report_submit(
                            account=account,
                            actor=actor,
                            month=month,
                            sample_url=url,
                            **numbers,
                        )
                    created += 1
                except ValidationError as exc:
                    for message in exc.messages:
                        errors.append(
                            str(
                                _("Baris %(line)d: %(message)s")
                                % {"line": line, "message": message}
                            )
                        )
            if errors:
                raise _ImportFailed
    except _ImportFailed:
        return ImportResult(0, errors)
    return ImportResult(created, [])


class _ImportFailed(Exception):
    """Rolls the whole import back when one row was refused."""


def _check_incident(
    *, unit: Unit, occurred_at: datetime, learned_at: datetime, clarification
) -> None:
    errors = {}
    if occurred_at > timezone.now():
        errors["occurred_at"] = ValidationError(MSG_INCIDENT_FUTURE, code="future")
    if learned_at < occurred_at:
        errors["learned_at"] = ValidationError(
            MSG_LEARNED_BEFORE, code="learned_before"
        )
    if period_refuses_changes(day=timezone.localtime(occurred_at, WIB).date()):
        errors["occurred_at"] = ValidationError(MSG_PERIOD_CLOSED, code="closed")
    if clarification is not None:
        if clarification.unit_id != unit.pk:
            errors["clarification"] = ValidationError(
                MSG_CLARIFICATION_OTHER_UNIT, code="other_unit"
            )
        elif (
            clarification.published_at is not None
            and clarification.published_at < occurred_at
        ):
            errors["clarification"] = ValidationError(
                MSG_CLARIFICATION_BEFORE, code="clarification_before"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def incident_log(
    *,
    unit: Unit,
    actor: User,
    occurred_at: datetime,
    learned_at: datetime,
    kind: str,
    summary: str,
    reach: str,
    clarification: Post | None = None,
) -> Incident:
    """A unit records an incident (and, when it has one, its clarification)."""
    _require_unit_staff(actor, unit)
    _check_incident(
        unit=unit,
        occurred_at=occurred_at,
        learned_at=learned_at,
        clarification=clarification,
    )
    incident = Incident(
        unit=unit,
        occurred_at=occurred_at,
        learned_at=learned_at,
        kind=kind,
        summary=summary.strip(),
        reach=reach,
        clarification=clarification,
        reported_by=actor,
    )
    incident.full_clean()
    incident.save()
    statistics_refresh_request(unit_id=unit.pk)
    return incident


@transaction.atomic
def incident_link_clarification(
    *, incident: Incident, actor: User, clarification: Post
) -> Incident:
    """Link the post that answered the incident."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_unit_staff(actor, incident.unit)
    _check_incident(
        unit=incident.unit,
        occurred_at=incident.occurred_at,
        learned_at=incident.learned_at,
        clarification=clarification,
    )
    incident.clarification = clarification
    incident.save(update_fields=["clarification"])
    statistics_refresh_request(unit_id=incident.unit_id)
    return incident


@transaction.atomic
def incident_review(*, incident: Incident, actor: User, verified: bool) -> Incident:
    """An editor confirms the incident log (or rejects a mistaken one)."""
    _require_editor(actor)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if period_refuses_changes(day=timezone.localtime(incident.occurred_at, WIB).date()):
        raise ValidationError(MSG_PERIOD_CLOSED, code="period_closed")
    if incident.status != ReviewStatus.SUBMITTED:
        raise ValidationError(MSG_ALREADY_REVIEWED, code="already_reviewed")
    incident.status = ReviewStatus.VERIFIED if verified else ReviewStatus.REJECTED
    incident.reviewed_by = actor
    incident.reviewed_at = timezone.now()
    incident.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    statistics_refresh_request(unit_id=incident.unit_id)
    return incident
