"""The article page as a reader, a search engine and a share sheet see it:
breadcrumbs, the date in the unit's zone, the gallery without JavaScript,
related posts and neighbours, share links, canonical, Open Graph, Twitter
card and JSON-LD; nothing but published posts; a constant query count."""

import datetime
import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from news.models import Photo, PhotoKind, PhotoStatus, PostStatus, Rendition
from tests.factories import TagFactory, UnitFactory
from units.models import Region

pytestmark = pytest.mark.django_db

SITE = settings.SITE_URL.rstrip("/")


class _Elements(HTMLParser):
    """Every start tag of a page as (name, attributes)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str, name: str, **match) -> list[dict]:
    parser = _Elements()
    parser.feed(html)
    return [
        attrs
        for tag, attrs in parser.found
        if tag == name and all(attrs.get(k) == v for k, v in match.items())
    ]


def meta(html: str, key: str) -> str | None:
    for attrs in elements(html, "meta"):
        if key in (attrs.get("property"), attrs.get("name")):
            return attrs.get("content")
    return None


def json_ld(html: str) -> dict:
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S
    )
    assert len(blocks) == 1
    return json.loads(blocks[0])


def add_photo(post, *, kind=PhotoKind.COVER, size=(1600, 1067), widths=None, **extra):
    """A photo with JPEG and WebP renditions (rows only; no file is read)."""
    width, height = size
    photo = Photo.objects.create(
        unit=post.unit,
        post=post,
        kind=kind,
        image="photos/ab/%s-%d-%d.jpg" % (kind, post.pk, Photo.objects.count()),
        width=width,
        height=height,
        alt_text=extra.pop("alt_text", "Warga binaan di bengkel kerja"),
        status=PhotoStatus.READY,
        **extra,
    )
    for w in widths or [w for w in (320, 640, 1024, 1200, 1600) if w <= width]:
        for fmt in ("webp", "jpeg"):
            Rendition.objects.create(
                photo=photo,
                width=w,
                height=round(height * w / width),
                format=fmt,
                file="renditions/%d/%d.%s" % (photo.pk, w, fmt),
                bytes=w * 50,
            )
    return photo


def page(client, post) -> str:
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- Reading -----------------------------------------------------------------


def test_breadcrumbs_lead_home_then_category_then_the_title(client, make_post):
    post = make_post(title="Pelatihan las bagi warga binaan")
    html = page(client, post)
    crumbs = re.search(
        r'<nav class="breadcrumbs[^"]*" aria-label="([^"]+)">(.*?)</nav>', html, re.S
    )
    assert crumbs.group(1) == "Jejak navigasi"
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', crumbs.group(2))
    assert links == [
        (reverse("home"), "Beranda"),
        (post.category.get_absolute_url(), post.category.name),
    ]
    assert (
        '<li aria-current="page">Pelatihan las bagi warga binaan</li>'
        in crumbs.group(2)
    )


@pytest.mark.parametrize(
    "province_code, zone",
    [("31", "WIB"), ("73", "WITA"), ("91", "WIT")],
)
def test_date_in_indonesian_with_the_units_zone(client, make_post, province_code, zone):
    unit = UnitFactory(region=Region.objects.get(province_code=province_code))
    offset = {"WIB": 7, "WITA": 8, "WIT": 9}[zone]
    # 14.05 local time on Tuesday 24 September 2024, in each zone.
    published = datetime.datetime(2024, 9, 24, 14 - offset, 5, tzinfo=datetime.UTC)
    post = make_post(post_unit=unit, published_at=published)
    html = page(client, post)
    assert "Selasa, 24 September 2024 14.05 %s" % zone in html
    assert '<time datetime="2024-09-24T14:05+0%d:00">' % offset in html


def test_unit_and_region_are_linked(client, make_post, unit):
    html = page(client, make_post())
    byline = re.search(r'<p class="meta byline">(.*?)</p>', html, re.S).group(1)
    assert 'href="%s"' % unit.get_absolute_url() in byline
    region_url = reverse("public:region", args=[unit.region.slug])
    assert '<a href="%s">Kanwil DKI Jakarta</a>' % region_url in byline


def test_gallery_opens_large_without_javascript(client, make_post):
    post = make_post()
    add_photo(post)
    landscape = add_photo(
        post, kind=PhotoKind.GALLERY, position=1, caption="Bengkel las", credit="Humas"
    )
    portrait = add_photo(
        post, kind=PhotoKind.GALLERY, position=2, size=(1000, 1500), alt_text="Potret"
    )
    html = page(client, post)

    thumbs = elements(html, "a", **{"class": "gallery-thumb"})
    assert [a["href"] for a in thumbs] == ["#foto-1", "#foto-2"]
    boxes = re.findall(r'<div class="lightbox" id="(foto-\d)"(.*?)</div>', html, re.S)
    assert [box_id for box_id, _ in boxes] == ["foto-1", "foto-2"]
    first, second = boxes[0][1], boxes[1][1]
    assert 'aria-label="Foto 1 dari 2"' in first
    assert "Bengkel las" in first and "(Foto: Humas)" in first
    # Large: the widest renditions, for the whole viewport, loaded only when
    # opened (lazy inside a box that is hidden until it is the :target).
    assert re.search(r'/%d/1600\.jpeg 1600w"' % landscape.pk, first)
    assert 'sizes="100vw"' in first and 'loading="lazy"' in first
    # Arrows and a way back, all plain links.
    assert 'class="lightbox-next" href="#foto-2"' in first
    assert 'class="lightbox-close" href="#galeri"' in first
    assert 'class="lightbox-prev" href="#foto-1"' in second
    assert "lightbox-next" not in second
    assert 'id="galeri"' in html
    # The portrait keeps its proportions (2:3), uncropped, in both views.
    for img in elements(html, "img", alt="Potret"):
        assert int(img["width"]) * 3 == int(img["height"]) * 2
    assert len(elements(html, "img", alt="Potret")) == 2 and portrait.pk


def test_the_enhancement_script_is_local_and_deferred(client, make_post):
    html = page(client, make_post())
    scripts = elements(html, "script")
    src = [s for s in scripts if s.get("src")]
    assert src and all(s["src"].startswith("/static/") for s in src)
    assert all("defer" in s for s in src)


def test_related_posts_rank_unit_then_tags_then_category(
    client, make_post, unit, region_unit, category
):
    from tests.factories import CategoryFactory

    other_category = CategoryFactory(name="Kegiatan", slug="kegiatan")
    tag = TagFactory(name="Kemandirian", slug="kemandirian")
    post = make_post(title="Berita utama", hours_ago=1)
    post.tags.add(tag)
    same_unit_and_tag = make_post(title="Unit dan tag", hours_ago=30)
    same_unit_and_tag.tags.add(tag)
    same_tag = make_post(
        title="Tag saja", post_unit=region_unit, category=other_category, hours_ago=2
    )
    same_tag.tags.add(tag)
    same_category = make_post(title="Kategori saja", post_unit=region_unit, hours_ago=3)
    make_post(
        title="Tidak terkait",
        post_unit=region_unit,
        category=other_category,
        hours_ago=4,
    )
    make_post(title="Draf unit", status="draft")

    html = page(client, post)
    related = re.search(r'<section class="related".*?</section>', html, re.S).group(0)
    titles = re.findall(r"<h3><a [^>]+>([^<]+)</a></h3>", related)
    # The unit's own earlier post is the "previous" link, not repeated here.
    assert titles == ["Tag saja", "Kategori saja"]
    assert "Unit dan tag" in re.search(
        r'<nav class="post-neighbours".*?</nav>', html, re.S
    ).group(0)
    assert same_unit_and_tag.pk and same_category.pk


def test_a_related_post_scores_for_a_shared_tag_however_many_share_it(
    client, make_post, region_unit
):
    tag = TagFactory(name="Kemandirian", slug="kemandirian")
    post = make_post(title="Berita utama", hours_ago=1)
    post.tags.add(tag)
    make_post(title="Sebelumnya", hours_ago=20)  # the "previous" link
    make_post(title="Unit tanpa tag", hours_ago=30)
    older = make_post(title="Unit dan tag", hours_ago=50)
    older.tags.add(tag)
    for n in range(9):  # newer posts of another unit sharing the tag
        make_post(title="Tag %d" % n, post_unit=region_unit, hours_ago=2 + n).tags.add(
            tag
        )

    html = page(client, post)
    related = re.search(r'<section class="related".*?</section>', html, re.S).group(0)
    titles = re.findall(r"<h3><a [^>]+>([^<]+)</a></h3>", related)
    assert titles[:3] == ["Unit dan tag", "Unit tanpa tag", "Tag 0"]


def test_previous_and_next_come_from_the_same_unit(client, make_post, region_unit):
    older = make_post(title="Lebih lama", hours_ago=30)
    make_post(title="Unit lain di antaranya", post_unit=region_unit, hours_ago=20)
    post = make_post(title="Yang dibaca", hours_ago=10)
    make_post(title="Unit lain sesudahnya", post_unit=region_unit, hours_ago=5)
    newer = make_post(title="Lebih baru", hours_ago=1)
    make_post(title="Draf", status="draft")

    html = page(client, post)
    nav = re.search(r'<nav class="post-neighbours".*?</nav>', html, re.S).group(0)
    assert elements(nav, "a", rel="prev")[0]["href"] == older.get_absolute_url()
    assert elements(nav, "a", rel="next")[0]["href"] == newer.get_absolute_url()
    assert "Unit lain" not in nav

    first = page(client, older)
    nav = re.search(r'<nav class="post-neighbours".*?</nav>', first, re.S).group(0)
    assert not elements(nav, "a", rel="prev")
    assert elements(nav, "a", rel="next")[0]["href"] == post.get_absolute_url()


def test_tags_link_to_their_pages(client, make_post):
    post = make_post()
    tag = TagFactory(name="HumasBergerakBersama", slug="humasbergerakbersama")
    post.tags.add(tag)
    html = page(client, post)
    assert '<a href="/tag/humasbergerakbersama/">#HumasBergerakBersama</a>' in html


# --- Sharing and metadata --------------------------------------------------------


def test_share_links_are_plain_and_encoded(client, make_post):
    title = "Lapas & Rutan: 100% siap #HariBhakti?"
    post = make_post(title=title)
    html = page(client, post)
    url = SITE + post.get_absolute_url()

    links = {
        a["class"]: a["href"]
        for a in elements(html, "a")
        if a.get("class", "").startswith("share-")
    }
    assert set(links) == {
        "share-whatsapp",
        "share-facebook",
        "share-x",
        "share-telegram",
        "share-copy",
    }

    def query(href):
        return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}

    assert links["share-whatsapp"].startswith("https://wa.me/?")
    assert query(links["share-whatsapp"]) == {"text": "%s %s" % (title, url)}
    assert links["share-facebook"].startswith("https://www.facebook.com/sharer/")
    assert query(links["share-facebook"]) == {"u": url}
    assert links["share-x"].startswith("https://x.com/intent/post?")
    assert query(links["share-x"]) == {"url": url, "text": title}
    assert links["share-telegram"].startswith("https://t.me/share/url?")
    assert query(links["share-telegram"]) == {"url": url, "text": title}
    # Copying without JavaScript: the link is the article's own address.
    assert links["share-copy"] == url
    # Nothing from those sites is loaded by the page.
    assert not re.search(r'<script[^>]+src="https?://', html)


def test_canonical_open_graph_and_twitter_card(client, make_post):
    post = make_post(title="Panen sayur hidroponik", lead="Hasil kebun warga binaan.")
    cover = add_photo(post, alt_text="Kebun hidroponik")
    html = page(client, post)
    url = SITE + post.get_absolute_url()

    assert elements(html, "link", rel="canonical") == [
        {"rel": "canonical", "href": url}
    ]
    image = SITE + "/media/renditions/%d/1200.jpeg" % cover.pk
    expected = {
        "og:type": "article",
        "og:title": "Panen sayur hidroponik",
        "og:description": "Hasil kebun warga binaan.",
        "og:url": url,
        "og:image": image,
        "og:image:width": "1200",
        "og:image:height": str(round(1067 * 1200 / 1600)),
        "og:image:alt": "Kebun hidroponik",
        "twitter:card": "summary_large_image",
        "twitter:title": "Panen sayur hidroponik",
        "twitter:image": image,
    }
    assert {key: meta(html, key) for key in expected} == expected
    assert meta(html, "article:published_time").startswith(
        post.published_at.astimezone(
            datetime.timezone(datetime.timedelta(hours=7))
        ).isoformat()[:16]
    )


def test_older_cover_without_1200_uses_the_next_wider_rendition(client, make_post):
    post = make_post()
    cover = add_photo(post, widths=(320, 640, 1024, 1600))
    html = page(client, post)
    assert meta(html, "og:image") == SITE + "/media/renditions/%d/1600.jpeg" % cover.pk
    assert meta(html, "og:image:width") == "1600"


def test_without_a_cover_the_card_is_small_and_has_no_image(client, make_post):
    html = page(client, make_post())
    assert meta(html, "og:image") is None
    assert meta(html, "twitter:card") == "summary"


def test_news_article_json_ld(client, make_post, unit):
    post = make_post(
        title="Warga binaan </script><script>alert(1)</script> berkarya",
        published_at=datetime.datetime(2024, 9, 24, 7, 5, tzinfo=datetime.UTC),
    )
    cover = add_photo(post)
    post.tags.add(TagFactory(name="Kemandirian", slug="kemandirian"))
    html = page(client, post)
    # The title cannot close the script element early.
    assert "</script><script>alert(1)" not in html

    data = json_ld(html)
    assert data["@context"] == "https://schema.org"
    by_type = {node["@type"]: node for node in data["@graph"]}
    article = by_type["NewsArticle"]
    url = SITE + post.get_absolute_url()
    assert article["headline"] == post.title
    assert article["mainEntityOfPage"] == url
    assert article["image"] == [SITE + "/media/renditions/%d/1200.jpeg" % cover.pk]
    assert article["datePublished"] == "2024-09-24T14:05+07:00"
    assert article["dateModified"] >= article["datePublished"]
    assert article["author"] == {
        "@type": "Organization",
        "name": unit.name,
        "url": SITE + unit.get_absolute_url(),
    }
    publisher = article["publisher"]
    assert publisher["@type"] == "Organization"
    assert publisher["name"] == settings.ORGANISATION_NAME
    assert publisher["logo"]["@type"] == "ImageObject"
    assert publisher["logo"]["url"].startswith("http")
    assert article["keywords"] == ["Kemandirian"]

    crumbs = by_type["BreadcrumbList"]["itemListElement"]
    assert [c["position"] for c in crumbs] == [1, 2, 3]
    assert crumbs[-1]["item"] == url


# --- Not public -----------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [s for s in PostStatus.values if s != PostStatus.PUBLISHED]
)
def test_every_other_status_is_404(client, make_post, status):
    fields = {}
    if status == PostStatus.SCHEDULED:
        fields["publish_at"] = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    post = make_post(status=status, **fields)
    assert client.get(post.get_absolute_url()).status_code == 404


# --- Cost -------------------------------------------------------------------------


def test_article_queries_do_not_grow_with_photos_tags_or_posts(
    client, make_post, region_unit, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tags = [TagFactory() for _ in range(3)]
    post = make_post(hours_ago=50)
    post.tags.add(*tags)
    add_photo(post)

    def grow(n):
        for i in range(n):
            other = make_post(hours_ago=i + 1, post_unit=region_unit if i % 2 else None)
            other.tags.add(tags[i % 3])
            add_photo(other)
            add_photo(post, kind=PhotoKind.GALLERY, position=i, widths=(320, 640))

    def count():
        page(client, post)  # the footer's links are cached after a first load
        with CaptureQueriesContext(connection) as ctx:
            page(client, post)
        return len(ctx.captured_queries)

    grow(3)  # enough for related posts beside the previous and next
    few = count()
    grow(12)
    assert count() == few
    # Post, tags; previous and next (one query); the ranked related posts;
    # the photos and their renditions, the related covers' with the post's.
    # (Two more when the footer's links are not cached yet.)
    assert few == 6
    with django_assert_max_num_queries(8):
        page(client, post)
