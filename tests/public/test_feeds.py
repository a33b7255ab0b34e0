"""RSS 2.0 and Atom feeds, parsed as a feed reader would (feedparser)."""

import feedparser
import pytest
from django.conf import settings
from django.urls import reverse

from news.models import Photo, PhotoKind, PhotoStatus, Rendition
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def with_cover(post, *, widths=(320, 640, 1024, 1600), status=PhotoStatus.READY):
    photo = Photo.objects.create(
        unit=post.unit,
        post=post,
        kind=PhotoKind.COVER,
        image="photos/ab/cover-%d.jpg" % post.pk,
        width=1600,
        height=1067,
        alt_text="Foto sampul",
        status=status,
    )
    for width in widths:
        for fmt in ("webp", "jpeg"):
            Rendition.objects.create(
                photo=photo,
                width=width,
                height=width * 2 // 3,
                format=fmt,
                file="renditions/%d-%d.%s" % (post.pk, width, fmt),
                bytes=width * 100 + (1 if fmt == "jpeg" else 0),
            )
    return photo


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.mark.parametrize(
    "name, version", [("public:feed_rss", "rss20"), ("public:feed_atom", "atom10")]
)
def test_the_feed_of_all_news(client, make_post, name, version):
    older = make_post(title="Berita lama", hours_ago=5)
    newer = make_post(title="Berita baru", hours_ago=1)
    with_cover(newer)
    make_post(title="Draf rahasia", status="draft")

    response, feed = parse(client, reverse(name))

    assert feed.version == version
    assert [entry.title for entry in feed.entries] == ["Berita baru", "Berita lama"]
    entry = feed.entries[0]
    assert entry.link.startswith("http") and entry.link.endswith(
        newer.get_absolute_url()
    )
    assert entry.summary == newer.lead
    assert entry.published_parsed is not None
    assert newer.category.name in [tag.term for tag in entry.tags]
    (enclosure,) = entry.enclosures
    assert enclosure.href == "%s/media/renditions/%d-1024.jpeg" % (
        settings.SITE_URL.rstrip("/"),
        newer.pk,
    )
    assert enclosure.length == str(1024 * 100 + 1)
    assert enclosure.type == "image/jpeg"
    # A post without a cover has no enclosure.
    assert not feed.entries[1].get("enclosures")
    assert older.title in response.content.decode()


def test_enclosure_falls_back_to_640_then_widest_jpeg(client, make_post):
    small = make_post(title="Foto kecil", hours_ago=1)
    with_cover(small, widths=(320, 640))
    tiny = make_post(title="Foto mungil", hours_ago=2)
    with_cover(tiny, widths=(320,))
    pending = make_post(title="Foto belum siap", hours_ago=3)
    with_cover(pending, widths=(), status=PhotoStatus.PENDING)

    _, feed = parse(client, reverse("public:feed_rss"))
    hrefs = [[e.href for e in entry.get("enclosures", [])] for entry in feed.entries]

    assert hrefs[0][0].endswith("-640.jpeg")
    assert hrefs[1][0].endswith("-320.jpeg")
    assert hrefs[2] == []


def test_unit_feed_has_only_the_unit(client, make_post, unit, other_unit):
    make_post(title="Berita unit ini")
    make_post(title="Berita unit lain", post_unit=other_unit)
    for name in ("public:unit_feed_rss", "public:unit_feed_atom"):
        _, feed = parse(client, reverse(name, kwargs={"slug": unit.slug}))
        assert [e.title for e in feed.entries] == ["Berita unit ini"]
        assert unit.name in feed.feed.title


def test_region_feed_has_only_the_region(client, make_post, region_unit):
    make_post(title="Berita Jakarta")
    make_post(title="Berita Jawa Tengah", post_unit=region_unit)
    slug = region_unit.region.slug
    for name in ("public:region_feed_rss", "public:region_feed_atom"):
        _, feed = parse(client, reverse(name, kwargs={"slug": slug}))
        assert [e.title for e in feed.entries] == ["Berita Jawa Tengah"]


def test_category_feed_has_only_the_category(client, make_post):
    other = CategoryFactory(name="Layanan", slug="layanan")
    make_post(title="Berita pembinaan")
    make_post(title="Berita layanan", category=other)
    for name in ("public:category_feed_rss", "public:category_feed_atom"):
        _, feed = parse(client, reverse(name, kwargs={"slug": "layanan"}))
        assert [e.title for e in feed.entries] == ["Berita layanan"]


@pytest.mark.parametrize(
    "name",
    ["public:unit_feed_rss", "public:region_feed_atom", "public:category_feed_rss"],
)
def test_unknown_slug_is_404(client, db, name):
    assert client.get(reverse(name, kwargs={"slug": "tidak-ada"})).status_code == 404


def test_feed_query_count_does_not_grow(
    client, make_post, unit, django_assert_max_num_queries
):
    url = reverse("public:unit_feed_rss", kwargs={"slug": unit.slug})
    post = make_post(title="Satu")
    with_cover(post)
    client.get(url)  # the Site is cached from here on
    with django_assert_max_num_queries(6):
        client.get(url)
    for n in range(15):
        post = make_post(title="Berita %d" % n)
        with_cover(post)
        post.tags.create(name="tag %d" % n, slug="tag-%d" % n)
    with django_assert_max_num_queries(6):
        _, feed = parse(client, url)
    assert len(feed.entries) == 16
