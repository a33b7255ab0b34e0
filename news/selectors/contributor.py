"""Reads for the contributor area: a unit's posts, their counts and history,
and inline images still lacking an alt text."""

from html.parser import HTMLParser

from django.db.models import (
    Count,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from news.models import (
    Post,
    PostAction,
    PostEvent,
    PostStatus,
)
from news.selectors.public import (
    _photos_prefetch,
)


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
            latest_comment_reason=Subquery(latest_comment.values("reason__name")[:1]),
        )
        .order_by("-updated_at", "-id")
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def post_events_for_post(*, post: Post) -> QuerySet[PostEvent]:
    """A post's history for its unit, newest first, with who did what."""
    return post.events.select_related("actor", "reason").order_by("-created_at", "-id")


def post_get_for_unit_page(*, unit, pk: int) -> Post:
    """A unit's own post with everything its page shows (tags, photos), or 404."""
    return get_object_or_404(
        Post.objects.select_related(
            "unit__region", "category", "author"
        ).prefetch_related("tags", _photos_prefetch(shown_only=False)),
        pk=pk,
        unit=unit,
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
