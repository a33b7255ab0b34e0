"""Absolute links to account pages, for mail built outside a request."""

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.simple_tag
def profile_url() -> str:
    """The signed-in user's profile page (where editors set their mail)."""
    return settings.SITE_URL.rstrip("/") + reverse("profile")
