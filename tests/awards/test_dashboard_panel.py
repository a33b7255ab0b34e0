"""The contributor's news dashboard shows the unit's awards panel."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardPeriod, UnitStatistic
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(db):
    today = timezone.localdate()
    return AwardPeriod.objects.create(
        name="Berjalan",
        starts_on=today - timedelta(days=40),
        ends_on=today + timedelta(days=300),
    )


def test_news_dashboard_shows_the_standing_and_the_month(
    client, unit, running, django_assert_max_num_queries
):
    author = UserFactory(unit=unit)
    UnitStatistic.objects.create(
        period=running, unit=unit, metric="posts_published", value=4
    )
    for _n in range(3):
        PostFactory(author=author)
    client.force_login(author)
    client.get(reverse("news:dashboard"))  # the footer's links are cached after this
    with django_assert_max_num_queries(40), CaptureQueriesContext(connection) as few:
        page = client.get(reverse("news:dashboard"))
    html = page.content.decode()
    assert "One Day One News" in html
    assert "hari kerja" in html
    assert "Posisi UPT Anda, periode Berjalan" in html
    assert 'href="%s"' % reverse("awards:dashboard") in html
    assert 'href="%s"' % reverse("public:awards") in html

    # More posts on the dashboard do not cost more queries.
    for _n in range(10):
        PostFactory(author=author)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("news:dashboard"))
    assert len(more) == len(few)
