"""Tests for imaging.renditions: widths, formats, colours and speed tricks.

All images are generated in memory; no database and no Django settings are
needed (the package falls back to its defaults when settings are absent).
"""

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageChops

import imaging
from tests.imaging.samples import (
    SWAPPED_PROFILE,
    assert_no_metadata,
    encode,
    gps_exif,
    photo,
)

# --------------------------------------------------------------------------
# make_renditions


def decoded(rendition):
    img = Image.open(io.BytesIO(rendition.data))
    assert img.format == {"webp": "WEBP", "jpeg": "JPEG"}[rendition.format]
    assert img.size == (rendition.width, rendition.height)
    return img


def test_rendition_set_for_2000px_image():
    renditions = imaging.make_renditions(encode(photo(2000, 1333), "JPEG"))
    assert [(r.width, r.format) for r in renditions] == [
        (w, fmt) for w in (320, 640, 1024, 1200, 1600) for fmt in ("webp", "jpeg")
    ]
    for r in renditions:
        assert r.height == round(1333 * r.width / 2000)
        img = decoded(r)
        assert img.mode == "RGB"
    assert renditions[0].content_type == "image/webp"
    assert renditions[1].ext == "jpg"


def test_renditions_never_upscale():
    renditions = imaging.make_renditions(encode(photo(700, 350), "PNG"))
    assert sorted({r.width for r in renditions}) == [320, 640]
    exact = imaging.make_renditions(encode(photo(1024, 512), "PNG"))
    assert sorted({r.width for r in exact}) == [320, 640, 1024]


def test_small_source_gives_one_rendition_at_source_width():
    renditions = imaging.make_renditions(encode(photo(200, 150), "JPEG"))
    assert [(r.width, r.height, r.format) for r in renditions] == [
        (200, 150, "webp"),
        (200, 150, "jpeg"),
    ]


def test_renditions_apply_exif_orientation():
    img = Image.new("RGB", (800, 400), "blue")
    img.paste((255, 0, 0), (0, 0, 80, 80))  # red mark at the stored top-left
    renditions = imaging.make_renditions(encode(img, "JPEG", exif=gps_exif(6)))
    # Displayed 400 wide and 800 high: only the 320 width fits.
    assert [(r.width, r.height) for r in renditions] == [(320, 640), (320, 640)]
    for r in renditions:
        red, green, blue = decoded(r).convert("RGB").getpixel((310, 10))
        assert red > 200 and blue < 60, r.format

    tiny = imaging.make_renditions(
        encode(Image.new("RGB", (200, 100)), "JPEG", exif=gps_exif(6))
    )
    assert {(r.width, r.height) for r in tiny} == {(100, 200)}


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_gps_absent_from_every_rendition(fmt):
    buf = encode(photo(1100, 700), fmt, exif=gps_exif(1))
    with Image.open(buf) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    renditions = imaging.make_renditions(buf)
    assert sorted({r.width for r in renditions}) == [320, 640, 1024]
    for r in renditions:
        assert_no_metadata(r.data)


def test_renditions_flatten_alpha_onto_white():
    img = Image.new("RGBA", (640, 480), (255, 0, 0, 0))  # fully transparent
    renditions = imaging.make_renditions(encode(img, "PNG"), widths=(320,))
    for r in renditions:
        out = decoded(r)
        assert out.mode == "RGB"
        assert all(c > 245 for c in out.getpixel((160, 120)))


def test_renditions_from_cmyk_and_grey_jpegs_are_rgb():
    for mode in ("CMYK", "L"):
        renditions = imaging.make_renditions(
            encode(photo(700, 500, mode=mode), "JPEG"), widths=(320, 640)
        )
        assert len(renditions) == 4
        assert {decoded(r).mode for r in renditions} == {"RGB"}


def test_threads_do_not_change_the_result():
    buf = encode(photo(2400, 1600), "JPEG", quality=92)
    serial = imaging.make_renditions(buf, threads=1)
    threaded = imaging.make_renditions(buf, threads=2)
    assert [(r.width, r.height, r.format) for r in serial] == [
        (r.width, r.height, r.format) for r in threaded
    ]
    for a, b in zip(serial, threaded, strict=True):
        assert abs(len(a.data) - len(b.data)) < 0.02 * len(a.data)


def test_custom_widths_and_formats():
    renditions = imaging.make_renditions(
        encode(photo(1000, 500), "WEBP"), widths=(480, 960), formats=("jpg",)
    )
    assert [(r.width, r.height, r.format) for r in renditions] == [
        (480, 240, "jpeg"),
        (960, 480, "jpeg"),
    ]
    with pytest.raises(ValueError):
        imaging.make_renditions(encode(photo(), "PNG"), formats=("gif",))


def test_renditions_convert_icc_colours_to_srgb():
    img = Image.new("RGBA", (700, 400), (255, 0, 0, 255))
    buf = encode(img, "PNG", icc_profile=SWAPPED_PROFILE)
    for r in imaging.make_renditions(buf, widths=(320, 640)):
        red, green, blue = decoded(r).convert("RGB").getpixel((100, 100))
        assert red < 30 and green > 220 and blue < 30, r
        assert_no_metadata(r.data)


def test_one_upload_object_serves_every_step():
    """validate, clean and render the same (still open) uploaded file."""
    data = encode(photo(1200, 800), "JPEG", exif=gps_exif(1)).getvalue()
    upload = SimpleUploadedFile("foto.jpg", data, "image/jpeg")
    assert imaging.validate_image(upload).format == "JPEG"
    assert imaging.clean_original(upload).width == 1200
    assert len(imaging.make_renditions(upload)) == 8  # 320, 640, 1024, 1200
    assert not upload.closed
    upload.seek(0)
    assert upload.read() == data


@pytest.mark.parametrize("threads", [1, 2])
def test_resizing_in_strips_matches_a_single_resize(monkeypatch, threads):
    monkeypatch.setattr(imaging.renditions, "_STRIP_ROWS", 64)
    src = photo(1999, 1333)
    box = (0.0, 0.0, 1999.0, 1333.0)
    single = src.resize((1600, 1067), imaging.renditions._RESAMPLE, box=box)
    pool = ThreadPoolExecutor(2) if threads > 1 else None
    try:
        strips = imaging.renditions._resize(src, (1600, 1067), box, pool)
    finally:
        if pool:
            pool.shutdown()
    diff = ImageChops.difference(single, strips).convert("L")
    histogram = diff.histogram()
    # Identical but for a few pixels on hard edges (Pillow rounds the box
    # coordinates to float32): no seams, no visible difference.
    assert sum(histogram[2:]) < 0.001 * 1600 * 1067
    assert diff.getextrema()[1] <= 16
