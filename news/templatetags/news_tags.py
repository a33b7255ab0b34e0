"""Template helpers for news pages: Indonesian long dates and photo sources."""

import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import dateformat, timezone

from units.models import TimeZone

register = template.Library()

# The public site shows WIB unless a page says otherwise (see DOMAIN.md).
PUBLIC_TIME_ZONE = TimeZone.WIB
ZONE_ABBREVIATIONS = {
    TimeZone.WIB.value: "WIB",
    TimeZone.WITA.value: "WITA",
    TimeZone.WIT.value: "WIT",
}


def _local(value, zone: str):
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        return timezone.localtime(value, ZoneInfo(zone))
    return value


@register.filter
def tanggal_panjang(value, zone: str = PUBLIC_TIME_ZONE):
    """'Selasa, 24 September 2024': day and month names follow the language."""
    if not value:
        return ""
    return dateformat.format(_local(value, zone), "l, j F Y")


@register.filter
def waktu_lengkap(value, zone: str = PUBLIC_TIME_ZONE):
    """'Selasa, 24 September 2024 14.30 WIB' for a moment in time."""
    if not value:
        return ""
    if not isinstance(value, datetime.datetime):
        return tanggal_panjang(value, zone)
    local = _local(value, zone)
    return "%s %s %s" % (
        dateformat.format(local, "l, j F Y"),
        local.strftime("%H.%M"),
        ZONE_ABBREVIATIONS.get(zone, zone),
    )


@register.filter
def iso_waktu(value):
    """A machine-readable datetime for <time datetime="...">."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        return _local(value, PUBLIC_TIME_ZONE).isoformat(timespec="minutes")
    return value.isoformat()


def _renditions(photo, fmt: str) -> list:
    # Uses the prefetched renditions: no query per photo.
    return [r for r in photo.renditions.all() if r.format == fmt and r.file]


@register.filter
def srcset(photo, fmt: str = "jpeg") -> str:
    """'a.webp 320w, b.webp 640w' from a photo's renditions in one format."""
    return ", ".join("%s %dw" % (r.file.url, r.width) for r in _renditions(photo, fmt))


@register.filter
def photo_src(photo, max_width: int = 1024) -> str:
    """The JPEG rendition closest below `max_width`, else the clean image."""
    fitting = [r for r in _renditions(photo, "jpeg") if r.width <= int(max_width)]
    if fitting:
        return fitting[-1].file.url
    return photo.image.url if photo.image else ""


@register.filter
def photos_of_kind(post, kind: str) -> list:
    """A post's prefetched photos of one kind ("cover", "gallery")."""
    return [photo for photo in post.photos.all() if photo.kind == kind]
