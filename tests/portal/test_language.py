from django.conf import settings


def test_indonesian_even_for_an_english_browser(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "id"
    assert '<html lang="id">' in response.content.decode()
    assert "Beranda" in response.content.decode()


def test_the_chosen_language_wins(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="id")

    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_indonesian(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"

    response = client.get("/")

    assert response["Content-Language"] == "id"
