"""The test suite's settings: the production shape on local services.

PostgreSQL and Redis on localhost unless DATABASE_URL / REDIS_URL say otherwise;
a real Celery worker is started by the tests (see tests/conftest.py).
"""

import os
import tempfile

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")

from portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="portal-media-"))  # noqa: F405
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="portal-private-"))  # noqa: F405
STORAGES["private"]["OPTIONS"]["location"] = str(PRIVATE_MEDIA_ROOT)  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = "portal-test"  # noqa: F405
# The page cache is on only in the tests that are about it
# (tests/public/test_caching.py): elsewhere a page stored by one test would be
# served to the next, whose rows were rolled back without any signal.
PAGE_CACHE_ENABLED = False
