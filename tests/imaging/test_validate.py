"""Tests for imaging.validate: which uploads are accepted.

All images are generated in memory; no database and no Django settings are
needed (the package falls back to its defaults when settings are absent).
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

import imaging
from tests.imaging.samples import encode, photo, png_header_only

contains_markup = imaging.validate._contains_markup
LIMIT = 20 * 1024 * 1024


def rejected(fileobj, code, **limits):
    with pytest.raises(ValidationError) as info:
        imaging.validate_image(fileobj, **limits)
    assert info.value.code == code, info.value
    assert fileobj.tell() == 0
    return info.value


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
    assert contains_markup(io.BytesIO(big + payload), LIMIT)
    # Also when a long page is appended, its first tag well before the end.
    page = b"<html><body>" + b"Berita palsu. " * 20_000 + b"</body></html>"
    assert contains_markup(io.BytesIO(big + page), LIMIT)


def test_marker_bytes_deep_inside_pixel_data_do_not_reject_a_photo():
    # Compressed pixel data of a big photo contains "<svg " by chance now and
    # then; only the metadata head and the appended tail are scanned.
    head = b"\x00" * (imaging.validate._SCAN_HEAD + 100)
    middle = b"<svg " + b"\x00" * 100
    tail = b"\x00" * (imaging.validate._SCAN_TAIL + 100)
    data = head + middle + tail
    assert not contains_markup(io.BytesIO(data), LIMIT)


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
