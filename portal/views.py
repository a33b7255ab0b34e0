"""Views that span the apps: the error pages and the login lockout.

Every error page is Indonesian, in the site's layout (templates/error_base.html,
except the self-contained 500.html), and says what happened and where to go
next, never a stack trace. They are wired
as Django's handler400/403/404/500 in portal/urls.py and as CSRF_FAILURE_VIEW;
Django calls them only when DEBUG is off.
"""

import logging
import sys

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import REASON_NO_CSRF_COOKIE, REASON_NO_REFERER
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

# The last resort when even the 500 template cannot be rendered (a broken
# template, a missing static manifest): plain HTML with no template at all.
SERVER_ERROR_FALLBACK = (
    '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Terjadi kesalahan pada server</title></head>"
    '<body style="font-family:system-ui,sans-serif;margin:2rem;color:#1d2433">'
    '<h1 style="color:#0b2545">Terjadi kesalahan pada server</h1>'
    "<p>Maaf, halaman ini tidak dapat ditampilkan sekarang. Coba lagi beberapa "
    'saat lagi.</p><p><a href="/">Kembali ke beranda</a></p></body></html>'
)


@requires_csrf_token
def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


@requires_csrf_token
def permission_denied(request, exception=None):
    # The exception's message is for the log, not for the visitor.
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request=None):
    """The 500 page, rendered with no request context and no database.

    Whatever failed (the database, a context processor, the session) may fail
    again, so the template gets only values read from settings, and a page
    with no template at all if even that breaks. A database that cannot be
    reached gets the 503 page instead (portal.outage).
    """
    from portal.outage import server_error_or_outage

    outage = server_error_or_outage(sys.exc_info()[1])
    if outage is not None:
        return outage
    try:
        context = {
            "ORGANISATION_NAME": settings.ORGANISATION_NAME,
            "ORGANISATION_SHORT_NAME": settings.ORGANISATION_SHORT_NAME,
            "PARENT_MINISTRY": settings.PARENT_MINISTRY,
            "SITE_LOGO_URL": site_logo_url(),
        }
        body = loader.get_template("500.html").render(context)
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        logger.exception("The 500 page could not be rendered")
        body = SERVER_ERROR_FALLBACK
    return HttpResponse(body, status=500)


@requires_csrf_token
def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token: usually an expired page."""
    return render(
        request,
        "403_csrf.html",
        {
            "no_cookie": reason == REASON_NO_CSRF_COOKIE,
            "no_referer": reason == REASON_NO_REFERER,
        },
        status=403,
    )


def too_many_requests(
    request, *, heading=None, explanation=None, retry_after_seconds=None, extra=None
):
    """The shared 429 page: what was refused, and when to try again."""
    context = {"heading": heading, "explanation": explanation, **(extra or {})}
    response = render(request, "429.html", context, status=429)
    if retry_after_seconds:
        response["Retry-After"] = str(int(retry_after_seconds))
    return response


def login_locked_out(request, credentials=None, *args, **kwargs):
    """django-axes' lockout response: the shared 429 page."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = seconds // 60
    return too_many_requests(
        request,
        heading=_("Terlalu banyak percobaan masuk"),
        explanation=_(
            "Kata sandi untuk akun ini salah beberapa kali berturut-turut, jadi "
            "akun ini dikunci sementara dari alamat Anda. Coba lagi dalam "
            "%(minutes)s menit."
        )
        % {"minutes": minutes},
        retry_after_seconds=seconds,
        extra={"login_locked": True},
    )


def site_logo_url() -> str:
    """settings.SITE_LOGO as a URL: a static path, or an absolute URL as is."""
    logo = settings.SITE_LOGO
    if logo.startswith(("http://", "https://", "/")):
        return logo
    return static(logo)


@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico for clients that ask the root (feed readers, old browsers).

    A temporary redirect: the target's hashed name changes with the icon.
    """
    return HttpResponseRedirect(static("img/favicon.ico"))
