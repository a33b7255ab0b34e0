"""Faces in photos: find them, and blur chosen regions beyond recovery.

Pure functions on Pillow images (and on the bytes of a clean copy); nothing
here knows about Django models. ``news.services.faces`` stores what they
return and ``news.checks.faces`` turns it into a flag for the editor.

Why OpenCV's Haar cascades (``opencv-python-headless`` 4.x):

* the model must ship inside a registry package: nothing may be downloaded at
  run time. The 4.x wheels carry the Haar cascades in ``cv2.data``
  (``haarcascade_frontalface_alt2.xml``, ``haarcascade_profileface.xml``),
  about 1 MB of XML read from site-packages. OpenCV 5 removed
  ``CascadeClassifier``, hence the ``<5`` pin.
* OpenCV's better detector, YuNet (``cv2.FaceDetectorYN``), exists in the same
  wheel but its ONNX weights are not in it (checked: no ``.onnx`` anywhere in
  ``cv2/``); the small wrappers around it on PyPI download the weights on
  first use. MediaPipe ships its BlazeFace weights but brings a few hundred MB
  of dependencies for one flag.
* measured on scikit-image's bundled data (tests/imaging/test_faces.py): the
  ``alt2`` frontal cascade finds the face in ``astronaut`` and 98 of the 100
  LFW faces in ``lfw_subset`` with no hit on its 100 non-faces, nor on
  ``coffee``, ``rocket``, ``chelsea`` (a cat), ``coins``, ``moon``,
  ``retina``, the generated test images or 45 demo covers (drawn people).
  The ``default`` frontal cascade found "faces" in coins, moon and retina, so
  it is not used. The profile cascade adds turned heads (the cameraman in
  ``camera``, whom the frontal one misses); it needs more agreeing windows
  (PROFILE_MIN_NEIGHBOURS) because with fewer it fires on the cat.

The detector flags, it never decides: a missed face is the editor's to see
(they can blur a rectangle they draw), a false one costs a glance.

Speed: detection runs on a grey copy at most DETECT_MAX_SIDE pixels on its
longer side (JPEG draft mode decodes a 12-megapixel photo at 1/2 or 1/4
scale directly), and the boxes are mapped back to the full image's pixels.
benchmarks/faces.py measures it per 12-megapixel photo.

Blurring (blur_regions) is meant to be irreversible, not cosmetic: each
region, widened by BLUR_MARGIN, is reduced to a grid of at most BLUR_CELLS
cells (the mean colour of each cell is all that survives), scaled back up and
then smoothed with a Gaussian as wide as a cell, so no edge of the grid
hints at features either. No pixel of the original region is kept.
"""

from __future__ import annotations

import io
import threading
from typing import Any

from PIL import Image, ImageFilter

from imaging import pixels
from imaging.config import (
    JPEG_FORMATS,
    ORIGINAL_JPEG_QUALITY,
    ORIGINAL_PNG_COMPRESS_LEVEL,
    ORIGINAL_WEBP_METHOD,
    ORIGINAL_WEBP_QUALITY,
)
from imaging.types import CleanedImage

Box = tuple[int, int, int, int]  # x, y, width, height in the image's pixels

# The grey copy the detector works on is at most this long on its longer
# side: a 4000x3000 photo is searched at 1280x960, where the smallest face
# found (MIN_FACE) is 62 px wide in the original, a face in the third or fourth row
# of a hall.
DETECT_MAX_SIDE = 1280
MIN_FACE = 20  # px in the grey copy: the cascades' own window
SCALE_FACTOR = 1.1
FRONTAL_MIN_NEIGHBOURS = 5
PROFILE_MIN_NEIGHBOURS = 6
# Two boxes overlapping this much (intersection over the smaller box) are one
# face seen by two cascades.
SAME_FACE_OVERLAP = 0.5

# Blurring: how far around the box (a face box cuts through hair and ears),
# and into how many cells the region's longer side is reduced.
BLUR_MARGIN = 0.2
BLUR_CELLS = 6
MIN_REGION = 4  # px: smaller regions are refused by the callers

_local = threading.local()  # a CascadeClassifier is not safe across threads


def _cascades():
    cascades = getattr(_local, "cascades", None)
    if cascades is None:
        import cv2  # loaded only by the worker and the blur request

        base = cv2.data.haarcascades
        cascades = (
            cv2.CascadeClassifier(base + "haarcascade_frontalface_alt2.xml"),
            cv2.CascadeClassifier(base + "haarcascade_profileface.xml"),
        )
        if any(c.empty() for c in cascades):
            raise RuntimeError("OpenCV's Haar cascades are missing from cv2.data")
        _local.cascades = cascades
    return cascades


def _overlap(a: Box, b: Box) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    smaller = min(a[2] * a[3], b[2] * b[3]) or 1
    return ix * iy / smaller


def _grey(img: Image.Image, max_side: int) -> tuple[Any, float]:
    """The image as a grey numpy array at most max_side long, and its scale."""
    import numpy as np

    scale = min(1.0, max_side / max(img.size))
    grey = img.convert("L")
    if scale < 1.0:
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        grey = grey.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(grey), scale


