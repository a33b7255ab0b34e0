"""Content-Security-Policy (portal/csp.py) on every kind of response.

This module is also the URLconf of its tests: the portal's own URLs, plus a
view that fails on purpose and the file view that serves media in
development (django.views.static.serve).
"""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone
from django.views.static import serve

from news.models import PostStatus
from portal.csp import directives
from portal.urls import handler400, handler403, handler404, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns
from public.caching import page_store
from tests.factories import (
    AdministratorFactory,
    PostFactory,
    UnitFactory,
    UserFactory,
)


def raise_server_error(request):
    raise RuntimeError("gagal dengan sengaja")


urlpatterns = [
    path("uji/500/", raise_server_error),
    path("uji/media/<path:path>", serve, {"document_root": "/nonexistent"}),
    *portal_urlpatterns,
]

HEADER = "Content-Security-Policy"


@pytest.fixture(autouse=True)
def production(settings, tmp_path):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    settings.PAGE_CACHE_ENABLED = True
    # The development media view over a real file.
    (tmp_path / "foto.txt").write_text("isi berkas")
    urlpatterns[1].default_args["document_root"] = str(tmp_path)
    store = page_store()
    store.clear()
    yield
    store.clear()


@pytest.fixture
def post(db):
    unit = UnitFactory()
    return PostFactory(
        unit=unit,
        author=UserFactory(unit=unit),
        status=PostStatus.PUBLISHED,
        published_at=timezone.now() - timedelta(minutes=5),
    )


def assert_policy(response):
    policy = response[HEADER]
    parts = {item.split()[0]: item.split()[1:] for item in policy.split("; ") if item}
    assert parts["script-src"] == ["'self'"], policy
    assert "'unsafe-inline'" not in parts["script-src"]
    assert parts["object-src"] == ["'none'"]
    assert parts["base-uri"] == ["'self'"]
    assert parts["form-action"] == ["'self'"]
    assert parts["frame-ancestors"] == ["'none'"]
    assert parts["connect-src"] == ["'self'"]
    assert parts["img-src"][:2] == ["'self'", "data:"]
    return parts


def _contributor_client(post):
    client = Client()
    client.force_login(post.author)
    return client


def _admin_client():
    client = Client()
    client.force_login(AdministratorFactory())
    return client


