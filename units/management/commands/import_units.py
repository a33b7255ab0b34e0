import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from units.imports.csvfile import RowStatus, import_report_lines
from units.imports.unit_csv import unit_import_csv


def run_csv_import(command: BaseCommand, *, importer, file, dry_run, verbosity):
    """Read the file, run `importer` and print its report; exit 1 on bad rows.

    Shared by import_units and import_accounts.
    """
    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise CommandError(_("Berkas tidak dapat dibaca: %s") % exc) from exc

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, unit=_("baris"), file=sys.stderr, leave=False)
        bar.update(1)

    # A progress bar only for a person watching a terminal, not in logs.
    show_bar = verbosity > 0 and command.stdout.isatty()
    try:
        report = importer(
            file=data, dry_run=dry_run, progress=progress if show_bar else None
        )
    finally:
        if bar is not None:
            bar.close()

    lines = import_report_lines(report)
    for row, line in zip(report.rows, lines, strict=False):
        if row.status == RowStatus.ERROR:
            command.stdout.write(command.style.ERROR(line))
        elif verbosity > 0:
            command.stdout.write(line)
    for line in lines[len(report.rows) :]:
        command.stdout.write(line)
    if report.has_errors:
        raise CommandError(
            _("%d baris gagal diimpor; baris lain tetap diproses.") % report.errors,
            returncode=1,
        )


class Command(BaseCommand):
    help = (
        "Import units (UPT) from a CSV file with the columns kode, nama, jenis, "
        "kekhususan, kelas, tempat, kanwil, alamat, telepon, email, website, "
        "profil. Rows are matched by code, then by normalised name (current or "
        "former); a known code with a new name renames the unit. Running a file "
        "twice changes nothing. Exits with status 1 if any row failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8, with a header line).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and report every row, but save nothing.",
        )

    def handle(self, *args, file, dry_run, verbosity, **options):
        run_csv_import(
            self,
            importer=unit_import_csv,
            file=file,
            dry_run=dry_run,
            verbosity=verbosity,
        )
