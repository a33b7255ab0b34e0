"""Who may do what with news: every rights check, for views, admin and services.

Roles (units.models.Role):
- unit staff (contributor, head): their own unit's posts only: create, edit
  while the text is theirs (EDITABLE_BY_UNIT), submit, withdraw;
- the unit's head: approve or return a submission before it leaves the unit
  (when the unit requires it);
- editors and administrators (`user.is_editor`): every editorial decision and
  edits at any time; deciding in the newsroom also needs the
  `news.moderate_post` permission (can_moderate);
- regional reviewers: read the posts of their region and, while a post waits
  for the editors, leave a recommendation; they decide nothing.

`can_*` / `is_*` answer a question (for showing a button or a page);
`rights_require_*` raise ValidationError(code="permission_denied") so a
service refuses whoever calls it, whatever the entry point.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from news.models import EDITABLE_BY_UNIT, Post, PostStatus
from units.models import Role, User

MSG_NOT_ALLOWED = _("Anda tidak berwenang melakukan tindakan ini pada berita ini.")
MSG_NOT_EDITOR = _("Hanya editor Ditjenpas yang dapat memutuskan berita.")
MSG_NOT_HEAD = _("Hanya kepala UPT pemilik berita yang dapat melakukan ini.")
MSG_INACTIVE = _("Akun Anda tidak aktif.")
MSG_LOCKED = _(
    "Berita sedang ditinjau atau sudah diputuskan sehingga tidak dapat diubah. "
    "Batalkan pengiriman bila belum diputuskan, atau tunggu permintaan perbaikan."
)


# --- Questions -----------------------------------------------------------------


def is_unit_staff(user) -> bool:
    """Contributor or head of a unit (False for anonymous users)."""
    return getattr(user, "is_unit_staff", False)


def is_unit_member(user, unit_id: int) -> bool:
    """Unit staff of the unit `unit_id`."""
    return is_unit_staff(user) and user.unit_id == unit_id


def is_unit_head(user, unit_id: int | None = None) -> bool:
    """A head of unit (of `unit_id`, when given)."""
    if not (is_unit_staff(user) and user.role == Role.HEAD):
        return False
    return unit_id is None or user.unit_id == unit_id


def is_editor(user) -> bool:
    return bool(getattr(user, "is_editor", False))


def is_region_reviewer(user, post: Post) -> bool:
    """A regional reviewer of the region of the post's unit."""
    return (
        getattr(user, "role", None) == Role.REVIEWER
        and user.region_id is not None
        and user.region_id == post.unit.region_id
    )


def can_use_contributor_area(user) -> bool:
    """The contributor pages (dashboard, posts, reports) are unit staff's only."""
    return is_unit_staff(user)


def can_use_newsroom(user) -> bool:
    """The admin's news pages are not for unit staff (they have their own area)."""
    return not is_unit_staff(user)


def can_edit_in_newsroom(user) -> bool:
    """Change a post's text in the admin: editors only."""
    return is_editor(user)


def can_moderate(user) -> bool:
    """Take editorial decisions (approve, reject, unpublish...) in the newsroom."""
    return user.is_active and is_editor(user) and user.has_perm("news.moderate_post")


def can_review_post(user, post: Post) -> bool:
    """May `user` read this post in the newsroom (its page, photos, preview)?

    Editors read every post; a regional reviewer those of their region's units
    once sent: a draft is the unit's unfinished work, out of the reviewer's
    queue (selectors.post_queue), so out of the preview, comparison and
    photo files too.
    """
    if not user.is_active:
        return False
    if is_editor(user):
        return True
    return is_region_reviewer(user, post) and post.status != PostStatus.DRAFT


def can_see_revisions(user) -> bool:
    return user.has_perm("news.view_postrevision")


def can_remove_photos_in_newsroom(user) -> bool:
    return is_editor(user) and user.has_perm("news.delete_photo")


# --- Requirements (services) ------------------------------------------------------


def rights_require_active(actor: User) -> None:
    if not actor.is_active:
        raise ValidationError(MSG_INACTIVE, code="permission_denied")


def rights_require_unit_member(actor: User, post: Post) -> None:
    rights_require_active(actor)
    if not is_unit_member(actor, post.unit_id):
        raise ValidationError(MSG_NOT_ALLOWED, code="permission_denied")


def rights_require_unit_head(actor: User, post: Post) -> None:
    rights_require_active(actor)
    if not is_unit_head(actor, post.unit_id):
        raise ValidationError(MSG_NOT_HEAD, code="permission_denied")


def rights_require_editor(actor: User) -> None:
    rights_require_active(actor)
    if not is_editor(actor):
        raise ValidationError(MSG_NOT_EDITOR, code="permission_denied")


def rights_require_post_editable(actor: User, post: Post) -> None:
    """Change a post's text: editors at any time, its unit while the text is theirs."""
    rights_require_active(actor)
    if is_editor(actor):
        return
    rights_require_unit_member(actor, post)
    if post.status not in EDITABLE_BY_UNIT:
        raise ValidationError(MSG_LOCKED, code="not_editable")


def rights_require_photo(actor: User, *, unit_id: int, post: Post | None) -> None:
    """Who may add, change or remove a unit's photo (of `post`, when it has one).

    Editors: any unit's photos, on a post in any status, as post_update lets
    them change its text at any time (the newsroom's CKEditor adds inline
    images to submitted and published posts). Unit staff: their own unit's
    only, and on a post only while the text is theirs (EDITABLE_BY_UNIT).
    """
    rights_require_active(actor)
    if is_editor(actor):
        return
    if not is_unit_member(actor, unit_id):
        raise ValidationError(MSG_NOT_ALLOWED, code="permission_denied")
    if post is not None and post.status not in EDITABLE_BY_UNIT:
        raise ValidationError(MSG_LOCKED, code="not_editable")
