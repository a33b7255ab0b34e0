"""Recording winners freezes a snapshot; a closed period refuses changes;
the newsroom ranking shows the formula, the breakdown and the raw numbers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from awards.models import AwardResult, AwardWinner, UnitStatistic
from awards.services import (
    award_period_close,
    award_winners_record,
    statistics_refresh,
)
from tests.factories import EditorFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def give(period, unit, **numbers):
    for metric, value in numbers.items():
        UnitStatistic.objects.update_or_create(
            period=period, unit=unit, metric=metric, defaults={"value": value}
        )


@pytest.fixture
def four_units(period):
    units = [
        UnitFactory(place=place) for place in ("Alfa", "Bravo", "Charlie", "Delta")
    ]
    for unit, days in zip(units, (4, 3, 2, 1), strict=True):
        give(period, unit, posts_published=days * 2, active_working_days=days)
    return units


def test_recording_winners_freezes_the_ranking(period, category, four_units):
    editor = EditorFactory()
    winners = award_winners_record(period=period, category=category, actor=editor)
    assert [(w.rank, w.unit) for w in winners] == [
        (1, four_units[0]),
        (2, four_units[1]),
        (3, four_units[2]),
    ]
    first_score = winners[0].score
    snapshot = AwardResult.objects.get(period=period, category=category)
    assert [row["name"] for row in snapshot.ranking][:4] == [u.name for u in four_units]

    # The numbers move on afterwards; the recorded winners do not.
    give(period, four_units[3], posts_published=40, active_working_days=4)
    winner = AwardWinner.objects.get(period=period, category=category, rank=1)
    assert winner.unit == four_units[0]
    assert winner.score == first_score
    assert winner.breakdown["raw"]["active_working_days"] == 4
    snapshot.refresh_from_db()
    assert snapshot.ranking[3]["raw"]["posts_published"] == 2


def test_a_renamed_unit_keeps_the_name_it_won_under(period, category, four_units):
    award_winners_record(period=period, category=category, actor=EditorFactory())
    unit = four_units[0]
    old_name = unit.name
    unit.name = "Lapas Kelas IIA Alfa Baru"
    unit.save()
    assert AwardWinner.objects.get(unit=unit).name == old_name


def test_a_closed_period_refuses_every_change(period, category, four_units):
    editor = EditorFactory()
    award_period_close(period=period, actor=editor)
    with pytest.raises(ValidationError):
        award_winners_record(period=period, category=category, actor=editor)
    with pytest.raises(ValidationError):
        statistics_refresh(period=period)
    with pytest.raises(ValidationError):
        award_period_close(period=period, actor=editor)
    assert not AwardWinner.objects.filter(period=period).exists()


def test_only_editors_record_winners(period, category, four_units):
    with pytest.raises(PermissionDenied):
        award_winners_record(period=period, category=category, actor=UserFactory())


def test_newsroom_ranking_page(
    client, period, category, four_units, django_assert_max_num_queries
):
    editor = EditorFactory()
    client.force_login(editor)
    url = reverse("admin:awards_ranking", args=(period.pk, category.slug))
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Skor = 40 × (hari kerja dengan berita terbit ÷ hari kerja)" in page
    assert "Nilai sama diurutkan menurut" in page
    assert four_units[0].name in page
    assert (
        reverse("admin:awards_posts_behind", args=(period.pk, four_units[0].pk)) in page
    )

    response = client.post(
        reverse("admin:awards_record_winners", args=(period.pk, category.slug)),
        follow=True,
    )
    assert "Pemenang dicatat" in response.content.decode()
    assert AwardWinner.objects.filter(period=period, category=category).count() == 3


def test_the_ranking_page_query_count_does_not_grow_with_units(
    client, period, category, django_assert_max_num_queries
):
    for n in range(30):
        give(period, UnitFactory(), posts_published=n + 1, active_working_days=1)
    client.force_login(EditorFactory())
    with django_assert_max_num_queries(20):
        client.get(reverse("admin:awards_ranking", args=(period.pk, category.slug)))


def test_unit_staff_cannot_open_the_ranking(client, period, category):
    client.force_login(UserFactory())
    response = client.get(
        reverse("admin:awards_ranking", args=(period.pk, category.slug))
    )
    assert response.status_code in (302, 403)


def test_the_nightly_job_opens_this_years_period_once(db):
    from datetime import date

    from awards.models import AwardPeriod
    from awards.services import award_period_current_ensure

    created = award_period_current_ensure(today=date(2031, 3, 4))
    assert (created.name, created.starts_on, created.ends_on) == (
        "2031",
        date(2031, 1, 1),
        date(2031, 12, 31),
    )
    assert award_period_current_ensure(today=date(2031, 7, 1)) is None
    assert AwardPeriod.objects.filter(name="2031").count() == 1
