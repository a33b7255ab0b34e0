"""The accounts CSV import: onboard unit staff and regional reviewers in bulk.

One row per account: username, full name, e-mail, the unit (its code or its
name in any spelling, current or former) and the role; reviewers name their
regional office in a kanwil column instead. A new account gets no password:
it is invited by mail, after commit, to choose one (units.services
.account_create). An existing account (same username, any case) is brought
in line with its row, without a new invitation; a second run of the same file
changes nothing. Editors and administrators are never created or changed here.
Reading and reporting: units.imports.csvfile.
"""

from collections.abc import Iterable
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from units import selectors
from units.imports.csvfile import (
    ImportReport,
    ImportRow,
    ProgressCallback,
    RowError,
    RowStatus,
    csv_import,
)
from units.imports.unit_csv import region_key, region_lookup
from units.models import UNIT_ROLES, Role, User
from units.services import account_create, account_update, email_taken_by

COLUMNS = ("nama_pengguna", "nama_lengkap", "email", "upt", "peran", "kanwil")
REQUIRED_COLUMNS = ("nama_pengguna", "nama_lengkap", "email", "peran")
# Other headers people write for the same columns.
COLUMN_ALIASES = {
    "username": "nama_pengguna",
    "nama pengguna": "nama_pengguna",
    "nama": "nama_lengkap",
    "nama lengkap": "nama_lengkap",
    "full name": "nama_lengkap",
    "e-mail": "email",
    "surel": "email",
    "unit": "upt",
    "kode upt": "upt",
    "kode_upt": "upt",
    "nama upt": "upt",
    "role": "peran",
}
ROLE_WORDS = {
    "kontributor": Role.CONTRIBUTOR,
    "kontributor upt": Role.CONTRIBUTOR,
    "humas": Role.CONTRIBUTOR,
    "humas upt": Role.CONTRIBUTOR,
    "agen informasi": Role.CONTRIBUTOR,
    "contributor": Role.CONTRIBUTOR,
    "kepala": Role.HEAD,
    "kepala upt": Role.HEAD,
    "head": Role.HEAD,
    "peninjau": Role.REVIEWER,
    "peninjau kanwil": Role.REVIEWER,
    "reviewer": Role.REVIEWER,
}
IMPORTABLE_ROLES = (*UNIT_ROLES, Role.REVIEWER)


def account_import_csv(
    *,
    file: bytes | IO[bytes] | Iterable[bytes],
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Create or update accounts from a CSV file; one report row per record."""
    regions = region_lookup()
    seen_usernames: dict[str, int] = {}
    seen_emails: dict[str, int] = {}

    def import_row(row: ImportRow, cells: dict[str, str]) -> None:
        cells = {COLUMN_ALIASES.get(name, name): value for name, value in cells.items()}
        username = cells.get("nama_pengguna", "")
        full_name = cells.get("nama_lengkap", "")
        email = cells.get("email", "")
        for column, value in (
            ("nama_pengguna", username),
            ("nama_lengkap", full_name),
            ("email", email),
            ("peran", cells.get("peran", "")),
        ):
            if not value:
                raise RowError(_("Kolom %s wajib diisi.") % column)
        try:
            validate_email(email)
        except ValidationError as exc:
            raise RowError(_("E-mail tidak sah: “%s”.") % email) from exc
        for seen, value, label in (
            (seen_usernames, username.casefold(), _("nama pengguna")),
            (seen_emails, email.casefold(), _("e-mail")),
        ):
            if value in seen:
                raise RowError(
                    _("Duplikat: %(what)s yang sama sudah ada di baris %(line)d.")
                    % {"what": label, "line": seen[value]}
                )
            seen[value] = row.line

        role = _role(cells.get("peran", ""))
        unit = region = None
        if role in UNIT_ROLES:
            unit = _unit(cells.get("upt", ""))
        else:
            region = _region(cells.get("kanwil", ""), regions)

        user = User.objects.filter(username__iexact=username).first()
        other = email_taken_by(email=email, user=user)
        if other is not None:
            raise RowError(_("E-mail sudah dipakai akun lain (“%s”).") % other.username)
        if user is None:
            user = account_create(
                username=username,
                full_name=full_name,
                email=email,
                role=role,
                unit=unit,
                region=region,
            )
            row.status = RowStatus.CREATED
            invited = (
                _("undangan akan dikirim ke %s")
                if dry_run
                else _("undangan dikirim ke %s")
            )
            row.reason = invited % email
        else:
            if user.is_superuser or user.role not in IMPORTABLE_ROLES:
                raise RowError(
                    _(
                        "Akun “%s” milik editor atau administrator; ubah lewat "
                        "halaman akunnya."
                    )
                    % user.username
                )
            changed = account_update(
                user=user,
                full_name=full_name,
                email=email,
                role=role,
                unit=unit,
                region=region,
            )
            row.status = RowStatus.UPDATED if changed else RowStatus.UNCHANGED
            if changed:
                labels = {
                    "first_name": _("nama"),
                    "email": _("e-mail"),
                    "role": _("peran, UPT atau kanwil"),
                }
                row.reason = _("diubah: %s") % ", ".join(
                    str(labels[name]) for name in changed
                )
        row.name, row.object_id = user.username, user.pk

    return csv_import(
        file=file,
        header_problem=_header_problem,
        import_row=import_row,
        display_name=lambda cells: cells.get(
            "nama_pengguna", cells.get("username", "")
        ),
        model=User,
        dry_run=dry_run,
        progress=progress,
    )


def _role(text: str) -> str:
    words = " ".join(text.casefold().split())
    role = ROLE_WORDS.get(words)
    if role is None:
        for value, label in Role.choices:
            if words in (value, str(label).casefold()):
                role = value
    if role is None:
        raise RowError(_("Peran tidak dikenal: “%s”.") % text)
    if role not in IMPORTABLE_ROLES:
        raise RowError(
            _(
                "Peran “%s” tidak dapat diimpor; buat akun editor dan "
                "administrator di halaman akun."
            )
            % text
        )
    return role


def _unit(text: str):
    if not text:
        raise RowError(_("Kolom upt (kode atau nama UPT) wajib diisi."))
    unit = selectors.unit_by_code(code=text) or selectors.unit_by_name(name=text)
    if unit is None:
        raise RowError(_("UPT tidak dikenal: “%s”.") % text)
    return unit


def _region(text: str, regions):
    if not text:
        raise RowError(_("Peninjau memerlukan kolom kanwil."))
    region = regions.get(region_key(text))
    if region is None:
        raise RowError(_("Kanwil tidak dikenal: “%s”.") % text)
    return region


def _header_problem(columns: list[str]) -> str:
    present = {COLUMN_ALIASES.get(column, column) for column in columns}
    missing = [column for column in REQUIRED_COLUMNS if column not in present]
    if missing:
        return str(_("Kolom %s tidak ada di baris judul.") % ", ".join(missing))
    if "upt" not in present and "kanwil" not in present:
        return str(
            _("Kolom upt (atau kanwil untuk peninjau) tidak ada di baris judul.")
        )
    return ""
