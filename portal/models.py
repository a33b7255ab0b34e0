"""What the site footer shows beside the pages: the directorate's social media.

A small model here rather than in a flatpage: the footer needs each link's
platform (for its label and icon) and an order, which a flatpage's free HTML
cannot give reliably, and editors change a link in a short admin form. Here in
`portal`, not in `public` (the reader's app keeps no models) nor in `units`
(these are the directorate's accounts, not a unit's: those are
awards.SocialAccount): the footer is on every page of every app, like the
site's name and logo that portal already provides. About, contact and PPID
are django.contrib.flatpages (portal.site_pages).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SocialPlatform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    OTHER = "other", _("Lainnya")


class SocialLink(models.Model):
    """One of the directorate's official accounts, linked from the footer."""

    platform = models.CharField(
        _("platform"), max_length=12, choices=SocialPlatform.choices
    )
    label = models.CharField(
        _("nama akun"),
        max_length=80,
        help_text=_("Tampil di footer, misalnya @ditjenpas."),
    )
    url = models.URLField(_("alamat"))
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("tampil"), default=True)

    class Meta:
        ordering = ["position", "platform", "id"]
        verbose_name = _("tautan media sosial")
        verbose_name_plural = pgettext_lazy("plural", "tautan media sosial")
        constraints = [
            models.UniqueConstraint(fields=["url"], name="social_link_url_once"),
        ]

    def __str__(self) -> str:
        return "%s %s" % (self.get_platform_display(), self.label)
