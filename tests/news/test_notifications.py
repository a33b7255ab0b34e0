"""news.notifications and news.services.outbox without a worker: who is mailed
about what, the outbox (PostEvent.notified_at), the resend job and the
once-a-day digest.

The same paths through the real Celery worker are in test_tasks.py.
"""

import ast
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from smtplib import SMTPServerDisconnected

import pytest
from django.apps import apps
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from news import notifications, services
from news.models import EditorDigest, PostAction, PostEvent, PostStatus
from tests.factories import (
    CategoryFactory,
    EditorFactory,
    HeadFactory,
    PostFactory,
    RefusalReasonFactory,
    UnitFactory,
    UserFactory,
)

S = PostStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    """Tasks enqueued after commit, as (task name, args); no broker involved."""
    calls = []

    def enqueue(task, *args):
        calls.append((task.name, args))
        return True

    monkeypatch.setattr("portal.enqueue.enqueue", enqueue)
    return calls


@pytest.fixture
def review_unit():
    return UnitFactory(requires_head_approval=True)


@pytest.fixture
def contributor(review_unit):
    return UserFactory(unit=review_unit, first_name="Sari")


@pytest.fixture
def head(review_unit):
    return HeadFactory(unit=review_unit, first_name="Budi", last_name="Kepala")


def make_post(author, status=S.DRAFT, **fields):
    return PostFactory(
        author=author, category=CategoryFactory(), status=status, **fields
    )


def age(event, minutes=3):
    """Move an event into the past, as if its task had been lost back then."""
    PostEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


class FailingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


class SecondSendFails(LocmemBackend):
    """Delivers every call but the second, as a server dropping mid-run."""

    calls = 0

    def send_messages(self, messages):
        SecondSendFails.calls += 1
        if SecondSendFails.calls == 2:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


# --- The outbox ----------------------------------------------------------------------


def test_events_that_call_for_no_mail_are_settled_when_written(
    contributor, head, enqueued, django_capture_on_commit_callbacks
):
    editor = EditorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(
            author=contributor,
            title="Bakti sosial",
            lead="Warga binaan membagikan sembako.",
            body="<p>Kegiatan berlangsung tertib.</p>",
            category=CategoryFactory(),
        )
        services.post_submit(post=post, actor=contributor)
        services.post_withdraw(post=post, actor=contributor)
        services.post_submit(post=post, actor=contributor)
        services.post_head_approve(post=post, actor=head)
        services.post_update(post=post, actor=editor, title="Bakti sosial Ramadan")
        services.post_approve(post=post, actor=editor)

    by_action = {
        action: notified_at is not None
        for action, notified_at in PostEvent.objects.filter(post=post)
        .exclude(action=PostAction.SUBMIT)
        .values_list("action", "notified_at")
    }
    assert by_action == {
        PostAction.CREATE: True,
        PostAction.WITHDRAW: True,
        PostAction.EDIT: True,
        PostAction.HEAD_APPROVE: False,
        PostAction.APPROVE: False,
    }
    owed = PostEvent.objects.filter(post=post, notified_at__isnull=True)
    mails = [(n, args) for n, args in enqueued if n.startswith("news.tasks.notify")]
    assert sorted(name for name, _args in mails) == [
        "news.tasks.notify_decision",
        "news.tasks.notify_head_review",
        "news.tasks.notify_head_review",
        "news.tasks.notify_new_submission",
    ]
    assert {args[0] for _name, args in mails} == set(owed.values_list("pk", flat=True))


def test_decision_mail_is_sent_once_and_settles_the_event(mailoutbox, contributor):
    post = make_post(contributor, status=S.SUBMITTED)
    services.post_reject(
        post=post,
        actor=EditorFactory(),
        reason_type=RefusalReasonFactory(),
        comment="Duplikat.",
    )
    event = PostEvent.objects.get(post=post)
    assert event.notified_at is None

    assert notifications.decision_mail_send(event_id=event.pk) == 1
    event.refresh_from_db()
    assert event.notified_at is not None

    # Redelivered, or queued again by the resend job: nothing more.
    assert notifications.decision_mail_send(event_id=event.pk) == 0
    assert len(mailoutbox) == 1


def test_nobody_to_mail_still_settles_the_event(mailoutbox, contributor):
    post = make_post(contributor, status=S.SUBMITTED)
    contributor.email = ""
    contributor.save()
    services.post_reject(
        post=post,
        actor=EditorFactory(),
        reason_type=RefusalReasonFactory(),
        comment="Duplikat.",
    )
    event = PostEvent.objects.get(post=post)

    assert notifications.decision_mail_send(event_id=event.pk) == 0
    event.refresh_from_db()
    assert event.notified_at is not None
    assert mailoutbox == []


