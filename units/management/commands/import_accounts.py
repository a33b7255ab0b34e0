from django.core.management.base import BaseCommand

from units.imports.account_csv import account_import_csv
from units.management.commands.import_units import run_csv_import


class Command(BaseCommand):
    help = (
        "Import accounts of unit staff and regional reviewers from a CSV file "
        "with the columns nama_pengguna, nama_lengkap, email, upt (the unit's "
        "code or name), peran (kontributor, kepala, peninjau) and kanwil (for "
        "reviewers). New accounts are mailed an invitation to set their "
        "password. Running a file twice changes nothing. Exits with status 1 "
        "if any row failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8, with a header line).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and report every row, but save nothing (and mail no one).",
        )

    def handle(self, *args, file, dry_run, verbosity, **options):
        run_csv_import(
            self,
            importer=account_import_csv,
            file=file,
            dry_run=dry_run,
            verbosity=verbosity,
        )
