"""Listings: per unit, category and tag, and the awards page."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from awards import selectors as award_selectors
from news import selectors
from public.views.common import paginate


def _listing(request, *, heading, intro="", posts, context=None):
    return render(
        request,
        "public/post_list.html",
        {
            "heading": heading,
            "intro": intro,
            "page": paginate(request, posts),
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
