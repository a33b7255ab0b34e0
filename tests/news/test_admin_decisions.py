"""Decision buttons and pages, and bulk actions (news.admin.decisions)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import (
    Post,
    PostAction,
    PostEvent,
    PostStatus,
)
from tests.factories import (
    EditorFactory,
    RefusalReasonFactory,
)
from tests.news.admin_pages import (
    change_form_data,
    change_url,
    decide_url,
    make_post,
    texts,
)

S = PostStatus
pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:news_post_changelist")


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args: True)


# --- Decisions on one post ---------------------------------------------------------


def test_change_page_offers_the_allowed_decisions(editor_client, submitted):
    content = editor_client.get(change_url(submitted)).content.decode()
    for slug in ("setujui", "jadwalkan", "minta-perbaikan", "tolak"):
        assert decide_url(submitted, slug) in content
    for slug in ("tarik", "jadikan-pilihan", "lepas-pilihan"):
        assert decide_url(submitted, slug) not in content
    # Not public yet: no "view on site" link.
    assert 'class="viewsitelink"' not in content


def test_approve_now_button(editor_client, submitted, editor):
    page = editor_client.get(decide_url(submitted, "setujui"))
    assert page.status_code == 200
    assert "Setujui dan terbitkan sekarang" in page.content.decode()

    response = editor_client.post(decide_url(submitted, "setujui"))

    assert response.status_code == 302
    assert response.url == change_url(submitted)
    submitted.refresh_from_db()
    assert submitted.status == S.PUBLISHED
    event = PostEvent.objects.get(post=submitted)
    assert (event.action, event.actor) == (PostAction.APPROVE, editor)
    assert "Berita disetujui dan diterbitkan." in texts(response)


def test_approve_with_schedule_button(editor_client, submitted):
    when = timezone.localtime() + timedelta(days=1)
    response = editor_client.post(
        decide_url(submitted, "jadwalkan"),
        {
            "publish_at_0": when.strftime("%Y-%m-%d"),
            "publish_at_1": when.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.SCHEDULED
    assert abs(submitted.publish_at - when) < timedelta(seconds=1)


def test_schedule_in_the_past_shows_the_error(editor_client, submitted):
    when = timezone.localtime() - timedelta(hours=1)
    response = editor_client.post(
        decide_url(submitted, "jadwalkan"),
        {
            "publish_at_0": when.strftime("%Y-%m-%d"),
            "publish_at_1": when.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 200
    assert "Jadwal terbit harus di masa depan." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


@pytest.mark.parametrize(
    ("slug", "status"),
    [("minta-perbaikan", S.CHANGES_REQUESTED), ("tolak", S.REJECTED)],
)
def test_comment_required_decisions(editor_client, submitted, slug, status):
    reason = RefusalReasonFactory()
    refused = editor_client.post(
        decide_url(submitted, slug), {"reason_type": reason.pk, "comment": "  "}
    )
    assert refused.status_code == 200
    assert "errorlist" in refused.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED

    response = editor_client.post(
        decide_url(submitted, slug),
        {"reason_type": reason.pk, "comment": "Lengkapi foto kegiatan."},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == status
    assert PostEvent.objects.get(post=submitted).comment == "Lengkapi foto kegiatan."


def test_unpublish_and_feature_buttons(editor_client, author, category):
    post = make_post(author, category, status=S.PUBLISHED, published_at=timezone.now())
    content = editor_client.get(change_url(post)).content.decode()
    assert 'href="%s" class="viewsitelink"' % post.get_absolute_url() in content
    assert decide_url(post, "tarik") in content
    assert decide_url(post, "jadikan-pilihan") in content
    assert decide_url(post, "setujui") not in content

    editor_client.post(decide_url(post, "jadikan-pilihan"))
    post.refresh_from_db()
    assert post.is_featured
    assert (
        decide_url(post, "lepas-pilihan")
        in editor_client.get(change_url(post)).content.decode()
    )
    editor_client.post(decide_url(post, "lepas-pilihan"))
    post.refresh_from_db()
    assert not post.is_featured

    assert (
        editor_client.post(decide_url(post, "tarik"), {"comment": ""}).status_code
        == 200
    )
    editor_client.post(decide_url(post, "tarik"), {"comment": "Data keliru."})
    post.refresh_from_db()
    assert post.status == S.UNPUBLISHED


def test_late_second_decision_shows_a_clear_message(editor_client, submitted):
    other_editor = EditorFactory()
    from news import services

    services.post_reject(
        post=submitted,
        actor=other_editor,
        reason_type=RefusalReasonFactory(),
        comment="Duplikat.",
    )

    response = editor_client.post(decide_url(submitted, "setujui"))

    assert response.status_code == 302
    assert any(m.startswith("Berita ini sudah diputuskan") for m in texts(response))
    submitted.refresh_from_db()
    assert submitted.status == S.REJECTED
    assert PostEvent.objects.filter(post=submitted).count() == 1


def test_unavailable_decision_page_redirects(editor_client, author, category):
    draft = make_post(author, category)
    response = editor_client.get(decide_url(draft, "setujui"))
    assert response.status_code == 302
    assert editor_client.get(decide_url(draft, "tidak-ada")).status_code == 404


# --- The history inline on the decision page -------------------------------------


def _history_inline(content: str) -> str:
    start = content.index('id="events-group"')
    return content[start : content.index("</table>", start)]


def test_history_inline_names_people_as_the_history_page_does(
    editor_client, submitted, author, editor
):
    author.first_name, author.last_name = "Siti", "Aminah"
    author.save()
    editor.first_name, editor.last_name = "", ""
    editor.save()
    PostEvent.objects.create(
        post=submitted,
        actor=author,
        action=PostAction.SUBMIT,
        from_status=S.DRAFT,
        to_status=S.SUBMITTED,
    )
    PostEvent.objects.create(
        post=submitted, actor=editor, action=PostAction.EDIT, comment="Judul dirapikan."
    )
    PostEvent.objects.create(post=submitted, actor=None, action=PostAction.EDIT)

    history = _history_inline(editor_client.get(change_url(submitted)).content.decode())

    assert "Siti Aminah" in history
    assert editor.username in history  # no full name: the username
    assert "Sistem (jadwal)" in history
    # Names only, no links to user accounts a reviewer could not open.
    assert "<a " not in history
    # Each cell carries its label, for the cards on a phone.
    assert 'class="news-events-label">Oleh</span>' in history


def test_change_form_still_saves_with_history_rows(editor_client, submitted, author):
    PostEvent.objects.create(
        post=submitted, actor=author, action=PostAction.SUBMIT, to_status=S.SUBMITTED
    )
    data = change_form_data(editor_client, submitted, title="Judul baru")

    response = editor_client.post(change_url(submitted), data)

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.title == "Judul baru"


# --- Bulk actions ------------------------------------------------------------------


def test_bulk_approve_reports_each_post(editor_client, author, category):
    first = make_post(author, category, status=S.SUBMITTED, submitted_at=timezone.now())
    second = make_post(
        author, category, status=S.SUBMITTED, submitted_at=timezone.now()
    )
    # Drafts are not in the queue to select; a published post can be.
    published = make_post(
        author,
        category,
        status=S.PUBLISHED,
        published_at=timezone.now(),
        title="Sudah terbit",
    )

    response = editor_client.post(
        CHANGELIST,
        {
            "action": "approve_and_publish",
            "_selected_action": [first.pk, second.pk, published.pk],
        },
    )

    assert response.status_code == 302
    assert Post.objects.filter(status=S.PUBLISHED).count() == 3
    messages = texts(response)
    assert any(m.startswith("2 berita disetujui dan diterbitkan") for m in messages)
    assert any(m.startswith("«Sudah terbit» tidak diproses") for m in messages)


def test_bulk_request_changes_asks_for_a_comment(editor_client, author, category):
    posts = [
        make_post(author, category, status=S.SUBMITTED, submitted_at=timezone.now())
        for _ in range(2)
    ]
    selected = {"action": "request_changes", "_selected_action": [p.pk for p in posts]}

    page = editor_client.post(CHANGELIST, selected)
    assert page.status_code == 200
    assert "Catatan untuk UPT" in page.content.decode()

    reason = RefusalReasonFactory()
    blank = editor_client.post(
        CHANGELIST,
        {**selected, "apply": "1", "reason_type": reason.pk, "comment": ""},
    )
    assert blank.status_code == 200
    assert "errorlist" in blank.content.decode()
    assert Post.objects.filter(status=S.SUBMITTED).count() == 2

    done = editor_client.post(
        CHANGELIST,
        {
            **selected,
            "apply": "1",
            "reason_type": reason.pk,
            "comment": "Foto kurang jelas.",
        },
    )
    assert done.status_code == 302
    assert Post.objects.filter(status=S.CHANGES_REQUESTED).count() == 2
    assert (
        list(
            PostEvent.objects.filter(action=PostAction.REQUEST_CHANGES).values_list(
                "comment", flat=True
            )
        )
        == ["Foto kurang jelas."] * 2
    )
