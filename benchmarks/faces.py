"""Benchmark the face detector on 12-megapixel photos (imaging.faces).

Run: .venv/bin/python benchmarks/faces.py [--rounds N]

What the worker does per uploaded photo (news.services.faces): read the clean
copy's bytes and call imaging.faces.detect_faces_in_file, which decodes a
JPEG in draft mode at reduced scale and searches a grey copy at most
DETECT_MAX_SIDE long with the frontal and profile cascades. Measured on
4000 x 3000 JPEGs (quality 90, as the clean copy is stored):

- people: scikit-image's astronaut, scaled up, beside a generated scene;
- group: six astronaut faces in a row, as a small group photo;
- empty: a generated scene with no one in it.

Also the editor's blur of one face on the same photo (decode, blur, encode
the new clean copy, search again: imaging.faces.blur_clean_copy), which runs
in the request.

Reported per photo: wall time and CPU time (median over the rounds). CPU
time is what other load on the machine does not skew. No database and no
Django settings needed.

`face_check_ms(rounds=...)` returns the headline figure for
benchmarks/checks.py to import; the last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZE = (4000, 3000)  # 12 megapixels


def _astronaut():
    from PIL import Image
    from skimage import data

    return Image.fromarray(data.astronaut())


def _scene():
    from PIL import Image, ImageDraw

    img = Image.linear_gradient("L").resize(SIZE).convert("RGB")
    draw = ImageDraw.Draw(img)
    for i in range(12):
        x = 150 + i * 320
        draw.rectangle((x, 1800, x + 220, 2800), fill=(40 + i * 15, 80, 140))
    draw.ellipse((2400, 300, 3600, 1400), fill=(200, 160, 60))
    return img


def photos() -> dict[str, bytes]:
    """The three 12-megapixel JPEGs, encoded as the clean copy is."""
    from PIL import Image

    from imaging.config import ORIGINAL_JPEG_QUALITY

    astronaut = _astronaut()
    people = _scene()
    people.paste(astronaut.resize((2400, 2400), Image.Resampling.BICUBIC), (0, 300))
    group = _scene()
    face = astronaut.crop((110, 0, 350, 300)).resize((480, 600))
    for i in range(6):
        group.paste(face, (160 + i * 620, 1100))
    result = {}
    for name, img in (("people", people), ("group", group), ("empty", _scene())):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=ORIGINAL_JPEG_QUALITY)
        result[name] = buf.getvalue()
    return result


def _timed(fn) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def measure(rounds: int = 5) -> list[dict]:
    """One row per photo and operation: median wall and CPU ms, faces found."""
    from imaging import faces

    data = photos()
    faces.detect_faces_in_file(io.BytesIO(data["empty"]))  # load the cascades
    rows = []
    for name, jpeg in data.items():
        runs = [
            _timed(lambda jpeg=jpeg: faces.detect_faces_in_file(io.BytesIO(jpeg)))
            for _ in range(rounds)
        ]
        found = runs[-1][2]
        rows.append(
            {
                "photo": name,
                "operation": "detect",
                "wall_ms": statistics.median(r[0] for r in runs) * 1000,
                "cpu_ms": statistics.median(r[1] for r in runs) * 1000,
                "faces": len(found),
            }
        )
        if name == "people" and found:
            blur_runs = [
                _timed(
                    lambda jpeg=jpeg, box=found[0]: faces.blur_clean_copy(jpeg, [box])
                )
                for _ in range(max(1, rounds // 2))
            ]
            rows.append(
                {
                    "photo": name,
                    "operation": "blur 1 face",
                    "wall_ms": statistics.median(r[0] for r in blur_runs) * 1000,
                    "cpu_ms": statistics.median(r[1] for r in blur_runs) * 1000,
                    "faces": len(blur_runs[-1][2][1]),
                }
            )
    return rows


def face_check_ms(rounds: int = 5, rows: list[dict] | None = None) -> float:
    """Median wall time of one detection on a 12-megapixel photo with people."""
    rows = rows if rows is not None else measure(rounds)
    detect = [r["wall_ms"] for r in rows if r["operation"] == "detect"]
    return round(statistics.median(detect), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    rows = measure(args.rounds)
    print("Face detector on 12-megapixel JPEGs (%d rounds, median)" % args.rounds)
    print(
        "%-8s %-12s %10s %10s %6s"
        % ("photo", "operation", "wall ms", "cpu ms", "faces")
    )
    for row in rows:
        print(
            "%-8s %-12s %10.0f %10.0f %6d"
            % (
                row["photo"],
                row["operation"],
                row["wall_ms"],
                row["cpu_ms"],
                row["faces"],
            )
        )
    detect = [r for r in rows if r["operation"] == "detect"]
    blur = [r for r in rows if r["operation"] != "detect"]
    figures = {
        "face_check_ms": face_check_ms(rows=rows),
        "face_check_cpu_ms": round(statistics.median(r["cpu_ms"] for r in detect), 1),
        "face_blur_ms": round(blur[0]["wall_ms"], 1) if blur else None,
        "faces_found": {r["photo"]: r["faces"] for r in detect},
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
