import io

import pytest
from django.core.management import CommandError, call_command

from units.demo import DEMO_PASSWORD
from units.models import Region, Role, Unit, User

HEADER = (
    "nama,jenis,kekhususan,kelas,tempat,kanwil,alamat,telepon,email,website,profil\n"
)


@pytest.fixture
def csv_file(tmp_path):
    def write(*rows: str, encoding="utf-8"):
        path = tmp_path / "upt.csv"
        path.write_bytes((HEADER + "".join(r + "\n" for r in rows)).encode(encoding))
        return str(path)

    return write


def run(*args, stdout=None, **options) -> str:
    out = stdout or io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


# --- import_units -------------------------------------------------------------


def test_import_units_prints_a_line_per_row_and_a_summary(db, csv_file):
    path = csv_file(
        "Lapas Kelas IIA Salemba,,,,,DKI Jakarta,,,,,",
        "Rutan Kelas IIB Bangil,,,,,Jawa Timur,,,,,",
    )

    output = run("import_units", path)

    assert output.splitlines() == [
        "baris 2: dibuat \u2014 Lapas Kelas IIA Salemba",
        "baris 3: dibuat \u2014 Rutan Kelas IIB Bangil",
        "2 dibuat, 0 diperbarui, 0 tidak berubah, 0 galat",
    ]
    assert Unit.objects.count() == 2


def test_import_units_second_run_says_nothing_changed(db, csv_file):
    path = csv_file("Lapas Kelas IIA Salemba,,,,,DKI Jakarta,,,,,")
    run("import_units", path)

    output = run("import_units", path)

    assert "baris 2: tidak berubah \u2014 Lapas Kelas IIA Salemba" in output
    assert "0 dibuat, 0 diperbarui, 1 tidak berubah, 0 galat" in output
    assert "Tidak ada perubahan" in output
    assert Unit.objects.count() == 1


def test_import_units_fails_with_status_1_but_keeps_the_good_rows(db, csv_file):
    path = csv_file(
        "Lapas Kelas IIA Salemba,,,,,DKI Jakarta,,,,,",
        "Lapas Kelas IIA Bukit Duri,,,,,Atlantis,,,,,",
    )
    out = io.StringIO()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_units", path, stdout=out)

    assert excinfo.value.returncode == 1
    assert "1 baris gagal diimpor" in str(excinfo.value)
    output = out.getvalue()
    assert "baris 3: galat \u2014 Lapas Kelas IIA Bukit Duri" in output
    assert "Kanwil tidak dikenal: \u201cAtlantis\u201d" in output
    assert "1 dibuat, 0 diperbarui, 0 tidak berubah, 1 galat" in output
    assert list(Unit.objects.values_list("name", flat=True)) == [
        "Lapas Kelas IIA Salemba"
    ]


def test_import_units_dry_run_saves_nothing(db, csv_file):
    path = csv_file("Lapas Kelas IIA Salemba,,,,,DKI Jakarta,,,,,")

    output = run("import_units", path, "--dry-run")

    assert "1 dibuat" in output
    assert "Uji coba: tidak ada yang disimpan." in output
    assert not Unit.objects.exists()


def test_import_units_quiet_prints_only_errors_and_summary(db, csv_file):
    path = csv_file(
        "Lapas Kelas IIA Salemba,,,,,DKI Jakarta,,,,,",
        "Lapas Kelas IIA Sragen,,,,,,,,,,",
    )
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_units", path, stdout=out, verbosity=0)

    assert out.getvalue().splitlines() == [
        "baris 3: galat \u2014 Lapas Kelas IIA Sragen (Kolom kanwil wajib diisi.)",
        "1 dibuat, 0 diperbarui, 0 tidak berubah, 1 galat",
    ]


def test_import_units_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Berkas tidak dapat dibaca"):
        call_command("import_units", str(tmp_path / "tidak-ada.csv"))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_import_units_shows_a_progress_bar_on_a_terminal_only(db, csv_file, capsys):
    path = csv_file(*("Lapas Kelas IIA Kota %s,,,,,31,,,,," % n for n in "ABC"))

    run("import_units", path, stdout=io.StringIO())
    assert "/3 [" not in capsys.readouterr().err

    Unit.objects.all().delete()
    run("import_units", path, stdout=Terminal())
    assert "/3 [" in capsys.readouterr().err


# --- load_demo ----------------------------------------------------------------

