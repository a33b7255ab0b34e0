"""Two people acting on the same post at once, on PostgreSQL: one wins, cleanly.

Each thread has its own database connection, so these tests need committed
rows (transaction=True). A pause is slipped in after the status check, while
the row lock is held: without select_for_update both threads would pass the
check and both decide. The same holds for the mail outbox: two copies of a
mail task, or a task and the resend job, meet on the event's row lock.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.utils import timezone

from news import notifications, services
from news.models import Post, PostAction, PostEvent, PostStatus
from news.services import workflow
from tests.factories import (
    CategoryFactory,
    EditorFactory,
    PostFactory,
    RefusalReasonFactory,
    RegionFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args: True)


@pytest.fixture
def slow_check(monkeypatch):
    # Patched on its module: the actions call it as workflow.transition_check.
    original = workflow.transition_check

    def check_then_wait(post, action):
        original(post, action)
        time.sleep(0.3)

    monkeypatch.setattr(workflow, "transition_check", check_then_wait)


@pytest.fixture
def author():
    return UserFactory(unit=UnitFactory(region=RegionFactory()))


def run_at_once(*calls):
    """Run each call in its own thread, released together; results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


SECOND_DECISIONS = {
    "approve": lambda post, editor: services.post_approve(post=post, actor=editor),
    "reject": lambda post, editor: services.post_reject(
        post=post, actor=editor, reason_type=RefusalReasonFactory(), comment="Duplikat."
    ),
    "request_changes": lambda post, editor: services.post_request_changes(
        post=post,
        actor=editor,
        reason_type=RefusalReasonFactory(),
        comment="Perbaiki judul.",
    ),
}


@pytest.mark.parametrize("second", sorted(SECOND_DECISIONS))
def test_two_editors_deciding_at_once_make_one_decision(author, slow_check, second):
    post = PostFactory(
        author=author,
        category=CategoryFactory(),
        status=PostStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    first_editor, second_editor = EditorFactory(), EditorFactory()

    results = run_at_once(
        lambda: services.post_approve(post=post, actor=first_editor),
        lambda: SECOND_DECISIONS[second](post, second_editor),
    )

    winners = [r for r in results if isinstance(r, Post)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert losers[0].code == "already_decided"
    assert losers[0].messages[0].startswith("Berita ini sudah diputuskan")

    post.refresh_from_db()
    assert post.status == winners[0].status
    decisions = PostEvent.objects.filter(post=post)
    assert decisions.count() == 1
    assert decisions.get().to_status == post.status


def test_decision_and_withdrawal_at_once(author, slow_check):
    post = PostFactory(author=author, category=CategoryFactory(), status="submitted")
    editor = EditorFactory()

    results = run_at_once(
        lambda: services.post_withdraw(post=post, actor=author),
        lambda: services.post_reject(
            post=post,
            actor=editor,
            reason_type=RefusalReasonFactory(),
            comment="Tidak layak.",
        ),
    )

    assert sum(isinstance(r, Post) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert PostEvent.objects.filter(post=post).count() == 1


def test_simultaneous_submissions_respect_the_rate_limit(author, settings):
    settings.SUBMISSIONS_PER_UNIT_PER_HOUR = 1
    colleague = UserFactory(unit=author.unit)
    category = CategoryFactory()
    first = PostFactory(author=author, category=category)
    second = PostFactory(author=colleague, category=category)

    results = run_at_once(
        lambda: services.post_submit(post=first, actor=author),
        lambda: services.post_submit(post=second, actor=colleague),
    )

    assert sum(isinstance(r, Post) for r in results) == 1, results
    refused = [r for r in results if isinstance(r, services.SubmissionRateLimited)]
    assert len(refused) == 1, results
    assert PostEvent.objects.filter(action=PostAction.SUBMIT).count() == 1
    assert Post.objects.filter(status=PostStatus.SUBMITTED).count() == 1


def test_overlapping_scheduler_runs_publish_each_post_once(author):
    category = CategoryFactory()
    past = timezone.now() - timezone.timedelta(minutes=5)
    posts = [
        PostFactory(
            author=author, category=category, status="scheduled", publish_at=past
        )
        for _ in range(30)
    ]

    results = run_at_once(
        lambda: services.post_publish_due(batch_size=5),
        lambda: services.post_publish_due(batch_size=5),
        lambda: services.post_publish_due(batch_size=5),
    )

    assert sum(results) == 30, results
    for post in posts:
        assert (
            PostEvent.objects.filter(post=post, action=PostAction.PUBLISH).count() == 1
        )
    assert not Post.objects.filter(status=PostStatus.SCHEDULED).exists()


class SlowSMTPBackend(LocmemBackend):
    """Takes its time, as a real SMTP server does, while the event is locked."""

    def send_messages(self, messages):
        time.sleep(0.5)
        return super().send_messages(messages)


@pytest.fixture
def lost_decision(author):
    post = PostFactory(author=author, category=CategoryFactory(), status="submitted")
    services.post_reject(
        post=post,
        actor=EditorFactory(),
        reason_type=RefusalReasonFactory(),
        comment="Duplikat.",
    )
    event = PostEvent.objects.get(post=post)
    PostEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    return event


def test_two_copies_of_a_mail_task_at_once_send_one_mail(
    settings, mailoutbox, lost_decision
):
    settings.EMAIL_BACKEND = "tests.news.test_concurrency.SlowSMTPBackend"

    results = run_at_once(
        lambda: notifications.decision_mail_send(event_id=lost_decision.pk),
        lambda: notifications.decision_mail_send(event_id=lost_decision.pk),
    )

    assert sorted(results) == [0, 1]
    assert len(mailoutbox) == 1


def test_resend_skips_an_event_whose_mail_is_going_out(
    settings, mailoutbox, monkeypatch, lost_decision
):
    settings.EMAIL_BACKEND = "tests.news.test_concurrency.SlowSMTPBackend"
    queued = []
    monkeypatch.setattr(
        "portal.enqueue.enqueue", lambda task, *args: queued.append(args) or True
    )

    def resend_while_sending():
        time.sleep(0.2)  # the mail task holds the event by now
        return services.pending_notifications_resend()

    results = run_at_once(
        lambda: notifications.decision_mail_send(event_id=lost_decision.pk),
        resend_while_sending,
    )

    assert results == [1, 0]
    assert queued == []
    assert services.pending_notifications_resend() == 0  # settled since
