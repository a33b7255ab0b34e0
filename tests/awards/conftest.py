"""Fixtures for the awards tests."""

from datetime import UTC, date, datetime, timedelta
from importlib import import_module

import pytest

WIB_OFFSET = timedelta(hours=7)


@pytest.fixture(autouse=True)
def _awards_reference_data(request):
    """The categories and the 2024 history come from a data migration; a
    transactional test's flush removes them, so they are put back."""
    if not (
        request.node.get_closest_marker("django_db")
        or {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps

    from awards.models import AwardCategory

    if not AwardCategory.objects.exists():
        module = import_module("awards.migrations.0002_categories_and_2024_winners")
        module.load_categories_and_history(apps, None)


def wib(year, month, day, hour=10, minute=0) -> datetime:
    """An aware datetime given in WIB (UTC+7)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - WIB_OFFSET


@pytest.fixture
def period(db):
    from awards.models import AwardPeriod

    # 23-27 December 2024: Christmas (Wed 25th) is a public holiday, so the
    # working days are Mon 23, Tue 24, Thu 26 and Fri 27.
    return AwardPeriod.objects.create(
        name="Uji Desember", starts_on=date(2024, 12, 23), ends_on=date(2024, 12, 27)
    )


@pytest.fixture
def year_period(db):
    from awards.models import AwardPeriod

    return AwardPeriod.objects.create(
        name="2025", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)
    )


@pytest.fixture
def category(db):
    from awards.models import AwardCategory

    return AwardCategory.objects.get(slug="kontributor-berita-teraktif")


@pytest.fixture
def make_published(db):
    """Build a published post with its SUBMIT (and REQUEST_CHANGES) events."""
    from news.models import PostAction, PostEvent, PostStatus
    from tests.factories import PostFactory

    def make(*, author, at, submitted=None, changes=False, **fields):
        post = PostFactory(
            author=author,
            unit=fields.pop("unit", author.unit),
            status=PostStatus.PUBLISHED,
            published_at=at,
            submitted_at=submitted,
            **fields,
        )
        if submitted is not None:
            PostEvent.objects.create(
                post=post, actor=author, action=PostAction.SUBMIT, notified_at=at
            )
        if changes:
            PostEvent.objects.create(
                post=post, action=PostAction.REQUEST_CHANGES, notified_at=at
            )
        return post

    return make


@pytest.fixture
def make_photo(db):
    from news.models import Photo, PhotoKind

    def make(post, alt_text):
        return Photo.objects.create(
            unit=post.unit,
            post=post,
            kind=PhotoKind.GALLERY,
            image="photos/aa/uji.jpg",
            alt_text=alt_text,
            status="ready",
        )

    return make


@pytest.fixture
def wib_at():
    return wib
