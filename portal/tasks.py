"""The portal's own periodic task: the worker heartbeat read by /health/."""

from celery import shared_task

from portal import health


@shared_task(
    name="portal.heartbeat", soft_time_limit=5, time_limit=10, ignore_result=True
)
def heartbeat() -> None:
    """Sent by celery beat every minute: a worker that runs it is alive and
    consuming, and beat is scheduling (portal.health.WorkerHeartbeat)."""
    health.heartbeat_record()
