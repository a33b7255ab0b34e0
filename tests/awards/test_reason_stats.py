"""Reasons for refusals on the editors' statistics dashboard: by month (with
totals, filtered by region), by region and by unit beside its decisions,
aggregated in the database in a constant number of queries."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import AwardPeriod
from news.models import PostAction, PostEvent, PostStatus
from tests.awards.conftest import wib
from tests.factories import (
    EditorFactory,
    PostFactory,
    RefusalReasonFactory,
    UnitFactory,
    UserFactory,
)
from units.models import Region

pytestmark = pytest.mark.django_db

URL = "admin:awards_statistics"


@pytest.fixture
def period():
    return AwardPeriod.objects.create(
        name="Semester 1 2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30)
    )


@pytest.fixture
def photo():
    return RefusalReasonFactory(slug="foto-tidak-layak", name="Foto tidak layak")


@pytest.fixture
def duplicate():
    return RefusalReasonFactory(slug="duplikat", name="Duplikat")


def decide(unit, action, at, reason=None):
    post = PostFactory(
        author=UserFactory(unit=unit), status=PostStatus.CHANGES_REQUESTED
    )
    event = PostEvent.objects.create(
        post=post,
        action=action,
        from_status=PostStatus.SUBMITTED,
        to_status=PostStatus.CHANGES_REQUESTED,
        comment="Catatan.",
        reason=reason,
    )
    PostEvent.objects.filter(pk=event.pk).update(created_at=at)
    return event


@pytest.fixture
def jakarta():
    return Region.objects.get(province_code="31")


@pytest.fixture
def central_java():
    return Region.objects.get(province_code="33")


@pytest.fixture
def history(jakarta, central_java, photo, duplicate):
    salemba = UnitFactory(region=jakarta, place="Salemba")
    semarang = UnitFactory(region=central_java, place="Semarang")
    RC, RJ = PostAction.REQUEST_CHANGES, PostAction.REJECT
    decide(salemba, RC, wib(2026, 1, 5), photo)
    decide(salemba, RC, wib(2026, 1, 20), photo)
    decide(salemba, RJ, wib(2026, 2, 3), duplicate)
    decide(salemba, PostAction.APPROVE, wib(2026, 2, 4))
    decide(semarang, RJ, wib(2026, 2, 10), duplicate)
    decide(semarang, PostAction.APPROVE, wib(2026, 3, 1))
    # Outside the period: not counted.
    decide(semarang, RJ, wib(2025, 12, 31), photo)
    return salemba, semarang


def column(table, name) -> int:
    return [str(h) for h in table.headers].index(name)


def dashboard(client, **query):
    client.force_login(EditorFactory())
    return client.get(reverse(URL), query)


def test_reasons_by_month_with_totals(client, period, history):
    tables = dashboard(client, periode=period.pk).context["tables"]
    table = tables["alasan-per-bulan"]
    photo, dup = column(table, "Foto tidak layak"), column(table, "Duplikat")
    rows = {str(row[0]): row for row in table.rows}
    assert list(rows) == ["Jan 2026", "Feb 2026", "Jumlah"]
    assert (rows["Jan 2026"][photo], rows["Jan 2026"][dup]) == (2, 0)
    assert (rows["Feb 2026"][photo], rows["Feb 2026"][dup]) == (0, 2)
    assert rows["Jumlah"][photo] == 2 and rows["Jumlah"][-1] == 4


def test_the_region_filter_narrows_the_reasons(client, period, history, central_java):
    tables = dashboard(client, periode=period.pk, kanwil=central_java.slug).context[
        "tables"
    ]
    table = tables["alasan-per-bulan"]
    assert [str(row[0]) for row in table.rows] == ["Feb 2026", "Jumlah"]
    assert table.rows[-1][column(table, "Duplikat")] == 1
    assert central_java.name in str(table.title)
    assert [r[0] for r in tables["alasan-per-kanwil"].rows[:-1]] == [central_java.name]


def test_reasons_by_region_and_by_unit_beside_the_decisions(
    client, period, history, jakarta, central_java
):
    tables = dashboard(client, periode=period.pk).context["tables"]
    regions = tables["alasan-per-kanwil"]
    totals = {row[0]: row[-1] for row in regions.rows}
    assert totals[jakarta.name] == 3
    assert totals[central_java.name] == 1

    units = tables["alasan-per-upt"]
    salemba, semarang = history
    by_unit = {row[0]: row for row in units.rows}
    # Salemba: 3 of its 4 decisions sent back or refused.
    assert by_unit[salemba.name][-3:] == [3, 4, 75.0]
    assert by_unit[semarang.name][-3:] == [1, 2, 50.0]
    assert by_unit[salemba.name][1] == jakarta.name


def test_inactive_reasons_show_only_when_given(client, period, history):
    RefusalReasonFactory(slug="lama", name="Alasan lama", is_active=False)
    table = dashboard(client, periode=period.pk).context["tables"]["alasan-per-bulan"]
    assert "Alasan lama" not in [str(h) for h in table.headers]
    assert "Foto tidak layak" in [str(h) for h in table.headers]


def test_the_page_shows_the_reasons_table_and_chart(client, period, history):
    page = dashboard(client, periode=period.pk).content.decode()
    assert "Alasan permintaan perbaikan dan penolakan per bulan" in page
    assert 'id="chart-alasan-per-bulan"' in page
    assert 'class="stat-total"' in page  # the totals row stands out


def test_reasons_export_as_csv(client, period, history):
    response = dashboard(
        client, periode=period.pk, tabel="alasan-per-bulan", ekspor="csv"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Bulan" and rows[0][-1] == "Jumlah"
    assert rows[-1][0] == "Jumlah" and rows[-1][-1] == "4"


def test_the_query_count_does_not_grow_with_units_or_events(
    client, period, history, photo, django_assert_max_num_queries
):
    client.force_login(EditorFactory())
    url = reverse(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"periode": period.pk})
    for n in range(6):
        unit = UnitFactory(place="Tambahan %d" % n)
        for month in (1, 3, 5):
            decide(unit, PostAction.REQUEST_CHANGES, wib(2026, month, 9), photo)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"periode": period.pk})
    assert len(response.context["tables"]["alasan-per-upt"].rows) == 8
