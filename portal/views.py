from django.conf import settings
from django.shortcuts import render


def login_locked_out(request, credentials=None, *args, **kwargs):
    """django-axes' lockout response: a clear Indonesian page, HTTP 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": minutes},
        status=429,
    )
