"""Stable unit codes: the import matches by code, renames, and remembers."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import UnitFactory
from units.imports.unit_csv import unit_import_csv
from units.models import Unit, UnitNameHistory
from units.services import unit_update

pytestmark = pytest.mark.django_db

HEADER = "kode,nama,kanwil\n"


def csv_bytes(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode("utf-8")


def verdicts(report) -> list[tuple[int, str]]:
    return [(row.line, row.status) for row in report.rows]


def test_a_code_is_unique_when_set_but_many_units_may_have_none():
    UnitFactory(code="")
    UnitFactory(code="")
    UnitFactory(code="WAA1")
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(code="WAA1")


def test_a_taken_code_is_a_readable_validation_error():
    UnitFactory(code="WAA1")
    other = UnitFactory()
    with pytest.raises(ValidationError) as error:
        unit_update(unit=other, code=" waa1 ")
    assert "Kode UPT ini sudah dipakai UPT lain." in str(error.value)


def test_a_class_upgrade_with_the_same_code_renames_the_unit(administrator):
    unit_import_csv(file=csv_bytes("JTM12,Rutan Kelas IIB Bangil,Jawa Timur"))

    report = unit_import_csv(
        file=csv_bytes("JTM12,Rutan Kelas IIA Bangil,Jawa Timur"),
        actor=administrator,
    )

    assert verdicts(report) == [(2, "updated")]
    assert "nama lama “Rutan Kelas IIB Bangil”" in report.rows[0].reason
    unit = Unit.objects.get()
    assert (unit.name, unit.unit_class, unit.code) == (
        "Rutan Kelas IIA Bangil",
        "IIA",
        "JTM12",
    )
    # The public address does not move with the name.
    assert unit.slug == "rutan-kelas-iib-bangil"
    entry = UnitNameHistory.objects.get()
    assert (entry.unit, entry.old_name, entry.new_name, entry.changed_by) == (
        unit,
        "Rutan Kelas IIB Bangil",
        "Rutan Kelas IIA Bangil",
        administrator,
    )


def test_the_old_name_still_resolves_on_a_later_import():
    unit_import_csv(file=csv_bytes("JTM12,Rutan Kelas IIB Bangil,Jawa Timur"))
    unit_import_csv(file=csv_bytes("JTM12,Rutan Kelas IIA Bangil,Jawa Timur"))

    report = unit_import_csv(
        file=b"nama,kanwil,telepon\nRutan Kelas IIb Bangil,Jawa Timur,0343-123\n"
    )

    assert verdicts(report) == [(2, "updated")]
    unit = Unit.objects.get()
    assert unit.name == "Rutan Kelas IIA Bangil"
    assert unit.phone == "0343-123"


def test_a_second_run_of_the_renaming_file_changes_nothing():
    unit_import_csv(file=csv_bytes("JTM12,Rutan Kelas IIB Bangil,Jawa Timur"))
    renaming = csv_bytes("JTM12,Rutan Kelas IIA Bangil,Jawa Timur")
    unit_import_csv(file=renaming)

    report = unit_import_csv(file=renaming)

    assert verdicts(report) == [(2, "unchanged")]
    assert UnitNameHistory.objects.count() == 1


def test_a_row_matched_by_name_gets_the_code_without_renaming():
    UnitFactory(name="Lapas Kelas IIA Salemba", place="Salemba")

    report = unit_import_csv(file=csv_bytes("jkt01,Lapas Kelas IIa Salemba,31"))

    assert verdicts(report) == [(2, "updated")]
    unit = Unit.objects.get()
    assert (unit.name, unit.code) == ("Lapas Kelas IIA Salemba", "JKT01")
    assert not UnitNameHistory.objects.exists()


def test_a_name_whose_unit_has_another_code_is_refused():
    UnitFactory(name="Lapas Kelas IIA Salemba", place="Salemba", code="JKT01")

    report = unit_import_csv(file=csv_bytes("JKT99,Lapas Kelas IIA Salemba,31"))

    assert verdicts(report) == [(2, "error")]
    assert "sudah berkode JKT01, bukan JKT99" in report.rows[0].reason
    assert Unit.objects.get().code == "JKT01"


def test_a_rename_onto_another_units_name_is_refused():
    UnitFactory(name="Rutan Kelas IIA Bangil", place="Bangil")
    UnitFactory(name="Rutan Kelas IIB Bangil", place="Bangil", code="JTM12")

    report = unit_import_csv(file=csv_bytes("JTM12,Rutan Kelas IIA Bangil,35"))

    assert verdicts(report) == [(2, "error")]
    assert "sudah terdaftar" in report.rows[0].reason
    assert not UnitNameHistory.objects.exists()


def test_a_code_twice_in_one_file_is_a_duplicate():
    report = unit_import_csv(
        file=csv_bytes(
            "JTM12,Rutan Kelas IIB Bangil,35", "JTM12,Rutan Kelas IIB Pasuruan,35"
        )
    )

    assert verdicts(report) == [(2, "created"), (3, "error")]
    assert "baris 2" in report.rows[1].reason


def test_files_without_a_code_column_still_import():
    report = unit_import_csv(file=b"nama,kanwil\nRutan Kelas IIB Bangil,35\n")

    assert verdicts(report) == [(2, "created")]
    assert Unit.objects.get().code == ""


def test_unit_admin_shows_the_rename_history_read_only(client, editor):
    unit = UnitFactory(name="Rutan Kelas IIB Bangil", place="Bangil", code="JTM12")
    unit_update(unit=unit, name="Rutan Kelas IIA Bangil", unit_class="IIA")
    client.force_login(editor)

    response = client.get(reverse("admin:units_unit_change", args=[unit.pk]))

    page = response.content.decode()
    assert "Riwayat nama" in page
    assert "Rutan Kelas IIB Bangil" in page
    assert 'name="name_history-0-old_name"' not in page


def test_renaming_in_the_admin_records_who_did_it(client, administrator):
    unit = UnitFactory(name="Rutan Kelas IIB Bangil", place="Bangil", unit_class="IIB")
    client.force_login(administrator)
    url = reverse("admin:units_unit_change", args=[unit.pk])
    data = {
        "name": "Rutan Kelas IIA Bangil",
        "code": "JTM12",
        "slug": unit.slug,
        "region": unit.region_id,
        "is_active": "on",
        "unit_type": "rutan",
        "speciality": "",
        "unit_class": "IIA",
        "place": "Bangil",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "name_history-TOTAL_FORMS": "0",
        "name_history-INITIAL_FORMS": "0",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    entry = UnitNameHistory.objects.get()
    assert entry.old_name == "Rutan Kelas IIB Bangil"
    assert entry.changed_by == administrator
    unit.refresh_from_db()
    assert unit.code == "JTM12"
