"""The editors' statistics dashboard: tables, charts, CSV and XLSX export;
the rebuild command."""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from awards.models import AwardPeriod, UnitStatistic
from news.models import PostStatus
from tests.factories import EditorFactory, PostFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_period(db, wib_at):
    period = AwardPeriod.objects.create(
        name="2025", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)
    )
    for n in range(3):
        author = UserFactory(unit=UnitFactory())
        for day in (6, 7, 8):
            PostFactory(
                author=author,
                status=PostStatus.PUBLISHED,
                published_at=wib_at(2025, 1, day + n),
            )
    return period


def test_dashboard_page_has_charts_and_tables(
    client, busy_period, django_assert_max_num_queries
):
    client.force_login(EditorFactory())
    url = reverse("admin:awards_statistics")
    with django_assert_max_num_queries(25):
        response = client.get(url, {"periode": busy_period.pk, "bulan": "2025-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in page
    assert 'id="chart-berita-per-bulan"' in page
    assert "One Day One News" in page
    heatmap = response.context["tables"]["one-day-one-news"]
    assert len(heatmap.headers) == 1 + 31 + 1
    # January 2025: 23 weekdays minus New Year, Isra Mi'raj and Chinese New Year.
    assert sorted(row[-1] for row in heatmap.rows if row[-1] != "0/20") == [
        "3/20",
        "3/20",
        "3/20",
    ]


def test_tables_export_as_csv_and_xlsx(client, busy_period):
    client.force_login(EditorFactory())
    url = reverse("admin:awards_statistics")
    query = {"periode": busy_period.pk, "tabel": "berita-per-bulan"}
    response = client.get(url, {**query, "ekspor": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Kanwil" and rows[0][-1] == "Jumlah"
    assert rows[1][0] == "DKI Jakarta" and rows[1][-1] == "9"

    response = client.get(url, {**query, "ekspor": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "Kanwil"
    assert values[1][-1] == 9


def test_unit_staff_cannot_open_the_dashboard(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:awards_statistics"))
    assert response.status_code in (302, 403)


def test_rebuild_command(busy_period):
    out = io.StringIO()
    call_command("awards_rebuild", "2025", stdout=out)
    assert "Rebuilt 2025" in out.getvalue()
    assert (
        UnitStatistic.objects.filter(
            period=busy_period, metric="posts_published"
        ).count()
        == 3
    )
    call_command("awards_rebuild", "2030", stdout=out)
    assert AwardPeriod.objects.filter(name="2030").exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_write_formula_like_names_as_text(file_format):
    # A unit renamed "=HYPERLINK(...)" in the admin must not become a formula
    # in the editor's spreadsheet (CSV injection).
    from types import SimpleNamespace

    from awards.exports import table_response

    table = SimpleNamespace(
        slug="uji",
        headers=["UPT", "Jumlah"],
        rows=[
            ['=HYPERLINK("http://evil.example","klik")', 3],
            ["@SUM(A1)", -2],
            ["Lapas Kelas I Malang", 5],
        ],
    )
    response = table_response(table=table, file_format=file_format)
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [list(row) for row in sheet.values][1:]
        assert all(cell.data_type != "f" for row in sheet.rows for cell in row)
    names = [row[0] for row in rows]
    assert names == [
        '\'=HYPERLINK("http://evil.example","klik")',
        "'@SUM(A1)",
        "Lapas Kelas I Malang",
    ]
    # Numbers stay numbers, negative ones included.
    assert [str(row[1]) for row in rows] == ["3", "-2", "5"]
