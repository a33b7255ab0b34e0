"""Fixtures of the image pipeline tests (no database, no project settings)."""

import os

import pytest


@pytest.fixture
def django_messages():
    """Allow rendering lazy translated messages without the project settings."""
    from django.conf import settings

    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(USE_I18N=False)
