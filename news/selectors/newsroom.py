"""Reads for the newsroom (admin): the queue, recommendations, photos under
review, and what changed between versions (news.diffing renders it)."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)

from news import diffing
from news.models import (
    Photo,
    PhotoKind,
    Post,
    PostAction,
    PostEvent,
    PostRevision,
    PostSnapshot,
    PostStatus,
    ReviewRecommendation,
)
from news.selectors.public import (
    _renditions_prefetch,
)
from units.models import Role

# --- The newsroom (admin) -------------------------------------------------------

# The queue's order: submissions first, the longest-waiting first; then the
# rest, newest first.
QUEUE_ORDERING = ("queue_rank", "queue_since", "-created_at")


def post_queue(*, user, queryset: QuerySet[Post] | None = None) -> QuerySet[Post]:
    """The posts `user` sees in the newsroom, in queue order.

    A regional reviewer sees only their region's units, and never a unit's
    unfinished draft (editors see drafts only when they ask for them, see
    post_queue_by_status). Each post carries
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
        queryset = queryset.filter(unit__region_id=user.region_id).exclude(
            status=PostStatus.DRAFT
        )
    return queryset.order_by(*QUEUE_ORDERING)


def post_queue_by_status(*, queryset: QuerySet[Post], status: str) -> QuerySet[Post]:
    """The queue narrowed to one status, or without one, every post but drafts.

    A draft is a unit's unfinished work: it stays out of the editors' queue
    unless they ask for drafts (status "draft", the filter and the pills).
    """
    if status in PostStatus.values:
        return queryset.filter(status=status)
    return queryset.exclude(status=PostStatus.DRAFT)


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


def post_get_for_preview(*, pk) -> Post | None:
    """The post of a newsroom preview, in any status, with its unit (rights next)."""
    return Post.objects.select_related("unit").filter(pk=pk).first()


def photo_get_for_post(*, post: Post, photo_id: int) -> Photo | None:
    """One of the post's photos, or None (a photo of another post is not found)."""
    return Photo.objects.filter(pk=photo_id, post=post).first()


def post_revision_list(*, post: Post) -> list[PostRevision]:
    """The editors' revisions of a published post, with their editors."""
    return list(post.revisions.select_related("editor"))


def post_revision_count(*, post: Post) -> int:
    return post.revisions.count()
