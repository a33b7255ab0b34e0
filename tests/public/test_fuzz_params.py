"""Fuzzing the public site's query strings: no URL ever answers a 5xx.

Every public URL of public/urls.py (home, article, unit, region, category,
tag, archive by year and month, awards, search, the read counter, site
pages, robots.txt, the sitemaps and every feed) gets arbitrary query strings
from Hypothesis: the parameters the views read (q, halaman, kanwil, upt,
kategori, dari, sampai, the sitemaps' p) and random ones, repeated keys,
unicode, NUL bytes and raw percent-escapes that are not UTF-8, values of
tens of thousands of characters, negative and huge page numbers, malformed
dates. A bad parameter may give a 404 (a listing page that does not exist)
or a message on the page; never a server error.

Example counts: tests/fuzzing.py (HYPOTHESIS_PROFILE=long for more).
"""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from news.models import Tag
from public.caching import page_store
from public.sitemaps import sitemaps
from tests.factories import CategoryFactory, PostFactory, UnitFactory, UserFactory
from tests.fuzzing import fuzz_settings
from units.models import Region

pytestmark = pytest.mark.django_db

# The parameters the public views read, and some they might one day.
KNOWN_KEYS = (
    "q",
    "halaman",
    "kanwil",
    "upt",
    "kategori",
    "dari",
    "sampai",
    "p",
    "page",
    "tag",
    "tahun",
    "bulan",
    "format",
    "next",
)

page_numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1",
            "2",
            "9999999999999999999999",
            "1e9",
            "1.5",
            " 2",
            "２",
            "٣",
            "NaN",
            "inf",
            "0x10",
            "1;DROP TABLE news_post",
            "last",
        ]
    ),
)
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "2024-02-30",
            "2024-13-01",
            "0000-00-00",
            "9999-12-31",
            "31/12/9999",
            "00-00-0000",
            "-2024-01-01",
            "2024-1-1",
            "24/09/2024",
            "2024-09-24T00:00",
            "2024-09-24\x00",
            "１９４５-０８-１７",
            "99999-01-01",
        ]
    ),
)
slugs = st.one_of(
    st.from_regex(r"[a-z0-9-]{0,40}", fullmatch=True),
    st.sampled_from(["fuzz-unit", "dki-jakarta", "fuzz-kategori", "%", "..", "*"]),
)
unicode_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60
)
huge_text = st.builds(
    lambda chunk, times: chunk * times,
    st.sampled_from(["a", "é", "💥", "<script>", "%00", "'\"", " & "]),
    st.integers(min_value=150, max_value=12_000),
)
values = st.one_of(unicode_text, page_numbers, dates, slugs, huge_text)
keys = st.one_of(st.sampled_from(KNOWN_KEYS), unicode_text)

# A raw query string: encoded pairs, plus the bytes a browser never sends
# (NUL, lone "%", escapes that are not UTF-8, bare keys, stray separators).
raw_fragments = st.sampled_from(
    [
        "%00",
        "%",
        "%zz",
        "%ff%fe",
        "%c3%28",
        "&&",
        "=",
        "==",
        ";",
        "+",
        "%2B",
        "q",
        "halaman",
        "halaman=",
        "=1",
        "%ED%A0%80",
    ]
)


@st.composite
def query_strings(draw) -> str:
    pairs = draw(st.lists(st.tuples(keys, values), max_size=6))
    # Repeated keys: the view reads one value, the form may read another.
    if pairs and draw(st.booleans()):
        pairs += [(pairs[0][0], draw(values)) for _ in range(draw(st.integers(1, 3)))]
    parts = ["%s=%s" % (quote(k, safe=""), quote(v, safe="")) for k, v in pairs]
    parts += draw(st.lists(raw_fragments, max_size=3))
    parts = draw(st.permutations(parts))
    return "&".join(parts)


