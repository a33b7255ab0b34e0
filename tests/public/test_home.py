"""The home page (public.views.home, news.selectors.home), the cookieless read
counter (public.views.reads, news.services.readcounts) and the footer's pages
and social links (portal.site_pages), as a reader and an editor see them."""

import itertools
import re
import time

import pytest
from django.contrib.flatpages.models import FlatPage
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from news import selectors
from news.models import Photo, PhotoKind, Post
from news.services import readcounts
from portal.models import SocialLink
from portal.site_pages import FOOTER_CACHE_KEY
from tests.factories import CategoryFactory, EditorFactory, UnitFactory
from units.models import Region

_addresses = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_footer():
    # The footer's links are cached across requests; rows of an earlier test
    # were rolled back without a signal.
    cache.delete(FOOTER_CACHE_KEY)
    yield
    cache.delete(FOOTER_CACHE_KEY)


@pytest.fixture
def reader_ip():
    """A client address no other test used: the limits are kept in Redis."""
    n = next(_addresses)
    return "198.51.%d.%d" % (100 + n // 250, n % 250 + 1)


def _home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, section_id: str) -> str:
    """The HTML of the <section> (or <aside>) labelled by `section_id`."""
    match = re.search(
        r'<(section|aside)[^>]*aria-labelledby="%s".*?</\1>' % section_id,
        html,
        re.S,
    )
    assert match, section_id
    return match.group(0)


def _position(html: str, text: str) -> int:
    assert text in html, text
    return html.index(text)


# --- Headlines -------------------------------------------------------------


def test_lead_and_secondary_headlines_are_the_editors_picks(client, make_post):
    for hours in range(1, 8):
        make_post(title="Berita biasa %d" % hours, hours_ago=hours)
    older_pick = make_post(title="Pilihan lama", hours_ago=30, is_featured=True)
    newer_pick = make_post(title="Pilihan baru", hours_ago=20, is_featured=True)

    top = selectors.post_list_headlines(limit=5)

    assert [post.pk for post in top[:2]] == [newer_pick.pk, older_pick.pk]
    # Fewer picks than places: the latest fill the rest.
    assert [post.title for post in top[2:]] == [
        "Berita biasa 1",
        "Berita biasa 2",
        "Berita biasa 3",
    ]
    html = _section(_home(client), "berita-utama")
    lead = html.split('<ul class="home-secondary">')[0]
    assert "Pilihan baru" in lead and "Berita pilihan" in lead
    secondary = html.split('<ul class="home-secondary">')[1]
    assert _position(secondary, "Pilihan lama") < _position(secondary, "Berita biasa 1")


def test_without_picks_the_latest_lead(client, make_post):
    make_post(title="Kemarin", hours_ago=24)
    make_post(title="Pagi ini", hours_ago=2)
    make_post(title="Draf tersembunyi", status="draft")

    html = _section(_home(client), "berita-utama")

    assert _position(html, "Pagi ini") < _position(html, "Kemarin")
    assert "Draf tersembunyi" not in html
    assert "Berita pilihan" not in html


def test_latest_news_leaves_out_the_headlines_and_links_to_more(client, make_post):
    for n in range(1, 16):
        make_post(title="Berita nomor %02d" % n, hours_ago=n)

    html = _home(client)
    latest = _section(html, "terbaru")

    assert "Berita nomor 05" not in latest  # a headline above
    assert "Berita nomor 06" in latest and "Berita nomor 14" in latest
    assert "Berita nomor 15" not in latest  # nine at most
    assert 'href="?halaman=2"' in latest
    more = client.get(reverse("home"), {"halaman": 2}).content.decode()
    assert "Berita nomor 15" in more and "Halaman 2 dari 2" in more
    for not_a_page in ("1", "abc", "0"):
        front = client.get(reverse("home"), {"halaman": not_a_page}).content
        assert b'id="berita-utama"' in front


def test_an_empty_site_says_so(client, db):
    html = _home(client)

    assert "Belum ada berita yang terbit." in html
    assert 'id="terbaru"' not in html and 'id="terpopuler"' not in html


# --- Sections and regions ----------------------------------------------------


