"""Benchmark the photo rendition pipeline (imaging.make_renditions).

Over 400 lines on purpose: a standalone script, run by hand, whose setup,
references and report are read together from top to bottom.

Run: .venv/bin/python benchmarks/renditions.py [--quick] [--rounds N]

Compares, on generated photos (no database, no Django settings needed):

(a) pipeline  imaging.make_renditions (default threads) and, for
              reference, the same with threads=1 ("pipeline-1t");
(b) pyvips    decode once: Image.thumbnail(path, 1600) into memory, then
              thumbnail_image() for the smaller widths;
(c) naive     Pillow full-size decode, LANCZOS from the full image per width;
(d) floor     reduced-scale (draft) JPEG decode + encoding the 8 files; the
              resizes are done but not timed.

Every candidate writes the same rendition set (4 widths x WebP + JPEG) with
the same encoder settings as the pipeline (WebP quality/method, JPEG quality),
so the comparison is about decoding, resizing and scheduling.

Each measurement runs in a fresh subprocess which imports the same libraries
(PIL, pillow_heif, pyvips, imaging), warms the candidate up on a small
image, then processes the input once. Reported per measurement:
wall time, CPU time (all threads of the process), the process's peak RSS
while processing (VmHWM after resetting it through /proc/self/clear_refs;
falls back to ru_maxrss) and that peak minus the RSS just before processing
("delta"). Candidates alternate within each round; medians over the rounds.

Throughput: bursts of 6000x4000 photos (100, or 20 with --quick) through a
pool of 2 worker processes (like `celery worker --concurrency 2`), pipeline
vs pyvips; the full run does two passes in alternating order (ABC, CBA) and
adds them up. Besides photos/s it reports the CPU seconds per photo spent in
the workers, which other load on the machine does not skew (under external
load, a candidate with more threads gets a larger share of the CPUs).

The last line of output is one JSON object with the headline numbers.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WIDTHS = (320, 640, 1024, 1600)
_VIPS_MAX = 10_000_000
CANDIDATES = ("pipeline", "pipeline-1t", "pyvips", "naive", "floor")


# --------------------------------------------------------------------------
# Input generation


def make_photo(width: int, height: int, seed: int):
    """A synthetic photo with realistic encoding cost.

    Smooth colour gradients and a fractal (sky/ground-like areas), hundreds
    of shapes with hard edges, text, a slight blur (lens) and sensor-like
    grain; encodes to ~10 MB at 24 MP / quality 90 like a real camera file.
    """
    from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

    rnd = random.Random(seed)
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.radial_gradient("L").resize((width, height))
    cx = -0.7 + rnd.uniform(-0.3, 0.3)
    blue = Image.effect_mandelbrot(
        (width // 4, height // 4), (cx - 1.5, -1.3, cx + 1.5, 1.3), 60
    ).resize((width, height), Image.Resampling.BILINEAR)
    img = Image.merge(
        "RGB", (red, green.transpose(Image.Transpose.FLIP_LEFT_RIGHT), blue)
    )
    draw = ImageDraw.Draw(img)
    for _ in range(400):
        x0, y0 = rnd.randrange(width), rnd.randrange(height)
        x1 = x0 + rnd.randrange(20, width // 6)
        y1 = y0 + rnd.randrange(20, height // 6)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        kind = rnd.randrange(3)
        if kind == 0:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        elif kind == 1:
            draw.ellipse((x0, y0, x1, y1), outline=colour, width=rnd.randrange(1, 12))
        else:
            draw.line((x0, y0, x1, y1), fill=colour, width=rnd.randrange(1, 8))
    font = ImageFont.load_default(size=max(24, height // 40))
    for i in range(60):
        draw.text(
            (rnd.randrange(width), rnd.randrange(height)),
            "Lapas Kelas IIA %d" % i,
            fill=(255, 255, 255),
            font=font,
            stroke_width=2,
            stroke_fill=(0, 0, 0),
        )
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    noise = Image.effect_noise((width, height), 14).convert("RGB")
    return ImageChops.add(img, noise, scale=1.0, offset=-128)


def phone_exif(orientation: int):
    """EXIF as written by a phone camera, including GPS coordinates."""
    from PIL import ExifTags, Image

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Samsung"
    exif[ExifTags.Base.Model] = "Galaxy A54"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.DateTime] = "2024:08:17 09:30:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (7.0, 43.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (109.0, 1.0, 30.2)
    return exif


def generate_inputs(directory: Path, extra_burst_files: int) -> dict[str, Path]:
    from PIL import ExifTags

    paths = {}
    started = time.perf_counter()
    big = make_photo(6000, 4000, seed=1)
    exif = phone_exif(1)
    del exif[ExifTags.Base.Orientation]
    paths["big"] = directory / "camera_6000x4000.jpg"
    big.save(paths["big"], "JPEG", quality=90, exif=exif)
    del big

    # Stored landscape, displayed portrait (orientation 6), like a phone.
    phone = make_photo(4032, 3024, seed=2)
    paths["phone"] = directory / "phone_4032x3024_o6_gps.jpg"
    phone.save(paths["phone"], "JPEG", quality=92, exif=phone_exif(6))
    del phone

    warm = make_photo(800, 600, seed=3)
    paths["warmup"] = directory / "warmup_800x600.jpg"
    warm.save(paths["warmup"], "JPEG", quality=90, exif=phone_exif(6))

    for i in range(extra_burst_files):
        extra = make_photo(6000, 4000, seed=10 + i)
        paths["burst%d" % i] = directory / ("burst_%d_6000x4000.jpg" % i)
        extra.save(paths["burst%d" % i], "JPEG", quality=90, exif=phone_exif(1))
        del extra
    print(
        "Generated inputs in %.1f s: %s"
        % (
            time.perf_counter() - started,
            ", ".join(
                "%s (%.1f MB)" % (p.name, p.stat().st_size / 1e6)
                for p in paths.values()
            ),
        )
    )
    return paths


# --------------------------------------------------------------------------
# Candidates (run inside worker processes)


def _import_all():
    import pillow_heif  # noqa: F401
    import pyvips
    from PIL import Image  # noqa: F401

    import imaging

    # No operation cache: repeated files must be decoded again, as in reality.
    pyvips.cache_set_max(0)
    return imaging, pyvips


def run_pipeline(path: str, threads: int | None = None) -> int:
    imaging, _ = _import_all()
    renditions = imaging.make_renditions(path, threads=threads)
    return sum(len(r.data) for r in renditions)


def run_pyvips(path: str) -> int:
    imaging, pyvips = _import_all()
    # height: only the width is constrained (portrait photos get taller).
    big = pyvips.Image.thumbnail(
        path, max(WIDTHS), height=_VIPS_MAX, size="down"
    ).copy_memory()
    total = 0
    for width in sorted(WIDTHS, reverse=True):
        if width > big.width:
            continue
        img = (
            big
            if width == big.width
            else big.thumbnail_image(width, height=_VIPS_MAX, size="down")
        )
        total += len(
            img.write_to_buffer(
                ".webp",
                Q=imaging.WEBP_QUALITY,
                effort=imaging.WEBP_METHOD,
                keep="none",
            )
        )
        total += len(
            img.write_to_buffer(
                ".jpg", Q=imaging.JPEG_QUALITY, optimize_coding=False, keep="none"
            )
        )
    return total


def _pillow_encode(img, fmt: str) -> int:
    import imaging

    out = io.BytesIO()
    if fmt == "webp":
        img.save(out, "WEBP", quality=imaging.WEBP_QUALITY, method=imaging.WEBP_METHOD)
    else:
        img.save(out, "JPEG", quality=imaging.JPEG_QUALITY, optimize=False)
    return out.tell()


def run_naive(path: str) -> int:
    _import_all()
    from PIL import Image, ImageOps

    full = Image.open(path)
    ImageOps.exif_transpose(full, in_place=True)  # full-size decode
    if full.mode != "RGB":
        full = full.convert("RGB")
    total = 0
    for width in sorted(WIDTHS, reverse=True):
        if width > full.width:
            continue
        height = round(full.height * width / full.width)
        small = full.resize((width, height), Image.Resampling.LANCZOS)
        for fmt in ("webp", "jpeg"):
            total += _pillow_encode(small, fmt)
    return total


def run_floor(path: str) -> tuple[int, float, float]:
    """Returns (bytes, timed wall seconds, timed CPU seconds)."""
    _import_all()
    from PIL import Image, ImageOps

    wall = time.perf_counter()
    cpu = time.process_time()
    img = Image.open(path)
    swap = img.getexif().get(0x0112, 1) in (5, 6, 7, 8)
    w, h = img.size
    dw, dh = (h, w) if swap else (w, h)
    th = round(dh * max(WIDTHS) / dw)
    img.draft("RGB", (th, max(WIDTHS)) if swap else (max(WIDTHS), th))
    img.load()
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    # Untimed: produce the 8 images to encode.
    oriented = ImageOps.exif_transpose(img)
    img.close()
    smalls = []
    for width in sorted(WIDTHS, reverse=True):
        height = round(dh * width / dw)
        smalls.append(oriented.resize((width, height), Image.Resampling.LANCZOS))
    del oriented
    total = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for small in smalls:
        for fmt in ("webp", "jpeg"):
            total += _pillow_encode(small, fmt)
    wall += time.perf_counter() - t0
    cpu += time.process_time() - c0
    return total, wall, cpu


def run_candidate(name: str, path: str):
    if name == "pipeline":
        return run_pipeline(path)
    if name == "pipeline-1t":
        return run_pipeline(path, threads=1)
    if name == "pyvips":
        return run_pyvips(path)
    if name == "naive":
        return run_naive(path)
    if name == "floor":
        return run_floor(path)
    raise SystemExit("unknown candidate %r" % name)


# --------------------------------------------------------------------------
# Memory helpers


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # resets VmHWM (peak RSS) to the current RSS
        return True
    except OSError:
        return False


def worker_main(name: str, path: str, warmup: str) -> None:
    """Measure one candidate on one input in this (fresh) process."""
    _import_all()
    if name == "idle":
        print(json.dumps({"rss_kb": _status_kb("VmRSS")}))
        return
    run_candidate(name, warmup)  # load codecs, thread pools, lazy imports
    gc.collect()
    before_kb = _status_kb("VmRSS") or 0
    exact = _reset_peak()
    before_max = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall = time.perf_counter()
    cpu = time.process_time()
    result = run_candidate(name, path)
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    if isinstance(result, tuple):  # floor: only part of the work is timed
        result, wall, cpu = result
    peak_kb = _status_kb("VmHWM") if exact else None
    if peak_kb is None:
        peak_kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, before_max)
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "peak_kb": peak_kb,
                "before_kb": before_kb,
                "bytes": result,
                "exact_peak": exact,
            }
        )
    )


def measure(name: str, path: Path, warmup: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", name, str(path), str(warmup)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------
# Throughput


def _pool_init() -> None:
    _import_all()


def _pool_task(args: tuple[str, str]) -> float:
    """Run one photo; returns the CPU seconds this worker process spent."""
    name, path = args
    cpu = time.process_time()
    run_candidate(name, path)
    return time.process_time() - cpu


def throughput(
    name: str, files: list[Path], photos: int, warmup: Path
) -> tuple[float, float]:
    """(seconds, CPU seconds) for ``photos`` photos through 2 worker processes."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2, initializer=_pool_init) as pool:
        # Warm both workers up before the clock starts.
        pool.map(_pool_task, [(name, str(warmup))] * 4, chunksize=1)
        jobs = [(name, str(files[i % len(files)])) for i in range(photos)]
        started = time.perf_counter()
        cpu = sum(pool.imap_unordered(_pool_task, jobs, chunksize=1))
        elapsed = time.perf_counter() - started
    return elapsed, cpu


