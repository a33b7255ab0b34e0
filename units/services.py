"""Writes for units and people: unit records, the CSV import, role assignment."""

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO

from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from units.models import (
    ROLE_GROUPS,
    STAFF_ROLES,
    TYPE_PREFIX,
    UNIT_ROLES,
    Region,
    Role,
    Speciality,
    Unit,
    UnitClass,
    User,
)
from units.names import (
    CLASS_ALIASES,
    SPECIALITY_ALIASES,
    TYPE_ALIASES,
    normalize_unit_name,
    parse_unit_name,
)

# --- Units --------------------------------------------------------------------

# Fields the import and the admin may set; name, key and slug are derived.
UNIT_DETAIL_FIELDS = ("address", "phone", "email", "website", "profile")


@transaction.atomic
def unit_create(
    *,
    region: Region,
    unit_type: str,
    place: str,
    name: str = "",
    speciality: str = "",
    unit_class: str = "",
    slug: str = "",
    is_active: bool = True,
    **details: str,
) -> Unit:
    """A new unit; its name is built from the parts when not given verbatim."""
    unit = Unit(
        region=region,
        unit_type=unit_type,
        place=place,
        name=name,
        speciality=speciality,
        unit_class=unit_class,
        slug=slug,
        is_active=is_active,
        **details,
    )
    return unit_save(unit=unit)


@transaction.atomic
def unit_update(*, unit: Unit, **fields) -> list[str]:
    """Set the given fields, validate and save; returns the fields that changed."""
    changed = []
    for name, value in fields.items():
        if getattr(unit, name) != value:
            setattr(unit, name, value)
            changed.append(name)
    unit_save(unit=unit)
    return changed


@transaction.atomic
def unit_save(*, unit: Unit) -> Unit:
    """Validate and save a unit as it stands (the admin form's changes, say)."""
    unit.fill_derived_fields()
    # Unit.clean() reports a same-key unit by name; the raw unique check on
    # the key would only repeat it in a less readable way.
    unit.full_clean(exclude=["normalized_name"])
    unit.save()
    return unit


# --- The CSV import ---------------------------------------------------------

COLUMNS = (
    "nama",
    "jenis",
    "kekhususan",
    "kelas",
    "tempat",
    "kanwil",
    "alamat",
    "telepon",
    "email",
    "website",
    "profil",
)
DETAIL_COLUMNS = {
    "alamat": "address",
    "telepon": "phone",
    "email": "email",
    "website": "website",
    "profil": "profile",
}
# Addresses and profiles keep their line breaks.
MULTILINE_COLUMNS = ("alamat", "profil")
# Words in front of a province name that still mean its regional office.
REGION_PREFIXES = (
    "kantor wilayah",
    "kanwil",
    "kementerian hukum dan ham",
    "kementerian imigrasi dan pemasyarakatan",
    "kemenkumham",
    "kemenimipas",
    "ditjenpas",
    "provinsi",
    "prov",
)
# Short and long forms in common use, by province code.
REGION_ALIASES = {
    "12": ("sumut",),
    "13": ("sumbar",),
    "16": ("sumsel",),
    "19": ("babel", "bangka belitung"),
    "21": ("kepri",),
    "31": ("jakarta", "dki", "daerah khusus ibukota jakarta", "daerah khusus jakarta"),
    "32": ("jabar",),
    "33": ("jateng",),
    "34": ("yogyakarta", "diy", "daerah istimewa yogyakarta"),
    "35": ("jatim",),
    "52": ("ntb",),
    "53": ("ntt",),
    "61": ("kalbar",),
    "62": ("kalteng",),
    "63": ("kalsel",),
    "64": ("kaltim",),
    "65": ("kaltara",),
    "71": ("sulut",),
    "72": ("sulteng",),
    "73": ("sulsel",),
    "74": ("sultra",),
    "76": ("sulbar",),
    "82": ("malut",),
}


class RowStatus:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"

    LABELS = {
        CREATED: _("dibuat"),
        UPDATED: _("diperbarui"),
        UNCHANGED: _("tidak berubah"),
        ERROR: _("galat"),
    }


