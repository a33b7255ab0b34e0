import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from units.demo import DEMO_PASSWORD, demo_load, demo_two_factor_notice


class Command(BaseCommand):
    help = (
        "Load the demo units, accounts and posts. Safe to run again: a second "
        "run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (the demo accounts share one password).",
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG mati: akun demo memakai kata sandi bersama dan tidak boleh "
                "ada di server publik. Gunakan --force bila memang disengaja."
            )
        accounts = demo_load(stdout=self.stdout)
        # The news app brings its own demo posts once it has them.
        if importlib.util.find_spec("news.demo") is not None:
            from news.demo import demo_load_posts

            demo_load_posts(stdout=self.stdout)
        if importlib.util.find_spec("awards.demo") is not None:
            from awards.demo import demo_load_awards

            demo_load_awards(stdout=self.stdout)
        if importlib.util.find_spec("public.demo") is not None:
            # The footer's pages and social links, and reads for "Terpopuler".
            from public.demo import demo_load_home

            demo_load_home(stdout=self.stdout)
        self.stdout.write(self._box(accounts))
        self.stdout.write(demo_two_factor_notice())

    def _box(self, accounts) -> str:
        site = settings.SITE_URL.rstrip("/")
        lines = [
            "Portal siap: %s" % site,
            "Ruang redaksi (admin): %s/admin/" % site,
            "",
            "Akun demo (kata sandi awal: %s)" % DEMO_PASSWORD,
        ]
        width = max(len(account.username) for account in accounts)
        role_width = max(len(account.role) for account in accounts)
        for account in accounts:
            line = "  %s  %s  %s" % (
                account.username.ljust(width),
                account.role.ljust(role_width),
                account.place or "-",
            )
            lines.append(line.rstrip())
        inner = max(len(line) for line in lines)
        rule = "+" + "-" * (inner + 2) + "+"
        body = ["| %s |" % line.ljust(inner) for line in lines]
        return "\n".join([rule, *body, rule])
