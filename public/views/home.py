"""The home page."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from awards import selectors as award_selectors
from news import selectors
from public.views.common import paginate


@require_safe
def home(request):
    return render(
        request,
        "public/home.html",
        {
            "page": paginate(request, selectors.post_list_published()),
            "categories": selectors.category_list(),
            "latest": award_selectors.winners_latest(),
        },
    )
