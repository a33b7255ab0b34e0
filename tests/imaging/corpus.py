"""A corpus of broken and hostile images, generated in memory.

Each case is built from Pillow and byte manipulation, deterministically
(fixed seeds), so the corpus is the same on every run and needs no files:

- truncated JPEG, PNG, WebP and HEIC, cut at many offsets;
- bytes flipped inside the compressed data, and headers of one format on the
  body of another (wrong magic);
- headers claiming huge or zero dimensions (a PNG of 100000 x 100000, a JPEG
  of 65535 x 65535: decompression bombs that allocate nothing);
- broken, truncated, oversized and lying ICC profiles;
- polyglots: JPEG+ZIP, GIF+JavaScript, SVG and HTML named .jpg, markup in
  metadata chunks, PDF and PHP payloads;
- empty and near-empty files;
- several frames: animated GIF, WebP and PNG, a HEIC holding several images;
- mode oddities that are valid images: CMYK, 16-bit, palette, 1-bit, grey
  with alpha, EXIF rotations, a broken EXIF block.

`Case.expect` says what the upload form must do: "refused" (with one of the
validator's messages, `Case.code` naming which when it is certain),
"accepted" (a valid image, however odd), or "either" (a cut that may still
decode, such as one that loses only the end marker).
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pillow_heif
from PIL import ExifTags, Image, ImageDraw

from tests.imaging.samples import SWAPPED_PROFILE

pillow_heif.register_heif_opener()

REFUSED, ACCEPTED, EITHER = "refused", "accepted", "either"
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "heic": "image/heic",
    "gif": "image/gif",
    "svg": "image/svg+xml",
    "html": "text/html",
    "pdf": "application/pdf",
    "zip": "application/zip",
}


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    expect: str = REFUSED
    code: str | None = None  # the validator's code, when certain
    extension: str = "jpg"

    @property
    def filename(self) -> str:
        return "%s.%s" % (self.name, self.extension)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.extension, "application/octet-stream")


# --- Building blocks ------------------------------------------------------------


def picture(width: int = 160, height: int = 120, mode: str = "RGB") -> Image.Image:
    img = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    if min(width, height) >= 16:
        draw = ImageDraw.Draw(img)
        draw.rectangle(
            (width // 8, height // 8, width // 3, height // 3), fill="yellow"
        )
        box = (width // 2, height // 3, width - 5, height - 5)
        draw.ellipse(box, fill=(20, 80, 140))
    return img if mode == "RGB" else img.convert(mode)


def encoded(fmt: str, img: Image.Image | None = None, **params) -> bytes:
    buf = io.BytesIO()
    (img or picture()).save(buf, fmt, **params)
    return buf.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_claiming(width: int, height: int, *, depth: int = 8, colour: int = 2) -> bytes:
    """A PNG whose IHDR claims width x height over a few bytes of pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def png_zip_bomb(width: int, height: int) -> bytes:
    """A real PNG of width x height black pixels: tiny on disk, large decoded."""
    row = b"\x00" + b"\x00" * width  # filter byte + grey pixels
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height))
    idat += compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def png_16bit_rgb(width: int, height: int) -> bytes:
    """A real 48-bit RGB PNG (Pillow cannot write one): a 16-bit gradient."""
    rows = b"".join(
        b"\x00"
        + b"".join(struct.pack(">HHH", x * 1000, y * 1000, 40000) for x in range(width))
        for y in range(height)
    )
    ihdr = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG with its frame header (SOF0) rewritten to claim a size."""
    data = bytearray(encoded("JPEG", quality=80))
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def webp_claiming(width: int, height: int) -> bytes:
    """A WebP whose VP8X canvas claims width x height (24-bit minus-one fields)."""
    body = encoded("WEBP", picture(32, 32), quality=50)[12:]  # the VP8 chunk
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
    vp8x += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    payload = b"WEBP" + vp8x + body
    return b"RIFF" + struct.pack("<I", len(payload)) + payload


def flipped(data: bytes, *, seed: int, count: int, skip: int) -> bytes:
    """`count` random bytes after the first `skip` replaced (headers intact)."""
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(count):
        out[rng.randrange(skip, len(out))] = rng.randrange(256)
    return bytes(out)


def multi_frame(fmt: str, frames: int = 3, **params) -> bytes:
    images = [picture().rotate(30 * i) for i in range(frames)]
    buf = io.BytesIO()
    images[0].save(buf, fmt, save_all=True, append_images=images[1:], **params)
    return buf.getvalue()


def zip_archive() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("shell.php", "<?php system($_GET['c']); ?>")
        archive.writestr("readme.txt", "bukan foto")
    return buf.getvalue()


def exif_with(**tags) -> Image.Exif:
    exif = Image.Exif()
    for key, value in tags.items():
        exif[getattr(ExifTags.Base, key)] = value
    return exif


# --- The corpus -------------------------------------------------------------------


def _truncations() -> Iterator[Case]:
    sources = {
        "jpg": lambda: encoded("JPEG", picture(320, 240), quality=90),
        "png": lambda: encoded("PNG", picture(320, 240)),
        "webp": lambda: encoded("WEBP", picture(320, 240), quality=80),
        "heic": lambda: encoded("HEIF", picture(320, 240), quality=60),
    }
    # Fractions of the file, and the first few bytes (headers cut mid-field).
    fractions = [i / 20 for i in range(1, 20)]
    for extension, source in sources.items():
        for fraction in fractions:

            def make(source=source, fraction=fraction):
                data = source()
                return data[: max(1, int(len(data) * fraction))]

            yield Case(
                "truncated-%s-%02d" % (extension, round(fraction * 100)),
                make,
                REFUSED,
                extension=extension,
            )
        for cut in (1, 4, 8, 12, 16, 33):
            yield Case(
                "truncated-%s-at-byte-%d" % (extension, cut),
                lambda source=source, cut=cut: source()[:cut],
                REFUSED,
                extension=extension,
            )
    # Only the end marker missing: decoders differ on whether that is whole.
    yield Case(
        "jpeg-without-end-marker",
        lambda: encoded("JPEG", picture(320, 240))[:-2],
        EITHER,
    )
    yield Case(
        "png-without-iend",
        lambda: encoded("PNG", picture(320, 240))[:-12],
        EITHER,
        extension="png",
    )


def _flipped_bytes() -> Iterator[Case]:
    sources = {
        "jpg": (lambda: encoded("JPEG", picture(320, 240), quality=90), 700),
        "png": (lambda: encoded("PNG", picture(320, 240)), 40),
        "webp": (lambda: encoded("WEBP", picture(320, 240), quality=80), 40),
    }
    for extension, (source, skip) in sources.items():
        for seed in range(15):
            # Flipped entropy-coded bytes may still decode (to wrong pixels).
            yield Case(
                "flipped-%s-%02d" % (extension, seed),
                lambda source=source, skip=skip, seed=seed: flipped(
                    source(), seed=seed, count=1 + seed, skip=skip
                ),
                EITHER,
                extension=extension,
            )


def _wrong_magic() -> Iterator[Case]:
    jpeg = lambda: encoded("JPEG")  # noqa: E731
    png = lambda: encoded("PNG")  # noqa: E731
    webp = lambda: encoded("WEBP")  # noqa: E731
    cases = {
        "png-magic-on-jpeg": lambda: b"\x89PNG\r\n\x1a\n" + jpeg()[2:],
        "jpeg-magic-on-png": lambda: b"\xff\xd8\xff\xe0" + png()[8:],
        "riff-magic-on-png": lambda: b"RIFF\x00\x00\x00\x00WEBP" + png(),
        "gif-magic-on-jpeg": lambda: b"GIF89a" + jpeg()[6:],
        "heic-ftyp-on-jpeg": lambda: b"\x00\x00\x00\x18ftypheic" + jpeg(),
        "jpeg-body-without-soi": lambda: jpeg()[2:],
        "png-bad-signature-byte": lambda: b"\x89PNG\r\n\x1a\x00" + png()[8:],
        "png-ihdr-crc-wrong": lambda: png()[:29] + b"\x00\x00\x00\x00" + png()[33:],
        "webp-riff-size-lies": lambda: webp()[:4] + b"\xff\xff\xff\x7f" + webp()[8:],
        "webp-vp8-garbage": lambda: webp()[:20] + bytes(range(256)) * 4,
        "bmp-named-jpg": lambda: encoded("BMP"),
        "tiff-named-jpg": lambda: encoded("TIFF"),
        "ico-named-jpg": lambda: encoded("ICO", picture(64, 64)),
        "random-bytes": lambda: random.Random(7).randbytes(5000),
        "text-file": lambda: b"Laporan kegiatan pembinaan\n" * 50,
    }
    for name, make in cases.items():
        code = None
        if name in ("bmp-named-jpg", "tiff-named-jpg", "ico-named-jpg", "text-file"):
            code = "unsupported_format"
        yield Case(name, make, REFUSED, code=code)


def _huge_dimensions() -> Iterator[Case]:
    cases = [
        ("png-100000x100000", lambda: png_claiming(100_000, 100_000), "png"),
        ("png-2147483647-wide", lambda: png_claiming(2**31 - 1, 1), "png"),
        (
            "png-16bit-30000x30000",
            lambda: png_claiming(30_000, 30_000, depth=16),
            "png",
        ),
        ("png-0x0", lambda: png_claiming(0, 0), "png"),
        ("png-1x0", lambda: png_claiming(1, 0), "png"),
        ("png-8000x8000-header", lambda: png_claiming(8000, 8000), "png"),
        ("jpeg-65535x65535", lambda: jpeg_claiming(65535, 65535), "jpg"),
        ("jpeg-65535x1", lambda: jpeg_claiming(65535, 1), "jpg"),
        ("jpeg-0x0", lambda: jpeg_claiming(0, 0), "jpg"),
        ("jpeg-20000x20000", lambda: jpeg_claiming(20000, 20000), "jpg"),
        ("webp-16384x16384", lambda: webp_claiming(16384, 16384), "webp"),
        ("webp-canvas-1x1-lies", lambda: webp_claiming(1, 1), "webp"),
        # Real pixels, compressed to nothing: within the limits, so valid.
        ("png-zip-bomb-3000x3000", lambda: png_zip_bomb(3000, 3000), "png"),
        # Over the 50-megapixel limit for PNG, refused from the header.
        ("png-zip-bomb-8000x8000", lambda: png_zip_bomb(8000, 8000), "png"),
    ]
    for name, make, extension in cases:
        expect, code = REFUSED, None
        if name == "png-zip-bomb-3000x3000":
            expect = ACCEPTED
        elif name in (
            "png-100000x100000",
            "png-2147483647-wide",
            "png-16bit-30000x30000",
            "png-8000x8000-header",
            "jpeg-65535x65535",
            "jpeg-20000x20000",
            "webp-16384x16384",
            "png-zip-bomb-8000x8000",
        ):
            code = "too_many_pixels"
        yield Case(name, make, expect, code=code, extension=extension)


def _icc_profiles() -> Iterator[Case]:
    rng = random.Random(11)
    profiles = {
        "garbage": b"this is not an ICC profile",
        "random-60k": rng.randbytes(60_000),
        "truncated": SWAPPED_PROFILE[:100],
        "size-lies": struct.pack(">I", 0x7FFFFFFF) + SWAPPED_PROFILE[4:],
        "zero-tags": SWAPPED_PROFILE[:128] + b"\x00\x00\x00\x00",
        "tag-offsets-out-of-range": SWAPPED_PROFILE[:132]
        + b"desc\x7f\xff\xff\xff\x7f\xff\xff\xff"
        + SWAPPED_PROFILE[144:],
        "cmyk-header-on-rgb": SWAPPED_PROFILE[:16] + b"CMYK" + SWAPPED_PROFILE[20:],
        "valid-swapped": SWAPPED_PROFILE,
    }
    for label, profile in profiles.items():
        for fmt, extension in (("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")):
            # A broken profile is ignored (imaging.pixels.to_srgb): the
            # pixels are still a valid picture.
            yield Case(
                "icc-%s-%s" % (label, extension),
                lambda fmt=fmt, profile=profile: encoded(
                    fmt, picture(), icc_profile=profile
                ),
                ACCEPTED,
                extension=extension,
            )


GIF_JS = (
    b"GIF89a/*\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01"
    b"\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    b"*/=alert(document.cookie);//"
)
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
    b'onload="alert(1)"><rect width="10" height="10"/></svg>'
)
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def _polyglots() -> Iterator[Case]:
    jpeg = lambda: encoded("JPEG")  # noqa: E731
    cases = [
        ("jpeg-plus-zip", lambda: jpeg() + zip_archive(), EITHER, None),
        ("zip-named-jpg", zip_archive, REFUSED, "unsupported_format"),
        ("gif-plus-javascript", lambda: GIF_JS, REFUSED, None),
        ("svg-named-jpg", lambda: SVG, REFUSED, "unsupported_format"),
        ("html-named-jpg", lambda: HTML, REFUSED, "unsupported_format"),
        (
            "jpeg-plus-html",
            lambda: jpeg() + HTML,
            REFUSED,
            "suspicious_content",
        ),
        (
            "jpeg-comment-svg",
            lambda: encoded("JPEG", comment=b"<svg onload=alert(1)>"),
            REFUSED,
            "suspicious_content",
        ),
        (
            "jpeg-exif-script",
            lambda: encoded(
                "JPEG", exif=exif_with(ImageDescription="<script>alert(1)</script>")
            ),
            REFUSED,
            "suspicious_content",
        ),
        (
            "png-text-chunk-script",
            lambda: _png_with_chunk(b"tEXt", b"Comment\x00<script src=//x.y/z>"),
            REFUSED,
            "suspicious_content",
        ),
        (
            "png-javascript-url",
            lambda: _png_with_chunk(b"tEXt", b"URL\x00javascript:alert(1)"),
            REFUSED,
            "suspicious_content",
        ),
        (
            "webp-plus-html",
            lambda: encoded("WEBP") + HTML,
            REFUSED,
            None,
        ),
        ("pdf-named-jpg", lambda: b"%PDF-1.7\n" + b"x" * 2000, REFUSED, None),
        (
            "jpeg-comment-php",
            lambda: encoded("JPEG", comment=b"<?php echo 1; ?>"),
            EITHER,
            None,
        ),
        ("html-with-jpeg-magic", lambda: b"\xff\xd8\xff\xe0" + HTML, REFUSED, None),
        ("svg-with-png-magic", lambda: b"\x89PNG\r\n\x1a\n" + SVG, REFUSED, None),
    ]
    for name, make, expect, code in cases:
        yield Case(name, make, expect, code=code)


def _png_with_chunk(kind: bytes, data: bytes) -> bytes:
    png = encoded("PNG")
    return png[:33] + png_chunk(kind, data) + png[33:]


def _tiny_files() -> Iterator[Case]:
    cases = {
        "zero-bytes": (b"", "empty"),
        "one-byte": (b"\xff", None),
        "jpeg-soi-only": (b"\xff\xd8", None),
        "jpeg-soi-eoi": (b"\xff\xd8\xff\xd9", None),
        "png-signature-only": (b"\x89PNG\r\n\x1a\n", None),
        "riff-header-only": (b"RIFF\x04\x00\x00\x00WEBP", None),
        "heic-ftyp-only": (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", None),
        "nul-bytes": (b"\x00" * 1024, None),
    }
    for name, (data, code) in cases.items():
        yield Case(name, lambda data=data: data, REFUSED, code=code)


def _frames() -> Iterator[Case]:
    yield Case(
        "gif-animated",
        lambda: multi_frame("GIF", duration=80),
        REFUSED,
        extension="gif",
    )
    yield Case(
        "gif-still", lambda: encoded("GIF"), REFUSED, "unsupported_format", "gif"
    )
    yield Case(
        "webp-animated",
        lambda: multi_frame("WEBP", duration=80),
        REFUSED,
        "animated",
        "webp",
    )
    yield Case(
        "png-animated",
        lambda: multi_frame("PNG", duration=80),
        REFUSED,
        "animated",
        "png",
    )
    for count in (2, 3, 5):
        yield Case(
            "heic-%d-images" % count,
            lambda count=count: multi_frame("HEIF", frames=count, quality=50),
            REFUSED,
            "multiple_images",
            "heic",
        )
    # A JPEG with a second picture in an MPO index (a phone's depth map).
    yield Case("jpeg-mpo", lambda: multi_frame("MPO", frames=2), ACCEPTED)


def _modes() -> Iterator[Case]:
    def rotated(orientation):
        return lambda: encoded("JPEG", exif=exif_with(Orientation=orientation))

    cases = [
        ("jpeg-cmyk", lambda: encoded("JPEG", picture(mode="CMYK")), "jpg"),
        ("jpeg-grey", lambda: encoded("JPEG", picture(mode="L")), "jpg"),
        ("jpeg-progressive", lambda: encoded("JPEG", progressive=True), "jpg"),
        ("jpeg-1x1", lambda: encoded("JPEG", picture(1, 1)), "jpg"),
        ("jpeg-10000x1", lambda: encoded("JPEG", picture(10000, 1)), "jpg"),
        ("png-16bit-grey", lambda: encoded("PNG", picture(mode="I;16")), "png"),
        ("png-16bit-rgb", lambda: png_16bit_rgb(64, 48), "png"),
        ("png-palette", lambda: encoded("PNG", picture(mode="P")), "png"),
        (
            "png-palette-transparent",
            lambda: encoded("PNG", picture(mode="P"), transparency=0),
            "png",
        ),
        ("png-1bit", lambda: encoded("PNG", picture(mode="1")), "png"),
        ("png-grey-alpha", lambda: encoded("PNG", picture(mode="LA")), "png"),
        ("png-rgba", lambda: encoded("PNG", picture(mode="RGBA")), "png"),
        ("png-interlaced", lambda: encoded("PNG", picture(), interlace=1), "png"),
        (
            "png-huge-text-chunk",
            lambda: _png_with_chunk(b"tEXt", b"Comment\x00" + b"a" * 200_000),
            "png",
        ),
        ("webp-rgba", lambda: encoded("WEBP", picture(mode="RGBA")), "webp"),
        ("webp-lossless", lambda: encoded("WEBP", lossless=True), "webp"),
        ("heic-still", lambda: encoded("HEIF", quality=50), "heic"),
        (
            "jpeg-broken-exif",
            lambda: _jpeg_with_app1(b"Exif\x00\x00II*\x00" + b"\xff" * 40),
            "jpg",
        ),
        ("jpeg-exif-ifd-loop", lambda: _jpeg_with_app1(_exif_loop()), "jpg"),
    ]
    for orientation in range(1, 9):
        cases.append(("jpeg-orientation-%d" % orientation, rotated(orientation), "jpg"))
    cases.append(("jpeg-orientation-99", rotated(99), "jpg"))
    for name, make, extension in cases:
        yield Case(name, make, ACCEPTED, extension=extension)


def _jpeg_with_app1(payload: bytes) -> bytes:
    jpeg = encoded("JPEG")
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def _exif_loop() -> bytes:
    """A TIFF header whose IFD's next-IFD pointer points back at itself."""
    ifd = struct.pack("<H", 1) + struct.pack("<HHII", 0x0112, 3, 1, 1)
    ifd += struct.pack("<I", 8)  # next IFD: this one again
    return b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + ifd


def corpus() -> list[Case]:
    cases = [
        *_truncations(),
        *_flipped_bytes(),
        *_wrong_magic(),
        *_huge_dimensions(),
        *_icc_profiles(),
        *_polyglots(),
        *_tiny_files(),
        *_frames(),
        *_modes(),
    ]
    names = [case.name for case in cases]
    assert len(names) == len(set(names)), "corpus case names must be unique"
    return cases
