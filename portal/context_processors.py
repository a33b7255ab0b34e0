from django.conf import settings

from portal.views import site_logo_url


def organisation(request):
    """Names that change with reorganisations come from settings, not templates."""
    return {
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "ORGANISATION_SHORT_NAME": settings.ORGANISATION_SHORT_NAME,
        "PARENT_MINISTRY": settings.PARENT_MINISTRY,
        "SITE_LOGO_URL": site_logo_url(),
    }
