"""Each statistic on hand-built data with known answers (weekends, holidays,
time zones), per unit and per contributor."""

from datetime import date, timedelta

import pytest
from django.test import override_settings

from awards.models import (
    ContributorStatistic,
    Incident,
    Platform,
    ReviewStatus,
    SocialAccount,
    SocialReport,
    UnitStatistic,
)
from awards.services import statistics_refresh
from awards.workdays import working_days
from news.models import PostStatus, Programme
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def numbers(period, unit):
    return dict(
        UnitStatistic.objects.filter(period=period, unit=unit).values_list(
            "metric", "value"
        )
    )


def test_working_days_skip_weekends_and_indonesian_public_holidays():
    # Christmas (Wednesday 25 December 2024) and the weekend are not counted.
    days = working_days(date(2024, 12, 23), date(2024, 12, 29))
    assert days == [date(2024, 12, d) for d in (23, 24, 26, 27)]
    # Eid al-Fitr 2024 fell on Wednesday 10 and Thursday 11 April.
    april = working_days(date(2024, 4, 8), date(2024, 4, 12))
    assert april == [date(2024, 4, 8), date(2024, 4, 9), date(2024, 4, 12)]


def test_news_numbers_of_a_unit(period, unit, wib_at, make_published, make_photo):
    sari = UserFactory(unit=unit)
    budi = UserFactory(unit=unit)
    # Monday 23rd: two posts (one day), one with changes requested.
    a = make_published(
        author=sari,
        at=wib_at(2024, 12, 23, 9),
        submitted=wib_at(2024, 12, 22, 20),
        event_date=date(2024, 12, 21),  # 1 day before submission
    )
    make_published(
        author=sari,
        at=wib_at(2024, 12, 23, 15),
        submitted=wib_at(2024, 12, 23, 8),
        changes=True,
        event_date=date(2024, 12, 17),  # 6 days
    )
    # Monday 23rd 23:30 UTC is already Tuesday 24th 06:30 in WIB.
    b = make_published(
        author=budi,
        at=wib_at(2024, 12, 24, 6, 30),
        submitted=wib_at(2024, 12, 23, 10),
        event_date=date(2024, 12, 21),  # 2 days
        programme=Programme.APA_KABAR,
    )
    # Christmas: published, but not a working day. No submission (editor).
    make_published(author=budi, at=wib_at(2024, 12, 25, 9))
    # Outside the period, unpublished, another unit: not counted.
    make_published(author=sari, at=wib_at(2024, 12, 28, 9))
    PostFactory(
        author=sari, status=PostStatus.UNPUBLISHED, published_at=wib_at(2024, 12, 26)
    )
    make_published(author=UserFactory(), at=wib_at(2024, 12, 26))
    make_photo(a, "Warga binaan mengikuti pelatihan menjahit di bengkel kerja")
    make_photo(b, "IMG_2034.jpg")
    make_photo(b, "Kepala Lapas menyerahkan sertifikat pelatihan")

    statistics_refresh(period=period)

    assert numbers(period, unit) == {
        "posts_published": 4,
        "active_working_days": 2,  # 23rd and 24th; 25th is Christmas
        "posts_reviewed": 3,
        "posts_clean": 2,
        "lead_median_days": 2.0,  # of 1, 6 and 2
        "posts_with_photos": 2,
        "posts_good_alt": 1,  # b has a file name as alt text
        "programme_posts": 1,
        "programme_months": 1,
    }
    per_person = {
        (row.user_id, row.metric): row.value
        for row in ContributorStatistic.objects.filter(period=period)
    }
    assert per_person[(sari.pk, "posts_published")] == 2
    assert per_person[(sari.pk, "active_working_days")] == 1
    assert per_person[(budi.pk, "posts_published")] == 2
    assert per_person[(budi.pk, "programme_posts")] == 1


@override_settings(AWARDS_SOCIAL_MIN_POSTS_PER_MONTH=10)
def test_social_numbers_use_only_verified_reports(year_period, unit):
    account = SocialAccount.objects.create(
        unit=unit, platform=Platform.INSTAGRAM, handle="humas.uji"
    )
    for month, followers, posts, interactions, status in (
        (1, 1000, 12, 300, ReviewStatus.VERIFIED),
        (2, 1100, 8, 200, ReviewStatus.VERIFIED),
        (3, 1250, 20, 500, ReviewStatus.VERIFIED),
        (4, 9000, 90, 9000, ReviewStatus.SUBMITTED),  # not verified yet
    ):
        SocialReport.objects.create(
            account=account,
            month=date(2025, month, 1),
            followers=followers,
            posts=posts,
            interactions=interactions,
            sample_url="https://instagram.com/p/x",
            status=status,
        )
    statistics_refresh(period=year_period, today=date(2025, 4, 15))
    got = numbers(year_period, unit)
    assert got["social_reported_months"] == 3
    assert got["social_consistent_months"] == 2  # January and March
    assert got["social_expected_months"] == 4  # January to April so far
    assert got["social_followers"] == 3350
    assert got["social_interactions"] == 1000
    assert got["social_growth"] == pytest.approx(0.25)  # 1000 -> 1250


@override_settings(CRISIS_RESPONSE_TARGET_HOURS=24)
def test_crisis_numbers_count_unanswered_incidents_against_the_unit(
    year_period, unit, wib_at
):
    author = UserFactory(unit=unit)
    occurred = wib_at(2025, 3, 1, 8)
    fast = PostFactory(
        author=author,
        status=PostStatus.PUBLISHED,
        published_at=occurred + timedelta(hours=10),
    )
    slow = PostFactory(
        author=author,
        status=PostStatus.PUBLISHED,
        published_at=occurred + timedelta(hours=30),
    )
    for clarification in (fast, slow, None):
        Incident.objects.create(
            unit=unit,
            occurred_at=occurred,
            learned_at=occurred + timedelta(hours=1),
            kind="hoax",
            summary="Kabar bohong tentang pelarian",
            reach="viral",
            clarification=clarification,
        )
    statistics_refresh(period=year_period, today=date(2025, 4, 15))
    got = numbers(year_period, unit)
    assert got["crisis_incidents"] == 3
    assert got["crisis_answered"] == 2
    assert got["crisis_within_target"] == 1
    assert got["crisis_median_hours"] == 20.0
    # (1 - 10/48) + (1 - 30/48) + 0 for the unanswered one
    assert got["crisis_speed_credit"] == pytest.approx(1 - 10 / 48 + 1 - 30 / 48)
