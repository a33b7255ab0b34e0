"""sitemap.xml and robots.txt, checked against the sitemap and Google News rules."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from news.models import Post
from tests.factories import TagFactory

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
W3C_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$"
)
W3C_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locs(root):
    return [el.text for el in root.iterfind(".//sm:loc", NS)]


def section_url(section):
    return reverse("public:sitemap_section", kwargs={"section": section})


def test_index_lists_every_section_with_absolute_urls(client, make_post):
    make_post(title="Satu")
    root = xml(client, reverse("public:sitemap"))
    assert root.tag == "{%s}sitemapindex" % NS["sm"]
    urls = locs(root)
    for section in ("berita-terkini", "berita", "upt", "kategori", "tag"):
        assert any(url.endswith(section_url(section)) for url in urls), section
    base = settings.SITE_URL.split("://")[1].rstrip("/")
    assert all(url.startswith("http://%s/" % base) for url in urls)


def test_posts_section_has_published_posts_only(client, make_post, unit, category):
    published = make_post(title="Terbit")
    draft = make_post(title="Draf", status="draft")
    urls = locs(xml(client, section_url("berita")))
    assert any(url.endswith(published.get_absolute_url()) for url in urls)
    assert not any(url.endswith(draft.get_absolute_url()) for url in urls)
    for el in xml(client, section_url("berita")).iterfind(".//sm:lastmod", NS):
        assert W3C_DATE.match(el.text) or W3C_DATETIME.match(el.text)


def test_listing_sections(client, make_post, unit, other_unit, category):
    post = make_post(title="Dengan tag")
    post.tags.add(TagFactory(name="panen", slug="panen"))
    TagFactory(name="tanpa berita", slug="tanpa-berita")
    units = locs(xml(client, section_url("upt")))
    assert any(u.endswith(unit.get_absolute_url()) for u in units)
    # A unit without a published post has an empty page: not listed.
    assert not any(
        u.endswith(other_unit.get_absolute_url())
        for u in locs(xml(client, section_url("upt")))
    )
    assert any(
        u.endswith(category.get_absolute_url())
        for u in locs(xml(client, section_url("kategori")))
    )
    tags = locs(xml(client, section_url("tag")))
    assert any(u.endswith("/tag/panen/") for u in tags)
    assert not any(u.endswith("/tag/tanpa-berita/") for u in tags)


def test_unknown_section_is_404(client, db):
    assert client.get(section_url("tidak-ada")).status_code == 404


def test_news_sitemap_follows_google_news_rules(client, make_post):
    fresh = make_post(title="Pelatihan las & bubut <baru>", hours_ago=2)
    make_post(title="Hampir dua hari", hours_ago=47)
    make_post(title="Tiga hari lalu", hours_ago=72)
    make_post(title="Draf", status="draft", published_at=None)

    root = xml(client, section_url("berita-terkini"))

    urls = root.findall("sm:url", NS)
    titles = [u.find("news:news/news:title", NS).text for u in urls]
    assert titles == ["Pelatihan las & bubut <baru>", "Hampir dua hari"]
    first = urls[0]
    assert first.find("sm:loc", NS).text.endswith(fresh.get_absolute_url())
    publication = first.find("news:news/news:publication", NS)
    assert publication.find("news:name", NS).text == settings.ORGANISATION_NAME
    assert publication.find("news:language", NS).text == "id"
    date_text = first.find("news:news/news:publication_date", NS).text
    assert W3C_DATETIME.match(date_text)
    published = datetime.fromisoformat(date_text)
    assert abs(published - fresh.published_at) < timedelta(seconds=1)


def test_news_sitemap_holds_at_most_1000_urls(client, make_post, unit, category):
    author = make_post(title="Pertama").author
    now = timezone.now()
    Post.objects.bulk_create(
        Post(
            title="Berita kilat %d" % n,
            slug="berita-kilat-%d" % n,
            lead="Ringkasan.",
            body="<p>Isi.</p>",
            unit=unit,
            author=author,
            category=category,
            status="published",
            published_at=now - timedelta(minutes=n + 1),
        )
        for n in range(1005)
    )
    root = xml(client, section_url("berita-terkini"))
    urls = root.findall("sm:url", NS)
    assert len(urls) == 1000
    # The newest are kept.
    titles = [u.find("news:news/news:title", NS).text for u in urls]
    assert titles[0] == "Berita kilat 0"
    assert "Pertama" in titles and "Berita kilat 1004" not in titles


def test_sitemap_query_count_does_not_grow(
    client, make_post, django_assert_max_num_queries
):
    make_post(title="Satu")
    client.get(section_url("berita-terkini"))
    with django_assert_max_num_queries(3):
        client.get(section_url("berita-terkini"))
    for n in range(20):
        make_post(title="Berita %d" % n)
    for section in ("berita-terkini", "berita", "upt", "kategori", "tag"):
        with django_assert_max_num_queries(3):
            client.get(section_url(section))


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /cari/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
