"""The awards in the newsroom: declared here, pages in awards.admin_pages."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from awards import admin_pages, services
from awards.models import (
    AwardCategory,
    AwardPeriod,
    AwardResult,
    AwardWinner,
    Incident,
    SocialAccount,
    SocialReport,
)


def _run(modeladmin, request, queryset, service, done_message, **kwargs):
    done = 0
    for obj in queryset:
        try:
            service(actor=request.user, **{modeladmin.service_arg: obj}, **kwargs)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            text = "; ".join(getattr(exc, "messages", [])) or _("Tidak diizinkan.")
            modeladmin.message_user(request, "%s: %s" % (obj, text), messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS)


class WinnerInline(admin.TabularInline):
    model = AwardWinner
    extra = 0
    can_delete = False
    fields = ("category", "rank", "name", "unit", "region", "score")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AwardPeriod)
class AwardPeriodAdmin(admin.ModelAdmin):
    list_display = ("name", "starts_on", "ends_on", "is_closed", "rankings")
    list_filter = ("is_closed",)
    readonly_fields = ("is_closed", "closed_at")
    inlines = [WinnerInline]
    actions = ["close_periods"]
    service_arg = "period"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_closed:
            return ("name", "starts_on", "ends_on", "is_closed", "closed_at")
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        page = self.admin_site.admin_view
        return [
            path(
                "statistik/",
                page(admin_pages.statistics_dashboard),
                name="awards_statistics",
            ),
            path(
                "<int:pk>/peringkat/<slug:slug>/",
                page(admin_pages.ranking),
                name="awards_ranking",
            ),
            path(
                "<int:pk>/peringkat/<slug:slug>/catat/",
                page(admin_pages.record_winners),
                name="awards_record_winners",
            ),
            path(
                "<int:pk>/upt/<int:unit_pk>/berita/",
                page(admin_pages.posts_behind),
                name="awards_posts_behind",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("peringkat"))
    def rankings(self, obj):
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:awards_ranking", args=(obj.pk, c.slug)), c.name)
                for c in AwardCategory.objects.filter(is_active=True)
            ),
        )

    @admin.action(description=_("Tutup periode terpilih (permanen)"))
    def close_periods(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.award_period_close,
            _("%(n)d periode ditutup."),
        )


@admin.register(AwardCategory)
class AwardCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "metric", "competitors", "winners_count", "is_active")
    list_filter = ("metric", "competitors", "is_active")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "name_en")


@admin.register(AwardWinner)
class AwardWinnerAdmin(admin.ModelAdmin):
    list_display = ("period", "category", "rank", "name", "score")
    list_filter = ("period", "category")
    readonly_fields = (
        "period",
        "category",
        "rank",
        "unit",
        "region",
        "name",
        "score",
        "breakdown",
    )
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AwardResult)
class AwardResultAdmin(admin.ModelAdmin):
    list_display = ("period", "category", "recorded_at", "recorded_by")
    readonly_fields = ("period", "category", "recorded_at", "recorded_by", "ranking")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SocialAccount)
class SocialAccountAdmin(admin.ModelAdmin):
    list_display = ("handle", "platform", "unit", "is_active")
    list_filter = ("platform", "is_active")
    search_fields = ("handle", "unit__name")
    raw_id_fields = ("unit",)


class ReviewAdmin(admin.ModelAdmin):
    actions = ["verify", "reject"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Verifikasi yang terpilih"))
    def verify(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            self.review_service,
            _("%(n)d diverifikasi."),
            verified=True,
        )

    @admin.action(description=_("Tolak yang terpilih"))
    def reject(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            self.review_service,
            _("%(n)d ditolak."),
            verified=False,
        )


@admin.register(SocialReport)
class SocialReportAdmin(ReviewAdmin):
    list_display = (
        "account",
        "unit",
        "month",
        "followers",
        "posts",
        "interactions",
        "sample",
        "status",
    )
    list_filter = ("status", "account__platform", "month")
    search_fields = ("account__handle", "account__unit__name")
    readonly_fields = (
        "account",
        "month",
        "followers",
        "posts",
        "interactions",
        "sample_url",
        "status",
        "submitted_by",
        "reviewed_by",
        "reviewed_at",
    )
    service_arg = "report"
    review_service = staticmethod(services.social_report_review)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account__unit")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("UPT"), ordering="account__unit__name")
    def unit(self, obj):
        return obj.account.unit

    @admin.display(description=_("contoh unggahan"))
    def sample(self, obj):
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>',
            obj.sample_url,
            _("buka"),
        )


@admin.register(Incident)
class IncidentAdmin(ReviewAdmin):
    list_display = (
        "unit",
        "kind",
        "reach",
        "occurred_at",
        "clarification_link",
        "status",
    )
    list_filter = ("status", "kind", "reach")
    search_fields = ("unit__name", "summary")
    readonly_fields = (
        "unit",
        "occurred_at",
        "learned_at",
        "kind",
        "reach",
        "summary",
        "clarification",
        "status",
        "reported_by",
        "reviewed_by",
        "reviewed_at",
    )
    service_arg = "incident"
    review_service = staticmethod(services.incident_review)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit", "clarification")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("klarifikasi"))
    def clarification_link(self, obj):
        if obj.clarification is None:
            return _("belum ada")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:news_post_change", args=(obj.clarification_id,)),
            obj.clarification.title,
        )
