"""The newsroom's post admin: the queue (list), the change page and its URLs.

Just over 400 lines on purpose: the queue's columns and the change page's
context are one admin class; its custom pages live in the sibling modules.

The admin declares and delegates: every decision, bulk action and text edit
calls news.services, and a refusal (ValidationError) becomes a message.
Editors write the body in the same CKEditor as the units, its images going to
the post's own upload view (news.admin.photos). Regional reviewers see their
province's posts read-only (the body rendered, the photos, the preview) and
leave recommendations; unit staff work in the contributor dashboard and never
see the admin. Each kind of page lives in its own module as a mixin.
"""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from news import selectors, services
from news.admin import compare
from news.admin.checks import checks_flag_html
from news.admin.common import NEWSROOM_ZONE, NewsroomPageMixin, duration, messages_of
from news.admin.decisions import DECISIONS, DecisionViewsMixin, PostEventInline
from news.admin.faces import PostFaceViewsMixin
from news.admin.filters import QueueStatusFilter, StoryGroupFilter
from news.admin.forms import PostAdminForm
from news.admin.photos import PostPhotoViewsMixin, thumbnail_url
from news.admin.reading import ReviewerReadingMixin
from news.admin.recommendations import RecommendationViewsMixin
from news.admin.revisions import RevisionViewsMixin
from news.models import (
    Post,
    PostAction,
    PostStatus,
    Recommendation,
)
from news.selectors import post_status_counts
from news.selectors.groups import post_story_group
from news.services import EDITABLE_FIELDS, rights
from news.widgets import CKEditor5Widget


