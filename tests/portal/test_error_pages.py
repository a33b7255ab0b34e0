"""Error pages with DEBUG off: Indonesian, in the site's layout, no stack trace.

This module is also the URLconf of its tests: the portal's own URLs and
handlers, plus views that fail on purpose.
"""

from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.template import loader
from django.test import Client
from django.urls import path, reverse

from news.models import PostStatus
from portal import views as portal_views
from portal.urls import handler400, handler403, handler404, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns
from tests.factories import PostFactory, UserFactory

SECRET = "rahasia-internal-jangan-tampil"


def raise_bad_request(request):
    raise BadRequest(SECRET)


def raise_suspicious(request):
    raise SuspiciousOperation(SECRET)


def raise_permission_denied(request):
    raise PermissionDenied(SECRET)


def raise_not_found(request):
    raise Http404(SECRET)


def raise_server_error(request):
    raise RuntimeError(SECRET)


def rate_limited(request):
    return portal_views.too_many_requests(request)


urlpatterns = [
    path("uji/400/", raise_bad_request),
    path("uji/400-curiga/", raise_suspicious),
    path("uji/403/", raise_permission_denied),
    path("uji/404/", raise_not_found),
    path("uji/500/", raise_server_error),
    path("uji/429/", rate_limited),
    *portal_urlpatterns,
]


