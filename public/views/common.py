"""Helpers shared by the public views."""

from django.core.paginator import Paginator

PAGE_SIZE = 12


def paginate(request, queryset, *, per_page=PAGE_SIZE):
    """One page of a listing; ?halaman= that is not a page gives the nearest."""
    return Paginator(queryset, per_page).get_page(request.GET.get("halaman"))
