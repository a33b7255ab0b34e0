"""Writes for news, one function per domain action.

`workflow` holds the transition table and the audit row; `editing`,
`submission` and `decisions` the workflow's actions; `rights` who may do what;
`photos`, `renditions` and `staging` the photo pipeline's writes; `outbox`
the mail owed for each event.
Callers import from `news.services`; the names below are its public API.
"""

from news.services.decisions import (
    post_approve,
    post_publish_due,
    post_recommend,
    post_reject,
    post_republish,
    post_request_changes,
    post_set_featured,
    post_unpublish,
)
from news.services.editing import (
    post_copy_to_draft,
    post_create,
    post_update,
)
from news.services.outbox import (
    mail_task,
    on_commit_notify,
    pending_notifications_resend,
)
from news.services.photos import (
    UploadRateLimited,
    photo_copy,
    photo_delete,
    photo_files_discard,
    photo_orphans_delete,
    photo_update,
    photo_upload,
)
from news.services.renditions import (
    photo_attempt_end,
    photo_attempt_start,
    photo_renditions_create,
    photo_renditions_sweep,
    rendition_name,
    rendition_specs,
)
from news.services.staging import (
    PhotoAttachment,
    photo_stage,
    photo_staged_get,
    photo_staged_sign,
    post_photos_attach,
    post_save_with_photos,
)
from news.services.submission import (
    post_head_approve,
    post_head_return,
    post_submit,
    post_withdraw,
)
from news.services.workflow import (
    COMMENT_MAX_LENGTH,
    EDITABLE_FIELDS,
    EDITORIAL_DECISIONS,
    MAILED_ACTIONS,
    MSG_EMPTY_BODY,
    NOTIFIED_ACTIONS,
    TRANSITIONS,
    SubmissionRateLimited,
    post_available_actions,
    post_can_review,
)

__all__ = [
    "COMMENT_MAX_LENGTH",
    "EDITABLE_FIELDS",
    "EDITORIAL_DECISIONS",
    "MAILED_ACTIONS",
    "MSG_EMPTY_BODY",
    "NOTIFIED_ACTIONS",
    "TRANSITIONS",
    "mail_task",
    "on_commit_notify",
    "pending_notifications_resend",
    "photo_copy",
    "photo_delete",
    "photo_files_discard",
    "photo_orphans_delete",
    "photo_attempt_end",
    "photo_attempt_start",
    "photo_renditions_create",
    "photo_renditions_sweep",
    "photo_stage",
    "photo_staged_get",
    "photo_staged_sign",
    "photo_update",
    "photo_upload",
    "UploadRateLimited",
    "PhotoAttachment",
    "post_approve",
    "post_available_actions",
    "post_can_review",
    "post_copy_to_draft",
    "post_create",
    "post_head_approve",
    "post_head_return",
    "post_photos_attach",
    "post_publish_due",
    "post_recommend",
    "post_reject",
    "post_republish",
    "post_request_changes",
    "post_save_with_photos",
    "post_set_featured",
    "post_submit",
    "post_unpublish",
    "post_update",
    "post_withdraw",
    "rendition_name",
    "rendition_specs",
    "SubmissionRateLimited",
]
