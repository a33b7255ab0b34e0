"""Forms of the contributor area; rules live in the services."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import IncidentKind, Platform, Reach, SocialAccount
from news.models import Post

MAX_CSV_BYTES = 1_000_000


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, date):
            return value.strftime("%Y-%m")
        return value


class MonthField(forms.DateField):
    widget = MonthInput
    input_formats = ["%Y-%m", "%m/%Y", "%Y-%m-%d"]


class SocialAccountForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    handle = forms.CharField(label=_("Nama akun"), max_length=100)
    url = forms.URLField(label=_("Alamat akun"), required=False, assume_scheme="https")


class SocialReportForm(forms.Form):
    account = forms.ModelChoiceField(
        label=_("Akun"), queryset=SocialAccount.objects.none()
    )
    month = MonthField(label=_("Bulan"), help_text=_("Bulan yang sudah berakhir."))
    followers = forms.IntegerField(label=_("Pengikut di akhir bulan"))
    posts = forms.IntegerField(label=_("Unggahan dalam bulan itu"))
    interactions = forms.IntegerField(
        label=_("Interaksi"), help_text=_("Suka, komentar, bagikan dan simpan.")
    )
    sample_url = forms.URLField(
        label=_("Tautan contoh unggahan"), assume_scheme="https"
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = SocialAccount.objects.filter(
            unit=unit, is_active=True
        )


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV"),
        help_text=_(
            "Kolom: platform, akun, bulan (TTTT-BB), pengikut, unggahan, "
            "interaksi, contoh_unggahan. Angka tanpa pemisah ribuan."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (paling besar 1 MB)."))
        return upload


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class IncidentForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("Waktu kejadian (WIB)"), widget=DateTimeLocalInput()
    )
    learned_at = forms.DateTimeField(
        label=_("Waktu UPT mengetahui (WIB)"), widget=DateTimeLocalInput()
    )
    kind = forms.ChoiceField(label=_("Jenis"), choices=IncidentKind.choices)
    reach = forms.ChoiceField(label=_("Jangkauan"), choices=Reach.choices)
    summary = forms.CharField(
        label=_("Ringkasan"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    clarification = forms.ModelChoiceField(
        label=_("Berita klarifikasi"),
        queryset=Post.objects.none(),
        required=False,
        help_text=_("Bisa ditautkan nanti, setelah beritanya dibuat."),
    )

    def __init__(self, *args, clarifications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clarification"].queryset = clarifications


class ClarificationForm(forms.Form):
    clarification = forms.ModelChoiceField(
        label=_("Berita klarifikasi"), queryset=Post.objects.none()
    )

    def __init__(self, *args, clarifications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clarification"].queryset = clarifications
