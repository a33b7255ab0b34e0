"""The reader's site for anonymous readers: cacheable responses, a page cache
in Redis, and its precise invalidation.

Three layers, from the outside in:

1. HTTP. An anonymous response of a public page sets no cookie and carries
   ``Cache-Control: public, max-age=0, must-revalidate, s-maxage=PUBLIC_MAX_AGE``
   (proxies keep it, browsers revalidate), an ``ETag`` (a hash of
   the body) and ``Last-Modified`` (when it was rendered); a conditional GET
   gets a 304. ``Vary: Cookie`` is taken off: what decides between the
   anonymous page and a reader's own is the session cookie, and every cache
   in front (this one, nginx's micro-cache in deploy/nginx.conf) passes a
   request carrying one straight through; the language is in the address.
   A logged-in reader (a session cookie) gets ``private, no-store`` pages,
   never stored anywhere and never served from a cache.
2. This middleware's page cache, when REDIS_URL is set (PAGE_CACHE_ENABLED):
   the rendered bytes and headers of anonymous GETs, keyed by scheme, host,
   path and the one query parameter that changes a page (?halaman). A hit
   is one Redis round trip and an unpickle, before the session, the URL
   resolver, the database or a template are touched. The embedded mode (no
   Redis, `make run`) has no page cache: local memory would be one cache
   per process, which no invalidation could reach.
3. Invalidation by dependency tags. A stored page is tagged from its resolved
   URL (view name and arguments: "unit:<slug>", "archive:2024-9", ...) and
   with "post:<slug>" for every article it links to (related articles,
   previous/next, cards, feed items). When an editor publishes, edits,
   features, unpublishes or deletes a post, post_tags() names its article,
   the home page and the main feeds ("latest"), its unit, region, category,
   tags, archive (index, year, month) and the sitemaps; every page stored
   under one of those tags, in both languages and on every ?halaman page, is
   dropped once the change is committed. Nothing else is.

Pages kept this way: home, article, unit, region, category, tag, archive,
feeds, sitemaps, robots.txt (PAGE_DEPENDENCIES). Search and other public
pages get the HTTP headers only: a search URL space is endless (every query
and filter) and would push the real pages out of Redis, with few repeats;
its own speed is the search index's (benchmarks/search.py).

A page rendered while a change was being committed must not be stored after
that change's invalidation ran: every invalidation bumps an epoch, read
with the lookup, and a page is stored (atomically, by a Lua script) only if
the epoch has not moved since. A change to the footer's flatpages or social
links drops every page (SITE_TAG). Other things (a unit's profile, award
results, the most-read list) are not tracked: pages expire after
PAGE_CACHE_SECONDS (10 minutes) anyway, and invalidate_tags([SITE_TAG])
drops every page.

Why not Django's cache_page: it keys by Vary headers and the session's
Cookie, runs after the session and auth middleware, pickles a whole
HttpResponse and has no invalidation but expiry.
"""

import hashlib
import logging
import pickle
import re
import time
from functools import cache, partial

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

# Every stored page carries this tag: dropping it empties the page cache.
SITE_TAG = "site"

# The query parameters that change a stored page. Others known to change
# nothing (campaign tags added by social networks) are left out of the key;
# any other parameter sends the request past the cache.
KEY_PARAMS = frozenset({"halaman"})
IGNORED_PARAMS = frozenset({"fbclid", "gclid", "igshid", "ref", "s"})
IGNORED_PREFIXES = ("utm_",)


def _slug(name):
    return lambda kwargs: ["%s:%s" % (name, kwargs["slug"])]


# Public view name (without the namespace) -> the tags of the page it renders.
PAGE_DEPENDENCIES = {
    "home": lambda kwargs: ["latest"],
    "article": _slug("post"),
    "unit": _slug("unit"),
    "region": _slug("region"),
    "category": _slug("category"),
    "tag": _slug("tag"),
    "archive": lambda kwargs: ["archive"],
    "archive_year": lambda kwargs: ["archive:%d" % kwargs["year"]],
    "archive_month": lambda kwargs: [
        "archive:%d-%d" % (kwargs["year"], kwargs["month"])
    ],
    "feed_rss": lambda kwargs: ["latest"],
    "feed_atom": lambda kwargs: ["latest"],
    "unit_feed_rss": _slug("unit"),
    "unit_feed_atom": _slug("unit"),
    "region_feed_rss": _slug("region"),
    "region_feed_atom": _slug("region"),
    "category_feed_rss": _slug("category"),
    "category_feed_atom": _slug("category"),
    "sitemap": lambda kwargs: ["sitemap"],
    "sitemap_section": lambda kwargs: ["sitemap"],
    "robots": lambda kwargs: [],
}


