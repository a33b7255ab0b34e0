"""Reads that join or aggregate: one query per page, whatever the row count."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from news import diffing
from news.models import (
    Photo,
    PhotoKind,
    PhotoStatus,
    Post,
    PostAction,
    PostEvent,
    PostRevision,
    PostSnapshot,
    PostStatus,
    Rendition,
    ReviewRecommendation,
)
from units.models import Role


def post_status_counts(*, queryset: QuerySet[Post] | None = None) -> dict[str, int]:
    """Posts per status, every status present (zero when none), in one query."""
    queryset = Post.objects.all() if queryset is None else queryset
    rows = queryset.order_by().values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(PostStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def post_get_for_unit(*, unit, pk: int) -> Post:
    """A unit's own post, or 404: another unit's post does not exist for them."""
    return get_object_or_404(
        Post.objects.select_related("unit", "category", "author"), pk=pk, unit=unit
    )


# --- The newsroom (admin) -------------------------------------------------------

# The queue's order: submissions first, the longest-waiting first; then the
# rest, newest first.
QUEUE_ORDERING = ("queue_rank", "queue_since", "-created_at")


def post_queue(*, user, queryset: QuerySet[Post] | None = None) -> QuerySet[Post]:
    """The posts `user` sees in the newsroom, in queue order.

    A regional reviewer sees only their region's units. Each post carries
    its latest reviewer's recommendation (recommendation, recommendation_at)
    from subqueries, so the list costs the same whatever its length.
    """
    queryset = Post.objects.all() if queryset is None else queryset
    latest = ReviewRecommendation.objects.filter(post=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    queryset = queryset.select_related("unit__region", "category", "author").annotate(
        queue_rank=Case(
            When(status=PostStatus.SUBMITTED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        queue_since=Case(
            When(status=PostStatus.SUBMITTED, then=F("submitted_at")),
            default=None,
        ),
        recommendation=Subquery(latest.values("recommendation")[:1]),
        recommendation_at=Subquery(latest.values("created_at")[:1]),
    )
    if getattr(user, "role", None) == Role.REVIEWER and not user.is_superuser:
        queryset = queryset.filter(unit__region_id=user.region_id)
    return queryset.order_by(*QUEUE_ORDERING)


def post_recommendation_latest(*, post: Post) -> ReviewRecommendation | None:
    """The recommendation that counts: the reviewer's latest on this post."""
    return (
        ReviewRecommendation.objects.filter(post=post)
        .select_related("reviewer")
        .order_by("-created_at", "-id")
        .first()
    )


