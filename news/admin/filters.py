"""The queue's status filter: without a status chosen, no drafts."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from news import selectors
from news.models import PostStatus
from news.services import rights


class QueueStatusFilter(admin.SimpleListFilter):
    """Filter by status; "all" leaves out units' unfinished drafts.

    Same parameter as Django's own status filter, which the status pills above
    the list link to (?status__exact=draft shows an editor the drafts).
    """

    title = _("status")
    parameter_name = "status__exact"

    def lookups(self, request, model_admin):
        # Regional reviewers never see drafts (selectors.post_queue).
        drafts = rights.can_edit_in_newsroom(request.user)
        return [
            (value, label)
            for value, label in PostStatus.choices
            if drafts or value != PostStatus.DRAFT
        ]

    def queryset(self, request, queryset):
        return selectors.post_queue_by_status(
            queryset=queryset, status=self.value() or ""
        )


class StoryGroupFilter(admin.SimpleListFilter):
    """Submissions the worker put in a group of stories about one event."""

    title = _("kelompok berita")
    parameter_name = "kelompok"

    def lookups(self, request, model_admin):
        return [
            ("ya", _("Dalam kelompok berita")),
            ("tidak", _("Tanpa kelompok")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "ya":
            return queryset.filter(story_membership__isnull=False)
        if self.value() == "tidak":
            return queryset.filter(story_membership__isnull=True)
        return queryset
