import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("portal")


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        if settings.EMBEDDED_MODE:
            logger.info(
                "Embedded default: SQLite at %s, local-memory cache, Celery tasks "
                "run in-process, e-mail printed to the console. Set DATABASE_URL "
                "and REDIS_URL for the production shape.",
                settings.DATABASES["default"]["NAME"],
            )
