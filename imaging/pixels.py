"""Pillow helpers shared by validation, the clean copy and the renditions.

Only the decoders of :data:`~imaging.config.ACCEPTED_FORMATS` are ever used;
the HEIF opener is registered when this module is imported.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import pillow_heif
from PIL import ExifTags, Image, ImageCms

from imaging.config import ACCEPTED_FORMATS

pillow_heif.register_heif_opener()

_WHITE = (255, 255, 255)


def open_image(fileobj: Any) -> Image.Image:
    """Open with the accepted decoders only (path or binary file object)."""
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    with warnings.catch_warnings():
        # Pillow warns above ~89 MP; our own limits (checked right after the
        # header is read) are authoritative. Pillow's hard DecompressionBomb
        # *error* (~179 MP) is still raised and handled by the callers.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(fileobj, formats=ACCEPTED_FORMATS)


ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def orientation(img: Image.Image) -> int:
    try:
        value = img.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # noqa: BLE001 - broken EXIF must not break the pipeline
        return 1
    return value if value in ORIENTATION_TRANSPOSE else 1


def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def to_srgb(img: Image.Image, icc: bytes | None) -> Image.Image:
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
    return normalise_mode(img)


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


def normalise_mode(img: Image.Image) -> Image.Image:
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


def flatten(img: Image.Image) -> Image.Image:
    """RGB output: composite any alpha channel onto white."""
    if img.mode in ("RGBA", "LA"):
        rgba = img.convert("RGBA") if img.mode == "LA" else img
        out = Image.new("RGB", img.size, _WHITE)
        out.paste(rgba, mask=rgba.getchannel("A"))
        return out
    if img.mode != "RGB":
        return img.convert("RGB")
    return img


def bare(img: Image.Image) -> Image.Image:
    """Drop every piece of metadata Pillow could write back on save."""
    img.info = {}
    if hasattr(img, "_exif"):
        img._exif = None
    return img


def view(img: Image.Image) -> Image.Image:
    """Another Image object sharing ``img``'s pixel memory (read-only use)."""
    try:
        view = img._new(img.im)
    except AttributeError:  # pragma: no cover - Pillow internals changed
        view = img.copy()
    return bare(view)
