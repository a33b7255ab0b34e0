"""The Celery side of news, through a real worker consuming from Redis.

The worker runs in a thread of this process (tests/conftest.py), so it shares
django.core.mail.outbox and the settings overrides with the test.
"""

import time
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone
from kombu.exceptions import OperationalError

from news import services, tasks
from news.models import Post, PostAction, PostEvent, PostStatus
from tests.factories import (
    CategoryFactory,
    EditorFactory,
    PostFactory,
    RefusalReasonFactory,
    RegionFactory,
    UnitFactory,
    UserFactory,
)

S = PostStatus
WORKER = pytest.mark.django_db(transaction=True)


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.fixture
def author():
    return UserFactory(unit=UnitFactory(region=RegionFactory()), first_name="Sari")


class FlakyBackend(LocmemBackend):
    """Fails the first `failures` sends as an SMTP server would, then delivers."""

    failures = 2
    attempts = 0

    def send_messages(self, messages):
        FlakyBackend.attempts += 1
        if FlakyBackend.attempts <= FlakyBackend.failures:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@WORKER
def test_scheduled_posts_are_published_by_the_worker(
    celery_worker, mailoutbox, author, category
):
    past = timezone.now() - timedelta(minutes=2)
    due = PostFactory(
        author=author, category=category, status=S.SCHEDULED, publish_at=past
    )
    later = PostFactory(
        author=author,
        category=category,
        status=S.SCHEDULED,
        publish_at=timezone.now() + timedelta(hours=1),
    )

    assert tasks.publish_due_posts.delay().get(timeout=20) == 1

    due.refresh_from_db()
    assert due.status == S.PUBLISHED
    assert due.published_at == past
    later.refresh_from_db()
    assert later.status == S.SCHEDULED

    # A second run (or a redelivered one) changes nothing.
    assert tasks.publish_due_posts.delay().get(timeout=20) == 0
    assert PostEvent.objects.filter(post=due, action=PostAction.PUBLISH).count() == 1

    # The unit hears that it went live.
    assert wait_for(lambda: len(mailoutbox) == 1)
    assert mailoutbox[0].to == [author.email]
    assert "terbit sesuai jadwal" in mailoutbox[0].subject


@WORKER
def test_every_decision_is_mailed_to_the_unit(
    celery_worker, mailoutbox, author, category
):
    head = UserFactory(unit=author.unit, role="head")
    UserFactory(unit=UnitFactory(region=author.unit.region))  # another unit
    editor = EditorFactory(first_name="Rina", last_name="Redaksi")
    post = PostFactory(author=author, category=category, status=S.SUBMITTED)

    services.post_request_changes(
        post=post,
        actor=editor,
        reason_type=RefusalReasonFactory(),
        comment="Tambahkan jumlah peserta.",
    )

    assert wait_for(lambda: len(mailoutbox) == 2)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([author.email, head.email])
    message = next(m for m in mailoutbox if m.to == [author.email])
    assert message.subject == "[Ditjenpas] Berita diminta perbaikan: %s" % post.title
    assert "Yth. Sari" in message.body
    assert "oleh Rina Redaksi" in message.body
    assert "Tambahkan jumlah peserta." in message.body
    assert "/dasbor/" in message.body or "http" in message.body


@WORKER
def test_new_submission_mails_immediate_editors_and_digest_collects(
    celery_worker, mailoutbox, author, category
):
    immediate = EditorFactory()
    digest = EditorFactory(editor_digest=True)
    EditorFactory(email="")  # no address
    EditorFactory(is_active=False)
    post = PostFactory(author=author, category=category)

    services.post_submit(post=post, actor=author)

    assert wait_for(lambda: len(mailoutbox) == 1)
    message = mailoutbox[0]
    assert message.to == [immediate.email]
    assert message.subject.startswith("[Ditjenpas] Kiriman baru dari %s" % post.unit)
    assert "/admin/news/post/%d/change/" % post.pk in message.body

    mailoutbox.clear()
    assert tasks.send_editor_digest.delay().get(timeout=20) == 1
    assert [m.to for m in mailoutbox] == [[digest.email]]
    assert post.title in mailoutbox[0].body
    assert "1 berita" in mailoutbox[0].subject


@WORKER
def test_mail_failure_retries_and_the_decision_stays(
    celery_worker, mailoutbox, settings, author, category
):
    settings.EMAIL_BACKEND = "tests.news.test_tasks.FlakyBackend"
    FlakyBackend.attempts = 0
    post = PostFactory(author=author, category=category, status=S.SUBMITTED)

    services.post_approve(post=post, actor=EditorFactory())

    post.refresh_from_db()
    assert post.status == S.PUBLISHED  # committed before any mail was tried
    assert wait_for(lambda: len(mail.outbox) == 1, timeout=30)
    assert FlakyBackend.attempts == 3
    post.refresh_from_db()
    assert post.status == S.PUBLISHED
    assert PostEvent.objects.filter(post=post).count() == 1


