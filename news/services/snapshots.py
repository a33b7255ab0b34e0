"""Snapshots of a post at the moments that matter to a resubmission (PostSnapshot).

post_submit writes one in the submission's own transaction, next to its
SUBMIT event; post_request_changes writes one next to its REQUEST_CHANGES
event, so the version sent back includes any edit the editors made first.
The data is plain JSON (SNAPSHOT_VERSION says its shape): the text, the
category and programme, the tag names and each photo with its caption, alt
text and credit. news.diffing compares two of them; the selector
news.selectors.post_resubmission_diff picks which two.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from news.models import Photo, Post, PostAction, PostEvent, PostSnapshot

SNAPSHOT_VERSION = 1
SNAPSHOT_ACTIONS = frozenset({PostAction.SUBMIT, PostAction.REQUEST_CHANGES})
# The parts of a snapshot that say what the unit sent; the version and the
# photos' storage details are left out when asking "did anything change?".
COMPARED_KEYS = (
    "title",
    "lead",
    "body",
    "category",
    "tags",
    "programme",
    "event_date",
    "location",
    "photos",
)
COMPARED_PHOTO_KEYS = ("uuid", "kind", "position", "caption", "alt_text", "credit")

MSG_NO_CHANGE = _(
    "Berita belum diubah sejak dikembalikan untuk diperbaiki. Ubah beritanya "
    "sesuai catatan redaksi, atau tulis catatan untuk redaksi yang menjelaskan "
    "mengapa berita dikirim ulang tanpa perubahan."
)


def snapshot_data(*, post: Post) -> dict:
    """The post as the unit sends it now, as JSON-ready data (three queries)."""
    photos = Photo.objects.filter(post=post).order_by("kind", "position", "id")
    return {
        "version": SNAPSHOT_VERSION,
        "title": post.title,
        "lead": post.lead,
        "body": post.body,
        "category": post.category.name if post.category_id else "",
        "tags": sorted(post.tags.values_list("name", flat=True), key=str.casefold),
        "programme": post.programme or "",
        "event_date": post.event_date.isoformat() if post.event_date else "",
        "location": post.location,
        "photos": [
            {
                "uuid": photo.uuid.hex,
                "kind": photo.kind,
                "position": photo.position,
                "caption": photo.caption,
                "alt_text": photo.alt_text,
                "credit": photo.credit,
                "image": photo.image.name,
                "width": photo.width,
                "height": photo.height,
            }
            for photo in photos
        ],
    }


def snapshots_differ(before: dict, after: dict) -> bool:
    """Whether the unit changed anything an editor reads between two snapshots."""

    def compared(data: dict) -> dict:
        shown = {key: data.get(key) for key in COMPARED_KEYS if key != "photos"}
        shown["photos"] = [
            {key: photo.get(key) for key in COMPARED_PHOTO_KEYS}
            for photo in data.get("photos", [])
        ]
        return shown

    return compared(before) != compared(after)


def snapshot_sent_back(*, post: Post) -> PostSnapshot | None:
    """The version last sent back to the unit.

    A post in CHANGES_REQUESTED got there from one submission, returned by
    the editors (whose request keeps its own snapshot) or by the head of unit
    (the submission's snapshot is then the latest), so it is the post's
    latest snapshot. None for posts submitted before snapshots were kept.
    """
    return post.snapshots.order_by("-event__created_at", "-event_id").first()


def post_snapshot_create(*, post: Post, event: PostEvent) -> PostSnapshot:
    """Keep the post as it is with this event; call inside the event's transaction."""
    if event.action not in SNAPSHOT_ACTIONS or event.post_id != post.pk:
        raise ValueError(
            "A snapshot belongs to a submission or a request for changes "
            "of the same post."
        )
    snapshot = PostSnapshot(post=post, event=event, data=snapshot_data(post=post))
    snapshot.full_clean()
    snapshot.save()
    return snapshot


def resubmission_check(*, post: Post, note: str) -> None:
    """Refuse a resubmission that changes nothing and says nothing.

    Call with the post locked, in CHANGES_REQUESTED, before its status moves.
    """
    if note:
        return
    sent_back = snapshot_sent_back(post=post)
    if sent_back is None:
        return
    if not snapshots_differ(sent_back.data, snapshot_data(post=post)):
        raise ValidationError(MSG_NO_CHANGE, code="no_change")
