"""The search page and its selector, on PostgreSQL full-text search."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from news.models import Post
from news.search import SearchFilters, post_search, search_suggestions
from tests.factories import CategoryFactory, TagFactory

pytestmark = pytest.mark.django_db

URL = reverse("public:search")


def titles(results):
    return [post.title for post in results.posts]


def test_title_match_outranks_body_match(make_post):
    # The body match is newer: only the ranking can put the title first.
    make_post(
        title="Rapat koordinasi bulanan",
        body="<p>Acara ditutup dengan pameran kerajinan menjahit warga binaan.</p>",
        hours_ago=1,
    )
    make_post(title="Pelatihan menjahit bagi warga binaan", hours_ago=5)
    make_post(title="Lomba voli antarblok", lead="Menjahit jaring voli bersama.")

    results = post_search(query="menjahit")

    assert titles(results) == [
        "Pelatihan menjahit bagi warga binaan",
        "Lomba voli antarblok",
        "Rapat koordinasi bulanan",
    ]


def test_stemmed_words_match(make_post):
    make_post(title="Warga binaan mengikuti pelatihan pertanian")
    assert titles(post_search(query="latih")) == [
        "Warga binaan mengikuti pelatihan pertanian"
    ]


def test_the_vector_follows_every_edit(make_post):
    post = make_post(title="Kunjungan keluarga dibuka kembali")
    post.title = "Penyuluhan hukum untuk tahanan"
    post.save()
    assert titles(post_search(query="penyuluhan")) == [post.title]
    assert not post_search(query="kunjungan").posts
    # A bulk update (admin actions, data fixes) goes through the trigger too.
    Post.objects.filter(pk=post.pk).update(lead="Bersama lembaga bantuan hukum.")
    assert titles(post_search(query="lembaga")) == [post.title]


def test_only_published_posts_are_found(make_post):
    make_post(title="Panen sayur hidroponik terbit")
    for status in ("draft", "submitted", "rejected", "unpublished"):
        make_post(title="Panen sayur hidroponik %s" % status, status=status)
    make_post(
        title="Panen sayur hidroponik terjadwal",
        status="scheduled",
        publish_at=timezone.now() + timedelta(days=1),
    )
    assert titles(post_search(query="hidroponik")) == ["Panen sayur hidroponik terbit"]


def test_filter_by_unit(make_post, unit, other_unit):
    make_post(title="Senam pagi bersama")
    make_post(title="Senam sore bersama", post_unit=other_unit)
    found = post_search(query="senam", filters=SearchFilters(unit=other_unit))
    assert titles(found) == ["Senam sore bersama"]


def test_filter_by_region(make_post, region_unit):
    make_post(title="Bakti sosial di Jakarta")
    make_post(title="Bakti sosial di Semarang", post_unit=region_unit)
    found = post_search(query="bakti", filters=SearchFilters(region=region_unit.region))
    assert titles(found) == ["Bakti sosial di Semarang"]


def test_filter_by_category(make_post):
    other = CategoryFactory(name="Layanan", slug="layanan")
    make_post(title="Layanan kunjungan daring")
    make_post(title="Layanan kunjungan tatap muka", category=other)
    found = post_search(query="kunjungan", filters=SearchFilters(category=other))
    assert titles(found) == ["Layanan kunjungan tatap muka"]


def test_filter_by_date_range(make_post):
    make_post(title="Upacara hari lahir", hours_ago=24 * 40)
    make_post(title="Upacara hari bakti", hours_ago=24 * 10)
    make_post(title="Upacara hari kemerdekaan", hours_ago=1)
    today = timezone.localdate()
    found = post_search(
        query="upacara",
        filters=SearchFilters(
            date_from=today - timedelta(days=20), date_to=today - timedelta(days=5)
        ),
    )
    assert titles(found) == ["Upacara hari bakti"]


def test_page_shows_highlights_and_filters_in_the_url(client, make_post, unit):
    for n in range(23):
        make_post(title="Bazar produk warga binaan %d" % n, hours_ago=n + 1)

    response = client.get(URL, {"q": "bazar", "upt": unit.slug})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>Bazar</mark>" in html
    assert "23 berita cocok" in html
    # Page links keep the query and the filter: stable, shareable URLs.
    assert "?q=bazar&amp;upt=%s&amp;halaman=2" % unit.slug in html
    page2 = client.get(URL, {"q": "bazar", "upt": unit.slug, "halaman": "2"})
    assert page2.content.decode().count('class="result"') == 3


def test_stored_markup_never_reaches_the_page(client, make_post):
    make_post(
        title="Judul <script>alert(1)</script> pameran",
        body="<p>Pameran <b>lukisan</b> &amp; patung</p>",
    )
    html = client.get(URL, {"q": "pameran"}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html
    assert "<b>lukisan</b>" not in html
    assert "<mark>Pameran</mark>" in html


@pytest.mark.parametrize(
    "params, message",
    [
        ({"kanwil": "tidak-ada"}, "Kanwil yang dipilih tidak dikenal."),
        ({"upt": "tidak-ada"}, "UPT yang dipilih tidak dikenal."),
        ({"kategori": "tidak-ada"}, "Kategori yang dipilih tidak dikenal."),
        ({"dari": "kemarin"}, "Tanggal awal tidak dikenali"),
        ({"sampai": "2024-13-45"}, "Tanggal akhir tidak dikenali"),
        (
            {"dari": "2024-09-30", "sampai": "2024-09-01"},
            "Tanggal awal jatuh sesudah tanggal akhir",
        ),
        ({"q": "a" * 201}, "Kata kunci terlalu panjang"),
        ({"q": "pameran\x00"}, "Null characters are not allowed."),
    ],
)
def test_a_bad_parameter_is_explained_and_the_rest_still_runs(
    client, make_post, params, message
):
    make_post(title="Pameran karya warga binaan")
    response = client.get(URL, {"q": "pameran", **params})
    assert response.status_code == 200
    html = response.content.decode()
    assert message.replace("Null characters are not allowed.", "") in html
    assert 'role="alert"' in html


@pytest.mark.parametrize("page", ["abc", "-1", "0", "9999", "1.5"])
def test_any_page_number_answers(client, make_post, page):
    make_post(title="Pameran karya warga binaan")
    response = client.get(URL, {"q": "pameran", "halaman": page})
    assert response.status_code == 200
    assert response.content.decode().count('class="result"') == 1


def test_empty_query_gives_tips_and_categories(client, category, make_post):
    make_post(title="Apa saja")
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tulis kata kunci" in html
    assert "?kategori=pembinaan" in html


def test_filters_alone_list_the_newest_posts(client, make_post, other_unit):
    make_post(title="Berita satu")
    make_post(title="Berita dua", post_unit=other_unit)
    html = client.get(URL, {"upt": other_unit.slug}).content.decode()
    assert "Berita dua" in html and "Berita satu" not in html


def test_a_stop_word_query_is_explained(client, make_post):
    make_post(title="Yang dan di dari ke")
    html = client.get(URL, {"q": "yang dan di"}).content.decode()
    assert "terlalu umum untuk dicari" in html
    assert 'class="result"' not in html


def test_stop_words_are_dropped_but_phrases_stay_whole(make_post):
    make_post(title="Pelatihan menjahit yang diikuti warga binaan")
    make_post(title="Pelatihan las untuk warga binaan")
    assert len(post_search(query="pelatihan yang menjahit").posts) == 1
    assert len(post_search(query='"menjahit yang diikuti"').posts) == 1


def test_punctuation_and_operators_never_fail(client, make_post):
    make_post(title="Pameran karya")
    for query in ['"', "-", "(((", "a & | ! :*", "' OR 1=1 --", "-pameran"]:
        assert client.get(URL, {"q": query}).status_code == 200


def test_a_typo_gets_suggestions_from_titles_and_tags(client, make_post):
    tag = TagFactory(name="pembinaan kepribadian", slug="pembinaan-kepribadian")
    post = make_post(title="Pembinaan kepribadian lewat pengajian")
    post.tags.add(tag)
    # An unpublished post's title is never suggested.
    make_post(title="Pembinaan kepribadian rahasia", status="draft")

    suggestions = search_suggestions(query="kepribadin")
    assert [p.title for p in suggestions["posts"]] == [post.title]
    assert [t.name for t in suggestions["tags"]] == ["pembinaan kepribadian"]

    assert suggestions["query"] == "kepribadian"

    html = client.get(URL, {"q": "kepribadin"}).content.decode()
    assert "Tidak ada berita yang cocok" in html
    assert "Mungkin maksud Anda" in html
    assert "?q=kepribadian" in html
    assert post.get_absolute_url() in html
    assert "rahasia" not in html


def test_no_result_without_anything_similar_is_still_helpful(client, make_post):
    make_post(title="Pameran karya")
    html = client.get(URL, {"q": "xyzzyqwv"}).content.decode()
    assert "Tidak ada berita yang cocok" in html
    assert "Periksa ejaan" in html


def test_query_count_does_not_grow_with_matches(
    client, make_post, django_assert_max_num_queries
):
    def count_queries():
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"q": "kerajinan", "kategori": "pembinaan"})
        assert response.status_code == 200
        return len(captured)

    make_post(title="Kerajinan rotan 0")
    count_queries()  # the row-count estimate is cached from here on
    few = count_queries()
    for n in range(1, 25):
        make_post(title="Kerajinan rotan %d" % n)
    many = count_queries()
    assert few == many
    with django_assert_max_num_queries(12):
        client.get(URL, {"q": "kerajinan", "kategori": "pembinaan"})


def test_simple_search_without_postgresql(make_post, monkeypatch):
    """The embedded SQLite mode: icontains, newest first, no highlight."""
    make_post(title="Pelatihan barista", hours_ago=3)
    make_post(title="Lomba barista", hours_ago=1)
    make_post(title="Senam pagi")
    monkeypatch.setattr(connection, "vendor", "sqlite")
    results = post_search(query="barista")
    assert titles(results) == ["Lomba barista", "Pelatihan barista"]
    assert str(results.posts[0].title_html) == "Lomba barista"


@pytest.mark.parametrize("walk_cost_factor", [0, 10**9])
def test_both_ways_to_find_candidates_give_the_same_ranking(
    make_post, monkeypatch, walk_cost_factor
):
    """Walking the date index (many matches) or taking the GIN matches (few):
    the same candidates, the same order."""
    from news import search

    monkeypatch.setattr(search, "WALK_COST_FACTOR", walk_cost_factor)
    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 3)
    make_post(title="Sidang lama tentang menjahit", hours_ago=50)  # beyond the cut
    make_post(title="Rapat", body="<p>Menjahit di bengkel.</p>", hours_ago=1)
    make_post(title="Menjahit seragam", hours_ago=4)
    make_post(title="Lomba", lead="Menjahit bendera.", hours_ago=3)

    results = post_search(query="menjahit")

    assert titles(results) == ["Menjahit seragam", "Lomba", "Rapat"]
    assert results.capped


@pytest.mark.parametrize("window_share", [0.4, 1e-9])
def test_a_recent_window_gives_the_same_ranking(make_post, monkeypatch, window_share):
    """A mid-frequency word is first searched among recent posts (share 0.4:
    the window holds enough candidates); a window that holds too few
    (1e-9) is followed by the search over all dates. Same list either way."""
    from news import search

    make_post(title="Menjahit di masa lalu", hours_ago=2000)  # the oldest
    make_post(title="Rapat", body="<p>Menjahit di bengkel.</p>", hours_ago=1)
    make_post(title="Menjahit seragam", hours_ago=4)
    make_post(title="Lomba", lead="Menjahit bendera.", hours_ago=3)
    make_post(title="Apel pagi", body="<p>Lalu menjahit.</p>", hours_ago=5)
    monkeypatch.setattr(search, "WALK_COST_FACTOR", 10**9)  # the GIN way
    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 3)
    everything = titles(post_search(query="menjahit"))

    estimate = search._estimated_matches(
        "websearch_to_tsquery(%s::regconfig, %s)", ["indonesian", "menjahit"]
    )
    monkeypatch.setattr(search, "WINDOW_MIN_MATCHES", 0)
    monkeypatch.setattr(search, "WINDOW_HEADROOM", window_share * estimate / 3)
    search._post_count_cache.pop("oldest_at", None)
    assert search._recent_window(
        query="menjahit", estimate=estimate, filters=SearchFilters()
    )

    assert titles(post_search(query="menjahit")) == everything
    assert everything == ["Menjahit seragam", "Lomba", "Rapat"]


def test_a_phrase_is_marked_whole_and_cut_text_shows_an_ellipsis(make_post):
    body = "<p>%s Di akhir acara warga binaan menampilkan tari saman</p>" % (
        "Kalimat pembuka tentang hal lain. " * 12
    )
    make_post(
        title="Pentas seni warga binaan", lead="Acara dibuka kepala lapas.", body=body
    )

    post = post_search(query="tari saman").posts[0]

    snippet = str(post.snippet_html)
    assert "<mark>tari saman</mark>" in snippet
    assert snippet.startswith("… ")
    assert "<mark>" not in str(post.title_html)


def test_no_result_and_nothing_similar_offers_the_categories(client, make_post):
    make_post(title="Pameran karya")
    html = client.get(URL, {"q": "xyzzyqwv"}).content.decode()
    assert "Atau telusuri per kategori" in html
    assert "?kategori=pembinaan" in html
