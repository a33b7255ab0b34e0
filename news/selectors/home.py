"""Reads for the reader's home page: headlines, latest, sections, most read.

Every function here issues a fixed number of queries whatever the number of
posts, categories or regions: the top-N-per-group lists use one window query
(ROW_NUMBER() OVER (PARTITION BY ...)), which PostgreSQL and the embedded
SQLite both run, instead of a query per category or region.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, F, Max, QuerySet, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.utils import timezone

from news.models import Category, Post, PostStatus
from news.selectors.public import _cover_prefetch, post_list_published
from units.models import Region


def _cards() -> QuerySet[Post]:
    """Published posts for cards, with unit, region and category; covers are
    prefetched once for all the page's cards (home_page). The body and the
    checks are large and never shown on a card."""
    return post_list_published().prefetch_related(None).defer("body", "checks")


def _ranked(queryset: QuerySet[Post], *, partition, limit: int) -> QuerySet[Post]:
    """The newest `limit` posts of each group, in one query."""
    return queryset.annotate(
        group_rank=Window(
            RowNumber(),
            partition_by=[partition],
            order_by=[F("published_at").desc(), F("id").desc()],
        )
    ).filter(group_rank__lte=limit)


def post_list_headlines(*, limit: int = 5) -> list[Post]:
    """The lead story and secondary headlines: the editors' picks ("berita
    pilihan", newest first), then the latest posts when fewer are featured.
    One query; no covers (home_page prefetches them).
    """
    return list(_cards().order_by("-is_featured", "-published_at", "-id")[:limit])


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
    ranked = _ranked(_cards(), partition=F("category_id"), limit=per_category)
    for post in ranked.order_by("category_id", "group_rank"):
        sections[post.category_id].posts.append(post)
    return [section for section in sections.values() if section.posts]


@dataclass
class RegionSummary:
    region: object  # units.models.Region, with post_count and latest_at
    latest: list[Post] = field(default_factory=list)


def region_summaries(*, per_region: int = 1) -> list[RegionSummary]:
    """Regions (Kanwil) with published posts, the most recently active first,
    each with its count and newest `per_region` headlines. Two queries.
    """
    regions = (
        Region.objects.filter(units__posts__status=PostStatus.PUBLISHED)
        .annotate(
            post_count=Count("units__posts"),
            latest_at=Max("units__posts__published_at"),
        )
        .order_by("-latest_at", "name")
    )
    summaries = {region.pk: RegionSummary(region=region) for region in regions}
    headlines = _ranked(
        Post.objects.published()
        .select_related("unit")
        .only(
            "title", "slug", "published_at", "unit__name", "unit__slug", "unit__region"
        ),
        partition=F("unit__region_id"),
        limit=per_region,
    )
    for post in headlines.order_by("group_rank"):
        summary = summaries.get(post.unit.region_id)
        if summary is not None:
            summary.latest.append(post)
    return list(summaries.values())


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
) -> HomePage:
    """Everything the home page lists, in 10 or 11 queries whatever the number
    of posts: headlines, latest, categories and their posts, covers and
    their renditions (once for all cards), regions and their headlines, and
    the most read.
    """
    top = post_list_headlines(limit=headlines)
    page = HomePage(
        headlines=top,
        latest=post_list_latest(exclude_ids=[p.pk for p in top], limit=latest),
        sections=category_sections(per_category=per_category),
        regions=region_summaries(),
        most_read=post_list_most_read(limit=most_read),
    )
    cards = page.headlines + page.latest
    cards += [post for section in page.sections for post in section.posts]
    prefetch_related_objects(cards, _cover_prefetch())
    return page
