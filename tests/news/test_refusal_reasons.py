"""Reasons for refusals: requests for changes and rejections carry a reason
type (required, active ones only) beside the required comment; it is stored
on the event, shown in the history and in the mail to the unit; editors keep
the list in the admin, and a reason already used cannot be deleted."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from news import notifications, services
from news.models import PostAction, PostEvent, PostStatus, RefusalReason
from tests.factories import (
    EditorFactory,
    PostFactory,
    RefusalReasonFactory,
    ReviewerFactory,
)
from tests.news.admin_pages import change_url, decide_url, texts

pytestmark = pytest.mark.django_db
S = PostStatus
CHANGELIST = reverse("admin:news_post_changelist")


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args: True)


@pytest.fixture
def photo():
    return RefusalReasonFactory(slug="foto-tidak-layak", name="Foto tidak layak")


@pytest.fixture
def retired():
    return RefusalReasonFactory(slug="alasan-lama", name="Alasan lama", is_active=False)


DECIDE = {
    "request_changes": services.post_request_changes,
    "reject": services.post_reject,
}


# --- The services ----------------------------------------------------------------


@pytest.mark.parametrize("action", list(DECIDE))
def test_a_reason_type_is_required(action, submitted, editor):
    with pytest.raises(ValidationError) as excinfo:
        DECIDE[action](
            post=submitted, actor=editor, reason_type=None, comment="Perbaiki."
        )
    assert excinfo.value.error_dict["reason_type"][0].code == "reason_type_required"
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert not PostEvent.objects.filter(post=submitted).exists()


@pytest.mark.parametrize("action", list(DECIDE))
def test_a_retired_reason_type_is_refused(action, submitted, editor, retired):
    with pytest.raises(ValidationError) as excinfo:
        DECIDE[action](
            post=submitted, actor=editor, reason_type=retired, comment="Perbaiki."
        )
    assert excinfo.value.error_dict["reason_type"][0].code == "reason_type_inactive"
    assert "Alasan lama" in excinfo.value.messages[0]


@pytest.mark.parametrize("action", list(DECIDE))
def test_the_comment_is_still_required(action, submitted, editor, photo):
    with pytest.raises(ValidationError) as excinfo:
        DECIDE[action](post=submitted, actor=editor, reason_type=photo, comment=" ")
    assert excinfo.value.error_list[0].code == "required"


@pytest.mark.parametrize(
    ("action", "status"),
    [("request_changes", S.CHANGES_REQUESTED), ("reject", S.REJECTED)],
)
def test_the_reason_type_is_stored_on_the_event(action, status, submitted, photo):
    DECIDE[action](
        post=submitted, actor=EditorFactory(), reason_type=photo, comment="Wajah."
    )
    submitted.refresh_from_db()
    assert submitted.status == status
    event = PostEvent.objects.get(post=submitted)
    assert (event.action, event.reason, event.comment) == (action, photo, "Wajah.")


# --- The admin's decision pages ------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "status"),
    [("minta-perbaikan", S.CHANGES_REQUESTED), ("tolak", S.REJECTED)],
)
def test_the_decision_form_asks_for_an_active_reason_type(
    editor_client, submitted, photo, retired, slug, status
):
    page = editor_client.get(decide_url(submitted, slug)).content.decode()
    assert "Jenis alasan" in page
    assert "Foto tidak layak" in page
    assert "Alasan lama" not in page

    missing = editor_client.post(decide_url(submitted, slug), {"comment": "Wajah."})
    assert missing.status_code == 200
    assert "Pilih jenis alasan." in missing.content.decode()
    # The comment typed is kept for the next try.
    assert "Wajah." in missing.content.decode()
    forged = editor_client.post(
        decide_url(submitted, slug), {"reason_type": retired.pk, "comment": "Wajah."}
    )
    assert forged.status_code == 200
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED

    done = editor_client.post(
        decide_url(submitted, slug), {"reason_type": photo.pk, "comment": "Wajah."}
    )
    assert done.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == status
    assert PostEvent.objects.get(post=submitted).reason == photo


def test_bulk_request_changes_needs_a_reason_type(editor_client, author, photo):
    posts = [
        PostFactory(author=author, status=S.SUBMITTED, submitted_at=timezone.now())
        for _ in range(2)
    ]
    selected = {
        "action": "request_changes",
        "_selected_action": [p.pk for p in posts],
        "apply": "1",
    }
    page = editor_client.post(CHANGELIST, {**selected, "comment": "Foto buram."})
    assert page.status_code == 200
    assert "Pilih jenis alasan." in page.content.decode()
    assert not PostEvent.objects.exists()

    done = editor_client.post(
        CHANGELIST, {**selected, "reason_type": photo.pk, "comment": "Foto buram."}
    )
    assert done.status_code == 302
    events = PostEvent.objects.filter(action=PostAction.REQUEST_CHANGES)
    assert [(e.reason, e.comment) for e in events] == [(photo, "Foto buram.")] * 2


# --- Where the unit and the editors read it -----------------------------------------


def test_history_pages_and_mail_name_the_reason_type(
    editor_client, client, submitted, photo, mailoutbox
):
    services.post_request_changes(
        post=submitted,
        actor=EditorFactory(),
        reason_type=photo,
        comment="Samarkan wajah warga binaan.",
    )
    event = PostEvent.objects.get(post=submitted)

    history = editor_client.get(reverse("admin:news_post_history", args=[submitted.pk]))
    assert "Foto tidak layak" in history.content.decode()
    change = editor_client.get(change_url(submitted)).content.decode()
    assert "Foto tidak layak" in change  # the events inline

    client.force_login(submitted.author)
    unit_page = client.get(reverse("news:post", args=[submitted.pk]))
    assert "Jenis alasan: Foto tidak layak" in unit_page.content.decode()
    dashboard = client.get(reverse("news:dashboard")).content.decode()
    assert "Diminta perbaikan · Foto tidak layak" in dashboard

    assert notifications.decision_mail_send(event_id=event.pk) >= 1
    body = mailoutbox[0].body
    assert "Jenis alasan: Foto tidak layak" in body
    assert "Samarkan wajah warga binaan." in body


# --- Editors keep the list ---------------------------------------------------------


@pytest.fixture
def admin_client_editor(client):
    client.force_login(EditorFactory())
    return client


def test_only_editors_who_decide_keep_the_list(client):
    url = reverse("admin:news_refusalreason_changelist")
    client.force_login(ReviewerFactory())
    assert client.get(url).status_code in (302, 403)


def test_editors_reorder_and_deactivate_reasons_in_the_list(admin_client_editor, photo):
    url = reverse("admin:news_refusalreason_changelist")
    page = admin_client_editor.get(url)
    assert page.status_code == 200
    reasons = list(RefusalReason.objects.all())
    data = {
        "form-TOTAL_FORMS": str(len(reasons)),
        "form-INITIAL_FORMS": str(len(reasons)),
        "_save": "Simpan",
    }
    for i, reason in enumerate(reasons):
        data["form-%d-id" % i] = str(reason.pk)
        data["form-%d-position" % i] = "99" if reason == photo else str(reason.position)
        if reason.is_active and reason != photo:
            data["form-%d-is_active" % i] = "on"
    response = admin_client_editor.post(url, data)
    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.position, photo.is_active) == (99, False)


def test_an_unused_reason_can_be_deleted(admin_client_editor):
    spare = RefusalReasonFactory(name="Cadangan")
    url = reverse("admin:news_refusalreason_delete", args=[spare.pk])
    assert admin_client_editor.get(url).status_code == 200
    admin_client_editor.post(url, {"post": "yes"})
    assert not RefusalReason.objects.filter(pk=spare.pk).exists()


def test_a_used_reason_cannot_be_deleted_deactivate_instead(
    admin_client_editor, submitted, photo
):
    services.post_reject(
        post=submitted, actor=EditorFactory(), reason_type=photo, comment="Wajah."
    )
    url = reverse("admin:news_refusalreason_delete", args=[photo.pk])
    response = admin_client_editor.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert RefusalReason.objects.filter(pk=photo.pk).exists()
    (message,) = texts(response)
    assert "tidak dapat dihapus" in message
    assert "Nonaktifkan" in message
    # The database refuses too (PROTECT), whatever the page.
    with pytest.raises(ProtectedError):
        photo.delete()
