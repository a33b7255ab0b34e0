"""Unit staff cannot set what only the editors decide, however they post.

A contributor's (or head's) form posts carry extra fields (`status`, `unit`,
`published_at`, `is_featured`, `author`, `slug`, `read_count`...): the post
keeps what the services decided. Editor actions (the decision pages, the
queue's bulk actions, the admin's change form, the recommendation) posted by
anyone who may not take them are refused, and the database is unchanged:
the post's row, its audit events and every other post are compared before
and after.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from news.admin.decisions import DECISIONS
from news.models import Photo, Post, PostEvent, PostStatus, ReviewRecommendation
from tests.portal.authz_world import module_world

# Fields no unit form may set: the editors' decisions and the bookkeeping.
PROTECTED = (
    "status",
    "unit_id",
    "author_id",
    "published_at",
    "publish_at",
    "submitted_at",
    "is_featured",
    "slug",
    "read_count",
    "checks",
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    for world in module_world(django_db_blocker):
        world.client = Client()
        yield world


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


def client_for(world, role) -> Client:
    client = world.client
    client.cookies.clear()
    if world.sessions.get(role):
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def hostile_fields(world) -> dict:
    """Everything an attacker would add to a unit's form post."""
    return {
        "status": PostStatus.PUBLISHED,
        "unit": str(world.unit_b.pk),
        "unit_id": str(world.unit_b.pk),
        "author": str(world.users["contributor_b"].pk),
        "author_id": str(world.users["contributor_b"].pk),
        "published_at": "2024-01-01 10:00",
        "publish_at": "2024-01-01 10:00",
        "submitted_at": "2024-01-01 10:00",
        "is_featured": "on",
        "slug": "judul-pilihan-penyerang",
        "read_count": "99999",
        "checks": '{"ok": true}',
    }


def form_data(world, post=None, **extra) -> dict:
    data = {
        "title": post.title if post else "Kegiatan baru pramuka",
        "lead": post.lead if post else "Ringkasan kegiatan baru.",
        "body": post.body if post else "<p>Isi kegiatan baru yang cukup.</p>",
        "category": str(world.objects["category"].pk),
        "tags": "pramuka",
        "programme": "",
        "event_date": "",
        "location": "",
        "galeri-TOTAL_FORMS": "0",
        "galeri-INITIAL_FORMS": "0",
        "galeri-MIN_NUM_FORMS": "0",
        "galeri-MAX_NUM_FORMS": "10",
    }
    data.update(extra)
    return data


def protected(post) -> dict:
    return Post.objects.filter(pk=post.pk).values(*PROTECTED).get()


def database_state() -> dict:
    """Every post's row, every event, recommendation and photo's owner."""
    return {
        "posts": list(Post.objects.order_by("pk").values()),
        "events": PostEvent.objects.count(),
        "recommendations": ReviewRecommendation.objects.count(),
        "photos": list(Photo.objects.order_by("pk").values("pk", "unit_id", "post_id")),
    }


