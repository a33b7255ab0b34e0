from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    UserChangeForm,
)
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


class ImportForm(forms.Form):
    """A CSV file (not too large) and whether to only try it."""

    file = forms.FileField(
        label=_("Berkas CSV"),
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


class AccountImportForm(ImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "UTF-8, baris pertama judul kolom: nama_pengguna, nama_lengkap, "
            "email, upt (kode atau nama UPT), peran (kontributor, kepala atau "
            "peninjau), dan kanwil untuk peninjau. Akun baru menerima undangan "
            "e-mail untuk membuat kata sandi."
        )


class LoginForm(AuthenticationForm):
    """The site's login, with a wrong-password message that reads well.

    Django's own says "Masukkan nama pengguna %(username)s ...", and the field
    is itself called "nama pengguna": it read "nama pengguna nama pengguna".
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil."
        ),
    }


class AdminLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah, atau akun ini bukan akun staf. "
            "Perhatikan huruf besar dan kecil."
        ),
    }


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Alamat e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


DIGEST_CHOICES = (
    ("0", _("Segera: satu e-mail untuk setiap kiriman")),
    ("1", _("Ringkasan harian: satu e-mail setiap pagi, 07.00 WIB")),
)


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Nama depan"), max_length=150)
    last_name = forms.CharField(
        label=_("Nama belakang"), max_length=150, required=False
    )
    email = forms.EmailField(label=_("Alamat e-mail"), max_length=254)
    editor_digest = forms.TypedChoiceField(
        label=_("E-mail kiriman baru"),
        choices=DIGEST_CHOICES,
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "editor_digest": "1" if user.editor_digest else "0",
            },
        )
        super().__init__(*args, **kwargs)
        if not user.is_editor:
            # The preference is about the editors' mail only.
            del self.fields["editor_digest"]


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


class SecondFactorCodeForm(forms.Form):
    """The code step: six digits from the app, or one recovery code."""

    otp_token = forms.CharField(
        label=_("Kode verifikasi"),
        max_length=20,
        help_text=_(
            "Enam angka dari aplikasi autentikator Anda, atau salah satu kode cadangan."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class EnrolmentCodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Kode dari aplikasi"),
        max_length=10,
        help_text=_("Enam angka yang sekarang tampil di aplikasi."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
            }
        ),
    )
