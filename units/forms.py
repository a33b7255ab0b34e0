from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from units.models import Unit, User
from units.services import user_role_validate

# A national list is ~700 rows (~100 KB); anything far larger is not a unit list.
IMPORT_MAX_BYTES = 2 * 1024 * 1024


class UnitAdminForm(forms.ModelForm):
    website = forms.URLField(
        label=_("situs web"), required=False, assume_scheme="https"
    )

    class Meta:
        model = Unit
        fields = (
            "name",
            "code",
            "slug",
            "region",
            "is_active",
            "unit_type",
            "speciality",
            "unit_class",
            "place",
            "address",
            "phone",
            "email",
            "website",
            "profile",
            "requires_head_approval",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left blank, the slug is made from the name (see Unit.fill_derived_fields).
        if "slug" in self.fields:  # not when the page is read-only
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Kosongkan agar dibentuk dari nama.")


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV"),
        help_text=_(
            "UTF-8, baris pertama judul kolom: kode, nama, jenis, kekhususan, "
            "kelas, tempat, kanwil, alamat, telepon, email, website, profil. "
            "Wajib: nama (atau jenis dan tempat) dan kanwil; kode boleh kosong."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Uji coba saja (tidak menyimpan apa pun)"), required=False
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("Berkas terlalu besar (maksimum %(max)d MB)."),
                params={"max": IMPORT_MAX_BYTES // (1024 * 1024)},
            )
        return file


class RoleFieldsMixin:
    """Role, unit and region checked together, as field errors, not a 500."""

    def clean(self):
        cleaned_data = super().clean()
        if "role" in cleaned_data:
            try:
                user_role_validate(
                    role=cleaned_data["role"],
                    unit=cleaned_data.get("unit"),
                    region=cleaned_data.get("region"),
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned_data


class PortalUserCreationForm(RoleFieldsMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "role", "unit", "region")


class PortalUserChangeForm(RoleFieldsMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = (
            "username",
            "password",
            "first_name",
            "last_name",
            "email",
            "role",
            "unit",
            "region",
            "editor_digest",
            "is_active",
            "is_superuser",
        )
