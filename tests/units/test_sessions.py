"""Deactivating an account ends its sessions, however it is deactivated."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import EditorFactory, UserFactory
from units.models import User

pytestmark = pytest.mark.django_db


def logged_in(client) -> bool:
    return client.get(reverse("profile")).status_code == 200


def test_a_deactivated_user_is_logged_out_on_the_next_request():
    user = UserFactory()
    phone, laptop = Client(), Client()
    phone.force_login(user)
    laptop.force_login(user)
    assert logged_in(phone) and logged_in(laptop)

    user.is_active = False
    user.save(update_fields=["is_active"])

    for client in (phone, laptop):
        response = client.get(reverse("profile"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert "_auth_user_id" not in client.session


def test_reactivating_the_account_revives_no_old_session():
    user = UserFactory()
    client = Client()
    client.force_login(user)

    user.is_active = False
    user.save()
    user.is_active = True
    user.save()

    assert not logged_in(client)
    # A fresh login works again.
    client.post(
        reverse("login"), {"username": user.username, "password": "rahasia-uji-123"}
    )
    assert logged_in(client)


def test_deactivation_in_the_admin_ends_the_sessions(client):
    admin = EditorFactory(role="admin", is_superuser=True)
    editor = EditorFactory()
    editor_client = Client()
    editor_client.force_login(editor)
    assert editor_client.get("/admin/").status_code == 200
    client.force_login(admin)
    page = client.get(reverse("admin:units_user_change", args=[editor.pk]))
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups")
    }
    data.update(is_active="", unit="", region="", role="editor")

    response = client.post(
        reverse("admin:units_user_change", args=[editor.pk]), data, follow=True
    )

    assert response.status_code == 200
    assert User.objects.get(pk=editor.pk).is_active is False
    assert editor_client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in editor_client.session


def test_a_password_change_keeps_the_session_that_made_it(client):
    user = UserFactory()
    client.force_login(user)
    new = "Kebun-Teh-Malabar-7"
    client.post(
        reverse("password_change"),
        {"old_password": "rahasia-uji-123", "new_password1": new, "new_password2": new},
    )
    assert logged_in(client)
