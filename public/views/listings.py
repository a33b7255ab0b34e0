"""Listings: the unit's profile, the region (Kanwil), category and tag pages,
and the awards page.

Every listing pages with ?halaman=N (the first page has no parameter) and
shows the same cards (public/_post_card.html). A page number that is not a
page of the list is a 404, not the nearest page: each page of a listing has
exactly one address, which is what the page cache and search engines keep.
Each page costs the same few queries whatever the number of posts: the
object, the count, the posts (with unit, region, category), their covers and
the covers' renditions (news.selectors.post_list_published).
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from awards import selectors as award_selectors
from news import selectors
from news.selectors.public import unit_list_for_region
from public.metadata import absolute_url
from public.views.common import PAGE_SIZE

PAGE_PARAMETER = "halaman"


def breakable(text: str) -> SafeString:
    """`text` escaped, with a line-break chance after each slash (<wbr>), so a
    heading such as "Pembinaan Kepribadian/Rehabilitasi" wraps there on a
    phone instead of running off the screen."""
    return mark_safe(escape(text).replace("/", "/<wbr>"))  # noqa: S308 - escaped


def listing_page(request, queryset, *, per_page: int = PAGE_SIZE):
    """The requested page of `queryset`, or 404 for a page that is not one.

    The page carries `elided_range` for the page links (1 … 4 5 6 … 20).
    """
    paginator = Paginator(queryset, per_page)
    number = request.GET.get(PAGE_PARAMETER, "1")
    try:
        page = paginator.page(number)
    except (EmptyPage, PageNotAnInteger) as exc:
        raise Http404("no such page") from exc
    page.elided_range = list(
        paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    )
    return page


def listing_context(request, page) -> dict:
    """The page and its canonical address (the first page without ?halaman)."""
    path = request.path
    if page.number > 1:
        path = "%s?%s=%d" % (path, PAGE_PARAMETER, page.number)
    return {"page": page, "canonical_url": absolute_url(path)}


def _listing(request, *, template="public/post_list.html", posts, context):
    page = listing_page(request, posts)
    return render(request, template, {**context, **listing_context(request, page)})


@require_safe
def unit_posts(request, slug: str):
    """The unit's profile: details, social accounts, awards, and its news."""
    unit = selectors.unit_get_by_slug(slug=slug)
    return _listing(
        request,
        template="public/unit.html",
        posts=selectors.post_list_published(unit=unit),
        context={
            "unit": unit,
            "heading": unit.name,
            "awards": award_selectors.winners_for_unit(unit=unit),
            "social_accounts": award_selectors.social_accounts_for_unit(unit=unit),
        },
    )


@require_safe
def region_posts(request, slug: str):
    """A regional office (Kanwil): its units and the news of all of them."""
    region = selectors.region_get_by_slug(slug=slug)
    return _listing(
        request,
        template="public/region.html",
        posts=selectors.post_list_published(region=region),
        context={
            "region": region,
            "heading": region.office_name,
            "units": list(unit_list_for_region(region=region)),
        },
    )


@require_safe
def category_posts(request, slug: str):
    category = selectors.category_get_by_slug(slug=slug)
    return _listing(
        request,
        posts=selectors.post_list_published(category=category),
        context={
            "category": category,
            "heading": category.name,
            "heading_html": breakable(category.name),
            "intro": category.description,
        },
    )


@require_safe
def tag_posts(request, slug: str):
    tag = selectors.tag_get_by_slug(slug=slug)
    return _listing(
        request,
        posts=selectors.post_list_published(tag=tag),
        context={"tag": tag, "heading": "#%s" % tag.name},
    )


@require_safe
def awards(request):
    return render(
        request,
        "public/awards.html",
        {"periods": award_selectors.winners_by_period()},
    )
