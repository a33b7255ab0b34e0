from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _site_follows_settings(sender, using="default", **kwargs):
    """Make the sites framework's Site the one SITE_URL names.

    Feeds and sitemaps (django.contrib.syndication, .sitemaps) build their
    absolute links from the current Site; left alone it says "example.com".
    Run after every migrate (and after the test suite's flushes).
    """
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": domain, "name": settings.ORGANISATION_NAME[:50]},
    )


class PublicConfig(AppConfig):
    """The reader's site: search, feeds, sitemaps, robots.txt. No models."""

    name = "public"
    verbose_name = _("Situs publik")

    def ready(self):
        from django.apps import apps

        # An app without models gets no post_migrate of its own: listen to
        # the sites app's, which fires once per migrate (or flush).
        post_migrate.connect(
            _site_follows_settings,
            sender=apps.get_app_config("sites"),
            dispatch_uid="public_site_domain",
        )
