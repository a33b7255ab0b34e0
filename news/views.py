"""News views: thin, they read through selectors and write through services.

Contributor views are for unit staff only and load every post through
`selectors.post_get_for_unit`, so another unit's post is a 404 everywhere.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from news import selectors, services
from news.forms import GalleryFormSet, OptionalPhotoForm, PhotoForm, PostForm
from news.models import Category, PhotoKind, Post, PostStatus, Tag
from portal.views import too_many_requests
from units.models import Role, Unit

PAGE_SIZE = 12
DASHBOARD_PAGE_SIZE = 25

LOCKED_MESSAGE = _(
    "Berita ini sedang ditinjau dan tidak dapat diubah. Anda dapat mengubahnya "
    "lagi bila redaksi meminta perbaikan, atau batalkan pengirimannya dulu."
)
RATE_LIMITED_MESSAGE = _(
    "UPT Anda sudah mengirim terlalu banyak berita dalam satu jam terakhir. "
    "Berita ini belum dikirim dan tetap tersimpan sebagai draf; coba kirim lagi "
    "nanti."
)
PHOTO_REJECTED_MESSAGE = _(
    "Ada foto yang tidak dapat diterima, jadi belum ada yang disimpan. Tulisan "
    "Anda masih ada di bawah: perbaiki foto yang ditandai, pilih ulang berkas "
    "fotonya, lalu simpan lagi."
)
INLINE_ALT_TEXT = _("Gambar dalam berita")


def unit_staff_required(view):
    """Login, then unit staff only; editors are sent to the newsroom."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_unit_staff:
            if request.user.is_staff and request.method == "GET":
                return redirect("admin:index")
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _paginate(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("halaman"))


def _add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's refusal next to the matching field, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class _PhotoRejected(Exception):
    """A photo failed the content checks; the form shows why."""


def _upload_photos(*, post, actor, cover_form, gallery, stored: list) -> None:
    """Store the photos of a post form; on the first refusal mark it and stop.

    Each stored photo is appended to `stored`, so that the caller can remove
    their files when the transaction is rolled back.
    """
    slots = [(cover_form, PhotoKind.COVER)]
    slots += [(form, PhotoKind.GALLERY) for form in gallery.forms]
    for form, kind in slots:
        if not form.has_photo:
            continue
        data = form.cleaned_data
        if kind == PhotoKind.COVER:
            for old in [p for p in post.photos.all() if p.kind == PhotoKind.COVER]:
                services.photo_delete(photo=old, actor=actor)
        try:
            photo = services.photo_upload(
                unit=post.unit,
                actor=actor,
                file=data["file"],
                kind=kind,
                caption=data["caption"],
                alt_text=data["alt_text"],
                credit=data["credit"],
                post=post,
            )
            stored.append(photo)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
            raise _PhotoRejected from exc


