"""Reads for the reader's home page: headlines, latest, sections, most read.

Every function here issues a fixed number of queries whatever the number of
posts, categories or regions. The newest posts of each category or region
come from one query: on PostgreSQL a UNION ALL of one small `LIMIT n` query
per group, each walking the (status, -published_at) index and stopping at n
rows (a few milliseconds on 10,000 posts, where ROW_NUMBER() OVER (PARTITION
BY ...) sorted every published post: 40-60 ms); the embedded SQLite, which
cannot slice the parts of a UNION, uses that window query instead.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.db.models import (
    Count,
    F,
    Max,
    QuerySet,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from news.models import Category, Post, PostStatus
from news.selectors.public import _cover_prefetch, post_list_published
from units.models import Region

NEWEST = ("-published_at", "-id")


def _cards() -> QuerySet[Post]:
    """Published posts for cards, with unit, region and category; covers are
    prefetched once for all the page's cards (home_page). The body and the
    checks are large and never shown on a card."""
    return post_list_published().prefetch_related(None).defer("body", "checks")


def _newest_per_group(
    queryset: QuerySet[Post], *, field_name: str, values: list, limit: int
) -> list[Post]:
    """The newest `limit` posts of `queryset` for each of `values` of
    `field_name`, in one query, ordered by group then newest first."""
    if not values:
        return []
    if connection.features.supports_slicing_ordering_in_compound:
        ids = Post.objects.published().order_by(*NEWEST).values_list("pk", flat=True)
        parts = [ids.filter(**{field_name: value})[:limit] for value in values]
        posts = queryset.filter(pk__in=parts[0].union(*parts[1:], all=True))
    else:
        posts = (
            queryset.filter(**{"%s__in" % field_name: values})
            .annotate(
                group_rank=Window(
                    RowNumber(),
                    partition_by=[F(field_name)],
                    order_by=[F("published_at").desc(), F("id").desc()],
                )
            )
            .filter(group_rank__lte=limit)
        )
    return list(posts.order_by(*NEWEST))


def post_list_headlines(*, limit: int = 5) -> list[Post]:
    """The lead story and secondary headlines: the editors' picks ("berita
    pilihan", newest first), then the latest posts when fewer are featured.
    Two queries at most (both on the publication index); no covers
    (home_page prefetches them).
    """
    picks = list(_cards().filter(is_featured=True)[:limit])
    if len(picks) < limit:
        latest = _cards().exclude(pk__in=[post.pk for post in picks])
        picks += list(latest[: limit - len(picks)])
    return picks


def post_list_latest(*, exclude_ids=(), limit: int = 8) -> list[Post]:
    """The newest published posts, leaving out those already shown above."""
    return list(_cards().exclude(pk__in=list(exclude_ids))[:limit])


@dataclass
class CategorySection:
    category: Category
    posts: list[Post] = field(default_factory=list)


def category_sections(*, per_category: int = 4) -> list[CategorySection]:
    """Each category that has published posts, in its set order, with its
    newest `per_category` posts. Two queries for any number of categories.
    """
    sections = {c.pk: CategorySection(category=c) for c in Category.objects.all()}
    posts = _newest_per_group(
        _cards(), field_name="category_id", values=list(sections), limit=per_category
    )
    for post in posts:
        sections[post.category_id].posts.append(post)
    return [section for section in sections.values() if section.posts]


@dataclass
class RegionSummary:
    region: Region  # with post_count and latest_at
    latest: list[Post] = field(default_factory=list)


def region_summaries(*, with_headlines: int = 8, per_region: int = 1):
    """Regions (Kanwil) with published posts, the most recently active first,
    with their post count; the first `with_headlines` of them carry their
    newest `per_region` headlines. Two queries.
    """
    regions = (
        Region.objects.filter(units__posts__status=PostStatus.PUBLISHED)
        .annotate(
            post_count=Count("units__posts"),
            latest_at=Max("units__posts__published_at"),
        )
        .order_by("-latest_at", "name")
    )
    summaries = [RegionSummary(region=region) for region in regions]
    by_id = {summary.region.pk: summary for summary in summaries[:with_headlines]}
    headlines = (
        Post.objects.published()
        .select_related("unit")
        .only(
            "title", "slug", "published_at", "unit__name", "unit__slug", "unit__region"
        )
    )
    for post in _newest_per_group(
        headlines, field_name="unit__region_id", values=list(by_id), limit=per_region
    ):
        by_id[post.unit.region_id].latest.append(post)
    return summaries


def post_list_most_read(*, limit: int = 5, days: int = 30, now=None) -> list[Post]:
    """The most read published posts ("Terpopuler") of the last `days`, by
    Post.read_count (news.services.readcounts flushes the counted reads into
    it). When nothing of that period was read yet, the most read of all time:
    one query, or two in that case.
    """
    since = (now or timezone.now()) - timedelta(days=days)
    read = (
        Post.objects.published()
        .filter(read_count__gt=0)
        .select_related("unit")
        .only("title", "slug", "published_at", "read_count", "unit__name")
        .order_by("-read_count", "-published_at", "-id")
    )
    posts = list(read.filter(published_at__gte=since)[:limit])
    return posts or list(read[:limit])


@dataclass
class HomePage:
    headlines: list[Post]
    latest: list[Post]
    sections: list[CategorySection]
    regions: list[RegionSummary]
    most_read: list[Post]


def home_page(
    *,
    headlines: int = 5,
    latest: int = 8,
    per_category: int = 4,
    most_read: int = 5,
    regions_with_headlines: int = 8,
) -> HomePage:
    """Everything the home page lists, in 12 queries at most whatever the
    number of posts: headlines (1-2), latest, categories and their posts,
    covers and their renditions (once for all cards), regions and their
    headlines, and the most read (1-2).
    """
    top = post_list_headlines(limit=headlines)
    page = HomePage(
        headlines=top,
        latest=post_list_latest(exclude_ids=[p.pk for p in top], limit=latest),
        sections=category_sections(per_category=per_category),
        regions=region_summaries(with_headlines=regions_with_headlines),
        most_read=post_list_most_read(limit=most_read),
    )
    cards = page.headlines + page.latest
    cards += [post for section in page.sections for post in section.posts]
    prefetch_related_objects(cards, _cover_prefetch())
    return page