@pytest.mark.django_db
def test_decision_stands_when_the_broker_is_down(
    monkeypatch, caplog, author, category, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(tasks.notify_decision, "delay", broker_down)
    post = PostFactory(author=author, category=category, status=S.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(post=post, actor=EditorFactory())

    assert Post.objects.get(pk=post.pk).status == S.PUBLISHED
    assert "Could not enqueue news.tasks.notify_decision" in caplog.text
    # Still owed: the resend job will queue it again.
    assert PostEvent.objects.get(post=post).notified_at is None


# --- No mail lost to a Redis outage ------------------------------------------------


def unreachable_broker(task):
    """task.delay, but publishing to a Redis nobody listens on (kombu's error)."""
    from portal.celery import app

    def delay(*args):
        with app.connection_for_write("redis://127.0.0.1:9/0") as connection:
            return task.apply_async(args, connection=connection)

    return delay


def age(event, minutes=3):
    PostEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def settled(event) -> bool:
    event.refresh_from_db()
    return event.notified_at is not None


@WORKER
def test_decision_mail_lost_to_a_broker_outage_is_resent_once(
    celery_worker, mailoutbox, monkeypatch, caplog, author, category
):
    post = PostFactory(author=author, category=category, status=S.SUBMITTED)

    with monkeypatch.context() as outage:
        outage.setattr(
            tasks.notify_decision, "delay", unreachable_broker(tasks.notify_decision)
        )
        services.post_approve(post=post, actor=EditorFactory())

    # The decision is committed; its mail could not be queued.
    assert Post.objects.get(pk=post.pk).status == S.PUBLISHED
    assert "Could not enqueue news.tasks.notify_decision" in caplog.text
    assert "Error 111 connecting to 127.0.0.1:9" in caplog.text
    event = PostEvent.objects.get(post=post)
    assert event.notified_at is None
    # Too recent for the resend job: its task may still be on its way.
    assert tasks.resend_pending_notifications.delay().get(timeout=20) == 0
    assert mailoutbox == []

    age(event)
    assert tasks.resend_pending_notifications.delay().get(timeout=20) == 1
    assert wait_for(lambda: len(mailoutbox) == 1)
    assert wait_for(lambda: settled(event))
    assert mailoutbox[0].to == [author.email]
    assert "disetujui dan diterbitkan" in mailoutbox[0].subject

    # Run again, or the mail task redelivered: nothing more.
    assert tasks.resend_pending_notifications.delay().get(timeout=20) == 0
    assert tasks.notify_decision.delay(event.pk).get(timeout=20) == 0
    assert len(mailoutbox) == 1


@WORKER
def test_submission_mail_lost_to_a_broker_outage_is_resent_once(
    celery_worker, mailoutbox, monkeypatch, author, category
):
    editor = EditorFactory()
    post = PostFactory(author=author, category=category)

    with monkeypatch.context() as outage:
        outage.setattr(
            tasks.notify_new_submission,
            "delay",
            unreachable_broker(tasks.notify_new_submission),
        )
        services.post_submit(post=post, actor=author)

    assert Post.objects.get(pk=post.pk).status == S.SUBMITTED
    event = PostEvent.objects.get(post=post, action=PostAction.SUBMIT)
    age(event)
    assert tasks.resend_pending_notifications.delay().get(timeout=20) == 1
    assert wait_for(lambda: settled(event))
    assert [m.to for m in mailoutbox] == [[editor.email]]
    assert mailoutbox[0].subject.startswith("[Ditjenpas] Kiriman baru dari")

    assert tasks.resend_pending_notifications.delay().get(timeout=20) == 0
    assert tasks.notify_new_submission.delay(event.pk).get(timeout=20) == 0
    assert len(mailoutbox) == 1


@WORKER
def test_head_of_unit_is_asked_then_editors_told(celery_worker, mailoutbox, settings):
    settings.SITE_URL = "https://berita.ditjenpas.go.id"
    unit = UnitFactory(region=RegionFactory(), requires_head_approval=True)
    author = UserFactory(unit=unit, first_name="Sari")
    head = UserFactory(unit=unit, role="head", first_name="Budi")
    editor = EditorFactory()
    post = PostFactory(author=author, category=CategoryFactory())

    services.post_submit(post=post, actor=author)

    assert wait_for(lambda: len(mailoutbox) == 1)
    message = mailoutbox[0]
    assert message.to == [head.email]
    assert message.subject == "[Ditjenpas] Menunggu persetujuan Anda: %s" % post.title
    assert "Yth. Budi," in message.body
    assert "https://berita.ditjenpas.go.id/dasbor/berita/%d/" % post.pk in message.body

    mailoutbox.clear()
    services.post_head_approve(post=post, actor=head)
    assert wait_for(lambda: len(mailoutbox) == 1)
    assert mailoutbox[0].to == [editor.email]
    # The mail leaves inside the task's transaction; the event is settled
    # when that transaction commits, a moment later.
    assert wait_for(
        lambda: not PostEvent.objects.filter(notified_at__isnull=True).exists()
    )


@WORKER
def test_redelivered_digest_mails_nobody_twice(
    celery_worker, mailoutbox, author, category
):
    digest = EditorFactory(editor_digest=True)
    post = PostFactory(author=author, category=category)
    services.post_submit(post=post, actor=author)

    assert tasks.send_editor_digest.delay().get(timeout=20) == 1
    assert tasks.send_editor_digest.delay().get(timeout=20) == 0
    assert [m.to for m in mailoutbox] == [[digest.email]]


@pytest.mark.django_db
def test_mail_tasks_retry_only_on_io_errors():
    mail_tasks = (
        tasks.notify_decision,
        tasks.notify_new_submission,
        tasks.notify_head_review,
        tasks.send_editor_digest,
    )
    for task in mail_tasks:
        assert set(task.autoretry_for) == {OSError, tasks.SMTPException}
        assert task.acks_late
        assert task.time_limit and task.soft_time_limit
    assert tasks.publish_due_posts.time_limit < 60
    assert tasks.resend_pending_notifications.time_limit <= 60
    assert not getattr(tasks.resend_pending_notifications, "autoretry_for", ())


@pytest.mark.django_db
def test_tasks_named_in_the_beat_schedule_exist(settings):
    from portal.celery import app

    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names <= set(app.tasks)
