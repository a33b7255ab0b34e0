"""Forms of the editors' admin: the post's change form and the decision pages.

They check input only; the admin views hand the cleaned data to news.services.
"""

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from news.models import Photo, Post, Recommendation, RefusalReason
from news.sanitize import (
    body_is_empty,
    clean_lead,
    clean_multiline,
    clean_single_line,
)
from news.services import COMMENT_MAX_LENGTH, EDITABLE_FIELDS, MSG_EMPTY_BODY


class PostAdminForm(forms.ModelForm):
    """What an editor may change in the text; status moves have their own buttons."""

    class Meta:
        model = Post
        fields = sorted(EDITABLE_FIELDS)

    def clean_title(self) -> str:
        return clean_single_line(self.cleaned_data["title"])

    def clean_lead(self) -> str:
        return clean_lead(self.cleaned_data["lead"])

    def clean_location(self) -> str:
        return clean_single_line(self.cleaned_data["location"])

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if body_is_empty(body):
            raise ValidationError(MSG_EMPTY_BODY, code="empty_body")
        return body


class ConfirmForm(forms.Form):
    """A decision that needs nothing but the editor's confirmation."""


class ScheduleForm(forms.Form):
    publish_at = forms.SplitDateTimeField(
        label=_("Jadwal terbit"),
        widget=admin_widgets.AdminSplitDateTime(),
        help_text=_("Waktu Indonesia Barat (WIB)."),
    )

    def clean_publish_at(self):
        publish_at = self.cleaned_data["publish_at"]
        if publish_at <= timezone.now():
            raise ValidationError(
                _("Jadwal terbit harus di masa depan."), code="publish_at_past"
            )
        return publish_at


class CommentForm(forms.Form):
    """A decision the unit must be told the reason for."""

    comment = forms.CharField(
        label=_("Catatan untuk UPT"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
        max_length=COMMENT_MAX_LENGTH,
        help_text=_("Dikirim ke kontributor dan kepala UPT lewat e-mail."),
    )

    def clean_comment(self) -> str:
        comment = clean_multiline(self.cleaned_data["comment"])
        if not comment:
            raise ValidationError(
                _("Catatan wajib diisi."), code="required"
            )  # pragma: no cover - CharField already refuses blank input
        return comment


class ReasonForm(CommentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = _("Alasan")


class RefusalReasonField(forms.ModelChoiceField):
    """The reason type of a request for changes or a rejection (counted)."""

    def __init__(self, **kwargs):
        super().__init__(
            # Only the types editors keep active; an old event keeps its own.
            queryset=RefusalReason.objects.filter(is_active=True),
            label=_("Jenis alasan"),
            empty_label=_("— Pilih jenis alasan —"),
            help_text=_(
                "Dihitung di dasbor statistik per UPT dan kanwil; "
                "jelaskan rinciannya di catatan."
            ),
            error_messages={
                "required": _("Pilih jenis alasan."),
                "invalid_choice": _(
                    "Jenis alasan ini tidak tersedia lagi; pilih dari daftar."
                ),
            },
            **kwargs,
        )


class RequestChangesForm(CommentForm):
    """A request for changes: a reason type plus the comment for the unit."""

    reason_type = RefusalReasonField()
    field_order = ["reason_type", "comment"]


class RejectForm(ReasonForm):
    """A rejection: a reason type plus the reason spelled out for the unit."""

    reason_type = RefusalReasonField()
    field_order = ["reason_type", "comment"]


class PhotoTextForm(forms.ModelForm):
    """An editor's correction of a photo's caption, alt text and credit."""

    class Meta:
        model = Photo
        fields = ("caption", "alt_text", "credit")
        widgets = {
            "caption": forms.TextInput(attrs={"size": 60}),
            "alt_text": forms.TextInput(attrs={"size": 60}),
            "credit": forms.TextInput(attrs={"size": 40}),
        }

    def clean_caption(self) -> str:
        return clean_single_line(self.cleaned_data["caption"])

    def clean_alt_text(self) -> str:
        return clean_single_line(self.cleaned_data["alt_text"])

    def clean_credit(self) -> str:
        return clean_single_line(self.cleaned_data["credit"])


class RecommendationForm(forms.Form):
    """A regional reviewer's advice to the editors; the comment is required."""

    recommendation = forms.ChoiceField(
        label=_("Rekomendasi"),
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Catatan untuk redaksi"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
        max_length=COMMENT_MAX_LENGTH,
        help_text=_("Jelaskan alasan rekomendasi Anda. Redaksi yang memutuskan."),
    )

    def clean_comment(self) -> str:
        return clean_multiline(self.cleaned_data["comment"])