# --------------------------------------------------------------------------
# Report


def _median(rows: list[dict], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI smoke run")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--burst", type=int, default=None)
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(*args.worker)
        return

    rounds = args.rounds or (2 if args.quick else 5)
    burst = args.burst or (20 if args.quick else 100)
    tmp = Path(tempfile.mkdtemp(prefix="renditions-bench-"))
    try:
        paths = generate_inputs(tmp, extra_burst_files=1 if args.quick else 2)
        _run(paths, rounds, burst, throughput_passes=1 if args.quick else 2)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(
    paths: dict[str, Path], rounds: int, burst: int, throughput_passes: int
) -> None:
    import PIL
    import pyvips

    import imaging

    print(
        "Python %s, Pillow %s, libvips %d.%d.%d, %d CPUs, load average %.2f; "
        "WebP q%d method/effort %d, JPEG q%d; pipeline default threads=%d"
        % (
            sys.version.split()[0],
            PIL.__version__,
            pyvips.version(0),
            pyvips.version(1),
            pyvips.version(2),
            os.cpu_count() or 0,
            os.getloadavg()[0],
            imaging.WEBP_QUALITY,
            imaging.WEBP_METHOD,
            imaging.JPEG_QUALITY,
            imaging.default_threads(),
        )
    )
    idle_mb = measure("idle", paths["warmup"], paths["warmup"])["rss_kb"] / 1024
    print(
        "Idle interpreter with PIL, pillow_heif, pyvips, imaging "
        "imported: %.0f MB RSS" % idle_mb
    )

    results: dict[str, dict[str, list[dict]]] = {}
    for input_name in ("big", "phone"):
        results[input_name] = {name: [] for name in CANDIDATES}
        for rnd in range(rounds):
            order = (
                CANDIDATES[rnd % len(CANDIDATES) :]
                + CANDIDATES[: rnd % len(CANDIDATES)]
            )
            for name in order:
                results[input_name][name].append(
                    measure(name, paths[input_name], paths["warmup"])
                )
            print("  %s: round %d/%d done" % (input_name, rnd + 1, rounds))

    summary: dict[str, dict[str, dict[str, float]]] = {}
    for input_name, per_candidate in results.items():
        summary[input_name] = {}
        title = {
            "big": "6000x4000 camera JPEG",
            "phone": "4032x3024 phone JPEG, EXIF orientation 6 + GPS",
        }[input_name]
        print()
        print("%s (%d rounds, medians)" % (title, rounds))
        print(
            "%-12s %9s %9s %11s %11s %10s"
            % ("candidate", "wall s", "CPU s", "peak RSS MB", "delta MB", "output KB")
        )
        for name in CANDIDATES:
            rows = per_candidate[name]
            row = {
                "wall": _median(rows, "wall"),
                "cpu": _median(rows, "cpu"),
                "peak_mb": _median(rows, "peak_kb") / 1024,
                "delta_mb": statistics.median(
                    (r["peak_kb"] - r["before_kb"]) / 1024 for r in rows
                ),
                "kb": _median(rows, "bytes") / 1024,
            }
            summary[input_name][name] = row
            print(
                "%-12s %9.3f %9.3f %11.1f %11.1f %10.0f"
                % (
                    name,
                    row["wall"],
                    row["cpu"],
                    row["peak_mb"],
                    row["delta_mb"],
                    row["kb"],
                )
            )

    files = [paths[k] for k in sorted(paths) if k == "big" or k.startswith("burst")]
    print()
    print(
        "Throughput: %d x 6000x4000 photos (%d distinct files), 2 worker processes"
        % (burst, len(files))
    )
    names = ("pipeline", "pipeline-1t", "pyvips")
    # Bursts alternate (ABC, then CBA) so that load changes hit all alike.
    order = list(names) + (list(reversed(names)) if throughput_passes > 1 else [])
    totals = {name: [0.0, 0.0, 0] for name in names}
    for name in order:
        elapsed, cpu = throughput(name, files, burst, paths["warmup"])
        totals[name][0] += elapsed
        totals[name][1] += cpu
        totals[name][2] += burst
    rates, cpu_per_photo = {}, {}
    for name in names:
        elapsed, cpu, photos = totals[name]
        rates[name] = photos / elapsed
        cpu_per_photo[name] = cpu / photos
        print(
            "%-12s %6.2f photos/s  %.3f CPU s/photo  (%d photos in %d bursts)"
            % (name, rates[name], cpu_per_photo[name], photos, photos // burst)
        )

    report = {}
    for prefix, key in (("", "big"), ("phone_", "phone")):
        s = summary[key]
        p, v, n, f = s["pipeline"], s["pyvips"], s["naive"], s["floor"]
        report.update(
            {
                prefix + "pipeline_s": round(p["wall"], 4),
                prefix + "pyvips_s": round(v["wall"], 4),
                prefix + "naive_s": round(n["wall"], 4),
                prefix + "floor_s": round(f["wall"], 4),
                prefix + "ratio_vs_pyvips": round(p["wall"] / v["wall"], 3),
                prefix + "mem_ratio_vs_pyvips": round(p["peak_mb"] / v["peak_mb"], 3),
                prefix + "mem_delta_ratio_vs_pyvips": round(
                    p["delta_mb"] / v["delta_mb"], 3
                ),
                prefix + "speedup_vs_naive": round(n["wall"] / p["wall"], 3),
                prefix + "ratio_vs_floor": round(p["wall"] / f["wall"], 3),
                prefix + "pipeline_cpu_s": round(p["cpu"], 4),
                prefix + "pyvips_cpu_s": round(v["cpu"], 4),
                prefix + "pipeline_1t_s": round(s["pipeline-1t"]["wall"], 4),
                prefix + "pipeline_peak_mb": round(p["peak_mb"], 1),
                prefix + "pyvips_peak_mb": round(v["peak_mb"], 1),
                prefix + "pipeline_delta_mb": round(p["delta_mb"], 1),
                prefix + "pyvips_delta_mb": round(v["delta_mb"], 1),
            }
        )
    report["pipeline_photos_per_s"] = round(rates["pipeline"], 3)
    report["pipeline_1t_photos_per_s"] = round(rates["pipeline-1t"], 3)
    report["pyvips_photos_per_s"] = round(rates["pyvips"], 3)
    report["pipeline_cpu_per_photo_s"] = round(cpu_per_photo["pipeline"], 4)
    report["pipeline_1t_cpu_per_photo_s"] = round(cpu_per_photo["pipeline-1t"], 4)
    report["pyvips_cpu_per_photo_s"] = round(cpu_per_photo["pyvips"], 4)
    report["idle_rss_mb"] = round(idle_mb, 1)
    report["rounds"] = rounds
    report["burst"] = burst

    print()
    print("Ratios (6000x4000; phone in brackets):")
    for label, key, target in (
        ("pipeline / pyvips wall", "ratio_vs_pyvips", "<= 1.0"),
        ("pipeline / pyvips peak RSS", "mem_ratio_vs_pyvips", "<= 1.1"),
        ("pipeline / pyvips delta RSS", "mem_delta_ratio_vs_pyvips", "(info)"),
        ("naive / pipeline wall", "speedup_vs_naive", ">= 2.4"),
        ("pipeline / floor wall", "ratio_vs_floor", "<= 1.4"),
    ):
        print(
            "  %-28s %6.2f  (%.2f)  target %s"
            % (label, report[key], report["phone_" + key], target)
        )
    print(
        "  throughput pipeline / pyvips  %6.2f" % (rates["pipeline"] / rates["pyvips"])
    )
    print("Load average at the end: %.2f" % os.getloadavg()[0])
    print(json.dumps(report))


if __name__ == "__main__":
    main()
