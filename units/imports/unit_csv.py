"""The units CSV import: create or update units (UPT) from a spreadsheet.

Rows are matched on the unit's official code first, then on its normalised
name (units.names), then on a name it had before (UnitNameHistory). A row whose
code is known but whose name is new renames the unit (a class upgrade, "Rutan
Kelas IIB X" to "Rutan Kelas IIA X"); a row matched by name never renames, so
another spelling of a name changes nothing. A second run of the same file
changes nothing. Reading and reporting: units.imports.csvfile.
"""

from collections.abc import Callable, Iterable
from typing import IO

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
from units.models import (
    TYPE_PREFIX,
    Region,
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
from units.services import unit_create, unit_update

# Columns the file may have (in any order); kode is optional.
COLUMNS = (
    "kode",
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
# A spreadsheet runs a cell starting with one of these as a formula (CSV
# injection): no unit's name starts so, and a name is what exports carry.
FORMULA_PREFIXES = ("=", "+", "-", "@")
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


def unit_import_csv(
    *,
    file: bytes | IO[bytes] | Iterable[bytes],
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    actor: User | None = None,
) -> ImportReport:
    """Create or update units from a CSV file; one report row per record.

    `actor` is recorded as the author of any rename.
    """
    regions = region_lookup()
    seen_names: dict[str, int] = {}
    seen_codes: dict[str, int] = {}

    def import_row(row: ImportRow, cells: dict[str, str]) -> None:
        fields = _row_fields(cells, regions)
        row.name = fields["name"]
        key = normalize_unit_name(fields["name"])
        code = fields["code"]
        for seen, value in ((seen_codes, code), (seen_names, key)):
            if value and value in seen:
                raise RowError(
                    _("Duplikat: UPT yang sama sudah ada di baris %d berkas ini.")
                    % seen[value]
                )
        if code:
            seen_codes[code] = row.line
        seen_names[key] = row.line
        row.status, row.reason, unit = _upsert(fields, actor=actor)
        row.name, row.object_id = unit.name, unit.pk

    return csv_import(
        file=file,
        header_problem=_header_problem,
        import_row=import_row,
        display_name=lambda cells: cells.get("nama", ""),
        model=Unit,
        multiline_columns=MULTILINE_COLUMNS,
        dry_run=dry_run,
        progress=progress,
    )


def _upsert(fields: dict, *, actor: User | None) -> tuple[str, str, Unit]:
    code = fields["code"]
    unit = selectors.unit_by_code(code=code) if code else None
    by_code = unit is not None
    if unit is None:
        unit = selectors.unit_by_name(name=fields["name"])
        if unit is not None and code and unit.code and unit.code != code:
            raise RowError(
                _("UPT “%(name)s” sudah berkode %(code)s, bukan %(given)s.")
                % {"name": unit.name, "code": unit.code, "given": code}
            )
    if unit is None:
        unit = unit_create(**fields)
        return RowStatus.CREATED, "", unit
    old_name = unit.name
    # Matched by name, the name identifies the unit: another spelling of it
    # (or a name it had before) does not rename it. Matched by code, a new
    # name is a rename. Empty cells never erase what is already known.
    if not by_code or normalize_unit_name(fields["name"]) == unit.normalized_name:
        fields.pop("name")
    changed = unit_update(
        unit=unit,
        actor=actor,
        **{name: value for name, value in fields.items() if value},
    )
    if not changed:
        return RowStatus.UNCHANGED, "", unit
    labels = ", ".join(str(Unit._meta.get_field(name).verbose_name) for name in changed)
    if "name" in changed:
        return (
            RowStatus.UPDATED,
            _("diubah: %(fields)s; nama lama “%(old)s”")
            % {"fields": labels, "old": old_name},
            unit,
        )
    return RowStatus.UPDATED, _("diubah: %s") % labels, unit


def _row_fields(cells: dict[str, str], regions: dict[str, Region]) -> dict:
    """The unit's fields from one row's cells, or RowError saying what is wrong."""
    region_text = cells.get("kanwil", "")
    if not region_text:
        raise RowError(_("Kolom kanwil wajib diisi."))
    region = regions.get(region_key(region_text))
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

    if name.startswith(FORMULA_PREFIXES):
        raise RowError(
            _("Nama “%s” diawali tanda rumus (=, +, - atau @); periksa kolom nama.")
            % name
        )
    fields = {
        "code": "".join(cells.get("kode", "").split()).upper(),
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


def region_key(text: str) -> str:
    text = " ".join(text.casefold().replace(".", "").split())
    stripped = True
    while stripped:
        stripped = False
        for prefix in REGION_PREFIXES:
            if text.startswith(prefix + " "):
                text = text[len(prefix) + 1 :]
                stripped = True
    return text


def region_lookup() -> dict[str, Region]:
    lookup = {}
    for region in Region.objects.all():
        lookup[region.province_code] = region
        lookup[region_key(region.name)] = region
        for alias in REGION_ALIASES.get(region.province_code, ()):
            lookup[alias] = region
    return lookup


def _header_problem(columns: list[str]) -> str:
    if "kanwil" not in columns:
        return str(_("Kolom kanwil tidak ada di baris judul."))
    if "nama" not in columns and not {"jenis", "tempat"} <= set(columns):
        return str(_("Kolom nama (atau jenis dan tempat) tidak ada di baris judul."))
    return ""
