from django import template
from django.utils.safestring import mark_safe

from portal import site_pages

register = template.Library()


@register.simple_tag
def footer_links() -> dict:
    """The footer's pages and social links, from the cache (portal.site_pages)."""
    return site_pages.footer_links()


@register.filter
def page_html(content: str) -> str:
    """A flatpage's HTML through nh3's allow-list: editors write HTML in the
    admin, and a stolen editor account must not put a script on the site."""
    import nh3

    return mark_safe(nh3.clean(content))  # noqa: S308 - cleaned just above
