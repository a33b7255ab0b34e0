"""Editors' admin for the footer: social links, and flatpages kept under
/halaman/ (portal.site_pages)."""

from django.contrib import admin
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.models import SocialLink
from portal.site_pages import PAGES_PREFIX


@admin.register(SocialLink)
class SocialLinkAdmin(admin.ModelAdmin):
    list_display = ["platform", "label", "url", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["platform", "is_active"]
    search_fields = ["label", "url"]


class SitePageForm(FlatpageForm):
    """Pages live under /halaman/ (public.views.pages): say so when they don't."""

    def clean_url(self):
        url = super().clean_url()
        if not url.startswith(PAGES_PREFIX) or url == PAGES_PREFIX:
            raise ValidationError(
                _("Alamat halaman harus diawali %(prefix)s, misalnya %(example)s."),
                params={"prefix": PAGES_PREFIX, "example": PAGES_PREFIX + "tentang/"},
            )
        return url


admin.site.unregister(FlatPage)


@admin.register(FlatPage)
class SitePageAdmin(FlatPageAdmin):
    form = SitePageForm
