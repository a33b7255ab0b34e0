"""Small helpers for the newsroom admin's tests: URLs, posts, messages."""

from django.contrib.messages import get_messages
from django.urls import reverse

from news.models import PostStatus
from tests.factories import PostFactory


def make_post(author, category, status=PostStatus.DRAFT, **fields):
    return PostFactory(author=author, category=category, status=status, **fields)


def change_url(post):
    return reverse("admin:news_post_change", args=[post.pk])


def decide_url(post, slug):
    return reverse("admin:news_post_decide", args=[post.pk, slug])


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def change_form_data(client, post, **overrides):
    """The change form's current values, as the browser would post them back."""
    response = client.get(change_url(post))
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if name == "tags":
            value = [tag.pk for tag in value or []]
        data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data["%s-%s" % (formset.prefix, key)] = value
        for inline_form in formset.forms:
            for name in inline_form.fields:
                value = inline_form.initial.get(name)
                if hasattr(value, "pk"):
                    value = value.pk
                data[inline_form.add_prefix(name)] = "" if value is None else value
    data.update(overrides)
    return data
