from django.conf import settings


def organisation(request):
    """Names that change with reorganisations come from settings, not templates."""
    return {
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "ORGANISATION_SHORT_NAME": settings.ORGANISATION_SHORT_NAME,
        "PARENT_MINISTRY": settings.PARENT_MINISTRY,
    }