def photo_list_for_review(*, post: Post) -> QuerySet[Photo]:
    """Every photo of a post, whatever its status: cover, gallery, inline.

    The editors see what was sent, including photos still being processed
    or whose processing failed; each carries its rendition count.
    """
    return (
        Photo.objects.filter(post=post)
        .annotate(
            kind_rank=Case(
                When(kind=PhotoKind.COVER, then=Value(0)),
                When(kind=PhotoKind.GALLERY, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            rendition_count=Count("renditions"),
        )
        .prefetch_related(_renditions_prefetch())
        .order_by("kind_rank", "position", "id")
    )


# --- Contributor dashboard ---------------------------------------------------

# Decisions whose comment the unit must read: the editors' and the head's.
COMMENTED_ACTIONS = (
    PostAction.REQUEST_CHANGES,
    PostAction.REJECT,
    PostAction.UNPUBLISH,
    PostAction.APPROVE,
    PostAction.SCHEDULE,
    PostAction.EDIT,
    PostAction.HEAD_RETURN,
)


def post_list_for_unit(*, unit, status: str | None = None) -> QuerySet[Post]:
    """A unit's posts, newest first, each with the latest reviewer's comment.

    The comment comes from a subquery, so the page costs the same number of
    queries whatever the number of posts.
    """
    latest_comment = (
        PostEvent.objects.filter(post=OuterRef("pk"), action__in=COMMENTED_ACTIONS)
        .exclude(comment="")
        .order_by("-created_at", "-id")
    )
    queryset = (
        Post.objects.for_unit(unit)
        .select_related("category", "author")
        .annotate(
            latest_comment=Subquery(latest_comment.values("comment")[:1]),
            latest_comment_at=Subquery(latest_comment.values("created_at")[:1]),
            latest_comment_action=Subquery(latest_comment.values("action")[:1]),
        )
        .order_by("-updated_at", "-id")
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def post_events_for_post(*, post: Post) -> QuerySet[PostEvent]:
    """A post's history for its unit, newest first, with who did what."""
    return post.events.select_related("actor").order_by("-created_at", "-id")


def post_get_for_unit_page(*, unit, pk: int) -> Post:
    """A unit's own post with everything its page shows (tags, photos), or 404."""
    return get_object_or_404(
        Post.objects.select_related(
            "unit__region", "category", "author"
        ).prefetch_related("tags", _photos_prefetch(shown_only=False)),
        pk=pk,
        unit=unit,
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


# --- Photo pipeline ------------------------------------------------------------


def photos_missing_renditions(
    *, older_than: timedelta, limit: int, now: datetime | None = None
) -> QuerySet:
    """Ids of photos still waiting for renditions `older_than` after upload.

    Oldest first, at most `limit`. The rows are locked, skipping those a
    rendition task holds right now (it is making them): evaluate inside a
    transaction (news.services.photo_renditions_sweep does).
    """
    cutoff = (now or timezone.now()) - older_than
    return (
        Photo.objects.select_for_update(skip_locked=True)
        .filter(status=PhotoStatus.PENDING, created_at__lte=cutoff)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def photos_orphaned_inline(
    *, older_than: timedelta, limit: int, now: datetime | None = None
) -> QuerySet:
    """Ids of unattached photos no post took `older_than` after upload.

    CKEditor's inline images and the cover or gallery photos staged by a post
    form that was never saved (news.services.staging.photo_stage): every photo
    with post=None. Oldest first, at most `limit`. The rows are locked,
    skipping those a post's save is attaching right now (or another sweep
    holds): evaluate inside a transaction (news.services.photo_orphans_delete
    does).
    """
    cutoff = (now or timezone.now()) - older_than
    return (
        Photo.objects.select_for_update(skip_locked=True)
        .filter(post__isnull=True, created_at__lte=cutoff)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- Inline images ---------------------------------------------------------------

# What an inline image is stored with until its writer describes it in the
# editor; a body image whose alt text is empty or still this gets a warning.
INLINE_ALT_TEXT = _("Gambar dalam berita")


class _ImageAlts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.alts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.alts.append((dict(attrs).get("alt") or "").strip())


def inline_images_without_alt(*, body: str) -> int:
    """How many of the body's images have no real text alternative."""
    parser = _ImageAlts()
    parser.feed(body or "")
    parser.close()
    placeholders = {"gambar dalam berita", str(INLINE_ALT_TEXT).casefold()}
    return sum(1 for alt in parser.alts if not alt or alt.casefold() in placeholders)


# --- What changed: resubmissions and editors' revisions ------------------------


@dataclass
class ResubmissionDiff:
    """A resubmission against the version the editors sent back (news.diffing)."""

    request: PostEvent  # the editors' request for changes
    sent_back: PostSnapshot
    resubmitted: PostSnapshot
    diff: diffing.SnapshotDiff

    @property
    def note(self) -> str:
        """What the unit wrote to the editors when it sent the post again."""
        return self.resubmitted.event.comment


def _photo_urls(photos) -> None:
    """Point each compared photo at its image while the photo still exists."""
    uuids = [photo.uuid for photo in photos]
    if not uuids:
        return
    urls = {
        photo.uuid.hex: photo.image.url
        for photo in Photo.objects.filter(uuid__in=uuids).only("uuid", "image")
        if photo.image
    }
    for photo in photos:
        photo.url = urls.get(photo.uuid, "")


def post_resubmission_diff(*, post: Post) -> ResubmissionDiff | None:
    """The latest resubmission after the latest request for changes, compared.

    None until the unit has sent the post again (or for posts sent before
    snapshots were kept). Four queries at most.
    """
    request = (
        post.events.filter(action=PostAction.REQUEST_CHANGES)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    if request is None:
        return None
    # Ordered by their submissions' time, the one the history shows.
    snapshots = post.snapshots.select_related("event__actor").order_by(
        "-event__created_at", "-event_id"
    )
    resubmitted = snapshots.filter(event__created_at__gt=request.created_at).first()
    if resubmitted is None:
        return None
    sent_back = snapshots.filter(event__created_at__lte=request.created_at).first()
    if sent_back is None:
        return None
    diff = diffing.snapshot_diff(sent_back.data, resubmitted.data)
    _photo_urls(diff.photos)
    return ResubmissionDiff(
        request=request, sent_back=sent_back, resubmitted=resubmitted, diff=diff
    )


@dataclass
class RevisionComparison:
    """A published post's text before an editor's edit, against what followed."""

    revision: PostRevision
    newer: PostRevision | None  # None: compared with the current version
    diff: diffing.SnapshotDiff


def _revision_text(version) -> dict:
    return {name: getattr(version, name) for name in diffing.REVISION_FIELDS}


def post_revision_comparison(
    *, post: Post, revision_id: int, against_current: bool = False
) -> RevisionComparison | None:
    """One revision against the next one (or the current text); None if unknown."""
    revision = post.revisions.select_related("editor").filter(pk=revision_id).first()
    if revision is None:
        return None
    newer = None
    if not against_current:
        newer = (
            post.revisions.select_related("editor")
            .filter(created_at__gte=revision.created_at)
            .exclude(pk=revision.pk)
            .exclude(created_at=revision.created_at, pk__lt=revision.pk)
            .order_by("created_at", "pk")
            .first()
        )
    after = _revision_text(newer or post)
    diff = diffing.revision_diff(_revision_text(revision), after)
    return RevisionComparison(revision=revision, newer=newer, diff=diff)


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
