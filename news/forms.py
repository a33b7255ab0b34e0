"""Contributor forms: they validate input and hold no business rules.

The views hand `cleaned_data` to news.services, which sanitise the body and
decide every status move.
"""

from django import forms
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from news.models import Category, Programme
from news.widgets import CKEditor5Widget

MAX_TAGS = 10
TAG_MAX_LENGTH = 60

ALT_TEXT_HELP = _(
    "Wajib diisi. Teks ini dibacakan untuk pembaca tunanetra dan tampil bila "
    "foto gagal dimuat. Gambarkan isi foto, misalnya: Warga binaan mengikuti "
    "pelatihan menjahit di bengkel kerja Lapas."
)


# The portal speaks Indonesian first: these replace Django's built-in messages,
# which would follow the browser's language (often English) and mix languages.
ERROR_MESSAGES = {
    "required": _("Bagian ini wajib diisi."),
    "max_length": _(
        "Paling banyak %(limit_value)d karakter (sekarang %(show_value)d)."
    ),
    "invalid_choice": _("Pilihan ini tidak tersedia; pilih dari daftar."),
    "empty": _("Berkas yang dikirim kosong."),
    "missing": _("Tidak ada berkas yang dikirim."),
    "contradiction": _("Pilih berkas baru atau centang hapus, jangan keduanya."),
}
FIELD_ERROR_MESSAGES = {
    forms.DateField: {
        "invalid": _("Masukkan tanggal yang benar, misalnya 24-09-2024.")
    },
    forms.FileField: {"invalid": _("Yang dikirim bukan berkas; pilih berkas foto.")},
}


class IndonesianErrorsMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            messages = {**ERROR_MESSAGES}
            for field_class, extra in FIELD_ERROR_MESSAGES.items():
                if isinstance(field, field_class):
                    messages.update(extra)
            # Validators' codes (max_length) count too: Field.run_validators
            # looks them up here.
            field.error_messages.update(messages)


