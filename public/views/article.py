"""The article page."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from news import selectors


@require_safe
def article(request, slug: str):
    return render(
        request,
        "public/article.html",
        {"post": selectors.post_get_published(slug=slug), "preview": False},
    )
