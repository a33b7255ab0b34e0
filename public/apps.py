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
    """The reader's site: search, feeds, sitemaps, robots.txt, the page cache.
    No models."""

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
        self._connect_page_cache()

    def _connect_page_cache(self):
        """Drop the cached pages that show a post when it changes (public.caching)."""
        from django.db.models.signals import post_delete, post_save, pre_delete

        from news.models import Photo, Post
        from news.signals import (
            post_edited,
            post_featured_changed,
            post_publication_changed,
        )
        from public import caching

        post_publication_changed.connect(
            caching.on_post_changed, dispatch_uid="page_cache_publication"
        )
        post_featured_changed.connect(
            caching.on_post_changed, dispatch_uid="page_cache_featured"
        )
        post_edited.connect(caching.on_post_edited, dispatch_uid="page_cache_edited")
        pre_delete.connect(
            caching.on_post_deleting, sender=Post, dispatch_uid="page_cache_deleted"
        )
        for signal in (post_save, post_delete):
            signal.connect(
                caching.on_photo_changed,
                sender=Photo,
                dispatch_uid="page_cache_photo_%s" % id(signal),
            )
        # The footer (flatpages, social links) is on every page: its change
        # drops them all. Rare, and nothing finer would be right.
        from django.contrib.flatpages.models import FlatPage

        from portal.models import SocialLink

        for model in (FlatPage, SocialLink):
            for signal in (post_save, post_delete):
                signal.connect(
                    caching.on_footer_changed,
                    sender=model,
                    dispatch_uid="page_cache_footer_%s_%s"
                    % (model.__name__, id(signal)),
                )
