"""The checks in the queue (news.admin.checks) and the sweeper that catches
posts whose checks never ran (news.checks.post_checks_sweep)."""

import logging
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from news import services, tasks
from news.checks import post_checks_run, posts_unchecked
from news.models import Post, PostStatus
from tests.factories import (
    CategoryFactory,
    EditorFactory,
    PostFactory,
    UnitFactory,
    UserFactory,
)
from tests.news.story_pairs import load_labelled_set

CHANGELIST = reverse("admin:news_post_changelist")
FACES = (
    "Foto utama #1: 3 wajah terdeteksi — pastikan izin, samarkan wajah anak "
    "dan warga binaan bila perlu"
)


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def _submitted(story, **extra):
    return PostFactory(
        author=UserFactory(unit=UnitFactory()),
        category=CategoryFactory(),
        title=story.title,
        lead=story.lead[:500],
        body=story.body_html,
        event_date=story.event_date,
        location=story.location,
        status=PostStatus.SUBMITTED,
        submitted_at=timezone.now(),
        **extra,
    )


def _with_faces(post, count=3):
    """The faces check's finding as the worker stores it (news.checks.faces)."""
    checks = dict(Post.objects.get(pk=post.pk).checks or {})
    checks["faces"] = [
        {
            "code": "faces",
            "level": "warning",
            "photo_id": 1,
            "kind": "cover",
            "position": 0,
            "count": count,
            "boxes": [[10, 10, 40, 40]] * count,
            "message": FACES,
        }
    ]
    Post.objects.filter(pk=post.pk).update(checks=checks)


def _row(page: str, post) -> str:
    """The queue row of `post` (from its title link to the end of the row)."""
    start = page.index(reverse("admin:news_post_change", args=[post.pk]))
    return page[start : page.index("</tr>", start)]


# --- The queue's flags -------------------------------------------------------------


@pytest.mark.django_db
def test_the_queue_shows_the_group_and_the_faces_as_flags_linking_to_the_panels(
    client,
):
    stories = load_labelled_set()[0]
    grouped = [
        _submitted(stories[key])
        for key in ("rakernis-salemba", "rakernis-bangil", "rakernis-malang")
    ]
    for post in grouped:
        post_checks_run(post_id=post.pk)
    alone = _submitted(stories["videocall-makassar"])
    post_checks_run(post_id=alone.pk)
    _with_faces(alone)
    client.force_login(EditorFactory())

    page = client.get(CHANGELIST).content.decode()

    for post in grouped:
        row = _row(page, post)
        assert "kelompok: 3 berita" in row
        anchor = reverse("admin:news_post_change", args=[post.pk]) + "#kelompok-berita"
        assert anchor in row
        assert "wajah" not in row
    row = _row(page, alone)
    assert "kelompok:" not in row
    assert "3 wajah" in row
    assert reverse("admin:news_post_change", args=[alone.pk]) + "#foto-berita" in row
    # The face warning is also one of the row's warnings, written out on phones.
    assert "check-flag--warning" in row and FACES in row


@pytest.mark.django_db
def test_findings_about_the_text_before_a_resubmission_are_not_shown_as_current(
    client,
):
    waiting = PostFactory(status=PostStatus.SUBMITTED, submitted_at=timezone.now())
    resent = PostFactory(
        status=PostStatus.SUBMITTED,
        submitted_at=timezone.now(),
        checks_run_at=timezone.now() - timedelta(days=1),
    )
    _with_faces(resent)
    client.force_login(EditorFactory())

    page = client.get(CHANGELIST).content.decode()

    assert "belum diperiksa" in _row(page, waiting)
    row = _row(page, resent)
    assert "menunggu pemeriksaan ulang" in row
    assert "wajah" not in row and "peringatan" not in row


@pytest.mark.django_db
def test_a_possible_copy_is_a_group_flag_and_a_warning(client):
    stories = load_labelled_set()[0]
    unit = UnitFactory()
    first = _submitted(stories["barista-redeb"])
    Post.objects.filter(pk=first.pk).update(unit=unit)
    again = _submitted(stories["barista-redeb-2"])
    Post.objects.filter(pk=again.pk).update(unit=unit)
    for post in (first, again):
        post_checks_run(post_id=post.pk)
    client.force_login(EditorFactory())

    row = _row(client.get(CHANGELIST).content.decode(), again)

    assert "check-flag--copy" in row and "kelompok: 2 berita" in row
    assert "check-flag--warning" in row and "terkirim dua kali" in row


@pytest.mark.django_db
def test_the_flags_add_no_query_per_row(client, django_assert_max_num_queries):
    stories = load_labelled_set()[0]
    keys = ("rakernis-salemba", "rakernis-bangil")
    for key in keys:
        post_checks_run(post_id=_submitted(stories[key]).pk)
    client.force_login(EditorFactory())
    client.get(CHANGELIST)  # warm the per-process caches (content types, sites)
    with CaptureQueriesContext(connection) as few:
        assert client.get(CHANGELIST).status_code == 200

    more = [
        "rakernis-malang",
        "dpr-lapasperempuan",
        "dpr-rutansemarang",
        "batik-semarang",
        "batik-yogyakarta",
        "videocall-makassar",
    ]
    for key in more:
        post = _submitted(stories[key])
        post_checks_run(post_id=post.pk)
        _with_faces(post, count=2)
    assert Post.objects.filter(checks__has_key="faces").count() == 8

    # As many queries for 8 rows with flags as for 2.
    with django_assert_max_num_queries(len(few)):
        page = client.get(CHANGELIST).content.decode()
    assert page.count("2 wajah") == len(more)
    assert page.count("kelompok: 3 berita") == 3


