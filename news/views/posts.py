"""Contributor pages for posts: dashboard, writing, preview and the unit's moves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from news import selectors, services
from news.forms import (
    CoverPhotoForm,
    GalleryFormSet,
    PostForm,
)
from news.models import PhotoKind, Post, PostStatus
from news.services import rights
from news.views.checks import post_form_checklist, post_saved_checklist
from news.views.common import (
    DASHBOARD_PAGE_SIZE,
    INLINE_ALT_WARNING,
    LOCKED_MESSAGE,
    PHOTO_REJECTED_MESSAGE,
    RATE_LIMITED_MESSAGE,
    add_service_errors,
    paginate,
    unit_staff_required,
)
from portal.views import too_many_requests


def stage_photos(request, *, unit, slots) -> bool:
    """Check and keep each slot's chosen photo now, so a failed form loses none.

    A new file is staged (news.services.photo_stage: checked by content, only
    a clean copy stored); a slot without one keeps the photo its signed
    reference names. Either way the re-rendered form carries the reference
    again and shows the photo. False when a photo was refused.
    """
    accepted = True
    for form, kind in slots:
        form.is_valid()
        data = form.cleaned_data
        field = form.add_prefix("staged")
        try:
            if data.get("file"):
                photo = services.photo_stage(
                    unit=unit,
                    actor=request.user,
                    file=data["file"],
                    kind=kind,
                    alt_text=data.get("alt_text", ""),
                )
            elif data.get("staged"):
                photo = services.photo_staged_get(
                    token=data["staged"], actor=request.user
                )
            else:
                continue
        except ValidationError as exc:
            form.data[field] = ""
            form.add_error("file", exc.messages)
            accepted = False
            if isinstance(exc, services.UploadRateLimited):
                # The page is shown again with its text, answered with 429.
                request.upload_limited = True
            continue
        form.staged_photo = photo
        form.data[field] = services.photo_staged_sign(photo=photo, actor=request.user)
    return accepted


def photo_attachments(slots, cover_form, *, replace_cover=None) -> list:
    replace = (
        bool(cover_form.cleaned_data.get("replace_cover"))
        if replace_cover is None
        else replace_cover
    )
    return [
        services.PhotoAttachment(
            photo=form.staged_photo,
            kind=kind,
            alt_text=form.cleaned_data.get("alt_text", ""),
            caption=form.cleaned_data.get("caption", ""),
            credit=form.cleaned_data.get("credit", ""),
            replace_cover=replace,
        )
        for form, kind in slots
        if form.staged_photo is not None
    ]


def _post_form_page(request, *, post=None):
    """Create or edit: the post's text plus a cover and gallery photos."""
    posting = request.method == "POST"
    # A mutable copy: the staged photos' references are written back into it.
    data = request.POST.copy() if posting else None
    files = request.FILES if posting else None
    initial = PostForm.initial_for(post) if post else None
    form = PostForm(data, initial=initial)
    cover_form = CoverPhotoForm(data, files, prefix="sampul")
    gallery = GalleryFormSet(data, files, prefix="galeri")
    unit = post.unit if post else request.user.unit
    if posting:
        slots = [(cover_form, PhotoKind.COVER)]
        slots += [(photo_form, PhotoKind.GALLERY) for photo_form in gallery.forms]
        photos_accepted = stage_photos(request, unit=unit, slots=slots)
        valid = [form.is_valid(), cover_form.is_valid(), gallery.is_valid()]
        if all(valid) and photos_accepted:
            try:
                saved = services.post_save_with_photos(
                    actor=request.user,
                    post=post,
                    fields=form.cleaned_data,
                    photos=photo_attachments(slots, cover_form),
                )
            except ValidationError as exc:
                if getattr(exc, "code", None) == "cover_exists":
                    cover_form.add_error("replace_cover", exc)
                else:
                    add_service_errors(form, exc)
            else:
                if saved.status == PostStatus.CHANGES_REQUESTED:
                    # Still with the unit: saving does not send it back.
                    saved_message = _(
                        "Perubahan tersimpan; kirim ulang bila sudah siap."
                    )
                else:
                    saved_message = _("Draf berita tersimpan.")
                messages.success(request, saved_message)
                if selectors.inline_images_without_alt(body=saved.body):
                    messages.warning(request, INLINE_ALT_WARNING)
                return redirect("news:post", pk=saved.pk)
        if not photos_accepted:
            messages.error(request, PHOTO_REJECTED_MESSAGE)
        else:
            messages.error(
                request,
                _("Berita belum tersimpan. Periksa isian yang ditandai merah."),
            )
    photos = selectors.photo_list_for_post(post=post) if post else []
    checklist = post_form_checklist(
        unit=unit, post=post, form=form, slots=[cover_form, *gallery.forms]
    )
    return render(
        request,
        "news/post_form.html",
        status=429 if getattr(request, "upload_limited", False) else 200,
        context={
            "form": form,
            "cover_form": cover_form,
            "gallery": gallery,
            "post": post,
            "photos": photos,
            "has_cover": any(p.kind == PhotoKind.COVER for p in photos),
            "gallery_staged": any(f.staged_photo for f in gallery.forms),
            "zone": unit.time_zone,
            "checklist": checklist,
        },
    )


# --- Contributor pages --------------------------------------------------------


