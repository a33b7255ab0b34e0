"""The CSV machinery both imports share: reading, per-row verdicts, the report.

A file is read line by line (a bad byte is reported on its own line), the
separator is guessed from the header (spreadsheets set to Indonesian use ";"),
and records are parsed strictly, so a stray quote is that record's error
instead of swallowing the lines after it. Each record is written in its own
savepoint: a bad row writes nothing and does not stop the good ones. The whole
file is one transaction, so an interrupted import writes nothing at all; a dry
run rolls everything back and reports what would have happened.
"""

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _


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
    # The unit (unit import) or the account (account import) the row wrote.
    object_id: int | None = None

    @property
    def unit_id(self) -> int | None:
        return self.object_id

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
# Checks the header's (case-folded) columns; returns the problem or "".
HeaderCheck = Callable[[list[str]], str]
# Writes one record from its cells into the row: status, name, reason, object.
RowImporter = Callable[["ImportRow", dict[str, str]], None]


def csv_import(
    *,
    file: bytes | IO[bytes] | Iterable[bytes],
    header_problem: HeaderCheck,
    import_row: RowImporter,
    display_name: Callable[[dict[str, str]], str],
    model: type[models.Model],
    multiline_columns: tuple[str, ...] = (),
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Read a CSV file and hand each record's cells to `import_row`.

    `import_row(row, cells)` fills in the report row (status, the name it
    shows, reason, object id), or raises RowError or ValidationError for a bad
    row; `model` names the fields of a ValidationError in the report.
    `progress(done, total)` is called after each record.
    """
    report = ImportReport(dry_run=dry_run)
    lines, bad_lines = _decode_lines(_read_bytes(file))
    if not lines:
        report.rows.append(_error(1, _("Berkas kosong.")))
        return report

    reader = csv.reader(lines, dialect=_dialect(lines[0]), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        report.rows.append(_error(1, _("Baris judul tidak terbaca: %s") % exc))
        return report
    if 1 in bad_lines:
        report.rows.append(_error(1, _encoding_reason(1)))
        return report
    columns = [column.strip().casefold() for column in header]
    problem = (
        str(_("Judul kolom ganda."))
        if len(set(columns)) != len(columns)
        else header_problem(columns)
    )
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
            records.append((previous_end + 1, reader.line_num, None, str(exc)))
            previous_end = reader.line_num
            continue
        records.append((previous_end + 1, reader.line_num, values, ""))
        previous_end = reader.line_num

    with transaction.atomic():
        for done, (start, end, values, csv_problem) in enumerate(records, 1):
            row = _import_record(
                start=start,
                end=end,
                values=values,
                csv_problem=csv_problem,
                columns=columns,
                bad_lines=bad_lines,
                multiline_columns=multiline_columns,
                import_row=import_row,
                display_name=display_name,
                model=model,
            )
            if row is not None:
                report.rows.append(row)
            if progress is not None:
                progress(done, len(records))
        if dry_run:
            transaction.set_rollback(True)
    return report


def _import_record(
    *,
    start,
    end,
    values,
    csv_problem,
    columns,
    bad_lines,
    multiline_columns,
    import_row,
    display_name,
    model,
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
        column: _clean_cell(value, multiline=column in multiline_columns)
        for column, value in zip(columns, values, strict=False)
    }
    row = ImportRow(start, RowStatus.ERROR, display_name(cells))
    try:
        with transaction.atomic():
            import_row(row, cells)
    except RowError as exc:
        return _error(start, str(exc), name=row.name)
    except ValidationError as exc:
        return _error(start, validation_reason(exc, model=model), name=row.name)
    except IntegrityError:
        # Another import or an administrator saved the same row meanwhile.
        return _error(
            start,
            _("Bentrok dengan data yang baru disimpan; jalankan impor lagi."),
            name=row.name,
        )
    return row


def _clean_cell(value: str, *, multiline: bool) -> str:
    if multiline:
        lines = (" ".join(line.split()) for line in value.strip().splitlines())
        return "\n".join(line for line in lines if line)
    return " ".join(value.split())


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
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("utf-8", errors="replace")
            bad.add(number)
        # No text holds NUL; UTF-16 (a spreadsheet's "Unicode text") is full
        # of them and would otherwise pass as UTF-8 with odd column names.
        if "\x00" in line:
            bad.add(number)
        lines.append(line)
    return lines, bad


def _dialect(header_line: str) -> type[csv.Dialect]:
    # Spreadsheets set to Indonesian separate with ";" (the comma is the
    # decimal mark there).
    if header_line.count(";") > header_line.count(","):

        class Semicolon(csv.excel):
            delimiter = ";"

        return Semicolon
    return csv.excel


def _encoding_reason(line: int) -> str:
    return _("Baris %d bukan teks UTF-8; simpan berkas sebagai “CSV UTF-8”.") % (line,)


def validation_reason(exc: ValidationError, *, model: type[models.Model]) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for field_name, messages in exc.message_dict.items():
        text = " ".join(messages)
        if field_name == NON_FIELD_ERRORS:
            parts.append(text)
        else:
            try:
                label = model._meta.get_field(field_name).verbose_name
            except Exception:  # noqa: BLE001 - a form-level field name
                label = field_name
            parts.append("%s: %s" % (label, text))
    return "; ".join(parts)


def _error(line: int, reason, *, name: str = "") -> ImportRow:
    return ImportRow(line, RowStatus.ERROR, name, str(reason))


def import_report_lines(report: ImportReport) -> list[str]:
    """The report as text lines, as the commands and the admin show it."""
    lines = [str(row) for row in report.rows]
    lines.append(report.summary())
    if report.changed_nothing and not report.has_errors:
        lines.append(str(_("Tidak ada perubahan: data sudah sesuai dengan berkas.")))
    if report.dry_run:
        lines.append(str(_("Uji coba: tidak ada yang disimpan.")))
    return lines
