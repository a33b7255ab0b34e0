"""Images generated in memory for the image pipeline tests."""

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageDraw


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


def assert_no_metadata(data):
    with Image.open(io.BytesIO(data)) as img:
        assert dict(img.getexif()) == {}
        assert img.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"):
            assert key not in img.info, key
    # And no stray EXIF/GPS bytes anywhere in the file.
    assert b"Exif\x00\x00" not in data
    assert b"Galaxy A54" not in data
