from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo units, accounts and posts (idempotent)."

    def handle(self, *args, **options):
        self.stdout.write("Demo data: nothing yet.")