def test_a_section_per_category_with_its_newest_posts(client, make_post):
    sport = CategoryFactory(name="Olahraga", slug="olahraga")
    CategoryFactory(name="Kosong", slug="kosong")
    for n in range(1, 7):
        make_post(title="Olahraga %d" % n, category=sport, hours_ago=n)
    make_post(title="Pembinaan pertama", hours_ago=10)

    html = _home(client)
    section = _section(html, "kategori-olahraga")

    assert re.findall(r"Olahraga \d", section) == [
        "Olahraga 1",
        "Olahraga 2",
        "Olahraga 3",
        "Olahraga 4",
    ]
    assert section.count('href="%s"' % sport.get_absolute_url()) == 2
    assert "Lainnya" in section
    assert "Pembinaan pertama" in _section(html, "kategori-pembinaan")
    assert 'id="kategori-kosong"' not in html


def test_news_by_region_links_to_the_region_pages(client, make_post, region_unit):
    make_post(title="Kabar dari Jakarta", hours_ago=5)
    make_post(title="Kabar dari Semarang", post_unit=region_unit, hours_ago=1)
    make_post(title="Kabar lama Semarang", post_unit=region_unit, hours_ago=9)
    jakarta = Region.objects.get(province_code="31")

    section = _section(_home(client), "kanwil")

    # The most recently active region first, with its newest headline.
    assert _position(section, "Kanwil Jawa Tengah") < _position(
        section, "Kanwil DKI Jakarta"
    )
    assert "Kabar dari Semarang" in section and "Kabar lama Semarang" not in section
    assert "2 berita" in section
    assert 'href="%s"' % reverse("public:region", kwargs={"slug": jakarta.slug}) in (
        section
    )


def test_regions_beyond_the_first_eight_are_behind_a_more_link(client, make_post):
    regions = Region.objects.order_by("province_code")[:10]
    for hours, region in enumerate(regions, start=1):
        make_post(post_unit=UnitFactory(region=region), hours_ago=hours)

    section = _section(_home(client), "kanwil")

    assert section.count('<li>\n      <h3><a href="/kanwil/') == 8
    assert "2 kanwil lainnya" in section
    assert "<details" in section


# --- Most read -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_most_read_after_the_flush_task_ran_in_the_worker(
    client, make_post, celery_worker
):
    from news.tasks import flush_read_counts

    little = make_post(title="Jarang dibaca")
    most = make_post(title="Paling dibaca")
    some = make_post(title="Cukup dibaca")
    unread = make_post(title="Belum dibaca")
    a_minute_ago = time.time() - 2 * readcounts.GENERATION_SECONDS
    for post, readers in ((little, 1), (most, 5), (some, 3)):
        for n in range(readers):
            outcome = readcounts.read_record(
                post_id=post.pk, client_ip="203.0.113.%d" % n, now=a_minute_ago
            )
            assert outcome is readcounts.ReadOutcome.COUNTED

    assert flush_read_counts.delay().get(timeout=30) >= 9

    assert [p.title for p in selectors.post_list_most_read(limit=5)] == [
        "Paling dibaca",
        "Cukup dibaca",
        "Jarang dibaca",
    ]
    assert Post.objects.get(pk=most.pk).read_count == 5
    html = _section(_home(client), "terpopuler")
    assert _position(html, "Paling dibaca") < _position(html, "Cukup dibaca")
    assert "dibaca 5 kali" in html
    assert unread.title not in html
    # Flushed counters are gone: a second run adds nothing.
    assert flush_read_counts.delay().get(timeout=30) == 0
    assert Post.objects.get(pk=most.pk).read_count == 5


def test_most_read_prefers_the_last_thirty_days(make_post):
    old = make_post(title="Lama tapi populer", hours_ago=24 * 60, read_count=900)
    recent = make_post(title="Baru", hours_ago=3, read_count=4)

    assert [p.pk for p in selectors.post_list_most_read()] == [recent.pk]
    Post.objects.filter(pk=recent.pk).update(read_count=0)
    # Nothing read this month: the all-time list instead of an empty box.
    assert [p.pk for p in selectors.post_list_most_read()] == [old.pk]


# --- The read counter endpoint --------------------------------------------------


def _flush_now() -> int:
    # The current counting period is closed a generation from now.
    return readcounts.read_counts_flush(
        now=time.time() + 2 * readcounts.GENERATION_SECONDS
    )


