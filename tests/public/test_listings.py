"""The listings a reader browses: a unit's profile, a region (Kanwil), a
category, a tag and the archive by year and month. Stable page addresses
(?halaman=N), 404 for what does not exist, and a query count that does not
grow with the number of posts."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import SocialAccount
from news.models import Photo, PhotoKind, PhotoStatus, Rendition
from public.views.common import PAGE_SIZE
from tests.factories import TagFactory, UnitFactory

pytestmark = pytest.mark.django_db

WIB = datetime.timezone(datetime.timedelta(hours=7))


def get(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def card_titles(html: str) -> list[str]:
    return re.findall(r'<li class="post-card">.*?<h\d><a [^>]+>([^<]+)</a>', html, re.S)


def with_cover(post):
    photo = Photo.objects.create(
        unit=post.unit,
        post=post,
        kind=PhotoKind.COVER,
        image="photos/ab/%d.jpg" % post.pk,
        width=1600,
        height=1067,
        alt_text="Sampul",
        status=PhotoStatus.READY,
    )
    for width in (320, 640):
        for fmt in ("webp", "jpeg"):
            Rendition.objects.create(
                photo=photo,
                width=width,
                height=width * 2 // 3,
                format=fmt,
                file="renditions/%d/%d.%s" % (photo.pk, width, fmt),
                bytes=1000,
            )
    return post


# --- Unit profile ------------------------------------------------------------


def test_unit_profile_shows_details_social_accounts_and_news(client, make_post):
    unit = UnitFactory(
        name="Lapas Kelas IIA Yogyakarta",
        slug="lapas-yogyakarta",
        unit_type="lapas",
        unit_class="IIA",
        address="Jl. Taman Siswa No. 6, Yogyakarta",
        phone="(0274) 372 100",
        email="humas@lapasjogja.go.id",
        website="https://lapasjogja.go.id/",
        profile="Lapas tertua di Yogyakarta.",
    )
    # The accounts come from the one register of them (awards.SocialAccount).
    SocialAccount.objects.create(
        unit=unit,
        platform="instagram",
        handle="lapasjogja",
        url="https://www.instagram.com/lapasjogja/",
    )
    SocialAccount.objects.create(
        unit=unit,
        platform="youtube",
        handle="lapasjogja",
        url="https://youtube.com/@lapasjogja",
    )
    SocialAccount.objects.create(
        unit=unit, platform="tiktok", handle="lama", is_active=False
    )
    make_post(title="Berita Lapas Yogyakarta", post_unit=unit)
    make_post(title="Draf Lapas Yogyakarta", post_unit=unit, status="draft")
    html = get(client, unit.get_absolute_url())

    assert "<h1>Lapas Kelas IIA Yogyakarta</h1>" in html
    for text in (
        "Lapas",
        "IIA",
        "Jl. Taman Siswa No. 6, Yogyakarta",
        "(0274) 372 100",
        'href="mailto:humas@lapasjogja.go.id"',
        'href="https://lapasjogja.go.id/"',
        "Lapas tertua di Yogyakarta.",
    ):
        assert text in html, text
    social = re.search(r'<ul class="social-links">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'href="([^"]+)"[^>]*>([^<]+)</a>', social) == [
        ("https://www.instagram.com/lapasjogja/", "Instagram"),
        ("https://youtube.com/@lapasjogja", "YouTube"),
    ]
    region_url = reverse("public:region", args=[unit.region.slug])
    assert 'href="%s"' % region_url in html
    assert card_titles(html) == ["Berita Lapas Yogyakarta"]
    assert reverse("public:unit_feed_rss", args=[unit.slug]) in html


def test_unit_without_social_accounts_has_no_empty_section(client, unit):
    html = get(client, unit.get_absolute_url())
    assert "social-links" not in html
    assert "Belum ada berita yang terbit di sini." in html


@pytest.mark.parametrize(
    "platform, good, bad",
    [
        ("instagram", "https://instagram.com/lapas", "https://facebook.com/x"),
        ("facebook", "https://m.facebook.com/lapas", "https://notfacebook.com/x"),
        ("x", "https://twitter.com/lapas", "https://instagram.com/lapas"),
        ("youtube", "https://youtu.be/abc", "https://youtube.com.evil.id/x"),
        ("tiktok", "https://www.tiktok.com/@lapas", "javascript:alert(1)"),
    ],
)
def test_social_accounts_must_be_addresses_on_their_own_site(unit, platform, good, bad):
    account = SocialAccount(unit=unit, platform=platform, handle="lapas", url=good)
    account.full_clean()
    account.url = bad
    with pytest.raises(ValidationError) as error:
        account.full_clean()
    assert "url" in error.value.message_dict


# --- Region ------------------------------------------------------------------


def test_region_page_lists_its_units_and_their_news(client, make_post, region_unit):
    region = region_unit.region
    quiet = UnitFactory(region=region, name="Rutan Kelas I Semarang", slug="rutan-smg")
    UnitFactory(
        region=region, name="Lapas Ditutup", slug="lapas-tutup", is_active=False
    )
    make_post(title="Berita Jawa Tengah", post_unit=region_unit)
    make_post(title="Berita Jakarta")  # the default unit is in DKI Jakarta
    url = reverse("public:region", args=[region.slug])
    assert url == "/kanwil/jawa-tengah/"
    html = get(client, url)

    assert "<h1>Kanwil Jawa Tengah</h1>" in html
    units = re.search(r'<ul class="unit-list">(.*?)</ul>', html, re.S).group(1)
    assert quiet.get_absolute_url() in units and region_unit.get_absolute_url() in units
    assert "Lapas Ditutup" not in units
    assert "1 berita" in units and "0 berita" in units
    assert card_titles(html) == ["Berita Jawa Tengah"]
    assert reverse("public:region_feed_rss", args=[region.slug]) in html
    assert get(client, "/kanwil/tidak-ada/", status=404)


def test_region_feed_links_to_the_region_page(client, region_unit):
    import feedparser

    region = region_unit.region
    feed = feedparser.parse(
        client.get(reverse("public:region_feed_rss", args=[region.slug])).content
    )
    assert feed.feed.link.endswith(reverse("public:region", args=[region.slug]))


# --- Category and tag --------------------------------------------------------------


def test_category_and_tag_pages(client, make_post, category):
    tag = TagFactory(name="Kemandirian", slug="kemandirian")
    tagged = make_post(title="Bertag")
    tagged.tags.add(tag)
    make_post(title="Tanpa tag")
    html = get(client, category.get_absolute_url())
    assert "<h1>Pembinaan</h1>" in html
    assert set(card_titles(html)) == {"Bertag", "Tanpa tag"}
    html = get(client, tag.get_absolute_url())
    assert "<h1>#Kemandirian</h1>" in html
    assert card_titles(html) == ["Bertag"]


# --- Pagination -----------------------------------------------------------------------


def test_pages_have_stable_addresses_and_bad_pages_are_404(client, make_post, category):
    for n in range(PAGE_SIZE + 3):
        make_post(title="Berita %02d" % n, hours_ago=n + 1)
    url = category.get_absolute_url()

    first = get(client, url)
    assert card_titles(first)[0] == "Berita 00" and len(card_titles(first)) == PAGE_SIZE
    assert '<link rel="canonical" href="http://' in first
    assert re.search(r'<a rel="next" href="\?halaman=2">', first)
    second = get(client, url + "?halaman=2")
    assert card_titles(second) == [
        "Berita %02d" % n for n in range(PAGE_SIZE, PAGE_SIZE + 3)
    ]
    # Back to page 1 is the bare address, the one address of the first page.
    assert re.search(r'<a rel="prev" href="%s">' % re.escape(url), second)
    assert 'aria-current="page">2</span>' in second
    assert re.search(r'rel="canonical" href="[^"]+\?halaman=2"', second)
    for bad in ("?halaman=3", "?halaman=0", "?halaman=-1", "?halaman=dua", "?halaman="):
        get(client, url + bad, status=404)


# --- Archive ---------------------------------------------------------------


@pytest.fixture
def archive_posts(make_post):
    def at(day, title, **fields):
        return make_post(title=title, published_at=day, **fields)

    return {
        "jan": at(datetime.datetime(2024, 1, 15, 9, tzinfo=WIB), "Januari 2024"),
        # 23.30 UTC on 31 March is 06.30 WIB on 1 April: April, as shown.
        "apr": at(datetime.datetime(2024, 3, 31, 23, 30, tzinfo=datetime.UTC), "April"),
        "dec": at(datetime.datetime(2023, 12, 5, 9, tzinfo=WIB), "Desember 2023"),
        "draft": make_post(title="Draf Februari", status="draft"),
    }


def test_archive_month_lists_its_posts_and_links_to_neighbouring_months(
    client, archive_posts
):
    url = reverse("public:archive_month", args=[2024, 4])
    assert url == "/arsip/2024/4/"
    html = get(client, url)
    assert card_titles(html) == ["April"]
    assert "April 2024" in html
    steps = re.search(r'<nav class="month-steps".*?</nav>', html, re.S).group(0)
    assert 'rel="prev" href="/arsip/2024/1/"' in steps  # February and March are empty
    assert 'rel="next"' not in steps
    html = get(client, reverse("public:archive_month", args=[2024, 1]))
    assert card_titles(html) == ["Januari 2024"]
    steps = re.search(r'<nav class="month-steps".*?</nav>', html, re.S).group(0)
    assert 'href="/arsip/2023/12/"' in steps and 'href="/arsip/2024/4/"' in steps


def test_archive_year_and_index(client, archive_posts):
    html = get(client, reverse("public:archive_year", args=[2024]))
    assert card_titles(html) == ["April", "Januari 2024"]
    months = re.search(r'<ul class="chips months">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', months) == ["/arsip/2024/1/", "/arsip/2024/4/"]
    assert 'href="/arsip/2023/"' in html
    index = get(client, reverse("public:archive"))
    assert index.index('id="tahun-2024"') < index.index('id="tahun-2023"')


@pytest.mark.parametrize(
    "url",
    [
        "/arsip/2024/2/",  # a month without news
        "/arsip/2024/13/",
        "/arsip/2024/0/",
        "/arsip/1999/",
        "/arsip/0/1/",
        "/arsip/99999/1/",
        "/arsip/99999999999999999999/",
    ],
)
def test_archive_bad_year_or_month_is_404(client, archive_posts, url):
    get(client, url, status=404)


def test_archive_has_no_draft(client, archive_posts):
    html = get(client, reverse("public:archive"))
    assert "Draf" not in html


# --- Cost ------------------------------------------------------------------


def _count(client, url) -> int:
    client.get(url)  # the footer's links are cached after a first load
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "page_name", ["unit", "region", "category", "tag", "month", "year"]
)
def test_listing_queries_do_not_grow_with_posts(
    client, make_post, unit, category, page_name, django_assert_max_num_queries
):
    tag = TagFactory(name="Kemandirian", slug="kemandirian")
    published = datetime.datetime.now(tz=WIB).replace(day=1, hour=12)
    url = {
        "unit": unit.get_absolute_url(),
        "region": reverse("public:region", args=[unit.region.slug]),
        "category": category.get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "month": reverse(
            "public:archive_month", args=[published.year, published.month]
        ),
        "year": reverse("public:archive_year", args=[published.year]),
    }[page_name]

    def add(n):
        for i in range(n):
            post = with_cover(
                make_post(published_at=published + datetime.timedelta(minutes=i))
            )
            post.tags.add(tag, TagFactory())

    add(2)
    few = _count(client, url)
    add(PAGE_SIZE + 5)
    assert _count(client, url) == few
    # The object (or the archive's months), the count, the posts, their
    # covers and renditions; the unit adds its awards and social accounts,
    # the region its units.
    with django_assert_max_num_queries(7 if page_name == "unit" else 6):
        client.get(url)
