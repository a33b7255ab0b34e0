"""Photo-like demo covers, drawn with Pillow (no photographs shipped).

Each cover is a small scene that reads as a photograph at a glance: a hall
with a banner and rows of people, a yard with trees and a building, or a
workshop with tables. Light falls from one side, the background is softened
as by a lens, and there is grain and a vignette. The same seed always gives
the same picture, so a reloaded demo looks the same.
"""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops, ImageDraw, ImageFont

SIZE = (1200, 800)  # 3:2 like a camera; renditions up to 1024 wide
SKIN = [(141, 85, 36), (198, 134, 66), (224, 172, 105), (172, 112, 72)]
CLOTHES = [
    (28, 52, 94),  # staff navy
    (235, 235, 230),  # white shirt
    (86, 110, 70),  # olive
    (140, 60, 50),  # batik brown
    (200, 160, 60),  # batik ochre
    (60, 60, 66),  # charcoal
    (110, 140, 170),  # light blue
]
WALLS = [(214, 205, 188), (190, 200, 205), (222, 214, 196), (200, 190, 170)]
BANNER = [(11, 37, 69), (120, 30, 30), (19, 80, 60)]


def _vertical(size, top, bottom) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size, Image.BILINEAR)
    return Image.composite(
        Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask
    )


def _person(draw, rnd, x, y, scale, *, back=False) -> None:
    """A person seen from the front, or from behind (`back`): shoulders, head."""
    body = rnd.choice(CLOTHES)
    skin = rnd.choice(SKIN)
    w, h = 70 * scale, 120 * scale
    draw.rounded_rectangle(
        (x - w / 2, y, x + w / 2, y + h), radius=28 * scale, fill=body
    )
    draw.rectangle(
        (x - 9 * scale, y - 14 * scale, x + 9 * scale, y + 4 * scale), fill=skin
    )
    head = 25 * scale
    draw.ellipse((x - head, y - 62 * scale, x + head, y - 8 * scale), fill=skin)
    hair = (25, 20, 18) if rnd.random() < 0.8 else (70, 60, 55)
    if rnd.random() < 0.35:  # a headscarf
        scarf = rnd.choice(CLOTHES[1:])
        draw.ellipse(
            (x - head - 6 * scale, y - 68 * scale, x + head + 6 * scale, y + 2 * scale),
            fill=scarf,
        )
        if not back:  # the face, framed by the scarf
            face = (x - head * 0.6, y - 50 * scale, x + head * 0.6, y - 14 * scale)
            draw.ellipse(face, fill=skin)
    elif back:  # the back of the head: hair only
        draw.ellipse((x - head, y - 62 * scale, x + head, y - 6 * scale), fill=hair)
    else:
        draw.chord(
            (x - head, y - 64 * scale, x + head, y - 20 * scale), 180, 360, fill=hair
        )


def _banner_text(title: str, limit: int = 34) -> str:
    words, text = title.split(), ""
    for word in words:
        if len(text) + len(word) + 1 > limit:
            break
        text = (text + " " + word).strip()
    return text.upper()


def _soften(image: Image.Image, factor: int = 4) -> Image.Image:
    """A cheap lens blur: down and up again."""
    small = image.resize(
        (image.width // factor, image.height // factor), Image.BILINEAR
    )
    return small.resize(image.size, Image.BICUBIC)


def _hall(rnd, title: str) -> Image.Image:
    width, height = SIZE
    wall = rnd.choice(WALLS)
    image = _vertical(SIZE, tuple(c - 25 for c in wall), wall)
    draw = ImageDraw.Draw(image)
    floor_y = int(height * 0.55)
    draw.rectangle((0, floor_y, width, height), fill=(150, 120, 95))
    for x in range(-width, 2 * width, 120):  # floor tiles in perspective
        draw.line(
            (width / 2 + (x - width / 2) * 0.3, floor_y, x, height),
            fill=(135, 108, 86),
            width=3,
        )
    banner = rnd.choice(BANNER)
    draw.rectangle(
        (width * 0.18, height * 0.08, width * 0.82, height * 0.3), fill=banner
    )
    font = ImageFont.load_default(size=34)
    draw.text(
        (width / 2, height * 0.19),
        _banner_text(title),
        font=font,
        fill=(240, 225, 170),
        anchor="mm",
    )
    for wx in (0.04, 0.88):  # windows with daylight
        draw.rectangle(
            (width * wx, height * 0.1, width * (wx + 0.08), height * 0.45),
            fill=(236, 242, 246),
        )
    image = _soften(image)  # the lens focuses on people
    draw = ImageDraw.Draw(image)
    for row in range(4):
        scale = 0.9 + row * 0.45
        y = floor_y - 10 + row * 95
        for x in range(-40, width + 80, int(110 * scale)):
            _person(
                draw,
                rnd,
                x + rnd.randint(-15, 15),
                y + rnd.randint(-8, 8),
                scale,
                back=True,
            )
    return image


def _yard(rnd, title: str) -> Image.Image:
    width, height = SIZE
    image = _vertical(SIZE, (120, 170, 220), (215, 230, 240))
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.5)
    wall = rnd.choice(WALLS)
    draw.rectangle((width * 0.1, height * 0.2, width * 0.9, horizon), fill=wall)
    draw.polygon(
        [
            (width * 0.06, height * 0.22),
            (width / 2, height * 0.06),
            (width * 0.94, height * 0.22),
        ],
        fill=(150, 70, 50),
    )
    for x in range(int(width * 0.15), int(width * 0.85), 110):
        draw.rectangle((x, height * 0.28, x + 55, height * 0.4), fill=(70, 80, 90))
    draw.rectangle((0, horizon, width, height), fill=(96, 140, 70))
    for x in (60, width - 180, width * 0.45):  # trees
        draw.rectangle((x + 50, horizon - 120, x + 70, horizon + 20), fill=(90, 60, 40))
        draw.ellipse((x - 30, horizon - 300, x + 150, horizon - 90), fill=(50, 100, 50))
    image = _soften(image)
    draw = ImageDraw.Draw(image)
    for _ in range(rnd.randint(6, 11)):
        scale = rnd.uniform(1.1, 2.0)
        _person(
            draw,
            rnd,
            rnd.randint(60, width - 60),
            horizon + int(160 * scale) - 80,
            scale,
        )
    return image


