"""PostgreSQL restarted while the site serves requests.

The test database is copied (pg_dump | pg_restore) into a private PostgreSQL
cluster; a gunicorn with two workers serves the public pages from it while a
reader keeps requesting them. The cluster is stopped and started again, the
web process is left alone. Every request before the stop and every request
after the start answers 200; the ones in between answer the 503 page in the
site's style with Retry-After, never a traceback.
"""

import threading
import time
import uuid

import pytest
import urllib3
from django.db import OperationalError
from django.test import RequestFactory

from portal.views import server_error
from tests.faults.procs import (
    SCRATCH,
    Gunicorn,
    PgCluster,
    copy_database,
    portal_env,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["/", "/arsip/", "/cari/?q=lapas", "/feed/rss/"]


class Reader(threading.Thread):
    """Requests the public pages one after another, noting every answer."""

    def __init__(self, base_url: str):
        super().__init__(daemon=True)
        self.base_url = base_url
        self.http = urllib3.PoolManager(retries=False, timeout=30)
        self.answers = []  # (started, ended, path, status, retry_after, body)
        self.halt = threading.Event()

    def run(self):
        i = 0
        while not self.halt.is_set():
            path = PAGES[i % len(PAGES)]
            i += 1
            started = time.monotonic()
            try:
                response = self.http.request("GET", self.base_url + path)
                status, body = response.status, response.data.decode(errors="replace")
                retry_after = response.headers.get("Retry-After")
            except urllib3.exceptions.HTTPError as exc:
                status, body, retry_after = 0, repr(exc), None
            self.answers.append(
                (started, time.monotonic(), path, status, retry_after, body)
            )
            time.sleep(0.05)


RECOVERY_S = 5.0


def test_a_database_restart_gives_503_during_and_no_error_after(
    database_url, private_redis
):
    cluster = PgCluster(SCRATCH / ("pg-%s" % uuid.uuid4().hex[:8])).init()
    web = None
    reader = None
    try:
        cluster.start()
        cluster.createdb("portal_faults_pg")
        copy_database(database_url, cluster.url("portal_faults_pg"))
        media = SCRATCH / "pg-media"
        env = portal_env(
            database_url=cluster.url("portal_faults_pg"),
            redis_url=private_redis.url,
            media_root=media,
            private_media_root=media / "private",
            PAGE_CACHE_ENABLED="false",
            # A request waits at most this long for a connection.
            DB_POOL_TIMEOUT="2",
        )
        web = Gunicorn(env, workers=2, name="pg-restart-web").start()
        wait_for(
            lambda: urllib3.request("GET", web.url + "/").status == 200,
            timeout=60,
            what="the home page",
        )
        reader = Reader(web.url)
        reader.start()
        time.sleep(2)

        down = time.monotonic()
        cluster.stop("fast")
        time.sleep(4)
        cluster.start()
        up = time.monotonic()
        time.sleep(5 + RECOVERY_S)
    finally:
        if reader is not None:
            reader.halt.set()
            reader.join(timeout=40)
        if web is not None:
            web.stop()
        cluster.destroy()

    before = [a for a in reader.answers if a[1] < down]
    during = [a for a in reader.answers if a[0] > down and a[1] < up]
    # The connection pool retries with a backoff (psycopg_pool: 1 s, then
    # doubling), so the first seconds after PostgreSQL is back still belong
    # to the outage; from RECOVERY_S on, every answer must be a 200.
    after = [a for a in reader.answers if a[0] > up + RECOVERY_S]
    assert len(before) >= 5 and len(during) >= 2 and len(after) >= 10
    assert [a[3] for a in before] == [200] * len(before)
    assert [a[:4] for a in after if a[3] != 200] == []
    for _started, _ended, path, status, retry_after, body in during:
        assert status == 503, (path, status, body[:500])
        assert retry_after and int(retry_after) > 0
        assert "Kesalahan 503" in body and "Layanan sedang dipulihkan" in body
        assert "Traceback" not in body and "OperationalError" not in body
    slowest_during = max(a[1] - a[0] for a in during)
    recovered = min(a[0] for a in after if a[3] == 200) - up
    print(
        '{"pg_restart_requests": %d, "pg_outage_503": %d, "pg_503_slowest_s": %.2f,'
        ' "pg_first_200_after_up_s": %.2f}'
        % (len(reader.answers), len(during), slowest_during, recovered)
    )


def test_the_500_handler_answers_503_for_an_unreachable_database():
    """An error raised in a middleware (the session, the second-factor check)
    reaches handler500, not the outage middleware: it answers 503 too."""
    request = RequestFactory().get("/dasbor/")
    try:
        raise OperationalError("connection failed: Connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Layanan sedang dipulihkan" in response.content.decode()

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
