"""The site's own pages (about, contact, PPID): django.contrib.flatpages.

Editors write them in the admin with URLs under /halaman/ (portal.site_pages);
this view hands /halaman/<url> to the flatpages view with that prefix, so
FlatPage.get_absolute_url (the admin's "view on site") gives the same URL.
"""

from django.contrib.flatpages.views import flatpage
from django.views.decorators.http import require_safe

from portal.site_pages import PAGES_PREFIX


@require_safe
def site_page(request, url: str):
    return flatpage(request, PAGES_PREFIX + url)
