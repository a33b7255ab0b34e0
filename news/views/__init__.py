"""News views: the contributor area only (the reader's site is public.views).

Contributor views are for unit staff only and load every post through
`selectors.post_get_for_unit`, so another unit's post is a 404 everywhere.
"""

from news.views.checks import post_checklist  # noqa: F401
from news.views.common import unit_staff_required  # noqa: F401
from news.views.photos import (  # noqa: F401
    photo_edit,
    photo_remove,
    post_photos,
    upload_image,
)
from news.views.posts import (  # noqa: F401
    dashboard,
    post_copy,
    post_create,
    post_detail,
    post_edit,
    post_head_approve,
    post_head_return,
    post_preview,
    post_submit,
    post_withdraw,
)
