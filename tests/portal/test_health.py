"""/health/ (portal.health): database, cache, broker, storage and the worker
heartbeat, against the real PostgreSQL, Redis and a real Celery worker."""

import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from portal import health
from portal.tasks import heartbeat

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(client):
    """The test client, asking from another thread as a server thread would.

    django-health-check runs its checks through async_to_sync, which refuses
    to run in a thread that has an event loop; a browser test earlier in the
    session leaves Playwright's loop in pytest's main thread.
    """
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    get = client.get

    def get_in_thread(*args, **kwargs):
        def request():
            try:
                return get(*args, **kwargs)
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(request).result()

    client.get = get_in_thread
    return client


def beat_through_the_worker():
    """What celery beat does every minute: the task goes through Redis to the
    worker, which writes the time into the cache."""
    caches["default"].delete(health.HEARTBEAT_KEY)
    heartbeat.delay()
    deadline = time.monotonic() + 15
    while caches["default"].get(health.HEARTBEAT_KEY) is None:
        assert time.monotonic() < deadline, "the worker never ran the heartbeat"
        time.sleep(0.1)


def test_healthy_answers_200_in_json_without_cookie_or_cache(client, celery_worker):
    beat_through_the_worker()

    response = client.get("/health/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200, response.content
    report = response.json()
    names = " ".join(report)
    for check in ("Database", "Cache", "Storage", "Broker", "WorkerHeartbeat"):
        assert check in names
    # No server address in an answer anyone can fetch.
    assert "127.0.0.1" not in response.content.decode()
    assert set(report.values()) == {"OK"}
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
    # Also asked by query string, and as a page for a person.
    assert client.get("/health/?format=json").json() == report
    page = client.get("/health/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and b"WorkerHeartbeat" in page.content


def test_a_stale_heartbeat_fails_naming_the_worker(client, celery_worker):
    health.heartbeat_record(at=time.time() - 11 * 60)

    response = client.get("/health/?format=json")

    assert response.status_code == 500
    report = response.json()
    failing = {name: text for name, text in report.items() if text != "OK"}
    assert list(failing) == [next(n for n in report if "WorkerHeartbeat" in n)]
    assert "Celery worker heartbeat is 660 s old" in next(iter(failing.values()))
    assert "no-store" in response["Cache-Control"]


def test_no_heartbeat_at_all_fails_too(client):
    caches["default"].delete(health.HEARTBEAT_KEY)

    report = client.get("/health/?format=json").json()

    assert any("No Celery worker heartbeat" in text for text in report.values())


def test_a_broken_cache_location_fails(client):
    health.heartbeat_record()
    broken = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1.
            "LOCATION": "redis://127.0.0.1:1/0",
            "KEY_PREFIX": "portal-test",
        }
    }
    with override_settings(CACHES=broken):
        response = client.get("/health/", HTTP_ACCEPT="application/json")

    assert response.status_code == 500
    report = response.json()
    cache_line = next(text for name, text in report.items() if name.startswith("Cache"))
    assert cache_line != "OK"
    assert report[next(n for n in report if n.startswith("Database"))] == "OK"
