"""The newsroom: the editors' moderation queue and decisions in the Django admin.

The admin declares and delegates: every decision, bulk action and text edit
calls news.services, and a refusal (ValidationError) becomes a message.
Editors write the body in the same CKEditor as the units, its images going to
the post's own upload view (PostAdmin.upload_image_view). Regional reviewers
see their province's posts read-only (the body rendered, the photos, the
preview) and leave recommendations; unit staff work in the contributor
dashboard and never see the admin.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import (
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import dateformat, timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from news import selectors, services
from news.forms_admin import (
    CommentForm,
    ConfirmForm,
    PhotoTextForm,
    PostAdminForm,
    ReasonForm,
    RecommendationForm,
    ScheduleForm,
)
from news.models import (
    Category,
    Photo,
    Post,
    PostAction,
    PostEvent,
    PostStatus,
    Recommendation,
    Tag,
)
from news.selectors import post_status_counts
from news.services import EDITABLE_FIELDS, rights
from news.services.photos import photo_update
from news.services.posts import post_recommend, post_republish
from news.templatetags.news_tags import waktu_lengkap
from news.views import inline_image_upload
from news.widgets import CKEditor5Widget


@dataclass(frozen=True)
class Decision:
    """One decision button on a post: its page, form and service call."""

    action: str
    slug: str
    label: str
    form_class: type[forms.Form]
    perform: Callable
    done: str
    danger: bool = False


DECISIONS = [
    Decision(
        PostAction.APPROVE,
        "setujui",
        _("Setujui dan terbitkan sekarang"),
        ConfirmForm,
        lambda post, user, data: services.post_approve(post=post, actor=user),
        _("Berita disetujui dan diterbitkan."),
    ),
    Decision(
        PostAction.SCHEDULE,
        "jadwalkan",
        _("Setujui dan jadwalkan"),
        ScheduleForm,
        lambda post, user, data: services.post_approve(
            post=post, actor=user, publish_at=data["publish_at"]
        ),
        _("Berita disetujui dan dijadwalkan terbit."),
    ),
    Decision(
        PostAction.REQUEST_CHANGES,
        "minta-perbaikan",
        _("Minta perbaikan"),
        CommentForm,
        lambda post, user, data: services.post_request_changes(
            post=post, actor=user, comment=data["comment"]
        ),
        _("Permintaan perbaikan dikirim ke UPT."),
    ),
    Decision(
        PostAction.REJECT,
        "tolak",
        _("Tolak"),
        ReasonForm,
        lambda post, user, data: services.post_reject(
            post=post, actor=user, reason=data["comment"]
        ),
        _("Berita ditolak."),
        danger=True,
    ),
    Decision(
        PostAction.UNPUBLISH,
        "tarik",
        _("Tarik dari publikasi"),
        ReasonForm,
        lambda post, user, data: services.post_unpublish(
            post=post, actor=user, reason=data["comment"]
        ),
        _("Berita ditarik dari publikasi."),
        danger=True,
    ),
    Decision(
        PostAction.FEATURE,
        "jadikan-pilihan",
        _("Jadikan berita pilihan"),
        ConfirmForm,
        lambda post, user, data: services.post_set_featured(
            post=post, actor=user, featured=True
        ),
        _("Berita dijadikan berita pilihan."),
    ),
    Decision(
        PostAction.UNFEATURE,
        "lepas-pilihan",
        _("Lepas dari berita pilihan"),
        ConfirmForm,
        lambda post, user, data: services.post_set_featured(
            post=post, actor=user, featured=False
        ),
        _("Berita tidak lagi menjadi berita pilihan."),
    ),
    Decision(
        PostAction.REPUBLISH,
        "terbitkan-kembali",
        _("Terbitkan kembali"),
        ConfirmForm,
        lambda post, user, data: post_republish(post=post, actor=user),
        _("Berita diterbitkan kembali."),
    ),
]
DECISIONS_BY_SLUG = {decision.slug: decision for decision in DECISIONS}
DECISIONS_BY_ACTION = {decision.action: decision for decision in DECISIONS}


def _messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# The newsroom works in Jakarta time, and says so next to every time it shows.
NEWSROOM_ZONE = ZoneInfo("Asia/Jakarta")


def _duration(delta: timedelta) -> str:
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


class PostEventInline(admin.TabularInline):
    """The audit trail, newest first; nobody edits history."""

    model = PostEvent
    fields = ("time_wib", "actor", "action", "from_status", "to_status", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("riwayat keputusan")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("waktu"))
    def time_wib(self, obj):
        return waktu_lengkap(obj.created_at)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    list_display = (
        "title_links",
        "unit",
        "region",
        "status_badge",
        "submitted",
        "waiting",
        "recommendation_badge",
    )
    # The title cell holds its own two links (decision page, preview).
    list_display_links = None
    list_filter = (
        "status",
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
        css = {"all": ["css/admin_editor.css", "css/admin_queue.css"]}

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
                _duration(waited),
                _("Melewati target %(hours)d jam")
                % {"hours": settings.REVIEW_TARGET_HOURS},
                _("lewat target"),
            )
        return format_html(
            '<span class="queue-label">{}</span> <span class="queue-waiting">{}</span>',
            _("Menunggu"),
            _duration(waited),
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
        extra_context = {
            **(extra_context or {}),
            "status_counts": [
                {"value": value, "label": label, "count": counts[value]}
                for value, label in PostStatus.choices
            ],
            "status_total": sum(counts.values()),
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
            self.message_user(request, _messages_of(exc), messages.ERROR)

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

    # --- Reading: what a reviewer sees instead of the editors' form fields --------

    # Read-only stand-ins for the fields a reviewer sees: the body rendered (it
    # was sanitised when saved), and names instead of links to admin pages
    # they may not open.
    _READONLY_STAND_INS = {
        "body": "body_rendered",
        "category": "category_name",
        "tags": "tag_names",
        "unit": "unit_name",
        "author": "author_name",
    }

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets

        def swap(fields):
            return tuple(
                swap(f)
                if isinstance(f, (list, tuple))
                else self._READONLY_STAND_INS.get(f, f)
                for f in fields
            )

        return [
            (name, {**options, "fields": swap(options["fields"])})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            return (*readonly, *self._READONLY_STAND_INS.values())
        return readonly

    # Moments in the newsroom's zone, with its label (news_tags.waktu_lengkap).
    @admin.display(description=_("dikirim"))
    def submitted_wib(self, obj):
        return waktu_lengkap(obj.submitted_at) or "-"

    @admin.display(description=_("jadwal terbit"))
    def publish_at_wib(self, obj):
        return waktu_lengkap(obj.publish_at) or "-"

    @admin.display(description=_("terbit"))
    def published_wib(self, obj):
        return waktu_lengkap(obj.published_at) or "-"

    @admin.display(description=_("dibuat"))
    def created_wib(self, obj):
        return waktu_lengkap(obj.created_at) or "-"

    @admin.display(description=_("diubah"))
    def updated_wib(self, obj):
        return waktu_lengkap(obj.updated_at) or "-"

    @admin.display(description=_("isi berita"))
    def body_rendered(self, obj):
        # Sanitised by news.services when it was saved (news.sanitize).
        return format_html(
            '<div class="news-body-rendered">{}</div>',
            mark_safe(obj.body),  # noqa: S308
        )

    @admin.display(description=_("kategori"))
    def category_name(self, obj):
        return obj.category.name

    @admin.display(description=_("tag"))
    def tag_names(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all()) or "-"

    @admin.display(description=_("UPT"))
    def unit_name(self, obj):
        return obj.unit.name

    @admin.display(description=_("penulis"))
    def author_name(self, obj):
        return obj.author.get_full_name() or obj.author.username

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
            if self._can_see_revisions(request):
                extra_context["revisions_url"] = reverse(
                    "admin:news_post_revisions", args=[post.pk]
                )
                extra_context["revision_count"] = post.revisions.count()
        return super().change_view(request, object_id, form_url, extra_context)

    def _review_context(self, request, post) -> dict:
        """What the decision page shows beside the text, for editor and reviewer."""
        can_edit_photos = self.has_change_permission(request, post)
        photos = [
            {
                "photo": photo,
                "thumbnail": _thumbnail_url(photo),
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

    def _get_post_or_404(self, request, object_id) -> Post:
        post = self.get_object(request, unquote(object_id))
        if post is None or not self.has_view_permission(request, post):
            raise Http404(_("Berita tidak ditemukan."))
        return post

    def decision_view(self, request, object_id, decision):
        if not rights.can_moderate(request.user):
            raise PermissionDenied
        spec = DECISIONS_BY_SLUG.get(decision)
        if spec is None:
            raise Http404
        post = self._get_post_or_404(request, object_id)
        change_url = reverse("admin:news_post_change", args=[post.pk])

        if request.method == "POST":
            form = spec.form_class(request.POST)
            if form.is_valid():
                try:
                    spec.perform(post, request.user, form.cleaned_data)
                except ValidationError as exc:
                    if not self._add_field_errors(form, exc):
                        self.message_user(request, _messages_of(exc), messages.ERROR)
                        return HttpResponseRedirect(change_url)
                else:
                    self.message_user(request, spec.done, messages.SUCCESS)
                    return HttpResponseRedirect(change_url)
        else:
            available = services.post_available_actions(post=post, actor=request.user)
            if spec.action not in available:
                self.message_user(
                    request,
                    _("Tindakan ini tidak tersedia untuk berita berstatus “%s”.")
                    % post.get_status_display(),
                    messages.WARNING,
                )
                return HttpResponseRedirect(change_url)
            form = spec.form_class()

        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": spec.label,
            "post": post,
            "form": form,
            "decision": spec,
            "media": self.media + form.media,
            "change_url": change_url,
            "resubmission_diff": selectors.post_resubmission_diff(post=post),
        }
        return TemplateResponse(request, "admin/news/post/decision.html", context)

    def _page_context(self, request, post, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "post": post,
            "change_url": reverse("admin:news_post_change", args=[post.pk]),
            **extra,
        }

    # --- Preview, history, recommendation -------------------------------------------

    @method_decorator(never_cache)
    def preview_view(self, request, object_id):
        """The post in the public article template, in any status, with a banner.

        For editors, and for the reviewers of the post's region; for anyone
        else the post does not exist (404). Not wrapped in admin_view, which
        would send a logged-in contributor to the admin login instead.
        """
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        post = Post.objects.select_related("unit").filter(pk=object_id).first()
        if post is None or not rights.can_review_post(request.user, post):
            raise Http404(_("Berita tidak ditemukan."))
        return render(
            request,
            "admin/news/post/preview.html",
            {
                "post": selectors.post_with_article_data(post=post),
                "preview": True,
                "change_url": reverse("admin:news_post_change", args=[post.pk]),
            },
        )

    def history_view(self, request, object_id, extra_context=None):
        """The decision history (PostEvent), not Django's empty LogEntry list."""
        post = self._get_post_or_404(request, object_id)
        if not rights.can_review_post(request.user, post):
            raise PermissionDenied
        context = self._page_context(
            request,
            post,
            title=_("Riwayat: %s") % post.title,
            events=selectors.post_events_for_post(post=post),
            media=self.media,
            **(extra_context or {}),
        )
        return TemplateResponse(request, "admin/news/post/object_history.html", context)

    def recommend_view(self, request, object_id):
        post = self._get_post_or_404(request, object_id)
        change_url = reverse("admin:news_post_change", args=[post.pk])
        available = services.post_available_actions(post=post, actor=request.user)
        if request.method == "POST":
            form = RecommendationForm(request.POST)
            if form.is_valid():
                try:
                    post_recommend(
                        post=post,
                        actor=request.user,
                        recommendation=form.cleaned_data["recommendation"],
                        comment=form.cleaned_data["comment"],
                    )
                except ValidationError as exc:
                    if not self._add_field_errors(form, exc):
                        self.message_user(request, _messages_of(exc), messages.ERROR)
                        return HttpResponseRedirect(change_url)
                else:
                    self.message_user(
                        request,
                        _("Rekomendasi Anda dikirim ke redaksi."),
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(change_url)
        elif PostAction.RECOMMEND not in available:
            self.message_user(
                request,
                _(
                    "Rekomendasi hanya dapat diberikan oleh peninjau kanwil wilayah "
                    "UPT pengirim, selama berita menunggu keputusan redaksi."
                ),
                messages.WARNING,
            )
            return HttpResponseRedirect(change_url)
        else:
            form = RecommendationForm()
        context = self._page_context(
            request,
            post,
            title=_("Rekomendasi untuk redaksi"),
            form=form,
            submit_label=_("Kirim rekomendasi"),
            media=self.media + form.media,
        )
        return TemplateResponse(request, "admin/news/post/recommend.html", context)

    # --- Photos on the decision page ----------------------------------------------

    def _get_photo_or_404(self, request, object_id, photo_id):
        post = self._get_post_or_404(request, object_id)
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        photo = Photo.objects.filter(pk=photo_id, post=post).first()
        if photo is None:
            raise Http404(_("Foto tidak ditemukan."))
        return post, photo

    def photo_view(self, request, object_id, photo_id):
        """Correct a photo's caption, alt text and credit (services.photo_update)."""
        post, photo = self._get_photo_or_404(request, object_id, photo_id)
        change_url = reverse("admin:news_post_change", args=[post.pk])
        if request.method == "POST":
            form = PhotoTextForm(request.POST, instance=Photo.objects.get(pk=photo.pk))
            if form.is_valid():
                try:
                    changed = photo_update(
                        photo=photo,
                        actor=request.user,
                        caption=form.cleaned_data["caption"],
                        alt_text=form.cleaned_data["alt_text"],
                        credit=form.cleaned_data["credit"],
                    )
                except ValidationError as exc:
                    if not self._add_field_errors(form, exc):
                        self.message_user(request, _messages_of(exc), messages.ERROR)
                        return HttpResponseRedirect(change_url)
                else:
                    self.message_user(
                        request,
                        _("Keterangan foto disimpan.")
                        if changed
                        else _("Tidak ada yang berubah."),
                        messages.SUCCESS if changed else messages.INFO,
                    )
                    return HttpResponseRedirect(change_url + "#foto-berita")
        else:
            form = PhotoTextForm(instance=photo)
        context = self._page_context(
            request,
            post,
            title=_("Ubah keterangan foto"),
            photo=photo,
            form=form,
            media=self.media + form.media,
        )
        return TemplateResponse(request, "admin/news/post/photo_edit.html", context)

    def photo_delete_view(self, request, object_id, photo_id):
        """Remove a photo after confirmation (news.services.photo_delete)."""
        post, photo = self._get_photo_or_404(request, object_id, photo_id)
        change_url = reverse("admin:news_post_change", args=[post.pk])
        if request.method == "POST":
            try:
                services.photo_delete(photo=photo, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, _messages_of(exc), messages.ERROR)
            else:
                self.message_user(request, _("Foto dihapus."), messages.SUCCESS)
            return HttpResponseRedirect(change_url + "#foto-berita")
        context = self._page_context(
            request,
            post,
            title=_("Hapus foto?"),
            photo=photo,
            thumbnail=_thumbnail_url(photo),
        )
        return TemplateResponse(request, "admin/news/post/photo_delete.html", context)

    # --- Inline images ---------------------------------------------------------------

    def upload_image_view(self, request, object_id):
        """CKEditor's upload endpoint on the change page: an inline photo of the post.

        Whoever may change the post (an editor) may add images to its text, in
        any status; the photo belongs to the post's unit. admin_view has
        checked the login and the CSRF token (sent by editor.js as a header).
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = self._get_post_or_404(request, object_id)
        if not self.has_change_permission(request, post):
            message = _("Anda tidak berwenang mengubah berita ini.")
            return JsonResponse({"error": {"message": str(message)}}, status=403)
        return inline_image_upload(request, unit=post.unit, post=post)

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

    # --- Revisions -----------------------------------------------------------------

    def _can_see_revisions(self, request) -> bool:
        return rights.can_see_revisions(request.user)

    def revisions_view(self, request, object_id):
        post = self._get_post_or_404(request, object_id)
        if not self._can_see_revisions(request):
            raise PermissionDenied
        revisions = list(post.revisions.select_related("editor"))
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

    # --- Bulk actions ----------------------------------------------------------------

    def _report(self, request, done: list[Post], failed: list[tuple[Post, str]], verb):
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d berita %(verb)s: %(titles)s",
                    "%(count)d berita %(verb)s: %(titles)s",
                    len(done),
                )
                % {
                    "count": len(done),
                    "verb": verb,
                    "titles": "; ".join("«%s»" % post.title for post in done),
                },
                messages.SUCCESS,
            )
        for post, reason in failed:
            self.message_user(
                request,
                _("«%(title)s» tidak diproses: %(reason)s")
                % {"title": post.title, "reason": reason},
                messages.ERROR,
            )

    @admin.action(
        description=_("Setujui dan terbitkan sekarang"), permissions=["moderate"]
    )
    def approve_and_publish(self, request, queryset):
        done, failed = [], []
        for post in queryset.order_by("queue_rank", "queue_since", "pk"):
            try:
                done.append(services.post_approve(post=post, actor=request.user))
            except ValidationError as exc:
                failed.append((post, _messages_of(exc)))
        self._report(request, done, failed, _("disetujui dan diterbitkan"))

    @admin.action(description=_("Minta perbaikan…"), permissions=["moderate"])
    def request_changes(self, request, queryset):
        if "apply" in request.POST:
            form = CommentForm(request.POST)
            if form.is_valid():
                done, failed = [], []
                for post in queryset.order_by("queue_rank", "queue_since", "pk"):
                    try:
                        done.append(
                            services.post_request_changes(
                                post=post,
                                actor=request.user,
                                comment=form.cleaned_data["comment"],
                            )
                        )
                    except ValidationError as exc:
                        failed.append((post, _messages_of(exc)))
                self._report(request, done, failed, _("diminta perbaikan"))
                return None
        else:
            form = CommentForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Minta perbaikan untuk beberapa berita"),
            "posts": queryset,
            "form": form,
            "action_name": "request_changes",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/news/post/bulk_request_changes.html", context
        )


def _thumbnail_url(photo: Photo) -> str:
    """A small rendition for the decision page's tiles, else the clean copy."""
    small = [r for r in photo.renditions.all() if r.file and 200 <= r.width <= 800]
    if small:
        return min(small, key=lambda r: (r.format != "webp", r.width)).file.url
    return photo.image.url if photo.image else ""


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "post_count")
    list_editable = ("position",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    @admin.display(description=_("jumlah berita"), ordering="post_count")
    def post_count(self, obj):
        return obj.post_count


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "post_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    @admin.display(description=_("jumlah berita"), ordering="post_count")
    def post_count(self, obj):
        return obj.post_count


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """Photos are uploaded with their post; here editors look and may remove."""

    list_display = ("thumbnail", "alt_text", "unit", "post", "kind", "status")
    list_filter = ("kind", "status")
    list_select_related = ("unit", "post")
    search_fields = ("alt_text", "caption", "unit__name", "post__title")
    fields = (
        "thumbnail",
        "unit",
        "post",
        "kind",
        "caption",
        "alt_text",
        "credit",
        "width",
        "height",
        "status",
        "uploaded_by",
        "created_at",
    )
    readonly_fields = fields
    actions = ("remove_photos",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_remove_permission(self, request):
        return rights.can_remove_photos_in_newsroom(request.user)

    @admin.display(description=_("foto"))
    def thumbnail(self, obj):
        if not obj.image:
            return "-"
        return format_html(
            '<img src="{}" alt="{}" style="max-height:80px;max-width:120px">',
            obj.image.url,
            obj.alt_text,
        )

    @admin.action(description=_("Hapus foto terpilih"), permissions=["remove"])
    def remove_photos(self, request, queryset):
        removed = 0
        for photo in queryset:
            try:
                services.photo_delete(photo=photo, actor=request.user)
                removed += 1
            except ValidationError as exc:
                self.message_user(request, _messages_of(exc), messages.ERROR)
        if removed:
            self.message_user(
                request, _("%d foto dihapus.") % removed, messages.SUCCESS
            )
