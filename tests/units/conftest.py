"""Accounts the units tests share (test_admin.py keeps its own variants)."""

import pytest

from units.models import Role, User
from units.services import user_set_role


def _account(role, *, username, **kwargs) -> User:
    user = User.objects.create_user(
        username=username,
        email="%s@example.go.id" % username,
        password="rahasia-uji-123",
        role=role,
        **kwargs,
    )
    return user_set_role(
        user=user, role=role, unit=kwargs.get("unit"), region=kwargs.get("region")
    )


@pytest.fixture
def administrator(db):
    """An administrator by role and group, not a superuser."""
    return _account(Role.ADMIN, username="admin-uji")


@pytest.fixture
def editor(db):
    return _account(Role.EDITOR, username="editor-uji", first_name="Eka")
