"""Revisions of published posts; the diff is rendered by news.diffing
(through news.selectors.post_revision_comparison)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from news import selectors
from news.services import rights


class RevisionViewsMixin:
    """Revisions of published posts and their word-level diffs (news.diffing)."""

    # --- Revisions -----------------------------------------------------------------

    def _can_see_revisions(self, request) -> bool:
        return rights.can_see_revisions(request.user)

    def revisions_view(self, request, object_id):
        post = self._get_post_or_404(request, object_id)
        if not self._can_see_revisions(request):
            raise PermissionDenied
        revisions = selectors.post_revision_list(post=post)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Revisi: %s") % post.title,
            "post": post,
            "revisions": revisions,
            "change_url": reverse("admin:news_post_change", args=[post.pk]),
        }
        return TemplateResponse(request, "admin/news/post/revisions.html", context)

    def revision_diff_view(self, request, object_id, revision_id):
        post = self._get_post_or_404(request, object_id)
        if not self._can_see_revisions(request):
            raise PermissionDenied
        against_current = request.GET.get("terhadap") == "sekarang"
        comparison = selectors.post_revision_comparison(
            post=post, revision_id=revision_id, against_current=against_current
        )
        if comparison is None:
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Perbandingan revisi: %s") % post.title,
            "post": post,
            "comparison": comparison,
            "against_current": against_current,
            "revisions_url": reverse("admin:news_post_revisions", args=[post.pk]),
            "change_url": reverse("admin:news_post_change", args=[post.pk]),
        }
        return TemplateResponse(request, "admin/news/post/revision_diff.html", context)
