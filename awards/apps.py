from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "awards"
    verbose_name = _("Penghargaan")

    def ready(self) -> None:
        from awards import signals
        from news.signals import post_publication_changed

        post_publication_changed.connect(
            signals.publication_changed, dispatch_uid="awards_publication_changed"
        )