def test_the_counter_sets_no_cookie_needs_no_token_and_is_never_cached(
    make_post, reader_ip
):
    post = make_post()
    client = Client(enforce_csrf_checks=True)
    url = reverse("public:read_count", kwargs={"post_id": post.pk})

    beacon = client.post(url, REMOTE_ADDR=reader_ip)
    pixel = client.get(url, REMOTE_ADDR=reader_ip)

    assert beacon.status_code == 204
    assert pixel.status_code == 200 and pixel["Content-Type"] == "image/gif"
    for response in (beacon, pixel):
        assert not response.cookies
        assert "Set-Cookie" not in response.headers
        assert "no-store" in response["Cache-Control"]
        assert response["X-Accel-Expires"] == "0"
    _flush_now()
    # The same reader's pixel after the beacon was not a second read.
    assert Post.objects.get(pk=post.pk).read_count == 1


def test_a_reader_counts_once_per_post_however_often_they_reload(
    client, make_post, reader_ip
):
    post = make_post()
    url = reverse("public:read_count", kwargs={"post_id": post.pk})

    for _ in range(20):
        assert client.post(url, REMOTE_ADDR=reader_ip).status_code == 204
    client.post(url, REMOTE_ADDR=reader_ip.rsplit(".", 1)[0] + ".254")
    _flush_now()

    assert Post.objects.get(pk=post.pk).read_count == 2


def test_one_address_looping_over_posts_is_rate_limited(client, make_post, reader_ip):
    posts = [make_post() for _ in range(readcounts.READS_PER_IP_PER_MINUTE + 5)]
    answers = [
        client.post(
            reverse("public:read_count", kwargs={"post_id": post.pk}),
            REMOTE_ADDR=reader_ip,
        ).status_code
        for post in posts
    ]
    _flush_now()

    assert answers.count(204) <= readcounts.READS_PER_IP_PER_MINUTE
    assert answers[-1] == 429
    counted = Post.objects.filter(pk__in=[p.pk for p in posts], read_count=1)
    assert counted.count() == answers.count(204)


def test_reads_of_unpublished_or_unknown_posts_are_dropped(
    client, make_post, reader_ip
):
    draft = make_post(status="draft")
    for post_id in (draft.pk, 987654321):
        url = reverse("public:read_count", kwargs={"post_id": post_id})
        assert client.post(url, REMOTE_ADDR=reader_ip).status_code == 204
    _flush_now()

    assert Post.objects.get(pk=draft.pk).read_count == 0


def test_the_counter_answers_only_get_and_post(client, make_post):
    url = reverse("public:read_count", kwargs={"post_id": make_post().pk})

    assert client.put(url).status_code == 405


def test_the_article_page_calls_the_counter_but_the_preview_does_not(client, make_post):
    post = make_post()
    beacon = reverse("public:read_count", kwargs={"post_id": post.pk})

    html = client.get(post.get_absolute_url()).content.decode()

    assert html.count(beacon) == 2  # the beacon script's data-url and the pixel
    assert "public/read-counter" in html
    assert "<script>" not in html  # no inline script: a strict CSP holds
    editor = EditorFactory()
    client.force_login(editor)
    preview = client.get(reverse("news:preview", args=[post.pk]), follow=True)
    assert preview.status_code == 200
    assert post.title in preview.content.decode()
    assert beacon not in preview.content.decode()


# --- Footer and flatpages ------------------------------------------------------


@pytest.fixture
def site_pages(db):
    pages = []
    for url, title in (
        ("/halaman/tentang/", "Tentang Kami"),
        ("/halaman/kontak/", "Kontak"),
        ("/halaman/ppid/", "PPID"),
    ):
        page = FlatPage.objects.create(
            url=url,
            title=title,
            content="<p>Isi halaman %s.</p><script>alert(1)</script>" % title,
        )
        page.sites.add(1)
        pages.append(page)
    SocialLink.objects.create(
        platform="instagram", label="@ditjenpas", url="https://instagram.com/ditjenpas"
    )
    SocialLink.objects.create(
        platform="x", label="@lama", url="https://x.com/lama", is_active=False
    )
    return pages


def test_footer_links_the_pages_and_social_media(client, site_pages):
    footer = _home(client).split('<footer class="site-footer">')[1]

    for page in site_pages:
        assert '<a href="%s">%s</a>' % (page.url, page.title) in footer
    assert 'href="https://instagram.com/ditjenpas"' in footer
    assert "Instagram</strong> @ditjenpas" in footer
    assert "@lama" not in footer


