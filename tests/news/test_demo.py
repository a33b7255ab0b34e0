"""The demo posts: loaded through the services, idempotent, varied statuses."""

import io

import pytest
from django.core import mail

from news.demo import POSTS, demo_load_posts
from news.models import Post, PostAction, PostEvent, PostStatus
from units.demo import demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args: True)


def test_demo_posts_load_once_with_history():
    demo_load()
    out = io.StringIO()

    created = demo_load_posts(stdout=out)

    assert created == len(POSTS) >= 30
    statuses = set(Post.objects.values_list("status", flat=True))
    assert {
        PostStatus.PUBLISHED,
        PostStatus.SUBMITTED,
        PostStatus.CHANGES_REQUESTED,
        PostStatus.SCHEDULED,
    } <= statuses
    assert Post.objects.filter(status=PostStatus.PUBLISHED).count() >= 20
    assert Post.objects.filter(is_featured=True).count() >= 2
    assert (
        Post.objects.filter(unit__slug__isnull=False).values("unit").distinct().count()
        > 10
    )
    # Every post went through the services: created, submitted, decided.
    for post in Post.objects.filter(status=PostStatus.PUBLISHED):
        actions = set(post.events.values_list("action", flat=True))
        assert {PostAction.CREATE, PostAction.SUBMIT, PostAction.APPROVE} <= actions
        assert post.published_at <= post.updated_at or post.is_featured
    rakor = Post.objects.get(title__startswith="Humas Lapas Salemba Ikut")
    assert rakor.published_at.date().isoformat() == "2024-09-28"
    assert "150 peserta dari 54 UPT" in rakor.body
    assert mail.outbox == []

    events = PostEvent.objects.count()
    assert demo_load_posts() == 0
    assert PostEvent.objects.count() == events
    assert "dibuat" in out.getvalue()


def test_demo_skips_missing_units():
    out = io.StringIO()
    assert demo_load_posts(stdout=out) == 0
    assert "tidak ditemukan" in out.getvalue()
