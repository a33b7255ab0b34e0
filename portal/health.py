"""/health/: what a load balancer or a monitor polls (django-health-check).

Checks, each in its own line of the answer:

- Database: `SELECT 1` on the default database (and on the replica when
  DATABASE_REPLICA_URL is set);
- Cache: a key written to and read back from Redis (the page cache, the
  sessions' throttles and the read counters live there);
- Broker: a PING to the Celery broker's Redis, which may be another server
  than the cache (CELERY_BROKER_URL);
- Storage: a small file saved, read and deleted in the media storage and
  in the private one (a full disk or a read-only mount shows here);
- WorkerHeartbeat: beat sends `portal.heartbeat` every minute and a worker
  writes the time into the cache; older than HEALTH_HEARTBEAT_MAX_AGE
  seconds (default 300) means no worker is consuming or beat is not running:
  photos would not be rendered nor mails sent. django-health-check's own
  Celery Ping check broadcasts to every worker and waits its whole timeout
  on each poll; the heartbeat costs one cache read and also proves beat.
  A worker also beats once when it starts, so a fresh deployment is green
  within seconds instead of a minute.

Any failure answers 500 (the load balancer takes the node out); JSON with
`Accept: application/json` or `?format=json`, plain text with ?format=text.
The answer is never cached (no-store) and sets no cookie. Why
django-health-check 4 (pinned): the checks above come with it, run
concurrently with a timeout each, and give HTML, JSON, text and
OpenMetrics answers; only the heartbeat is ours.
"""

import dataclasses
import datetime
import time

from django.conf import settings
from django.core.cache import cache
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from redis.asyncio import Redis as AsyncRedis

HEARTBEAT_KEY = "health:worker-heartbeat"


def heartbeat_record(*, at: float | None = None) -> None:
    """Store the time the worker last ran the heartbeat task (a day at most)."""
    cache.set(HEARTBEAT_KEY, time.time() if at is None else at, timeout=86400)


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    """Fails when no Celery worker has run the heartbeat task lately."""

    max_age: int = dataclasses.field(
        default_factory=lambda: getattr(settings, "HEALTH_HEARTBEAT_MAX_AGE", 300)
    )

    async def run(self):
        try:
            beat = await cache.aget(HEARTBEAT_KEY)
        except Exception as exc:  # noqa: BLE001 - the cache check names the cause
            raise ServiceUnavailable(
                "Celery worker heartbeat unreadable (cache down)"
            ) from exc
        if beat is None:
            raise ServiceUnavailable(
                "No Celery worker heartbeat yet: is a worker and beat running?"
            )
        age = time.time() - float(beat)
        if age > self.max_age:
            raise ServiceUnavailable(
                "Celery worker heartbeat is %d s old (limit %d s): no worker is "
                "consuming, or beat is not running" % (age, self.max_age)
            )


@dataclasses.dataclass
class Broker(Redis):
    """django-health-check's Redis PING on Celery's broker, named without
    its address: /health/ is reachable from outside."""

    def __repr__(self):
        return "Broker(redis)"

    @property
    def labels(self) -> dict[str, str]:
        return {"check": "Broker"}


def _broker_client():
    return AsyncRedis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
    )


def health_checks() -> list:
    checks: list = [
        (Database, {"alias": "default"}),
        (Cache, {"alias": "default", "timeout": datetime.timedelta(seconds=3)}),
        (Storage, {"alias": "default"}),
        (Storage, {"alias": "private"}),
    ]
    if "replica" in settings.DATABASES:
        checks.append((Database, {"alias": "replica"}))
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        checks.append((Broker, {"client_factory": _broker_client}))
        checks.append(WorkerHeartbeat)
    return checks


class PortalHealthCheckView(HealthCheckView):
    """The library's view with the portal's checks (settings-dependent)."""

    def get_checks(self):
        self.checks = health_checks()
        return super().get_checks()


health_view = PortalHealthCheckView.as_view()
