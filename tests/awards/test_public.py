"""The public awards page: the 2024 history exactly as the seeds give it."""

import pytest
from django.urls import reverse

from awards.selectors import winners_for_unit, winners_latest
from tests.factories import RegionFactory, UnitFactory
from units.models import Unit

pytestmark = pytest.mark.django_db

HISTORY_2024 = [
    (
        "Manajemen Komunikasi Krisis Terbaik",
        [
            "Lapas Kelas IIA Salemba",
            "Lapas Kelas I Madiun",
            "Lapas Perempuan Kelas IIA Jakarta",
        ],
    ),
    (
        'Kontributor Program "Apa Kabar Pemasyarakatan" Teraktif',
        [
            "Lapas Pemuda Kelas IIA Tangerang",
            "Lapas Perempuan Kelas IIA Semarang",
            "Rutan Kelas IIB Tanjung Redeb",
        ],
    ),
    (
        "Kontributor Berita pada Website Ditjenpas Teraktif",
        [
            "Lapas Narkotika Kelas IIA Karang Intan",
            "Lapas Kelas IIB Tabanan",
            "Lapas Kelas IIB Banjarbaru",
        ],
    ),
    (
        "Pengelolaan Media Sosial Terbaik",
        [
            "Rutan Kelas IIB Bangil",
            "Rutan Kelas IIB Banjarnegara",
            "Balai Pemasyarakatan Kelas I Malang",
        ],
    ),
]


def test_public_page_shows_the_2024_winners_in_order(client):
    response = client.get(reverse("public:awards"))
    assert response.status_code == 200
    latest = response.context["periods"][0]
    assert latest["period"].name == "2024"
    got = {
        block["category"].name: [w.name for w in block["winners"]]
        for block in latest["categories"]
    }
    assert got == dict(HISTORY_2024)
    page = response.content.decode()
    assert "Penghargaan 2024" in page
    for category, names in HISTORY_2024:
        assert category.replace('"', "&quot;") in page
        positions = [page.index(name) for name in names]
        assert positions == sorted(positions)


def test_a_winner_links_to_its_unit_once_the_unit_exists(client):
    # The unit is created after the history was loaded, spelt differently.
    unit = UnitFactory(name="Lapas Klas IIa Salemba", slug="lapas-salemba")
    page = client.get(reverse("public:awards")).content.decode()
    assert 'href="%s"' % unit.get_absolute_url() in page
    awards = winners_for_unit(unit=unit)
    assert [(a.category.slug, a.rank) for a in awards] == [
        ("manajemen-komunikasi-krisis-terbaik", 1)
    ]


def test_latest_winners_for_the_home_page():
    latest = winners_latest()
    assert latest["period"].name == "2024"
    assert len(latest["categories"]) == 4


def test_the_data_migration_links_existing_units_by_normalised_name(db):
    from importlib import import_module

    from django.apps import apps

    from awards.models import AwardWinner

    region = RegionFactory()
    unit = Unit.objects.create(
        unit_type="rutan", unit_class="IIB", place="Bangil", region=region
    )
    AwardWinner.objects.all().delete()
    module = import_module("awards.migrations.0002_categories_and_2024_winners")
    module.load_categories_and_history(apps, None)
    assert AwardWinner.objects.get(name="Rutan Kelas IIB Bangil").unit == unit
    assert AwardWinner.objects.get(name="Lapas Kelas IIB Tabanan").unit is None