@require_safe
@unit_staff_required
def dashboard(request):
    unit = request.user.unit
    status = request.GET.get("status")
    if status not in PostStatus.values:
        status = None
    counts = selectors.post_status_counts(queryset=Post.objects.for_unit(unit))
    page = paginate(
        request,
        selectors.post_list_for_unit(unit=unit, status=status),
        DASHBOARD_PAGE_SIZE,
    )
    return render(
        request,
        "news/dashboard.html",
        {
            "unit": unit,
            "page": page,
            "status": status,
            "status_counts": [
                (value, label, counts[value]) for value, label in PostStatus.choices
            ],
            "total": sum(counts.values()),
            "zone": unit.time_zone,
            "waiting_for_head": (
                counts[PostStatus.HEAD_REVIEW]
                if rights.is_unit_head(request.user)
                else 0
            ),
        },
    )


@unit_staff_required
def post_create(request):
    return _post_form_page(request)


@unit_staff_required
def post_edit(request, pk: int):
    post = selectors.post_get_for_unit_page(unit=request.user.unit, pk=pk)
    if not post.is_editable_by_unit:
        messages.warning(request, LOCKED_MESSAGE)
        return redirect("news:post", pk=post.pk)
    return _post_form_page(request, post=post)


def _post_page(request, post, *, status=200, error=None):
    actions = services.post_available_actions(post=post, actor=request.user)
    # Before sending: the content checklist (warnings never block the button).
    can_submit = "submit" in actions
    return render(
        request,
        "news/post_detail.html",
        {
            "post": post,
            "events": selectors.post_events_for_post(post=post),
            "photos": selectors.photo_list_for_post(post=post),
            "actions": actions,
            "error": error,
            "zone": post.unit.time_zone,
            "inline_without_alt": (
                selectors.inline_images_without_alt(body=post.body)
                if post.is_editable_by_unit
                else 0
            ),
            "checklist": post_saved_checklist(post=post) if can_submit else None,
        },
        status=status,
    )


@require_safe
@unit_staff_required
def post_detail(request, pk: int):
    post = selectors.post_get_for_unit_page(unit=request.user.unit, pk=pk)
    return _post_page(request, post)


@require_safe
@login_required
def post_preview(request, pk: int):
    if not rights.can_use_contributor_area(request.user):
        # Editors and regional reviewers meet this link too (pasted from the
        # unit's page or a mail): their preview is the newsroom's, which
        # checks the region itself (404 for a reviewer of another region).
        if request.user.is_staff and rights.can_use_newsroom(request.user):
            return redirect("admin:news_post_preview", pk)
        raise PermissionDenied
    post = selectors.post_get_for_unit(unit=request.user.unit, pk=pk)
    return render(
        request,
        "public/article.html",
        {"post": selectors.post_with_article_data(post=post), "preview": True},
    )


@require_POST
@unit_staff_required
def post_submit(request, pk: int):
    post = selectors.post_get_for_unit(unit=request.user.unit, pk=pk)
    try:
        services.post_submit(
            post=post, actor=request.user, note=request.POST.get("catatan_redaksi", "")
        )
    except services.SubmissionRateLimited:
        return too_many_requests(
            request,
            heading=_("Batas pengiriman per jam tercapai"),
            explanation=RATE_LIMITED_MESSAGE,
            extra={
                "back_url": reverse("news:post", args=[post.pk]),
                "back_label": _("Kembali ke berita"),
            },
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        post.refresh_from_db(fields=["status"])
        if post.status == PostStatus.HEAD_REVIEW:
            messages.success(
                request,
                _("Berita dikirim ke kepala UPT untuk disetujui sebelum ke redaksi."),
            )
        else:
            messages.success(
                request,
                _(
                    "Berita dikirim ke redaksi Ditjenpas. Anda akan diberi tahu "
                    "bila sudah diputuskan."
                ),
            )
    return redirect("news:post", pk=post.pk)


@require_POST
@unit_staff_required
def post_withdraw(request, pk: int):
    post = selectors.post_get_for_unit(unit=request.user.unit, pk=pk)
    try:
        services.post_withdraw(post=post, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Pengiriman berita dibatalkan."))
    return redirect("news:post", pk=post.pk)


def _head_only(request):
    if not rights.is_unit_head(request.user):
        raise PermissionDenied


@require_POST
@unit_staff_required
def post_head_approve(request, pk: int):
    post = selectors.post_get_for_unit(unit=request.user.unit, pk=pk)
    _head_only(request)
    try:
        services.post_head_approve(post=post, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Berita disetujui dan diteruskan ke redaksi."))
    return redirect("news:post", pk=post.pk)


@require_POST
@unit_staff_required
def post_head_return(request, pk: int):
    post = selectors.post_get_for_unit(unit=request.user.unit, pk=pk)
    _head_only(request)
    comment = request.POST.get("catatan", "").strip()
    if not comment:
        messages.error(
            request, _("Tulis catatan untuk penulis: apa yang perlu diperbaiki.")
        )
        return redirect("news:post", pk=post.pk)
    try:
        services.post_head_return(post=post, actor=request.user, comment=comment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Berita dikembalikan ke penulis untuk diperbaiki."))
    return redirect("news:post", pk=post.pk)


@require_POST
@unit_staff_required
def post_copy(request, pk: int):
    """A rejected post's text and photos as a new draft of the same unit."""
    post = selectors.post_get_for_unit(unit=request.user.unit, pk=pk)
    try:
        copy = services.post_copy_to_draft(post=post, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("news:post", pk=post.pk)
    messages.success(
        request,
        _("Salinan dibuat sebagai draf baru. Perbaiki lalu kirim lagi ke redaksi."),
    )
    return redirect("news:edit", pk=copy.pk)
