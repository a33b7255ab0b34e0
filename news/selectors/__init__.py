"""Reads for news that join or aggregate, one module per audience.

`contributor` (the unit's area), `home` (the reader's home page),
`newsroom` (the admin), `public` (the reader's site) and `photos` (the
pipeline's jobs). Callers import from
`news.selectors`; the names below are its public API.
"""

from news.selectors.contributor import (  # noqa: F401
    COMMENTED_ACTIONS,
    INLINE_ALT_TEXT,
    inline_images_without_alt,
    post_events_for_post,
    post_get_for_unit,
    post_get_for_unit_page,
    post_list_for_unit,
    post_status_counts,
)
from news.selectors.home import (  # noqa: F401
    CategorySection,
    HomePage,
    RegionSummary,
    category_sections,
    home_page,
    post_list_headlines,
    post_list_latest,
    post_list_most_read,
    region_summaries,
)
from news.selectors.newsroom import (  # noqa: F401
    QUEUE_ORDERING,
    ResubmissionDiff,
    RevisionComparison,
    photo_get_for_post,
    photo_list_for_review,
    post_get_for_preview,
    post_queue,
    post_queue_by_status,
    post_recommendation_latest,
    post_resubmission_diff,
    post_revision_comparison,
    post_revision_count,
    post_revision_list,
)
from news.selectors.photos import (  # noqa: F401
    photos_missing_renditions,
    photos_orphaned_inline,
)
from news.selectors.public import (  # noqa: F401
    SHOWN_PHOTO_STATUSES,
    category_get_by_slug,
    category_list,
    category_list_with_published_posts,
    photo_list_for_post,
    post_get_published,
    post_list_for_feed,
    post_list_for_news_sitemap,
    post_list_for_sitemap,
    post_list_published,
    post_with_article_data,
    region_get_by_slug,
    region_list_with_published_posts,
    tag_get_by_slug,
    tag_list_with_published_posts,
    unit_get_by_slug,
    unit_list_with_published_posts,
)
