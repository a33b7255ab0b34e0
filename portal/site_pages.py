"""The footer's editable links: flatpages (about, contact, PPID) and the
directorate's social media (portal.models.SocialLink).

Editors edit both in the admin. The footer is on every page, so its links are
read once and kept in the cache (no query per page); saving or deleting a
flatpage or a social link drops that copy (signals wired in PortalConfig).
Flatpages live under /halaman/ (public.views.pages): an editor gives a page
the URL /halaman/<name>/.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

FOOTER_CACHE_KEY = "site-footer:links:v1"
PAGES_PREFIX = "/halaman/"


def footer_links() -> dict:
    """{"pages": [(title, url)], "social": [(platform, platform name, label, url)]}."""
    try:
        links = cache.get(FOOTER_CACHE_KEY)
    except Exception:  # noqa: BLE001 - a cache outage must not break every page
        logger.warning("Footer links cache unavailable; read from the database")
        links = None
        cached = False
    else:
        cached = True
    if links is None:
        from django.conf import settings
        from django.contrib.flatpages.models import FlatPage

        from portal.models import SocialLink

        pages = (
            FlatPage.objects.filter(
                sites=settings.SITE_ID,
                registration_required=False,
                url__startswith=PAGES_PREFIX,
            )
            .order_by("title")
            .values_list("title", "url")
        )
        from portal.models import SocialPlatform

        social = [
            (platform, str(SocialPlatform(platform).label), label, url)
            for platform, label, url in SocialLink.objects.filter(
                is_active=True
            ).values_list("platform", "label", "url")
        ]
        links = {"pages": list(pages), "social": social}
        if cached:
            try:
                cache.set(FOOTER_CACHE_KEY, links, timeout=None)
            except Exception:  # noqa: BLE001 - as above
                logger.warning("Footer links cache unavailable; not kept")
    return links


def footer_links_forget(**kwargs) -> None:
    """Signal receiver: the next page reads the links again."""
    try:
        cache.delete(FOOTER_CACHE_KEY)
    except Exception:  # noqa: BLE001 - the editor's save stands
        # Kept forever otherwise (no timeout): say so for whoever restores Redis.
        logger.error(
            "Could not drop the cached footer links; flush %s", FOOTER_CACHE_KEY
        )