@pytest.fixture
def site(db):
    """One of everything the public URLs name, with a published post."""
    region = Region.objects.get(province_code="31")
    unit = UnitFactory(slug="fuzz-unit")
    category = CategoryFactory(name="Pembinaan", slug="fuzz-kategori")
    tag = Tag.objects.create(name="fuzz", slug="fuzz-tag")
    published_at = timezone.now() - timedelta(days=3)
    post = PostFactory(
        status="published",
        unit=unit,
        author=UserFactory(unit=unit),
        category=category,
        slug="fuzz-berita",
        published_at=published_at,
    )
    post.tags.add(tag)
    page = FlatPage.objects.create(
        url="/halaman/tentang-kami/", title="Tentang kami", content="<p>Profil</p>"
    )
    page.sites.add(Site.objects.get_current())
    local = timezone.localtime(published_at)
    return {
        "post": post,
        "unit": unit,
        "region": region,
        "category": category,
        "tag": tag,
        "year": local.year,
        "month": local.month,
    }


def public_urls(site) -> dict[str, str]:
    """Every public URL pattern, with objects that exist."""
    urls = {
        "home": reverse("public:home"),
        "article": reverse("public:article", args=[site["post"].slug]),
        "unit": reverse("public:unit", args=[site["unit"].slug]),
        "region": reverse("public:region", args=[site["region"].slug]),
        "category": reverse("public:category", args=[site["category"].slug]),
        "tag": reverse("public:tag", args=[site["tag"].slug]),
        "archive": reverse("public:archive"),
        "archive_year": reverse("public:archive_year", args=[site["year"]]),
        "archive_month": reverse(
            "public:archive_month", args=[site["year"], site["month"]]
        ),
        "awards": reverse("public:awards"),
        "search": reverse("public:search"),
        "read_count": reverse("public:read_count", args=[site["post"].pk]),
        "site_page": reverse("public:site_page", args=["tentang-kami/"]),
        "robots": reverse("public:robots"),
        "sitemap": reverse("public:sitemap"),
        "feed_rss": reverse("public:feed_rss"),
        "feed_atom": reverse("public:feed_atom"),
    }
    for section in sitemaps():
        urls["sitemap_%s" % section] = reverse("public:sitemap_section", args=[section])
    for kind, obj in (
        ("unit", site["unit"]),
        ("region", site["region"]),
        ("category", site["category"]),
    ):
        for flavour in ("rss", "atom"):
            name = "%s_feed_%s" % (kind, flavour)
            urls[name] = reverse("public:%s" % name, args=[obj.slug])
    return urls


# The URL pattern names of public/urls.py this file must cover; a new public
# URL fails test_every_public_url_is_fuzzed until it is added above.
def test_every_public_url_is_fuzzed(site):
    from public import urls as public_urlconf

    names = {pattern.name for pattern in public_urlconf.urlpatterns}
    covered = {
        "sitemap_section" if name.startswith("sitemap_") else name
        for name in public_urls(site)
    }
    assert names - covered == set()
    assert set(URL_NAMES) | {"search"} == set(public_urls(site))


def assert_no_server_error(client, url: str, query: str):
    response = client.get(url, QUERY_STRING=query)
    assert response.status_code < 500, (url, query, response.status_code)
    # The read counter answers 429 once an address has read too often; every
    # other refusal is a 404 (a page that does not exist) or a 200 page.
    assert response.status_code in (200, 204, 301, 302, 304, 404, 429), (
        url,
        query,
        response.status_code,
    )
    return response


URL_NAMES = [
    "home",
    "article",
    "unit",
    "region",
    "category",
    "tag",
    "archive",
    "archive_year",
    "archive_month",
    "awards",
    "read_count",
    "site_page",
    "robots",
    "sitemap",
    "sitemap_berita-terkini",
    "sitemap_berita",
    "sitemap_upt",
    "sitemap_kanwil",
    "sitemap_kategori",
    "sitemap_tag",
    "feed_rss",
    "feed_atom",
    "unit_feed_rss",
    "unit_feed_atom",
    "region_feed_rss",
    "region_feed_atom",
    "category_feed_rss",
    "category_feed_atom",
]


@pytest.mark.parametrize("name", URL_NAMES)
def test_query_strings_never_give_a_server_error(name, client, site):
    url = public_urls(site)[name]

    @fuzz_settings(15)
    @given(query=query_strings())
    @example(query="halaman=-1")
    @example(query="halaman=99999999999999999999999999&halaman=2")
    @example(query="p=0&p=-5&halaman=%00")
    def check(query):
        assert_no_server_error(client, url, query)

    check()