def test_smtp_failure_leaves_the_event_owed(settings, mailoutbox, contributor):
    post = make_post(contributor, status=S.SUBMITTED)
    services.post_approve(post=post, actor=EditorFactory())
    event = PostEvent.objects.get(post=post)
    settings.EMAIL_BACKEND = "tests.news.test_notifications.FailingBackend"

    with pytest.raises(SMTPServerDisconnected):
        notifications.decision_mail_send(event_id=event.pk)
    event.refresh_from_db()
    assert event.notified_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.decision_mail_send(event_id=event.pk) == 1
    event.refresh_from_db()
    assert event.notified_at is not None


def test_mail_for_a_deleted_post_sends_nothing(mailoutbox):
    assert notifications.decision_mail_send(event_id=987654) == 0
    assert notifications.submission_mail_send(event_id=987654) == 0
    assert notifications.head_review_mail_send(event_id=987654) == 0
    assert mailoutbox == []


# --- The head of unit ---------------------------------------------------------------


def test_head_is_asked_to_approve_a_submission(
    settings, mailoutbox, contributor, head, review_unit
):
    settings.SITE_URL = "https://berita.ditjenpas.go.id/"
    second_head = HeadFactory(unit=review_unit)
    HeadFactory(unit=review_unit, email="")  # no address
    HeadFactory(unit=review_unit, is_active=False)
    HeadFactory()  # another unit's head
    UserFactory(unit=review_unit)  # a colleague: not asked
    EditorFactory()  # the editors hear nothing yet
    post = make_post(contributor, title="Pelatihan barista")

    services.post_submit(post=post, actor=contributor)
    event = PostEvent.objects.get(post=post)
    assert event.to_status == S.HEAD_REVIEW

    assert notifications.head_review_mail_send(event_id=event.pk) == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [head.email, second_head.email]
    )
    message = next(m for m in mailoutbox if m.to == [head.email])
    assert message.subject == "[Ditjenpas] Menunggu persetujuan Anda: Pelatihan barista"
    assert message.body.startswith("Yth. Budi Kepala,")
    assert "menunggu persetujuan Anda" in message.body
    assert "Penulis  : Sari" in message.body
    assert "https://berita.ditjenpas.go.id/dasbor/berita/%d/" % post.pk in message.body
    assert "E-mail ini dikirim otomatis" in message.body
    event.refresh_from_db()
    assert event.notified_at is not None

    assert notifications.head_review_mail_send(event_id=event.pk) == 0
    assert len(mailoutbox) == 2


def test_head_is_not_asked_about_a_withdrawn_submission(mailoutbox, contributor, head):
    post = make_post(contributor)
    services.post_submit(post=post, actor=contributor)
    event = PostEvent.objects.get(post=post, action=PostAction.SUBMIT)
    services.post_withdraw(post=post, actor=contributor)

    assert notifications.head_review_mail_send(event_id=event.pk) == 0
    assert mailoutbox == []
    event.refresh_from_db()
    assert event.notified_at is not None  # nothing left to say


def test_head_approval_tells_the_editors_not_the_head(mailoutbox, contributor, head):
    editor = EditorFactory()
    post = make_post(contributor, status=S.HEAD_REVIEW, submitted_at=timezone.now())
    services.post_head_approve(post=post, actor=head)
    event = PostEvent.objects.get(post=post)

    assert notifications.submission_mail_send(event_id=event.pk) == 1
    assert [m.to for m in mailoutbox] == [[editor.email]]
    assert "Kiriman baru dari" in mailoutbox[0].subject


# --- The resend job -------------------------------------------------------------------


def test_resend_queues_only_events_owed_a_mail_for_a_while(
    enqueued, django_capture_on_commit_callbacks, contributor, head
):
    editor = EditorFactory()
    lost_decision = make_post(contributor, status=S.SUBMITTED)
    services.post_approve(post=lost_decision, actor=editor)
    lost_review = make_post(contributor)
    services.post_submit(post=lost_review, actor=contributor)
    sent = make_post(contributor, status=S.SUBMITTED)
    services.post_request_changes(
        post=sent,
        actor=editor,
        reason_type=RefusalReasonFactory(),
        comment="Foto kurang.",
    )
    just_now = make_post(contributor, status=S.SUBMITTED)
    services.post_reject(
        post=just_now,
        actor=editor,
        reason_type=RefusalReasonFactory(),
        comment="Duplikat.",
    )
    for post in (lost_decision, lost_review, sent):
        age(PostEvent.objects.get(post=post))
    PostEvent.objects.filter(post=sent).update(notified_at=timezone.now())
    # CREATE and EDIT events are settled when written, however old.
    created = services.post_create(
        author=contributor,
        title="Baru",
        lead="Ringkasan.",
        body="<p>Isi.</p>",
        category=CategoryFactory(),
    )
    age(PostEvent.objects.get(post=created))
    enqueued.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.pending_notifications_resend() == 2

    decision = PostEvent.objects.get(post=lost_decision)
    review = PostEvent.objects.get(post=lost_review)
    assert enqueued == [
        ("news.tasks.notify_decision", (decision.pk,)),
        ("news.tasks.notify_head_review", (review.pk,)),
    ]