def _workshop(rnd, title: str) -> Image.Image:
    width, height = SIZE
    image = _vertical(SIZE, (170, 165, 150), (210, 200, 180))
    draw = ImageDraw.Draw(image)
    floor_y = int(height * 0.5)
    draw.rectangle((0, floor_y, width, height), fill=(120, 115, 105))
    for shelf in range(3):
        y = height * (0.12 + shelf * 0.12)
        draw.rectangle((width * 0.05, y, width * 0.6, y + 12), fill=(100, 70, 45))
        for x in range(int(width * 0.06), int(width * 0.58), 45):
            draw.rectangle((x, y - 50, x + 30, y), fill=rnd.choice(CLOTHES))
    image = _soften(image)
    draw = ImageDraw.Draw(image)
    for row in range(2):
        y = floor_y + 90 + row * 220
        scale = 1.3 + row * 0.6
        for x in range(80, width, int(260 * scale)):
            _person(draw, rnd, x + 60, y - 130 * scale, scale)
            draw.rectangle(
                (x - 40, y, x + 200 * scale, y + 40 * scale), fill=(140, 100, 60)
            )
            draw.rectangle(
                (x, y - 12, x + 120, y), fill=rnd.choice(CLOTHES)
            )  # work on the table
    return image


SCENES = {"hall": _hall, "yard": _yard, "workshop": _workshop}
CATEGORY_SCENES = {
    "pembinaan-kemandirian": ("workshop", "yard"),
    "berita-daerah-kanwil": ("yard", "hall"),
}


def _finish(image: Image.Image, rnd) -> Image.Image:
    """Side light, vignette and grain: what makes it read as a photograph."""
    width, height = image.size
    light = (
        Image.linear_gradient("L")
        .rotate(rnd.choice((90, -90)), expand=True)
        .resize(image.size, Image.BILINEAR)
    )
    image = Image.composite(image, Image.eval(image, lambda v: int(v * 0.82)), light)
    vignette = Image.radial_gradient("L").resize(image.size, Image.BILINEAR)
    image = Image.composite(
        Image.new("RGB", image.size, (20, 20, 20)),
        image,
        vignette.point(lambda v: max(0, v - 140)),
    )
    # A small tile of noise repeated: grain costs little this way.
    tile = Image.frombytes("L", (240, 240), rnd.randbytes(240 * 240))
    tile = tile.point(lambda v: 128 + (v - 128) // 12).convert("RGB")
    grain = Image.new("RGB", image.size)
    for x in range(0, image.width, tile.width):
        for y in range(0, image.height, tile.height):
            grain.paste(tile, (x, y))
    return ImageChops.add(image, grain, 1.0, -128)  # zero-mean grain


def demo_photo(*, seed: int, category: str, title: str) -> SimpleUploadedFile:
    """A photo-like JPEG cover for a demo post (same seed, same picture)."""
    rnd = random.Random(seed)
    names = CATEGORY_SCENES.get(category, ("hall", "yard", "hall"))
    image = SCENES[names[seed % len(names)]](rnd, title)
    buffer = io.BytesIO()
    _finish(image, rnd).save(buffer, "JPEG", quality=86)
    return SimpleUploadedFile(
        "IMG_%04d.jpg" % (1000 + seed), buffer.getvalue(), "image/jpeg"
    )
