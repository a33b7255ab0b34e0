"""The reader's site: home, articles, listings, awards, search and robots.txt.

Reads only through the selectors of news, units and awards; no models of its
own. Feeds are in public.feeds, sitemaps in public.sitemaps. One module per
page family, re-exported here for the URL configuration.
"""

from public.views.archive import archive_index, archive_month, archive_year
from public.views.article import article
from public.views.home import home
from public.views.listings import (
    awards,
    category_posts,
    region_posts,
    tag_posts,
    unit_posts,
)
from public.views.search import search
from public.views.seo import robots_txt, sitemap_index, sitemap_section

__all__ = [
    "archive_index",
    "archive_month",
    "archive_year",
    "article",
    "awards",
    "category_posts",
    "home",
    "region_posts",
    "robots_txt",
    "search",
    "sitemap_index",
    "sitemap_section",
    "tag_posts",
    "unit_posts",
]
