"""The reader's pages (public.views): home, article, unit, category and tag
listings, through the test client as a visitor."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news.models import Photo, PhotoKind, Post, PostStatus, Tag
from tests.factories import UserFactory
from units.models import Role

_seq = itertools.count(1)

BODY = (
    "<p>Lapas menggelar pelatihan menjahit bagi warga binaan.</p>"
    "<ul><li>Menjahit</li><li>Sablon</li></ul>"
)


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit, role=Role.CONTRIBUTOR, first_name="Sari")


def make_post(unit, author, category, *, status=PostStatus.DRAFT, **fields):
    n = next(_seq)
    now = timezone.now()
    defaults = {
        "title": "Berita uji %d" % n,
        "slug": "berita-uji-%d" % n,
        "lead": "Ringkasan berita uji %d." % n,
        "body": "<p>Isi berita uji %d.</p>" % n,
        "status": status,
        "published_at": now if status == PostStatus.PUBLISHED else None,
        "publish_at": now if status == PostStatus.SCHEDULED else None,
        "submitted_at": now if status != PostStatus.DRAFT else None,
    }
    defaults.update(fields)
    return Post.objects.create(unit=unit, author=author, category=category, **defaults)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# --- Public site --------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [s for s in PostStatus.values if s != PostStatus.PUBLISHED]
)
def test_article_is_404_unless_published(client, contributor, category, status):
    post = make_post(contributor.unit, contributor, category, status=status)
    assert client.get(post.get_absolute_url()).status_code == 404


def test_published_article_page(client, contributor, category):
    unit = contributor.unit
    post = make_post(
        unit,
        contributor,
        category,
        status=PostStatus.PUBLISHED,
        # 17.30 UTC on Monday is 00.30 WIB on Tuesday.
        published_at=datetime.datetime(2024, 9, 23, 17, 30, tzinfo=datetime.UTC),
        body=BODY,
        location="Jakarta",
    )
    tag = Tag.objects.create(name="HumasBergerakBersama", slug="humasbergerakbersama")
    post.tags.add(tag)
    Photo.objects.create(
        unit=unit,
        post=post,
        kind=PhotoKind.COVER,
        image="photos/ab/cover.jpg",
        alt_text="Peserta rapat koordinasi humas",
        caption="Rapat koordinasi humas 2024",
        status="ready",
    )
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "<h1>%s</h1>" % post.title in html
    assert post.lead in html
    assert "Selasa, 24 September 2024 00.30 WIB" in html
    assert unit.name in html and unit.region.office_name in html
    assert category.name in html
    assert tag.get_absolute_url() in html
    assert 'alt="Peserta rapat koordinasi humas"' in html
    assert "Rapat koordinasi humas 2024" in html
    assert "<ul><li>Menjahit</li>" in html
    assert "Pratinjau" not in html


def test_public_pages_answer_head_requests(client, contributor, category):
    # Uptime monitors and link checkers ask with HEAD; RFC 9110 requires it
    # wherever GET works.
    post = make_post(
        contributor.unit,
        contributor,
        category,
        status=PostStatus.PUBLISHED,
        published_at=datetime.datetime(2024, 9, 23, tzinfo=datetime.UTC),
    )
    tag = Tag.objects.create(name="Kemandirian", slug="kemandirian")
    post.tags.add(tag)
    for url in (
        reverse("home"),
        post.get_absolute_url(),
        contributor.unit.get_absolute_url(),
        category.get_absolute_url(),
        tag.get_absolute_url(),
    ):
        response = client.head(url)
        assert response.status_code == 200, url
        assert response.content == b"", url
    assert client.post(reverse("home")).status_code == 405


def test_listing_pages_show_only_published(client, contributor, category):
    unit = contributor.unit
    tag = Tag.objects.create(name="Kemandirian", slug="kemandirian")
    published = make_post(
        unit, contributor, category, status=PostStatus.PUBLISHED, title="Sudah terbit"
    )
    draft = make_post(unit, contributor, category, title="Masih draf")
    published.tags.add(tag)
    draft.tags.add(tag)
    for url in (
        reverse("home"),
        unit.get_absolute_url(),
        category.get_absolute_url(),
        tag.get_absolute_url(),
    ):
        html = client.get(url).content.decode()
        assert "Sudah terbit" in html, url
        assert "Masih draf" not in html, url
    assert client.get(reverse("public:unit", args=["tidak-ada"])).status_code == 404
    assert client.get(reverse("public:tag", args=["tidak-ada"])).status_code == 404


@pytest.mark.parametrize(
    "url_name", ["home", "public:unit", "public:category", "public:tag"]
)
def test_public_lists_queries_do_not_grow_with_rows(
    client, contributor, category, url_name, django_assert_max_num_queries
):
    unit = contributor.unit
    tag = Tag.objects.create(name="Kemandirian", slug="kemandirian")
    slug_for = {
        "home": None,
        "public:unit": unit.slug,
        "public:category": category.slug,
        "public:tag": tag.slug,
    }

    def add_posts(n):
        for _ in range(n):
            post = make_post(unit, contributor, category, status=PostStatus.PUBLISHED)
            post.tags.add(tag)
            Photo.objects.create(
                unit=unit,
                post=post,
                kind=PhotoKind.COVER,
                image="photos/ab/c.jpg",
                alt_text="Sampul",
                status="ready",
            )

    slug = slug_for[url_name]
    url = reverse(url_name, args=[slug] if slug else [])
    add_posts(2)
    few = _count_queries(client, url)
    add_posts(15)
    many = _count_queries(client, url)
    assert few == many
    # The home page lists more (headlines, sections, regions, most read,
    # awards): its own bound is in tests/public/test_home.py.
    with django_assert_max_num_queries(15 if url_name == "home" else 8):
        client.get(url)


def test_home_shows_the_latest_award_winners_and_links_to_all_awards(client, db):
    html = client.get(reverse("home")).content.decode()
    assert 'id="pemenang-terbaru"' in html
    assert "Pemenang penghargaan 2024" in html
    assert 'href="%s"' % reverse("public:awards") in html


def test_home_has_no_winners_section_without_winners(client, db):
    from awards.models import AwardWinner

    AwardWinner.objects.all().delete()
    html = client.get(reverse("home")).content.decode()
    assert 'id="pemenang-terbaru"' not in html


def test_unit_page_shows_the_units_awards(client, db):
    from tests.factories import UnitFactory

    winner = UnitFactory(name="Lapas Kelas IIA Salemba", slug="lapas-salemba")
    other = UnitFactory(name="Lapas Kelas IIB Entah", slug="lapas-entah")
    html = client.get(winner.get_absolute_url()).content.decode()
    assert 'id="penghargaan-upt"' in html
    assert "Peringkat 1" in html
    assert (
        'id="penghargaan-upt"'
        not in client.get(other.get_absolute_url()).content.decode()
    )


def test_public_pages_keep_their_addresses(db):
    assert reverse("home") == "/"
    assert reverse("public:home") == "/"
    assert reverse("public:article", args=["judul"]) == "/berita/judul/"
    assert reverse("public:unit", args=["lapas"]) == "/upt/lapas/"
    assert reverse("public:category", args=["pembinaan"]) == "/kategori/pembinaan/"
    assert reverse("public:tag", args=["humas"]) == "/tag/humas/"
    assert reverse("public:awards") == "/penghargaan/"
