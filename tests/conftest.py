"""Suite-wide fixtures: service checks, the real Celery worker, factories."""

import os

import pytest

# Playwright's sync API runs an event loop; Django's live server is fine with it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _service_problems() -> list[str]:
    """One line per missing service, naming it and how to start it."""
    import psycopg
    import redis
    from django.conf import settings

    problems = []
    db = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=db.get("HOST") or "127.0.0.1",
            port=db.get("PORT") or 5432,
            user=db.get("USER") or "postgres",
            password=db.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        problems.append(
            "PostgreSQL is not reachable at %s:%s (%s). Start it with: "
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
            % (db.get("HOST"), db.get("PORT"), str(exc).strip().splitlines()[0])
        )
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        problems.append(
            "Redis is not reachable at %s (%s). Start it with: redis-server "
            '--daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
            % (settings.REDIS_URL, exc)
        )
    return problems


def pytest_configure(config):
    from django.conf import settings

    if not settings.IS_POSTGRES or not settings.REDIS_URL:
        pytest.exit(
            "The suite needs PostgreSQL and Redis: DATABASE_URL and REDIS_URL must "
            "point at them (portal/test_settings.py sets localhost defaults).",
            returncode=3,
        )
    problems = _service_problems()
    if problems:
        pytest.exit("\n".join(problems), returncode=3)


@pytest.fixture(scope="session", autouse=True)
def _fresh_cache():
    """Start from an empty page cache: keys left by an earlier run in the same
    Redis database (e.g. the awards' per-unit debounce keys, which name unit ids
    that a new test database hands out again) must not change this run's
    results. Only the cache's own keys go; the Celery broker's stay."""
    import redis
    from django.conf import settings

    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(match="%s:*" % prefix, count=1000):
        client.delete(key)


# Reference data that data migrations load. A transactional test ends with a
# flush that empties every table, so later tests would find no regions, groups
# or categories; the same migration functions put them back.
REFERENCE_DATA_LOADERS = [
    ("units.migrations.0002_regions", "load_regions"),
    ("units.migrations.0003_role_groups", "create_role_groups"),
    ("news.migrations.0002_seed_categories_and_permissions", "seed_categories"),
    ("news.migrations.0002_seed_categories_and_permissions", "grant_permissions"),
    ("news.migrations.0013_checks_and_read_count", "add_initial_reasons"),
    (
        "awards.migrations.0002_categories_and_2024_winners",
        "load_categories_and_history",
    ),
    ("awards.migrations.0003_editor_permissions", "grant_permissions"),
]


def _uses_database(request) -> bool:
    return bool(
        request.node.get_closest_marker("django_db")
        or {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _reference_data(request):
    if not _uses_database(request):
        return
    request.getfixturevalue("_django_db_helper")
    from importlib import import_module

    from django.apps import apps

    from units.models import Region

    if Region.objects.exists():
        return
    for module_name, function_name in REFERENCE_DATA_LOADERS:
        getattr(import_module(module_name), function_name)(apps, None)


# Set once the session's worker thread runs (celery_worker_session).
_WORKER_STARTED = False


@pytest.fixture(scope="session")
def celery_worker_session(django_db_setup, django_db_blocker):
    """A real Celery worker (solo pool, in a thread) consuming from Redis.

    Tests that use it must be django_db(transaction=True): the worker thread
    opens its own database connection and must see committed rows.
    """
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    global _WORKER_STARTED
    _WORKER_STARTED = True
    app.control.purge()
    with (
        django_db_blocker.unblock(),
        start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as worker,
    ):
        yield worker


@pytest.fixture
def celery_worker(celery_worker_session, transactional_db):
    return celery_worker_session


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server", "celery_worker"}
        & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _worker_idle_before_flush(request):
    """A transactional test ends with a TRUNCATE of every table. The session's
    worker thread may still be running a task that this test enqueued (any
    photo upload or submission does, with or without the `celery_worker`
    fixture), and a task reading rows while the tables are truncated
    deadlocks the flush. So, before the flush: drop what is still queued and
    wait for the task in hand to finish."""
    if not _is_transactional(request):
        yield
        return
    # Set up (or look up) the database helper first, so that this fixture's
    # teardown runs before its flush.
    request.getfixturevalue("_django_db_helper")
    yield
    if not _WORKER_STARTED:
        return
    import time

    from celery.worker import state

    from portal.celery import app

    app.control.purge()
    deadline = time.monotonic() + 30
    while state.reserved_requests and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def unit(db):
    from tests.factories import UnitFactory

    return UnitFactory()


@pytest.fixture
def other_unit(db):
    from tests.factories import UnitFactory

    return UnitFactory()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Every browser test drives Debian's Chromium; no browser is downloaded."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def _staff_force_login_verified(monkeypatch):
    """client.force_login(staff) also passes the second factor (a TOTP device,
    the session verified as django_otp.login does), so tests of other things
    keep using the admin; tests of the check use
    tests.two_factor.force_login_unverified. See tests/two_factor.py."""
    from django.test import Client

    from tests.two_factor import force_login_verified

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture(autouse=True)
def _fresh_login_failure_count():
    """The per-address count of failed logins (units.security) lives in Redis
    for 15 minutes: the test client's address must not carry one test's
    wrong passwords into the next."""
    from django.core.cache import cache

    cache.delete("login-failures:ip:127.0.0.1")


# --- Content-Security-Policy violations fail browser tests ------------------
CSP_MESSAGE_MARKERS = ("Content Security Policy", "Refused to")


@pytest.fixture(autouse=True)
def csp_violations(request, monkeypatch):
    """Every Playwright page a test opens (pytest-playwright's `page`, or its
    own browser.new_context()/new_page()) reports console messages and page
    errors here; one that says the Content-Security-Policy refused something
    (portal/csp.py) fails the test at teardown. A test about the listener
    itself marks `csp_violations_allowed` and reads the returned list."""
    violations: list[str] = []
    try:
        from playwright.sync_api._generated import Browser
    except ImportError:  # pragma: no cover - playwright is in requirements-dev
        yield violations
        return

    def note(where, text):
        if any(marker in text for marker in CSP_MESSAGE_MARKERS):
            violations.append("%s: %s" % (where, text))

    def watch(target, error_event):
        target.on("console", lambda message: note("console", message.text))
        target.on(error_event, lambda error: note(error_event, str(error)))

    new_context, new_page = Browser.new_context, Browser.new_page

    def watched_context(self, *args, **kwargs):
        context = new_context(self, *args, **kwargs)
        watch(context, "weberror")
        return context

    def watched_page(self, *args, **kwargs):
        page = new_page(self, *args, **kwargs)
        watch(page, "pageerror")
        return page

    monkeypatch.setattr(Browser, "new_context", watched_context)
    monkeypatch.setattr(Browser, "new_page", watched_page)
    yield violations
    if violations and not request.node.get_closest_marker("csp_violations_allowed"):
        pytest.fail(
            "Content-Security-Policy violations in the browser:\n"
            + "\n".join(violations),
            pytrace=False,
        )
