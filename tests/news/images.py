"""Photos generated in memory for the photo tests, and checks on stored files."""

import io
import posixpath

import pillow_heif
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageDraw

pillow_heif.register_heif_opener()

CAMERA = "Galaxy A54"
# The upload's format -> what photo_upload keeps (imaging.clean_original).
ACCEPTED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "HEIF": "jpg"}
CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "HEIF": "image/heic",
}
NAMES = {"JPEG": "IMG_0001.jpg", "PNG": "layar.png", "WEBP": "foto.webp"}


def picture(width=640, height=480) -> Image.Image:
    """An image with some structure, so encoders have real work to do."""
    img = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(img)
    draw.rectangle((width // 8, height // 8, width // 3, height // 3), fill="yellow")
    draw.ellipse((width // 2, height // 3, width - 10, height - 10), fill=(20, 80, 140))
    return img


def gps_exif(orientation=None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Samsung"
    exif[ExifTags.Base.Model] = CAMERA
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 11.0, 45.5)  # Salemba, Jakarta
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 51.0, 2.1)
    return exif


def encoded(fmt="JPEG", size=(640, 480), img=None, **params) -> bytes:
    buf = io.BytesIO()
    (img or picture(*size)).save(buf, fmt, **params)
    return buf.getvalue()


def upload(fmt="JPEG", size=(640, 480), *, gps=True, name=None, **params):
    """An upload as a phone sends it: GPS and camera in its EXIF."""
    if gps:
        params["exif"] = gps_exif(params.pop("orientation", None))
    data = encoded(fmt, size, **params)
    return SimpleUploadedFile(
        name or NAMES.get(fmt, "IMG_0001.HEIC"), data, CONTENT_TYPES[fmt]
    )


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as img:
        return bool(img.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def assert_no_metadata(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as img:
        assert dict(img.getexif()) == {}
        assert img.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"):
            assert key not in img.info, key
    assert b"Exif\x00\x00" not in data
    assert CAMERA.encode() not in data


def read(storage, name: str) -> bytes:
    with storage.open(name, "rb") as stored:
        return stored.read()


def stored_names(storage, path: str = "") -> set[str]:
    """Every file in a storage under `path`, through the storage API."""
    if path and not storage.exists(path):
        return set()
    dirs, files = storage.listdir(path)
    names = {posixpath.join(path, name) for name in files}
    for folder in dirs:
        names |= stored_names(storage, posixpath.join(path, folder))
    return names
