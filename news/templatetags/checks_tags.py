"""The flags panel's reading of Post.checks (news.checks.summary)."""

from django import template

from news.checks.summary import checks_sections

register = template.Library()


@register.filter
def check_sections(checks):
    return checks_sections(checks)
