"""Password rules: at least 12 characters, nothing common or like the account's
own name, and no composition rules. Messages in Indonesian."""

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import UserFactory
from units.models import User


def refused(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def account() -> User:
    return User(
        username="budi.santoso",
        first_name="Budi",
        last_name="Santoso",
        email="budi.santoso@lapas-semarang.go.id",
    )


@pytest.mark.parametrize(
    "password",
    [
        "kopi tubruk pagi hari",  # a sentence, lower case, no digit
        "KEBUNTEHMALABAR",  # capitals only
        "837261940582",  # digits only, but long and not common
        "Kebun-Teh-Malabar-7",
    ],
)
def test_long_passwords_without_any_composition_are_accepted(password):
    assert refused(password, account()) == []


def test_eleven_characters_are_too_short():
    assert refused("kopi-tubruk") == [
        "Kata sandi ini terlalu pendek: minimal 12 karakter."
    ]


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "qwertyuiop123",
        "Bismillah2024!",
        "sayangku12345",
        "pemasyarakatan",
        "Ditjenpas2025!",
        "aaaaaaaaaaaaaaaa",
        "abababababababab",
    ],
)
def test_common_and_local_passwords_are_refused(password):
    assert "Kata sandi ini terlalu umum dan mudah ditebak." in refused(password)


@pytest.mark.parametrize(
    ("password", "what"),
    [
        ("budi.santoso1", "nama pengguna"),
        ("budisantoso-rahasia-kuat", "nama pengguna"),
        ("santoso-kebun-teh", "nama"),
        ("lapas-semarang-kebun", "alamat email"),
    ],
)
def test_passwords_like_the_username_name_or_email_are_refused(password, what):
    messages = refused(password, account())
    assert any("terlalu mirip dengan" in m and what in m for m in messages), messages


def test_the_help_text_names_no_composition_rule():
    texts = " ".join(str(text) for text in password_validators_help_texts())
    assert "Minimal 12 karakter" in texts
    for rule in ("huruf besar", "angka", "simbol", "numeric", "entirely"):
        assert rule not in texts


@pytest.mark.django_db
def test_the_password_change_page_refuses_a_short_password_in_indonesian(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "rahasia-uji-123",
            "new_password1": "pendek",
            "new_password2": "pendek",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "terlalu pendek: minimal 12 karakter" in page
    user.refresh_from_db()
    assert user.check_password("rahasia-uji-123")
