"""Demo units and one account per role, for `manage.py load_demo`.

Everything here is safe to run again: units are imported by normalised name and
accounts are looked up by username, so a second run changes nothing.
"""

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from units.imports.csvfile import ImportReport
from units.imports.unit_csv import unit_import_csv
from units.models import Region, Role, Unit, User
from units.services import unit_update, user_set_role

DEMO_UNITS_CSV = Path(__file__).resolve().parent / "fixtures" / "demo_units.csv"
# One shared password, set only when an account is created; `load_demo`
# refuses to run with DEBUG off, so it never reaches a public server.
DEMO_PASSWORD = "demo-pas-2024"
# The head of unit (account `kepala`) approves this unit's posts before they
# reach the editors, so the demo shows that path.
HEAD_APPROVAL_UNIT = "Lapas Perempuan Kelas IIA Semarang"
# Staff must give a code after the password (units.two_factor). The demo
# staff accounts share this FIXED, published TOTP secret so that a reviewer
# can log in after `make run`: add it to an authenticator app, or run
# `manage.py demo_code`. Like the password it is only for demos: load_demo
# refuses to run with DEBUG off, and with --force it adds no demo device.
DEMO_TOTP_KEY = b"ditjenpas-demo-totp!".hex()
DEMO_TOTP_SECRET = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
DEMO_DEVICE_NAME = "Demo (kunci tetap)"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str  # the role's label, e.g. "Kontributor UPT"
    place: str  # the unit or region, "" for directorate staff
    created: bool


# username, first and last name, role, unit name, region's province code
ACCOUNTS = (
    ("admin", "Admin", "Portal", Role.ADMIN, "", ""),
    ("editor", "Editor", "Humas Ditjenpas", Role.EDITOR, "", ""),
    ("peninjau", "Peninjau", "Kanwil Jawa Tengah", Role.REVIEWER, "", "33"),
    (
        "kontributor",
        "Kontributor",
        "Lapas Perempuan Semarang",
        Role.CONTRIBUTOR,
        "Lapas Perempuan Kelas IIA Semarang",
        "",
    ),
    (
        "kepala",
        "Kepala",
        "Lapas Perempuan Semarang",
        Role.HEAD,
        "Lapas Perempuan Kelas IIA Semarang",
        "",
    ),
    (
        "kontributor2",
        "Kontributor",
        "Lapas Narkotika Karang Intan",
        Role.CONTRIBUTOR,
        "Lapas Narkotika Kelas IIA Karang Intan",
        "",
    ),
)


def demo_units_import(*, progress=None) -> ImportReport:
    return unit_import_csv(file=DEMO_UNITS_CSV.read_bytes(), progress=progress)


@transaction.atomic
def demo_load(*, stdout: TextIO | None = None) -> list[DemoAccount]:
    """Import the demo units and create the demo accounts (idempotent)."""
    report = demo_units_import()
    if report.has_errors:
        # The fixture is ours: a failing row is a bug, not bad input.
        raise RuntimeError(
            "demo_units.csv: %s"
            % "; ".join(str(row) for row in report.rows if row.status == "error")
        )
    if stdout is not None:
        stdout.write("UPT demo: %s\n" % report.summary())
    head_unit = Unit.objects.get(name=HEAD_APPROVAL_UNIT)
    if not head_unit.requires_head_approval:
        unit_update(unit=head_unit, requires_head_approval=True)

    accounts = []
    for username, first, last, role, unit_name, province_code in ACCOUNTS:
        unit = Unit.objects.get(name=unit_name) if unit_name else None
        region = (
            Region.objects.get(province_code=province_code) if province_code else None
        )
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": "%s@demo.ditjenpas.go.id" % username,
                "is_superuser": role == Role.ADMIN,
                "role": role,
                "unit": unit,
                "region": region,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        if created or (user.role, user.unit, user.region) != (role, unit, region):
            user_set_role(user=user, role=role, unit=unit, region=region)
        if user.is_staff and settings.DEBUG:
            demo_totp_device(user=user)
        accounts.append(
            DemoAccount(
                username=username,
                password=DEMO_PASSWORD,
                role=str(role.label),
                place=unit.name if unit else region.office_name if region else "",
                created=created,
            )
        )
    return accounts


def demo_totp_device(*, user: User) -> TOTPDevice | None:
    """The fixed-secret device of a demo staff account, unless it has enrolled
    a phone of its own."""
    devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    if devices.exclude(name=DEMO_DEVICE_NAME).exists():
        return None
    device, _created = TOTPDevice.objects.get_or_create(
        user=user,
        name=DEMO_DEVICE_NAME,
        defaults={"key": DEMO_TOTP_KEY, "confirmed": True},
    )
    return device


def demo_two_factor_notice() -> str:
    """What load_demo prints about the staff accounts' second step."""
    if not settings.DEBUG:
        return (
            "Verifikasi dua langkah: DEBUG mati, jadi akun staf demo tidak diberi "
            "kunci demo; mereka mendaftarkan aplikasi saat pertama kali masuk.\n"
        )
    return "\n".join(
        [
            "Verifikasi dua langkah (akun staf: admin, editor, peninjau):",
            "  setelah kata sandi, portal meminta kode 6 angka. Kunci demo TOTP",
            "  (sama untuk ketiganya, HANYA untuk demo): %s" % DEMO_TOTP_SECRET,
            "  Masukkan kunci itu di aplikasi autentikator, atau jalankan",
            "  `python manage.py demo_code` untuk kode saat ini.",
            "  Satu kode hanya berlaku sekali: untuk masuk lagi, tunggu kode",
            "  berikutnya (30 detik).",
            "",
        ]
    )
