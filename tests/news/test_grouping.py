"""Stories about the same event, grouped (news.checks.grouping): the seed pair,
the labelled set, the time and place rules, and what the editor sees."""

import io
import time
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from news import services
from news.checks import grouping, post_checks_run
from news.models import (
    Post,
    PostStatus,
    StoryFingerprint,
    StoryGroup,
    StoryGroupMember,
    StoryKeyTerm,
    StoryTermCount,
)
from tests.factories import (
    CategoryFactory,
    EditorFactory,
    PostFactory,
    ReviewerFactory,
    UnitFactory,
    UserFactory,
)
from tests.news.story_pairs import evaluate, load_labelled_set, load_seed_articles
from units.models import Region, Unit

CHANGELIST = reverse("admin:news_post_changelist")
pytestmark = pytest.mark.django_db


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def _submitted(unit, story, *, days_ago=0, status=PostStatus.SUBMITTED):
    """A post of `unit` with the labelled story's text, as it reaches the queue."""
    when = timezone.now() - timedelta(days=days_ago)
    return PostFactory(
        author=UserFactory(unit=unit),
        category=CategoryFactory(),
        title=story.title,
        lead=story.lead[:500],
        body=story.body_html,
        event_date=story.event_date,
        location=story.location,
        status=status,
        submitted_at=when,
        published_at=when if status == PostStatus.PUBLISHED else None,
    )


def _checked(post):
    post_checks_run(post_id=post.pk)
    post.refresh_from_db()
    return post


def _group_of(post):
    member = StoryGroupMember.objects.filter(post=post).first()
    return member.group_id if member else None


@pytest.fixture
def stories():
    return load_labelled_set()[0]


# --- The labelled set ---------------------------------------------------------


def test_the_labelled_set_is_grouped_with_precision_and_recall_of_at_least_0_9():
    stories, pairs = load_labelled_set()
    assert len(pairs) >= 40
    kinds = {pair.kind for pair in pairs}
    assert {"same_event", "near_copy", "other_day", "other_unit"} <= kinds
    regions = {}

    def story(labelled):
        return grouping.story_of_text(
            title=labelled.title,
            lead=labelled.lead,
            body_text=labelled.body,
            location=labelled.location,
            unit_name=labelled.unit,
            event_date=labelled.event_date,
            region_id=regions.setdefault(labelled.region, len(regions) + 1),
        )

    built = {key: story(value) for key, value in stories.items()}
    idf = grouping.idf_of_stories(built.values())

    def decide(a, b):
        score = grouping.score(built[a.id], built[b.id], idf)
        return grouping.same_event(built[a.id], built[b.id], score)

    result = evaluate(stories, pairs, decide)

    assert result["precision"] >= 0.9, result["wrong"]
    assert result["recall"] >= 0.9, result["wrong"]


def test_two_batik_trainings_at_two_units_in_the_same_week_are_two_events(stories):
    first = _checked(_submitted(UnitFactory(), stories["batik-semarang"]))
    second = _checked(_submitted(UnitFactory(), stories["batik-yogyakarta"]))

    assert _group_of(first) is None
    assert _group_of(second) is None
    assert second.checks["group"] == []


def test_one_meeting_reported_by_three_units_is_one_group(stories):
    posts = [
        _checked(_submitted(UnitFactory(), stories[key]))
        for key in ("rakernis-salemba", "rakernis-bangil", "rakernis-malang")
    ]

    groups = {_group_of(post) for post in posts}
    assert len(groups) == 1 and None not in groups
    last = posts[-1]
    (found,) = last.checks["group"]
    assert found["code"] == "same_event"
    assert found["level"] == "info"
    assert {m["post_id"] for m in found["members"]} == {posts[0].pk, posts[1].pk}
    member = found["members"][0]
    assert member["unit"] == posts[0].unit.name
    assert member["status"] == PostStatus.SUBMITTED
    assert member["status_label"] == "Menunggu redaksi"
    assert 0 < member["score"] <= 1
    assert member["url"] == reverse("admin:news_post_change", args=[posts[0].pk])
    assert member["compare_url"] == reverse(
        "admin:news_post_compare", args=[last.pk, posts[0].pk]
    )
    # The first member, checked before the others came, now shows the group too.
    posts[0].refresh_from_db()
    assert len(posts[0].checks["group"][0]["members"]) == 2


def test_a_story_sent_twice_by_one_unit_is_flagged_as_a_possible_copy(stories):
    unit = UnitFactory()
    first = _checked(_submitted(unit, stories["barista-redeb"]))
    again = _checked(_submitted(unit, stories["barista-redeb-2"]))

    assert _group_of(first) == _group_of(again) is not None
    (found,) = again.checks["group"]
    assert found["code"] == "near_copy"
    assert found["level"] == "warning"
    assert found["members"][0]["score"] >= grouping.NEAR_COPY


