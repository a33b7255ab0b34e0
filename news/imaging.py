"""Image pipeline for uploaded news photos.

Pure functions, no models and no database access:

* :func:`validate_image` decides whether an upload is an acceptable photo
  (content sniffing, size and pixel limits, corruption, animation, HTML/script
  polyglots) and raises :class:`~django.core.exceptions.ValidationError`.
* :func:`clean_original` re-encodes the upload at full resolution without any
  metadata (EXIF incl. GPS, XMP, IPTC, comments), orientation applied and
  colours converted to sRGB.
* :func:`make_renditions` produces the responsive renditions (several widths,
  WebP + JPEG) as fast as Pillow allows: reduced-scale JPEG decoding (DCT
  scaling via ``draft``), one high quality resize from the decoded image, each
  smaller width resized from the previous one, encoders running in threads
  (Pillow releases the GIL while resizing and encoding).

Django settings are read lazily and are optional: without configured settings
the module falls back to the defaults below, so it can be used from scripts.
"""

from __future__ import annotations

import io
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO, Any, NamedTuple

import pillow_heif
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

__all__ = [
    "ACCEPTED_FORMATS",
    "CleanedImage",
    "ImageInfo",
    "JPEG_QUALITY",
    "ORIGINAL_JPEG_QUALITY",
    "RENDITION_FORMATS",
    "RENDITION_WIDTHS",
    "Rendition",
    "WEBP_METHOD",
    "WEBP_QUALITY",
    "clean_original",
    "make_renditions",
    "validate_image",
]

# --------------------------------------------------------------------------
# Configuration

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PIXELS_JPEG = 100_000_000
DEFAULT_MAX_PIXELS_OTHER = 50_000_000

#: Formats accepted, as reported in :class:`ImageInfo`. Only the matching
#: Pillow plugins are ever asked to parse an upload.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
# "MPO" is not a plugin of its own: Pillow's JPEG plugin returns an MPO image
# for JPEGs carrying a Multi-Picture index (many phones store a depth map or
# an HDR gain map that way). The primary image is an ordinary JPEG.
_JPEG_FORMATS = ("JPEG", "MPO")

RENDITION_WIDTHS = (320, 640, 1024, 1600)
RENDITION_FORMATS = ("webp", "jpeg")

# Encoder settings, tuned with benchmarks/renditions.py. WebP method 2 is
# about twice as fast as the default method 4 at the same quality setting
# (PSNR within 0.05 dB, files ~2% larger); methods >= 3 switch on the much
# slower rate-distortion optimisation.
WEBP_QUALITY = 80
WEBP_METHOD = 2
JPEG_QUALITY = 82
# The clean original is made in the upload request, so its encoders favour
# speed too (24 MP: baseline JPEG 0.13 s vs 0.7 s progressive for 8% less;
# PNG zlib level 3 is less than half the time of level 6; WebP method 2 is
# as small as method 4 at quality 90).
ORIGINAL_JPEG_QUALITY = 90
ORIGINAL_WEBP_QUALITY = 90
ORIGINAL_WEBP_METHOD = 2
ORIGINAL_PNG_COMPRESS_LEVEL = 3

# Resampling. After a reduced-scale JPEG decode the remaining factor is below
# 2, where Pillow's (antialiased) BICUBIC is visually indistinguishable from
# LANCZOS but ~30% cheaper (fewer taps); it is also Pillow's thumbnail()
# default. For large factors (PNG/WebP/HEIF sources), a box reduce() first,
# like Pillow's reducing_gap: at 3.0 the result matches a plain resize.
_REDUCING_GAP = 3.0
_RESAMPLE = Image.Resampling.BICUBIC
_CHAIN_RESAMPLE = Image.Resampling.BICUBIC
_WHITE = (255, 255, 255)
_SCAN_HEAD = 256 * 1024  # metadata segments and chunks live here
_SCAN_TAIL = 1024 * 1024  # appended payloads live here
_STRIP_ROWS = 256  # output rows per resize strip


