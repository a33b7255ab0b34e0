"""Fixtures for the public app's tests: published posts with chosen words."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CategoryFactory, PostFactory, UnitFactory, UserFactory


@pytest.fixture
def category(db):
    return CategoryFactory(name="Pembinaan", slug="pembinaan")


@pytest.fixture
def make_post(db, unit, category):
    """make_post(title=..., body=..., hours_ago=...) -> a post, published by default."""

    def make(*, status="published", hours_ago=1, post_unit=None, **fields):
        post_unit = post_unit or unit
        fields.setdefault("category", category)
        if status == "published":
            published_at = timezone.now() - timedelta(hours=hours_ago)
            fields.setdefault("published_at", published_at)
        return PostFactory(
            status=status,
            unit=post_unit,
            author=UserFactory(unit=post_unit),
            **fields,
        )

    return make


@pytest.fixture
def region_unit(db):
    """A unit in another region (Jawa Tengah, loaded by migration)."""
    from units.models import Region

    return UnitFactory(region=Region.objects.get(province_code="33"))
