"""portal.enqueue: a broker outage is logged, never raised; sent after commit."""

import pytest
from django.db import transaction

from portal.enqueue import enqueue, enqueue_on_commit


class FakeTask:
    name = "news.tasks.notify_decision"

    def __init__(self, *, down=False):
        self.down = down
        self.sent = []

    def delay(self, *args):
        if self.down:
            raise ConnectionError("Redis is down")
        self.sent.append((args, None))

    def apply_async(self, args, countdown=None):
        if self.down:
            raise ConnectionError("Redis is down")
        self.sent.append((tuple(args), countdown))


def test_a_broker_outage_is_logged_not_raised(caplog):
    assert enqueue(FakeTask(down=True), 1) is False
    assert "Could not enqueue news.tasks.notify_decision(1,)" in caplog.text


def test_enqueue_sends_with_or_without_a_countdown():
    task = FakeTask()
    assert enqueue(task, 1) is True
    assert enqueue(task, 2, countdown=30) is True
    assert task.sent == [((1,), None), ((2,), 30)]


@pytest.mark.django_db
def test_enqueue_on_commit_sends_only_what_was_committed(
    django_capture_on_commit_callbacks,
):
    task = FakeTask()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            enqueue_on_commit(task, 1)
            assert task.sent == []  # not before the commit
        try:
            with transaction.atomic():
                enqueue_on_commit(task, 2)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert task.sent == [((1,), None)]


@pytest.mark.django_db
def test_enqueue_on_commit_survives_a_broker_outage(
    caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(FakeTask(down=True), 7)
    assert "Could not enqueue news.tasks.notify_decision(7,)" in caplog.text
