"""The four award categories and the 2024 winners, as history.

Facts from the 2024 national coordination meeting of corrections public
relations staff (24-27 September 2024, Jakarta). Winners link to their unit
when it already exists (matched by normalised name, units.names); otherwise
the name is kept as text and the public page links it once the unit exists.
"""

import datetime

from django.db import migrations

from units.names import normalize_unit_name

CATEGORIES = [
    # slug, Indonesian name, English name, metric, position
    (
        "kontributor-berita-teraktif",
        "Kontributor Berita pada Website Ditjenpas Teraktif",
        "Most active news contributor on the Ditjenpas website",
        "news",
        1,
    ),
    (
        "kontributor-apa-kabar-pemasyarakatan-teraktif",
        'Kontributor Program "Apa Kabar Pemasyarakatan" Teraktif',
        'Most active contributor to the "Apa Kabar Pemasyarakatan" programme',
        "programme",
        2,
    ),
    (
        "pengelolaan-media-sosial-terbaik",
        "Pengelolaan Media Sosial Terbaik",
        "Best social media management",
        "social",
        3,
    ),
    (
        "manajemen-komunikasi-krisis-terbaik",
        "Manajemen Komunikasi Krisis Terbaik",
        "Best crisis communication management",
        "crisis",
        4,
    ),
]

WINNERS_2024 = {
    "manajemen-komunikasi-krisis-terbaik": [
        "Lapas Kelas IIA Salemba",
        "Lapas Kelas I Madiun",
        "Lapas Perempuan Kelas IIA Jakarta",
    ],
    "kontributor-apa-kabar-pemasyarakatan-teraktif": [
        "Lapas Pemuda Kelas IIA Tangerang",
        "Lapas Perempuan Kelas IIA Semarang",
        "Rutan Kelas IIB Tanjung Redeb",
    ],
    "kontributor-berita-teraktif": [
        "Lapas Narkotika Kelas IIA Karang Intan",
        "Lapas Kelas IIB Tabanan",
        "Lapas Kelas IIB Banjarbaru",
    ],
    "pengelolaan-media-sosial-terbaik": [
        "Rutan Kelas IIB Bangil",
        "Rutan Kelas IIB Banjarnegara",
        "Balai Pemasyarakatan Kelas I Malang",
    ],
}


def load_categories_and_history(apps, schema_editor):
    AwardCategory = apps.get_model("awards", "AwardCategory")
    AwardPeriod = apps.get_model("awards", "AwardPeriod")
    AwardWinner = apps.get_model("awards", "AwardWinner")
    Unit = apps.get_model("units", "Unit")
    categories = {}
    for slug, name, name_en, metric, position in CATEGORIES:
        categories[slug], _created = AwardCategory.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "metric": metric,
                "position": position,
                "winners_count": 3,
                "competitors": "units",
            },
        )
    period, _created = AwardPeriod.objects.get_or_create(
        name="2024",
        defaults={
            "starts_on": datetime.date(2024, 1, 1),
            "ends_on": datetime.date(2024, 12, 31),
            "is_closed": True,
            "closed_at": datetime.datetime(2024, 9, 27, 5, 0, tzinfo=datetime.UTC),
        },
    )
    for slug, names in WINNERS_2024.items():
        for rank, name in enumerate(names, start=1):
            key = normalize_unit_name(name)
            AwardWinner.objects.get_or_create(
                period=period,
                category=categories[slug],
                rank=rank,
                defaults={
                    "name": name,
                    "name_key": key,
                    "unit": Unit.objects.filter(normalized_name=key).first(),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [
        migrations.RunPython(load_categories_and_history, migrations.RunPython.noop),
    ]