@dataclass
class ImportRow:
    line: int  # the physical line the record starts on (the header is line 1)
    status: str  # a RowStatus value
    name: str = ""
    reason: str = ""
    unit_id: int | None = None

    @property
    def status_label(self) -> str:
        return str(RowStatus.LABELS[self.status])

    def __str__(self) -> str:
        text = "%s %d: %s" % (_("baris"), self.line, self.status_label)
        if self.name:
            text += " \u2014 %s" % self.name
        if self.reason:
            text += " (%s)" % self.reason
        return text


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def created(self) -> int:
        return self.count(RowStatus.CREATED)

    @property
    def updated(self) -> int:
        return self.count(RowStatus.UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(RowStatus.UNCHANGED)

    @property
    def errors(self) -> int:
        return self.count(RowStatus.ERROR)

    @property
    def has_errors(self) -> bool:
        return self.errors > 0

    @property
    def changed_nothing(self) -> bool:
        return self.created == 0 and self.updated == 0

    def summary(self) -> str:
        """'12 dibuat, 0 diperbarui, 3 tidak berubah, 1 galat'."""
        return _(
            "%(created)d dibuat, %(updated)d diperbarui, "
            "%(unchanged)d tidak berubah, %(errors)d galat"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


class RowError(Exception):
    """A row that cannot be imported; the message says why, in Indonesian."""


ProgressCallback = Callable[[int, int], None]


def unit_import_csv(
    *,
    file: bytes | IO[bytes] | Iterable[bytes],
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Create or update units from a CSV file; one report row per record.

    Rows are matched on the normalised unit name, so a second run of the same
    file changes nothing. Each row is written in its own savepoint: a bad row
    writes nothing and does not stop the good ones. The whole file is one
    transaction, so an interrupted import writes nothing at all; a dry run
    rolls everything back and reports what would have happened.

    `progress(done, total)` is called after each record.
    """
    report = ImportReport(dry_run=dry_run)
    data = _read_bytes(file)
    lines, bad_lines = _decode_lines(data)
    if not lines:
        report.rows.append(_error(1, _("Berkas kosong.")))
        return report

    dialect = _dialect(lines[0])
    reader = csv.reader(lines, dialect=dialect, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        report.rows.append(_error(1, _("Baris judul tidak terbaca: %s") % exc))
        return report
    if 1 in bad_lines:
        report.rows.append(_error(1, _encoding_reason(1)))
        return report
    columns = [column.strip().casefold() for column in header]
    problem = _header_problem(columns)
    if problem:
        report.rows.append(_error(1, problem))
        return report

    records = []
    previous_end = reader.line_num
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # Strict parsing: a stray or unclosed quote is this record's error
            # instead of silently swallowing the lines after it.
            records.append((previous_end + 1, reader.line_num, None, str(exc)))
            previous_end = reader.line_num
            continue
        records.append((previous_end + 1, reader.line_num, values, ""))
        previous_end = reader.line_num

    regions = _region_lookup()
    seen: dict[str, int] = {}
    with transaction.atomic():
        for done, (start, end, values, csv_problem) in enumerate(records, 1):
            row = _import_record(
                start=start,
                end=end,
                values=values,
                csv_problem=csv_problem,
                columns=columns,
                bad_lines=bad_lines,
                regions=regions,
                seen=seen,
            )
            if row is not None:
                report.rows.append(row)
            if progress is not None:
                progress(done, len(records))
        if dry_run:
            transaction.set_rollback(True)
    return report


def _import_record(
    *, start, end, values, csv_problem, columns, bad_lines, regions, seen
) -> ImportRow | None:
    if values is None:
        return _error(start, _("CSV rusak: %s") % csv_problem)
    broken = sorted(line for line in range(start, end + 1) if line in bad_lines)
    if broken:
        return _error(start, _encoding_reason(broken[0]))
    if not any(value.strip() for value in values):
        return None  # blank lines are not rows
    if len(values) > len(columns):
        return _error(
            start,
            _("Jumlah kolom (%(found)d) melebihi judul (%(expected)d).")
            % {"found": len(values), "expected": len(columns)},
        )
    cells = {
        column: _clean_cell(value, multiline=column in MULTILINE_COLUMNS)
        for column, value in zip(columns, values, strict=False)
    }
    display_name = cells.get("nama", "")
    try:
        fields = _row_fields(cells, regions)
        display_name = fields["name"]
        key = normalize_unit_name(fields["name"])
        if key in seen:
            raise RowError(
                _("Duplikat: UPT yang sama sudah ada di baris %d berkas ini.")
                % seen[key]
            )
        seen[key] = start
        with transaction.atomic():
            status, reason, unit = _upsert(key, fields)
    except RowError as exc:
        return _error(start, str(exc), name=display_name)
    except ValidationError as exc:
        return _error(start, _validation_reason(exc), name=display_name)
    except IntegrityError:
        # Another import or an editor saved the same unit meanwhile.
        return _error(
            start,
            _("Bentrok dengan data yang baru disimpan; jalankan impor lagi."),
            name=display_name,
        )
    return ImportRow(start, status, unit.name, reason, unit.pk)


def _upsert(key: str, fields: dict) -> tuple[str, str, Unit]:
    unit = Unit.objects.select_related("region").filter(normalized_name=key).first()
    if unit is None:
        unit = unit_create(**fields)
        return RowStatus.CREATED, "", unit
    # The name identifies the unit: another spelling of it does not rename it,
    # and empty cells never erase what is already known.
    fields.pop("name")
    changed = unit_update(
        unit=unit, **{name: value for name, value in fields.items() if value}
    )
    if not changed:
        return RowStatus.UNCHANGED, "", unit
    labels = [str(Unit._meta.get_field(name).verbose_name) for name in changed]
    return RowStatus.UPDATED, _("diubah: %s") % ", ".join(labels), unit


def _row_fields(cells: dict[str, str], regions: dict[str, Region]) -> dict:
    """The unit's fields from one row's cells, or RowError saying what is wrong."""
    region_text = cells.get("kanwil", "")
    if not region_text:
        raise RowError(_("Kolom kanwil wajib diisi."))
    region = regions.get(_region_key(region_text))
    if region is None:
        raise RowError(_("Kanwil tidak dikenal: “%s”.") % region_text)

    name = cells.get("nama", "")
    unit_type = _choice(cells.get("jenis", ""), _type_value, _("jenis"))
    speciality = _choice(
        cells.get("kekhususan", ""), _speciality_value, _("kekhususan")
    )
    unit_class = _choice(cells.get("kelas", ""), _class_value, _("kelas"))
    place = cells.get("tempat", "")

    if name:
        parsed = parse_unit_name(name)
        if parsed is not None:
            for label, given, from_name in (
                (_("jenis"), unit_type, parsed.unit_type),
                (_("kekhususan"), speciality, parsed.speciality),
                (_("kelas"), unit_class, parsed.unit_class),
            ):
                if given and given != from_name:
                    raise RowError(
                        _("Kolom %(column)s (%(given)s) tidak sesuai dengan nama.")
                        % {"column": label, "given": given}
                    )
            unit_type = parsed.unit_type
            speciality = parsed.speciality
            unit_class = parsed.unit_class
            place = place or parsed.place
        elif not unit_type or not place:
            raise RowError(
                _(
                    "Nama tidak mengikuti pola “<jenis> [kekhususan] Kelas "
                    "<kelas> <tempat>”; isi kolom jenis dan tempat."
                )
            )
    else:
        if not unit_type or not place:
            raise RowError(_("Kolom nama (atau jenis dan tempat) wajib diisi."))
        name = _build_name(unit_type, speciality, unit_class, place)

    fields = {
        "name": name,
        "region": region,
        "unit_type": unit_type,
        "speciality": speciality,
        "unit_class": unit_class,
        "place": place,
    }
    for column, field_name in DETAIL_COLUMNS.items():
        value = cells.get(column, "")
        if field_name == "website" and value and "://" not in value:
            value = "https://" + value
        fields[field_name] = value
    return fields


def _clean_cell(value: str, *, multiline: bool) -> str:
    if multiline:
        lines = (" ".join(line.split()) for line in value.strip().splitlines())
        return "\n".join(line for line in lines if line)
    return " ".join(value.split())


def _build_name(unit_type: str, speciality: str, unit_class: str, place: str) -> str:
    return Unit(
        unit_type=unit_type,
        speciality=speciality,
        unit_class=unit_class,
        place=place,
    ).build_official_name()


def _choice(text: str, to_value: Callable[[str], str | None], label) -> str:
    if not text:
        return ""
    value = to_value(" ".join(text.casefold().split()))
    if value is None:
        raise RowError(
            _("%(column)s tidak dikenal: “%(value)s”.")
            % {"column": str(label).capitalize(), "value": text}
        )
    return value


def _type_value(text: str) -> str | None:
    text = TYPE_ALIASES.get(text, text)
    for value, prefix in TYPE_PREFIX.items():
        if text in (value, prefix.casefold()):
            return str(value)
    return None


def _speciality_value(text: str) -> str | None:
    if text in ("umum", "-", "(umum)"):
        return ""
    text = SPECIALITY_ALIASES.get(text, text)
    return text if text in Speciality.values and text else None


def _class_value(text: str) -> str | None:
    words = text.replace("-", " ").split()
    if words and words[0] in ("kelas", "klas", "kls", "kls."):
        words = words[1:]
    text = CLASS_ALIASES.get("".join(words), "".join(words)).upper()
    return text if text in UnitClass.values else None


def _region_key(text: str) -> str:
    text = " ".join(text.casefold().replace(".", "").split())
    stripped = True
    while stripped:
        stripped = False
        for prefix in REGION_PREFIXES:
            if text.startswith(prefix + " "):
                text = text[len(prefix) + 1 :]
                stripped = True
    return text


def _region_lookup() -> dict[str, Region]:
    lookup = {}
    for region in Region.objects.all():
        lookup[region.province_code] = region
        lookup[_region_key(region.name)] = region
        for alias in REGION_ALIASES.get(region.province_code, ()):
            lookup[alias] = region
    return lookup


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes):
        return file
    if hasattr(file, "read"):
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read()
        return data.encode("utf-8") if isinstance(data, str) else data
    return b"".join(file)


def _decode_lines(data: bytes) -> tuple[list[str], set[int]]:
    """Lines decoded one by one, so a bad byte is reported on its own line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines, bad = [], set()
    for number, raw in enumerate(data.splitlines(keepends=True), 1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode("utf-8", errors="replace"))
            bad.add(number)
    return lines, bad


def _dialect(header_line: str) -> type[csv.Dialect]:
    # Spreadsheets set to Indonesian separate with ";" (the comma is the
    # decimal mark there).
    if header_line.count(";") > header_line.count(","):

        class Semicolon(csv.excel):
            delimiter = ";"

        return Semicolon
    return csv.excel


def _header_problem(columns: list[str]) -> str:
    if len(set(columns)) != len(columns):
        return str(_("Judul kolom ganda."))
    if "kanwil" not in columns:
        return str(_("Kolom kanwil tidak ada di baris judul."))
    if "nama" not in columns and not {"jenis", "tempat"} <= set(columns):
        return str(_("Kolom nama (atau jenis dan tempat) tidak ada di baris judul."))
    return ""


def _encoding_reason(line: int) -> str:
    return _("Baris %d bukan teks UTF-8; simpan berkas sebagai “CSV UTF-8”.") % (line,)


def _validation_reason(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for field_name, messages in exc.message_dict.items():
        text = " ".join(messages)
        if field_name == NON_FIELD_ERRORS:
            parts.append(text)
        else:
            label = Unit._meta.get_field(field_name).verbose_name
            parts.append("%s: %s" % (label, text))
    return "; ".join(parts)


def _error(line: int, reason, *, name: str = "") -> ImportRow:
    return ImportRow(line, RowStatus.ERROR, name, str(reason))


def import_report_lines(report: ImportReport) -> list[str]:
    """The report as text lines, as the command and the admin show it."""
    lines = [str(row) for row in report.rows]
    lines.append(report.summary())
    if report.changed_nothing and not report.has_errors:
        lines.append(str(_("Tidak ada perubahan: data sudah sesuai dengan berkas.")))
    if report.dry_run:
        lines.append(str(_("Uji coba: tidak ada yang disimpan.")))
    return lines


# --- People -------------------------------------------------------------------


def user_role_validate(*, role: str, unit: Unit | None, region: Region | None) -> None:
    """Unit staff have one unit, reviewers one region, everyone else neither."""
    errors = {}
    if role not in Role.values:
        errors["role"] = _("Peran tidak dikenal.")
    elif role in UNIT_ROLES:
        if unit is None:
            errors["unit"] = _("Kontributor dan kepala UPT harus memilih satu UPT.")
        if region is not None:
            errors["region"] = _(
                "Hanya peninjau kanwil yang terdaftar pada kanwil; kosongkan."
            )
    elif role == Role.REVIEWER:
        if region is None:
            errors["region"] = _("Peninjau kanwil harus memilih satu kanwil.")
        if unit is not None:
            errors["unit"] = _("Peninjau kanwil tidak terdaftar pada UPT; kosongkan.")
    else:
        if unit is not None:
            errors["unit"] = _(
                "Editor dan administrator Ditjenpas tidak terdaftar pada UPT; "
                "kosongkan."
            )
        if region is not None:
            errors["region"] = _(
                "Editor dan administrator Ditjenpas tidak terdaftar pada kanwil; "
                "kosongkan."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_set_role(
    *, user: User, role: str, unit: Unit | None = None, region: Region | None = None
) -> User:
    """Give an account its role: unit or region, admin access and the role's group.

    The account ends up in exactly one role group, so its permissions are the
    role's and nothing left over from an earlier role.
    """
    user_role_validate(role=role, unit=unit, region=region)
    user.role = role
    user.unit = unit
    user.region = region
    user.is_staff = role in STAFF_ROLES
    user.full_clean(exclude=["password"])
    user.save()
    group, _created = Group.objects.get_or_create(name=ROLE_GROUPS[Role(role)])
    user.groups.set([group])
    return user