# --- Unit forms with extra fields -------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["contributor_a", "head_a"])
def test_editing_a_draft_ignores_every_field_the_form_does_not_offer(world, role):
    post = world.posts_a[PostStatus.DRAFT]
    before = protected(post)
    client = client_for(world, role)
    response = client.post(
        reverse("news:edit", args=[post.pk]),
        form_data(world, post, title="Judul baru", **hostile_fields(world)),
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Judul baru"  # the form was accepted...
    assert protected(post) == before  # ...and nothing else changed


@pytest.mark.django_db
def test_creating_a_post_takes_its_unit_author_and_status_from_the_server(world):
    client = client_for(world, "contributor_a")
    response = client.post(
        reverse("news:create"), form_data(world, **hostile_fields(world))
    )
    assert response.status_code == 302
    post = Post.objects.get(title="Kegiatan baru pramuka")
    assert post.status == PostStatus.DRAFT
    assert post.unit == world.unit_a
    assert post.author == world.users["contributor_a"]
    assert post.published_at is None and post.publish_at is None
    assert post.is_featured is False
    assert post.read_count == 0
    assert post.slug != "judul-pilihan-penyerang"


@pytest.mark.django_db
def test_submitting_sends_to_the_editors_and_publishes_nothing(world):
    post = world.posts_a[PostStatus.DRAFT]
    client = client_for(world, "contributor_a")
    client.post(reverse("news:submit", args=[post.pk]), hostile_fields(world))
    post.refresh_from_db()
    assert post.status in (PostStatus.SUBMITTED, PostStatus.HEAD_REVIEW)
    assert post.published_at is None and post.is_featured is False
    assert post.unit == world.unit_a and post.slug == "penanda-alfa-draft"


@pytest.mark.django_db
def test_a_photos_text_form_cannot_move_the_photo(world):
    post = world.posts_a[PostStatus.DRAFT]
    photo = world.objects["photo_draft"]
    client = client_for(world, "contributor_a")
    response = client.post(
        reverse("news:photo_edit", args=[post.pk, photo.pk]),
        {
            "alt_text": "Warga binaan berlatih pramuka",
            "caption": "Latihan",
            "credit": "",
            "unit": str(world.unit_b.pk),
            "post": str(world.posts_b[PostStatus.DRAFT].pk),
            "kind": "cover",
            "status": "ready",
        },
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.alt_text == "Warga binaan berlatih pramuka"
    assert (photo.unit_id, photo.post_id, photo.kind) == (
        world.unit_a.pk,
        post.pk,
        "gallery",
    )


# --- Editor actions posted by others -------------------------------------------


def decision_data(world) -> dict:
    later = timezone.localtime(timezone.now() + timedelta(days=3))
    return {
        "comment": "Mohon diperbaiki.",
        "reason_type": str(world.objects["reason"].pk),
        "publish_at_0": later.strftime("%Y-%m-%d"),
        "publish_at_1": later.strftime("%H:%M"),
        "confirm": "on",
    }


def editor_actions(world):
    """(label, url, data) for every editor action on A's posts."""
    submitted = world.posts_a[PostStatus.SUBMITTED]
    published = world.posts_a[PostStatus.PUBLISHED]
    actions = []
    for decision in DECISIONS:
        for post in (submitted, published, world.posts_a[PostStatus.UNPUBLISHED]):
            actions.append(
                (
                    "%s %s" % (decision.slug, post.status),
                    reverse("admin:news_post_decide", args=[post.pk, decision.slug]),
                    decision_data(world),
                )
            )
    queue = reverse("admin:news_post_changelist")
    for action in ("approve_and_publish", "request_changes"):
        actions.append(
            (
                "bulk %s" % action,
                queue,
                {
                    "action": action,
                    "_selected_action": [str(submitted.pk)],
                    "apply": "1",
                    **decision_data(world),
                },
            )
        )
    actions.append(
        (
            "admin change form",
            reverse("admin:news_post_change", args=[submitted.pk]),
            {**form_data(world, submitted), **hostile_fields(world)},
        )
    )
    actions.append(
        (
            "record winners",
            reverse(
                "admin:awards_record_winners",
                args=[world.objects["period"].pk, world.objects["award_category"].slug],
            ),
            {},
        )
    )
    return actions


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["anonymous", "contributor_a", "contributor_b", "head_a", "reviewer_a"]
)
def test_editor_actions_are_refused_and_change_nothing(world, role):
    before = database_state()
    for label, url, data in editor_actions(world):
        response = client_for(world, role).post(url, data)
        if role == "reviewer_a":
            # Staff: the newsroom answers, and refuses (a bulk action a
            # reviewer may not take is not on the page: the queue again).
            assert response.status_code in (200, 302, 403), label
        else:
            assert response.status_code == 302, label
            assert response["Location"].startswith("/admin/login/"), label
        assert database_state() == before, label


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["contributor_a", "contributor_b", "head_a"])
def test_the_head_of_units_moves_are_the_heads_own(world, role):
    """A contributor is not a head; a head of another unit finds no post."""
    post = world.posts_a[PostStatus.HEAD_REVIEW]
    before = database_state()
    client = client_for(world, role)
    for name, data in (
        ("news:head_approve", {}),
        ("news:head_return", {"catatan": "x"}),
    ):
        response = client.post(reverse(name, args=[post.pk]), data)
        if role == "head_a":
            continue  # the head may: checked in tests/news
        assert response.status_code == (403 if role == "contributor_a" else 404)
        assert database_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["contributor_a", "reviewer_other", "editor"])
