"""Contributor pages for a post's photos, and CKEditor's image upload."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from news import selectors, services
from news.forms import (
    OptionalPhotoForm,
    PhotoTextForm,
)
from news.models import PhotoKind, PhotoStatus
from news.services import rights
from news.services.photos import raw_storage, raw_upload_name
from news.uploads import inline_image_upload, upload_error
from news.views.common import (
    LOCKED_MESSAGE,
    add_service_errors,
    unit_staff_required,
)
from news.views.posts import photo_attachments, stage_photos


def _photos_page(request, post, form, *, status=200):
    photos = list(selectors.photo_list_for_post(post=post))
    for photo in photos:
        # A raw upload still waiting for the worker has no image to show yet.
        photo.waiting = photo.status == PhotoStatus.PENDING and raw_storage().exists(
            raw_upload_name(photo)
        )
    return render(
        request,
        "news/post_photos.html",
        {
            "post": post,
            "photos": photos,
            "form": form,
            "editable": post.is_editable_by_unit,
            "kind_choices": [
                (PhotoKind.GALLERY, PhotoKind.GALLERY.label),
                (PhotoKind.COVER, PhotoKind.COVER.label),
            ],
        },
        status=status,
    )


@unit_staff_required
def post_photos(request, pk: int):
    """A post's cover and gallery: add one photo at a time, edit or remove one.

    A new cover where one exists is staged first and confirmed on its own
    page (which carries the staged photo's signed reference): nothing is
    replaced by a single click.
    """
    post = selectors.post_get_for_unit_page(unit=request.user.unit, pk=pk)
    if request.method != "POST":
        return _photos_page(request, post, OptionalPhotoForm(prefix="foto"))
    if not post.is_editable_by_unit:
        messages.warning(request, LOCKED_MESSAGE)
        return redirect("news:post", pk=post.pk)
    form = OptionalPhotoForm(request.POST.copy(), request.FILES, prefix="foto")
    kind = (
        PhotoKind.COVER
        if request.POST.get("jenis") == PhotoKind.COVER
        else PhotoKind.GALLERY
    )
    accepted = stage_photos(request, unit=post.unit, slots=[(form, kind)])
    if accepted and form.is_valid() and form.staged_photo is None:
        form.add_error("file", _("Pilih berkas foto yang akan diunggah."))
    if not (accepted and form.is_valid()):
        limited = getattr(request, "upload_limited", False)
        if limited:
            messages.error(
                request,
                _(
                    "Foto belum tersimpan: batas unggahan tercapai. Keterangannya "
                    "ada di kolom berkas foto."
                ),
            )
        else:
            messages.error(
                request, _("Foto belum tersimpan. Periksa isian yang ditandai.")
            )
        return _photos_page(request, post, form, status=429 if limited else 200)
    has_cover = any(p.kind == PhotoKind.COVER for p in post.photos.all())
    confirmed = request.POST.get("ganti_sampul") == "1"
    if kind == PhotoKind.COVER and has_cover and not confirmed:
        return render(
            request,
            "news/photo_cover_confirm.html",
            {
                "post": post,
                "form": form,
                "old": next(p for p in post.photos.all() if p.kind == PhotoKind.COVER),
                "new": form.staged_photo,
            },
        )
    try:
        services.post_photos_attach(
            post=post,
            actor=request.user,
            photos=photo_attachments([(form, kind)], form, replace_cover=confirmed),
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _photos_page(request, post, form)
    messages.success(request, _("Foto diunggah dan sedang diproses untuk ditampilkan."))
    return redirect("news:photos", pk=post.pk)


def _editable_photo(request, pk: int, photo_pk: int):
    """The unit's post and one of its photos, or None when the text is locked."""
    post = selectors.post_get_for_unit_page(unit=request.user.unit, pk=pk)
    photo = get_object_or_404(selectors.photo_list_for_post(post=post), pk=photo_pk)
    return post, photo


@unit_staff_required
def photo_edit(request, pk: int, photo_pk: int):
    """Change a photo's caption, alt text and credit (news.services.photo_update)."""
    post, photo = _editable_photo(request, pk, photo_pk)
    if not post.is_editable_by_unit:
        messages.warning(request, LOCKED_MESSAGE)
        return redirect("news:photos", pk=post.pk)
    initial = {name: getattr(photo, name) for name in ("alt_text", "caption", "credit")}
    form = PhotoTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.photo_update(
                photo=photo, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if changed:
                messages.success(request, _("Keterangan foto tersimpan."))
            else:
                messages.info(request, _("Tidak ada yang diubah."))
            return redirect("news:photos", pk=post.pk)
    return render(
        request, "news/photo_edit.html", {"post": post, "photo": photo, "form": form}
    )


@unit_staff_required
def photo_remove(request, pk: int, photo_pk: int):
    """Remove a photo: GET asks for confirmation, POST removes it."""
    post, photo = _editable_photo(request, pk, photo_pk)
    if not post.is_editable_by_unit:
        messages.warning(request, LOCKED_MESSAGE)
        return redirect("news:post", pk=post.pk)
    if request.method != "POST":
        return render(
            request, "news/photo_remove_confirm.html", {"post": post, "photo": photo}
        )
    try:
        services.photo_delete(photo=photo, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Foto dihapus."))
    return redirect("news:photos", pk=post.pk)


@require_POST
def upload_image(request):
    """CKEditor's SimpleUploadAdapter endpoint for unit staff."""
    user = request.user
    if not rights.can_use_contributor_area(user):
        return upload_error(_("Silakan masuk sebagai humas UPT."), 403)
    return inline_image_upload(request, unit=user.unit)