def public_view_name(view_name: str | None) -> str | None:
    """'article' for 'public:article'; None for a page not of the reader's site."""
    if not view_name:
        return None
    if view_name == "home":
        return "home"
    namespace, _sep, name = view_name.rpartition(":")
    return name if namespace == "public" else None


# --- The store ----------------------------------------------------------------

# KEYS: epoch, page, tag sets. ARGV: epoch read with the lookup, page, ttl.
_STORE = """
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
for i = 3, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[2])
  redis.call('EXPIRE', KEYS[i], ARGV[3] * 2)
end
return 1
"""
# KEYS: epoch, tag sets. Returns how many pages were dropped.
_INVALIDATE = """
redis.call('INCR', KEYS[1])
local dropped = 0
for i = 2, #KEYS do
  for _, page in ipairs(redis.call('SMEMBERS', KEYS[i])) do
    dropped = dropped + redis.call('UNLINK', page)
  end
  redis.call('UNLINK', KEYS[i])
end
return dropped
"""


class RedisPageStore:
    """Pages as single Redis strings; per tag, a set of the pages' keys."""

    def __init__(self, *, url: str, prefix: str, ttl: int):
        import redis

        # Short timeouts: with Redis away, pages are rendered, not awaited.
        self.client = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5
        )
        self.errors = (redis.RedisError, OSError)
        self.ttl = ttl
        self.page_prefix = "%s:page:" % prefix
        self.tag_prefix = "%s:page-tag:" % prefix
        self.epoch_key = "%s:page-epoch" % prefix
        self._store = self.client.register_script(_STORE)
        self._invalidate = self.client.register_script(_INVALIDATE)
        self._last_warning = 0.0

    def warn(self, what: str) -> None:
        now = time.monotonic()
        if now - self._last_warning > 60:
            self._last_warning = now
            logger.warning("Page cache unavailable (%s)", what, exc_info=True)

    def lookup(self, key: str):
        """(stored page or None, epoch), or (None, None) if Redis is away."""
        try:
            value, epoch = self.client.mget((self.page_prefix + key, self.epoch_key))
        except self.errors:
            self.warn("lookup")
            return None, None
        return (pickle.loads(value) if value else None), (epoch or b"0")

    def fetch(self, key: str):
        """The stored page or None: the WSGI front's one round trip."""
        try:
            value = self.client.get(self.page_prefix + key)
        except self.errors:
            self.warn("lookup")
            return None
        return pickle.loads(value) if value else None

    def put(self, key: str, entry: tuple, *, tags, epoch: bytes) -> bool:
        keys = [self.epoch_key, self.page_prefix + key]
        keys += [self.tag_prefix + tag for tag in sorted(set(tags))]
        data = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            return bool(self._store(keys=keys, args=[epoch, data, self.ttl]))
        except self.errors:
            self.warn("store")
            return False

    def invalidate(self, tags) -> int:
        keys = [self.epoch_key] + [self.tag_prefix + tag for tag in sorted(tags)]
        try:
            return int(self._invalidate(keys=keys))
        except self.errors:
            logger.error("Page cache: could not drop %s", sorted(tags), exc_info=True)
            return 0

    def clear(self) -> None:
        """Every stored page and tag set (tests, and `invalidate_tags([SITE_TAG])`
        is the production way)."""
        for pattern in (self.page_prefix + "*", self.tag_prefix + "*"):
            for key in self.client.scan_iter(match=pattern, count=1000):
                self.client.unlink(key)


_stores: dict = {}


def page_store() -> RedisPageStore | None:
    """The page cache, or None when it is off (no Redis: the embedded mode)."""
    if not settings.PAGE_CACHE_ENABLED or not settings.REDIS_URL:
        return None
    config = (
        settings.REDIS_URL,
        settings.CACHES["default"].get("KEY_PREFIX", ""),
        settings.PAGE_CACHE_SECONDS,
    )
    store = _stores.get(config)
    if store is None:
        store = _stores[config] = RedisPageStore(
            url=config[0], prefix=config[1] or "portal", ttl=config[2]
        )
    return store


