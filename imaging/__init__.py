"""Image pipeline for uploaded photos: a plain package, no models, no database.

* :func:`validate_image` (``imaging.validate``) decides whether an upload is
  an acceptable photo (content sniffing, size and pixel limits, corruption,
  animation, HTML/script polyglots) and raises
  :class:`~django.core.exceptions.ValidationError`.
* :func:`clean_original` (``imaging.clean``) re-encodes the upload at full
  resolution without any metadata (EXIF incl. GPS, XMP, IPTC, comments),
  orientation applied and colours converted to sRGB.
* :func:`make_renditions` (``imaging.renditions``) produces the responsive
  renditions (several widths, WebP + JPEG) as fast as Pillow allows.

``imaging.config`` holds the formats, limits and encoder settings; Django
settings are read lazily and are optional, so the benchmarks use the package
without a configured project. ``news`` stores what this package returns.
"""

from imaging.clean import clean_original
from imaging.config import (
    ACCEPTED_FORMATS,
    JPEG_QUALITY,
    ORIGINAL_JPEG_QUALITY,
    RENDITION_FORMATS,
    RENDITION_WIDTHS,
    WEBP_METHOD,
    WEBP_QUALITY,
)
from imaging.renditions import default_threads, make_renditions
from imaging.types import CleanedImage, ImageInfo, Rendition
from imaging.validate import inspect_upload, validate_image

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
    "default_threads",
    "inspect_upload",
    "make_renditions",
    "validate_image",
]
