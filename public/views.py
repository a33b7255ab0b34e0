"""The reader's site: home, articles, listings, awards, search and robots.txt.

Reads only through the selectors of news, units and awards; no models of its
own. Feeds are in public.feeds, sitemaps in public.sitemaps.
"""

from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from awards import selectors as award_selectors
from news import selectors
from news.search import post_search, search_filter_options, search_suggestions
from public.forms import SearchForm
from public.sitemaps import NEWS_SECTION, sitemaps

PAGE_SIZE = 12


def _paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("halaman"))


@require_safe
def home(request):
    return render(
        request,
        "public/home.html",
        {
            "page": _paginate(request, selectors.post_list_published()),
            "categories": selectors.category_list(),
            "latest": award_selectors.winners_latest(),
        },
    )


@require_safe
def article(request, slug: str):
    return render(
        request,
        "public/article.html",
        {"post": selectors.post_get_published(slug=slug), "preview": False},
    )


def _listing(request, *, heading, intro="", posts, context=None):
    return render(
        request,
        "public/post_list.html",
        {
            "heading": heading,
            "intro": intro,
            "page": _paginate(request, posts),
            **(context or {}),
        },
    )


@require_safe
def unit_posts(request, slug: str):
    unit = selectors.unit_get_by_slug(slug=slug)
    return _listing(
        request,
        heading=unit.name,
        intro=unit.profile,
        posts=selectors.post_list_published(unit=unit),
        context={"unit": unit, "awards": award_selectors.winners_for_unit(unit=unit)},
    )


@require_safe
def category_posts(request, slug: str):
    category = selectors.category_get_by_slug(slug=slug)
    return _listing(
        request,
        heading=category.name,
        intro=category.description,
        posts=selectors.post_list_published(category=category),
        context={"category": category},
    )


@require_safe
def tag_posts(request, slug: str):
    tag = selectors.tag_get_by_slug(slug=slug)
    return _listing(
        request,
        heading="#%s" % tag.name,
        posts=selectors.post_list_published(tag=tag),
        context={"tag": tag},
    )


@require_safe
def awards(request):
    return render(
        request,
        "public/awards.html",
        {"periods": award_selectors.winners_by_period()},
    )


@require_safe
def search(request):
    """/cari/?q=...: ranked results with highlights, filters, stable pages.

    Every parameter is checked by SearchForm; a bad one is reported on the
    page and left out, so the page answers 200 whatever the URL holds.
    """
    form = SearchForm(request.GET)
    form.is_valid()
    query = form.search_query()
    filters = form.search_filters()
    results = post_search(
        query=query, filters=filters, page_number=request.GET.get("halaman")
    )
    suggestions = None
    if query and not results.total:
        suggestions = search_suggestions(query=query)
    context = {
        "form": form,
        "problems": form.problems(),
        "query": query,
        "filters": filters,
        "has_filters": any(vars(filters).values()),
        "results": results,
        "suggestions": suggestions,
        "options": search_filter_options(),
    }
    return render(request, "public/search.html", context)


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
