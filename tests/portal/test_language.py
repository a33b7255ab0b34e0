"""The language comes from the address: Indonesian everywhere, English under
/en/ for the reader's pages; no cookie, no form, no Accept-Language."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import PostFactory


@pytest.fixture(autouse=True)
def _indonesian_outside_requests():
    # An English request leaves English active in this thread, as a server's
    # next request would not notice (its middleware activates its own).
    with translation.override("id"):
        yield


def test_indonesian_even_for_an_english_browser(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "id"
    assert '<html lang="id">' in response.content.decode()
    assert "Beranda" in response.content.decode()
    assert "Accept-Language" not in response.get("Vary", "")


def test_english_lives_under_en(client, db):
    response = client.get("/en/", HTTP_ACCEPT_LANGUAGE="id")

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Home" in html


def test_a_language_cookie_changes_nothing(client, db):
    client.cookies["django_language"] = "en"

    response = client.get("/")

    assert response["Content-Language"] == "id"


def test_the_newsroom_has_no_english_address(client, db):
    assert reverse("login") == "/masuk/"
    assert client.get("/en/masuk/").status_code == 404
    assert client.get("/en/admin/").status_code == 404
    # The old language switcher is gone with its form.
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 404


def test_feeds_sitemaps_and_robots_have_one_address(client, db):
    for path in ("/feed/rss/", "/sitemap.xml", "/robots.txt"):
        assert client.get(path).status_code == 200
        assert client.get("/en" + path).status_code == 404


@pytest.mark.django_db
def test_hreflang_links_and_footer_links_name_the_same_page(client):
    post = PostFactory(status="published", published_at=timezone.now())
    path = reverse("public:article", kwargs={"slug": post.slug})

    for url, current in ((path, "id"), ("/en" + path, "en")):
        html = client.get(url + "?halaman=1").content.decode()
        alternates = dict(
            re.findall(
                r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html
            )
        )
        site = settings.SITE_URL.rstrip("/")  # as the canonical links
        assert alternates == {
            "id": "%s%s?halaman=1" % (site, path),
            "en": "%s/en%s?halaman=1" % (site, path),
            "x-default": "%s%s?halaman=1" % (site, path),
        }
        footer = html[html.index('class="lang-choice"') :]
        other = "/en" + path if current == "id" else path
        assert 'href="%s?halaman=1"' % other in footer
        assert '<span aria-current="true" lang="%s">' % current in footer
        assert "<form" not in footer


def test_pages_without_english_link_to_each_home_page(client, db):
    html = client.get(reverse("login")).content.decode()

    assert 'hreflang="x-default"' not in html
    footer = html[html.index('class="lang-choice"') :]
    assert 'href="/en/"' in footer