def cache_key(meta: dict, scheme: str) -> str | None:
    """The page's key, or None when its query string may change it otherwise."""
    query = meta.get("QUERY_STRING", "")
    kept = []
    if query:
        for pair in query.split("&"):
            name, _sep, value = pair.partition("=")
            if name in KEY_PARAMS:
                kept.append(pair)
            elif (
                name
                and name not in IGNORED_PARAMS
                and not name.startswith(IGNORED_PREFIXES)
            ):
                return None
        kept.sort()
    return "%s://%s%s?%s" % (
        scheme,
        meta.get("HTTP_HOST") or meta.get("SERVER_NAME", ""),
        meta.get("PATH_INFO", "/"),
        "&".join(kept),
    )


# --- The middleware and the WSGI front -------------------------------------------


@cache
def _personal_cookies() -> tuple[str, ...]:
    # A request with one of these cookies may see a page of its own: a
    # logged-in reader's, or one showing a pending message ("messages":
    # django.contrib.messages' cookie storage).
    return tuple("%s=" % name for name in (settings.SESSION_COOKIE_NAME, "messages"))


@cache
def _file_prefixes() -> tuple[str, ...]:
    return tuple(
        "/" + url.strip("/") + "/"
        for url in (settings.STATIC_URL, settings.MEDIA_URL)
        if url and "://" not in url
    ) + ("/admin/",)


def request_kind(meta: dict) -> str | None:
    """ "anonymous" (the page cache may answer), "personal" (a session or
    message cookie), or None (not a GET/HEAD of a page: left alone)."""
    if meta["REQUEST_METHOD"] not in ("GET", "HEAD"):
        return None
    if meta.get("PATH_INFO", "/").startswith(_file_prefixes()):
        return None
    cookies = meta.get("HTTP_COOKIE", "")
    if cookies and any(name in cookies for name in _personal_cookies()):
        return "personal"
    return "anonymous"


def _permissions_policy(environ, headers):
    from portal.security import DEFAULT_PERMISSIONS_POLICY

    value = getattr(settings, "PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)
    if value and not any(name == "Permissions-Policy" for name, _v in headers):
        return [("Permissions-Policy", value)]
    return []


def _request_id(environ, headers):
    from types import SimpleNamespace

    from django.http.request import HttpHeaders

    from portal.logging import REQUEST_ID_HEADER, request_id_from

    shim = SimpleNamespace(META=environ, headers=HttpHeaders(environ))
    return [(REQUEST_ID_HEADER, request_id_from(shim))]


# What the middleware placed before PageCacheMiddleware adds to its answers
# (they run outside it, so stored pages lack it): the WSGI front, which runs
# none of them, adds the same.
OUTER_MIDDLEWARE_HEADERS = {
    "portal.security.PermissionsPolicyMiddleware": _permissions_policy,
    "portal.logging.RequestIdMiddleware": _request_id,
}


@cache
def _outer_header_makers() -> tuple:
    middleware = list(settings.MIDDLEWARE)
    mine = "%s.%s" % (__name__, PageCacheMiddleware.__name__)
    outer = middleware[: middleware.index(mine)] if mine in middleware else []
    unknown = [path for path in outer if path not in OUTER_MIDDLEWARE_HEADERS]
    if unknown:
        raise ImproperlyConfigured(
            "public.caching's WSGI front does not know what %s adds to a "
            "response: list it in OUTER_MIDDLEWARE_HEADERS or place it after "
            "PageCacheMiddleware." % ", ".join(unknown)
        )
    return tuple(OUTER_MIDDLEWARE_HEADERS[path] for path in outer)


def _outer_headers(environ, headers) -> list:
    return [item for make in _outer_header_makers() for item in make(environ, headers)]


def page_cache_wsgi(application):
    """portal.wsgi's front: answers a stored page before Django builds a
    request (no request object, signals or middleware: the leanest hit).
    Everything else, misses included, goes to `application`, where
    PageCacheMiddleware does the same lookup and stores what it renders."""
    from http import HTTPStatus

    _outer_header_makers()  # a middleware it cannot stand in for fails here
    reasons = {
        status.value: "%d %s" % (status.value, status.phrase) for status in HTTPStatus
    }

    def front(environ, start_response):
        if request_kind(environ) == "anonymous":
            store = page_store()
            if store is not None:
                key = cache_key(environ, request_scheme(environ))
                if key is not None:
                    entry = store.fetch(key)
                    if entry is not None:
                        status, headers, body = answer(environ, entry)
                        headers = [*headers, *_outer_headers(environ, headers)]
                        start_response(reasons[status], headers)
                        return [body]
        return application(environ, start_response)

    return front


# --- The middleware ------------------------------------------------------------


class PageCacheMiddleware:
    """First in MIDDLEWARE: answers anonymous GETs from the page cache, and
    makes the anonymous responses of the reader's site cacheable (module
    docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        kind = request_kind(meta)
        if kind is None:
            return self.get_response(request)
        if kind == "personal":
            return self._personal(request, self.get_response(request))
        store = page_store()
        key = epoch = None
        if store is not None:
            key = cache_key(meta, request_scheme(meta))
            if key is not None:
                entry, epoch = store.lookup(key)
                if entry is not None:
                    return _from_entry(request, entry)
        response = self.get_response(request)
        return self._anonymous(request, response, store, key, epoch)

    def _personal(self, request, response):
        """A reader's own page: never kept by a browser or proxy cache."""
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    def _anonymous(self, request, response, store, key, epoch):
        match = getattr(request, "resolver_match", None)
        name = public_view_name(match.view_name if match else None)
        if name is None or response.streaming:
            return response
        if response.cookies:
            # A public page must not set a cookie (a {% csrf_token %}, a
            # message): keep it out of every cache and say so in the log.
            logger.warning(
                "Public page %s set cookies %s", request.path, sorted(response.cookies)
            )
            return self._personal(request, response)
        cache_control = response.get("Cache-Control", "")
        if "private" in cache_control or "no-store" in cache_control:
            return response
        _drop_vary_cookie(response)
        if not cache_control:
            # Shared caches (nginx, a CDN) keep the page for s-maxage; a
            # browser revalidates every time (max-age=0, answered by a 304 when
            # unchanged), so a reader who has just logged in is never shown
            # the anonymous page it kept, "Masuk" button and all.
            patch_cache_control(
                response,
                public=True,
                max_age=0,
                must_revalidate=True,
                s_maxage=settings.PUBLIC_MAX_AGE,
            )
        if response.status_code != 200:
            etag = last_modified = None
        else:
            if not response.has_header("ETag"):
                response["ETag"] = (
                    '"%s"'
                    % hashlib.md5(response.content, usedforsecurity=False).hexdigest()
                )
            if not response.has_header("Last-Modified"):
                response["Last-Modified"] = http_date()
            etag = response["ETag"]
            last_modified = parse_http_date_safe(response["Last-Modified"])
        rules = PAGE_DEPENDENCIES.get(name)
        if (
            store is not None
            and key is not None
            and rules is not None
            and response.status_code in (200, 404)
        ):
            tags = [SITE_TAG, *rules(match.kwargs), *_linked_post_tags(response)]
            headers = tuple(response.items())
            entry = (response.status_code, headers, response.content, etag)
            store.put(key, (*entry, last_modified), tags=tags, epoch=epoch)
        if request.method == "HEAD":
            # Stored whole for the GETs to come; this answer has no body
            # (its Content-Length stays the GET's, as HTTP allows).
            response.content = b""
        if etag is None:
            return response
        return get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )


