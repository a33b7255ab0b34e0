"""Bulk onboarding: the accounts CSV, its per-row verdicts and invitations."""

import re
import time

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import EditorFactory, UnitFactory, UserFactory
from units.imports.account_csv import account_import_csv
from units.models import Region, Role, User

NEW_PASSWORD = "Kebun-Teh-Malabar-7"
HEADER = "nama_pengguna,nama_lengkap,email,upt,peran,kanwil\n"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode("utf-8")


def verdicts(report) -> list[tuple[int, str]]:
    return [(row.line, row.status) for row in report.rows]


def reasons(report) -> dict[int, str]:
    return {row.line: row.reason for row in report.rows}


@pytest.fixture
def semarang(db):
    return UnitFactory(
        name="Lapas Perempuan Kelas IIA Semarang",
        speciality="perempuan",
        place="Semarang",
        code="JTG05",
        region=Region.objects.get(province_code="33"),
    )


GOOD = csv_bytes(
    "sari.humas,Sari Wulandari,sari@lapas.go.id,JTG05,kontributor,",
    "dewi.kalapas,Dewi Lestari,dewi@lapas.go.id,Lapas Perempuan Kelas IIa Semarang,"
    "Kepala UPT,",
    "budi.kanwil,Budi Santoso,budi@kanwil.go.id,,peninjau,Jawa Tengah",
)


@pytest.mark.django_db
def test_good_rows_create_accounts_with_roles_units_and_no_password(semarang):
    report = account_import_csv(file=GOOD)

    assert verdicts(report) == [(2, "created"), (3, "created"), (4, "created")]
    assert reasons(report)[2] == "undangan dikirim ke sari@lapas.go.id"
    sari = User.objects.get(username="sari.humas")
    assert (sari.get_full_name(), sari.email, sari.role, sari.unit) == (
        "Sari Wulandari",
        "sari@lapas.go.id",
        Role.CONTRIBUTOR,
        semarang,
    )
    assert not sari.has_usable_password()
    assert [g.name for g in sari.groups.all()] == ["Kontributor UPT"]
    dewi = User.objects.get(username="dewi.kalapas")
    assert (dewi.role, dewi.unit) == (Role.HEAD, semarang)
    budi = User.objects.get(username="budi.kanwil")
    assert (budi.role, budi.region.province_code, budi.is_staff) == (
        Role.REVIEWER,
        "33",
        True,
    )


@pytest.mark.django_db
def test_a_second_run_says_no_change(semarang):
    account_import_csv(file=GOOD)

    report = account_import_csv(file=GOOD)

    assert verdicts(report) == [(2, "unchanged"), (3, "unchanged"), (4, "unchanged")]
    assert report.changed_nothing
    assert User.objects.count() == 3


@pytest.mark.django_db
def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_kept(semarang):
    UserFactory(username="lama", email="lama@lapas.go.id", unit=semarang)
    report = account_import_csv(
        file=csv_bytes(
            "a1,Ani,ani@lapas.go.id,Lapas Kelas IIA Atlantis,kontributor,",
            "a2,Ana,ana@lapas.go.id,JTG05,juru masak,",
            "a3,Anto,bukan-email,JTG05,kontributor,",
            "a4,,a4@lapas.go.id,JTG05,kontributor,",
            "a5,Ayu,ayu@lapas.go.id,JTG05,kontributor,",
            "A5,Ayu Lagi,ayu2@lapas.go.id,JTG05,kontributor,",
            "a6,Adi,AYU@lapas.go.id,JTG05,kontributor,",
            "a7,Agus,lama@lapas.go.id,JTG05,kontributor,",
            "a8,Arif,arif@lapas.go.id,JTG05,editor,",
            "a9,Asih,asih@lapas.go.id,,peninjau,Atlantis",
            "a 10,Abdi,abdi@lapas.go.id,JTG05,kontributor,",
        )
    )

    assert verdicts(report) == [
        (2, "error"),
        (3, "error"),
        (4, "error"),
        (5, "error"),
        (6, "created"),
        (7, "error"),
        (8, "error"),
        (9, "error"),
        (10, "error"),
        (11, "error"),
        (12, "error"),
    ]
    why = reasons(report)
    assert why[2] == "UPT tidak dikenal: “Lapas Kelas IIA Atlantis”."
    assert why[3] == "Peran tidak dikenal: “juru masak”."
    assert why[4] == "E-mail tidak sah: “bukan-email”."
    assert why[5] == "Kolom nama_lengkap wajib diisi."
    assert why[7] == "Duplikat: nama pengguna yang sama sudah ada di baris 6."
    assert why[8] == "Duplikat: e-mail yang sama sudah ada di baris 6."
    assert why[9] == "E-mail sudah dipakai akun lain (“lama”)."
    assert "tidak dapat diimpor" in why[10]
    assert why[11] == "Kanwil tidak dikenal: “Atlantis”."
    assert "nama pengguna" in why[12]
    assert set(User.objects.values_list("username", flat=True)) == {"lama", "a5"}


