"""sitemap.xml: an index, a Google News sitemap and one section per kind of page.

The Google News rules (https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap):
only articles published in the last 48 hours, at most 1,000 URLs, each with
the publication's name and language, the publication date and the title.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse

from news import selectors

NEWS_SECTION = "berita-terkini"
NEWS_HOURS = 48
NEWS_LIMIT = 1000


def region_page_url(region) -> str | None:
    """The region's own listing page, once the public pages have one."""
    for name in ("public:region", "news:region"):
        try:
            return reverse(name, kwargs={"slug": region.slug})
        except NoReverseMatch:
            continue
    return None


class NewsSitemap(Sitemap):
    """Google News: the last 48 hours, at most 1,000 (public/sitemap_news.xml)."""

    limit = NEWS_LIMIT

    def items(self):
        return selectors.post_list_for_news_sitemap(hours=NEWS_HOURS, limit=NEWS_LIMIT)

    def lastmod(self, post):
        return post.updated_at

    def get_urls(self, *args, **kwargs):
        urls = super().get_urls(*args, **kwargs)
        for url in urls:
            url["publication_name"] = settings.ORGANISATION_NAME
            url["publication_language"] = "id"
        return urls


class PostSitemap(Sitemap):
    changefreq = "weekly"
    limit = 10000

    def items(self):
        return selectors.post_list_for_sitemap()

    def lastmod(self, post):
        return post.updated_at


class _ListingSitemap(Sitemap):
    changefreq = "daily"

    def lastmod(self, item):
        return item.latest_post_at


class UnitSitemap(_ListingSitemap):
    def items(self):
        return selectors.unit_list_with_published_posts()


class CategorySitemap(_ListingSitemap):
    def items(self):
        return selectors.category_list_with_published_posts()


class TagSitemap(_ListingSitemap):
    def items(self):
        return selectors.tag_list_with_published_posts()


class RegionSitemap(_ListingSitemap):
    def items(self):
        return selectors.region_list_with_published_posts()

    def location(self, region):
        return region_page_url(region)


class _Probe:
    slug = "kanwil"


def sitemaps() -> dict[str, type[Sitemap]]:
    """The sections, by name in the URL; regions once they have a page."""
    sections = {
        NEWS_SECTION: NewsSitemap,
        "berita": PostSitemap,
        "upt": UnitSitemap,
        "kanwil": RegionSitemap,
        "kategori": CategorySitemap,
        "tag": TagSitemap,
    }
    if region_page_url(_Probe()) is None:
        del sections["kanwil"]
    return sections