KINDS = {
    "public home": lambda post: (Client(), reverse("home")),
    "public article": lambda post: (
        Client(),
        reverse("public:article", kwargs={"slug": post.slug}),
    ),
    "contributor dashboard": lambda post: (
        _contributor_client(post),
        reverse("news:dashboard"),
    ),
    "contributor post form": lambda post: (
        _contributor_client(post),
        reverse("news:create"),
    ),
    "admin index": lambda post: (_admin_client(), reverse("admin:index")),
    "admin post list": lambda post: (
        _admin_client(),
        reverse("admin:news_post_changelist"),
    ),
    "login": lambda post: (Client(), reverse("login")),
    "404": lambda post: (Client(), "/tidak-ada-halaman-ini/"),
    "500": lambda post: (Client(raise_request_exception=False), "/uji/500/"),
    "health": lambda post: (Client(), reverse("health")),
    "favicon": lambda post: (Client(), "/favicon.ico"),
    "media file view": lambda post: (Client(), "/uji/media/foto.txt"),
    "robots.txt": lambda post: (Client(), reverse("public:robots")),
    "rss feed": lambda post: (Client(), reverse("public:feed_rss")),
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_response_carries_the_policy(kind, post):
    client, url = KINDS[kind](post)

    response = client.get(url)

    assert response.status_code < 600
    assert_policy(response)
    if kind == "500":
        assert response.status_code == 500
    if kind == "404":
        assert response.status_code == 404


def test_a_page_served_from_the_page_cache_keeps_the_policy(post):
    url = reverse("public:article", kwargs={"slug": post.slug})
    first = Client().get(url)

    second = Client().get(url)

    assert first.status_code == second.status_code == 200
    # The second answer came from Redis, headers and all.
    assert second.content == first.content
    assert second[HEADER] == first[HEADER]
    assert_policy(second)


def test_the_wsgi_front_sends_the_stored_policy(post):
    """portal.wsgi answers a hit before Django runs any middleware: the
    header stored with the page is what it sends."""
    from portal.wsgi import application

    url = reverse("public:article", kwargs={"slug": post.slug})
    stored = Client().get(url)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": url,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(application(environ, start_response))

    assert seen["status"] == "200 OK"
    assert body == stored.content
    assert seen["headers"][HEADER] == stored[HEADER]


def test_report_only_mode_sends_the_same_policy_without_enforcing(settings, db):
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = policy

    response = Client().get(reverse("login"))

    assert not response.has_header(HEADER)
    assert "script-src 'self'" in response[HEADER + "-Report-Only"]


def test_media_on_a_cdn_is_allowed_as_images():
    policy = directives(media_urls=["https://cdn.example.org/", "media/"])

    assert policy["img-src"] == ["'self'", "data:", "https://cdn.example.org"]
    assert "'unsafe-inline'" not in policy["script-src"]


def test_no_template_has_an_inline_script_or_handler():
    """What the policy would block, caught before a browser sees it: every
    <script> has a src or is JSON data, and no element has an on*= handler
    or a javascript: URL."""
    import re

    problems = []
    for template in Path(django_settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/ld+json" not in tag:
                problems.append("%s: %s" % (template, tag))
        if re.search(r"<[^>]+\son[a-z]+\s*=", text):
            problems.append("%s: on*= handler" % template)
        if "javascript:" in text:
            problems.append("%s: javascript: URL" % template)
    assert problems == []


def _style_elem(response) -> list[str]:
    return assert_policy(response)["style-src-elem"]


def test_the_self_contained_pages_keep_their_styles(db):
    """500 and 503 cannot link a static file: their <style> block is allowed
    by its hash, taken from the template, so it still applies."""
    from portal.csp import STYLE_BLOCK, style_hash
    from portal.outage import outage_response

    error = Client(raise_request_exception=False).get("/uji/500/")
    outage = outage_response()
    allowed = _style_elem(error)

    for response in (error, outage):
        blocks = STYLE_BLOCK.findall(response.content.decode())
        assert blocks, response
        for css in blocks:
            assert style_hash(css) in allowed


def test_the_health_page_keeps_its_style(db):
    from portal.csp import STYLE_BLOCK, style_hash

    response = Client().get(reverse("health"), headers={"accept": "text/html"})

    blocks = STYLE_BLOCK.findall(response.content.decode())
    for css in blocks:
        assert style_hash(css) in _style_elem(response)


def test_an_injected_style_element_is_not_allowed(db):
    """Only static files and the hashed blocks: no 'unsafe-inline' for
    <style> elements (attributes keep it, see portal/csp.py)."""
    response = Client().get(reverse("login"))
    parts = assert_policy(response)

    assert "'unsafe-inline'" not in parts["style-src-elem"]
    assert parts["style-src-attr"] == ["'unsafe-inline'"]


def test_no_template_has_a_style_block_but_the_self_contained_pages():
    allowed = {"_standalone_error.html"}  # 500.html and 503.html extend it
    found = [
        template.name
        for template in Path(django_settings.BASE_DIR, "templates").rglob("*.html")
        if "<style" in template.read_text() and template.name not in allowed
    ]
    assert found == []


# --- The browser listener (tests/conftest.py) ---------------------------------

POLICY_PAGE = "http://csp.test/"


def _serve(page, html):
    from csp.utils import build_policy

    page.route(
        POLICY_PAGE,
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={HEADER: build_policy()},
            body=html,
        ),
    )
    page.goto(POLICY_PAGE)


@pytest.mark.browser
@pytest.mark.csp_violations_allowed
def test_the_listener_catches_an_inline_script_the_policy_refuses(page, csp_violations):
    _serve(page, "<!doctype html><title>x</title><script>document.title='y'</script>")

    assert page.title() == "x"
    assert any("Content Security Policy" in text for text in csp_violations)


@pytest.mark.browser
def test_json_data_and_json_ld_are_not_violations(page, csp_violations):
    _serve(
        page,
        '<!doctype html><title>x</title><script type="application/ld+json">'
        '{"@type": "NewsArticle"}</script>'
        '<script type="application/json" id="d">{"a": 1}</script>',
    )

    assert page.title() == "x"
    assert csp_violations == []
