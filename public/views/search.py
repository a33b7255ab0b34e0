"""Search: /cari/."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from news.search import post_search, search_filter_options, search_suggestions
from public.forms import SearchForm


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
