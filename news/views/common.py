"""What every contributor page shares: unit_staff_required, paging, messages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from news.services import rights

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
    "Ada foto yang tidak dapat diterima, jadi berita belum disimpan. Tulisan "
    "Anda dan foto yang sudah diterima masih ada di bawah: ganti foto yang "
    "ditandai, lalu simpan lagi."
)
INLINE_ALT_WARNING = _(
    "Ada gambar di isi berita yang belum memiliki teks alternatif. Klik "
    "gambarnya di editor, pilih tombol “Ganti alternatif teks gambar”, lalu "
    "gambarkan isinya bagi pembaca tunanetra sebelum berita dikirim."
)


def unit_staff_required(view):
    """Login, then unit staff only; editors are sent to the newsroom."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not rights.can_use_contributor_area(request.user):
            if request.user.is_staff and request.method == "GET":
                return redirect("admin:index")
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def paginate(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("halaman"))


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's refusal next to the matching field, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
