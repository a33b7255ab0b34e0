"""Helpers every page of the newsroom (the post admin) shares."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from news.models import Post


def messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# The newsroom works in Jakarta time, and says so next to every time it shows.
NEWSROOM_ZONE = ZoneInfo("Asia/Jakarta")


def duration(delta: timedelta) -> str:
    """'2 hari 3 jam', '5 jam 10 menit', '12 menit': how long something waited."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return str(_("%(days)d hari %(hours)d jam") % {"days": days, "hours": hours})
    if hours:
        return str(
            _("%(hours)d jam %(minutes)d menit") % {"hours": hours, "minutes": minutes}
        )
    return str(_("%(minutes)d menit") % {"minutes": minutes})


class NewsroomPageMixin:
    """What every custom page of the post admin needs."""

    def _get_post_or_404(self, request, object_id) -> Post:
        post = self.get_object(request, unquote(object_id))
        if post is None or not self.has_view_permission(request, post):
            raise Http404(_("Berita tidak ditemukan."))
        return post

    def _page_context(self, request, post, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "post": post,
            "change_url": reverse("admin:news_post_change", args=[post.pk]),
            **extra,
        }

    @staticmethod
    def _add_field_errors(form, exc: ValidationError) -> bool:
        """Put a service's field errors on the form; False when there are none."""
        if not hasattr(exc, "error_dict"):
            return False
        placed = False
        for field, errors in exc.error_dict.items():
            if field in form.fields:
                form.add_error(field, errors)
                placed = True
        return placed
