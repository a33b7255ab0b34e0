"""Reads for the reader's site (the public app): published posts with their
photos, feeds, sitemaps, and the pages' objects by slug."""

from datetime import datetime, timedelta

from django.db.models import (
    Prefetch,
    QuerySet,
)
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
    *, unit=None, category=None, tag=None, region=None
) -> QuerySet[Post]:
    """Published posts, newest first, ready for a list of cards.

    Unit, region and category are joined in; covers and their renditions are
    prefetched: three queries for any page size (plus the paginator's count).
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
    return queryset


def _inline_photos_prefetch() -> Prefetch:
    # The body's images, with their renditions: the article template swaps
    # each <img> for a responsive <picture> without a query per image.
    inline = Photo.objects.filter(kind=PhotoKind.INLINE).prefetch_related(
        _renditions_prefetch()
    )
    return Prefetch("photos", queryset=inline, to_attr="inline_photos")


def post_get_published(*, slug: str) -> Post:
    """A published post with all its article page needs, or 404."""
    return get_object_or_404(
        Post.objects.published()
        .select_related("unit__region", "category")
        .prefetch_related("tags", _photos_prefetch(), _inline_photos_prefetch()),
        slug=slug,
    )


def post_with_article_data(*, post: Post) -> Post:
    """Reload any post (e.g. for the preview) with what the article page shows."""
    return (
        Post.objects.select_related("unit__region", "category")
        .prefetch_related("tags", _photos_prefetch(), _inline_photos_prefetch())
        .get(pk=post.pk)
    )


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
