from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "news"
    # The admin's section and breadcrumb: "Ruang redaksi › Berita", never
    # "Berita › Berita" (the posts' own name).
    verbose_name = _("Ruang redaksi")

    def ready(self) -> None:
        from news import signals
        from news.models import Photo, Rendition

        post_delete.connect(
            signals.photo_deleted, sender=Photo, dispatch_uid="news_photo_files"
        )
        post_delete.connect(
            signals.rendition_deleted,
            sender=Rendition,
            dispatch_uid="news_rendition_files",
        )
        # A draft's photo files are private; publication moves them public.
        from news.services.photo_files import on_publication_changed

        signals.post_publication_changed.connect(
            on_publication_changed, dispatch_uid="news_photo_files_place"
        )