def test_resend_works_in_bounded_batches_oldest_first(
    enqueued, django_capture_on_commit_callbacks, contributor
):
    editor = EditorFactory()
    events = []
    for minutes in (10, 30, 20):
        post = make_post(contributor, status=S.SUBMITTED)
        services.post_reject(
            post=post,
            actor=editor,
            reason_type=RefusalReasonFactory(),
            comment="Duplikat.",
        )
        event = PostEvent.objects.get(post=post)
        age(event, minutes=minutes)
        events.append(event)
    enqueued.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.pending_notifications_resend(limit=2) == 2
    assert [args[0] for _name, args in enqueued] == [events[1].pk, events[2].pk]


def test_resend_stops_at_the_first_broker_failure(
    monkeypatch, caplog, django_capture_on_commit_callbacks, contributor
):
    editor = EditorFactory()
    for _ in range(3):
        post = make_post(contributor, status=S.SUBMITTED)
        services.post_reject(
            post=post,
            actor=editor,
            reason_type=RefusalReasonFactory(),
            comment="Duplikat.",
        )
        age(PostEvent.objects.get(post=post))
    attempts = []

    def broker_down(task, *args):
        attempts.append(args)
        return False

    monkeypatch.setattr("portal.enqueue.enqueue", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.pending_notifications_resend() == 3

    assert len(attempts) == 1
    assert "3 notifications left for the next run" in caplog.text
    assert PostEvent.objects.filter(notified_at__isnull=True).count() == 3


def test_migration_settles_the_events_written_before_the_outbox(contributor):
    post = make_post(contributor, status=S.PUBLISHED, published_at=timezone.now())
    old = [
        PostEvent.objects.create(post=post, action=action, to_status=S.PUBLISHED)
        for action in (PostAction.APPROVE, PostAction.FEATURE)
    ]
    age(old[0], minutes=60 * 24 * 30)
    migration = import_module("news.migrations.0004_postevent_notified_at")

    migration.settle_existing_events(apps, None)

    for event in old:
        event.refresh_from_db()
        assert event.notified_at == event.created_at
    assert services.pending_notifications_resend() == 0


# --- The daily digest -----------------------------------------------------------------


def test_digest_goes_to_each_editor_once_a_day(mailoutbox, contributor):
    first, second = EditorFactory(editor_digest=True), EditorFactory(editor_digest=True)
    EditorFactory()  # wants immediate mail instead
    post = make_post(contributor, status=S.SUBMITTED, submitted_at=timezone.now())
    PostEvent.objects.create(post=post, action=PostAction.SUBMIT, to_status=S.SUBMITTED)

    assert notifications.editor_digest_send() == 2
    assert notifications.editor_digest_send() == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.email, second.email])
    today = timezone.localdate()
    assert set(EditorDigest.objects.values_list("editor_id", "day")) == {
        (first.pk, today),
        (second.pk, today),
    }

    # The next morning it goes out again.
    tomorrow = timezone.now() + timedelta(days=1)
    PostEvent.objects.filter(post=post).update(created_at=tomorrow)
    assert notifications.editor_digest_send(now=tomorrow) == 2


def test_digest_retry_after_an_smtp_error_mails_only_the_rest(
    settings, mailoutbox, contributor
):
    editors = [EditorFactory(editor_digest=True) for _ in range(3)]
    post = make_post(contributor, status=S.SUBMITTED, submitted_at=timezone.now())
    PostEvent.objects.create(post=post, action=PostAction.SUBMIT, to_status=S.SUBMITTED)
    settings.EMAIL_BACKEND = "tests.news.test_notifications.SecondSendFails"
    SecondSendFails.calls = 0

    with pytest.raises(SMTPServerDisconnected):
        notifications.editor_digest_send()
    assert [m.to[0] for m in mailoutbox] == [editors[0].email]
    assert list(EditorDigest.objects.values_list("editor_id", flat=True)) == [
        editors[0].pk
    ]

    assert notifications.editor_digest_send() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted(e.email for e in editors)


def _imported_modules(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_no_import_circle_between_services_tasks_and_mail():
    news = Path(notifications.__file__).parent
    mail = _imported_modules(news / "notifications.py", top_level_only=False)
    assert not {"news.tasks", "news.services"} & mail
    # Tasks import services inside their bodies only.
    tasks = _imported_modules(news / "tasks.py", top_level_only=True)
    # news.errors is a leaf (it imports nothing), loaded for autoretry_for.
    assert not {
        m for m in tasks if m.startswith("news") and not m.startswith("news.errors")
    }
    assert not _imported_modules(news / "errors.py", top_level_only=False)
