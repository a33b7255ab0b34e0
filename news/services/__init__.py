"""Writes for news, one function per domain action.

`posts` holds the editorial workflow, `photos` the photo pipeline's writes.
Callers import from `news.services`; the names below are its public API.
"""

from news.services.photos import (
    photo_delete,
    photo_files_discard,
    photo_renditions_create,
    photo_renditions_sweep,
    photo_upload,
    rendition_name,
    rendition_specs,
)
from news.services.posts import (
    COMMENT_MAX_LENGTH,
    EDITABLE_FIELDS,
    EDITORIAL_DECISIONS,
    MAILED_ACTIONS,
    MSG_EMPTY_BODY,
    NOTIFIED_ACTIONS,
    TRANSITIONS,
    SubmissionRateLimited,
    post_approve,
    post_available_actions,
    post_create,
    post_head_approve,
    post_head_return,
    post_publish_due,
    post_reject,
    post_request_changes,
    post_set_featured,
    post_submit,
    post_unpublish,
    post_update,
    post_withdraw,
)

__all__ = [
    "COMMENT_MAX_LENGTH",
    "EDITABLE_FIELDS",
    "EDITORIAL_DECISIONS",
    "MAILED_ACTIONS",
    "MSG_EMPTY_BODY",
    "NOTIFIED_ACTIONS",
    "TRANSITIONS",
    "SubmissionRateLimited",
    "photo_delete",
    "photo_files_discard",
    "photo_renditions_create",
    "photo_renditions_sweep",
    "photo_upload",
    "post_approve",
    "post_available_actions",
    "post_create",
    "post_head_approve",
    "post_head_return",
    "post_publish_due",
    "post_reject",
    "post_request_changes",
    "post_set_featured",
    "post_submit",
    "post_unpublish",
    "post_update",
    "post_withdraw",
    "rendition_name",
    "rendition_specs",
]