def detect_faces(img: Image.Image, *, max_side: int = DETECT_MAX_SIDE) -> list[Box]:
    """Faces in `img` as (x, y, width, height) boxes in `img`'s own pixels.

    Frontal faces, and heads turned to either side (the profile cascade on
    the image and on its mirror). Sorted left to right, top to bottom.
    """
    import cv2

    # No histogram equalisation: measured, it lowered recall on the LFW faces
    # (91 against 98 of 100) and made a drawn head in a demo cover a "face".
    grey, scale = _grey(img, max_side)
    frontal, profile = _cascades()
    found: list[Box] = []

    def add(boxes, mirrored: bool = False) -> None:
        for x, y, w, h in (tuple(int(v) for v in box) for box in boxes):
            if mirrored:
                x = grey.shape[1] - x - w
            box = (x, y, w, h)
            if all(_overlap(box, kept) < SAME_FACE_OVERLAP for kept in found):
                found.append(box)

    options = {"scaleFactor": SCALE_FACTOR, "minSize": (MIN_FACE, MIN_FACE)}
    add(frontal.detectMultiScale(grey, minNeighbors=FRONTAL_MIN_NEIGHBOURS, **options))
    add(profile.detectMultiScale(grey, minNeighbors=PROFILE_MIN_NEIGHBOURS, **options))
    add(
        profile.detectMultiScale(
            cv2.flip(grey, 1), minNeighbors=PROFILE_MIN_NEIGHBOURS, **options
        ),
        mirrored=True,
    )
    boxes = [_to_full(box, scale, img.size) for box in found]
    return sorted(boxes, key=lambda b: (b[1] // max(1, b[3]), b[0]))


def _to_full(box: Box, scale: float, size: tuple[int, int]) -> Box:
    x, y, w, h = (round(v / scale) for v in box)
    x, y = min(max(0, x), size[0] - 1), min(max(0, y), size[1] - 1)
    return (x, y, min(w, size[0] - x), min(h, size[1] - y))


def detect_faces_in_file(fileobj: Any, *, max_side: int = DETECT_MAX_SIDE) -> list[Box]:
    """detect_faces on an image file, boxes in the file's full-size pixels.

    A JPEG is decoded in draft mode straight at the smallest 1/2, 1/4 or 1/8
    scale that is still at least `max_side` long: a 12-megapixel photo costs
    a quarter of the decoding.
    """
    with pixels.open_image(fileobj) as img:
        full = img.size
        if img.format in JPEG_FORMATS and max(full) > max_side:
            ratio = max_side / max(full)
            img.draft("RGB", (round(full[0] * ratio), round(full[1] * ratio)))
        img.load()
        boxes = detect_faces(img, max_side=max_side)
        factor = full[0] / img.width
    if factor == 1:
        return boxes
    return [_to_full(box, 1 / factor, full) for box in boxes]


def widen(box: Box, size: tuple[int, int], margin: float = BLUR_MARGIN) -> Box:
    """The box grown by `margin` of its size on every side, inside the image."""
    x, y, w, h = box
    dx, dy = round(w * margin), round(h * margin)
    left, top = max(0, x - dx), max(0, y - dy)
    right, bottom = min(size[0], x + w + dx), min(size[1], y + h + dy)
    return (left, top, right - left, bottom - top)


def blur_regions(img: Image.Image, boxes: list[Box]) -> Image.Image:
    """A copy of `img` with each box (widened by BLUR_MARGIN) made unrecognisable.

    Pixelated to at most BLUR_CELLS cells on the longer side (only the cells'
    mean colours survive), then a Gaussian blur as wide as a cell. `img` is
    left as it was.
    """
    out = img.copy()
    for box in boxes:
        x, y, w, h = widen(box, img.size)
        if w < 1 or h < 1:
            continue
        region = out.crop((x, y, x + w, y + h))
        cells = max(1, round(max(w, h) / BLUR_CELLS))
        small = region.resize(
            (max(1, round(w / cells)), max(1, round(h / cells))),
            Image.Resampling.BOX,
        )
        coarse = small.resize((w, h), Image.Resampling.NEAREST)
        out.paste(coarse.filter(ImageFilter.GaussianBlur(radius=cells)), (x, y))
    return out


def blur_clean_copy(data: bytes, boxes: list[Box]) -> tuple[CleanedImage, list[Box]]:
    """A clean copy (bytes) with `boxes` blurred, and the faces still found in it.

    Encoded as imaging.clean_original encodes: the same format (JPEG, PNG or
    WebP), the same settings, no metadata. The faces are searched again in
    the blurred pixels, so the caller can store the truth, not a guess.
    """
    with pixels.open_image(io.BytesIO(data)) as img:
        fmt = "JPEG" if img.format in JPEG_FORMATS else img.format
        img.load()
        blurred = blur_regions(img, boxes)
    remaining = detect_faces(blurred)
    out = io.BytesIO()
    if fmt == "PNG":
        pixels.bare(blurred).save(
            out, "PNG", compress_level=ORIGINAL_PNG_COMPRESS_LEVEL
        )
        ext = "png"
    elif fmt == "WEBP":
        pixels.bare(blurred).save(
            out,
            "WEBP",
            quality=ORIGINAL_WEBP_QUALITY,
            method=ORIGINAL_WEBP_METHOD,
            exact=False,
        )
        ext = "webp"
    else:
        if blurred.mode not in ("RGB", "L"):
            blurred = pixels.flatten(blurred)
        pixels.bare(blurred).save(out, "JPEG", quality=ORIGINAL_JPEG_QUALITY)
        ext = "jpg"
    return CleanedImage(out.getvalue(), ext, blurred.width, blurred.height), remaining
