"""news.services: every move allowed and refused per role, with its audit row."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from news import notifications, services
from news.models import (
    Photo,
    PhotoKind,
    Post,
    PostAction,
    PostEvent,
    PostRevision,
    PostStatus,
    Tag,
)
from news.services import SubmissionRateLimited
from tests.factories import (
    CategoryFactory,
    EditorFactory,
    HeadFactory,
    PostFactory,
    RefusalReasonFactory,
    ReviewerFactory,
    UserFactory,
)
from tests.news.xss import PAYLOADS, problems_in
from units.models import Role

S = PostStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    """Tasks the services enqueue after commit, as (task name, args)."""
    calls = []
    monkeypatch.setattr(
        "portal.enqueue.enqueue", lambda task, *args: calls.append((task.name, args))
    )
    return calls


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit)


@pytest.fixture
def head(unit):
    return HeadFactory(unit=unit)


@pytest.fixture
def category():
    return CategoryFactory(name="Kegiatan", slug="kegiatan")


def make_post(author, status=S.DRAFT, **fields):
    return PostFactory(author=author, status=status, **fields)


def events(post, action=None):
    queryset = PostEvent.objects.filter(post=post)
    return queryset.filter(action=action) if action else queryset


def code_of(excinfo) -> str:
    exc = excinfo.value
    if hasattr(exc, "error_dict"):
        return next(iter(exc.error_dict.values()))[0].code
    return exc.error_list[0].code


# --- post_create ---------------------------------------------------------------


def test_create_makes_a_sanitised_draft_of_the_authors_unit(contributor, category):
    post = services.post_create(
        author=contributor,
        title="  Pelatihan   menjahit bagi warga binaan ",
        lead="Dua puluh warga binaan\r\nmengikuti pelatihan.",
        body='<p onclick="x()">Isi <script>alert(1)</script>berita</p>',
        category=category,
        tags=["pembinaan", "Kemandirian", "pembinaan"],
        location="Aula Lapas",
    )

    post.refresh_from_db()
    assert post.status == S.DRAFT
    assert post.unit == contributor.unit
    assert post.author == contributor
    assert post.title == "Pelatihan menjahit bagi warga binaan"
    assert post.slug == "pelatihan-menjahit-bagi-warga-binaan"
    assert post.lead == "Dua puluh warga binaan mengikuti pelatihan."
    assert post.body == "<p>Isi berita</p>"
    assert sorted(post.tags.values_list("slug", flat=True)) == [
        "kemandirian",
        "pembinaan",
    ]
    event = events(post).get()
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        PostAction.CREATE,
        contributor,
        "",
        S.DRAFT,
    )


def test_create_gives_unique_slugs_and_reuses_tags(contributor, category):
    Tag.objects.create(name="Pembinaan", slug="pembinaan")
    kwargs = {
        "author": contributor,
        "title": "Upacara Hari Bhakti",
        "lead": "Ringkasan.",
        "body": "<p>Isi</p>",
        "category": category,
        "tags": ["pembinaan"],
    }
    first = services.post_create(**kwargs)
    second = services.post_create(**kwargs)

    assert (first.slug, second.slug) == ("upacara-hari-bhakti", "upacara-hari-bhakti-2")
    assert Tag.objects.filter(slug="pembinaan").count() == 1


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Judul\r\nBcc: korban@example.org", "control_characters"),
        ("Judul\x00", "control_characters"),
        ("Judul \u202eekat", "control_characters"),
        ("   ", "required"),
        ("J" * 201, "max_length"),
    ],
)
def test_create_refuses_bad_titles(contributor, category, title, code):
    with pytest.raises(ValidationError) as excinfo:
        services.post_create(
            author=contributor,
            title=title,
            lead="Ringkasan.",
            body="<p>Isi</p>",
            category=category,
        )
    assert code_of(excinfo) == code
    assert "title" in excinfo.value.message_dict
    assert not Post.objects.exists()


def test_create_refuses_control_characters_in_lead(contributor, category):
    with pytest.raises(ValidationError) as excinfo:
        services.post_create(
            author=contributor,
            title="Judul",
            lead="Ringkasan\x1b[2J",
            body="<p>Isi</p>",
            category=category,
        )
    assert "lead" in excinfo.value.message_dict


@pytest.mark.parametrize(
    "body", ["", "<p>&nbsp;</p>", "<script>alert(1)</script>", "<img src=x>"]
)
def test_create_refuses_body_empty_after_sanitising(contributor, category, body):
    with pytest.raises(ValidationError) as excinfo:
        services.post_create(
            author=contributor, title="Judul", lead="R.", body=body, category=category
        )
    assert excinfo.value.message_dict["body"]
    assert code_of(excinfo) == "empty_body"


@pytest.mark.parametrize("factory", [EditorFactory, ReviewerFactory])
def test_only_unit_staff_create(factory, category):
    with pytest.raises(ValidationError) as excinfo:
        services.post_create(
            author=factory(),
            title="Judul",
            lead="R.",
            body="<p>x</p>",
            category=category,
        )
    assert code_of(excinfo) == "permission_denied"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_corpus_is_stored_clean(contributor, category, payload):
    post = services.post_create(
        author=contributor,
        title="Uji XSS",
        lead="Ringkasan.",
        body="<p>Teks aman.</p>" + payload,
        category=category,
    )
    stored = Post.objects.get(pk=post.pk).body
    assert problems_in(stored) == []
    assert payload not in stored or "<" not in payload


# --- post_update ---------------------------------------------------------------


def test_unit_edits_its_draft_without_audit(contributor, category):
    post = make_post(contributor)
    services.post_update(
        post=post,
        actor=contributor,
        title="Judul baru",
        body='<p>Baru <a href="javascript:x">x</a></p>',
        tags=["pramuka"],
    )
    post.refresh_from_db()
    assert post.title == "Judul baru"
    assert post.body == '<p>Baru <a rel="noopener noreferrer">x</a></p>'
    assert list(post.tags.values_list("name", flat=True)) == ["pramuka"]
    assert not events(post).exists()
    assert not PostRevision.objects.exists()


@pytest.mark.parametrize(
    "status", [S.HEAD_REVIEW, S.SUBMITTED, S.PUBLISHED, S.REJECTED, S.SCHEDULED]
)
def test_unit_cannot_edit_locked_text(contributor, status):
    post = make_post(
        contributor,
        status=status,
        published_at=timezone.now(),
        publish_at=timezone.now() + timedelta(days=1),
    )
    with pytest.raises(ValidationError) as excinfo:
        services.post_update(post=post, actor=contributor, title="Diubah")
    assert code_of(excinfo) == "not_editable"
    post.refresh_from_db()
    assert post.title != "Diubah"


def test_another_unit_cannot_edit(contributor):
    post = make_post(contributor)
    stranger = UserFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.post_update(post=post, actor=stranger, title="Diubah")
    assert code_of(excinfo) == "permission_denied"


def test_reviewer_cannot_edit(contributor):
    post = make_post(contributor, status=S.SUBMITTED)
    with pytest.raises(ValidationError):
        services.post_update(post=post, actor=ReviewerFactory(), title="Diubah")


def test_editor_fixes_a_submission_before_approving(contributor, editor):
    post = make_post(contributor, status=S.SUBMITTED)
    services.post_update(post=post, actor=editor, title="Judul dirapikan")

    post.refresh_from_db()
    assert post.title == "Judul dirapikan"
    assert post.status == S.SUBMITTED
    event = events(post).get()
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        PostAction.EDIT,
        editor,
        S.SUBMITTED,
        S.SUBMITTED,
    )
    assert "judul" in event.comment
    assert not PostRevision.objects.exists()


def test_editing_a_published_post_keeps_a_revision(contributor, editor):
    post = make_post(
        contributor,
        status=S.PUBLISHED,
        published_at=timezone.now(),
        title="Lama",
        lead="Ringkasan lama",
        body="<p>Isi lama</p>",
    )
    services.post_update(post=post, actor=editor, body="<p>Isi baru</p>")
    services.post_update(post=post, actor=editor, title="Baru")

    revisions = list(PostRevision.objects.filter(post=post).order_by("id"))
    assert [(r.title, r.body) for r in revisions] == [
        ("Lama", "<p>Isi lama</p>"),
        ("Lama", "<p>Isi baru</p>"),
    ]
    assert revisions[0].editor == editor
    assert events(post, PostAction.EDIT).count() == 2


def test_update_without_change_records_nothing(contributor, editor):
    post = make_post(contributor, status=S.PUBLISHED, published_at=timezone.now())
    services.post_update(post=post, actor=editor, title=post.title, body=post.body)
    assert not events(post).exists()
    assert not PostRevision.objects.exists()


def test_update_refuses_unknown_fields(contributor):
    post = make_post(contributor)
    with pytest.raises(TypeError):
        services.post_update(post=post, actor=contributor, status=S.PUBLISHED)


def test_update_refuses_empty_body(contributor):
    post = make_post(contributor)
    with pytest.raises(ValidationError) as excinfo:
        services.post_update(post=post, actor=contributor, body="<p> </p>")
    assert code_of(excinfo) == "empty_body"


# --- Submitting ------------------------------------------------------------------


def test_submit_sends_to_editors(
    contributor, enqueued, django_capture_on_commit_callbacks
):
    post = make_post(contributor)
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_submit(post=post, actor=contributor)

    post.refresh_from_db()
    assert post.status == S.SUBMITTED
    assert post.submitted_at is not None
    event = events(post).get()
    assert (event.action, event.from_status, event.to_status) == (
        PostAction.SUBMIT,
        S.DRAFT,
        S.SUBMITTED,
    )
    assert enqueued == [
        ("news.tasks.notify_new_submission", (event.pk,)),
        ("news.tasks.run_post_checks", (post.pk,)),
    ]
    assert event.notified_at is None  # owed a mail until the task has sent it


def test_resubmit_after_changes_requested(contributor):
    post = make_post(contributor, status=S.CHANGES_REQUESTED)
    services.post_submit(post=post, actor=contributor)
    post.refresh_from_db()
    assert post.status == S.SUBMITTED


def test_submit_goes_to_head_when_unit_requires_it(
    unit, contributor, head, enqueued, django_capture_on_commit_callbacks
):
    unit.requires_head_approval = True
    unit.save()
    post = make_post(contributor)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_submit(post=post, actor=contributor)
    post.refresh_from_db()
    assert post.status == S.HEAD_REVIEW
    # The head is asked to approve it; the editors hear nothing yet.
    event = events(post).get()
    assert enqueued == [
        ("news.tasks.notify_head_review", (event.pk,)),
        ("news.tasks.run_post_checks", (post.pk,)),
    ]

    # The head's own post needs no second look.
    own = make_post(head)
    services.post_submit(post=own, actor=head)
    own.refresh_from_db()
    assert own.status == S.SUBMITTED


@pytest.mark.parametrize(
    "status", [S.SUBMITTED, S.PUBLISHED, S.REJECTED, S.HEAD_REVIEW]
)
def test_submit_refused_from_other_statuses(contributor, status):
    post = make_post(contributor, status=status, published_at=timezone.now())
    with pytest.raises(ValidationError) as excinfo:
        services.post_submit(post=post, actor=contributor)
    assert code_of(excinfo) == "invalid_transition"
    assert not events(post).exists()


@pytest.mark.parametrize("who", ["editor", "reviewer", "stranger"])
def test_only_the_unit_submits(contributor, who):
    actor = {
        "editor": EditorFactory,
        "reviewer": ReviewerFactory,
        "stranger": UserFactory,
    }[who]()
    post = make_post(contributor)
    with pytest.raises(ValidationError) as excinfo:
        services.post_submit(post=post, actor=actor)
    assert code_of(excinfo) == "permission_denied"


def test_inactive_account_cannot_submit(contributor):
    post = make_post(contributor)
    contributor.is_active = False
    contributor.save()
    with pytest.raises(ValidationError):
        services.post_submit(post=post, actor=contributor)


def test_submit_refuses_empty_body(contributor):
    post = make_post(contributor, body="<p>&nbsp;</p><script>x</script>")
    with pytest.raises(ValidationError) as excinfo:
        services.post_submit(post=post, actor=contributor)
    assert code_of(excinfo) == "empty_body"
    post.refresh_from_db()
    assert post.status == S.DRAFT


def test_rate_limit_saves_nothing(
    settings, contributor, enqueued, django_capture_on_commit_callbacks
):
    settings.SUBMISSIONS_PER_UNIT_PER_HOUR = 2
    colleague = UserFactory(unit=contributor.unit)
    posts = [make_post(contributor), make_post(colleague), make_post(contributor)]
    # An old submission does not count against the hour.
    old = make_post(contributor, status=S.SUBMITTED)
    PostEvent.objects.create(post=old, action=PostAction.SUBMIT, to_status=S.SUBMITTED)
    PostEvent.objects.filter(post=old).update(
        created_at=timezone.now() - timedelta(hours=1, minutes=1)
    )
    # Another unit's submissions do not count either.
    stranger = UserFactory()
    services.post_submit(post=make_post(stranger), actor=stranger)
    services.post_submit(post=posts[0], actor=contributor)
    services.post_submit(post=posts[1], actor=colleague)
    enqueued.clear()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(SubmissionRateLimited) as excinfo,
    ):
        services.post_submit(post=posts[2], actor=contributor)

    assert excinfo.value.code == "rate_limited"
    assert "2 berita" in excinfo.value.messages[0]
    assert isinstance(excinfo.value, ValidationError)
    posts[2].refresh_from_db()
    assert posts[2].status == S.DRAFT
    assert posts[2].submitted_at is None
    assert not events(posts[2]).exists()
    assert callbacks == []
    assert enqueued == []


# --- The head's step -------------------------------------------------------------


@pytest.fixture
def in_head_review(contributor):
    return make_post(contributor, status=S.HEAD_REVIEW, submitted_at=timezone.now())


def test_head_approves(
    head, in_head_review, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.post_head_approve(post=in_head_review, actor=head)
    in_head_review.refresh_from_db()
    assert in_head_review.status == S.SUBMITTED
    event = events(in_head_review).get()
    assert (event.action, event.actor, event.from_status) == (
        PostAction.HEAD_APPROVE,
        head,
        S.HEAD_REVIEW,
    )
    assert enqueued == [
        ("news.tasks.notify_new_submission", (event.pk,)),
        ("news.tasks.run_post_checks", (in_head_review.pk,)),
    ]


@pytest.mark.parametrize("who", ["contributor", "other_head", "editor"])
def test_only_the_units_head_approves(contributor, in_head_review, who):
    actor = {
        "contributor": lambda: contributor,
        "other_head": lambda: HeadFactory(),
        "editor": EditorFactory,
    }[who]()
    with pytest.raises(ValidationError) as excinfo:
        services.post_head_approve(post=in_head_review, actor=actor)
    assert code_of(excinfo) == "permission_denied"
    in_head_review.refresh_from_db()
    assert in_head_review.status == S.HEAD_REVIEW


def test_head_returns_with_comment(
    head, in_head_review, enqueued, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as excinfo:
        services.post_head_return(post=in_head_review, actor=head, comment="  ")
    assert code_of(excinfo) == "required"

    with django_capture_on_commit_callbacks(execute=True):
        services.post_head_return(
            post=in_head_review, actor=head, comment="Tambahkan nama kegiatan."
        )
    in_head_review.refresh_from_db()
    assert in_head_review.status == S.CHANGES_REQUESTED
    event = events(in_head_review).get()
    assert event.comment == "Tambahkan nama kegiatan."
    assert enqueued == [("news.tasks.notify_decision", (event.pk,))]


def test_head_cannot_approve_a_draft(contributor, head):
    post = make_post(contributor)
    with pytest.raises(ValidationError) as excinfo:
        services.post_head_approve(post=post, actor=head)
    assert code_of(excinfo) == "invalid_transition"


# --- Withdrawing -----------------------------------------------------------------


@pytest.mark.parametrize("status", [S.SUBMITTED, S.HEAD_REVIEW])
def test_withdraw_returns_an_undecided_submission_to_draft(contributor, status):
    post = make_post(contributor, status=status, submitted_at=timezone.now())
    colleague = UserFactory(unit=contributor.unit)
    services.post_withdraw(post=post, actor=colleague)
    post.refresh_from_db()
    assert post.status == S.DRAFT
    assert post.submitted_at is None
    event = events(post).get()
    assert (event.action, event.from_status, event.to_status) == (
        PostAction.WITHDRAW,
        status,
        S.DRAFT,
    )
    # And the text is the unit's again.
    services.post_update(post=post, actor=contributor, title="Diperbaiki")


@pytest.mark.parametrize(
    "status", [S.DRAFT, S.PUBLISHED, S.CHANGES_REQUESTED, S.REJECTED]
)
def test_withdraw_refused_once_decided(contributor, status):
    post = make_post(contributor, status=status, published_at=timezone.now())
    with pytest.raises(ValidationError) as excinfo:
        services.post_withdraw(post=post, actor=contributor)
    assert code_of(excinfo) == "invalid_transition"


def test_other_unit_cannot_withdraw(contributor):
    post = make_post(contributor, status=S.SUBMITTED)
    with pytest.raises(ValidationError):
        services.post_withdraw(post=post, actor=UserFactory())


# --- Editorial decisions ---------------------------------------------------------


@pytest.fixture
def submitted(contributor):
    return make_post(contributor, status=S.SUBMITTED, submitted_at=timezone.now())


def test_approve_publishes_now(
    editor, submitted, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(post=submitted, actor=editor)
    submitted.refresh_from_db()
    assert submitted.status == S.PUBLISHED
    assert submitted.published_at is not None
    event = events(submitted).get()
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        PostAction.APPROVE,
        editor,
        S.SUBMITTED,
        S.PUBLISHED,
    )
    assert enqueued == [("news.tasks.notify_decision", (event.pk,))]


def test_approve_with_schedule(editor, submitted):
    when = timezone.now() + timedelta(hours=3)
    services.post_approve(post=submitted, actor=editor, publish_at=when)
    submitted.refresh_from_db()
    assert submitted.status == S.SCHEDULED
    assert submitted.publish_at == when
    assert submitted.published_at is None
    assert events(submitted).get().action == PostAction.SCHEDULE


def test_schedule_in_the_past_is_refused(editor, submitted):
    with pytest.raises(ValidationError) as excinfo:
        services.post_approve(
            post=submitted, actor=editor, publish_at=timezone.now() - timedelta(1)
        )
    assert code_of(excinfo) == "publish_at_past"
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_second_decision_is_refused_clearly(editor, submitted):
    services.post_approve(post=submitted, actor=editor)
    with pytest.raises(ValidationError) as excinfo:
        services.post_reject(
            post=submitted,
            actor=EditorFactory(),
            reason_type=RefusalReasonFactory(),
            comment="Duplikat",
        )
    assert code_of(excinfo) == "already_decided"
    assert excinfo.value.messages[0].startswith("Berita ini sudah diputuskan")
    assert "Terbit" in excinfo.value.messages[0]
    assert events(submitted).count() == 1


DECISIONS = {
    "approve": lambda post, actor: services.post_approve(post=post, actor=actor),
    "schedule": lambda post, actor: services.post_approve(
        post=post, actor=actor, publish_at=timezone.now() + timedelta(days=1)
    ),
    "request_changes": lambda post, actor: services.post_request_changes(
        post=post, actor=actor, reason_type=RefusalReasonFactory(), comment="Perbaiki."
    ),
    "reject": lambda post, actor: services.post_reject(
        post=post,
        actor=actor,
        reason_type=RefusalReasonFactory(),
        comment="Tidak layak.",
    ),
}


@pytest.mark.parametrize("decision", sorted(DECISIONS))
@pytest.mark.parametrize("who", ["contributor", "head", "reviewer"])
def test_only_editors_decide(contributor, submitted, decision, who):
    actor = {
        "contributor": lambda: contributor,
        "head": lambda: HeadFactory(unit=contributor.unit),
        "reviewer": ReviewerFactory,
    }[who]()
    with pytest.raises(ValidationError) as excinfo:
        DECISIONS[decision](submitted, actor)
    assert code_of(excinfo) == "permission_denied"
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert not events(submitted).exists()


@pytest.mark.parametrize("decision", sorted(DECISIONS))
@pytest.mark.parametrize("status", [S.DRAFT, S.HEAD_REVIEW, S.PUBLISHED, S.REJECTED])
def test_decisions_need_a_submission(contributor, editor, decision, status):
    post = make_post(contributor, status=status, published_at=timezone.now())
    with pytest.raises(ValidationError) as excinfo:
        DECISIONS[decision](post, editor)
    assert code_of(excinfo) == "already_decided"
    assert not events(post).exists()


def test_administrator_and_superuser_decide(contributor):
    for actor in (
        UserFactory(role=Role.ADMIN, unit=None),
        UserFactory(role=Role.EDITOR, unit=None, is_superuser=True),
    ):
        post = make_post(contributor, status=S.SUBMITTED)
        services.post_approve(post=post, actor=actor)


def test_request_changes_needs_a_comment_and_unlocks(contributor, editor, submitted):
    for comment in ("", "   \n "):
        with pytest.raises(ValidationError) as excinfo:
            services.post_request_changes(
                post=submitted,
                actor=editor,
                reason_type=RefusalReasonFactory(),
                comment=comment,
            )
        assert code_of(excinfo) == "required"
    with pytest.raises(ValidationError) as excinfo:
        services.post_request_changes(
            post=submitted,
            actor=editor,
            reason_type=RefusalReasonFactory(),
            comment="x\x00",
        )
    assert code_of(excinfo) == "control_characters"

    services.post_request_changes(
        post=submitted,
        actor=editor,
        reason_type=RefusalReasonFactory(),
        comment="Lengkapi nama\r\nnarasumber.",
    )
    submitted.refresh_from_db()
    assert submitted.status == S.CHANGES_REQUESTED
    assert events(submitted).get().comment == "Lengkapi nama\nnarasumber."
    services.post_update(post=submitted, actor=contributor, title="Sudah diperbaiki")


def test_reject_needs_a_reason(editor, submitted):
    with pytest.raises(ValidationError) as excinfo:
        services.post_reject(
            post=submitted, actor=editor, reason_type=RefusalReasonFactory(), comment=""
        )
    assert code_of(excinfo) == "required"
    services.post_reject(
        post=submitted,
        actor=editor,
        reason_type=RefusalReasonFactory(),
        comment="Bukan kegiatan UPT.",
    )
    submitted.refresh_from_db()
    assert submitted.status == S.REJECTED
    assert events(submitted).get().comment == "Bukan kegiatan UPT."


def test_comment_length_is_bounded(editor, submitted):
    with pytest.raises(ValidationError) as excinfo:
        services.post_reject(
            post=submitted,
            actor=editor,
            reason_type=RefusalReasonFactory(),
            comment="x" * 2001,
        )
    assert code_of(excinfo) == "max_length"


@pytest.mark.parametrize("status", [S.PUBLISHED, S.SCHEDULED])
def test_unpublish(contributor, editor, status):
    post = make_post(
        contributor,
        status=status,
        published_at=timezone.now(),
        publish_at=timezone.now() + timedelta(days=1),
        is_featured=status == S.PUBLISHED,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.post_unpublish(post=post, actor=editor, reason=" ")
    assert code_of(excinfo) == "required"

    services.post_unpublish(post=post, actor=editor, reason="Data belum akurat.")
    post.refresh_from_db()
    assert post.status == S.UNPUBLISHED
    assert not post.is_featured
    assert events(post).get().from_status == status


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.UNPUBLISHED])
def test_unpublish_refused_when_not_public(contributor, editor, status):
    post = make_post(contributor, status=status)
    with pytest.raises(ValidationError) as excinfo:
        services.post_unpublish(post=post, actor=editor, reason="x")
    assert code_of(excinfo) == "invalid_transition"


def test_unpublish_only_by_editors(contributor):
    post = make_post(contributor, status=S.PUBLISHED, published_at=timezone.now())
    with pytest.raises(ValidationError):
        services.post_unpublish(post=post, actor=contributor, reason="x")


def test_feature_and_unfeature(contributor, editor):
    post = make_post(contributor, status=S.PUBLISHED, published_at=timezone.now())
    services.post_set_featured(post=post, actor=editor, featured=True)
    services.post_set_featured(post=post, actor=editor, featured=True)  # no-op
    post.refresh_from_db()
    assert post.is_featured
    services.post_set_featured(post=post, actor=editor, featured=False)
    post.refresh_from_db()
    assert not post.is_featured
    assert list(events(post).order_by("id").values_list("action", flat=True)) == [
        PostAction.FEATURE,
        PostAction.UNFEATURE,
    ]


def test_feature_refused_unless_published(contributor, editor, submitted):
    with pytest.raises(ValidationError) as excinfo:
        services.post_set_featured(post=submitted, actor=editor, featured=True)
    assert code_of(excinfo) == "not_published"
    with pytest.raises(ValidationError):
        services.post_set_featured(post=submitted, actor=contributor, featured=True)


def test_available_actions(contributor, editor, head, submitted):
    assert services.post_available_actions(post=submitted, actor=editor) == [
        PostAction.APPROVE,
        PostAction.SCHEDULE,
        PostAction.REQUEST_CHANGES,
        PostAction.REJECT,
    ]
    assert services.post_available_actions(post=submitted, actor=contributor) == [
        PostAction.WITHDRAW
    ]
    assert services.post_available_actions(post=submitted, actor=UserFactory()) == []
    published = make_post(contributor, status=S.PUBLISHED, published_at=timezone.now())
    assert services.post_available_actions(post=published, actor=editor) == [
        PostAction.UNPUBLISH,
        PostAction.FEATURE,
    ]
    review = make_post(contributor, status=S.HEAD_REVIEW)
    assert services.post_available_actions(post=review, actor=head) == [
        PostAction.WITHDRAW,
        PostAction.HEAD_APPROVE,
        PostAction.HEAD_RETURN,
    ]


# --- Scheduled publishing --------------------------------------------------------


def test_publish_due(contributor, enqueued, django_capture_on_commit_callbacks):
    now = timezone.now()
    due = [
        make_post(
            contributor, status=S.SCHEDULED, publish_at=now - timedelta(minutes=m)
        )
        for m in range(1, 6)
    ]
    later = make_post(contributor, status=S.SCHEDULED, publish_at=now + timedelta(1))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.post_publish_due(now=now, batch_size=2) == 5
    assert services.post_publish_due(now=now) == 0

    for post in due:
        post.refresh_from_db()
        assert post.status == S.PUBLISHED
        assert post.published_at == post.publish_at
        event = events(post).get()
        assert (event.action, event.actor, event.from_status) == (
            PostAction.PUBLISH,
            None,
            S.SCHEDULED,
        )
    later.refresh_from_db()
    assert later.status == S.SCHEDULED
    assert (
        sorted(name for name, _args in enqueued) == ["news.tasks.notify_decision"] * 5
    )


# --- Notifications (built directly; the tasks are tested in test_tasks) ---------


def test_decision_mail_subject_is_one_line(mailoutbox, contributor, editor):
    colleague = UserFactory(unit=contributor.unit)
    UserFactory(unit=contributor.unit, email="")  # no address: skipped
    UserFactory(unit=contributor.unit, is_active=False)  # inactive: skipped
    # Stored before validation existed, say: still no header injection.
    post = make_post(contributor, status=S.SUBMITTED, title="Judul\r\nBcc: x@evil.org")
    services.post_reject(
        post=post,
        actor=editor,
        reason_type=RefusalReasonFactory(),
        comment="Tidak sesuai.",
    )
    event = events(post).get()

    assert notifications.decision_mail_send(event_id=event.pk) == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [contributor.email, colleague.email]
    )
    message = mailoutbox[0]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.subject.startswith("[Ditjenpas] Berita ditolak: Judul Bcc")
    assert "Tidak sesuai." in message.body
    assert message.bcc == []
    message.message()  # builds the MIME message: no BadHeaderError


# --- Photos ----------------------------------------------------------------------


def image_upload(name="foto.jpg", fmt="JPEG", size=(64, 48)):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (120, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    image.save(buffer, fmt, exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_photo_upload_stores_a_clean_copy(contributor):
    post = make_post(contributor)
    photo = services.photo_upload(
        unit=contributor.unit,
        actor=contributor,
        file=image_upload("../../etc/passwd.jpg"),
        kind=PhotoKind.COVER,
        alt_text="Warga binaan menjahit",
        caption="Pelatihan menjahit",
        post=post,
    )
    photo.refresh_from_db()
    assert photo.image.name == "photos/%s/%s.jpg" % (photo.uuid.hex[:2], photo.uuid.hex)
    assert (photo.width, photo.height) == (64, 48)
    assert photo.uploaded_by == contributor
    with photo.image.open("rb") as stored:
        data = stored.read()
    assert b"KameraRahasia" not in data
    assert Image.open(io.BytesIO(data)).getexif() == {}


def test_photo_upload_refusals(contributor):
    post = make_post(contributor)
    base = {
        "unit": contributor.unit,
        "actor": contributor,
        "kind": PhotoKind.GALLERY,
        "alt_text": "Foto kegiatan",
        "post": post,
    }
    with pytest.raises(ValidationError) as excinfo:
        services.photo_upload(**{**base, "alt_text": " ", "file": image_upload()})
    assert code_of(excinfo) == "alt_text_required"

    html = SimpleUploadedFile("x.jpg", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError):
        services.photo_upload(**{**base, "file": html})

    with pytest.raises(ValidationError) as excinfo:
        services.photo_upload(
            **{**base, "actor": UserFactory(), "file": image_upload()}
        )
    assert code_of(excinfo) == "permission_denied"

    services.photo_upload(**{**base, "kind": PhotoKind.COVER, "file": image_upload()})
    with pytest.raises(ValidationError) as excinfo:
        services.photo_upload(
            **{**base, "kind": PhotoKind.COVER, "file": image_upload()}
        )
    assert code_of(excinfo) == "cover_exists"

    post.status = S.SUBMITTED
    post.save()
    with pytest.raises(ValidationError) as excinfo:
        services.photo_upload(**{**base, "file": image_upload()})
    assert code_of(excinfo) == "not_editable"
    assert Photo.objects.count() == 1


@pytest.mark.parametrize("status", [S.SUBMITTED, S.PUBLISHED, S.REJECTED, S.DRAFT])
def test_editor_adds_photos_to_any_units_post_in_any_status(contributor, status):
    editor = EditorFactory()
    post = make_post(contributor, status=status, published_at=timezone.now())

    photo = services.photo_upload(
        unit=post.unit,
        actor=editor,
        file=image_upload(),
        kind=PhotoKind.INLINE,
        alt_text="Gambar dalam berita",
        post=post,
    )

    assert (photo.post, photo.unit, photo.uploaded_by) == (post, post.unit, editor)


def test_photo_rights_of_unit_staff_reviewers_and_inactive_editors(contributor):
    own_locked = make_post(contributor, status=S.SUBMITTED)
    colleague = HeadFactory(unit=contributor.unit)
    other_units = make_post(UserFactory(), status=S.DRAFT)
    inactive_editor = EditorFactory(is_active=False)

    def attempt(actor, post):
        with pytest.raises(ValidationError) as excinfo:
            services.photo_upload(
                unit=post.unit,
                actor=actor,
                file=image_upload(),
                kind=PhotoKind.INLINE,
                alt_text="Foto",
                post=post,
            )
        return code_of(excinfo)

    # Their own unit's post, but no longer theirs to edit (head included).
    assert attempt(contributor, own_locked) == "not_editable"
    assert attempt(colleague, own_locked) == "not_editable"
    # Another unit's post, even a draft.
    assert attempt(contributor, other_units) == "permission_denied"
    assert attempt(ReviewerFactory(), other_units) == "permission_denied"
    assert attempt(inactive_editor, other_units) == "permission_denied"
    # An editor still names the post's own unit.
    with pytest.raises(ValidationError) as excinfo:
        services.photo_upload(
            unit=contributor.unit,
            actor=EditorFactory(),
            file=image_upload(),
            kind=PhotoKind.INLINE,
            alt_text="Foto",
            post=other_units,
        )
    assert code_of(excinfo) == "permission_denied"
    assert not Photo.objects.exists()


def test_photo_delete_removes_file_after_commit(
    contributor, django_capture_on_commit_callbacks
):
    photo = services.photo_upload(
        unit=contributor.unit,
        actor=contributor,
        file=image_upload(),
        kind=PhotoKind.INLINE,
        alt_text="Foto",
    )
    storage, name = photo.image.storage, photo.image.name
    with pytest.raises(ValidationError):
        services.photo_delete(photo=photo, actor=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_delete(photo=photo, actor=contributor)
    assert not Photo.objects.exists()
    assert not storage.exists(name)
