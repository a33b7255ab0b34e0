"""Reads for the reader's site (the public app): published posts with their
photos, feeds, sitemaps, and the pages' objects by slug."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from news.models import (
    Photo,
    PhotoKind,
    PhotoStatus,
    Post,
    PostStatus,
    Rendition,
)

# --- Public site ---------------------------------------------------------------


# Photos the public pages show. A PENDING photo (renditions not made yet) is
# shown through its clean, metadata-free image (news.templatetags picture); a
# FAILED one has nothing safe to show and is left out.
SHOWN_PHOTO_STATUSES = (PhotoStatus.PENDING, PhotoStatus.READY)


def _renditions_prefetch() -> Prefetch:
    return Prefetch(
        "renditions", queryset=Rendition.objects.order_by("format", "width")
    )


def _photos_prefetch(*, shown_only: bool = True) -> Prefetch:
    photos = Photo.objects.exclude(kind=PhotoKind.INLINE).prefetch_related(
        _renditions_prefetch()
    )
    if shown_only:
        photos = photos.filter(status__in=SHOWN_PHOTO_STATUSES)
    return Prefetch("photos", queryset=photos.order_by("position", "id"))


def _cover_prefetch() -> Prefetch:
    covers = Photo.objects.filter(
        kind=PhotoKind.COVER, status__in=SHOWN_PHOTO_STATUSES
    ).prefetch_related(_renditions_prefetch())
    return Prefetch("photos", queryset=covers, to_attr="cover_photos")


def post_list_published(
    *,
    unit=None,
    category=None,
    tag=None,
    region=None,
    published_from: datetime | None = None,
    published_before: datetime | None = None,
) -> QuerySet[Post]:
    """Published posts, newest first, ready for a list of cards.

    Unit, region and category are joined in; covers and their renditions are
    prefetched: three queries for any page size (plus the paginator's count).
    `published_from` (inclusive) and `published_before` (exclusive) bound the
    publication time, as the archive's months do.
    """
    queryset = (
        Post.objects.published()
        .select_related("unit__region", "category")
        .prefetch_related(_cover_prefetch())
        .order_by("-published_at", "-id")
    )
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    if region is not None:
        queryset = queryset.filter(unit__region=region)
    if category is not None:
        queryset = queryset.filter(category=category)
    if tag is not None:
        queryset = queryset.filter(tags=tag)
    if published_from is not None:
        queryset = queryset.filter(published_at__gte=published_from)
    if published_before is not None:
        queryset = queryset.filter(published_at__lt=published_before)
    return queryset


def _article_queryset() -> QuerySet[Post]:
    # One photos query for the cover, the gallery and the body's images, all
    # with their renditions: the page splits them by kind in Python
    # (news.templatetags photos_of_kind, and `inline_photos` for
    # body_pictures, which swaps each <img> for a responsive <picture>).
    photos = (
        Photo.objects.filter(status__in=SHOWN_PHOTO_STATUSES)
        .prefetch_related(_renditions_prefetch())
        .order_by("position", "id")
    )
    return Post.objects.select_related("unit__region", "category").prefetch_related(
        "tags", Prefetch("photos", queryset=photos)
    )


def _with_inline_photos(post: Post) -> Post:
    post.inline_photos = [p for p in post.photos.all() if p.kind == PhotoKind.INLINE]
    return post


def post_get_published(*, slug: str) -> Post:
    """A published post with all its article page needs, or 404.

    Four queries: the post (with unit, region, category), tags, photos,
    renditions.
    """
    return _with_inline_photos(
        get_object_or_404(
            _article_queryset().filter(status=PostStatus.PUBLISHED), slug=slug
        )
    )


def post_with_article_data(*, post: Post) -> Post:
    """Reload any post (e.g. for the preview) with what the article page shows."""
    return _with_inline_photos(_article_queryset().get(pk=post.pk))


# What a related post's card shows (templates/public/_post_card.html): the
# fewer columns, the less the ORM compiles and builds.
_CARD_FIELDS = (
    "title",
    "slug",
    "lead",
    "published_at",
    "unit__name",
    "unit__slug",
    "category__name",
    "category__slug",
)


def _ids_union(*querysets: QuerySet) -> RawSQL:
    """The ids of several sliced querysets, as one subquery for `pk__in`.

    Each part keeps its own ORDER BY and LIMIT inside a derived table, which
    PostgreSQL and SQLite both accept (Django's own .union() refuses sliced
    parts on SQLite); PostgreSQL runs each part on its index and joins the
    few ids back by primary key.
    """
    parts, params = [], []
    for n, queryset in enumerate(querysets):
        sql, part_params = queryset.values("pk").query.sql_with_params()
        parts.append("SELECT pk FROM (%s) AS part_%d" % (sql, n))
        params.extend(part_params)
    return RawSQL(" UNION ALL ".join(parts), params)


def post_neighbours(*, post: Post) -> tuple[Post | None, Post | None]:
    """The unit's published posts just before and just after this one.

    One query (two index lookups on news_post (unit, status) joined by
    primary key), whatever the unit's size.
    """
    same_unit = (
        Post.objects.published().filter(unit_id=post.unit_id).exclude(pk=post.pk)
    )
    before = Q(published_at__lt=post.published_at) | Q(
        published_at=post.published_at, pk__lt=post.pk
    )
    ids = _ids_union(
        same_unit.filter(before).order_by("-published_at", "-id")[:1],
        same_unit.exclude(before).order_by("published_at", "id")[:1],
    )
    previous = following = None
    for neighbour in Post.objects.filter(pk__in=ids).only(
        "title", "slug", "published_at"
    ):
        if (neighbour.published_at, neighbour.pk) < (post.published_at, post.pk):
            previous = neighbour
        else:
            following = neighbour
    return previous, following


# How much each kind of likeness counts when related posts are ranked.
RELATED_WEIGHTS = {"unit": 3, "tags": 2, "category": 1}
# Candidates taken from each kind: a handful of the newest, so the page costs
# the same few indexed queries on a site of 10 or 100,000 posts.
RELATED_CANDIDATES = 8


def post_list_related(
    *, post: Post, limit: int = 4, exclude_ids: tuple[int, ...] = ()
) -> list[Post]:
    """Published posts like this one: same unit, shared tags, same category.

    The candidates are the newest few of each kind; they are ranked by what
    they share, weighted by RELATED_WEIGHTS (a post of the same unit sharing
    a tag ranks above one that only shares the category), newest first among
    equals, and the `limit` kept come with their covers. Three queries: the
    candidates ranked in the database (one statement, only the `limit` rows
    come back), the covers, their renditions. `post.tags` should be prefetched
    (post_get_published does it).
    """
    ranked = _related_ranked(post=post, limit=limit, exclude_ids=exclude_ids)
    prefetch_related_objects(ranked, _cover_prefetch())
    return ranked


def _related_ranked(
    *, post: Post, limit: int, exclude_ids: tuple[int, ...]
) -> list[Post]:
    """post_list_related's one ranking query, without the covers."""
    candidates = (
        Post.objects.published()
        .exclude(pk__in=(post.pk, *exclude_ids))
        .order_by("-published_at", "-id")
    )
    tag_ids = [tag.pk for tag in post.tags.all()]
    by_unit = candidates.filter(unit_id=post.unit_id)[:RELATED_CANDIDATES]
    by_category = candidates.filter(category_id=post.category_id)[:RELATED_CANDIDATES]
    kinds = [by_unit, by_category]

    def points(condition, weight: int) -> Case:
        return Case(When(condition, then=Value(weight)), default=Value(0))

    score = points(Q(unit_id=post.unit_id), RELATED_WEIGHTS["unit"]) + points(
        Q(category_id=post.category_id), RELATED_WEIGHTS["category"]
    )
    if tag_ids:
        shares_tag = Exists(
            Post.tags.through.objects.filter(post_id=OuterRef("pk"), tag_id__in=tag_ids)
        )
        kinds.append(candidates.filter(shares_tag)[:RELATED_CANDIDATES])
        # Any candidate sharing a tag scores for it, whichever list brought
        # it (an index lookup for each of the few candidates).
        score += points(shares_tag, RELATED_WEIGHTS["tags"])
    return list(
        Post.objects.filter(pk__in=_ids_union(*kinds))
        .select_related("unit", "category")
        .only(*_CARD_FIELDS)
        .annotate(related_score=score)
        .order_by("-related_score", "-published_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class ArticlePage:
    """What the public article page shows besides the post's own fields."""

    post: Post
    previous: Post | None
    following: Post | None
    related: list[Post]


def article_page(*, slug: str, related_limit: int = 4) -> ArticlePage:
    """A published post (or 404) with its neighbours and related posts.

    Six queries, whatever the site holds: the post (with unit, region,
    category), its tags, previous and next (post_neighbours), the ranked
    related posts (post_list_related's ranking), then one photos query and
    one renditions query for both the post (cover, gallery, inline images)
    and the related posts' covers.
    """
    post = get_object_or_404(
        Post.objects.select_related("unit__region", "category")
        .prefetch_related("tags")
        .filter(status=PostStatus.PUBLISHED),
        slug=slug,
    )
    previous, following = post_neighbours(post=post)
    related = _related_ranked(
        post=post,
        limit=related_limit,
        exclude_ids=tuple(p.pk for p in (previous, following) if p is not None),
    )
    # The post's shown photos and the related posts' covers in one prefetch:
    # a related post's `photos` then holds its cover only, its card's
    # `cover_photos` as post_list_related gives it.
    photos = (
        Photo.objects.filter(status__in=SHOWN_PHOTO_STATUSES)
        .filter(Q(post_id=post.pk) | Q(kind=PhotoKind.COVER))
        .prefetch_related(_renditions_prefetch())
        .order_by("position", "id")
    )
    prefetch_related_objects([post, *related], Prefetch("photos", queryset=photos))
    for card in related:
        card.cover_photos = list(card.photos.all())
    return ArticlePage(
        post=_with_inline_photos(post),
        previous=previous,
        following=following,
        related=related,
    )


# --- Listings: region, archive ------------------------------------------------


def unit_list_for_region(*, region) -> QuerySet:
    """The region's active units, each with `post_count` (published posts)."""
    from units.models import Unit

    return (
        Unit.objects.active()
        .filter(region=region)
        .annotate(
            post_count=Count("posts", filter=Q(posts__status=PostStatus.PUBLISHED))
        )
        .order_by("name")
    )


def archive_months(*, year: int | None = None) -> list[dict]:
    """Months that have published posts, oldest first: {"month": date, "count": n}.

    Months in the site's time zone (settings.TIME_ZONE, WIB); one query.
    """
    queryset = Post.objects.published()
    if year is not None:
        queryset = queryset.filter(
            published_at__gte=month_start(year=year, month=1),
            published_at__lt=month_start(year=year + 1, month=1),
        )
    rows = (
        queryset.annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("month")
    )
    return [{"month": row["month"].date(), "count": row["count"]} for row in rows]


def month_start(*, year: int, month: int) -> datetime:
    """Midnight on the first of the month, in the site's time zone."""
    return timezone.make_aware(datetime(year, month, 1))


def photo_list_for_post(*, post: Post) -> QuerySet[Photo]:
    """A post's cover and gallery (not the inline images), cover first."""
    return (
        Photo.objects.filter(post=post)
        .exclude(kind=PhotoKind.INLINE)
        .prefetch_related(_renditions_prefetch())
        .order_by("kind", "position", "id")
    )


# --- Feeds and sitemaps (public app) ---------------------------------------------


def post_list_for_feed(
    *, unit=None, region=None, category=None, limit: int = 20
) -> list[Post]:
    """The newest published posts of a feed, with their tags and cover.

    Five queries whatever `limit` is: posts (with unit, region, category),
    covers, cover renditions, tags.
    """
    posts = post_list_published(unit=unit, region=region, category=category)
    return list(posts.prefetch_related("tags")[:limit])


def post_list_for_news_sitemap(
    *, hours: int = 48, limit: int = 1000, now: datetime | None = None
) -> QuerySet[Post]:
    """Published posts of the last `hours`, newest first, at most `limit`."""
    since = (now or timezone.now()) - timedelta(hours=hours)
    return (
        Post.objects.published()
        .filter(published_at__gte=since)
        .only("slug", "title", "published_at", "updated_at")
        .order_by("-published_at", "-id")[:limit]
    )


def post_list_for_sitemap() -> QuerySet[Post]:
    """Every published post, newest first, with only what a sitemap needs."""
    return (
        Post.objects.published()
        .only("slug", "published_at", "updated_at")
        .order_by("-published_at", "-id")
    )


def _with_latest_post(queryset: QuerySet, path: str) -> QuerySet:
    """Rows that have a published post, each with `latest_post_at`."""
    from django.db.models import Max

    published = {"%s__status" % path: PostStatus.PUBLISHED}
    return (
        queryset.filter(**published)
        .annotate(latest_post_at=Max("%s__updated_at" % path))
        .order_by("-latest_post_at", "pk")
    )


def unit_list_with_published_posts() -> QuerySet:
    from units.models import Unit

    return _with_latest_post(Unit.objects.all(), "posts")


def region_list_with_published_posts() -> QuerySet:
    from units.models import Region

    return _with_latest_post(Region.objects.all(), "units__posts")


def category_list_with_published_posts() -> QuerySet:
    from news.models import Category

    return _with_latest_post(Category.objects.all(), "posts")


def tag_list_with_published_posts() -> QuerySet:
    from news.models import Tag

    return _with_latest_post(Tag.objects.all(), "posts")


def unit_get_by_slug(*, slug: str):
    from units.models import Unit

    return get_object_or_404(Unit.objects.select_related("region"), slug=slug)


def region_get_by_slug(*, slug: str):
    from units.models import Region

    return get_object_or_404(Region, slug=slug)


def category_get_by_slug(*, slug: str):
    from news.models import Category

    return get_object_or_404(Category, slug=slug)


def tag_get_by_slug(*, slug: str):
    from news.models import Tag

    return get_object_or_404(Tag, slug=slug)


def category_list() -> QuerySet:
    """Every category in its set order (the home page's chips)."""
    from news.models import Category

    return Category.objects.all()
