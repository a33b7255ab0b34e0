"""The signed-in user's own pages: login message, profile, password change."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import EditorFactory, UserFactory
from units.services import user_profile_update

pytestmark = pytest.mark.django_db


def test_a_wrong_password_says_so_once_in_plain_indonesian(client):
    UserFactory(username="sari")

    response = client.post(
        reverse("login"), {"username": "sari", "password": "salah-sekali"}
    )

    page = response.content.decode()
    assert "Nama pengguna atau kata sandi salah." in page
    assert "nama pengguna nama pengguna" not in page.casefold()


def test_the_admin_login_message_reads_correctly_too(client):
    EditorFactory(username="eka")

    response = client.post(
        reverse("admin:login"), {"username": "eka", "password": "salah-sekali"}
    )

    page = response.content.decode()
    assert "Nama pengguna atau kata sandi salah" in page
    assert "nama pengguna nama pengguna" not in page.casefold()
    # The admin's login offers the reset by e-mail as well.
    assert reverse("password_reset") in page


def test_the_header_links_the_profile_for_signed_in_users_only(client):
    assert reverse("profile") not in client.get(reverse("home")).content.decode()
    client.force_login(UserFactory())
    assert reverse("profile") in client.get(reverse("home")).content.decode()


def test_profile_needs_a_signed_in_user(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_contributor_edits_name_and_email_and_sees_no_mail_preference(client):
    user = UserFactory(first_name="Sari", email="sari@example.go.id")
    client.force_login(user)

    page = client.get(reverse("profile")).content.decode()
    assert "Profil saya" in page
    assert "editor_digest" not in page
    assert reverse("password_change") in page

    response = client.post(
        reverse("profile"),
        {
            "first_name": "Sari",
            "last_name": "Wulandari",
            "email": "sari.w@example.go.id",
            "editor_digest": "1",
        },
        follow=True,
    )

    assert "Profil Anda sudah disimpan." in response.content.decode()
    user.refresh_from_db()
    assert (user.get_full_name(), user.email, user.editor_digest) == (
        "Sari Wulandari",
        "sari.w@example.go.id",
        False,
    )


def test_an_editor_chooses_the_daily_digest_on_the_profile(client):
    editor = EditorFactory(editor_digest=False)
    client.force_login(editor)
    assert 'name="editor_digest"' in client.get(reverse("profile")).content.decode()

    client.post(
        reverse("profile"),
        {
            "first_name": editor.first_name,
            "last_name": "",
            "email": editor.email,
            "editor_digest": "1",
        },
    )

    editor.refresh_from_db()
    assert editor.editor_digest is True


def test_an_address_of_another_account_is_refused(client):
    UserFactory(email="dipakai@example.go.id")
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("profile"),
        {"first_name": "Uji", "last_name": "", "email": "DIPAKAI@example.go.id"},
    )

    assert "sudah dipakai akun lain" in response.content.decode()
    user.refresh_from_db()
    assert user.email != "dipakai@example.go.id"


def test_profile_update_service_ignores_the_digest_for_non_editors():
    user = UserFactory()
    changed = user_profile_update(
        user=user,
        first_name="Baru",
        last_name="",
        email=user.email,
        editor_digest=True,
    )
    assert changed == ["first_name"]
    assert user.editor_digest is False


def test_password_change_keeps_the_user_signed_in(client):
    user = UserFactory()
    client.force_login(user)

    page = client.get(reverse("password_change")).content.decode()
    assert "Ganti kata sandi" in page
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "rahasia-uji-123",
            "new_password1": "Kebun-Teh-Malabar-7",
            "new_password2": "Kebun-Teh-Malabar-7",
        },
        follow=True,
    )

    assert "Kata sandi diganti" in response.content.decode()
    assert client.get(reverse("profile")).status_code == 200
    user.refresh_from_db()
    assert user.check_password("Kebun-Teh-Malabar-7")


def test_the_new_submission_mail_points_editors_to_their_profile():
    from django.template.loader import render_to_string

    body = render_to_string(
        "news/email/new_submission.txt",
        {"post": None, "recipient_name": "Eka"},
    )
    assert "http://127.0.0.1:8000/akun/profil/" in body
    digest = render_to_string("news/email/editor_digest.txt", {"posts": []})
    assert "http://127.0.0.1:8000/akun/profil/" in digest
    assert mail.outbox == []


def test_the_profile_page_is_in_indonesian_for_every_role(client):
    for user in (UserFactory(), EditorFactory()):
        c = Client()
        c.force_login(user)
        page = c.get(reverse("profile")).content.decode()
        assert "Nama depan" in page
        assert "Alamat e-mail" in page
