import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("portal")


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        self._forget_footer_links_on_change()
        if settings.EMBEDDED_MODE:
            logger.info(
                "Embedded default: SQLite at %s, local-memory cache, Celery tasks "
                "run in-process, e-mail printed to the console. Set DATABASE_URL "
                "and REDIS_URL for the production shape.",
                settings.DATABASES["default"]["NAME"],
            )

    def _forget_footer_links_on_change(self) -> None:
        # The footer's links are cached (portal.site_pages): drop them when an
        # editor changes a page or a social link.
        from django.contrib.flatpages.models import FlatPage
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from portal.models import SocialLink
        from portal.site_pages import footer_links_forget

        for model in (FlatPage, SocialLink):
            post_save.connect(footer_links_forget, sender=model, dispatch_uid=model)
            post_delete.connect(footer_links_forget, sender=model, dispatch_uid=model)
        m2m_changed.connect(
            footer_links_forget, sender=FlatPage.sites.through, dispatch_uid="pages"
        )