def test_only_the_last_days_are_compared_never_the_archive(stories):
    unit = UnitFactory()
    old = _checked(
        _submitted(
            unit,
            stories["kakanwil-ambon"],
            days_ago=grouping.WINDOW_DAYS + 5,
            status=PostStatus.PUBLISHED,
        )
    )
    new = _checked(_submitted(unit, stories["kakanwil-ambon-2"]))

    assert _group_of(old) is None and _group_of(new) is None


def test_checking_again_changes_neither_the_index_nor_the_counts(stories):
    post = _checked(_submitted(UnitFactory(), stories["nk-batu"]))
    terms = list(StoryKeyTerm.objects.filter(post=post).values_list("term", flat=True))
    counts = dict(StoryTermCount.objects.values_list("term", "documents"))

    _checked(post)

    assert sorted(terms) == sorted(
        StoryKeyTerm.objects.filter(post=post).values_list("term", flat=True)
    )
    assert len(terms) == grouping.KEY_TERMS
    assert counts == dict(StoryTermCount.objects.values_list("term", "documents"))
    assert counts[grouping.TOTAL_TERM] == 1
    assert StoryFingerprint.objects.filter(post=post).count() == 1


def test_a_late_third_story_merges_two_groups_into_one(stories):
    a = _checked(_submitted(UnitFactory(), stories["nk-karanganyar"]))
    b = _checked(_submitted(UnitFactory(), stories["nk-batu"]))
    c = _checked(_submitted(UnitFactory(), stories["nk-besi"]))

    assert _group_of(a) == _group_of(b) == _group_of(c) is not None
    assert StoryGroup.objects.count() == 1


# --- Through the worker: the seed articles after the demo --------------------------


@pytest.fixture
def small_demo_photos(monkeypatch):
    def small(*, seed, category, title):
        buffer = io.BytesIO()
        Image.new("RGB", (64, 40), (seed % 255, 90, 120)).save(buffer, "JPEG")
        return SimpleUploadedFile("demo.jpg", buffer.getvalue(), "image/jpeg")

    monkeypatch.setattr("news.demo.demo_photo", small)


@pytest.mark.django_db(transaction=True)
def test_the_seed_articles_from_two_units_land_in_one_group_without_demo_posts(
    celery_worker, small_demo_photos
):
    from news.demo import demo_load_posts
    from units.demo import demo_load

    demo_load()
    demo_load_posts(stdout=io.StringIO())
    sent = Post.objects.exclude(status=PostStatus.DRAFT)
    assert wait_for(lambda: not sent.filter(checks_run_at__isnull=True).exists())
    demo_ids = set(Post.objects.values_list("pk", flat=True))
    # The demo's own reports of the 2024 meeting were sent together: a group.
    assert StoryGroupMember.objects.filter(post_id__in=demo_ids).exists()

    seeds = []
    for seed in load_seed_articles():
        unit = Unit.objects.get(name=seed.unit)
        author = UserFactory(unit=unit)
        post = services.post_create(
            author=author,
            title=seed.title,
            lead=seed.lead[:500],
            body=seed.body_html,
            category=CategoryFactory(),
            event_date=seed.event_date,
            location=seed.location,
        )
        seeds.append(services.post_submit(post=post, actor=author))

    assert wait_for(
        lambda: all(
            Post.objects.filter(pk=p.pk, checks_run_at__isnull=False).exists()
            for p in seeds
        )
    )
    first, second = (Post.objects.get(pk=p.pk) for p in seeds)
    assert first.unit_id != second.unit_id
    group = _group_of(first)
    assert group is not None and group == _group_of(second)
    members = set(
        StoryGroupMember.objects.filter(group_id=group).values_list(
            "post_id", flat=True
        )
    )
    assert members == {first.pk, second.pk}
    assert not members & demo_ids
    (found,) = second.checks["group"]
    assert [m["post_id"] for m in found["members"]] == [first.pk]


# --- What the editor sees -------------------------------------------------------------


@pytest.fixture
def grouped(stories):
    central_java = Region.objects.get(province_code="33")
    posts = [
        _checked(_submitted(UnitFactory(region=central_java), stories[key]))
        for key in ("dpr-lapasperempuan", "dpr-rutansemarang")
    ]
    # A third report of the same visit from a unit of another region.
    posts.append(_checked(_submitted(UnitFactory(), stories["dpr-rutansemarang"])))
    assert len({_group_of(p) for p in posts}) == 1
    return posts


