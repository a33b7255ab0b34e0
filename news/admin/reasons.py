"""The reason types of requests for changes and rejections, kept by editors.

A reason already used by a decision cannot be deleted (PostEvent.reason is
PROTECT: the statistics count it); the editor is told to deactivate it, which
takes it off the decision forms and keeps the history and the counts intact.
"""

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from news.models import RefusalReason
from news.services import rights

MSG_REASON_IN_USE = _(
    "Jenis alasan “%(name)s” tidak dapat dihapus karena sudah dipakai pada "
    "%(count)d keputusan dan dihitung di statistik. Nonaktifkan saja (hapus "
    "centang “aktif”): jenis alasan ini tidak muncul lagi di formulir keputusan, "
    "sedangkan riwayat dan statistiknya tetap utuh."
)


@admin.register(RefusalReason)
class RefusalReasonAdmin(admin.ModelAdmin):
    list_display = ("name", "position", "is_active", "use_count")
    list_display_links = ("name",)
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    # Deleting several at once would end on Django's page of protected rows;
    # one at a time, the editor gets the advice below instead.
    actions = None

    # The editors who decide keep the list: no model permissions to grant
    # per group (the role groups come from migrations other apps own).
    def has_module_permission(self, request):
        return rights.can_moderate(request.user)

    def has_view_permission(self, request, obj=None):
        return rights.can_moderate(request.user)

    def has_add_permission(self, request):
        return rights.can_moderate(request.user)

    def has_change_permission(self, request, obj=None):
        return rights.can_moderate(request.user)

    def has_delete_permission(self, request, obj=None):
        return rights.can_moderate(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=Count("events"))

    @admin.display(description=_("dipakai"), ordering="use_count")
    def use_count(self, obj):
        return obj.use_count

    def delete_view(self, request, object_id, extra_context=None):
        reason = self.get_object(request, object_id)
        if reason is not None and self.has_delete_permission(request, reason):
            used = reason.events.count()
            if used:
                self.message_user(
                    request,
                    MSG_REASON_IN_USE % {"name": reason.name, "count": used},
                    messages.ERROR,
                )
                return HttpResponseRedirect(
                    reverse("admin:news_refusalreason_change", args=[reason.pk])
                )
        return super().delete_view(request, object_id, extra_context)
