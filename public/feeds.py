"""RSS 2.0 and Atom feeds: all news, and per unit, region and category.

Each item carries the post's cover as an enclosure (a JPEG rendition, 1024
pixels wide when there is one): feed readers and aggregators show it. A
feed costs the same few queries whatever its length
(news.selectors.post_list_for_feed).
"""

from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.translation import gettext_lazy as _

from news import selectors
from news.models import PhotoStatus
from public.sitemaps import region_page_url

FEED_LENGTH = 20
# The enclosure: the first of these JPEG widths the cover has, else its
# widest JPEG rendition.
ENCLOSURE_WIDTHS = (1024, 640)


def cover_enclosure_rendition(post):
    """The JPEG rendition of the post's cover to enclose, or None."""
    covers = getattr(post, "cover_photos", None) or []
    if not covers or covers[0].status != PhotoStatus.READY:
        return None
    jpegs = [r for r in covers[0].renditions.all() if r.format == "jpeg"]
    for width in ENCLOSURE_WIDTHS:
        for rendition in jpegs:
            if rendition.width == width:
                return rendition
    return max(jpegs, key=lambda r: r.width, default=None)


class LatestPostsFeed(Feed):
    """Every published post, newest first."""

    description_template = None
    title_text = _("Berita Pemasyarakatan")

    def get_object(self, request, *args, **kwargs):
        return None

    def title(self, obj):
        if obj is None:
            return "%s · %s" % (self.title_text, settings.ORGANISATION_SHORT_NAME)
        return "%s · %s" % (obj, self.title_text)

    def link(self, obj):
        return obj.get_absolute_url() if obj is not None else reverse("home")

    def description(self, obj):
        if obj is None:
            return _(
                "Berita terbaru dari unit-unit pemasyarakatan di seluruh Indonesia."
            )
        return _("Berita terbaru: %(name)s.") % {"name": obj}

    def feed_url(self, obj):
        return None  # the URL the feed was fetched from

    def items(self, obj):
        return selectors.post_list_for_feed(limit=FEED_LENGTH)

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.lead

    def item_link(self, post):
        return post.get_absolute_url()

    def item_guid(self, post):
        # A tag URI (RFC 4151): stable across a change of title or slug.
        return "tag:%s,2024:berita-%d" % (urlsplit(settings.SITE_URL).hostname, post.pk)

    item_guid_is_permalink = False

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_author_name(self, post):
        return post.unit.name

    def item_categories(self, post):
        return [post.category.name, *(tag.name for tag in post.tags.all())]

    def item_enclosures(self, post):
        rendition = cover_enclosure_rendition(post)
        if rendition is None:
            return []
        url = urljoin(settings.SITE_URL, rendition.file.url)
        return [Enclosure(url, str(rendition.bytes), "image/jpeg")]


class UnitPostsFeed(LatestPostsFeed):
    def get_object(self, request, slug):
        return selectors.unit_get_by_slug(slug=slug)

    def items(self, unit):
        return selectors.post_list_for_feed(unit=unit, limit=FEED_LENGTH)


class RegionPostsFeed(LatestPostsFeed):
    def get_object(self, request, slug):
        return selectors.region_get_by_slug(slug=slug)

    def title(self, region):
        return "%s · %s" % (region.office_name, self.title_text)

    def link(self, region):
        # The region's page once the public pages have one; until then the
        # search page filtered on the region lists the same posts.
        return region_page_url(region) or "%s?kanwil=%s" % (
            reverse("public:search"),
            region.slug,
        )

    def description(self, region):
        return _("Berita terbaru: %(name)s.") % {"name": region.office_name}

    def items(self, region):
        return selectors.post_list_for_feed(region=region, limit=FEED_LENGTH)


class CategoryPostsFeed(LatestPostsFeed):
    def get_object(self, request, slug):
        return selectors.category_get_by_slug(slug=slug)

    def items(self, category):
        return selectors.post_list_for_feed(category=category, limit=FEED_LENGTH)


class AtomMixin:
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class LatestPostsAtomFeed(AtomMixin, LatestPostsFeed):
    pass


class UnitPostsAtomFeed(AtomMixin, UnitPostsFeed):
    pass


class RegionPostsAtomFeed(AtomMixin, RegionPostsFeed):
    pass


class CategoryPostsAtomFeed(AtomMixin, CategoryPostsFeed):
    pass
