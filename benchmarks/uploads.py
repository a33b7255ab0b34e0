"""Server time and peak memory of a photo upload in the web request, and in the worker.

Run: .venv/bin/python benchmarks/uploads.py [--repeat N]

Three inputs, generated once into a temporary directory:

- a 12-megapixel phone JPEG (4000x3000, camera-like noise so it compresses
  like a photo, ~4-6 MB, EXIF with camera and GPS);
- the largest JPEG allowed (imaging.config: PHOTO_MAX_PIXELS_JPEG, 100 MP,
  under PHOTO_MAX_BYTES, 20 MB);
- the largest other image allowed (PHOTO_MAX_PIXELS_OTHER, 50 MP, as PNG).

Each step runs in a FRESH subprocess that has set up Django with the
project's settings first (as a gunicorn or Celery child has), so its peak
resident memory (ru_maxrss) is what that process would reach; the baseline
of the loaded process is printed beside it (VmHWM from /proc: ru_maxrss
would start at the generating parent's peak). The upload is read from a file
on disk, as Django hands over a TemporaryUploadedFile for anything above
2.5 MB. Steps:

- ``request_before``: what the web request did before (validate_image with
  a full decode, then clean_original at full size in the request);
- ``request``: what the web request does now (imaging.inspect_upload: the
  header, limits, markup scan and a 1/8-scale decode check of JPEGs; then
  the raw upload copied into private storage);
- ``worker_clean``: the clean copy the worker makes now (clean_original).

Time is the median server time of the step over --repeat subprocess runs
(each run times one call after a warm-up call on a small image, so imports
and plugin loading are not counted). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import io, json, os, sys, tempfile, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
import django
django.setup()
from django.core.files import File
from django.core.files.storage import FileSystemStorage
import imaging
from imaging import validate
import news.services.photos  # noqa: F401 - what a web worker has loaded
from PIL import Image

step, path = sys.argv[1], sys.argv[2]

def hwm_mb():
    # VmHWM: this process's peak resident memory. Unlike ru_maxrss it starts
    # afresh at exec, not at the parent's peak.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

def warm():
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buf, "JPEG")
    buf.seek(0)
    imaging.validate_image(buf)
    imaging.clean_original(buf)

warm()
base_mb = hwm_mb()
store = FileSystemStorage(location=tempfile.mkdtemp(prefix="bench-private-"))
with open(path, "rb") as fh:
    upload = File(fh, name=os.path.basename(path))
    started = time.perf_counter()
    if step == "request_before":
        imaging.validate_image(upload)
        imaging.clean_original(upload)
    elif step == "request":
        info = imaging.inspect_upload(upload)
        store.save("raw/upload", upload)
    elif step == "worker_clean":
        imaging.clean_original(upload)
    elapsed = time.perf_counter() - started
print(json.dumps({"ms": elapsed * 1000, "base_mb": base_mb, "peak_mb": hwm_mb()}))
"""


def make_inputs(folder: Path) -> dict[str, Path]:
    import numpy as np
    from PIL import ExifTags, Image

    def photo(width: int, height: int, noise: float, seed: int) -> Image.Image:
        # Smooth scene (gradients, a few shapes) + sensor-like noise.
        rng = np.random.default_rng(seed)
        y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
        x = np.linspace(0, 1, width, dtype=np.float32)[None, :]
        out = np.empty((height, width, 3), dtype=np.uint8)
        for channel, (a, b) in enumerate(((90, 120), (120, 60), (60, 150))):
            plane = a + b * x * y + 40 * np.sin(x * 9 + channel) * np.cos(y * 7)
            plane += rng.normal(0, noise, (height, width)).astype(np.float32)
            out[..., channel] = np.clip(plane, 0, 255)
        return Image.fromarray(out, "RGB")

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Samsung"
    exif[ExifTags.Base.Model] = "Galaxy A54"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 11.0, 45.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 51.0, 2.1)

    paths = {}
    paths["12mp_jpeg"] = folder / "phone-12mp.jpg"
    photo(4000, 3000, 9.0, 1).save(paths["12mp_jpeg"], "JPEG", quality=90, exif=exif)
    # 100 MP under the 20 MB limit (~16 MB): a little less noise, quality 85.
    paths["max_jpeg"] = folder / "max-100mp.jpg"
    photo(11500, 8690, 7.0, 2).save(paths["max_jpeg"], "JPEG", quality=85, exif=exif)
    # 50 MP PNG (the largest non-JPEG): a smooth scene compresses well.
    paths["max_png"] = folder / "max-50mp.png"
    photo(8660, 5770, 0.0, 3).save(paths["max_png"], "PNG", compress_level=6)
    return paths


def run(step: str, path: Path) -> dict:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", "sqlite:////tmp/bench-uploads.sqlite3")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, step, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit("%s %s failed:\n%s" % (step, path.name, out.stderr[-3000:]))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-uploads-") as tmp:
        paths = make_inputs(Path(tmp))
        rows = []
        figures = {}
        for key, path in paths.items():
            size_mb = path.stat().st_size / (1024 * 1024)
            for step in ("request_before", "request", "worker_clean"):
                runs = [run(step, path) for _ in range(args.repeat)]
                ms = statistics.median(r["ms"] for r in runs)
                peak = max(r["peak_mb"] for r in runs)
                base = statistics.median(r["base_mb"] for r in runs)
                rows.append((key, size_mb, step, ms, base, peak))
                figures["%s_%s_ms" % (step, key)] = round(ms, 1)
                figures["%s_%s_peak_mb" % (step, key)] = round(peak, 1)
    print(
        "%-10s %7s  %-15s %9s %9s %9s"
        % ("input", "MB", "step", "ms", "base MB", "peak MB")
    )
    for key, size_mb, step, ms, base, peak in rows:
        print(
            "%-10s %7.1f  %-15s %9.1f %9.1f %9.1f"
            % (key, size_mb, step, ms, base, peak)
        )
    headline = {
        "upload_12mp_ms": figures["request_12mp_jpeg_ms"],
        "upload_12mp_before_ms": figures["request_before_12mp_jpeg_ms"],
        "upload_max_peak_mb": max(
            figures["request_max_jpeg_peak_mb"], figures["request_max_png_peak_mb"]
        ),
        "upload_max_before_peak_mb": max(
            figures["request_before_max_jpeg_peak_mb"],
            figures["request_before_max_png_peak_mb"],
        ),
        "upload_max_jpeg_ms": figures["request_max_jpeg_ms"],
        "worker_clean_12mp_ms": figures["worker_clean_12mp_jpeg_ms"],
        "worker_clean_max_peak_mb": max(
            figures["worker_clean_max_jpeg_peak_mb"],
            figures["worker_clean_max_png_peak_mb"],
        ),
    }
    headline.update(figures)
    print(json.dumps(headline))


if __name__ == "__main__":
    main()
