"""Refresh: debounced per unit, idempotent through the real worker, safe at once."""

import threading
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from awards import tasks
from awards.models import AwardPeriod, ContributorStatistic, UnitStatistic
from awards.services import statistics_refresh
from awards.services.refresh import debounce_key
from news.models import PostStatus
from news.services import post_approve, post_republish, post_unpublish
from tests.factories import EditorFactory, PostFactory, UserFactory


def table(period):
    return sorted(
        UnitStatistic.objects.filter(period=period).values_list(
            "unit_id", "metric", "value"
        )
    )


@pytest.fixture
def running_period(db):
    today = timezone.localdate()
    return AwardPeriod.objects.create(
        name="Berjalan",
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=30),
    )


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(
        tasks.refresh_unit_statistics,
        "apply_async",
        lambda args, countdown: calls.append((args, countdown)),
    )
    return calls


@override_settings(AWARDS_REFRESH_DEBOUNCE_SECONDS=30)
@pytest.mark.django_db
def test_a_burst_of_approvals_asks_for_one_refresh_per_unit(
    running_period, unit, other_unit, enqueued, django_capture_on_commit_callbacks
):
    cache.delete(debounce_key(unit.pk))
    cache.delete(debounce_key(other_unit.pk))
    editor = EditorFactory()
    author = UserFactory(unit=unit)
    posts = [PostFactory(author=author, status=PostStatus.SUBMITTED) for _ in range(5)]
    other = PostFactory(
        author=UserFactory(unit=other_unit), status=PostStatus.SUBMITTED
    )
    for post in [*posts, other]:
        with django_capture_on_commit_callbacks(execute=True):
            post_approve(post=post, actor=editor)
    assert sorted(enqueued) == sorted([((unit.pk,), 30), ((other_unit.pk,), 30)])

    # Once the refresh has started, the next publication asks again.
    cache.delete(debounce_key(unit.pk))
    with django_capture_on_commit_callbacks(execute=True):
        post_unpublish(post=posts[0], actor=editor, reason="Salah unggah")
    assert enqueued.count(((unit.pk,), 30)) == 2


@override_settings(AWARDS_REFRESH_DEBOUNCE_SECONDS=30)
@pytest.mark.django_db
def test_a_republished_post_asks_for_a_refresh(
    running_period, unit, enqueued, django_capture_on_commit_callbacks
):
    editor = EditorFactory()
    post = PostFactory(author=UserFactory(unit=unit), status=PostStatus.SUBMITTED)
    post_approve(post=post, actor=editor)
    post_unpublish(post=post, actor=editor, reason="Salah unggah")
    cache.delete(debounce_key(unit.pk))
    with django_capture_on_commit_callbacks(execute=True):
        post_republish(post=post, actor=editor)
    assert enqueued == [((unit.pk,), 30)]


@pytest.mark.django_db(transaction=True)
def test_refresh_through_the_worker_is_idempotent(celery_worker, unit):
    today = timezone.localdate()
    period = AwardPeriod.objects.create(
        name="Berjalan", starts_on=today - timedelta(days=30), ends_on=today
    )
    author = UserFactory(unit=unit)
    for days_ago in (1, 2, 2):
        PostFactory(
            author=author,
            status=PostStatus.PUBLISHED,
            published_at=timezone.now() - timedelta(days=days_ago),
        )
    cache.set(debounce_key(unit.pk), 1)
    tasks.refresh_unit_statistics.delay(unit.pk).get(timeout=30)
    first = table(period)
    assert ("posts_published", 3.0) in [(m, v) for _u, m, v in first]
    assert cache.get(debounce_key(unit.pk)) is None
    tasks.refresh_unit_statistics.delay(unit.pk).get(timeout=30)
    tasks.refresh_all_statistics.delay().get(timeout=30)
    assert table(period) == first
    assert ContributorStatistic.objects.filter(period=period, user=author).exists()


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_give_the_same_table(unit, other_unit):
    period = AwardPeriod.objects.create(
        name="2025", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)
    )
    for u in (unit, other_unit):
        author = UserFactory(unit=u)
        for day in range(6, 11):
            PostFactory(
                author=author,
                status=PostStatus.PUBLISHED,
                published_at=timezone.make_aware(timezone.datetime(2025, 1, day, 10)),
            )
    statistics_refresh(period=period)
    expected = table(period)
    errors = []

    def run(ids):
        try:
            statistics_refresh(period=period, unit_ids=ids)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(ids,))
        for ids in (None, None, [unit.pk], [other_unit.pk])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert table(period) == expected
    # Nothing changed since: a further run writes nothing.
    assert statistics_refresh(period=period) == 0