def _drop_vary_cookie(response) -> None:
    vary = response.get("Vary")
    if vary:
        kept = [v.strip() for v in vary.split(",") if v.strip().lower() != "cookie"]
        if kept:
            response["Vary"] = ", ".join(kept)
        else:
            del response["Vary"]


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    tag = etag.removeprefix("W/")
    return any(
        candidate.strip().removeprefix("W/") == tag for candidate in header.split(",")
    )


_NOT_MODIFIED_HEADERS = frozenset(
    {"Cache-Control", "Content-Location", "ETag", "Expires", "Last-Modified", "Vary"}
)


def answer(meta: dict, entry) -> tuple[int, tuple, bytes]:
    """(status, headers, body) for a stored page: itself, or a 304 when the
    request's validators match (If-None-Match first, as RFC 9110 says)."""
    status, headers, body, etag, last_modified = entry
    if status == 200:
        none_match = meta.get("HTTP_IF_NONE_MATCH")
        if none_match is not None:
            fresh = _etag_matches(none_match, etag)
        else:
            since = meta.get("HTTP_IF_MODIFIED_SINCE")
            since = parse_http_date_safe(since) if since else None
            fresh = since is not None and last_modified is not None
            fresh = fresh and last_modified <= since
        if fresh:
            kept = tuple(item for item in headers if item[0] in _NOT_MODIFIED_HEADERS)
            return 304, kept, b""
    if meta["REQUEST_METHOD"] == "HEAD":
        return status, headers, b""
    return status, headers, body


def _from_entry(request, entry):
    status, headers, body = answer(request.META, entry)
    if status == 304:
        response = HttpResponseNotModified()
        for name, value in headers:
            response[name] = value
        return response
    return HttpResponse(body, status=status, headers=headers)


