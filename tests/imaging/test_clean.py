"""Tests for imaging.clean: the clean copy keeps pixels, drops metadata.

All images are generated in memory; no database and no Django settings are
needed (the package falls back to its defaults when settings are absent).
"""

import io

import pytest
from PIL import ExifTags, Image, ImageCms

import imaging
from tests.imaging.samples import (
    SWAPPED_PROFILE,
    assert_no_metadata,
    encode,
    gps_exif,
    photo,
)

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