def _post_form_page(request, *, post=None):
    """Create or edit: the post's text plus a cover and gallery photos."""
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    initial = PostForm.initial_for(post) if post else None
    form = PostForm(data, initial=initial)
    cover_form = OptionalPhotoForm(data, files, prefix="sampul")
    gallery = GalleryFormSet(data, files, prefix="galeri")
    creating = post is None
    if request.method == "POST":
        valid = [form.is_valid(), cover_form.is_valid(), gallery.is_valid()]
        if all(valid):
            stored = []
            try:
                with transaction.atomic():
                    if post is None:
                        post = services.post_create(
                            author=request.user, **form.cleaned_data
                        )
                    else:
                        services.post_update(
                            post=post, actor=request.user, **form.cleaned_data
                        )
                    _upload_photos(
                        post=post,
                        actor=request.user,
                        cover_form=cover_form,
                        gallery=gallery,
                        stored=stored,
                    )
            except _PhotoRejected:
                # Everything was rolled back: a new post does not exist yet,
                # and the photos stored before the refused one have no rows.
                services.photo_files_discard(photos=stored)
                post = None if creating else post
                messages.error(request, PHOTO_REJECTED_MESSAGE)
            except ValidationError as exc:
                post = None if creating else post
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Draf berita tersimpan."))
                return redirect("news:post", pk=post.pk)
        else:
            messages.error(
                request,
                _("Berita belum tersimpan. Periksa isian yang ditandai merah."),
            )
    return render(
        request,
        "news/post_form.html",
        {
            "form": form,
            "cover_form": cover_form,
            "gallery": gallery,
            "post": post,
            "photos": selectors.photo_list_for_post(post=post) if post else [],
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
    page = _paginate(
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
            "waiting_for_head": (
                counts[PostStatus.HEAD_REVIEW] if request.user.role == Role.HEAD else 0
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
    return render(
        request,
        "news/post_detail.html",
        {
            "post": post,
            "events": selectors.post_events_for_post(post=post),
            "photos": selectors.photo_list_for_post(post=post),
            "actions": services.post_available_actions(post=post, actor=request.user),
            "error": error,
        },
        status=status,
    )


@require_safe
@unit_staff_required
def post_detail(request, pk: int):
    post = selectors.post_get_for_unit_page(unit=request.user.unit, pk=pk)
    return _post_page(request, post)


@require_safe
@unit_staff_required
def post_preview(request, pk: int):
    post = selectors.post_get_for_unit(unit=request.user.unit, pk=pk)
    return render(
        request,
        "news/article.html",
        {"post": selectors.post_with_article_data(post=post), "preview": True},
    )


@require_POST
@unit_staff_required
def post_submit(request, pk: int):
    post = selectors.post_get_for_unit(unit=request.user.unit, pk=pk)
    try:
        services.post_submit(post=post, actor=request.user)
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
    if request.user.role != Role.HEAD:
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


@unit_staff_required
def post_photos(request, pk: int):
    """A post's cover and gallery: add one photo at a time, or remove one."""
    post = selectors.post_get_for_unit_page(unit=request.user.unit, pk=pk)
    editable = post.is_editable_by_unit
    form = PhotoForm(prefix="foto")
    if request.method == "POST":
        if not editable:
            messages.warning(request, LOCKED_MESSAGE)
            return redirect("news:post", pk=post.pk)
        form = PhotoForm(request.POST, request.FILES, prefix="foto")
        kind = (
            PhotoKind.COVER
            if request.POST.get("jenis") == PhotoKind.COVER
            else PhotoKind.GALLERY
        )
        if form.is_valid():
            try:
                with transaction.atomic():
                    if kind == PhotoKind.COVER:
                        for old in [p for p in post.photos.all() if p.kind == kind]:
                            services.photo_delete(photo=old, actor=request.user)
                    services.photo_upload(
                        unit=post.unit,
                        actor=request.user,
                        post=post,
                        kind=kind,
                        **form.cleaned_data,
                    )
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                messages.success(
                    request, _("Foto diunggah dan sedang diproses untuk ditampilkan.")
                )
                return redirect("news:photos", pk=post.pk)
        messages.error(request, _("Foto belum tersimpan. Periksa isian yang ditandai."))
    return render(
        request,
        "news/post_photos.html",
        {
            "post": post,
            "photos": selectors.photo_list_for_post(post=post),
            "form": form,
            "editable": editable,
            "kind_choices": [
                (PhotoKind.GALLERY, PhotoKind.GALLERY.label),
                (PhotoKind.COVER, PhotoKind.COVER.label),
            ],
        },
    )


@require_POST
@unit_staff_required
def photo_remove(request, pk: int, photo_pk: int):
    post = selectors.post_get_for_unit(unit=request.user.unit, pk=pk)
    photo = get_object_or_404(post.photos, pk=photo_pk)
    if not post.is_editable_by_unit:
        messages.warning(request, LOCKED_MESSAGE)
        return redirect("news:post", pk=post.pk)
    try:
        services.photo_delete(photo=photo, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Foto dihapus."))
    return redirect("news:photos", pk=post.pk)


def _upload_error(message, status: int) -> JsonResponse:
    return JsonResponse({"error": {"message": str(message)}}, status=status)


def inline_image_upload(request, *, unit: Unit, post: Post | None = None):
    """Store CKEditor's upload as an inline photo; JSON in CKEditor's shape.

    Shared by the contributors' endpoint below and the newsroom's (admin)
    one; news.services.photo_upload decides who may add a photo where.
    """
    upload = request.FILES.get("upload")
    if upload is None:
        return _upload_error(_("Tidak ada berkas gambar yang dikirim."), 400)
    try:
        photo = services.photo_upload(
            unit=unit,
            actor=request.user,
            file=upload,
            kind=PhotoKind.INLINE,
            alt_text=str(INLINE_ALT_TEXT),
            post=post,
        )
    except ValidationError as exc:
        return _upload_error(" ".join(exc.messages), 400)
    # Extra keys reach CKEditor's uploadComplete: editor.js sets the alt text.
    return JsonResponse({"url": photo.image.url, "alt": photo.alt_text})


@require_POST
def upload_image(request):
    """CKEditor's SimpleUploadAdapter endpoint for unit staff."""
    user = request.user
    if not user.is_authenticated or not user.is_unit_staff:
        return _upload_error(_("Silakan masuk sebagai humas UPT."), 403)
    return inline_image_upload(request, unit=user.unit)


# --- Public site ------------------------------------------------------------------


@require_safe
def home(request):
    return render(
        request,
        "home.html",
        {
            "page": _paginate(request, selectors.post_list_published()),
            "categories": Category.objects.all(),
        },
    )


@require_safe
def article(request, slug: str):
    return render(
        request,
        "news/article.html",
        {"post": selectors.post_get_published(slug=slug), "preview": False},
    )


def _listing(request, *, heading, intro="", posts, context=None):
    return render(
        request,
        "news/post_list.html",
        {
            "heading": heading,
            "intro": intro,
            "page": _paginate(request, posts),
            **(context or {}),
        },
    )


@require_safe
def unit_posts(request, slug: str):
    unit = get_object_or_404(Unit.objects.select_related("region"), slug=slug)
    return _listing(
        request,
        heading=unit.name,
        intro=unit.profile,
        posts=selectors.post_list_published(unit=unit),
        context={"unit": unit},
    )


@require_safe
def category_posts(request, slug: str):
    category = get_object_or_404(Category, slug=slug)
    return _listing(
        request,
        heading=category.name,
        intro=category.description,
        posts=selectors.post_list_published(category=category),
        context={"category": category},
    )


@require_safe
def tag_posts(request, slug: str):
    tag = get_object_or_404(Tag, slug=slug)
    return _listing(
        request,
        heading="#%s" % tag.name,
        posts=selectors.post_list_published(tag=tag),
        context={"tag": tag},
    )
