"""Fixtures shared by the news tests: an editor (logged in), a unit's author,
a category, and a post waiting for the editors."""

import pytest
from django.utils import timezone

from news.models import PostStatus
from tests.factories import CategoryFactory, EditorFactory, PostFactory, UserFactory


@pytest.fixture
def editor():
    return EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def author(unit):
    return UserFactory(unit=unit)


@pytest.fixture
def category():
    return CategoryFactory()


@pytest.fixture
def submitted(author, category):
    return PostFactory(
        author=author,
        category=category,
        status=PostStatus.SUBMITTED,
        submitted_at=timezone.now(),
        title="Isi",
    )
