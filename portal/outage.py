"""A 503 page in the site's style while the database cannot be reached.

PostgreSQL restarting, failing over or refusing connections raises
OperationalError or InterfaceError (django.db's wrappers of psycopg's; a
connection pool that found no connection in time raises OperationalError too).
The visitor gets templates/503.html with Retry-After instead of the 500 page,
so they know it is temporary, and proxies and crawlers retry later. The page
is rendered without the database, the session or any context processor (they
are what fails), like the 500 page.

Two entry points, because Django turns an exception into a response at every
middleware layer: `DatabaseOutageMiddleware.process_exception` for exceptions
raised in views (also with DEBUG on), and `server_error_or_outage`, called by
portal.views.server_error (handler500), for those raised in a middleware
(the session, the second-factor check) when DEBUG is off.

Recovery needs no restart of the web process: the psycopg pool checks each
connection before handing it out (CONN_HEALTH_CHECKS, which Django passes to
the pool as `check`), so the connections broken by the restart are replaced,
not served.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

# Seconds a client should wait; a restart of PostgreSQL takes a few.
RETRY_AFTER_SECONDS = 15

OUTAGE_FALLBACK = (
    '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Layanan sedang dipulihkan</title></head>"
    '<body style="font-family:system-ui,sans-serif;margin:2rem;color:#1d2433">'
    '<h1 style="color:#0b2545">Layanan sedang dipulihkan</h1>'
    "<p>Maaf, portal sedang tidak dapat membuka datanya untuk sementara. Coba "
    'lagi beberapa saat lagi.</p><p><a href="/">Kembali ke beranda</a></p>'
    "</body></html>"
)


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether `exc` (or what it was raised from) says the database is unreachable."""
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def outage_response() -> HttpResponse:
    """The 503 page; never touches the database, never fails."""
    from portal.views import site_logo_url

    try:
        body = loader.get_template("503.html").render(
            {
                "ORGANISATION_NAME": settings.ORGANISATION_NAME,
                "ORGANISATION_SHORT_NAME": settings.ORGANISATION_SHORT_NAME,
                "PARENT_MINISTRY": settings.PARENT_MINISTRY,
                "SITE_LOGO_URL": site_logo_url(),
                "RETRY_AFTER": RETRY_AFTER_SECONDS,
            }
        )
    except Exception:  # noqa: BLE001 - the outage page itself must never fail
        logger.exception("The 503 page could not be rendered")
        body = OUTAGE_FALLBACK
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Never kept by a cache: the next request may well succeed.
    response["Cache-Control"] = "no-store"
    return response


def server_error_or_outage(exc: BaseException | None) -> HttpResponse | None:
    """For handler500: the 503 page when the error is the database's absence."""
    if is_database_outage(exc):
        logger.error("Database unavailable; answered 503")
        return outage_response()
    return None


class DatabaseOutageMiddleware:
    """A view that could not reach the database answers 503, not 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        logger.error(
            "Database unavailable during %s; answered 503",
            request.path,
            exc_info=exception,
        )
        return outage_response()
