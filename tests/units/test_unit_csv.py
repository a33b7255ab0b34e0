"""The units CSV import (units.imports.unit_csv and the shared csvfile)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UnitFactory
from units.imports.csvfile import RowStatus, import_report_lines
from units.imports.unit_csv import unit_import_csv
from units.models import Unit

HEADER = (
    "nama,jenis,kekhususan,kelas,tempat,kanwil,alamat,telepon,email,website,profil\n"
)


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode("utf-8")


def statuses(report) -> dict[int, str]:
    return {row.line: row.status for row in report.rows}


def reasons(report) -> dict[int, str]:
    return {row.line: row.reason for row in report.rows}


GOOD = csv_bytes(
    "Lapas Kelas IIA Salemba,,,,,DKI Jakarta,Jl. Percetakan Negara,021-000,,,",
    "Lembaga Pemasyarakatan (Lapas) Pemuda Kelas IIA Tangerang,,,,,36,,,,,",
    ",Rutan,,IIB,Bangil,Kanwil Jawa Timur,,,,,",
    "Lapas Narkotika Kelas IIA Karang Intan,,,,,KANWIL KEMENKUMHAM  KALSEL,,,"
    "humas@lapaskarangintan.go.id,lapaskarangintan.go.id,",
)


def test_good_file_creates_every_unit_with_its_parts_and_region(db):
    report = unit_import_csv(file=GOOD)

    assert statuses(report) == {2: "created", 3: "created", 4: "created", 5: "created"}
    assert report.summary() == "4 dibuat, 0 diperbarui, 0 tidak berubah, 0 galat"
    salemba = Unit.objects.get(name="Lapas Kelas IIA Salemba")
    assert (salemba.unit_type, salemba.unit_class, salemba.place) == (
        "lapas",
        "IIA",
        "Salemba",
    )
    assert salemba.region.province_code == "31"
    assert salemba.address == "Jl. Percetakan Negara"
    assert salemba.slug == "lapas-kelas-iia-salemba"
    tangerang = Unit.objects.get(normalized_name="lapas pemuda kelas iia tangerang")
    assert tangerang.speciality == "pemuda"
    assert tangerang.region.name == "Banten"
    # Built from the columns when there is no name.
    bangil = Unit.objects.get(name="Rutan Kelas IIB Bangil")
    assert bangil.region.name == "Jawa Timur"
    karang_intan = Unit.objects.get(place="Karang Intan")
    assert karang_intan.region.name == "Kalimantan Selatan"
    assert karang_intan.website == "https://lapaskarangintan.go.id"


@pytest.mark.parametrize(
    "region_text",
    [
        "33",
        "Jawa Tengah",
        "jawa  tengah",
        "Kanwil Jawa Tengah",
        "Kantor Wilayah Jawa Tengah",
        "Kanwil Kemenkumham Jawa Tengah",
        "Kanwil Ditjenpas Prov. Jawa Tengah",
        "JATENG",
    ],
)
def test_region_is_matched_by_code_name_or_office_name(db, region_text):
    report = unit_import_csv(
        file=csv_bytes("Rutan Kelas IIB Banjarnegara,,,,,%s,,,,," % region_text)
    )

    assert statuses(report) == {2: "created"}
    assert Unit.objects.get().region.province_code == "33"


def test_a_second_run_changes_nothing_and_says_so(db):
    unit_import_csv(file=GOOD)
    before = list(Unit.objects.order_by("pk").values())

    report = unit_import_csv(file=GOOD)

    assert statuses(report) == dict.fromkeys((2, 3, 4, 5), "unchanged")
    assert report.changed_nothing
    assert list(Unit.objects.order_by("pk").values()) == before
    lines = import_report_lines(report)
    assert "0 dibuat, 0 diperbarui, 4 tidak berubah, 0 galat" in lines
    assert "Tidak ada perubahan: data sudah sesuai dengan berkas." in lines


def test_another_spelling_matches_the_same_unit_without_renaming_it(db):
    unit_import_csv(file=csv_bytes("Lapas Perempuan Kelas IIA Semarang,,,,,33,,,,,"))

    report = unit_import_csv(
        file=csv_bytes("Lapas Perempuan Kelas IIa  Semarang,,,,,Jawa Tengah,,,,,")
    )

    assert statuses(report) == {2: "unchanged"}
    assert list(Unit.objects.values_list("name", flat=True)) == [
        "Lapas Perempuan Kelas IIA Semarang"
    ]


def test_changed_cells_update_and_empty_cells_keep_what_is_known(db):
    unit_import_csv(file=csv_bytes("Lapas Kelas I Madiun,,,,,35,Jl. Lama,0351-1,,,"))

    report = unit_import_csv(
        file=csv_bytes("Lapas Kelas I Madiun,,,,,35,Jl. Yos Sudarso,,,,Profil baru")
    )

    assert statuses(report) == {2: "updated"}
    assert reasons(report)[2] == "diubah: alamat, profil singkat"
    unit = Unit.objects.get()
    assert (unit.address, unit.phone, unit.profile) == (
        "Jl. Yos Sudarso",
        "0351-1",
        "Profil baru",
    )
    assert report.summary() == "0 dibuat, 1 diperbarui, 0 tidak berubah, 0 galat"


BAD_ROWS = [
    ("Lapas Kelas IIA Bukit Duri,,,,,Kanwil Atlantis,,,,,", "Kanwil tidak dikenal"),
    (",Penjara,,I,Medan,12,,,,,", "Jenis tidak dikenal"),
    ("Kantor Imigrasi Semarang,,,,,33,,,,,", "Nama tidak mengikuti pola"),
    ("Lapas Kelas IIA Sragen,,,,,,,,,,", "Kolom kanwil wajib diisi"),
    (",,,,,33,Jl. Tanpa Nama,,,,", "Kolom nama (atau jenis dan tempat) wajib diisi"),
    ("Lapas Kelas IIA Salemba,,,,,31,,,,,", "Duplikat"),
    ("Lapas Kelas IV Sragen,,,,,33,,,,,", "Nama tidak mengikuti pola"),
    (",Lapas,,IV,Sragen,33,,,,,", "Kelas tidak dikenal"),
    ("Rutan Kelas IIB Blora,Lapas,,,,33,,,,,", "Kolom jenis (lapas) tidak sesuai"),
    ("Rutan Kelas IIB Pati,,,,,33,,,bukan-email,,", "e-mail:"),
    ("Rutan Kelas IIB Kudus,,,,,33,,,,,,,,", "Jumlah kolom (14) melebihi judul (11)"),
]


def test_each_bad_row_is_reported_with_its_line_and_reason_and_good_rows_land(db):
    rows = ["Lapas Kelas IIA Salemba,,,,,DKI Jakarta,,,,,"]
    rows += [row for row, _reason in BAD_ROWS]
    rows.append("Rutan Kelas IIB Banjarnegara,,,,,33,,,,,")

    report = unit_import_csv(file=csv_bytes(*rows))

    expected = {2: "created", len(rows) + 1: "created"}
    for offset, (_row, reason) in enumerate(BAD_ROWS):
        expected[3 + offset] = "error"
        assert reason in reasons(report)[3 + offset], (3 + offset, reasons(report))
    assert statuses(report) == expected
    assert report.errors == len(BAD_ROWS)
    assert "baris 2" in reasons(report)[8]  # the duplicate names its first line
    assert sorted(Unit.objects.values_list("name", flat=True)) == [
        "Lapas Kelas IIA Salemba",
        "Rutan Kelas IIB Banjarnegara",
    ]


def test_a_broken_quote_is_reported_without_swallowing_the_rows_after_it(db):
    report = unit_import_csv(
        file=csv_bytes(
            'Lapas Kelas IIA Salemba,,,,,31,"Jl. Percetakan" Negara,,,,',
            "Rutan Kelas IIB Banjarnegara,,,,,33,,,,,",
        )
    )

    assert statuses(report) == {2: "error", 3: "created"}
    assert reasons(report)[2].startswith("CSV rusak")


def test_bad_encoding_is_reported_on_its_own_line(db):
    dash_in_cp1252 = "Jl. Gatot Subroto \u2013 Tabanan".encode("cp1252")
    data = (
        HEADER.encode()
        + b'Lapas Kelas IIA Salemba,,,,,31,"Jl. Percetakan Negara\n'
        + b'Jakarta Pusat",,,,\n'
        + b"Rutan Kelas IIB Bangil,,,,,35,,,,,\n"
        + b"Rutan Kelas IIB Tanjung Redeb,,,,,64,Jl. Pemuda Ujung,,,,\n"
        + b"Lapas Kelas IIB Tabanan,,,,,Bali,"
        + dash_in_cp1252
        + b",,,,\n"
        + b"Lapas Kelas IIB Banjarbaru,,,,,63,,,,,\n"
    )

    report = unit_import_csv(file=data)

    # The quoted address spans lines 2-3; the cp1252 dash is on line 6.
    assert statuses(report) == {
        2: "created",
        4: "created",
        5: "created",  # plain ASCII is valid UTF-8 whatever the editor meant
        6: "error",
        7: "created",
    }
    assert "Baris 6 bukan teks UTF-8" in reasons(report)[6]
    assert not Unit.objects.filter(place="Tabanan").exists()
    assert (
        Unit.objects.get(place="Salemba").address
        == "Jl. Percetakan Negara\nJakarta Pusat"
    )


def test_utf8_with_bom_and_semicolons_from_a_spreadsheet_are_accepted(db):
    data = (
        "\ufeffnama;kanwil;alamat\r\n"
        "Lapas Kelas IIB Tabanan;Bali;Jl. Pahlawan, Tabanan\r\n"
    )

    report = unit_import_csv(file=data.encode("utf-8"))

    assert statuses(report) == {2: "created"}
    assert Unit.objects.get().address == "Jl. Pahlawan, Tabanan"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "Berkas kosong"),
        (b"nama,alamat\nLapas Kelas IIA Salemba,Jakarta\n", "Kolom kanwil tidak ada"),
        (b"kanwil,alamat\n31,Jakarta\n", "Kolom nama (atau jenis dan tempat)"),
        (b"nama,kanwil,nama\nLapas Kelas IIA Salemba,31,x\n", "Judul kolom ganda"),
        (b"nama,kanwil\xff\nLapas Kelas IIA Salemba,31\n", "Baris 1 bukan teks UTF-8"),
    ],
)
def test_an_unusable_file_is_one_error_on_line_1_and_writes_nothing(db, data, reason):
    report = unit_import_csv(file=data)

    assert [(row.line, row.status) for row in report.rows] == [(1, "error")]
    assert reason in report.rows[0].reason
    assert not Unit.objects.exists()


def test_dry_run_reports_but_writes_nothing(db):
    report = unit_import_csv(file=GOOD, dry_run=True)

    assert report.created == 4
    assert not Unit.objects.exists()
    assert "Uji coba: tidak ada yang disimpan." in import_report_lines(report)


def test_an_interrupted_import_writes_nothing_at_all(db):
    def interrupt(done, total):
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        unit_import_csv(file=GOOD, progress=interrupt)

    assert not Unit.objects.exists()


def test_progress_is_reported_per_record(db):
    calls = []

    unit_import_csv(file=GOOD, progress=lambda done, total: calls.append((done, total)))

    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_accepts_uploaded_and_file_like_objects(db):
    unit_import_csv(file=SimpleUploadedFile("upt.csv", GOOD, "text/csv"))
    report = unit_import_csv(file=io.BytesIO(GOOD))

    assert report.unchanged == 4


def test_slug_gets_a_suffix_when_taken(db):
    UnitFactory(slug="lapas-kelas-iia-salemba", name="Lapas Kelas IIA Lama")

    unit_import_csv(file=csv_bytes("Lapas Kelas IIA Salemba,,,,,31,,,,,"))

    assert Unit.objects.get(place="Salemba").slug == "lapas-kelas-iia-salemba-2"


def test_row_status_labels_are_indonesian():
    assert [str(RowStatus.LABELS[s]) for s in ("created", "error")] == [
        "dibuat",
        "galat",
    ]
