"""Responsive renditions of a photo, as fast as Pillow allows.

Reduced-scale JPEG decoding (DCT scaling via ``draft``), one high quality
resize from the decoded image, each smaller width resized from the previous
one, and encoders running in threads (Pillow releases the GIL while resizing
and encoding).
"""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PIL import Image

from imaging import pixels
from imaging.config import (
    JPEG_FORMATS,
    JPEG_QUALITY,
    RENDITION_FORMATS,
    RENDITION_WIDTHS,
    WEBP_METHOD,
    WEBP_QUALITY,
    setting,
)
from imaging.types import Rendition

# Resampling. After a reduced-scale JPEG decode the remaining factor is below
# 2, where Pillow's (antialiased) BICUBIC is visually indistinguishable from
# LANCZOS but ~30% cheaper (fewer taps); it is also Pillow's thumbnail()
# default. For large factors (PNG/WebP/HEIF sources), a box reduce() first,
# like Pillow's reducing_gap: at 3.0 the result matches a plain resize.
_REDUCING_GAP = 3.0
_RESAMPLE = Image.Resampling.BICUBIC
_CHAIN_RESAMPLE = Image.Resampling.BICUBIC
_STRIP_ROWS = 256  # output rows per resize strip


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


def default_threads() -> int:
    value = setting("PHOTO_RENDITION_THREADS", None)
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
    threads = default_threads() if threads is None else max(1, int(threads))
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
    with pixels.open_image(fileobj) as src:
        orientation = pixels.orientation(src)
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
        if src.format in JPEG_FORMATS:
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale (never below the
            # largest target); the returned box maps the target onto the
            # (rounded up) reduced image.
            drafted = src.draft("RGB", first)
            if drafted is not None:
                box = drafted[1]
        work = pixels.normalise_mode(src)
        if work.size != first or box not in (None, (0, 0) + work.size):
            work = _resize(work, first, box, pool)
        elif work is src:
            work = src.copy()
    del src

    work = pixels.flatten(pixels.to_srgb(work, icc))
    if orientation != 1:
        work = work.transpose(pixels.ORIENTATION_TRANSPOSE[orientation])
    pixels.bare(work)

    jobs: list[tuple[int, int, str, Any]] = []
    for index, size in enumerate(sizes):
        if index:
            smaller = work.resize(size, _CHAIN_RESAMPLE, reducing_gap=_REDUCING_GAP)
            work = pixels.bare(smaller)
        for position, fmt in enumerate(fmts):
            if pool is None:
                jobs.append((*size, fmt, _encode(work, fmt)))
            else:
                # Image.save keeps per-call state on the Image object, so
                # concurrent encoders each get their own object.
                target = work if position == 0 else pixels.view(work)
                jobs.append((*size, fmt, pool.submit(_encode, target, fmt)))
    del work

    results = [
        Rendition(w, h, fmt, data if isinstance(data, bytes) else data.result())
        for w, h, fmt, data in jobs
    ]
    order = {fmt: i for i, fmt in enumerate(fmts)}
    results.sort(key=lambda r: (r.width, order[r.format]))
    return results