SEED_UNITS = [
    ("Lapas Kelas IIA Salemba", "lapas", "", "IIA", "DKI Jakarta"),
    ("Lapas Kelas I Madiun", "lapas", "", "I", "Jawa Timur"),
    ("Lapas Perempuan Kelas IIA Jakarta", "lapas", "perempuan", "IIA", "DKI Jakarta"),
    ("Lapas Pemuda Kelas IIA Tangerang", "lapas", "pemuda", "IIA", "Banten"),
    ("Lapas Perempuan Kelas IIA Semarang", "lapas", "perempuan", "IIA", "Jawa Tengah"),
    ("Rutan Kelas IIB Tanjung Redeb", "rutan", "", "IIB", "Kalimantan Timur"),
    (
        "Lapas Narkotika Kelas IIA Karang Intan",
        "lapas",
        "narkotika",
        "IIA",
        "Kalimantan Selatan",
    ),
    ("Lapas Kelas IIB Tabanan", "lapas", "", "IIB", "Bali"),
    ("Lapas Kelas IIB Banjarbaru", "lapas", "", "IIB", "Kalimantan Selatan"),
    ("Rutan Kelas IIB Bangil", "rutan", "", "IIB", "Jawa Timur"),
    ("Rutan Kelas IIB Banjarnegara", "rutan", "", "IIB", "Jawa Tengah"),
    ("Balai Pemasyarakatan Kelas I Malang", "bapas", "", "I", "Jawa Timur"),
    (
        "Lapas Khusus Kelas IIA Karanganyar Nusakambangan",
        "lapas",
        "khusus",
        "IIA",
        "Jawa Tengah",
    ),
]

DEMO_ACCOUNTS = {
    # username: role, unit name, region name
    "admin": (Role.ADMIN, None, None),
    "editor": (Role.EDITOR, None, None),
    "peninjau": (Role.REVIEWER, None, "Jawa Tengah"),
    "kontributor": (Role.CONTRIBUTOR, "Lapas Perempuan Kelas IIA Semarang", None),
    "kepala": (Role.HEAD, "Lapas Perempuan Kelas IIA Semarang", None),
    "kontributor2": (Role.CONTRIBUTOR, "Lapas Narkotika Kelas IIA Karang Intan", None),
}


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    return run("load_demo")


def test_load_demo_has_the_seed_units_with_type_class_and_region(demo):
    for name, unit_type, speciality, unit_class, region in SEED_UNITS:
        unit = Unit.objects.select_related("region").get(name=name)
        assert (
            unit.unit_type,
            unit.speciality,
            unit.unit_class,
            unit.region.name,
        ) == (unit_type, speciality, unit_class, region), name


def test_load_demo_spreads_about_60_units_over_the_three_time_zones(demo):
    assert 55 <= Unit.objects.count() <= 70
    regions = Region.objects.filter(units__isnull=False).distinct()
    assert regions.count() >= 10
    assert set(regions.values_list("time_zone", flat=True)) == {
        "Asia/Jakarta",
        "Asia/Makassar",
        "Asia/Jayapura",
    }


def test_load_demo_creates_one_account_per_role_that_can_log_in(demo, client):
    for username, (role, unit_name, region_name) in DEMO_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert (user.unit.name if user.unit else None) == unit_name
        assert (user.region.name if user.region else None) == region_name
        assert user.check_password(DEMO_PASSWORD)
        assert user.groups.count() == 1
        # Through the real login page (and its brute-force guard).
        response = client.post(
            "/masuk/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        assert client.session["_auth_user_id"] == str(user.pk)
        client.logout()
    assert User.objects.get(username="admin").is_superuser
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)


def test_load_demo_prints_the_url_and_the_accounts(demo):
    assert "http://127.0.0.1:8000" in demo
    assert DEMO_PASSWORD in demo
    for username in DEMO_ACCOUNTS:
        assert "| %s " % username in demo.replace("|   ", "| ")
    assert "Lapas Narkotika Kelas IIA Karang Intan" in demo
    assert "Kanwil Jawa Tengah" in demo


def test_load_demo_twice_changes_nothing_and_keeps_changed_passwords(demo):
    kontributor = User.objects.get(username="kontributor")
    kontributor.set_password("sandi-baru-yang-panjang")
    kontributor.save()
    units = list(Unit.objects.order_by("pk").values())
    users = list(User.objects.order_by("pk").values())

    output = run("load_demo")

    assert "0 dibuat, 0 diperbarui, %d tidak berubah, 0 galat" % len(units) in output
    assert list(Unit.objects.order_by("pk").values()) == units
    assert list(User.objects.order_by("pk").values()) == users
    kontributor.refresh_from_db()
    assert kontributor.check_password("sandi-baru-yang-panjang")


def test_load_demo_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG mati"):
        call_command("load_demo", stdout=io.StringIO())

    assert not User.objects.exists()
    assert not Unit.objects.exists()


def test_load_demo_force_runs_with_debug_off(db, settings):
    settings.DEBUG = False

    run("load_demo", "--force")

    assert User.objects.filter(username="admin", is_superuser=True).exists()