def _setting(name: str, default: Any) -> Any:
    """Return ``settings.<name>``, or ``default`` when Django is not set up."""
    from django.conf import settings

    try:
        return getattr(settings, name, default)
    except ImproperlyConfigured:
        return default


# --------------------------------------------------------------------------
# Public data types


@dataclass(frozen=True)
class ImageInfo:
    """Result of :func:`validate_image` (dimensions as stored in the file)."""

    format: str  # one of ACCEPTED_FORMATS
    width: int
    height: int


class CleanedImage(NamedTuple):
    """Result of :func:`clean_original`."""

    data: bytes
    ext: str  # "jpg", "png" or "webp"
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES[self.ext]


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    format: str  # "webp" or "jpeg"
    data: bytes

    @property
    def ext(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES[self.ext]


_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}

# --------------------------------------------------------------------------
# Validation

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


def validate_image(
    fileobj: IO[bytes],
    *,
    max_bytes: int | None = None,
    max_pixels_jpeg: int | None = None,
    max_pixels_other: int | None = None,
) -> ImageInfo:
    """Check that ``fileobj`` is an acceptable still photo.

    The format is decided from the content only (never from the file name or
    the declared content type) and only the JPEG, PNG, WebP and HEIF decoders
    are ever used. Raises :class:`ValidationError` with one of the codes
    ``empty``, ``file_too_large``, ``unsupported_format``, ``too_many_pixels``,
    ``animated``, ``suspicious_content`` or ``corrupt``. The file position is
    left at 0.
    """
    if max_bytes is None:
        max_bytes = _setting("PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)
    if max_pixels_jpeg is None:
        max_pixels_jpeg = _setting("PHOTO_MAX_PIXELS_JPEG", DEFAULT_MAX_PIXELS_JPEG)
    if max_pixels_other is None:
        max_pixels_other = _setting("PHOTO_MAX_PIXELS_OTHER", DEFAULT_MAX_PIXELS_OTHER)
    try:
        size = _file_size(fileobj)
        if size == 0:
            raise ValidationError(_MSG_EMPTY, code="empty")
        if size > max_bytes:
            raise _too_large(size, max_bytes)
        fileobj.seek(0)
        return _validate_content(fileobj, max_bytes, max_pixels_jpeg, max_pixels_other)
    finally:
        fileobj.seek(0)


def _validate_content(
    fileobj: IO[bytes], max_bytes: int, max_pixels_jpeg: int, max_pixels_other: int
) -> ImageInfo:
    # 1. Identify from the header only; no pixel data is decoded yet.
    try:
        img = _open(fileobj)
    except Image.DecompressionBombError as exc:
        raise ValidationError(_MSG_BOMB, code="too_many_pixels") from exc
    except (UnidentifiedImageError, SyntaxError, ValueError) as exc:
        raise ValidationError(_MSG_UNSUPPORTED, code="unsupported_format") from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure means "broken"
        raise ValidationError(_MSG_CORRUPT, code="corrupt") from exc

    with img:
        fmt = "JPEG" if img.format in _JPEG_FORMATS else img.format
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

        # 3. Animation. MPO frames are depth maps / gain maps, not animation.
        if fmt != "JPEG" and (
            getattr(img, "is_animated", False) or getattr(img, "n_frames", 1) > 1
        ):
            raise ValidationError(_MSG_ANIMATED, code="animated")

        # 4. HTML / script polyglots, in the metadata head or appended tail.
        fileobj.seek(0)
        if _contains_markup(fileobj, max_bytes):
            raise ValidationError(_MSG_SUSPICIOUS, code="suspicious_content")
        fileobj.seek(0)

        # 5. Full decode to catch truncated / corrupt files. JPEGs are decoded
        #    at 1/8 scale: every entropy-coded block is still read and
        #    checked, but the IDCT and colour conversion cost almost nothing.
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


# --------------------------------------------------------------------------
# Shared helpers


def _open(fileobj: Any) -> Image.Image:
    """Open with the accepted decoders only (path or binary file object)."""
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    with warnings.catch_warnings():
        # Pillow warns above ~89 MP; our own limits (checked right after the
        # header is read) are authoritative. Pillow's hard DecompressionBomb
        # *error* (~179 MP) is still raised and handled by the callers.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(fileobj, formats=ACCEPTED_FORMATS)


_ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _orientation(img: Image.Image) -> int:
    try:
        value = img.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # noqa: BLE001 - broken EXIF must not break the pipeline
        return 1
    return value if value in _ORIENTATION_TRANSPOSE else 1


def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(img: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert pixels described by the ICC profile ``icc`` to sRGB.

    Returns an image in a mode without colour management needs (RGB/RGBA for
    colour, L/LA for grey); unknown or broken profiles are ignored.
    """
    if icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            space = src.profile.xcolor_space.strip()
            description = (ImageCms.getProfileDescription(src) or "").lower()
        except (OSError, ImageCms.PyCMSError, AttributeError, ValueError):
            src = None
        if src is not None and "srgb" not in description:
            converted = _apply_profile(img, src, space)
            if converted is not None:
                return converted
    if img.mode in ("RGB", "RGBA", "L", "LA"):
        return img
    if img.mode == "CMYK":
        return img.convert("RGB")
    return _normalise_mode(img)


def _apply_profile(
    img: Image.Image, src: ImageCms.ImageCmsProfile, space: str
) -> Image.Image | None:
    try:
        if space == "RGB" and img.mode in ("RGB", "RGBA"):
            return ImageCms.profileToProfile(
                img, src, _srgb_profile(), outputMode=img.mode
            )
        if space == "CMYK" and img.mode == "CMYK":
            return ImageCms.profileToProfile(
                img, src, _srgb_profile(), outputMode="RGB"
            )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None
    # Grey profiles are close enough to sRGB's tone curve; others are ignored.
    return None


def _normalise_mode(img: Image.Image) -> Image.Image:
    """Bring exotic modes (P, 1, I;16, ...) to RGB/RGBA/L/LA."""
    mode = img.mode
    if "transparency" in img.info and mode in ("L", "RGB", "P", "1"):
        return img.convert("RGBA")  # tRNS colour key / palette alpha
    if mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        return img
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit grey: scale to 8 bit instead of clipping.
        return img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if mode == "1":
        return img.convert("L")
    has_alpha = "transparency" in img.info or mode.endswith("A") or mode.endswith("a")
    return img.convert("RGBA" if has_alpha else "RGB")


def _flatten(img: Image.Image) -> Image.Image:
    """RGB output: composite any alpha channel onto white."""
    if img.mode in ("RGBA", "LA"):
        rgba = img.convert("RGBA") if img.mode == "LA" else img
        out = Image.new("RGB", img.size, _WHITE)
        out.paste(rgba, mask=rgba.getchannel("A"))
        return out
    if img.mode != "RGB":
        return img.convert("RGB")
    return img


def _bare(img: Image.Image) -> Image.Image:
    """Drop every piece of metadata Pillow could write back on save."""
    img.info = {}
    if hasattr(img, "_exif"):
        img._exif = None
    return img


def _view(img: Image.Image) -> Image.Image:
    """Another Image object sharing ``img``'s pixel memory (read-only use)."""
    try:
        view = img._new(img.im)
    except AttributeError:  # pragma: no cover - Pillow internals changed
        view = img.copy()
    return _bare(view)


# --------------------------------------------------------------------------
# Clean original


def clean_original(fileobj: Any) -> CleanedImage:
    """Re-encode an upload at full size with no metadata at all.

    EXIF orientation is applied, ICC colours are converted to sRGB and then
    EXIF (incl. GPS), XMP, IPTC, ICC and comments are all dropped.
    JPEG and HEIF become JPEG (quality 90), PNG stays PNG (alpha kept) and
    WebP stays WebP. ``fileobj`` should have passed :func:`validate_image`.
    """
    with _open(fileobj) as img:  # leaves the caller's file open
        fmt = "JPEG" if img.format in _JPEG_FORMATS else img.format
        icc = img.info.get("icc_profile")
        ImageOps.exif_transpose(img, in_place=True)  # HEIF: already applied
        work = _to_srgb(_normalise_mode(img), icc)
        work.load()  # may still be ``img``: decode before its file is closed
    del img

    out = io.BytesIO()
    if fmt == "PNG":
        _bare(work).save(out, "PNG", compress_level=ORIGINAL_PNG_COMPRESS_LEVEL)
        ext = "png"
    elif fmt == "WEBP":
        _bare(work).save(
            out,
            "WEBP",
            quality=ORIGINAL_WEBP_QUALITY,
            method=ORIGINAL_WEBP_METHOD,
            exact=False,
        )
        ext = "webp"
    else:
        if work.mode != "L":
            work = _flatten(work)
        _bare(work).save(out, "JPEG", quality=ORIGINAL_JPEG_QUALITY)
        ext = "jpg"
    return CleanedImage(out.getvalue(), ext, work.width, work.height)


# --------------------------------------------------------------------------
# Renditions


def _target_widths(source_width: int, widths: tuple[int, ...]) -> list[int]:
    """Requested widths that do not upscale, largest first.

    A source narrower than every requested width yields one rendition at the
    source width.
    """
    wanted = sorted({int(w) for w in widths if int(w) > 0}, reverse=True)
    if not wanted:
        raise ValueError("widths must contain at least one positive width")
    fitting = [w for w in wanted if w <= source_width]
    return fitting or [source_width]


def _normalise_formats(formats: tuple[str, ...]) -> list[str]:
    result = []
    for fmt in formats:
        name = fmt.lower()
        name = "jpeg" if name == "jpg" else name
        if name not in ("webp", "jpeg"):
            raise ValueError("unsupported rendition format: %r" % fmt)
        if name not in result:
            result.append(name)
    if not result:
        raise ValueError("formats must not be empty")
    return result


def _encode(img: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "webp":
        img.save(out, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    else:
        img.save(out, "JPEG", quality=JPEG_QUALITY, optimize=False)
    return out.getvalue()


def _resize(
    img: Image.Image,
    size: tuple[int, int],
    box: tuple[float, float, float, float] | None,
    pool: ThreadPoolExecutor | None,
) -> Image.Image:
    """Resize ``box`` of ``img`` to ``size``, in horizontal strips.

    Pillow's resize makes a temporary image of (output width x input height)
    for its first pass; resizing strips of output rows keeps that temporary
    small (lower peak memory) and lets a thread pool work on two strips at
    once. Pillow takes the filter support from the whole source image, not
    just from the box, so strips join seamlessly. The result equals a single
    resize except for rare pixels on hard edges that differ by a few levels,
    because Pillow rounds the box coordinates to float32.
    """
    x0, y0, x1, y1 = box or (0.0, 0.0, float(img.width), float(img.height))
    # Like Pillow's reducing_gap: a cheap box reduce() first when the scale
    # factor is large, done once for the whole image so strips stay aligned.
    fx = max(1, int((x1 - x0) / size[0] / _REDUCING_GAP))
    fy = max(1, int((y1 - y0) / size[1] / _REDUCING_GAP))
    if fx > 1 or fy > 1:
        img = img.reduce((fx, fy))
        x0, y0, x1, y1 = x0 / fx, y0 / fy, x1 / fx, y1 / fy
    img.load()  # decode once, before threads read the pixels
    width, height = size
    scale = (y1 - y0) / height
    bounds = list(range(0, height, _STRIP_ROWS)) + [height]
    strips = [
        (
            img.resize,
            (width, bottom - top),
            _RESAMPLE,
            (x0, y0 + top * scale, x1, y0 + bottom * scale),
        )
        for top, bottom in zip(bounds, bounds[1:], strict=False)
    ]
    if len(strips) == 1:
        fn, *args = strips[0]
        return fn(*args)
    out = Image.new(img.mode, size, None)  # no fill: every row is pasted
    if pool is None:
        for top, (fn, *args) in zip(bounds, strips, strict=False):
            out.paste(fn(*args), (0, top))
        return out
    futures = [pool.submit(*strip) for strip in strips]
    for index, top in enumerate(bounds[: len(futures)]):
        out.paste(futures[index].result(), (0, top))
        futures[index] = None  # release the strip as soon as it is copied
    return out


def _default_threads() -> int:
    value = _setting("PHOTO_RENDITION_THREADS", None)
    if value is None:
        value = min(2, os.cpu_count() or 1)
    return max(1, int(value))


def make_renditions(
    fileobj: Any,
    *,
    widths: tuple[int, ...] = RENDITION_WIDTHS,
    formats: tuple[str, ...] = RENDITION_FORMATS,
    threads: int | None = None,
) -> list[Rendition]:
    """Produce the rendition set of a (validated) photo.

    ``fileobj`` is a path or a binary file object. Returns one
    :class:`Rendition` per (width, format), ordered by width then by
    ``formats``. Widths larger than the (oriented) source are skipped; a
    source narrower than all widths gives a single rendition at its own width.
    Output is RGB, sRGB, orientation applied, alpha flattened onto white and
    free of any metadata. ``threads`` (default: settings
    ``PHOTO_RENDITION_THREADS`` or min(2, CPUs)) lets resizing and encoding
    run in parallel; use 1 when every CPU already runs its own worker process.
    Raises ``ValueError`` for bad arguments and ``OSError``/Pillow errors for
    undecodable input.
    """
    fmts = _normalise_formats(tuple(formats))
    threads = _default_threads() if threads is None else max(1, int(threads))
    pool = ThreadPoolExecutor(threads, "rendition") if threads > 1 else None
    try:
        return _make_renditions(fileobj, widths, fmts, pool)
    finally:
        if pool is not None:
            pool.shutdown(wait=True)


def _make_renditions(
    fileobj: Any,
    widths: tuple[int, ...],
    fmts: list[str],
    pool: ThreadPoolExecutor | None,
) -> list[Rendition]:
    # The context manager closes only files Pillow opened itself (a path),
    # never the caller's file object; ``del`` frees the full-size decode
    # as soon as the first resize is done.
    with _open(fileobj) as src:
        orientation = _orientation(src)
        swap = orientation in (5, 6, 7, 8)
        stored_w, stored_h = src.size
        disp_w, disp_h = (stored_h, stored_w) if swap else (stored_w, stored_h)
        sizes = [
            (w, max(1, round(disp_h * w / disp_w)))
            for w in _target_widths(disp_w, tuple(widths))
        ]
        first = sizes[0] if not swap else (sizes[0][1], sizes[0][0])
        icc = src.info.get("icc_profile")
        box = None
        if src.format in _JPEG_FORMATS:
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale (never below the
            # largest target); the returned box maps the target onto the
            # (rounded up) reduced image.
            drafted = src.draft("RGB", first)
            if drafted is not None:
                box = drafted[1]
        work = _normalise_mode(src)
        if work.size != first or box not in (None, (0, 0) + work.size):
            work = _resize(work, first, box, pool)
        elif work is src:
            work = src.copy()
    del src

    work = _flatten(_to_srgb(work, icc))
    if orientation != 1:
        work = work.transpose(_ORIENTATION_TRANSPOSE[orientation])
    _bare(work)

    jobs: list[tuple[int, int, str, Any]] = []
    for index, size in enumerate(sizes):
        if index:
            work = _bare(work.resize(size, _CHAIN_RESAMPLE, reducing_gap=_REDUCING_GAP))
        for position, fmt in enumerate(fmts):
            if pool is None:
                jobs.append((*size, fmt, _encode(work, fmt)))
            else:
                # Image.save keeps per-call state on the Image object, so
                # concurrent encoders each get their own object.
                target = work if position == 0 else _view(work)
                jobs.append((*size, fmt, pool.submit(_encode, target, fmt)))
    del work

    results = [
        Rendition(w, h, fmt, data if isinstance(data, bytes) else data.result())
        for w, h, fmt, data in jobs
    ]
    order = {fmt: i for i, fmt in enumerate(fmts)}
    results.sort(key=lambda r: (r.width, order[r.format]))
    return results
