"""Brute-force protection on the site's and the admin's login forms."""

import pytest
from django.conf import settings

from tests.factories import EditorFactory, UserFactory

PASSWORD = "rahasia-uji-123"


def attempt(client, url, username, password):
    return client.post(url, {"username": username, "password": password})


@pytest.mark.parametrize("url", ["/masuk/", "/admin/login/"])
def test_repeated_wrong_passwords_lock_the_account_from_that_address(client, db, url):
    user = EditorFactory() if "admin" in url else UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, url, user.username, "salah").status_code == 200

    locked = attempt(client, url, user.username, "salah")

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Terlalu banyak percobaan masuk" in page
    assert "Coba lagi dalam 15 menit" in page
    # Even the right password is refused while the lock lasts.
    assert attempt(client, url, user.username, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_account_is_not_locked_by_someone_elses_failures(client, db):
    victim, other = UserFactory(), UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "/masuk/", victim.username, "salah")

    response = attempt(client, "/masuk/", other.username, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_a_successful_login_resets_the_count(client, db):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "/masuk/", user.username, "salah")
    assert attempt(client, "/masuk/", user.username, PASSWORD).status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "/masuk/", user.username, "salah").status_code == 200
