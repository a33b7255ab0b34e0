"""Settings for the Ditjenpas news portal: one module, driven by the environment.

With no environment at all the portal runs on an embedded default (SQLite file,
local-memory cache, Celery tasks run in-process, e-mail printed to the console)
so that `make run` needs no server. Setting DATABASE_URL and REDIS_URL gives
the production shape. With DEBUG off, SECRET_KEY and ALLOWED_HOSTS are required.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# An optional .env file for local overrides; never required.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-deploy")
    ALLOWED_HOSTS = env.list(
        "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"]
    )
else:
    # Production secrets have no defaults: refuse to start without them.
    if not env.str("SECRET_KEY", default=""):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    if not env.list("ALLOWED_HOSTS", default=[]):
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal",
    "units",
    "news",
    "awards",
    "public",
    # django.contrib.admin with a site that needs the second factor.
    "units.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    # About, contact and PPID pages, edited by editors (portal.site_pages).
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "axes",
    # Two-step login (units.two_factor): TOTP apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # /health/ (portal.health): its templates.
    "health_check",
]

MIDDLEWARE = [
    # Outermost, so page-cache hits get them too: Permissions-Policy on every
    # response (portal.security), and the request id for the logs and the
    # tasks a request enqueues, echoed as X-Request-ID (portal.logging).
    "portal.security.PermissionsPolicyMiddleware",
    "portal.logging.RequestIdMiddleware",
    # First: answers anonymous readers from the page cache before anything
    # else runs, and makes their responses cacheable (public.caching).
    "public.caching.PageCacheMiddleware",
    # Content-Security-Policy (portal.csp): inside the page cache, so a stored
    # page keeps the header it was rendered with and cache hits send it too.
    "csp.middleware.CSPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PathLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous reads of the reader's site may use the read replica
    # (portal.routers; only with DATABASE_REPLICA_URL).
    "portal.routers.ReplicaReadsMiddleware",
    # request.user.is_verified(); then unverified users needing a second
    # factor are kept on the code step; then the per-address login limit.
    "django_otp.middleware.OTPMiddleware",
    "units.two_factor.SecondFactorMiddleware",
    "units.security.LoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its response.
    "axes.middleware.AxesMiddleware",
    # A view that cannot reach the database answers 503 (portal.outage);
    # process_exception runs innermost first, so this sees it before axes.
    "portal.outage.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.organisation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # psycopg 3's pool keeps connections warm; it replaces CONN_MAX_AGE.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN", default=2),
            "max_size": env.int("DB_POOL_MAX", default=10),
            "timeout": env.int("DB_POOL_TIMEOUT", default=10),
        }
    # With the pool, Django turns this into the pool's `check`: a connection
    # is tested before it is handed out, so after a PostgreSQL restart the
    # broken ones are replaced instead of failing a request each
    # (tests/faults/test_database_restart.py).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
        }
    }
if not DEBUG and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite locks the whole file per write: under several gunicorn workers
    # and the Celery worker it gives "database is locked" errors, and the
    # search, indexes and backups here are PostgreSQL's.
    raise ImproperlyConfigured(
        "SQLite is for development only: set DATABASE_URL to a PostgreSQL "
        "database when DEBUG is off."
    )
# A PostgreSQL streaming replica for the anonymous readers' pages
# (portal.routers): everything else, and every write, uses the primary. In
# tests the replica mirrors the default database.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    for _key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS"):
        if _key in DATABASES["default"]:
            DATABASES["replica"].setdefault(_key, DATABASES["default"][_key])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["portal.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# --- Cache and Celery -------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        }
    }
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    # No broker installed: run tasks in-process so the embedded default works.
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = False

# Rendered pages of the reader's site for anonymous readers (public.caching):
# kept in Redis, dropped precisely when a post changes; this long at most.
# Off without Redis (the embedded mode).
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=bool(REDIS_URL))
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# Cache-Control max-age of anonymous public pages, for browsers and proxies.
PUBLIC_MAX_AGE = env.int("PUBLIC_MAX_AGE", default=60)

CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
# A task is acknowledged only when done, so a worker that dies loses nothing.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when Redis is down, so a request never hangs on .delay();
# the periodic sweepers pick up what was not enqueued. A message taken by a
# worker that died without acknowledging it (SIGKILL, OOM, power) goes back to
# the queue after visibility_timeout seconds; it must stay above the longest
# countdown or ETA (the rendition task's retry backoff reaches 600 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
# .delay() also subscribes to the task's result in Redis; the result backend
# retried that 20 times a second apart, so each enqueue during a Redis outage
# held the request ~20 s (tests/faults/test_redis_outage.py). Fail fast too.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    }
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

# Periodic jobs, all in one place (run by `celery -A portal beat`).
CELERY_BEAT_SCHEDULE = {
    # Every minute: publish posts whose scheduled time has come.
    "publish-scheduled-posts": {
        "task": "news.tasks.publish_due_posts",
        "schedule": 60.0,
    },
    # Every 2 minutes: re-queue photos still missing renditions two minutes
    # after upload (lost tasks, Redis outages, dead workers). Threshold plus
    # interval keep the worst case after Redis returns at 4 minutes
    # (tests/faults/test_redis_outage.py); a run that finds nothing is one query.
    "sweep-missing-renditions": {
        "task": "news.tasks.sweep_missing_renditions",
        "schedule": 120.0,
    },
    # Every 2 minutes: mail about posts that never went out because Redis was
    # down when the decision was committed, or the worker died. Re-queues
    # events still unsettled after two minutes (PostEvent.notified_at); the
    # mail tasks send nothing for an event already settled. At most 4 minutes
    # after Redis returns, as the renditions.
    "resend-pending-notifications": {
        "task": "news.tasks.resend_pending_notifications",
        "schedule": 120.0,
    },
    # Every 2 minutes: queue the checks (news.checks) of submitted posts they
    # never ran on: Redis down at submission, a lost task, posts submitted
    # before the checks existed, a resubmission whose task was lost. Bounded
    # batches (news.checks.SWEEP_BATCH); a run that finds nothing is one query.
    "sweep-unchecked-posts": {
        "task": "news.tasks.sweep_unchecked_posts",
        "schedule": 120.0,
    },
    # Every morning at 07:00 WIB (00:00 UTC): the editors' daily digest (once
    # per editor and day, however often the task runs).
    "send-editor-digest": {
        "task": "news.tasks.send_editor_digest",
        "schedule": crontab(hour=0, minute=0),
    },
    # Every night at 03:00 WIB (20:00 UTC), when hardly anyone writes: delete
    # CKEditor inline images that no saved post took within two days (taken
    # out of the text, or never saved) with their files, so they are not kept
    # forever. Bounded batches; the next night carries on.
    "sweep-orphan-inline-photos": {
        "task": "news.tasks.sweep_orphan_inline_photos",
        "schedule": crontab(hour=20, minute=0),
    },
    # Every 5 minutes: add the reads counted in the cache (the article page's
    # cookieless counter) to Post.read_count for the home page's "Terpopuler";
    # bounded batches, one run at a time (news.services.readcounts).
    "flush-read-counts": {
        "task": "news.tasks.flush_read_counts",
        "schedule": 300.0,
    },
    # Every night at 02:00 WIB (19:00 UTC): recompute the award statistics of
    # every open period from scratch, catching up on anything a debounced
    # per-unit refresh missed (Redis outage, dead worker). Idempotent.
    # Every minute: the worker heartbeat that /health/ checks (portal.health):
    # a worker ran it, so workers consume and beat schedules.
    "worker-heartbeat": {
        "task": "portal.heartbeat",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    "refresh-award-statistics": {
        "task": "awards.tasks.refresh_all_statistics",
        "schedule": crontab(hour=19, minute=0),
    },
}

# /health/ fails when the worker heartbeat is older than this (seconds).
HEALTH_HEARTBEAT_MAX_AGE = env.int("HEALTH_HEARTBEAT_MAX_AGE", default=300)
# Django's LOGGING (below) formats the worker's lines too, as JSON in
# production, instead of Celery replacing the root logger's handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Awards -----------------------------------------------------------------
# A publication asks for a refresh of its unit's statistics this many seconds
# later; approvals of the same unit in between share that one refresh.
AWARDS_REFRESH_DEBOUNCE_SECONDS = env.int("AWARDS_REFRESH_DEBOUNCE_SECONDS", default=30)
# Hours from an incident to its published clarification that count as on time.
CRISIS_RESPONSE_TARGET_HOURS = env.int("CRISIS_RESPONSE_TARGET_HOURS", default=24)
# Posts a social-media account needs in a month to count as consistent.
AWARDS_SOCIAL_MIN_POSTS_PER_MONTH = env.int(
    "AWARDS_SOCIAL_MIN_POSTS_PER_MONTH", default=12
)

# --- E-mail -----------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Humas Ditjenpas <humas@ditjenpas.go.id>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Auth -------------------------------------------------------------------
AUTH_USER_MODEL = "units.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "news:dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins for a locked-out username and IP.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force protection for the site and admin logins (django-axes, a
# maintained Jazzband app, rather than a hand-written counter): after
# AXES_FAILURE_LIMIT wrong passwords for one username from one address, that
# pair waits AXES_COOLOFF_MINUTES; a successful login resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address behind the proxy (units.security.client_ip): the
# proxy's X-Forwarded-For is read only from the addresses listed here, e.g.
# TRUSTED_PROXIES=127.0.0.1 with the shipped nginx. Empty: REMOTE_ADDR.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "units.security.client_ip"
# Password spraying (a few passwords on many usernames) from one address:
# beyond this many failed logins in the window, that address gets a 429.
LOGIN_FAILURES_PER_IP = env.int("LOGIN_FAILURES_PER_IP", default=20)
LOGIN_FAILURE_WINDOW_MINUTES = env.int("LOGIN_FAILURE_WINDOW_MINUTES", default=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.views.login_locked_out"
AXES_VERBOSE = False
# Length and a blocklist, no composition rules (NIST SP 800-63B): at least
# 12 characters, not a common password (Django's list plus Indonesian ones),
# not like the username, name or e-mail address.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "units.passwords.SimilarToAccountValidator"},
    {"NAME": "units.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "units.passwords.CommonPasswordValidator"},
]
# Two-step login (django-otp). The issuer names the account in the app.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Portal Berita Ditjenpas")
# The device admin shows no secrets (keys, recovery codes).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Password-reset requests per hour (units.services.password_reset_request):
# per e-mail address, and per client address, higher since a unit's office
# may sit behind one. Beyond either, the same neutral page and no mail.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int(
    "PASSWORD_RESET_LIMIT_PER_ADDRESS", default=5
)
PASSWORD_RESET_LIMIT_PER_IP = env.int("PASSWORD_RESET_LIMIT_PER_IP", default=20)

# --- Language and time ------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Organisation (settings, not literals: the parent ministry changed in 2024)
ORGANISATION_NAME = env.str(
    "ORGANISATION_NAME", default="Direktorat Jenderal Pemasyarakatan"
)
ORGANISATION_SHORT_NAME = env.str("ORGANISATION_SHORT_NAME", default="Ditjenpas")
PARENT_MINISTRY = env.str(
    "PARENT_MINISTRY", default="Kementerian Imigrasi dan Pemasyarakatan"
)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The logo in the site header: a path under static/ (replace the file, or
# point this at another one), or an absolute URL.
SITE_LOGO = env.str("SITE_LOGO", default="img/logo.svg")

# --- Static and media files -------------------------------------------------
STATIC_URL = "static/"
# collectstatic's output, served by nginx (deploy/nginx.conf) or whitenoise.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
PRIVATE_MEDIA_ROOT = Path(
    env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media"))
)
STORAGES = {
    # Any Django storage by configuration alone, e.g. django-storages' S3:
    # MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage and
    # MEDIA_STORAGE_OPTIONS='{"bucket_name": "berita-media", ...}'.
    "default": {
        "BACKEND": env.str(
            "MEDIA_STORAGE_BACKEND",
            default="django.core.files.storage.FileSystemStorage",
        ),
        "OPTIONS": env.json("MEDIA_STORAGE_OPTIONS", default={}),
    },
    # Never served as files: raw uploads waiting for the worker's clean copy,
    # and the photos of posts that are not published (news.storage,
    # news.views.media serves those to their unit and the newsroom only).
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Media on S3-compatible object storage (django-storages, boto3), for more
# than one web host: MEDIA_S3_BUCKET moves the public media (photos,
# renditions) there, served by MEDIA_CDN_DOMAIN when set (a CDN in front of
# the bucket) as plain URLs with long cache headers. PRIVATE_MEDIA_S3_BUCKET
# moves the private storage to its own bucket with no public access: its
# files are only ever reached through signed URLs that expire in 5 minutes.
# Both need S3_ENDPOINT_URL (MinIO, Ceph, a cloud's S3) and credentials; boto3
# is imported only when one of them is set.
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
PRIVATE_MEDIA_S3_BUCKET = env.str("PRIVATE_MEDIA_S3_BUCKET", default="")
MEDIA_CDN_DOMAIN = env.str("MEDIA_CDN_DOMAIN", default="")
_S3_CONNECTION = {
    "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
    "region_name": env.str("S3_REGION", default="") or None,
    "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
    "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
    # New names for new files (UUIDs): never overwrite one silently.
    "file_overwrite": False,
    # The bucket's own policy decides access; no per-object ACLs.
    "default_acl": None,
}
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_CONNECTION,
            "bucket_name": MEDIA_S3_BUCKET,
            "custom_domain": MEDIA_CDN_DOMAIN or None,
            "querystring_auth": False,
            "object_parameters": {"CacheControl": "public, max-age=2592000"},
        },
    }
    if MEDIA_CDN_DOMAIN:
        MEDIA_URL = "https://%s/" % MEDIA_CDN_DOMAIN
if PRIVATE_MEDIA_S3_BUCKET:
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_CONNECTION,
            "bucket_name": PRIVATE_MEDIA_S3_BUCKET,
            "custom_domain": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }
# Photos of posts that are not published live in the private storage and
# move to the public one at publication (news.storage.PhotoStorage wraps both;
# news.services.photo_files moves them).
STORAGES["public"] = STORAGES["default"]
STORAGES["default"] = {"BACKEND": "news.storage.PhotoStorage"}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Photos: limits checked before anything is decoded.
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=20 * 1024 * 1024)
PHOTO_MAX_PIXELS_JPEG = env.int("PHOTO_MAX_PIXELS_JPEG", default=100_000_000)
PHOTO_MAX_PIXELS_OTHER = env.int("PHOTO_MAX_PIXELS_OTHER", default=50_000_000)
# Uploads up to this many pixels get their clean copy in the request (a few
# tens of ms); larger ones wait in the private storage for the worker
# (news.services.photos.photo_upload, benchmarks/uploads.py).
PHOTO_WEB_CLEAN_MAX_PIXELS = env.int("PHOTO_WEB_CLEAN_MAX_PIXELS", default=2_000_000)
# Upload throttles (HTTP 429 beyond; 0 switches one off): photos per account
# and per unit in any hour, and bytes per unit in any 24 hours.
PHOTO_UPLOADS_PER_USER_PER_HOUR = env.int("PHOTO_UPLOADS_PER_USER_PER_HOUR", default=60)
PHOTO_UPLOADS_PER_UNIT_PER_HOUR = env.int(
    "PHOTO_UPLOADS_PER_UNIT_PER_HOUR", default=150
)
PHOTO_UPLOAD_BYTES_PER_UNIT_PER_DAY = env.int(
    "PHOTO_UPLOAD_BYTES_PER_UNIT_PER_DAY", default=2 * 1024 * 1024 * 1024
)
# Address space a Celery worker child may add to what it has mapped at start
# (RLIMIT_AS, portal.celery): a photo that needs more fails with MemoryError
# instead of drawing the kernel's OOM killer. 0 switches it off.
WORKER_MEMORY_BUDGET_MB = env.int("WORKER_MEMORY_BUDGET_MB", default=1536)
# Threads per rendition task (WebP and JPEG encoded side by side). A worker
# runs one task per core already, so one thread avoids oversubscribing them;
# 2 lowers a single photo's latency on an idle machine (benchmarks/).
PHOTO_RENDITION_THREADS = env.int("PHOTO_RENDITION_THREADS", default=1)
# Submissions a unit may send per hour before it gets a 429.
SUBMISSIONS_PER_UNIT_PER_HOUR = env.int("SUBMISSIONS_PER_UNIT_PER_HOUR", default=20)
# Hours a submission may wait for the editors before the queue marks it overdue.
REVIEW_TARGET_HOURS = env.int("REVIEW_TARGET_HOURS", default=24)
# Content checks (news.checks.content): shown to the contributor while they
# write and to the editors as flags; they warn, they never block.
CONTENT_TITLE_MIN_CHARS = env.int("CONTENT_TITLE_MIN_CHARS", default=20)
CONTENT_TITLE_MAX_CHARS = env.int("CONTENT_TITLE_MAX_CHARS", default=120)
CONTENT_LEAD_MIN_CHARS = env.int("CONTENT_LEAD_MIN_CHARS", default=60)
CONTENT_LEAD_MAX_CHARS = env.int("CONTENT_LEAD_MAX_CHARS", default=300)
CONTENT_BODY_MIN_CHARS = env.int("CONTENT_BODY_MIN_CHARS", default=600)
CONTENT_ALT_MIN_CHARS = env.int("CONTENT_ALT_MIN_CHARS", default=15)
CONTENT_STALE_DAYS = env.int("CONTENT_STALE_DAYS", default=14)

# --- Security ---------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# An Indonesian page in the site's layout instead of Django's English one.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Content-Security-Policy on every response (portal/csp.py says why each
# directive); CSP_REPORT_ONLY=true sends it as Report-Only for a rollout.
from portal.csp import directives as _csp_directives  # noqa: E402
from portal.csp import style_hashes as _csp_style_hashes  # noqa: E402
from portal.csp import style_sources as _csp_style_sources  # noqa: E402

_CSP = {
    "DIRECTIVES": _csp_directives(
        media_urls=[MEDIA_URL, env.str("S3_ENDPOINT_URL", default="")]
        if MEDIA_S3_BUCKET or PRIVATE_MEDIA_S3_BUCKET
        else [MEDIA_URL],
        extra_img_src=env.list("CSP_EXTRA_IMG_SRC", default=[]),
        style_hashes=_csp_style_hashes(_csp_style_sources(BASE_DIR)),
        report_uri=env.str("CSP_REPORT_URI", default=""),
    )
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Behind a TLS-terminating proxy the redirect is done there; keep it
    # configurable, but on by default.
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
    )
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not env.bool("SECURE_SSL_REDIRECT", default=True):
        # The proxy redirects to HTTPS; tell `check --deploy` so.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]

# --- Logging ----------------------------------------------------------------
# One JSON object per line in production (DEBUG off, or LOG_FORMAT=json),
# each with the request id that also reaches the Celery tasks the request
# enqueued (portal.logging); plain lines in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
from portal.logging import logging_config  # noqa: E402

LOGGING = logging_config(
    json_lines=LOG_FORMAT == "json",
    level=env.str("LOG_LEVEL", default="INFO"),
    worker_info=bool(REDIS_URL),
)

# Logged once at start-up by portal.apps.PortalConfig.
EMBEDDED_MODE = not DATABASE_URL and not REDIS_URL
