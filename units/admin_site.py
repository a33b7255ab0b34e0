"""The admin site, closed to anyone who has not given their second factor.

SecondFactorMiddleware already sends an unverified staff user to the code
step; this is the admin's own check (as django-otp's OTPAdminSite does), so
the newsroom stays shut even for a path the middleware lets through.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


class PortalAdminSite(AdminSite):
    def has_permission(self, request) -> bool:
        user = request.user
        is_verified = getattr(user, "is_verified", None)
        return (
            super().has_permission(request)
            and is_verified is not None
            and is_verified()
        )


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin, with PortalAdminSite as admin.site."""

    default_site = "units.admin_site.PortalAdminSite"
