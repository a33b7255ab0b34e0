"""Blurring faces on the decision page: the editor's "Samarkan wajah" page.

A photo with faces (news.checks.faces) shows its flag and a button on the
decision page (admin/news/post/_photo_faces.html, included in the photos
section). The button opens this page: the photo with its detected faces
numbered, a checkbox per face, and rectangles the editor marks in percent of
the photo (number inputs work without JavaScript; static/js/admin_face_blur.js
lets the editor draw them on the photo instead). The blur itself is
news.services.faces.photo_faces_blur.

Wired into PostAdmin as a mixin whose get_urls adds the page's URL.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from news.admin.common import messages_of
from news.models import Photo
from news.services.faces import photo_faces_blur

# Rows of rectangle inputs shown without JavaScript; the script adds more.
EXTRA_REGIONS = 2
PERCENT = {
    "min_value": Decimal(0),
    "max_value": Decimal(100),
    "decimal_places": 2,
    "max_digits": 5,
    "required": False,
}


class FaceChoiceForm(forms.Form):
    """Which of the detected faces to blur (all of them are ticked at first)."""

    faces = forms.MultipleChoiceField(
        label=_("Wajah terdeteksi"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The clean copy the page showed: a blur by someone else meanwhile makes
    # the face numbers stale, and the service refuses.
    version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, face_count: int, version: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["version"] = version
        self.fields["faces"].choices = [
            (str(i), _("Wajah %(number)d") % {"number": i + 1})
            for i in range(face_count)
        ]
        self.initial.setdefault("faces", [str(i) for i in range(face_count)])


class RegionForm(forms.Form):
    """A rectangle to blur, in percent of the photo's width and height."""

    x = forms.DecimalField(label=_("Kiri (%)"), **PERCENT)
    y = forms.DecimalField(label=_("Atas (%)"), **PERCENT)
    w = forms.DecimalField(label=_("Lebar (%)"), **PERCENT)
    h = forms.DecimalField(label=_("Tinggi (%)"), **PERCENT)

    def clean(self):
        data = super().clean()
        values = [data.get(name) for name in ("x", "y", "w", "h")]
        if all(v is None for v in values):
            return data  # an empty row
        if any(v is None for v in values):
            raise ValidationError(
                _("Isi keempat angka area (kiri, atas, lebar, tinggi)."),
                code="incomplete",
            )
        x, y, w, h = values
        if w <= 0 or h <= 0 or x + w > 100 or y + h > 100:
            raise ValidationError(
                _(
                    "Area harus berada di dalam foto: kiri + lebar dan atas + "
                    "tinggi paling banyak 100%."
                ),
                code="outside",
            )
        return data

    def pixels(self, width: int, height: int) -> tuple[int, int, int, int] | None:
        data = self.cleaned_data
        if data.get("x") is None:
            return None
        return (
            round(data["x"] * width / 100),
            round(data["y"] * height / 100),
            round(data["w"] * width / 100),
            round(data["h"] * height / 100),
        )


RegionFormSet = forms.formset_factory(
    RegionForm, extra=EXTRA_REGIONS, max_num=40, validate_max=True
)


def preview_url(photo: Photo) -> str:
    """The largest rendition up to 1600 px for the page, else the clean copy."""
    fitting = [r for r in photo.renditions.all() if r.file and r.width <= 1600]
    if fitting:
        best = max(fitting, key=lambda r: (r.width, r.format == "webp"))
        return best.file.url
    return photo.image.url if photo.image else ""


def _percent(box, photo: Photo) -> dict:
    """A box as CSS percentages of the photo (the overlay scales with it)."""
    x, y, w, h = box
    width, height = photo.width or 1, photo.height or 1
    return {
        "left": "%.3f" % (100 * x / width),
        "top": "%.3f" % (100 * y / height),
        "width": "%.3f" % (100 * w / width),
        "height": "%.3f" % (100 * h / height),
    }


class PostFaceViewsMixin:
    """The blur page of a post's photo (editors only: has_change_permission)."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/foto/<int:photo_id>/samarkan/",
                wrap(self.photo_blur_view),
                name="news_post_photo_blur",
            ),
            *super().get_urls(),
        ]

    def photo_blur_view(self, request, object_id, photo_id):
        # 404 for who cannot see the post, 403 for who cannot change it.
        post, photo = self._get_photo_or_404(request, object_id, photo_id)
        change_url = reverse("admin:news_post_change", args=[post.pk])
        faces = photo.faces or []
        data = request.POST if request.method == "POST" else None
        choice = FaceChoiceForm(data, face_count=len(faces), version=photo.image.name)
        regions = RegionFormSet(data, prefix="area")
        error = ""
        if data is not None and choice.is_valid() and regions.is_valid():
            drawn = [
                box
                for form in regions
                if (box := form.pixels(photo.width, photo.height)) is not None
            ]
            try:
                photo_faces_blur(
                    photo=photo,
                    actor=request.user,
                    faces=[int(i) for i in choice.cleaned_data["faces"]],
                    regions=drawn,
                    version=choice.cleaned_data["version"],
                )
            except ValidationError as exc:
                error = messages_of(exc)
            else:
                self.message_user(
                    request,
                    _(
                        "Wajah disamarkan. Foto asli sudah dihapus, versi "
                        "tampilan baru sedang dibuat, dan unit diberi tahu."
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url + "#foto-berita")
        photo = Photo.objects.prefetch_related("renditions").get(pk=photo.pk)
        context = self._page_context(
            request,
            post,
            title=_("Samarkan wajah"),
            photo=photo,
            faces=[
                {"number": i + 1, "value": str(i), **_percent(box, photo)}
                for i, box in enumerate(faces)
            ],
            choice=choice,
            regions=regions,
            error=error,
            preview=preview_url(photo),
        )
        return TemplateResponse(request, "admin/news/post/photo_blur.html", context)
