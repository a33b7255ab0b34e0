"""Two posts side by side, for the editor weighing a group of stories about
one event (news.checks.grouping); the reads are news.selectors.groups."""

from django.contrib.admin.utils import unquote
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from news.models import Post
from news.selectors.groups import post_pair_comparison
from news.services import rights


def _post_or_404(request, object_id) -> Post:
    post = (
        Post.objects.select_related("unit__region", "category")
        .filter(pk=unquote(str(object_id)))
        .first()
    )
    # Not found and not allowed look the same: nobody learns a post exists.
    if post is None or not (
        rights.can_use_newsroom(request.user)
        and rights.can_review_post(request.user, post)
    ):
        raise Http404
    return post


def post_compare_view(request, object_id, other_id, *, model_admin):
    """Editors, and a regional reviewer for two posts of their region; else 404."""
    post = _post_or_404(request, object_id)
    other = _post_or_404(request, other_id)
    if post.pk == other.pk:
        raise Http404
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Bandingkan berita"),
        "post": post,
        "other": other,
        "comparison": post_pair_comparison(post=post, other=other),
        "change_url": reverse("admin:news_post_change", args=[post.pk]),
        "swap_url": reverse("admin:news_post_compare", args=[other.pk, post.pk]),
    }
    return TemplateResponse(request, "admin/news/post/compare.html", context)
