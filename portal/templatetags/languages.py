"""The same page in each language: hreflang links and the footer's choice.

Plain links, no form: a page carries no CSRF token, so no anonymous page sets
a cookie (public.caching keeps such pages in the shared cache).
"""

from urllib.parse import urljoin

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

register = template.Library()


def _reverse_in(code: str, match) -> str | None:
    with translation.override(code):
        try:
            return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return None


def _absolute(url: str) -> str:
    # From SITE_URL like the canonical links (public.metadata), not from the
    # request's Host header: the same page names the same addresses.
    return urljoin(settings.SITE_URL.rstrip("/") + "/", url)


@register.simple_tag(takes_context=True)
def language_links(context) -> dict:
    """{"translated": bool, "links": [{code, name, url, absolute, current}]}.

    A page with an English version (the reader's pages under /en/) links to
    itself in the other language, query string kept (?halaman=2, ?q=). Pages
    in Indonesian only (newsroom, login, an unknown address) link to each
    language's home page and have no hreflang alternates.
    """
    request = context.get("request")
    if request is None:
        return {"translated": False, "links": []}
    cached = getattr(request, "_language_links", None)
    if cached is not None:
        return cached
    match = getattr(request, "resolver_match", None)
    urls = {}
    if match is not None and match.view_name:
        urls = {code: _reverse_in(code, match) for code, _name in settings.LANGUAGES}
    translated = None not in urls.values() and len(set(urls.values())) > 1
    query = request.META.get("QUERY_STRING", "")
    current = translation.get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        if translated:
            url = urls[code] + ("?" + query if query else "")
        else:
            with translation.override(code):
                url = reverse("home")
        info = translation.get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "absolute": _absolute(url),
                "current": code == current,
            }
        )
    result = {"translated": translated, "links": links}
    request._language_links = result
    return result