@pytest.fixture(autouse=True)
def production_errors(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


def assert_site_page(response, *, status, heading):
    """The page a visitor sees: status, Indonesian heading, layout, no leak."""
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="id">' in page
    assert '<header class="site-header">' in page
    assert 'class="brand-logo"' in page
    assert "Berita Pemasyarakatan" in page
    assert '<h1 id="judul-galat">%s</h1>' % heading in page
    assert 'href="/">Kembali ke beranda</a>' in page
    assert SECRET not in page
    assert "Traceback" not in page
    for english in ("Not Found", "Forbidden", "Server Error", "Bad Request"):
        assert english not in page
    return page


def uses_site_layout(response):
    names = {template.name for template in response.templates}
    return {"base.html", "error_base.html"} <= names


@pytest.mark.parametrize("url", ["/uji/400/", "/uji/400-curiga/"])
def test_bad_request_page(anonymous, db, url):
    response = anonymous.get(url)

    page = assert_site_page(
        response, status=400, heading="Permintaan tidak dapat diproses"
    )
    assert uses_site_layout(response)
    assert "Periksa kembali alamat halaman" in page


def test_a_request_for_an_unknown_host_gets_the_400_page(anonymous, db):
    response = anonymous.get("/", headers={"host": "bukan-situs-kami.example"})

    assert_site_page(response, status=400, heading="Permintaan tidak dapat diproses")


def test_permission_denied_page_for_a_visitor_offers_the_login(anonymous, db):
    response = anonymous.get("/uji/403/")

    page = assert_site_page(response, status=403, heading="Akses ditolak")
    assert uses_site_layout(response)
    assert "Anda tidak memiliki hak untuk membuka halaman ini." in page
    assert 'href="/masuk/?next=/uji/403/"' in page


def test_permission_denied_page_names_the_signed_in_account(db):
    user = UserFactory(username="humas.lapas")
    client = Client(raise_request_exception=False)
    client.force_login(user)

    page = assert_site_page(
        client.get("/uji/403/"), status=403, heading="Akses ditolak"
    )
    assert "Anda masuk sebagai humas.lapas" in page
    assert "?next=" not in page


@pytest.mark.parametrize("url", ["/halaman-yang-tidak-ada/", "/uji/404/"])
def test_not_found_page(anonymous, db, url):
    response = anonymous.get(url)

    page = assert_site_page(response, status=404, heading="Halaman tidak ditemukan")
    assert uses_site_layout(response)
    assert "Halaman yang Anda cari tidak ada" in page


def test_an_unpublished_article_is_the_404_page(anonymous, db):
    post = PostFactory(status=PostStatus.DRAFT)

    response = anonymous.get(reverse("public:article", args=[post.slug]))

    assert_site_page(response, status=404, heading="Halaman tidak ditemukan")


def test_server_error_page(anonymous, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = anonymous.get("/uji/500/")

    page = assert_site_page(
        response, status=500, heading="Terjadi kesalahan pada server"
    )
    # Self-contained: its own styles, nothing that needs a request.
    assert response.templates == [] or "base.html" not in {
        t.name for t in response.templates
    }
    assert "<style>" in page
    assert "Coba muat ulang halaman beberapa saat lagi." in page
    assert django_settings.ORGANISATION_NAME in page


def test_the_500_template_renders_with_no_context_at_all():
    page = loader.get_template("500.html").render()

    assert "Terjadi kesalahan pada server" in page
    assert 'href="/"' in page
    assert '<span class="brand-mark" aria-hidden="true">PAS</span>' in page


def test_the_500_view_needs_no_request_and_survives_a_broken_template():
    assert portal_views.server_error(None).status_code == 500

    with mock.patch.object(
        portal_views.loader, "get_template", side_effect=RuntimeError("rusak")
    ):
        response = portal_views.server_error(None)

    assert response.status_code == 500
    page = response.content.decode()
    assert "Terjadi kesalahan pada server" in page
    assert '<a href="/">Kembali ke beranda</a>' in page


def test_csrf_failure_page(db):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)

    response = client.post("/masuk/", {"username": "a", "password": "b"})

    page = assert_site_page(
        response, status=403, heading="Formulir tidak dapat dikirim"
    )
    assert uses_site_layout(response)
    assert "403_csrf.html" in {t.name for t in response.templates}
    assert "tanda pengamannya tidak cocok" in page
    # No cookie came with the form: the page says what to allow.
    assert "Browser Anda tidak mengirim cookie untuk situs ini." in page
    assert "CSRF verification failed" not in page


def test_csrf_failure_is_the_configured_view():
    assert django_settings.CSRF_FAILURE_VIEW == "portal.views.csrf_failure"


def test_generic_too_many_requests_page(anonymous, db):
    response = anonymous.get("/uji/429/")

    page = assert_site_page(response, status=429, heading="Terlalu banyak permintaan")
    assert uses_site_layout(response)
    assert "Tunggu sebentar, lalu coba lagi." in page


def test_login_lockout_uses_the_shared_429_page(anonymous, db, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = anonymous.post(
            "/masuk/", {"username": user.username, "password": "salah"}
        )

    page = assert_site_page(
        response, status=429, heading="Terlalu banyak percobaan masuk"
    )
    assert "429.html" in {t.name for t in response.templates}
    assert "Coba lagi dalam 15 menit." in page
    assert response["Retry-After"] == str(15 * 60)


def test_submission_rate_limit_uses_the_shared_429_page(db, settings):
    settings.SUBMISSIONS_PER_UNIT_PER_HOUR = 0
    post = PostFactory(status=PostStatus.DRAFT)
    client = Client(raise_request_exception=False)
    client.force_login(post.author)

    response = client.post(reverse("news:submit", args=[post.pk]))

    page = assert_site_page(
        response, status=429, heading="Batas pengiriman per jam tercapai"
    )
    assert "terlalu banyak berita dalam satu jam terakhir" in page
    assert 'href="%s"' % reverse("news:post", args=[post.pk]) in page


# --- Favicon and logo ----------------------------------------------------------


def test_favicon_is_linked_and_served_at_the_root(anonymous, db):
    page = anonymous.get("/").content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg" type="image/svg+xml"' in page
    assert 'href="/static/img/favicon-32.png" sizes="32x32"' in page

    response = anonymous.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.ico"


def test_the_header_shows_the_logo_named_in_settings(anonymous, db, settings):
    page = anonymous.get("/").content.decode()
    assert '<img class="brand-logo" src="/static/img/logo.svg"' in page

    settings.SITE_LOGO = "https://cdn.example.go.id/logo-baru.png"
    page = anonymous.get("/").content.decode()
    assert '<img class="brand-logo" src="https://cdn.example.go.id/logo-baru.png"' in (
        page
    )