@pytest.mark.django_db
def test_an_existing_account_is_updated_without_a_new_invitation(semarang):
    user = UserFactory(username="sari.humas", email="sari@lapas.go.id", unit=semarang)
    other = UnitFactory(code="JTG06")

    report = account_import_csv(
        file=csv_bytes("SARI.HUMAS,Sari Wulandari,sari@lapas.go.id,jtg06,kepala,")
    )

    assert verdicts(report) == [(2, "updated")]
    assert reasons(report)[2] == "diubah: nama, peran, UPT atau kanwil"
    user.refresh_from_db()
    assert (user.get_full_name(), user.role, user.unit) == (
        "Sari Wulandari",
        Role.HEAD,
        other,
    )
    assert user.has_usable_password()


@pytest.mark.django_db
def test_editor_accounts_are_never_changed_by_the_import():
    EditorFactory(username="eka", email="eka@ditjenpas.go.id")
    unit = UnitFactory(code="X1")

    report = account_import_csv(
        file=csv_bytes("eka,Eka,eka@ditjenpas.go.id,X1,kontributor,")
    )

    assert verdicts(report) == [(2, "error")]
    assert "milik editor atau administrator" in reasons(report)[2]
    assert User.objects.get(username="eka").role == Role.EDITOR
    assert not unit.members.exists()


@pytest.mark.django_db
def test_a_renamed_units_old_name_still_finds_it(semarang):
    from units.services import unit_update

    unit_update(unit=semarang, name="Lapas Perempuan Kelas I Semarang", unit_class="I")

    report = account_import_csv(
        file=csv_bytes(
            "sari,Sari,sari@lapas.go.id,Lapas Perempuan Kelas IIA Semarang,kontributor,"
        )
    )

    assert verdicts(report) == [(2, "created")]
    assert User.objects.get(username="sari").unit == semarang


@pytest.mark.django_db
def test_a_header_without_required_columns_is_refused():
    report = account_import_csv(file=b"username,email\nsari,sari@lapas.go.id\n")
    assert verdicts(report) == [(1, "error")]
    assert "nama_lengkap" in report.rows[0].reason


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(semarang):
    report = account_import_csv(file=GOOD, dry_run=True)
    assert report.created == 3
    assert not User.objects.exists()


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.mark.django_db(transaction=True)
def test_each_new_account_is_invited_by_mail_after_commit_and_the_link_works(
    celery_worker, client
):
    UnitFactory(code="JTG05", name="Lapas Perempuan Kelas IIA Semarang")
    UserFactory(username="lama", email="lama@lapas.go.id")
    data = csv_bytes(
        "sari.humas,Sari Wulandari,sari@lapas.go.id,JTG05,kontributor,",
        "lama,Uji,lama@lapas.go.id,JTG05,kontributor,",
    )

    account_import_csv(file=data)

    assert wait_for(lambda: len(mail.outbox) == 1)
    message = mail.outbox[0]
    assert message.to == ["sari@lapas.go.id"]
    assert message.subject == "[Ditjenpas] Undangan akun portal Berita Pemasyarakatan"
    assert "Nama pengguna : sari.humas" in message.body
    assert "Lapas Perempuan Kelas IIA Semarang" in message.body
    assert "Kontributor UPT" in message.body
    link = re.search(r"http://127.0.0.1:8000(/akun/atur-sandi/\S+/)", message.body)
    page = client.get(link.group(1), follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert User.objects.get(username="sari.humas").check_password(NEW_PASSWORD)

    # A second run invites no one again.
    account_import_csv(file=data)
    time.sleep(1)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_command_prints_verdicts_and_fails_on_bad_rows(semarang, tmp_path, capsys):
    path = tmp_path / "akun.csv"
    path.write_bytes(GOOD + b"x,X,bukan-email,JTG05,kontributor,\n")

    with pytest.raises(CommandError):
        call_command("import_accounts", str(path))
    out = capsys.readouterr().out
    assert "baris 2: dibuat — sari.humas (undangan dikirim ke sari@lapas.go.id)" in out
    assert "baris 5: galat — x (E-mail tidak sah: “bukan-email”.)" in out
    assert "3 dibuat, 0 diperbarui, 0 tidak berubah, 1 galat" in out

    path.write_bytes(GOOD)
    call_command("import_accounts", str(path))
    assert "Tidak ada perubahan" in capsys.readouterr().out


@pytest.mark.django_db
def test_administrator_imports_accounts_in_the_admin_and_sees_the_report(
    client, administrator, semarang
):
    client.force_login(administrator)
    changelist = client.get(reverse("admin:units_user_changelist")).content.decode()
    assert reverse("admin:units_user_import") in changelist
    assert "Impor CSV akun" in changelist

    response = client.post(
        reverse("admin:units_user_import"),
        {"file": SimpleUploadedFile("akun.csv", GOOD, content_type="text/csv")},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "3 dibuat, 0 diperbarui, 0 tidak berubah, 0 galat" in page
    assert "undangan dikirim ke sari@lapas.go.id" in page
    assert LogEntry.objects.filter(action_flag=ADDITION).count() == 3


@pytest.mark.django_db
def test_an_editor_may_not_import_accounts(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:units_user_import")).status_code == 403
