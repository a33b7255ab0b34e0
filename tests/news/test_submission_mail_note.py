"""The editors' "new submission" mail carries the unit's note to the editors.

On a resubmission after a request for changes, the note the unit wrote (the
SUBMIT event's comment) is its answer; editors read it in the mail, also when
the submission reached them through the head of unit's approval.
"""

import pytest

from news import notifications, services
from news.models import PostAction, PostEvent, PostStatus
from tests.factories import (
    CategoryFactory,
    EditorFactory,
    HeadFactory,
    PostFactory,
    RefusalReasonFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOTE = "Jumlah peserta sudah kami perbaiki menjadi 25 orang, sesuai daftar hadir."


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args, **kw: True)


@pytest.fixture
def editor():
    return EditorFactory(first_name="Rina")


def sent_back_post(author, editor):
    """A post the editors returned with a request for changes."""
    post = PostFactory(
        author=author, category=CategoryFactory(), title="Pelatihan las warga binaan"
    )
    services.post_submit(post=post, actor=author)
    post.refresh_from_db()
    if post.status == PostStatus.HEAD_REVIEW:
        services.post_head_approve(
            post=post, actor=HeadFactory(unit=author.unit, email="")
        )
    services.post_request_changes(
        post=post,
        actor=editor,
        reason_type=RefusalReasonFactory(),
        comment="Jumlah peserta belum sesuai.",
    )
    post.refresh_from_db()
    assert post.status == PostStatus.CHANGES_REQUESTED
    return post


def latest_event(post, action):
    return PostEvent.objects.filter(post=post, action=action).order_by("-pk").first()


def test_resubmission_mail_carries_the_units_note(mailoutbox, editor):
    author = UserFactory(unit=UnitFactory())
    post = sent_back_post(author, editor)
    mailoutbox.clear()

    services.post_submit(post=post, actor=author, note=NOTE)

    event = latest_event(post, PostAction.SUBMIT)
    assert notifications.submission_mail_send(event_id=event.pk) == 1
    (message,) = mailoutbox
    assert message.to == [editor.email]
    assert "sudah dikirim ulang oleh UPT" in message.body
    assert "Catatan UPT untuk redaksi:\n%s\n" % NOTE in message.body


def test_note_reaches_the_editors_through_the_heads_approval(mailoutbox, editor):
    unit = UnitFactory(requires_head_approval=True)
    author = UserFactory(unit=unit)
    head = HeadFactory(unit=unit)
    post = sent_back_post(author, editor)

    services.post_submit(post=post, actor=author, note=NOTE)
    post.refresh_from_db()
    assert post.status == PostStatus.HEAD_REVIEW
    services.post_head_approve(post=post, actor=head)
    mailoutbox.clear()

    event = latest_event(post, PostAction.HEAD_APPROVE)
    assert notifications.submission_mail_send(event_id=event.pk) == 1
    (message,) = mailoutbox
    assert message.to == [editor.email]
    assert "sudah dikirim ulang oleh UPT" in message.body
    assert "Catatan UPT untuk redaksi:\n%s\n" % NOTE in message.body


def test_first_submission_without_a_note_reads_as_before(mailoutbox, editor):
    author = UserFactory(unit=UnitFactory())
    post = PostFactory(author=author, category=CategoryFactory())

    services.post_submit(post=post, actor=author)

    event = latest_event(post, PostAction.SUBMIT)
    assert notifications.submission_mail_send(event_id=event.pk) == 1
    (message,) = mailoutbox
    assert "Ada kiriman berita baru yang menunggu keputusan redaksi." in message.body
    assert "dikirim ulang" not in message.body
    assert "Catatan UPT" not in message.body
    # The summary is still followed by one blank line, then the link.
    assert "%s\n\nBuka di ruang redaksi:" % post.lead in message.body
