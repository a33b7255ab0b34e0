"""Tests for news.imaging: validation, metadata stripping and renditions.

All images are generated in memory; no database and no Django settings are
needed (the module falls back to its defaults when settings are absent).
"""

import io
import os
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageChops, ImageCms, ImageDraw, ImageFile

from news import imaging

# --------------------------------------------------------------------------
# Helpers


def photo(width=640, height=480, mode="RGB"):
    """A small image with some structure (gradients, shapes, text)."""
    base = Image.linear_gradient("L").resize((width, height))
    img = Image.merge(
        "RGB",
        (
            base,
            base.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
            Image.radial_gradient("L").resize((width, height)),
        ),
    )
    draw = ImageDraw.Draw(img)
    draw.rectangle((width // 8, height // 8, width // 3, height // 3), fill="yellow")
    draw.text((10, height // 2), "Lapas Kelas IIA", fill="white")
    return img.convert(mode) if mode != "RGB" else img


def gps_exif(orientation=None):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Samsung"
    exif[ExifTags.Base.Model] = "Galaxy A54"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (7.0, 43.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (109.0, 1.0, 30.2)
    return exif


def encode(img, fmt, **params):
    buf = io.BytesIO()
    img.save(buf, fmt, **params)
    buf.seek(0)
    return buf


def png_chunk(kind, data):
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_header_only(width, height):
    """A PNG whose IHDR claims width x height; no pixels are allocated."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)  # far too little data for that size
    return io.BytesIO(
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def _s15(value):
    return struct.pack(">i", round(value * 65536))


def _xyz(x, y, z):
    return b"XYZ " + b"\0" * 4 + _s15(x) + _s15(y) + _s15(z)


def rgb_icc_profile(description, red, green, blue, gamma=2.2):
    """A minimal ICC v2 matrix/TRC display profile."""
    text = description.encode() + b"\0"
    desc = b"desc" + b"\0" * 4 + struct.pack(">I", len(text)) + text + b"\0" * 78
    curve = b"curv" + b"\0" * 4 + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"
    tags = [
        (b"desc", desc),
        (b"wtpt", _xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", _xyz(*red)),
        (b"gXYZ", _xyz(*green)),
        (b"bXYZ", _xyz(*blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table = data = b""
    for signature, body in tags:
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body + b"\0" * (-len(body) % 4)
    header = (
        struct.pack(">I", offset + len(data))
        + b"\0" * 4
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 28
        + _s15(0.9642)
        + _s15(1.0)
        + _s15(0.8249)
        + b"\0" * 48
    )
    return header + struct.pack(">I", len(tags)) + table + data


# sRGB primaries (D50-adapted) with red and green swapped: a pixel stored as
# pure red in this colour space is pure green in sRGB.
SRGB_RED = (0.4361, 0.2225, 0.0139)
SRGB_GREEN = (0.3851, 0.7169, 0.0971)
SRGB_BLUE = (0.1431, 0.0606, 0.7141)
SWAPPED_PROFILE = rgb_icc_profile("Swapped primaries", SRGB_GREEN, SRGB_RED, SRGB_BLUE)


def rejected(fileobj, code, **limits):
    with pytest.raises(ValidationError) as info:
        imaging.validate_image(fileobj, **limits)
    assert info.value.code == code, info.value
    assert fileobj.tell() == 0
    return info.value


def assert_no_metadata(data):
    with Image.open(io.BytesIO(data)) as img:
        assert dict(img.getexif()) == {}
        assert img.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"):
            assert key not in img.info, key
    # And no stray EXIF/GPS bytes anywhere in the file.
    assert b"Exif\x00\x00" not in data
    assert b"Galaxy A54" not in data


@pytest.fixture
def django_messages():
    """Allow rendering lazy translated messages without the project settings."""
    from django.conf import settings

    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(USE_I18N=False)


# --------------------------------------------------------------------------
# validate_image: accepted formats


@pytest.mark.parametrize(
    ("fmt", "expected", "params"),
    [
        ("JPEG", "JPEG", {"quality": 90}),
        ("PNG", "PNG", {}),
        ("WEBP", "WEBP", {"quality": 80}),
        ("HEIF", "HEIF", {"quality": 80}),
    ],
)
def test_accepted_formats(fmt, expected, params):
    buf = encode(photo(640, 480), fmt, **params)
    buf.seek(100)
    info = imaging.validate_image(buf)
    assert info == imaging.ImageInfo(format=expected, width=640, height=480)
    assert buf.tell() == 0


def test_uploaded_file_object_is_accepted():
    data = encode(photo(), "JPEG").getvalue()
    upload = SimpleUploadedFile("foto.jpeg", data, content_type="image/jpeg")
    assert imaging.validate_image(upload).format == "JPEG"
    assert upload.tell() == 0


def test_png_named_jpg_is_identified_by_content():
    data = encode(photo(), "PNG").getvalue()
    upload = SimpleUploadedFile("IMG_0001.jpg", data, content_type="image/jpeg")
    info = imaging.validate_image(upload)
    assert info.format == "PNG"
    clean = imaging.clean_original(upload)
    assert clean.ext == "png"
    assert clean.data.startswith(b"\x89PNG")


def test_multi_picture_jpeg_is_a_jpeg_not_an_animation():
    # Phones store depth / gain maps as extra MPF pictures.
    buf = io.BytesIO()
    photo(400, 300).save(
        buf, "MPO", save_all=True, append_images=[photo(200, 150)], quality=90
    )
    buf.seek(0)
    assert Image.open(buf).format == "MPO"
    assert imaging.validate_image(buf).format == "JPEG"
    renditions = imaging.make_renditions(buf, widths=(320,))
    assert {(r.width, r.height) for r in renditions} == {(320, 240)}


# --------------------------------------------------------------------------
# validate_image: rejections


@pytest.mark.parametrize(
    "payload",
    [
        b"<html><body><script>alert(document.cookie)</script></body></html>",
        b"<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<a href="javascript:alert(1)">x</a>',
    ],
)
def test_jpeg_html_polyglot_rejected(payload):
    data = encode(photo(), "JPEG").getvalue()
    assert data.endswith(b"\xff\xd9")
    rejected(io.BytesIO(data + payload), "suspicious_content")


def test_markup_inside_jpeg_comment_rejected():
    buf = encode(photo(), "JPEG", comment=b"<Html><body>hi</body></html>")
    rejected(buf, "suspicious_content")


def test_markup_appended_to_a_large_photo_is_found():
    big = b"\xff" * (3 * 1024 * 1024)
    payload = b"<script>alert(1)</script>"
    assert imaging._contains_markup(io.BytesIO(big + payload), 20 * 1024 * 1024)
    # Also when a long page is appended, its first tag well before the end.
    page = b"<html><body>" + b"Berita palsu. " * 20_000 + b"</body></html>"
    assert imaging._contains_markup(io.BytesIO(big + page), 20 * 1024 * 1024)


def test_marker_bytes_deep_inside_pixel_data_do_not_reject_a_photo():
    # Compressed pixel data of a big photo contains "<svg " by chance now and
    # then; only the metadata head and the appended tail are scanned.
    head = b"\x00" * (imaging._SCAN_HEAD + 100)
    middle = b"<svg " + b"\x00" * 100
    tail = b"\x00" * (imaging._SCAN_TAIL + 100)
    data = head + middle + tail
    assert not imaging._contains_markup(io.BytesIO(data), 20 * 1024 * 1024)


def test_svg_rejected():
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
        b'width="100" height="100"><rect width="100" height="100"/></svg>'
    )
    rejected(SimpleUploadedFile("logo.jpg", svg, "image/jpeg"), "unsupported_format")


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "AVIF", "JPEG2000"])
def test_other_image_formats_rejected(fmt):
    rejected(encode(photo(), fmt), "unsupported_format")


def test_not_an_image_rejected():
    rejected(io.BytesIO(b"%PDF-1.7\n" + b"x" * 1000), "unsupported_format")


def test_empty_file_rejected():
    rejected(io.BytesIO(b""), "empty")


def test_truncated_jpeg_rejected():
    data = encode(photo(1600, 1200), "JPEG", quality=90).getvalue()
    rejected(io.BytesIO(data[: len(data) * 2 // 3]), "corrupt")


def test_truncated_png_rejected():
    data = encode(photo(800, 600), "PNG").getvalue()
    rejected(io.BytesIO(data[: len(data) // 2]), "corrupt")


def test_huge_png_header_rejected_before_decoding(monkeypatch):
    def no_decoding(self, *args, **kwargs):
        raise AssertionError("pixels must not be decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    rejected(png_header_only(50000, 50000), "too_many_pixels")
    # Over our own 50 MP limit, under Pillow's decompression bomb threshold.
    rejected(png_header_only(8000, 8000), "too_many_pixels")


def test_pixel_limit_per_format():
    jpeg = encode(photo(640, 480), "JPEG")
    rejected(jpeg, "too_many_pixels", max_pixels_jpeg=640 * 480 - 1)
    assert imaging.validate_image(jpeg, max_pixels_other=1).format == "JPEG"
    png = encode(photo(640, 480), "PNG")
    rejected(png, "too_many_pixels", max_pixels_other=1000)
    assert imaging.validate_image(png, max_pixels_jpeg=1).format == "PNG"


def test_file_over_size_limit_rejected():
    buf = encode(photo(), "JPEG")
    rejected(buf, "file_too_large", max_bytes=1000)
    upload = SimpleUploadedFile("a.jpg", buf.getvalue(), "image/jpeg")
    rejected(upload, "file_too_large", max_bytes=1000)


def test_size_limit_enforced_on_bytes_read_even_if_size_lies():
    class Liar(io.BytesIO):
        size = 10  # a File object claiming a tiny size

    data = encode(photo(), "JPEG").getvalue()
    rejected(Liar(data), "file_too_large", max_bytes=len(data) - 1)


@pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
def test_animated_images_rejected(fmt):
    frames = [photo(), photo().transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    buf = io.BytesIO()
    frames[0].save(buf, fmt, save_all=True, append_images=frames[1:], duration=100)
    buf.seek(0)
    rejected(buf, "animated")


def test_error_messages_are_indonesian(django_messages):
    err = rejected(png_header_only(8000, 8000), "too_many_pixels")
    (message,) = err.messages
    assert "megapiksel" in message
    assert "8000 x 8000" in message
    assert "64 megapiksel" in message
    assert "%(" not in message
    err = rejected(encode(photo(), "JPEG"), "file_too_large", max_bytes=1536)
    assert "melebihi batas maksimum 1,5 KB" in err.messages[0]
    err = rejected(encode(photo(), "GIF"), "unsupported_format")
    assert "HEIC" in err.messages[0]


# --------------------------------------------------------------------------
# clean_original


def test_clean_original_strips_gps_and_all_metadata():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buf = encode(
        photo(800, 600),
        "JPEG",
        exif=gps_exif(),
        icc_profile=icc,
        comment=b"Kamera kantor",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>',
    )
    with Image.open(buf) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "icc_profile" in original.info and "comment" in original.info
    clean = imaging.clean_original(buf)
    assert (clean.ext, clean.width, clean.height) == ("jpg", 800, 600)
    assert clean.content_type == "image/jpeg"
    assert_no_metadata(clean.data)


@pytest.mark.parametrize(
    ("fmt", "ext", "mode"),
    [("PNG", "png", "RGBA"), ("WEBP", "webp", "RGBA"), ("HEIF", "jpg", "RGB")],
)
def test_clean_original_per_format(fmt, ext, mode):
    img = photo(300, 200, mode="RGBA")
    img.putalpha(Image.linear_gradient("L").resize((300, 200)))
    clean = imaging.clean_original(encode(img, fmt, exif=gps_exif()))
    assert clean.ext == ext
    assert_no_metadata(clean.data)
    with Image.open(io.BytesIO(clean.data)) as out:
        assert out.size == (300, 200)
        assert out.mode == mode  # alpha kept for PNG and WebP


def test_clean_original_applies_exif_orientation():
    img = Image.new("RGB", (200, 100), "blue")
    img.paste((255, 0, 0), (0, 0, 20, 20))  # red mark at the stored top-left
    clean = imaging.clean_original(encode(img, "JPEG", exif=gps_exif(6)))
    assert (clean.width, clean.height) == (100, 200)
    with Image.open(io.BytesIO(clean.data)) as out:
        assert out.size == (100, 200)
        # Orientation 6: displayed rotated 90 degrees clockwise, so the mark
        # ends up at the top-right.
        red, green, blue = out.convert("RGB").getpixel((95, 5))
        assert red > 200 and blue < 60
    assert_no_metadata(clean.data)


def test_clean_original_converts_icc_colours_to_srgb():
    img = Image.new("RGB", (300, 200), (255, 0, 0))
    clean = imaging.clean_original(
        encode(img, "JPEG", icc_profile=SWAPPED_PROFILE, quality=95)
    )
    with Image.open(io.BytesIO(clean.data)) as out:
        red, green, blue = out.getpixel((150, 100))
    assert red < 30 and green > 220 and blue < 30
    assert_no_metadata(clean.data)


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
        (w, fmt) for w in (320, 640, 1024, 1600) for fmt in ("webp", "jpeg")
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
    assert len(imaging.make_renditions(upload)) == 6
    assert not upload.closed
    upload.seek(0)
    assert upload.read() == data


@pytest.mark.parametrize("threads", [1, 2])
def test_resizing_in_strips_matches_a_single_resize(monkeypatch, threads):
    monkeypatch.setattr(imaging, "_STRIP_ROWS", 64)
    src = photo(1999, 1333)
    box = (0.0, 0.0, 1999.0, 1333.0)
    single = src.resize((1600, 1067), imaging._RESAMPLE, box=box)
    pool = imaging.ThreadPoolExecutor(2) if threads > 1 else None
    try:
        strips = imaging._resize(src, (1600, 1067), box, pool)
    finally:
        if pool:
            pool.shutdown()
    diff = ImageChops.difference(single, strips).convert("L")
    histogram = diff.histogram()
    # Identical but for a few pixels on hard edges (Pillow rounds the box
    # coordinates to float32): no seams, no visible difference.
    assert sum(histogram[2:]) < 0.001 * 1600 * 1067
    assert diff.getextrema()[1] <= 16
