"""The admin site, closed to anyone who has not given their second factor.

SecondFactorMiddleware already sends an unverified staff user to the code
step; this is the admin's own check (as django-otp's OTPAdminSite does), so
the newsroom stays shut even for a path the middleware lets through.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import Http404
from django.urls import path


class PortalAdminSite(AdminSite):
    def has_permission(self, request) -> bool:
        user = request.user
        is_verified = getattr(user, "is_verified", None)
        return (
            super().has_permission(request)
            and is_verified is not None
            and is_verified()
        )

    def get_urls(self):
        # Django's "view on site" (/admin/r/<type>/<id>/) redirects any staff
        # user to any object's get_absolute_url(), whatever the model admin
        # lets them see: a reviewer learnt another region's drafts' slugs
        # (their titles) by counting ids. Same URL, checked view below.
        urls = super().get_urls()
        return [
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site_checked),
                name="view_on_site",
            )
            if getattr(url, "name", None) == "view_on_site"
            else url
            for url in urls
        ]

    def view_on_site_checked(self, request, content_type_id, object_id):
        """Only for an object its model admin shows this user, and only when
        that admin offers a "view on site" link for it (a post: published)."""
        # Imported here: this module is loaded with the app configs.
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut

        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except (ContentType.DoesNotExist, ValueError):
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404
        obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
        if not model_admin.get_view_on_site_url(obj):
            raise Http404
        return shortcut(request, content_type_id, object_id)


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin, with PortalAdminSite as admin.site."""

    default_site = "units.admin_site.PortalAdminSite"
