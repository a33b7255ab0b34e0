"""The portal's URLs for the page-quality tests, plus two things a test needs.

- Media served over HTTP as the production storage (or nginx) serves it:
  Django's own media route exists only with DEBUG on, and the tests run with
  it off; the phone test must download the real renditions.
- The error pages at fixed addresses, through the real handlers, so the
  browser can load each one (Django reaches 400, 403, 429 and 500 only
  when something fails).
"""

from django.conf import settings
from django.urls import path, re_path
from django.views.static import serve

from portal import urls as portal_urls
from portal import views as portal_views


def _server_error(request):
    return portal_views.server_error(request)


urlpatterns = [
    re_path(
        r"^%s(?P<path>.*)$" % settings.MEDIA_URL.lstrip("/"),
        serve,
        {"document_root": settings.MEDIA_ROOT},
    ),
    path("uji-galat/400/", portal_views.bad_request),
    path("uji-galat/403/", portal_views.permission_denied),
    path("uji-galat/429/", portal_views.too_many_requests),
    path("uji-galat/500/", _server_error),
    *portal_urls.urlpatterns,
]

handler400 = portal_urls.handler400
handler403 = portal_urls.handler403
handler404 = portal_urls.handler404
handler500 = portal_urls.handler500
