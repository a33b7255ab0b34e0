from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from units import selectors
from units.forms import (
    AccountImportForm,
    PortalUserChangeForm,
    PortalUserCreationForm,
    UnitAdminForm,
    UnitImportForm,
)
from units.imports.account_csv import account_import_csv
from units.imports.csvfile import RowStatus
from units.imports.unit_csv import unit_import_csv
from units.models import Region, Unit, UnitNameHistory, User
from units.names import normalize_unit_name
from units.services import unit_save, user_set_role
from units.two_factor import two_factor_reset


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "province_code",
        "time_zone",
        "unit_count",
        "active_unit_count",
    )
    list_filter = ("time_zone",)
    search_fields = ("name", "province_code")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name",)

    def get_queryset(self, request):
        return selectors.region_list_with_unit_counts(
            queryset=super().get_queryset(request)
        )

    @admin.display(description=_("jumlah UPT"), ordering="unit_count")
    def unit_count(self, region: Region) -> int:
        return region.unit_count

    @admin.display(description=_("UPT aktif"), ordering="active_unit_count")
    def active_unit_count(self, region: Region) -> int:
        return region.active_unit_count


class UnitMemberInline(admin.TabularInline):
    """The unit's accounts, read-only: roles change on the account's own page,
    where groups follow the role."""

    model = User
    fk_name = "unit"
    fields = ("username", "full_name", "email", "role", "is_active")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("anggota")
    verbose_name_plural = _("anggota UPT")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("nama"))
    def full_name(self, user: User) -> str:
        return user.get_full_name()


class UnitNameHistoryInline(admin.TabularInline):
    """Earlier names of the unit, read-only: written by units.services.unit_save."""

    model = UnitNameHistory
    fields = ("changed_at", "old_name", "new_name", "changed_by")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = _("riwayat nama")

    def has_view_permission(self, request, obj=None) -> bool:
        # Part of the unit's page: whoever may open the unit sees its names.
        return True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
    list_display = ("name", "code", "unit_type", "unit_class", "region", "is_active")
    list_filter = ("region", "unit_type", "unit_class", "is_active", "speciality")
    list_select_related = ("region",)
    search_fields = ("name", "place", "code", "name_history__old_name")
    prepopulated_fields = {"slug": ("name",)}
    # The website: an address typed without https:// gets it.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = (UnitMemberInline, UnitNameHistoryInline)
    fieldsets = (
        (None, {"fields": ("name", "code", "slug", "region", "is_active")}),
        (
            _("Bagian nama resmi"),
            {"fields": ("unit_type", "speciality", "unit_class", "place")},
        ),
        (_("Kontak"), {"fields": ("address", "phone", "email", "website")}),
        (_("Profil dan alur"), {"fields": ("profile", "requires_head_approval")}),
    )

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        # "lapas kls 2a semarang" finds "Lapas Perempuan Kelas IIA Semarang".
        key = normalize_unit_name(search_term)
        if key:
            results |= queryset.filter(normalized_name__contains=key)
        return results, may_have_duplicates

    def save_model(self, request, obj, form, change):
        unit_save(unit=obj, actor=request.user)

    # --- CSV import -----------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "impor/",
                self.admin_site.admin_view(self.import_view),
                name="units_unit_import",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = UnitImportForm(request.POST, request.FILES)
            if form.is_valid():
                report = unit_import_csv(
                    file=form.cleaned_data["file"],
                    dry_run=form.cleaned_data["dry_run"],
                    actor=request.user,
                )
                self._log_import(request, report)
                self.message_user(
                    request,
                    report.summary(),
                    messages.WARNING if report.has_errors else messages.SUCCESS,
                )
        else:
            form = UnitImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Impor UPT dari CSV"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/units/unit/import.html", context)

    def _log_import(self, request, report) -> None:
        if report.dry_run:
            return
        statuses = (RowStatus.CREATED, RowStatus.UPDATED)
        rows = [row for row in report.rows if row.status in statuses]
        units = Unit.objects.in_bulk([row.unit_id for row in rows])
        for row in rows:
            if row.status == RowStatus.CREATED:
                self.log_addition(request, units[row.unit_id], [{"added": {}}])
            else:
                self.log_change(request, units[row.unit_id], row.reason)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = (
        "username",
        "get_full_name",
        "email",
        "role",
        "unit",
        "region",
        "is_active",
    )
    list_filter = ("role", "unit__region", "is_active")
    list_select_related = ("unit", "region")
    search_fields = ("username", "first_name", "last_name", "email", "unit__name")
    autocomplete_fields = ("unit", "region")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Data pribadi"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Peran"),
            {
                "fields": ("role", "unit", "region", "editor_digest"),
                "description": _(
                    "Kontributor dan kepala UPT memilih satu UPT, peninjau satu "
                    "kanwil; editor dan administrator tidak keduanya. Grup dan "
                    "akses admin mengikuti peran."
                ),
            },
        ),
        (_("Akses"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Tanggal penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Peran"), {"fields": ("role", "unit", "region")}),
    )
    readonly_fields = ("is_staff", "groups", "last_login", "date_joined")
    actions = ("reset_two_factor",)

    @admin.action(
        description=_("Atur ulang verifikasi dua langkah (ponsel hilang)"),
        permissions=("change",),
    )
    def reset_two_factor(self, request, queryset):
        # Removes the app and recovery codes and ends the account's sessions;
        # staff enrol a new phone at their next login.
        users = list(queryset)
        for user in users:
            two_factor_reset(user=user, actor=request.user)
            self.log_change(request, user, _("Verifikasi dua langkah diatur ulang."))
        self.message_user(
            request,
            _(
                "Verifikasi dua langkah %(count)d akun diatur ulang; sesi mereka "
                "diakhiri."
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    @admin.display(description=_("nama"), ordering="first_name")
    def get_full_name(self, user: User) -> str:
        return user.get_full_name()

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            # Only a superuser makes another.
            readonly = (*readonly, "is_superuser")
        return readonly

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    # --- CSV import of accounts ----------------------------------------------

    def get_urls(self):
        return [
            path(
                "impor/",
                self.admin_site.admin_view(self.import_view),
                name="units_user_import",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = AccountImportForm(request.POST, request.FILES)
            if form.is_valid():
                report = account_import_csv(
                    file=form.cleaned_data["file"],
                    dry_run=form.cleaned_data["dry_run"],
                )
                self._log_import(request, report)
                self.message_user(
                    request,
                    report.summary(),
                    messages.WARNING if report.has_errors else messages.SUCCESS,
                )
        else:
            form = AccountImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Impor akun dari CSV"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/units/user/import.html", context)

    def _log_import(self, request, report) -> None:
        if report.dry_run:
            return
        statuses = (RowStatus.CREATED, RowStatus.UPDATED)
        rows = [row for row in report.rows if row.status in statuses]
        users = User.objects.in_bulk([row.object_id for row in rows])
        for row in rows:
            if row.status == RowStatus.CREATED:
                self.log_addition(request, users[row.object_id], [{"added": {}}])
            else:
                self.log_change(request, users[row.object_id], row.reason)

    def save_model(self, request, obj, form, change):
        # The form has checked role, unit and region together; the service
        # saves them and puts the account in exactly its role's group.
        user_set_role(user=obj, role=obj.role, unit=obj.unit, region=obj.region)