@admin.register(Post)
class PostAdmin(
    ReviewerReadingMixin,
    DecisionViewsMixin,
    RecommendationViewsMixin,
    PostPhotoViewsMixin,
    PostFaceViewsMixin,
    RevisionViewsMixin,
    NewsroomPageMixin,
    admin.ModelAdmin,
):
    form = PostAdminForm
    list_display = (
        "title_links",
        "unit",
        "region",
        "status_badge",
        "submitted",
        "waiting",
        "recommendation_badge",
        "check_flags",
    )
    # The title cell holds its own two links (decision page, preview).
    list_display_links = None
    list_filter = (
        QueueStatusFilter,
        StoryGroupFilter,
        ("unit__region", admin.RelatedOnlyFieldListFilter),
        ("unit", admin.RelatedOnlyFieldListFilter),
        "category",
        "programme",
        "is_featured",
        "submitted_at",
        "created_at",
    )
    search_fields = ("title", "unit__name")
    list_per_page = 50
    autocomplete_fields = ("tags",)
    readonly_fields = (
        "status",
        "unit",
        "author",
        "slug",
        "submitted_wib",
        "publish_at_wib",
        "published_wib",
        "is_featured",
        "created_wib",
        "updated_wib",
    )
    fieldsets = (
        (None, {"fields": ("title", "lead", "body")}),
        (
            _("Rincian"),
            {"fields": ("category", "tags", "programme", "event_date", "location")},
        ),
        (
            _("Status"),
            {
                "fields": (
                    ("status", "is_featured"),
                    ("unit", "author"),
                    "slug",
                    ("submitted_wib", "publish_at_wib", "published_wib"),
                    ("created_wib", "updated_wib"),
                )
            },
        ),
    )
    inlines = (PostEventInline,)
    actions = ("approve_and_publish", "request_changes")

    class Media:
        # CKEditor inside the admin's form rows (the widget brings its own);
        # the queue and the decision page's panels.
        css = {
            "all": [
                "css/admin_editor.css",
                "css/admin_queue.css",
                "css/admin_checks.css",
            ]
        }

    # --- Who sees what ---------------------------------------------------------

    def get_queryset(self, request):
        # Not super(): it orders by get_ordering() before these annotations exist.
        return selectors.post_queue(
            user=request.user, queryset=self.model._default_manager.get_queryset()
        )

    def get_ordering(self, request):
        return selectors.QUEUE_ORDERING

    def has_module_permission(self, request):
        return rights.can_use_newsroom(request.user) and super().has_module_permission(
            request
        )

    def has_view_permission(self, request, obj=None):
        return rights.can_use_newsroom(request.user) and super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request):
        # Posts are written by units in their dashboard, never in the admin.
        return False

    def has_change_permission(self, request, obj=None):
        return rights.can_edit_in_newsroom(
            request.user
        ) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting would erase the audit trail: reject or unpublish instead.
        return False

    def has_moderate_permission(self, request):
        return rights.can_moderate(request.user)

    def view_on_site(self, obj):
        # Only published posts have a public page.
        return obj.get_absolute_url() if obj.status == PostStatus.PUBLISHED else None

    # --- The list ----------------------------------------------------------------

    @admin.display(description=_("kanwil"), ordering="unit__region__name")
    def region(self, obj):
        return obj.unit.region

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="post-status post-status--{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    @admin.display(description=_("dikirim"), ordering="submitted_at")
    def submitted(self, obj):
        if not obj.submitted_at:
            return "-"
        local = timezone.localtime(obj.submitted_at, NEWSROOM_ZONE)
        return format_html(
            '<span class="queue-label">{}</span> <time datetime="{}">'
            '<span class="queue-when">{}</span> <span class="queue-time">{} WIB</span>'
            "</time>",
            _("Dikirim"),
            local.isoformat(timespec="minutes"),
            dateformat.format(local, "j M Y"),
            dateformat.format(local, "H.i"),
        )

    @admin.display(description=_("menunggu"), ordering="queue_since")
    def waiting(self, obj):
        """How long a submission has waited for the editors; overdue is marked."""
        if obj.status != PostStatus.SUBMITTED or not obj.submitted_at:
            return "-"
        waited = timezone.now() - obj.submitted_at
        if waited > timedelta(hours=settings.REVIEW_TARGET_HOURS):
            return format_html(
                '<span class="queue-label">{}</span> '
                '<span class="queue-waiting">{}</span> '
                '<span class="queue-overdue" title="{}">{}</span>',
                _("Menunggu"),
                duration(waited),
                _("Melewati target %(hours)d jam")
                % {"hours": settings.REVIEW_TARGET_HOURS},
                _("lewat target"),
            )
        return format_html(
            '<span class="queue-label">{}</span> <span class="queue-waiting">{}</span>',
            _("Menunggu"),
            duration(waited),
        )

    @admin.display(description=_("rekomendasi kanwil"))
    def recommendation_badge(self, obj):
        if not obj.recommendation:
            return "-"
        return format_html(
            '<span class="queue-label">{}</span> '
            '<span class="recommendation recommendation--{}">{}</span>',
            _("Rekomendasi kanwil"),
            obj.recommendation,
            Recommendation(obj.recommendation).label,
        )

    @admin.display(description=_("pemeriksaan"))
    def check_flags(self, obj):
        # Read from the row's own Post.checks: no query per row.
        return checks_flag_html(obj)

    @admin.display(description=_("judul"), ordering="title")
    def title_links(self, obj):
        return format_html(
            '<a class="queue-title" href="{}">{}</a> '
            '<a class="queue-preview" href="{}">{}</a>',
            reverse("admin:news_post_change", args=[obj.pk]),
            obj.title,
            reverse("admin:news_post_preview", args=[obj.pk]),
            _("Pratinjau"),
        )

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        counts = post_status_counts(queryset=self.get_queryset(request))
        # "Semua" is the queue without drafts (QueueStatusFilter); editors
        # reach the drafts through their own pill, reviewers never.
        drafts = rights.can_edit_in_newsroom(request.user)
        extra_context = {
            **(extra_context or {}),
            "status_counts": [
                {"value": value, "label": label, "count": counts[value]}
                for value, label in PostStatus.choices
                if drafts or value != PostStatus.DRAFT
            ],
            "status_total": sum(counts.values()) - counts[PostStatus.DRAFT],
            "current_status": request.GET.get("status__exact", ""),
        }
        return super().changelist_view(request, extra_context=extra_context)

    # --- Editing text --------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            # Inline images are uploaded for this post, under its unit.
            upload_url = reverse("admin:news_post_upload_image", args=[obj.pk])
            kwargs["widgets"] = {
                **kwargs.get("widgets", {}),
                "body": CKEditor5Widget(upload_url=upload_url),
            }
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in EDITABLE_FIELDS
        }
        if not fields:
            return
        try:
            services.post_update(post=obj, actor=request.user, **fields)
        except ValidationError as exc:
            request.news_save_refused = True
            self.message_user(request, messages_of(exc), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        # Tags were saved by post_update; the history inline is read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def log_change(self, request, obj, message):
        if getattr(request, "news_save_refused", False):
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if getattr(request, "news_save_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        post = self.get_object(request, unquote(object_id))
        extra_context = dict(extra_context or {})
        if post is not None:
            extra_context.update(self._review_context(request, post))
            extra_context["decision_links"] = self._decision_links(request, post)
            # What the unit changed since the editors sent it back (news.diffing).
            extra_context["resubmission_diff"] = selectors.post_resubmission_diff(
                post=post
            )
            extra_context["story_group"] = post_story_group(
                post=post, user=request.user
            )
            if self._can_see_revisions(request):
                extra_context["revisions_url"] = reverse(
                    "admin:news_post_revisions", args=[post.pk]
                )
                extra_context["revision_count"] = selectors.post_revision_count(
                    post=post
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def _review_context(self, request, post) -> dict:
        """What the decision page shows beside the text, for editor and reviewer."""
        can_edit_photos = self.has_change_permission(request, post)
        photos = [
            {
                "photo": photo,
                "thumbnail": thumbnail_url(photo),
                "edit_url": reverse("admin:news_post_photo", args=[post.pk, photo.pk])
                if can_edit_photos
                else "",
                "delete_url": reverse(
                    "admin:news_post_photo_delete", args=[post.pk, photo.pk]
                )
                if can_edit_photos
                else "",
            }
            for photo in selectors.photo_list_for_review(post=post)
        ]
        available = services.post_available_actions(post=post, actor=request.user)
        return {
            "review_photos": photos,
            "preview_url": reverse("admin:news_post_preview", args=[post.pk]),
            "history_url": reverse("admin:news_post_history", args=[post.pk]),
            "latest_recommendation": selectors.post_recommendation_latest(post=post),
            "recommend_url": reverse("admin:news_post_recommend", args=[post.pk])
            if PostAction.RECOMMEND in available
            else "",
            "review_target_hours": settings.REVIEW_TARGET_HOURS,
            "waiting": self.waiting(post),
        }

    def _decision_links(self, request, post) -> list[dict]:
        if not rights.can_moderate(request.user):
            return []
        available = services.post_available_actions(post=post, actor=request.user)
        return [
            {
                "label": decision.label,
                "url": reverse("admin:news_post_decide", args=[post.pk, decision.slug]),
                "danger": decision.danger,
            }
            for decision in DECISIONS
            if decision.action in available
        ]

    # --- Decision pages ------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/keputusan/<slug:decision>/",
                wrap(self.decision_view),
                name="news_post_decide",
            ),
            path(
                "<path:object_id>/pratinjau/",
                self.preview_view,
                name="news_post_preview",
            ),
            path(
                "<path:object_id>/rekomendasi/",
                wrap(self.recommend_view),
                name="news_post_recommend",
            ),
            path(
                "<path:object_id>/foto/<int:photo_id>/",
                wrap(self.photo_view),
                name="news_post_photo",
            ),
            path(
                "<path:object_id>/foto/<int:photo_id>/hapus/",
                wrap(self.photo_delete_view),
                name="news_post_photo_delete",
            ),
            path(
                "<path:object_id>/unggah-gambar/",
                wrap(self.upload_image_view),
                name="news_post_upload_image",
            ),
            path(
                "<path:object_id>/bandingkan/<int:other_id>/",
                wrap(partial(compare.post_compare_view, model_admin=self)),
                name="news_post_compare",
            ),
            path(
                "<path:object_id>/revisi/",
                wrap(self.revisions_view),
                name="news_post_revisions",
            ),
            path(
                "<path:object_id>/revisi/<int:revision_id>/",
                wrap(self.revision_diff_view),
                name="news_post_revision_diff",
            ),
            *super().get_urls(),
        ]
