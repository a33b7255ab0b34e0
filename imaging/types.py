"""What the image pipeline returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@dataclass(frozen=True)
class ImageInfo:
    """Result of :func:`validate_image` (dimensions as stored in the file)."""

    format: str  # one of ACCEPTED_FORMATS
    width: int
    height: int


class CleanedImage(NamedTuple):
    """Result of :func:`clean_original`."""

    data: bytes
    ext: str  # "jpg", "png" or "webp"
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.ext]


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    format: str  # "webp" or "jpeg"
    data: bytes

    @property
    def ext(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.ext]
