import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import UnitFactory
from units.models import Unit, UnitType
from units.names import SPECIALITY_WORDS, normalize_unit_name, parse_unit_name

SEMARANG = "Lapas Perempuan Kelas IIA Semarang"


@pytest.mark.parametrize(
    "spelling",
    [
        "Lapas Perempuan Kelas IIa Semarang",  # as in the seed article
        "LAPAS PEREMPUAN KELAS IIA SEMARANG",
        "  Lapas  Perempuan\tKelas IIA   Semarang ",
        "Lembaga Pemasyarakatan (Lapas) Perempuan Kelas IIA Semarang",
        "Lembaga Pemasyarakatan Perempuan Kelas IIA Semarang",
        "Lapas Perempuan Klas IIA Semarang",
        "Lapas Perempuan Kls. IIA Semarang",
        "Lapas Perempuan Kelas II A Semarang",
        "Lapas Perempuan Kelas II-A Semarang",
        "Lapas Perempuan Kelas 2A Semarang",
        "Lapas Perempuan Kelas 2 A Semarang",
        "Lapas Kelas IIA Perempuan Semarang",
        "Lapas Wanita Kelas IIA Semarang",
        "LPP Kelas IIA Semarang",
        "Lapas Perempuan Kelas IIA Semarang.",
    ],
)
def test_spellings_of_one_unit_share_a_key(spelling):
    assert normalize_unit_name(spelling) == normalize_unit_name(SEMARANG)


@pytest.mark.parametrize(
    "other",
    [
        "Lapas Perempuan Kelas IIB Semarang",
        "Lapas Kelas IIA Semarang",
        "Rutan Perempuan Kelas IIA Semarang",
        "Lapas Perempuan Kelas IIA Salemba",
        "Lapas Narkotika Kelas IIA Semarang",
        "Lapas Perempuan Kelas I Semarang",
        "Lapas Perempuan Kelas III Semarang",
    ],
)
def test_different_units_keep_different_keys(other):
    assert normalize_unit_name(other) != normalize_unit_name(SEMARANG)


@pytest.mark.parametrize(
    ("name", "unit_type", "speciality", "unit_class", "place"),
    [
        ("Lapas Kelas IIA Salemba", "lapas", "", "IIA", "Salemba"),
        ("Lapas Kelas I Madiun", "lapas", "", "I", "Madiun"),
        (
            "Lembaga Pemasyarakatan (Lapas) Pemuda Kelas IIA Tangerang",
            "lapas",
            "pemuda",
            "IIA",
            "Tangerang",
        ),
        (
            "Rumah Tahanan Negara (Rutan) Kelas IIB Tanjung Redeb",
            "rutan",
            "",
            "IIB",
            "Tanjung Redeb",
        ),
        (
            "Lapas Narkotika Kelas IIA Karang Intan",
            "lapas",
            "narkotika",
            "IIA",
            "Karang Intan",
        ),
        ("Balai Pemasyarakatan Kelas I Malang", "bapas", "", "I", "Malang"),
        (
            "Lapas Khusus Kelas IIA Karanganyar Nusakambangan",
            "lapas",
            "khusus",
            "IIA",
            "Karanganyar Nusakambangan",
        ),
        ("LPKA Kelas II Jakarta", "lpka", "", "II", "Jakarta"),
        ("Rupbasan Jakarta Pusat", "rupbasan", "", "", "Jakarta Pusat"),
        ("rutan kelas iib tanjung redeb", "rutan", "", "IIB", "Tanjung Redeb"),
        ("Rutan Kelas IIB Parigi-Moutong", "rutan", "", "IIB", "Parigi-Moutong"),
    ],
)
def test_parse_official_names(name, unit_type, speciality, unit_class, place):
    parsed = parse_unit_name(name)

    assert parsed is not None
    assert (parsed.unit_type, parsed.speciality, parsed.unit_class, parsed.place) == (
        unit_type,
        speciality,
        unit_class,
        place,
    )


@pytest.mark.parametrize(
    "name",
    [
        "",
        "Kantor Wilayah Jawa Tengah",
        "Lapas Kelas IIA",
        "Penjara Kelas I Medan",
        "Lapas Kelas IV Sragen",
    ],
)
def test_parse_rejects_what_is_not_a_unit_name(name):
    assert parse_unit_name(name) is None


PLACES = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10).filter(
        # A place word that is itself a unit word would be ambiguous.
        lambda w: w not in {"kelas", "klas", "kls", "wanita", *SPECIALITY_WORDS}
    ),
    min_size=1,
    max_size=3,
)


@given(
    unit_type=st.sampled_from(UnitType.values),
    speciality=st.sampled_from(["", "perempuan", "narkotika", "pemuda", "khusus"]),
    unit_class=st.sampled_from(["", "I", "II", "IIA", "IIB", "III"]),
    place_words=PLACES,
)
def test_built_names_parse_back_and_match_any_casing(
    unit_type, speciality, unit_class, place_words
):
    place = " ".join(word.capitalize() for word in place_words)
    name = Unit(
        unit_type=unit_type, speciality=speciality, unit_class=unit_class, place=place
    ).build_official_name()

    parsed = parse_unit_name(name)

    assert parsed is not None
    assert (parsed.unit_type, parsed.speciality, parsed.unit_class, parsed.place) == (
        unit_type,
        speciality,
        unit_class,
        place,
    )
    key = normalize_unit_name(name)
    assert normalize_unit_name(name.upper()) == key
    assert normalize_unit_name("  " + name.lower().replace(" ", "  ")) == key
    assert normalize_unit_name(key) == key


def test_official_name_is_built_from_parts_and_not_translated(db, settings):
    settings.LANGUAGE_CODE = "en"
    unit = UnitFactory(
        unit_type=UnitType.LAPAS,
        speciality="perempuan",
        unit_class="IIA",
        place="Semarang",
        name="",
    )

    assert unit.name == SEMARANG
    assert unit.normalized_name == "lapas perempuan kelas iia semarang"


def test_name_may_be_stored_verbatim(db):
    unit = UnitFactory(name="Cabang Rutan Pangkalan Brandan", place="Pangkalan Brandan")

    unit.refresh_from_db()
    assert unit.name == "Cabang Rutan Pangkalan Brandan"


def test_a_second_spelling_of_a_unit_is_refused_with_a_readable_error(db):
    UnitFactory(name=SEMARANG, place="Semarang")
    twin = UnitFactory.build(name="Lapas Perempuan Kelas IIa  Semarang")

    with pytest.raises(ValidationError) as excinfo:
        twin.full_clean()

    assert "sudah terdaftar sebagai" in excinfo.value.message_dict["name"][0]
    assert SEMARANG in excinfo.value.message_dict["name"][0]


def test_the_database_refuses_a_second_spelling_too(db):
    UnitFactory(name=SEMARANG, place="Semarang")

    with pytest.raises(IntegrityError):
        UnitFactory(name="LAPAS PEREMPUAN KELAS IIa SEMARANG")


def test_blank_slug_is_made_unique_from_the_name(db):
    first = UnitFactory(name="Lapas Kelas IIA Salemba", slug="")
    UnitFactory(slug="rutan-kelas-i-cipinang")
    second = UnitFactory(name="Rutan Kelas I Cipinang", slug="")

    assert first.slug == "lapas-kelas-iia-salemba"
    assert second.slug == "rutan-kelas-i-cipinang-2"
