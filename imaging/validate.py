"""Deciding whether an upload is an acceptable still photo."""

from __future__ import annotations

import os
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from imaging import pixels
from imaging.config import (
    ACCEPTED_FORMATS,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PIXELS_JPEG,
    DEFAULT_MAX_PIXELS_OTHER,
    DEFAULT_WEB_DECODE_MAX_PIXELS,
    JPEG_FORMATS,
    setting,
)
from imaging.types import ImageInfo

_SCAN_HEAD = 256 * 1024  # metadata segments and chunks live here
_SCAN_TAIL = 1024 * 1024  # appended payloads live here

_MSG_EMPTY = _("Berkas kosong.")
_MSG_TOO_LARGE = _(
    "Ukuran berkas %(size)s melebihi batas maksimum %(max)s. "
    "Perkecil foto terlebih dahulu."
)
_MSG_UNSUPPORTED = _(
    "Berkas bukan gambar yang didukung atau rusak. Format yang diterima: "
    "JPEG, PNG, WebP, dan HEIC."
)
_MSG_TOO_MANY_PIXELS = _(
    "Resolusi gambar %(width)s x %(height)s piksel (%(megapixels)s megapiksel) "
    "melebihi batas maksimum %(max)s megapiksel."
)
_MSG_BOMB = _("Resolusi gambar terlalu besar untuk diproses dengan aman.")
_MSG_ANIMATED = _("Gambar bergerak (animasi) tidak diperbolehkan.")
# A HEIC from a phone may hold several pictures (a burst, a Live Photo's
# stills, an edited copy beside the original): that is no animation, and the
# user needs to know which picture to send.
_MSG_MULTIPLE_IMAGES = _(
    "Berkas HEIC ini berisi %(count)s gambar (misalnya foto beruntun atau "
    "Live Photo). Unggah satu foto saja: buka foto yang dipilih di ponsel, "
    "lalu simpan atau bagikan sebagai JPEG."
)
_MSG_SUSPICIOUS = _(
    "Berkas gambar mengandung kode HTML atau skrip dan ditolak demi keamanan."
)
_MSG_CORRUPT = _("Berkas gambar rusak atau tidak lengkap. Silakan unggah ulang.")

# Markup that turns an image into an HTML/SVG polyglot. Tag names only count
# when followed by a character that ends a tag name (whitespace, "/" or ">"),
# as in an HTML tokenizer: a bare 4-byte "<svg" would otherwise occur by
# chance in the compressed data of roughly 1 in 25 ten-megabyte photos.
_TAG_MARKERS = (b"<script", b"<html", b"<svg")
_PLAIN_MARKERS = (b"javascript:",)
_TAG_NAME_END = frozenset(b" \t\n\r\f\v/>")
_SCAN_OVERLAP = 16  # > longest marker + 1


def inspect_upload(fileobj: IO[bytes]) -> ImageInfo:
    """The web request's check: every refusal of :func:`validate_image`, cheaply.

    The same checks, except that a non-JPEG image larger than
    ``PHOTO_WEB_DECODE_MAX_PIXELS`` (16 MP by default) is not fully decoded
    here: decoding a 50 MP PNG takes 200 MB, more than a web worker may
    spend. The worker's clean copy decodes it anyway and marks the photo
    FAILED with a clear message if it is broken. JPEGs are always checked,
    at 1/8 scale (a few MB even at 100 MP).
    """
    return validate_image(
        fileobj,
        decode_max_pixels=setting(
            "PHOTO_WEB_DECODE_MAX_PIXELS", DEFAULT_WEB_DECODE_MAX_PIXELS
        ),
    )