def test_only_the_regions_reviewer_recommends(world, role):
    post = world.posts_a[PostStatus.SUBMITTED]
    before = database_state()
    response = client_for(world, role).post(
        reverse("admin:news_post_recommend", args=[post.pk]),
        {"recommendation": "publish", "comment": "Layak."},
    )
    assert response.status_code in (200, 302, 403, 404)
    assert database_state() == before


@pytest.mark.django_db
def test_the_regions_reviewer_may_recommend(world):
    """The refusals above are refusals: the same post by the right reviewer
    is recorded (and only a recommendation, never a decision)."""
    post = world.posts_a[PostStatus.SUBMITTED]
    before = protected(post)
    response = client_for(world, "reviewer_a").post(
        reverse("admin:news_post_recommend", args=[post.pk]),
        {"recommendation": "publish", "comment": "Layak."},
    )
    assert response.status_code == 302
    assert ReviewRecommendation.objects.filter(post=post).count() == 1
    assert protected(post) == before


@pytest.mark.django_db
@pytest.mark.parametrize("label", ["setujui submitted", "bulk approve_and_publish"])
def test_the_same_posts_from_an_editor_do_decide(world, label):
    """The refusals above are refusals, not malformed requests."""
    url, data = next((u, d) for lab, u, d in editor_actions(world) if lab == label)
    response = client_for(world, "editor").post(url, data)
    assert response.status_code == 302
    post = world.posts_a[PostStatus.SUBMITTED]
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED


# --- The awards' unit forms --------------------------------------------------


def report_data(account, **extra) -> dict:
    return {
        "aksi": "laporan",
        "laporan-account": str(account.pk),
        "laporan-month": "2025-05",
        "laporan-followers": "300",
        "laporan-posts": "9",
        "laporan-interactions": "90",
        "laporan-sample_url": "https://instagram.com/p/uji",
        **extra,
    }


@pytest.mark.django_db
def test_a_social_report_is_filed_unverified_and_only_for_the_units_account(world):
    from awards.models import ReviewStatus, SocialAccount, SocialReport

    client = client_for(world, "contributor_a")
    own = world.objects["social_account"]
    response = client.post(
        reverse("awards:social"),
        report_data(
            own,
            **{"laporan-status": ReviewStatus.VERIFIED, "status": "verified"},
        ),
    )
    assert response.status_code == 302
    report = SocialReport.objects.get(account=own, month__month=5)
    assert report.status == ReviewStatus.SUBMITTED
    assert report.submitted_by == world.users["contributor_a"]

    others = SocialAccount.objects.get(unit=world.unit_b)
    count = SocialReport.objects.filter(account=others).count()
    response = client.post(reverse("awards:social"), report_data(others))
    assert response.status_code == 200  # the form, with the account refused
    assert SocialReport.objects.filter(account=others).count() == count


@pytest.mark.django_db
def test_an_incident_cannot_be_answered_with_another_units_post(world):
    incident = world.objects["incident"]
    client = client_for(world, "contributor_a")
    response = client.post(
        reverse("awards:clarify", args=[incident.pk]),
        {"clarification": str(world.posts_b[PostStatus.PUBLISHED].pk)},
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.clarification_id is None
