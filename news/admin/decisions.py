"""Editorial decisions in the newsroom: one page per decision, bulk actions,
the preview in the public article template and the decision history.

Every decision calls news.services; a refusal (ValidationError) becomes a
message or a form error. Who may decide is news.services.rights.can_moderate.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from news import selectors, services
from news.admin.common import messages_of
from news.admin.forms import (
    ConfirmForm,
    ReasonForm,
    RejectForm,
    RequestChangesForm,
    ScheduleForm,
)
from news.models import (
    Post,
    PostAction,
    PostEvent,
)
from news.services import rights
from news.services.decisions import post_republish
from news.templatetags.news_tags import waktu_lengkap


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
        RequestChangesForm,
        lambda post, user, data: services.post_request_changes(
            post=post,
            actor=user,
            reason_type=data["reason_type"],
            comment=data["comment"],
        ),
        _("Permintaan perbaikan dikirim ke UPT."),
    ),
    Decision(
        PostAction.REJECT,
        "tolak",
        _("Tolak"),
        RejectForm,
        lambda post, user, data: services.post_reject(
            post=post,
            actor=user,
            reason_type=data["reason_type"],
            comment=data["comment"],
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


class DecisionViewsMixin:
    """The decision pages, the preview and the decision history."""

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
                        self.message_user(request, messages_of(exc), messages.ERROR)
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
        post = selectors.post_get_for_preview(pk=object_id)
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
                failed.append((post, messages_of(exc)))
        self._report(request, done, failed, _("disetujui dan diterbitkan"))

    @admin.action(description=_("Minta perbaikan…"), permissions=["moderate"])
    def request_changes(self, request, queryset):
        if "apply" in request.POST:
            form = RequestChangesForm(request.POST)
            if form.is_valid():
                done, failed = [], []
                for post in queryset.order_by("queue_rank", "queue_since", "pk"):
                    try:
                        done.append(
                            services.post_request_changes(
                                post=post,
                                actor=request.user,
                                reason_type=form.cleaned_data["reason_type"],
                                comment=form.cleaned_data["comment"],
                            )
                        )
                    except ValidationError as exc:
                        failed.append((post, messages_of(exc)))
                self._report(request, done, failed, _("diminta perbaikan"))
                return None
        else:
            form = RequestChangesForm()
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


class PostEventInline(admin.TabularInline):
    """The audit trail, newest first; nobody edits history."""

    model = PostEvent
    # Below 768 px each event is a labelled card rather than a table row.
    template = "admin/news/post/events_inline.html"
    fields = (
        "time_wib",
        "actor_name",
        "action",
        "from_status",
        "to_status",
        "reason_name",
        "comment",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("riwayat keputusan")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "reason")

    @admin.display(description=_("waktu"))
    def time_wib(self, obj):
        return waktu_lengkap(obj.created_at)

    @admin.display(description=_("jenis alasan"))
    def reason_name(self, obj):
        return obj.reason.name if obj.reason_id else "-"

    @admin.display(description=_("oleh"))
    def actor_name(self, obj):
        # As on the history page: the name people know, and no link that a
        # reviewer could not follow.
        if obj.actor is None:
            return _("Sistem (jadwal)")
        return obj.actor.get_full_name() or obj.actor.username

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