def request_scheme(meta: dict) -> str:
    """HttpRequest.scheme from the WSGI environ (the proxy's header first)."""
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    if proxy_header:
        header, secure_value = proxy_header
        value = meta.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return meta.get("wsgi.url_scheme", "http")


_article_link = None


def _linked_post_tags(response) -> list[str]:
    """'post:<slug>' for each article the page links to (cards, related and
    previous/next articles, feed items, sitemap entries)."""
    global _article_link
    if not response.get("Content-Type", "").startswith(
        ("text/html", "application/rss", "application/atom", "application/xml")
    ):
        return []
    if _article_link is None:
        from django.urls import reverse
        from django.utils import translation

        with translation.override(settings.LANGUAGE_CODE):
            sample = reverse("public:article", kwargs={"slug": "SLUG"})
        before, _sep, after = sample.partition("SLUG")
        _article_link = re.compile(
            (re.escape(before) + r"([-a-zA-Z0-9_]+)" + re.escape(after)).encode()
        )
    slugs = set(_article_link.findall(response.content))
    return ["post:%s" % slug.decode() for slug in slugs]


# --- Invalidation ---------------------------------------------------------------


def invalidate_tags(tags) -> int:
    """Drop every stored page with one of these tags; how many were dropped."""
    store = page_store()
    tags = set(tags)
    if store is None or not tags:
        return 0
    return store.invalidate(tags)


def invalidate_on_commit(tags) -> None:
    if page_store() is not None and tags:
        transaction.on_commit(partial(invalidate_tags, frozenset(tags)))


def post_tags(post, *, category_id=None, tag_ids=None) -> set[str]:
    """The tags of every page that shows `post` (or, with category_id and
    tag_ids, the pages that showed it with those)."""
    from django.utils import timezone

    from news.models import Category, Tag
    from units.models import Unit

    tags = {"latest", "sitemap", "archive", "post:%s" % post.slug}
    unit = (
        Unit.objects.select_related("region")
        .only("slug", "region__slug")
        .filter(pk=post.unit_id)
        .first()
    )
    if unit is not None:
        tags.add("unit:%s" % unit.slug)
        if unit.region is not None:
            tags.add("region:%s" % unit.region.slug)
    category_id = post.category_id if category_id is None else category_id
    if category_id is not None:
        slug = Category.objects.filter(pk=category_id).values_list("slug", flat=True)
        tags.update("category:%s" % s for s in slug)
    if tag_ids is None:
        slugs = post.tags.values_list("slug", flat=True)
    else:
        slugs = Tag.objects.filter(pk__in=tag_ids).values_list("slug", flat=True)
    tags.update("tag:%s" % s for s in slugs)
    if post.published_at is not None:
        local = timezone.localtime(post.published_at)
        tags.add("archive:%d" % local.year)
        tags.add("archive:%d-%d" % (local.year, local.month))
    return tags


def on_post_changed(sender, post, **kwargs) -> None:
    """Published, unpublished, republished, featured or unfeatured."""
    if page_store() is not None:
        invalidate_on_commit(post_tags(post))


def on_post_edited(sender, post, previous=None, **kwargs) -> None:
    from news.models import PostStatus

    if page_store() is None or post.status != PostStatus.PUBLISHED:
        return
    tags = post_tags(post)
    previous = previous or {}
    if "category_id" in previous or "tag_ids" in previous:
        tags |= post_tags(
            post,
            category_id=previous.get("category_id") or post.category_id,
            tag_ids=previous.get("tag_ids"),
        )
    invalidate_on_commit(tags)


def on_post_deleting(sender, instance, **kwargs) -> None:
    from news.models import PostStatus

    # pre_delete: its tags and unit are still there to name its pages.
    if page_store() is not None and instance.status == PostStatus.PUBLISHED:
        invalidate_on_commit(post_tags(instance))


def on_footer_changed(sender, instance, **kwargs) -> None:
    """A flatpage or social link of the footer, on every page, changed."""
    if not kwargs.get("raw"):
        invalidate_on_commit({SITE_TAG})


def on_photo_changed(sender, instance, **kwargs) -> None:
    """A photo of a published post added, edited, removed or its renditions
    made: the post's pages show it (article, cards with the cover)."""
    from news.models import Post, PostStatus

    if page_store() is None or kwargs.get("raw") or not instance.post_id:
        return
    post = Post.objects.filter(pk=instance.post_id, status=PostStatus.PUBLISHED).first()
    if post is not None:
        invalidate_on_commit(post_tags(post))
