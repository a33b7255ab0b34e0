"""Password reset by e-mail: Indonesian mail, a working link, no account
oracle, and an hourly limit. The mail leaves from the real Celery worker."""

import re
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PASSWORD = "Kebun-Teh-Malabar-7"


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def without_csrf_token(response) -> str:
    # The token is masked afresh on every page; nothing else may differ.
    return re.sub(r'value="[^"]+"', "", response.content.decode())


def ask(client: Client, email: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip, follow=True
    )


def test_the_login_page_links_to_the_reset_page(client):
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in page
    assert "Lupa kata sandi?" in page


def test_a_known_address_gets_an_indonesian_link_that_sets_a_new_password(
    celery_worker, client
):
    user = UserFactory(username="sari", email="sari@example.go.id")

    response = ask(client, "SARI@example.go.id")

    assert response.status_code == 200
    assert "Periksa e-mail Anda" in response.content.decode()
    assert wait_for(lambda: len(mail.outbox) == 1)
    message = mail.outbox[0]
    assert message.to == ["sari@example.go.id"]
    assert message.subject == "[Ditjenpas] Tautan untuk membuat kata sandi baru"
    assert "Yth. Uji" in message.body
    assert '"sari"' in message.body
    assert "rahasia" not in message.body
    link = re.search(r"http://\S+/akun/atur-sandi/\S+/", message.body).group(0)
    path = link.split("127.0.0.1:8000", 1)[1]

    form_page = client.get(path, follow=True)
    assert "Buat kata sandi baru" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Kata sandi tersimpan" in done.content.decode()

    login = Client().post(
        reverse("login"), {"username": "sari", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link is spent once used.
    again = client.get(path, follow=True)
    assert "Tautan tidak berlaku" in again.content.decode()


def test_an_unknown_address_gets_the_same_page_and_no_mail(celery_worker, client):
    UserFactory(email="sari@example.go.id")

    known = ask(client, "sari@example.go.id", ip="10.0.0.2")
    unknown = ask(client, "tidak-ada@example.go.id", ip="10.0.0.3")

    assert known.redirect_chain == unknown.redirect_chain
    assert without_csrf_token(known) == without_csrf_token(unknown)
    assert wait_for(lambda: len(mail.outbox) == 1)
    time.sleep(1)
    assert [m.to for m in mail.outbox] == [["sari@example.go.id"]]


def test_an_invalid_address_is_a_form_error_in_indonesian(client):
    response = client.post(reverse("password_reset"), {"email": "bukan-alamat"})
    assert response.status_code == 200
    assert "Masukkan alamat email yang valid." in response.content.decode()


def test_one_address_gets_at_most_five_mails_an_hour(celery_worker, client, settings):
    UserFactory(email="sari@example.go.id")

    pages = [ask(client, "sari@example.go.id", ip="10.1.0.%d" % n) for n in range(7)]

    assert {p.redirect_chain[-1][0] for p in pages} == {reverse("password_reset_done")}
    assert wait_for(lambda: len(mail.outbox) == 5)
    time.sleep(1)
    assert len(mail.outbox) == 5


def test_one_client_address_is_limited_across_addresses(
    celery_worker, client, settings
):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 3
    for n in range(5):
        UserFactory(email="akun%d@example.go.id" % n)

    for n in range(5):
        response = ask(client, "akun%d@example.go.id" % n, ip="10.2.0.9")
        assert response.redirect_chain[-1][0] == reverse("password_reset_done")

    assert wait_for(lambda: len(mail.outbox) == 3)
    time.sleep(1)
    assert len(mail.outbox) == 3
    # Another client is not held back.
    ask(client, "akun4@example.go.id", ip="10.2.0.10")
    assert wait_for(lambda: len(mail.outbox) == 4)
