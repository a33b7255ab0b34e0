import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from units.imports.csvfile import RowStatus, import_report_lines
from units.imports.unit_csv import unit_import_csv


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
        show_bar = verbosity > 0 and self.stdout.isatty()
        try:
            report = unit_import_csv(
                file=data, dry_run=dry_run, progress=progress if show_bar else None
            )
        finally:
            if bar is not None:
                bar.close()

        lines = import_report_lines(report)
        for row, line in zip(report.rows, lines, strict=False):
            if row.status == RowStatus.ERROR:
                self.stdout.write(self.style.ERROR(line))
            elif verbosity > 0:
                self.stdout.write(line)
        for line in lines[len(report.rows) :]:
            self.stdout.write(line)
        if report.has_errors:
            raise CommandError(
                _("%d baris gagal diimpor; baris lain tetap diproses.") % report.errors,
                returncode=1,
            )
