"""Photos in the newsroom: on the decision page, CKEditor's inline images of a
post, and the photo list where editors look and may remove."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from news import selectors, services
from news.admin.common import messages_of
from news.admin.forms import PhotoTextForm
from news.models import Photo
from news.services import rights
from news.services.photos import photo_update
from news.uploads import inline_image_upload


class PostPhotoViewsMixin:
    """The post's photos on the decision page, and CKEditor's inline images."""

    # --- Photos on the decision page ----------------------------------------------

    def _get_photo_or_404(self, request, object_id, photo_id):
        post = self._get_post_or_404(request, object_id)
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        photo = selectors.photo_get_for_post(post=post, photo_id=photo_id)
        if photo is None:
            raise Http404(_("Foto tidak ditemukan."))
        return post, photo

    def photo_view(self, request, object_id, photo_id):
        """Correct a photo's caption, alt text and credit (services.photo_update)."""
        post, photo = self._get_photo_or_404(request, object_id, photo_id)
        change_url = reverse("admin:news_post_change", args=[post.pk])
        if request.method == "POST":
            form = PhotoTextForm(request.POST, instance=Photo.objects.get(pk=photo.pk))
            if form.is_valid():
                try:
                    changed = photo_update(
                        photo=photo,
                        actor=request.user,
                        caption=form.cleaned_data["caption"],
                        alt_text=form.cleaned_data["alt_text"],
                        credit=form.cleaned_data["credit"],
                    )
                except ValidationError as exc:
                    if not self._add_field_errors(form, exc):
                        self.message_user(request, messages_of(exc), messages.ERROR)
                        return HttpResponseRedirect(change_url)
                else:
                    self.message_user(
                        request,
                        _("Keterangan foto disimpan.")
                        if changed
                        else _("Tidak ada yang berubah."),
                        messages.SUCCESS if changed else messages.INFO,
                    )
                    return HttpResponseRedirect(change_url + "#foto-berita")
        else:
            form = PhotoTextForm(instance=photo)
        context = self._page_context(
            request,
            post,
            title=_("Ubah keterangan foto"),
            photo=photo,
            form=form,
            media=self.media + form.media,
        )
        return TemplateResponse(request, "admin/news/post/photo_edit.html", context)

    def photo_delete_view(self, request, object_id, photo_id):
        """Remove a photo after confirmation (news.services.photo_delete)."""
        post, photo = self._get_photo_or_404(request, object_id, photo_id)
        change_url = reverse("admin:news_post_change", args=[post.pk])
        if request.method == "POST":
            try:
                services.photo_delete(photo=photo, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, messages_of(exc), messages.ERROR)
            else:
                self.message_user(request, _("Foto dihapus."), messages.SUCCESS)
            return HttpResponseRedirect(change_url + "#foto-berita")
        context = self._page_context(
            request,
            post,
            title=_("Hapus foto?"),
            photo=photo,
            thumbnail=thumbnail_url(photo),
        )
        return TemplateResponse(request, "admin/news/post/photo_delete.html", context)

    # --- Inline images ---------------------------------------------------------------

    def upload_image_view(self, request, object_id):
        """CKEditor's upload endpoint on the change page: an inline photo of the post.

        Whoever may change the post (an editor) may add images to its text, in
        any status; the photo belongs to the post's unit. admin_view has
        checked the login and the CSRF token (sent by editor.js as a header).
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = self._get_post_or_404(request, object_id)
        if not self.has_change_permission(request, post):
            message = _("Anda tidak berwenang mengubah berita ini.")
            return JsonResponse({"error": {"message": str(message)}}, status=403)
        return inline_image_upload(request, unit=post.unit, post=post)


def thumbnail_url(photo: Photo) -> str:
    """A small rendition for the decision page's tiles, else the clean copy."""
    small = [r for r in photo.renditions.all() if r.file and 200 <= r.width <= 800]
    if small:
        return min(small, key=lambda r: (r.format != "webp", r.width)).file.url
    return photo.image.url if photo.image else ""


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """Photos are uploaded with their post; here editors look and may remove."""

    list_display = ("thumbnail", "alt_text", "unit", "post", "kind", "status")
    list_filter = ("kind", "status")
    list_select_related = ("unit", "post")
    search_fields = ("alt_text", "caption", "unit__name", "post__title")
    fields = (
        "thumbnail",
        "unit",
        "post",
        "kind",
        "caption",
        "alt_text",
        "credit",
        "width",
        "height",
        "status",
        "uploaded_by",
        "created_at",
    )
    readonly_fields = fields
    actions = ("remove_photos",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_remove_permission(self, request):
        return rights.can_remove_photos_in_newsroom(request.user)

    @admin.display(description=_("foto"))
    def thumbnail(self, obj):
        if not obj.image:
            return "-"
        return format_html(
            '<img src="{}" alt="{}" style="max-height:80px;max-width:120px">',
            obj.image.url,
            obj.alt_text,
        )

    @admin.action(description=_("Hapus foto terpilih"), permissions=["remove"])
    def remove_photos(self, request, queryset):
        removed = 0
        for photo in queryset:
            try:
                services.photo_delete(photo=photo, actor=request.user)
                removed += 1
            except ValidationError as exc:
                self.message_user(request, messages_of(exc), messages.ERROR)
        if removed:
            self.message_user(
                request, _("%d foto dihapus.") % removed, messages.SUCCESS
            )
