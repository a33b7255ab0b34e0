"""The clean copy of an upload: full size, orientation applied, sRGB, no metadata."""

from __future__ import annotations

import io
from typing import Any

from PIL import ImageOps

from imaging import pixels
from imaging.config import (
    JPEG_FORMATS,
    ORIGINAL_JPEG_QUALITY,
    ORIGINAL_PNG_COMPRESS_LEVEL,
    ORIGINAL_WEBP_METHOD,
    ORIGINAL_WEBP_QUALITY,
)
from imaging.types import CleanedImage


def clean_original(fileobj: Any) -> CleanedImage:
    """Re-encode an upload at full size with no metadata at all.

    EXIF orientation is applied, ICC colours are converted to sRGB and then
    EXIF (incl. GPS), XMP, IPTC, ICC and comments are all dropped.
    JPEG and HEIF become JPEG (quality 90), PNG stays PNG (alpha kept) and
    WebP stays WebP. ``fileobj`` should have passed :func:`validate_image`.
    """
    with pixels.open_image(fileobj) as img:  # leaves the caller's file open
        fmt = "JPEG" if img.format in JPEG_FORMATS else img.format
        icc = img.info.get("icc_profile")
        ImageOps.exif_transpose(img, in_place=True)  # HEIF: already applied
        work = pixels.to_srgb(pixels.normalise_mode(img), icc)
        work.load()  # may still be ``img``: decode before its file is closed
    del img

    out = io.BytesIO()
    if fmt == "PNG":
        pixels.bare(work).save(out, "PNG", compress_level=ORIGINAL_PNG_COMPRESS_LEVEL)
        ext = "png"
    elif fmt == "WEBP":
        pixels.bare(work).save(
            out,
            "WEBP",
            quality=ORIGINAL_WEBP_QUALITY,
            method=ORIGINAL_WEBP_METHOD,
            exact=False,
        )
        ext = "webp"
    else:
        if work.mode != "L":
            work = pixels.flatten(work)
        pixels.bare(work).save(out, "JPEG", quality=ORIGINAL_JPEG_QUALITY)
        ext = "jpg"
    return CleanedImage(out.getvalue(), ext, work.width, work.height)
