"""Formats, limits and encoder settings of the image pipeline.

Django settings are read lazily and are optional (:func:`setting`): without
configured settings the defaults below apply, so the pipeline also runs from
scripts such as the benchmarks.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PIXELS_JPEG = 100_000_000
DEFAULT_MAX_PIXELS_OTHER = 50_000_000
# Non-JPEG uploads up to this size are fully decoded in the web request
# (16 MP RGBA: 64 MB); larger ones only in the worker (imaging.inspect_upload).
DEFAULT_WEB_DECODE_MAX_PIXELS = 16_000_000

#: Formats accepted, as reported in :class:`ImageInfo`. Only the matching
#: Pillow plugins are ever asked to parse an upload.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
# "MPO" is not a plugin of its own: Pillow's JPEG plugin returns an MPO image
# for JPEGs carrying a Multi-Picture index (many phones store a depth map or
# an HDR gain map that way). The primary image is an ordinary JPEG.
JPEG_FORMATS = ("JPEG", "MPO")

# 1200 is the width Open Graph and Twitter cards ask for (1200x630 and up):
# the article's og:image is that JPEG rendition (public.metadata).
RENDITION_WIDTHS = (320, 640, 1024, 1200, 1600)
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


def setting(name: str, default: Any) -> Any:
    """Return ``settings.<name>``, or ``default`` when Django is not set up."""
    from django.conf import settings

    try:
        return getattr(settings, name, default)
    except ImproperlyConfigured:
        return default
