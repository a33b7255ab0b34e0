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


@pytest.fixture
def category():
    return CategoryFactory()


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
        post=post, actor=editor, comment="Tambahkan jumlah peserta."
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


@pytest.mark.django_db
def test_mail_tasks_retry_only_on_io_errors():
    for task in (tasks.notify_decision, tasks.notify_new_submission):
        assert set(task.autoretry_for) == {OSError, tasks.SMTPException}
        assert task.acks_late
        assert task.time_limit and task.soft_time_limit
    assert tasks.publish_due_posts.time_limit < 60


@pytest.mark.django_db
def test_tasks_named_in_the_beat_schedule_exist(settings):
    from portal.celery import app

    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names <= set(app.tasks)
