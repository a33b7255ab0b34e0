"""Print the current code for the demo staff accounts' fixed TOTP secret.

Only the published demo secret (units.demo.DEMO_TOTP_SECRET), never a real
device's: this command reads no database. It refuses to run with DEBUG off.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from units.demo import DEMO_TOTP_KEY, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Kode verifikasi saat ini untuk akun staf demo (admin, editor, peninjau)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("DEBUG mati: kode demo hanya untuk demo.")
        totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY))
        now = time.time()
        totp.time = now
        seconds_left = 30 - int(now) % 30
        self.stdout.write(
            "Kode demo: %06d (berlaku %d detik lagi; kunci %s)"
            % (totp.token(), seconds_left, DEMO_TOTP_SECRET)
        )
