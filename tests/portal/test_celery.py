import pytest

from portal.celery import app, ping


@pytest.mark.django_db(transaction=True)
def test_task_round_trip_through_redis_and_a_real_worker(celery_worker):
    # Not eager: the message really goes through Redis to the worker thread.
    assert app.conf.task_always_eager is False
    assert app.conf.broker_url.startswith("redis://")

    result = app.send_task("portal.ping")

    assert result.get(timeout=10) == "pong"
    assert result.status == "SUCCESS"


@pytest.mark.django_db(transaction=True)
def test_ping_delay_round_trip(celery_worker):
    # The task's own time limits must be accepted when it is sent.
    assert ping.delay().get(timeout=10) == "pong"