def split_tags(value: str) -> list[str]:
    """'pembinaan, Kemandirian ,pembinaan' -> ['pembinaan', 'Kemandirian']."""
    names, seen = [], set()
    for raw in value.split(","):
        name = " ".join(raw.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


class PostForm(IndonesianErrorsMixin, forms.Form):
    title = forms.CharField(
        label=_("Judul berita"),
        max_length=200,
        help_text=_("Singkat dan jelas, paling banyak 200 karakter."),
    )
    lead = forms.CharField(
        label=_("Ringkasan"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Satu atau dua kalimat yang tampil di daftar berita dan di bawah "
            "judul (paling banyak 500 karakter)."
        ),
    )
    body = forms.CharField(
        label=_("Isi berita"),
        widget=CKEditor5Widget(),
        help_text=_(
            "Tulis beritanya lengkap: apa, siapa, kapan, di mana, mengapa dan "
            "bagaimana. Gunakan subjudul dan daftar bila perlu. Setelah "
            "menyisipkan gambar, klik gambarnya lalu ubah teks alternatifnya "
            "agar isinya tergambarkan bagi pembaca tunanetra."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.all(),
        empty_label=_("— Pilih kategori —"),
    )
    tags = forms.CharField(
        label=_("Tag"),
        required=False,
        max_length=600,
        help_text=_(
            "Pisahkan dengan koma, misalnya: pembinaan, kemandirian, "
            "HumasBergerakBersama."
        ),
    )
    programme = forms.ChoiceField(
        label=_("Program"),
        choices=Programme.choices,
        required=False,
        help_text=_(
            'Pilih program "Apa Kabar Pemasyarakatan" bila berita ini dikirim '
            "untuk program tersebut."
        ),
    )
    event_date = forms.DateField(
        label=_("Tanggal kegiatan"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Tanggal kegiatan berlangsung, bila berbeda dari tanggal terbit."),
    )
    location = forms.CharField(
        label=_("Lokasi kegiatan"),
        max_length=200,
        required=False,
        help_text=_("Misalnya: Aula Lapas Kelas IIA Salemba, Jakarta Pusat."),
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        # An editor left empty still sends markup such as <p>&nbsp;</p>.
        text = strip_tags(body).replace("&nbsp;", " ").replace("\xa0", " ")
        if not text.strip() and "<img" not in body and "<table" not in body:
            raise forms.ValidationError(_("Isi berita wajib diisi."), code="required")
        return body

    def clean_tags(self) -> list[str]:
        names = split_tags(self.cleaned_data["tags"])
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(
                _("Paling banyak %(max)d tag."), params={"max": MAX_TAGS}
            )
        for name in names:
            if len(name) > TAG_MAX_LENGTH:
                raise forms.ValidationError(
                    _('Tag "%(name)s" terlalu panjang (paling banyak %(max)d huruf).'),
                    params={"name": name, "max": TAG_MAX_LENGTH},
                )
            if not slugify(name):
                raise forms.ValidationError(
                    _('Tag "%(name)s" harus memuat huruf atau angka.'),
                    params={"name": name},
                )
        return names

    @classmethod
    def initial_for(cls, post) -> dict:
        """The form's initial data from a saved post (tags as comma-separated text)."""
        return {
            "title": post.title,
            "lead": post.lead,
            "body": post.body,
            "category": post.category_id,
            "tags": ", ".join(tag.name for tag in post.tags.all()),
            "programme": post.programme,
            "event_date": post.event_date,
            "location": post.location,
        }


class PhotoForm(IndonesianErrorsMixin, forms.Form):
    """One photo: the file is checked by content in news.services.photo_upload."""

    file = forms.FileField(
        label=_("Berkas foto"),
        help_text=_("JPEG, PNG, WebP atau HEIC dari ponsel, paling besar 20 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif"}
        ),
    )
    alt_text = forms.CharField(
        label=_("Teks alternatif"), max_length=250, help_text=ALT_TEXT_HELP
    )
    caption = forms.CharField(
        label=_("Keterangan foto"),
        max_length=300,
        required=False,
        help_text=_("Tampil di bawah foto: siapa, sedang apa, di mana."),
    )
    credit = forms.CharField(
        label=_("Kredit foto"),
        max_length=120,
        required=False,
        help_text=_("Nama fotografer atau sumber, misalnya: Humas Lapas Salemba."),
    )


class OptionalPhotoForm(PhotoForm):
    """A photo slot inside the post form: empty is fine, half-filled is not.

    `staged` carries the signed reference to a photo this slot already
    uploaded in a failed try (news.services.staging.photo_stage); the view
    checks it through the service and sets it again when it re-renders.
    """

    staged = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.staged_photo = None

    def clean(self):
        cleaned = super().clean()
        has_file = bool(cleaned.get("file")) or bool(cleaned.get("staged"))
        if has_file and not cleaned.get("alt_text"):
            self.add_error(
                "alt_text",
                forms.ValidationError(
                    _("Teks alternatif wajib diisi untuk setiap foto."),
                    code="required",
                ),
            )
        elif not has_file and any(
            cleaned.get(name) for name in ("alt_text", "caption", "credit")
        ):
            self.add_error(
                "file",
                forms.ValidationError(
                    _("Pilih berkas foto, atau kosongkan keterangannya."),
                    code="required",
                ),
            )
        return cleaned

    @property
    def has_photo(self) -> bool:
        return self.is_valid() and self.staged_photo is not None


class CoverPhotoForm(OptionalPhotoForm):
    """The post form's cover slot: replacing an existing cover is confirmed."""

    replace_cover = forms.BooleanField(
        label=_("Ganti foto utama yang lama dengan foto ini"),
        required=False,
        help_text=_("Foto utama yang lama akan dihapus saat berita disimpan."),
    )


class PhotoTextForm(IndonesianErrorsMixin, forms.Form):
    """Caption, alt text and credit of a photo already uploaded."""

    alt_text = PhotoForm.base_fields["alt_text"]
    caption = PhotoForm.base_fields["caption"]
    credit = PhotoForm.base_fields["credit"]


GalleryFormSet = forms.formset_factory(
    OptionalPhotoForm, extra=3, max_num=10, absolute_max=10
)
