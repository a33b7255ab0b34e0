"""Template helpers for news pages: Indonesian long dates and <picture>."""

import datetime
import html
import re
from zoneinfo import ZoneInfo

from django import template
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe

from news.models import PostAction
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
def iso_waktu(value, zone: str = PUBLIC_TIME_ZONE):
    """A machine-readable datetime for <time datetime="...">."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        return _local(value, zone).isoformat(timespec="minutes")
    return value.isoformat()


@register.filter
def action_label(value) -> str:
    """A PostEvent action's label ("diminta perbaikan") from its stored value."""
    try:
        return PostAction(value).label
    except ValueError:
        return ""


# Slots of the public layout (static/css/site.css): the article column is at
# most 50rem, gallery tiles and list cards about 16-22rem.
SIZES_ARTICLE = "(max-width: 50rem) 100vw, 50rem"
# The <img src> for browsers without srcset: a JPEG at most this wide.
FALLBACK_MAX_WIDTH = 1024


def _renditions(photo, fmt: str) -> list:
    # The prefetched renditions, smallest first: no query per photo.
    found = [r for r in photo.renditions.all() if r.format == fmt and r.file]
    return sorted(found, key=lambda r: r.width)


def _srcset(renditions) -> str:
    return ", ".join("%s %dw" % (r.file.url, r.width) for r in renditions)


@register.inclusion_tag("news/_picture.html")
def picture(photo, sizes: str = SIZES_ARTICLE, eager: bool = False) -> dict:
    """A photo as <picture>: WebP and JPEG srcsets, width/height, alt text.

    `eager` for the photo above the fold (the article's cover): loaded at once
    with high priority; every other photo loads lazily. Until the renditions
    exist the clean, metadata-free image stands in with its own dimensions,
    and a photo with no image at all becomes a placeholder: never a broken
    image.
    """
    webp, jpeg = _renditions(photo, "webp"), _renditions(photo, "jpeg")
    src = width = height = None
    if jpeg:
        fitting = [r for r in jpeg if r.width <= FALLBACK_MAX_WIDTH] or jpeg[:1]
        main = fitting[-1]
        src, width, height = main.file.url, main.width, main.height
    elif photo.image:
        src, width, height = photo.image.url, photo.width, photo.height
    return {
        "alt": photo.alt_text,
        "src": src,
        "width": width,
        "height": height,
        "webp_srcset": _srcset(webp),
        "jpeg_srcset": _srcset(jpeg),
        "sizes": sizes,
        "eager": eager,
    }


@register.filter
def photos_of_kind(post, kind: str) -> list:
    """A post's prefetched photos of one kind ("cover", "gallery")."""
    return [photo for photo in post.photos.all() if photo.kind == kind]


# An <img> of a sanitised body (news.sanitize serialises attributes with
# double quotes that never hold a quote).
_BODY_IMG = re.compile(r'<img((?:\s+[a-z][a-z0-9-]*="[^"]*")*)\s*/?>')
_ATTRIBUTE = re.compile(r'([a-z][a-z0-9-]*)="([^"]*)"')


@register.filter
def body_pictures(post):
    """The post's (sanitised) body with each inline image as a responsive <picture>.

    Reads the post's prefetched `inline_photos` (news.selectors'
    _inline_photos_prefetch) with their renditions: no query per image. The
    alt text is the one written in the editor, else the photo's. An image
    that is not one of the post's photos is left as it is.
    """
    body = post.body
    photos = {photo.image.url: photo for photo in getattr(post, "inline_photos", [])}
    if not photos:
        return mark_safe(body)  # noqa: S308 - sanitised when it was saved

    def swap(match: re.Match) -> str:
        attrs = dict(_ATTRIBUTE.findall(match.group(1)))
        src = html.unescape(attrs.get("src", "")).split("?", 1)[0].split("#", 1)[0]
        photo = photos.get(src)
        if photo is None:
            return match.group(0)
        context = picture(photo, sizes=SIZES_ARTICLE)
        context["alt"] = html.unescape(attrs.get("alt", "")).strip() or photo.alt_text
        return render_to_string("news/_picture.html", context).strip()

    return mark_safe(_BODY_IMG.sub(swap, body))  # noqa: S308 - see above
