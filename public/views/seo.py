"""For crawlers: robots.txt and the sitemaps."""

from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from public.sitemaps import NEWS_SECTION, sitemaps


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("public:sitemap"))
    lines = [
        "User-agent: *",
        # The newsroom, the contributors' dashboard and search result pages
        # (an endless space of URLs) are not for crawlers.
        "Disallow: /admin/",
        "Disallow: /dasbor/",
        "Disallow: /masuk/",
        "Disallow: %s" % reverse("public:search"),
        "",
        "Sitemap: %s" % sitemap_url,
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def sitemap_index(request):
    return sitemap_views.index(
        request, sitemaps(), sitemap_url_name="public:sitemap_section"
    )


@require_safe
def sitemap_section(request, section):
    """One section; the Google News one has its own template (news: tags)."""
    template = "public/sitemap_news.xml" if section == NEWS_SECTION else "sitemap.xml"
    return sitemap_views.sitemap(
        request, sitemaps(), section=section, template_name=template
    )
