import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from news.models import Category
from news.search import SearchFilters
from units.models import Region, Unit

QUERY_MAX_LENGTH = 200
# The dates a search can ask for. Beyond them the search's day arithmetic
# would leave what dates can hold (9999-12-31 plus one day is an error):
# such a date is reported and left out like any other bad one.
DATE_RANGE = (datetime.date(1900, 1, 1), datetime.date(2999, 12, 31))


class SlugChoiceField(forms.ModelChoiceField):
    """A choice given by slug in the URL, with a message that names it."""

    def __init__(self, queryset, *, label, invalid_message):
        super().__init__(
            queryset,
            to_field_name="slug",
            required=False,
            label=label,
            error_messages={"invalid_choice": invalid_message},
        )


class SearchForm(forms.Form):
    """The search page's GET parameters; each bad one gets its own message.

    The page never fails on a parameter: a bad one is reported and left out,
    the rest of the search still runs (public.views.search).
    """

    q = forms.CharField(
        label=_("Kata kunci"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        error_messages={
            "max_length": _("Kata kunci terlalu panjang (paling banyak 200 karakter).")
        },
    )
    kanwil = SlugChoiceField(
        Region.objects.all(),
        label=_("Kanwil"),
        invalid_message=_("Kanwil yang dipilih tidak dikenal."),
    )
    upt = SlugChoiceField(
        Unit.objects.all(),
        label=_("UPT"),
        invalid_message=_("UPT yang dipilih tidak dikenal."),
    )
    kategori = SlugChoiceField(
        Category.objects.all(),
        label=_("Kategori"),
        invalid_message=_("Kategori yang dipilih tidak dikenal."),
    )
    dari = forms.DateField(
        label=_("Dari tanggal"),
        required=False,
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
        error_messages={
            "invalid": _("Tanggal awal tidak dikenali; tulis seperti 2024-09-24.")
        },
    )
    sampai = forms.DateField(
        label=_("Sampai tanggal"),
        required=False,
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
        error_messages={
            "invalid": _("Tanggal akhir tidak dikenali; tulis seperti 2024-09-24.")
        },
    )

    def _date_in_range(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not DATE_RANGE[0] <= value <= DATE_RANGE[1]:
            raise ValidationError(
                _("Tanggal %(date)s di luar rentang pencarian (tahun 1900-2999)."),
                code="out_of_range",
                params={"date": value.isoformat()},
            )
        return value

    def clean_dari(self):
        return self._date_in_range("dari")

    def clean_sampai(self):
        return self._date_in_range("sampai")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("dari"), cleaned.get("sampai")
        if start and end and start > end:
            del cleaned["dari"], cleaned["sampai"]
            raise ValidationError(
                _(
                    "Tanggal awal jatuh sesudah tanggal akhir; "
                    "rentang tanggal diabaikan."
                )
            )
        return cleaned

    def search_query(self) -> str:
        return self.cleaned_data.get("q") or ""

    def search_filters(self) -> SearchFilters:
        """The valid filters only (call after is_valid())."""
        data = self.cleaned_data
        return SearchFilters(
            unit=data.get("upt"),
            region=data.get("kanwil"),
            category=data.get("kategori"),
            date_from=data.get("dari"),
            date_to=data.get("sampai"),
        )

    def problems(self) -> list[str]:
        return [message for errors in self.errors.values() for message in errors]
