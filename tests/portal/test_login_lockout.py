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


# --- Behind the proxy (units.security.client_ip) ------------------------------

PROXY = "127.0.0.1"
ATTACKER = "203.0.113.66"
EDITOR_HOME = "198.51.100.7"


def via_proxy(client, url, username, password, client_address, **headers):
    """A login POST as the shipped nginx forwards it: from the proxy's own
    address, with the client's address appended to X-Forwarded-For."""
    return client.post(
        url,
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
        **headers,
    )


@pytest.fixture(autouse=True)
def _fresh_address_counts():
    from django.core.cache import cache

    cache.delete_many(
        ["login-failures:ip:%s" % ip for ip in (PROXY, ATTACKER, EDITOR_HOME)]
    )


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


@pytest.mark.parametrize("url", ["/masuk/", "/admin/login/"])
def test_an_attacker_cannot_lock_an_editor_out_from_another_address(
    client, db, behind_proxy, url
):
    editor = EditorFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        via_proxy(client, url, editor.username, "salah", ATTACKER)
    assert (
        via_proxy(client, url, editor.username, PASSWORD, ATTACKER).status_code == 429
    )

    from django.test import Client

    own = via_proxy(Client(), url, editor.username, PASSWORD, EDITOR_HOME)

    assert own.status_code == 302


def test_the_right_most_forwarded_address_counts_not_one_the_client_wrote(
    client, db, behind_proxy
):
    """A client may send its own X-Forwarded-For; nginx appends the real
    address, so a forged left-hand value changes nothing."""
    editor = EditorFactory()
    for n in range(settings.AXES_FAILURE_LIMIT):
        forged = "10.9.9.%d, %s" % (n, ATTACKER)
        via_proxy(client, "/masuk/", editor.username, "salah", forged)

    locked = via_proxy(client, "/masuk/", editor.username, PASSWORD, ATTACKER)

    assert locked.status_code == 429


def test_password_spraying_from_one_address_is_stopped(client, db, behind_proxy):
    victims = UserFactory.create_batch(3)
    target = UserFactory()
    # Four wrong passwords per username: never enough for axes' lock of one
    # username, but 20 from one address in all.
    tries = 0
    while tries < settings.LOGIN_FAILURES_PER_IP:
        user = victims[tries % 3] if tries < 12 else UserFactory()
        assert (
            via_proxy(client, "/masuk/", user.username, "salah", ATTACKER).status_code
            == 200
        )
        tries += 1

    stopped = via_proxy(client, "/masuk/", target.username, PASSWORD, ATTACKER)

    assert stopped.status_code == 429
    assert "dari alamat Anda, untuk beberapa akun" in stopped.content.decode()
    assert stopped["Retry-After"] == str(settings.LOGIN_FAILURE_WINDOW_MINUTES * 60)
    assert "_auth_user_id" not in client.session
    # The admin's login is closed to that address too ...
    assert (
        via_proxy(
            client, "/admin/login/", target.username, PASSWORD, ATTACKER
        ).status_code
        == 429
    )
    # ... and nobody else is held back.
    from django.test import Client

    other = via_proxy(Client(), "/masuk/", target.username, PASSWORD, EDITOR_HOME)
    assert other.status_code == 302


def test_without_a_trusted_proxy_the_header_is_ignored(client, db, settings):
    """The default: X-Forwarded-For is the client's own claim. Changing it
    on every try neither escapes the lock nor moves it to someone else."""
    assert settings.TRUSTED_PROXIES == []
    user = UserFactory()
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = via_proxy(client, "/masuk/", user.username, "salah", "10.0.0.%d" % n)
    assert response.status_code == 429

    spoofed = via_proxy(client, "/masuk/", user.username, PASSWORD, EDITOR_HOME)

    assert spoofed.status_code == 429


def test_a_request_not_from_the_proxy_is_judged_by_its_own_address(
    client, db, behind_proxy
):
    user = UserFactory()
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/masuk/",
            {"username": user.username, "password": "salah"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR="10.0.0.%d" % n,
        )
    response = client.post(
        "/masuk/",
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,
        HTTP_X_FORWARDED_FOR=EDITOR_HOME,
    )
    assert response.status_code == 429


def test_x_real_ip_counts_when_the_proxy_sends_no_forwarded_for(rf, settings):
    from units.security import client_ip

    settings.TRUSTED_PROXIES = [PROXY]
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=EDITOR_HOME)
    assert client_ip(request) == EDITOR_HOME
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="bukan-alamat")
    assert client_ip(request) == PROXY
    settings.TRUSTED_PROXIES = []
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=EDITOR_HOME)
    assert client_ip(request) == PROXY