@pytest.mark.django_db
def test_the_decision_page_shows_the_group_with_scores_and_compare_links(
    client, grouped, django_assert_max_num_queries
):
    client.force_login(EditorFactory())
    post, *others = grouped

    with django_assert_max_num_queries(60):
        response = client.get(reverse("admin:news_post_change", args=[post.pk]))

    page = response.content.decode()
    assert "Kemungkinan kegiatan yang sama: 2 berita lain" in page
    for other in others:
        assert other.unit.name in page
        assert reverse("admin:news_post_compare", args=[post.pk, other.pk]) in page
    assert "Menunggu redaksi" in page
    assert "%</span>" in page  # the similarity, as a percentage


@pytest.mark.django_db
def test_a_post_without_a_group_shows_no_group_panel(client, stories):
    client.force_login(EditorFactory())
    post = _checked(_submitted(UnitFactory(), stories["videocall-bangil"]))

    response = client.get(reverse("admin:news_post_change", args=[post.pk]))

    assert "Kemungkinan kegiatan yang sama" not in response.content.decode()


@pytest.mark.django_db
def test_the_comparison_shows_both_posts_side_by_side(client, grouped):
    client.force_login(EditorFactory())
    post, other, _third = grouped

    response = client.get(reverse("admin:news_post_compare", args=[post.pk, other.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert post.unit.name in page and other.unit.name in page
    assert "Kemiripan isi:" in page
    assert "keduanya dalam satu kelompok berita" in page
    assert "<mark>" in page  # the shared words are marked
    assert "Komisi" in page


@pytest.mark.django_db
def test_the_regional_reviewer_compares_only_their_regions_posts(client, grouped):
    post, same_region, other_region = grouped
    client.force_login(ReviewerFactory())  # Jawa Tengah

    allowed = client.get(
        reverse("admin:news_post_compare", args=[post.pk, same_region.pk])
    )
    refused = client.get(
        reverse("admin:news_post_compare", args=[post.pk, other_region.pk])
    )
    page = client.get(reverse("admin:news_post_change", args=[post.pk]))

    assert allowed.status_code == 200
    assert refused.status_code == 404
    text = page.content.decode()
    assert "(berita kanwil lain)" in text
    assert (
        reverse("admin:news_post_compare", args=[post.pk, other_region.pk]) not in text
    )


@pytest.mark.django_db
def test_a_reviewer_of_another_region_gets_404(client, grouped):
    post, other, _third = grouped
    client.force_login(ReviewerFactory(region=Region.objects.get(province_code="51")))

    response = client.get(reverse("admin:news_post_compare", args=[post.pk, other.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_queue_filters_grouped_posts(client, grouped, stories):
    client.force_login(EditorFactory())
    alone = _checked(_submitted(UnitFactory(), stories["videocall-makassar"]))

    grouped_page = client.get(CHANGELIST, {"kelompok": "ya"}).content.decode()
    alone_page = client.get(CHANGELIST, {"kelompok": "tidak"}).content.decode()

    assert "Dalam kelompok berita" in grouped_page
    for post in grouped:
        assert post.title in grouped_page
    assert alone.title not in grouped_page
    assert alone.title in alone_page


def test_place_words_leave_out_what_every_location_has():
    assert grouping.place_of("Aula Lapas Perempuan Kelas IIA Semarang") == {"semarang"}
    assert grouping.place_of("") == frozenset()
    assert (
        grouping.same_event(
            grouping.Story(terms={}, event_date=date(2025, 1, 1), place={"a"}),
            grouping.Story(terms={}, event_date=date(2025, 1, 9), place={"a"}),
            1.0,
        )
        is False
    )


@pytest.mark.django_db(transaction=True)
def test_two_reports_checked_at_the_same_moment_end_in_one_group(monkeypatch, caplog):
    """Two workers, each past its matching, join groups at once: they take
    turns on the fingerprints' row locks and the second joins the first's."""
    import threading

    from django.db import connection

    stories = load_labelled_set()[0]
    first = _submitted(UnitFactory(), stories["remisi-lapaskupang"])
    second = _submitted(UnitFactory(), stories["remisi-rutankupang"])
    # Both indexed before either matches: each finds the other as a candidate.
    for post in (first, second):
        grouping.story_index(post=post, story=grouping.story_of_post(post))
    barrier = threading.Barrier(2)
    join = grouping.group_join

    def join_together(**kwargs):
        barrier.wait(timeout=10)
        return join(**kwargs)

    monkeypatch.setattr(grouping, "group_join", join_together)
    errors = []

    def run(post):
        try:
            post_checks_run(post_id=post.pk)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    # Neither check failed (e.g. on a deadlock) and was only mended later.
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.checks["group"][0]["code"] == "same_event"
    assert second.checks["group"][0]["code"] == "same_event"
    assert _group_of(first) == _group_of(second) is not None
    assert StoryGroup.objects.count() == 1