def validate_image(
    fileobj: IO[bytes],
    *,
    max_bytes: int | None = None,
    max_pixels_jpeg: int | None = None,
    max_pixels_other: int | None = None,
    decode_max_pixels: int | None = None,
) -> ImageInfo:
    """Check that ``fileobj`` is an acceptable still photo.

    The format is decided from the content only (never from the file name or
    the declared content type) and only the JPEG, PNG, WebP and HEIF decoders
    are ever used. Raises :class:`ValidationError` with one of the codes
    ``empty``, ``file_too_large``, ``unsupported_format``, ``too_many_pixels``,
    ``animated``, ``multiple_images`` (a HEIC holding several pictures),
    ``suspicious_content`` or ``corrupt``. The file position is
    left at 0.
    """
    if max_bytes is None:
        max_bytes = setting("PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)
    if max_pixels_jpeg is None:
        max_pixels_jpeg = setting("PHOTO_MAX_PIXELS_JPEG", DEFAULT_MAX_PIXELS_JPEG)
    if max_pixels_other is None:
        max_pixels_other = setting("PHOTO_MAX_PIXELS_OTHER", DEFAULT_MAX_PIXELS_OTHER)
    try:
        size = _file_size(fileobj)
        if size == 0:
            raise ValidationError(_MSG_EMPTY, code="empty")
        if size > max_bytes:
            raise _too_large(size, max_bytes)
        fileobj.seek(0)
        return _validate_content(
            fileobj, max_bytes, max_pixels_jpeg, max_pixels_other, decode_max_pixels
        )
    finally:
        fileobj.seek(0)


def _validate_content(
    fileobj: IO[bytes],
    max_bytes: int,
    max_pixels_jpeg: int,
    max_pixels_other: int,
    decode_max_pixels: int | None = None,
) -> ImageInfo:
    # 1. Identify from the header only; no pixel data is decoded yet.
    try:
        img = pixels.open_image(fileobj)
    except Image.DecompressionBombError as exc:
        raise ValidationError(_MSG_BOMB, code="too_many_pixels") from exc
    except (UnidentifiedImageError, SyntaxError, ValueError) as exc:
        raise ValidationError(_MSG_UNSUPPORTED, code="unsupported_format") from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure means "broken"
        raise ValidationError(_MSG_CORRUPT, code="corrupt") from exc

    with img:
        fmt = "JPEG" if img.format in JPEG_FORMATS else img.format
        if fmt not in ACCEPTED_FORMATS:  # pragma: no cover - formats= guards
            raise ValidationError(_MSG_UNSUPPORTED, code="unsupported_format")
        width, height = img.size

        # 2. Pixel limit from the header, before anything is decoded.
        limit = max_pixels_jpeg if fmt == "JPEG" else max_pixels_other
        if width * height > limit:
            raise ValidationError(
                _MSG_TOO_MANY_PIXELS,
                code="too_many_pixels",
                params={
                    "width": width,
                    "height": height,
                    "megapixels": _decimal(width * height / 1e6),
                    "max": _decimal(limit / 1e6),
                },
            )

        # 3. Animation. MPO frames are depth maps / gain maps, not animation;
        #    a HEIF container holding several images is not one either.
        frames = getattr(img, "n_frames", 1)
        if fmt == "HEIF" and frames > 1:
            raise ValidationError(
                _MSG_MULTIPLE_IMAGES, code="multiple_images", params={"count": frames}
            )
        if fmt != "JPEG" and (getattr(img, "is_animated", False) or frames > 1):
            raise ValidationError(_MSG_ANIMATED, code="animated")

        # 4. HTML / script polyglots, in the metadata head or appended tail.
        fileobj.seek(0)
        if _contains_markup(fileobj, max_bytes):
            raise ValidationError(_MSG_SUSPICIOUS, code="suspicious_content")
        fileobj.seek(0)

        # 5. Full decode to catch truncated / corrupt files. JPEGs are decoded
        #    at 1/8 scale: every entropy-coded block is still read and
        #    checked, but the IDCT and colour conversion cost almost nothing.
        #    Other formats above decode_max_pixels are left to the worker.
        if (
            fmt != "JPEG"
            and decode_max_pixels is not None
            and width * height > decode_max_pixels
        ):
            return ImageInfo(format=fmt, width=width, height=height)
        try:
            if fmt == "JPEG":
                img.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            img.load()
        except Image.DecompressionBombError as exc:
            raise ValidationError(_MSG_BOMB, code="too_many_pixels") from exc
        except Exception as exc:  # noqa: BLE001 - decoder errors vary by plugin
            raise ValidationError(_MSG_CORRUPT, code="corrupt") from exc

    return ImageInfo(format=fmt, width=width, height=height)


def _file_size(fileobj: IO[bytes]) -> int:
    size = getattr(fileobj, "size", None)  # Django's File / UploadedFile
    if isinstance(size, int):
        return size
    fileobj.seek(0, os.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    return size


def _too_large(size: int, max_bytes: int) -> ValidationError:
    return ValidationError(
        _MSG_TOO_LARGE,
        code="file_too_large",
        params={"size": _file_size_text(size), "max": _file_size_text(max_bytes)},
    )


def _file_size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return "%s MB" % _decimal(size / (1024 * 1024))
    return "%s KB" % _decimal(size / 1024)


def _decimal(value: float) -> str:
    """Format with one decimal and an Indonesian decimal comma ("20,5")."""
    text = "%.1f" % value
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", ",")


def _contains_markup(fileobj: IO[bytes], max_bytes: int) -> bool:
    """Look for HTML/script markers where a polyglot keeps them.

    Markup smuggled into an image sits in the metadata at the start (comment
    and APP segments, text chunks) or is appended after the image data. Only
    those windows are scanned: random compressed pixel data contains a marker
    by chance in about one 10 MB photo in 1,700, which would reject honest
    uploads. The stored file is re-encoded from pixels anyway, so no markup
    ever reaches the public; this check refuses crafted files early.
    Also enforces ``max_bytes`` on the real size, in case ``size`` lied.
    """
    fileobj.seek(0, os.SEEK_END)
    total = fileobj.tell()
    if total > max_bytes:
        raise _too_large(total, max_bytes)
    fileobj.seek(0)
    head = fileobj.read(_SCAN_HEAD).lower()
    if _find_markup(head + b" "):
        return True
    if total > _SCAN_HEAD:
        fileobj.seek(max(_SCAN_HEAD, total - _SCAN_TAIL) - _SCAN_OVERLAP)
        return _find_markup(fileobj.read().lower() + b" ")
    return False


def _find_markup(buf: bytes) -> bool:
    for marker in _PLAIN_MARKERS:
        if marker in buf:
            return True
    end = len(buf)
    for marker in _TAG_MARKERS:
        pos = buf.find(marker)
        while pos != -1:
            nxt = pos + len(marker)
            # A marker at the very end is re-examined with the next chunk.
            if nxt < end and buf[nxt] in _TAG_NAME_END:
                return True
            pos = buf.find(marker, pos + 1)
    return False
