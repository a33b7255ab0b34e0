from django.urls import path

from public import feeds, views
from public.views import pages, reads

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("berita/<slug:slug>/", views.article, name="article"),
    path("upt/<slug:slug>/", views.unit_posts, name="unit"),
    path("kanwil/<slug:slug>/", views.region_posts, name="region"),
    path("kategori/<slug:slug>/", views.category_posts, name="category"),
    path("tag/<slug:slug>/", views.tag_posts, name="tag"),
    path("arsip/", views.archive_index, name="archive"),
    path("arsip/<int:year>/", views.archive_year, name="archive_year"),
    path("arsip/<int:year>/<int:month>/", views.archive_month, name="archive_month"),
    path("penghargaan/", views.awards, name="awards"),
    path("cari/", views.search, name="search"),
    # The article page's cookieless read counter (public.views.reads).
    path("baca/<int:post_id>/", reads.read_beacon, name="read_count"),
    # About, contact, PPID: flatpages that editors write (portal.site_pages).
    path("halaman/<path:url>", pages.site_page, name="site_page"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", views.sitemap_section, name="sitemap_section"),
    # Feeds: RSS 2.0 and Atom, for all news and per unit, region, category.
    path("feed/rss/", feeds.LatestPostsFeed(), name="feed_rss"),
    path("feed/atom/", feeds.LatestPostsAtomFeed(), name="feed_atom"),
    path("feed/upt/<slug:slug>/rss/", feeds.UnitPostsFeed(), name="unit_feed_rss"),
    path(
        "feed/upt/<slug:slug>/atom/", feeds.UnitPostsAtomFeed(), name="unit_feed_atom"
    ),
    path(
        "feed/kanwil/<slug:slug>/rss/",
        feeds.RegionPostsFeed(),
        name="region_feed_rss",
    ),
    path(
        "feed/kanwil/<slug:slug>/atom/",
        feeds.RegionPostsAtomFeed(),
        name="region_feed_atom",
    ),
    path(
        "feed/kategori/<slug:slug>/rss/",
        feeds.CategoryPostsFeed(),
        name="category_feed_rss",
    ),
    path(
        "feed/kategori/<slug:slug>/atom/",
        feeds.CategoryPostsAtomFeed(),
        name="category_feed_atom",
    ),
]