# --- The sweeper -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_post_submitted_while_redis_was_down_is_checked_by_the_sweeper(
    celery_worker, monkeypatch, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    contributor = UserFactory(unit=UnitFactory())
    lost = PostFactory(author=contributor, title="Upacara Hari Bakti di Lapas")
    with monkeypatch.context() as broken, caplog.at_level(logging.ERROR):
        broken.setattr(tasks.run_post_checks, "delay", broker_down)
        services.post_submit(post=lost, actor=contributor)
    assert "Could not enqueue news.tasks.run_post_checks" in caplog.text
    # Sent before the checks existed: never checked.
    before = PostFactory(status=PostStatus.SUBMITTED, submitted_at=timezone.now())
    # Checked once, then sent again; the resubmission's task was lost.
    again = PostFactory(
        status=PostStatus.SUBMITTED,
        submitted_at=timezone.now(),
        checks={"content": []},
        checks_run_at=timezone.now() - timedelta(days=1),
    )
    # Too recent to count as lost, a draft, and a post already checked.
    recent = PostFactory(status=PostStatus.SUBMITTED, submitted_at=timezone.now())
    draft = PostFactory(status=PostStatus.DRAFT)
    done = PostFactory(status=PostStatus.SUBMITTED, submitted_at=timezone.now())
    Post.objects.filter(pk=done.pk).update(
        checks={"content": []}, checks_run_at=timezone.now() + timedelta(seconds=1)
    )
    time.sleep(1)
    assert Post.objects.get(pk=lost.pk).checks_run_at is None

    # Ten minutes later the beat runs the sweeper.
    old = timezone.now() - timedelta(minutes=10)
    Post.objects.filter(pk__in=[lost.pk, before.pk, again.pk, done.pk]).update(
        submitted_at=old
    )
    assert tasks.sweep_unchecked_posts.delay().get(timeout=30) == 3

    def checked(post):
        row = Post.objects.get(pk=post.pk)
        return row.checks_run_at is not None and row.checks_run_at > row.submitted_at

    assert wait_for(lambda: checked(lost) and checked(before) and checked(again))
    assert set(Post.objects.get(pk=lost.pk).checks) == {"content", "group", "faces"}
    assert Post.objects.get(pk=recent.pk).checks_run_at is None
    assert Post.objects.get(pk=draft.pk).checks_run_at is None
    # Nothing left to sweep.
    assert tasks.sweep_unchecked_posts.delay().get(timeout=30) == 0


@pytest.mark.django_db
def test_the_sweeper_takes_bounded_batches_oldest_first():
    old = timezone.now() - timedelta(hours=1)
    posts = [
        PostFactory(
            status=PostStatus.SUBMITTED, submitted_at=old + timedelta(minutes=i)
        )
        for i in range(5)
    ]

    assert posts_unchecked(limit=2) == [posts[0].pk, posts[1].pk]
    assert len(posts_unchecked()) == 5


def test_the_sweeper_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-unchecked-posts"]
    assert entry["task"] == "news.tasks.sweep_unchecked_posts"
    assert entry["schedule"] <= 300


@pytest.mark.django_db(transaction=True)
def test_a_resubmission_is_checked_again(celery_worker):
    from news.models import RefusalReason

    author = UserFactory(unit=UnitFactory())
    post = PostFactory(
        author=author,
        title="Pendek",
        body="<p>Kegiatan berlangsung tertib.</p>",
    )
    services.post_submit(post=post, actor=author)

    def content_codes():
        row = Post.objects.get(pk=post.pk)
        if row.checks_run_at is None or row.checks_run_at < row.submitted_at:
            return None
        return {f["code"] for f in row.checks["content"]}

    assert wait_for(lambda: content_codes() is not None)
    assert {"title_too_short", "body_too_short"} <= content_codes()

    services.post_request_changes(
        post=Post.objects.get(pk=post.pk),
        actor=EditorFactory(),
        reason_type=RefusalReason.objects.filter(is_active=True).first(),
        comment="Judul dan isi terlalu pendek.",
    )
    services.post_update(
        post=Post.objects.get(pk=post.pk),
        actor=author,
        title="Warga Binaan Lapas Ikuti Pelatihan Servis Sepeda Motor",
        body="<p>%s</p>" % ("Pelatihan servis sepeda motor berlangsung tertib. " * 20),
    )
    services.post_submit(post=Post.objects.get(pk=post.pk), actor=author)

    assert wait_for(
        lambda: (
            content_codes() is not None
            and not {"title_too_short", "body_too_short"} & content_codes()
        )
    )