@pytest.fixture
def page_cache_on(settings):
    """The page cache as in production (the suite runs without it)."""
    settings.PAGE_CACHE_ENABLED = True
    store = page_store()
    store.clear()
    yield store
    store.clear()


@pytest.mark.parametrize(
    "name", ["home", "article", "unit", "archive_month", "feed_rss", "sitemap_berita"]
)
def test_query_strings_through_the_page_cache(name, client, site, page_cache_on):
    """The page cache keys pages by their query string: whatever it holds,
    the answer is no server error, and asked again (from the cache or not)
    the same answer."""
    url = public_urls(site)[name]

    @fuzz_settings(15)
    @given(query=query_strings())
    @example(query="halaman=2&halaman=2&utm_source=%00")
    def check(query):
        first = assert_no_server_error(client, url, query)
        again = assert_no_server_error(client, url, query)
        assert again.status_code == first.status_code

    check()


@fuzz_settings(250)
@given(
    q=st.one_of(unicode_text, huge_text, st.just("")),
    kanwil=st.one_of(st.none(), slugs, unicode_text),
    upt=st.one_of(st.none(), slugs, unicode_text),
    kategori=st.one_of(st.none(), slugs, unicode_text),
    dari=st.one_of(st.none(), dates, unicode_text),
    sampai=st.one_of(st.none(), dates, unicode_text),
    halaman=st.one_of(st.none(), page_numbers),
    extra=query_strings(),
)
@example(
    q="pembinaan",
    kanwil="dki-jakarta",
    upt="fuzz-unit",
    kategori="fuzz-kategori",
    dari="2024-01-01",
    sampai="2023-01-01",
    halaman="-3",
    extra="",
)
@example(
    q="\x00",
    kanwil="\x00",
    upt=None,
    kategori=None,
    dari="9999-12-31",
    sampai="0001-01-01",
    halaman="99999999999999999999999",
    extra="q=%ff&q=x",
)
@example(
    q="",
    kanwil=None,
    upt=None,
    kategori=None,
    dari=None,
    sampai="9999-12-31",
    halaman=None,
    extra="",
)
@example(
    q="a & | ! ( ) : * <-> '",
    kanwil=None,
    upt=None,
    kategori=None,
    dari=None,
    sampai=None,
    halaman="0",
    extra="",
)
def test_search_filters_never_give_a_server_error(
    client, site, q, kanwil, upt, kategori, dari, sampai, halaman, extra
):
    params = {
        "q": q,
        "kanwil": kanwil,
        "upt": upt,
        "kategori": kategori,
        "dari": dari,
        "sampai": sampai,
        "halaman": halaman,
    }
    query = "&".join(
        "%s=%s" % (key, quote(value, safe=""))
        for key, value in params.items()
        if value is not None
    )
    if extra:
        query = "%s&%s" % (query, extra) if query else extra
    response = assert_no_server_error(client, reverse("public:search"), query)
    # The search page never fails on a parameter: it reports it and searches.
    assert response.status_code == 200


@fuzz_settings(60)
@given(slug=slugs, year=st.integers(-5, 10**12), month=st.integers(-5, 10**6))
def test_path_segments_never_give_a_server_error(client, site, slug, year, month):
    """Slugs and archive numbers in the path: unknown ones are a 404."""
    for url in (
        "/berita/%s/" % slug,
        "/upt/%s/" % slug,
        "/kanwil/%s/" % slug,
        "/kategori/%s/" % slug,
        "/tag/%s/" % slug,
        "/feed/upt/%s/rss/" % slug,
        "/sitemap-%s.xml" % slug,
        "/arsip/%d/" % abs(year),
        "/arsip/%d/%d/" % (abs(year), abs(month)),
    ):
        assert_no_server_error(client, url, "")


def test_a_date_beyond_what_a_search_can_hold_is_reported(client, site):
    """Found by the fuzzing above: sampai=9999-12-31 was a 500 (the day after
    it is not a date). Now it is reported and the search runs without it."""
    response = client.get(reverse("public:search"), {"q": "", "sampai": "9999-12-31"})
    assert response.status_code == 200
    assert "di luar rentang pencarian" in response.content.decode()