def test_a_flatpage_renders_in_the_site_layout_without_scripts(client, site_pages):
    response = client.get("/halaman/ppid/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>PPID</h1>" in html and "Isi halaman PPID." in html
    assert "<script>alert(1)</script>" not in html
    assert 'class="site-footer"' in html
    assert site_pages[2].get_absolute_url() == "/halaman/ppid/"
    assert client.get("/halaman/tidak-ada/").status_code == 404


def test_footer_follows_an_editors_change(client, site_pages):
    assert "@ditjenpas" in _home(client)

    SocialLink.objects.filter(label="@ditjenpas").get().delete()
    FlatPage.objects.filter(url="/halaman/kontak/").update(title="x")  # no signal
    page = FlatPage.objects.get(url="/halaman/ppid/")
    page.title = "Informasi Publik"
    page.save()

    footer = _home(client).split('<footer class="site-footer">')[1]
    assert "@ditjenpas" not in footer
    assert ">Informasi Publik</a>" in footer


def test_editors_may_edit_the_pages_and_social_links(client, db):
    editor = EditorFactory()
    for codename in ("flatpages.change_flatpage", "portal.change_sociallink"):
        assert editor.has_perm(codename)
    client.force_login(editor)
    form = client.get(reverse("admin:flatpages_flatpage_add"))
    assert form.status_code in (200, 302)  # 302: the admin's second factor


def test_a_page_outside_halaman_is_refused_in_the_admin_form(db):
    from portal.admin import SitePageForm

    form = SitePageForm(
        data={"url": "/tentang/", "title": "Tentang", "content": "x", "sites": [1]}
    )

    assert not form.is_valid()
    assert "/halaman/" in str(form.errors["url"])


# --- Awards ------------------------------------------------------------------


def test_awards_section_absent_without_winners(client, db):
    from awards.models import AwardWinner

    AwardWinner.objects.all().delete()

    html = _home(client)

    assert 'id="pemenang-terbaru"' not in html
    assert "awards.css" not in html


def test_awards_section_shows_the_latest_winners(client, db):
    html = _home(client)

    assert 'id="pemenang-terbaru"' in html


# --- Query count -----------------------------------------------------------------


def _add_posts(make_post, n: int, *, categories, units) -> None:
    for i in range(n):
        post = make_post(
            category=categories[i % len(categories)],
            post_unit=units[i % len(units)],
            hours_ago=i + 1,
            is_featured=i == 0,
            read_count=i,
        )
        Photo.objects.create(
            unit=post.unit,
            post=post,
            kind=PhotoKind.COVER,
            image="photos/ab/c.jpg",
            alt_text="Sampul",
            status="ready",
        )


def test_home_queries_do_not_grow_with_posts(
    client, make_post, django_assert_max_num_queries
):
    categories = [CategoryFactory() for _ in range(4)]
    regions = Region.objects.order_by("province_code")[:6]
    units = [UnitFactory(region=region) for region in regions]

    def count() -> int:
        cache.delete(FOOTER_CACHE_KEY)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        return len(ctx.captured_queries)

    _add_posts(make_post, 3, categories=categories, units=units)
    few = count()
    _add_posts(make_post, 60, categories=categories, units=units)
    many = count()

    assert few == many
    # Headlines, latest, categories, section posts, covers, renditions,
    # regions, region headlines, most read, awards, and the footer's pages
    # and links on a cold cache.
    with django_assert_max_num_queries(15):
        cache.delete(FOOTER_CACHE_KEY)
        client.get(reverse("home"))
    # The footer's links come from the cache afterwards.
    with django_assert_max_num_queries(13):
        client.get(reverse("home"))


def test_older_pages_of_latest_news_keep_a_fixed_query_count(
    client, make_post, django_assert_max_num_queries
):
    for n in range(30):
        make_post(hours_ago=n + 1)

    with django_assert_max_num_queries(8):
        assert client.get(reverse("home"), {"halaman": 2}).status_code == 200


def test_the_counter_works_the_same_on_a_cache_without_redis(make_post, settings):
    # The embedded mode's local-memory cache: Django's cache API, no Lua.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    post, other = make_post(), make_post()
    a_minute_ago = time.time() - 2 * readcounts.GENERATION_SECONDS
    outcomes = [
        readcounts.read_record(post_id=post_id, client_ip=ip, now=a_minute_ago)
        for post_id, ip in (
            (post.pk, "192.0.2.1"),
            (post.pk, "192.0.2.1"),
            (post.pk, "192.0.2.2"),
            (other.pk, "192.0.2.1"),
        )
    ]

    assert outcomes.count(readcounts.ReadOutcome.REPEAT) == 1
    assert readcounts.read_counts_flush() == 3
    assert Post.objects.get(pk=post.pk).read_count == 2
    assert Post.objects.get(pk=other.pk).read_count == 1
