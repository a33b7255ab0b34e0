"""
WSGI config for portal project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

# The page cache's hit path runs in front of Django (public.caching): a stored
# page for an anonymous reader is answered before a request object exists.
from public.caching import page_cache_wsgi  # noqa: E402 - after Django's setup

application = page_cache_wsgi(get_wsgi_application())
