"""The demo posts: loaded through the services, idempotent, every path shown."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

import imaging
from news.demo import POSTS, demo_load_posts
from news.demo_photos import SIZE, demo_photo
from news.models import (
    Photo,
    PhotoKind,
    Post,
    PostAction,
    PostEvent,
    PostStatus,
    ReviewRecommendation,
)
from units.demo import demo_load
from units.models import Unit, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args: True)


@pytest.fixture(autouse=True)
def small_photos(monkeypatch):
    """Small covers: the generator itself is tested on its own below."""

    def small(*, seed, category, title):
        buffer = io.BytesIO()
        Image.new("RGB", (64, 40), (seed % 255, 90, 120)).save(buffer, "JPEG")
        return SimpleUploadedFile("demo.jpg", buffer.getvalue(), "image/jpeg")

    monkeypatch.setattr("news.demo.demo_photo", small)


def test_generated_demo_photo_is_an_acceptable_photo():
    photo = demo_photo(seed=3, category="kegiatan", title="Pelatihan membatik")
    info = imaging.validate_image(photo)
    assert (info.format, info.width, info.height) == ("JPEG", *SIZE)
    again = demo_photo(seed=3, category="kegiatan", title="Pelatihan membatik")
    assert again.read() == photo.read()  # the same seed, the same picture


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
    assert_every_path_is_shown()

    events = PostEvent.objects.count()
    assert demo_load_posts() == 0
    assert PostEvent.objects.count() == events
    assert "dibuat" in out.getvalue()


def test_demo_skips_missing_units():
    out = io.StringIO()
    assert demo_load_posts(stdout=out) == 0
    assert "tidak ditemukan" in out.getvalue()


def assert_every_path_is_shown():
    posts = Post.objects.all()

    # The head's unit requires head approval, and one post waits for the head.
    kepala = User.objects.get(username="kepala")
    assert Unit.objects.get(pk=kepala.unit_id).requires_head_approval
    waiting = posts.get(status=PostStatus.HEAD_REVIEW)
    assert waiting.unit_id == kepala.unit_id
    # Its other sent posts went through the head.
    assert PostEvent.objects.filter(
        post__unit_id=kepala.unit_id, action=PostAction.HEAD_APPROVE
    ).exists()

    # One post each: changes requested (with the note), scheduled, featured,
    # rejected (with the reason).
    returned = posts.get(status=PostStatus.CHANGES_REQUESTED)
    note = returned.events.get(action=PostAction.REQUEST_CHANGES).comment
    assert len(note) > 20
    assert posts.filter(status=PostStatus.SCHEDULED).count() == 1
    assert posts.filter(is_featured=True, status=PostStatus.PUBLISHED).exists()
    rejected = posts.get(status=PostStatus.REJECTED)
    assert rejected.events.get(action=PostAction.REJECT).comment

    # A reviewer's recommendation, by the reviewer of the post's region.
    advice = ReviewRecommendation.objects.select_related("post__unit").get()
    assert advice.post.status == PostStatus.SUBMITTED
    assert advice.reviewer.username == "peninjau"
    assert advice.reviewer.region_id == advice.post.unit.region_id

    # Most posts have a generated cover photo, with its renditions' source.
    with_cover = Photo.objects.filter(kind=PhotoKind.COVER).values("post").distinct()
    assert with_cover.count() >= 0.8 * posts.count()
    assert with_cover.count() < posts.count()  # a few show the placeholder
