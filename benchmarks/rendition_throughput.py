"""End-to-end rendition throughput: the real stack against the bare references.

Over 400 lines on purpose: a standalone script, run by hand, whose setup,
references and report are read together from top to bottom.

Run: .venv/bin/python benchmarks/rendition_throughput.py [--quick] [--photos N]

benchmarks/renditions.py times the bare function; this script times what
production does with a burst of uploads, on local PostgreSQL and Redis:

1. Setup. Its own database (``portal_bench``, dropped and recreated, then
   ``manage.py migrate``), its own Redis database (``redis://127.0.0.1:6379/9``,
   flushed), a temporary MEDIA_ROOT, a few distinct 6000x4000 camera JPEGs
   (benchmarks/renditions.py's generator), one unit and one contributor.
2. Upload burst. N photos (100; 20 with --quick) through the real
   ``news.services.photo_upload``, each in its own transaction as a request
   makes it (validated, re-encoded clean, stored, row saved, task enqueued on
   commit), sequentially in this one process. No worker runs yet: the tasks
   wait in Redis, so the rendition phase starts from a clean burst.
3. Rendition burst. ``celery -A portal worker --pool prefork --concurrency 2
   --prefetch-multiplier 1 -Q celery`` is started with the same environment;
   the clock runs from its start until every photo is READY with its 8
   renditions (the database is polled); nothing is subtracted. Start-up is
   reported separately as the time until the worker answers a control ping,
   and also as the time until it received its first task (from its log).
   The ping comes a few tenths of a second after the first task (the
   control channel is subscribed last, and a busy worker answers late), so
   "excl. start-up (ping)" slightly flatters the stack; "from first task" is
   the steady-state rate. The worker is then stopped with a warm shutdown
   (SIGTERM). First with PHOTO_RENDITION_THREADS=1 (the production
   default), then (unless --no-default-threads) with 2: the renditions are
   deleted, the photos set back to PENDING and re-queued by the real sweeper
   (photo_renditions_sweep). The threads a process with the worker's
   environment really uses are checked first.
4. References in the same run, on the same bytes the workers decode (the
   clean copies in MEDIA_ROOT, cycled in the same order), through
   benchmarks/renditions.py's throughput(): a multiprocessing Pool(2),
   warmed up before its clock starts, running its pyvips decode-once
   candidate and the bare imaging.make_renditions with threads=1.
   Both run before and after the threads=1 stack and are added up, so a
   change of load on the machine hits both sides alike; the bare pipeline
   with default threads runs once, after the default-threads stack.

CPU seconds per photo of the stack are those of the worker and its pool
children from start to exit (RUSAGE_CHILDREN around the worker), so they
include start-up and shutdown; unlike photos/s they hardly depend on other
load on the machine. Everything is removed afterwards, also on failure,
Ctrl-C or SIGTERM: the database is dropped, the Redis database flushed and
the temporary directory deleted.

The last line of output is one JSON object with the headline numbers.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
for _path in (str(ROOT), str(BENCH_DIR)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

DB_NAME = "portal_bench"
PG_URL = "postgres://postgres@127.0.0.1:5432/"
REDIS_URL = "redis://127.0.0.1:6379/9"
RENDITIONS_PER_PHOTO = 8  # 4 widths x (WebP, JPEG) for a 6000x4000 photo
POLL_SECONDS = 0.2  # database polling while the worker runs
ISSUE_REFERENCE = {"tuned Pillow": 3.7, "pyvips": 3.3}  # photos/s, from the issue
# Reference label -> candidate of benchmarks/renditions.py.
REFERENCES = {
    "pyvips": "pyvips",
    "bare pipeline threads=1": "pipeline-1t",
    "bare pipeline default threads": "pipeline",
}
WORKER_COMMAND = [
    "-A",
    "portal",
    "worker",
    "--pool",
    "prefork",
    "--concurrency",
    "2",
    "--prefetch-multiplier",
    "1",
    "-Q",
    "celery",
]


def _bench():
    """benchmarks/renditions.py (generator, pyvips candidate, Pool(2) runner)."""
    return importlib.import_module("renditions")


def _log(message: str) -> None:
    print(message, flush=True)


def _terminate(signum, _frame):
    raise SystemExit(128 + signum)  # run the finally blocks (clean-up)


# --------------------------------------------------------------------------
# Setup and clean-up


def _admin_connection():
    import psycopg

    return psycopg.connect(PG_URL + "postgres", autocommit=True, connect_timeout=5)


def _drop_database() -> None:
    with _admin_connection() as conn:
        conn.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % DB_NAME)


def _create_database() -> None:
    _drop_database()
    with _admin_connection() as conn:
        conn.execute('CREATE DATABASE "%s"' % DB_NAME)


def _flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


def _environment(tmp: Path) -> dict[str, str]:
    """The production-shaped environment shared by this process and the worker."""
    media = tmp / "media"
    private = tmp / "private_media"
    media.mkdir()
    private.mkdir()
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": PG_URL + DB_NAME,
        "REDIS_URL": REDIS_URL,
        "MEDIA_ROOT": str(media),
        "PRIVATE_MEDIA_ROOT": str(private),
        "CACHE_KEY_PREFIX": "portal-bench",
        "LOG_LEVEL": "WARNING",
    }
    # Not inherited from the caller's shell: would change what is measured.
    for name in (
        "PHOTO_RENDITION_THREADS",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "MEDIA_STORAGE_BACKEND",
        "MEDIA_STORAGE_OPTIONS",
    ):
        os.environ.pop(name, None)
    return env


def _migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )


def _generate(tmp: Path, distinct: int) -> tuple[list[Path], Path]:
    bench = _bench()
    started = time.perf_counter()
    sources = []
    for i in range(distinct):
        path = tmp / ("upload_%d_6000x4000.jpg" % i)
        bench.make_photo(6000, 4000, seed=20 + i).save(
            path, "JPEG", quality=90, exif=bench.phone_exif(1)
        )
        sources.append(path)
    warmup = tmp / "warmup_800x600.jpg"
    bench.make_photo(800, 600, seed=3).save(warmup, "JPEG", quality=90)
    _log(
        "Generated %d distinct 6000x4000 camera JPEGs (%s MB, EXIF with GPS) "
        "in %.1f s"
        % (
            distinct,
            ", ".join("%.1f" % (p.stat().st_size / 1e6) for p in sources),
            time.perf_counter() - started,
        )
    )
    return sources, warmup


# --------------------------------------------------------------------------
# Upload burst (in this process, through the real service)


def _contributor():
    from units import services as unit_services
    from units.models import Region, Role, UnitType, User

    unit = unit_services.unit_create(
        region=Region.objects.get(province_code="31"),
        unit_type=UnitType.LAPAS,
        unit_class="IIA",
        place="Kota Tolok Ukur",
        slug="lapas-kota-tolok-ukur",
    )
    user = User.objects.create_user(
        username="kontributor-bench",
        email="bench@example.go.id",
        password=None,
        role=Role.CONTRIBUTOR,
        unit=unit,
    )
    return unit_services.user_set_role(user=user, role=Role.CONTRIBUTOR, unit=unit)


def _upload_burst(sources: list[Path], photos: int) -> dict:
    from django.core.files.uploadedfile import UploadedFile
    from django.db import transaction

    from news import services
    from news.models import PhotoKind

    actor = _contributor()
    ids = []
    wall = time.perf_counter()
    cpu = time.process_time()
    for i in range(photos):
        path = sources[i % len(sources)]
        with path.open("rb") as fh:
            # What a request hands over for a large file: already on disk.
            upload = UploadedFile(
                fh,
                name="IMG_%04d.jpg" % i,
                content_type="image/jpeg",
                size=path.stat().st_size,
            )
            # One transaction per upload, as a request makes it: the task is
            # enqueued when it commits.
            with transaction.atomic():
                photo = services.photo_upload(
                    unit=actor.unit,
                    actor=actor,
                    file=upload,
                    kind=PhotoKind.GALLERY,
                    caption="Kegiatan pembinaan warga binaan %d" % i,
                    alt_text="Warga binaan mengikuti pelatihan keterampilan",
                    credit="Humas Lapas",
                )
        ids.append(photo.pk)
    return {
        "ids": ids,
        "seconds": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
    }


def _queue_length() -> int:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        return client.llen("celery")
    finally:
        client.close()


def _reset_for_next_burst(photos: int) -> None:
    """Back to PENDING without renditions, re-queued by the real sweeper."""
    from datetime import timedelta

    from django.db import transaction

    from news import services
    from news.models import Photo, PhotoStatus, Rendition

    with transaction.atomic():
        Rendition.objects.all().delete()  # files go on commit (news.signals)
        Photo.objects.update(status=PhotoStatus.PENDING)
    queued = services.photo_renditions_sweep(older_than=timedelta(0), limit=photos)
    if queued != photos:
        raise RuntimeError("sweeper re-queued %d of %d photos" % (queued, photos))


def _progress(photo_ids: list[int]) -> tuple[int, int]:
    """(photos READY with all their renditions, photos FAILED).

    A cheap status count while the burst runs; the renditions are counted
    only once every photo is READY (or FAILED), to keep the observer light.
    """
    from django.db.models import Count, Q

    from news.models import Photo, PhotoStatus

    photos = Photo.objects.filter(pk__in=photo_ids)
    counts = photos.aggregate(
        ready=Count("pk", filter=Q(status=PhotoStatus.READY)),
        failed=Count("pk", filter=Q(status=PhotoStatus.FAILED)),
    )
    if counts["ready"] + counts["failed"] < len(photo_ids):
        return counts["ready"], counts["failed"]
    complete = (
        photos.filter(status=PhotoStatus.READY)
        .annotate(n=Count("renditions"))
        .filter(n=RENDITIONS_PER_PHOTO)
        .count()
    )
    return complete, counts["failed"]


# --------------------------------------------------------------------------
# The real worker


def _worker_env(env: dict[str, str], tmp: Path, threads: int | None) -> dict:
    worker_env = {**os.environ, **env}
    if threads is not None:
        # portal/settings.py reads PHOTO_RENDITION_THREADS from the environment.
        worker_env["PHOTO_RENDITION_THREADS"] = str(threads)
    return worker_env


def _effective_threads(worker_env: dict) -> int:
    """The rendition threads a process with this environment really uses."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from imaging import default_threads; print(default_threads())",
        ],
        cwd=ROOT,
        env=worker_env,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def _celery_command() -> list[str]:
    script = Path(sys.executable).parent / "celery"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "celery"]


def _stop_worker(proc: subprocess.Popen, timeout: float = 60) -> float:
    """Warm shutdown; returns the seconds it took. Kills only if it hangs."""
    started = time.perf_counter()
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _log("  worker did not stop in %d s; killing its process group" % timeout)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    return time.perf_counter() - started


def _run_worker(
    label: str,
    worker_env: dict,
    photo_ids: list[int],
    log_path: Path,
    timeout: float,
) -> dict:
    from portal.celery import app

    photos = len(photo_ids)
    waiting = _queue_length()
    if waiting != photos:
        raise RuntimeError("%d tasks wait in Redis, expected %d" % (waiting, photos))
    hostname = "bench%d@rendition-throughput" % os.getpid()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with log_path.open("w") as log:
        started = time.perf_counter()
        wall_started = time.time()
        proc = subprocess.Popen(
            _celery_command() + WORKER_COMMAND + ["-n", hostname, "-l", "info"],
            cwd=ROOT,
            env=worker_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, for a hung worker
        )
    try:
        startup = None
        done = failed = 0
        deadline = started + timeout
        while True:
            now = time.perf_counter()
            # limit=1: returns as soon as the worker answers. A ping sent
            # before the worker listens is lost; the next one is sent then.
            if startup is None and app.control.ping(
                destination=[hostname], timeout=0.1, limit=1
            ):
                startup = time.perf_counter() - started
            done, failed = _progress(photo_ids)
            if done + failed >= photos:
                elapsed = time.perf_counter() - started
                break
            if proc.poll() is not None:
                raise RuntimeError(
                    "the worker exited (code %s) after %.1f s; log %s:\n%s"
                    % (proc.returncode, now - started, log_path, _tail(log_path))
                )
            if now > deadline:
                raise RuntimeError(
                    "%s: only %d of %d photos ready after %.0f s; log:\n%s"
                    % (label, done, photos, timeout, _tail(log_path))
                )
            if startup is not None:
                time.sleep(POLL_SECONDS)
        if startup is None:  # finished before the first ping was answered
            startup = elapsed
    finally:
        shutdown = _stop_worker(proc)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if failed:
        raise RuntimeError(
            "%s: %d photos FAILED; log:\n%s" % (label, failed, _tail(log_path))
        )
    text = log_path.read_text(errors="replace")
    first_task = _first_task_offset(text, wall_started)
    if first_task is None or not 0 <= first_task <= elapsed:
        first_task = startup  # log format or clock not as expected
    task_seconds = [
        float(m)
        for m in re.findall(
            r"make_photo_renditions\[.*?\] succeeded in ([\d.]+)s", text
        )
    ]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "label": label,
        "photos": photos,
        "seconds": elapsed,
        "startup": startup,
        "shutdown": shutdown,
        "cpu": cpu,
        "first_task": first_task,
        "tasks_logged": len(task_seconds),
        "task_mean_s": sum(task_seconds) / len(task_seconds) if task_seconds else 0.0,
        "errors_logged": len(re.findall(r"\b(ERROR|CRITICAL)\b|Traceback", text)),
    }


def _first_task_offset(text: str, wall_started: float) -> float | None:
    """Seconds from the worker's start to its first task received (its log)."""
    match = re.search(
        r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): INFO/MainProcess\] "
        r"Task news\.tasks\.make_photo_renditions\[[^]]*\] received",
        text,
        re.MULTILINE,
    )
    if match is None:
        return None
    stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f")
    return stamp.timestamp() - wall_started  # the log's times are local


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --------------------------------------------------------------------------
# References: 2 plain processes on the same bytes


def _reference(
    refs: dict, label: str, files: list[Path], photos: int, warmup: Path
) -> None:
    """One Pool(2) burst of a reference, added up with its earlier bursts."""
    seconds, cpu = _bench().throughput(REFERENCES[label], files, photos, warmup)
    row = refs.setdefault(label, {"photos": 0, "seconds": 0.0, "cpu": 0.0, "runs": 0})
    row["photos"] += photos
    row["seconds"] += seconds
    row["cpu"] += cpu
    row["runs"] += 1
    _log("  %s: %.2f photos/s" % (label, photos / seconds))


def _clean_copies(photo_ids: list[int], distinct: int) -> list[Path]:
    """The stored clean copies of the first `distinct` uploads (one per source)."""
    from news.models import Photo

    names = dict(Photo.objects.filter(pk__in=photo_ids).values_list("pk", "image"))
    media = Path(os.environ["MEDIA_ROOT"])
    return [media / names[pk] for pk in photo_ids[:distinct]]


# --------------------------------------------------------------------------
# Report


def _rate(row: dict) -> float:
    return row["photos"] / row["seconds"]


def _excl(row: dict, key: str = "startup") -> float:
    """Photos/s from the worker's start-up (or first task) to the last photo."""
    return row["photos"] / (row["seconds"] - row[key])


def _table(args, upload: dict, stacks: dict, refs: dict, loads: list) -> None:
    photos = args.photos
    rows = [
        (
            "upload: photo_upload, 1 process, sequential",
            upload["photos"],
            upload["seconds"],
            "%.3f" % (upload["cpu"] / upload["photos"]),
            "validate + clean re-encode + save + enqueue on commit",
        )
    ]
    for row in stacks.values():
        name = "stack threads=%d" % row["threads"]
        rows.append(
            (
                name + ", incl. start-up",
                photos,
                row["seconds"],
                "%.3f" % (row["cpu"] / photos),
                "ping after %.2f s, first task %.2f s, shutdown %.2f s"
                % (row["startup"], row["first_task"], row["shutdown"]),
            )
        )
        rows.append(
            (
                name + ", excl. start-up (ping)",
                photos,
                row["seconds"] - row["startup"],
                "",
                "mean task %.2f s (worker log)" % row["task_mean_s"],
            )
        )
        rows.append(
            (
                name + ", from first task",
                photos,
                row["seconds"] - row["first_task"],
                "",
                "",
            )
        )
    for label, row in refs.items():
        rows.append(
            (
                label,
                row["photos"],
                row["seconds"],
                "%.3f" % (row["cpu"] / row["photos"]),
                "Pool(2), warmed up, %d burst%s"
                % (row["runs"], "" if row["runs"] == 1 else "s"),
            )
        )
    print()
    print(
        "End-to-end rendition throughput: %d x 6000x4000 photos (%d distinct "
        "files), %d CPUs, celery prefork --concurrency 2 --prefetch-multiplier 1"
        % (photos, args.distinct, os.cpu_count() or 0)
    )
    print(
        "%-42s %6s %8s %9s %9s  %s"
        % ("phase", "photos", "seconds", "photos/s", "CPU s/ph", "notes")
    )
    for label, n, seconds, cpu, note in rows:
        print(
            "%-42s %6d %8.2f %9.2f %9s  %s"
            % (label, n, seconds, n / seconds, cpu, note)
        )
    print(
        "The issue's reference (earlier run, this machine): %s photos/s."
        % ", ".join("%s %.1f" % kv for kv in ISSUE_REFERENCE.items())
    )
    print(
        "Load average (1 min) before each phase: %s."
        % ", ".join("%s %.2f" % kv for kv in loads)
    )


def _report(args, upload: dict, stacks: dict, refs: dict) -> dict:
    photos = args.photos
    main = stacks["1"]
    stack = _rate(main)
    stack_excl = _excl(main)
    pyvips = _rate(refs["pyvips"])
    bare_row = refs["bare pipeline threads=1"]
    bare = _rate(bare_row)
    report = {
        "stack_photos_per_s": round(stack, 3),
        "stack_photos_per_s_excl_startup": round(stack_excl, 3),
        "bare_pipeline_photos_per_s": round(bare, 3),
        "pyvips_photos_per_s": round(pyvips, 3),
        "ratio_stack_vs_pyvips": round(stack / pyvips, 3),
        "ratio_stack_excl_startup_vs_pyvips": round(stack_excl / pyvips, 3),
        "ratio_stack_vs_bare_pipeline": round(stack / bare, 3),
        "ratio_stack_excl_startup_vs_bare_pipeline": round(stack_excl / bare, 3),
        "upload_per_s": round(upload["photos"] / upload["seconds"], 3),
        "photos": photos,
        "distinct_files": args.distinct,
        "stack_threads": main["threads"],
        "stack_seconds": round(main["seconds"], 3),
        "worker_startup_s": round(main["startup"], 3),
        "worker_first_task_s": round(main["first_task"], 3),
        "stack_photos_per_s_from_first_task": round(_excl(main, "first_task"), 3),
        "worker_shutdown_s": round(main["shutdown"], 3),
        "stack_cpu_per_photo_s": round(main["cpu"] / photos, 4),
        "stack_task_mean_s": round(main["task_mean_s"], 3),
        "bare_pipeline_cpu_per_photo_s": round(bare_row["cpu"] / bare_row["photos"], 4),
        "pyvips_cpu_per_photo_s": round(
            refs["pyvips"]["cpu"] / refs["pyvips"]["photos"], 4
        ),
        "upload_cpu_per_photo_s": round(upload["cpu"] / upload["photos"], 4),
        "reference_bursts": refs["pyvips"]["runs"],
    }
    if "default" in stacks:
        row = stacks["default"]
        report.update(
            {
                "stack_default_threads": row["threads"],
                "stack_default_threads_photos_per_s": round(_rate(row), 3),
                "stack_default_threads_photos_per_s_excl_startup": round(_excl(row), 3),
                "stack_default_threads_worker_startup_s": round(row["startup"], 3),
                "stack_default_threads_cpu_per_photo_s": round(row["cpu"] / photos, 4),
            }
        )
        bare_default = refs.get("bare pipeline default threads")
        if bare_default:
            report["bare_pipeline_default_threads_photos_per_s"] = round(
                _rate(bare_default), 3
            )
    report["load_average_end"] = round(os.getloadavg()[0], 2)
    print(
        "Stack (threads=1) / pyvips: %.2f incl. start-up, %.2f excl.; "
        "stack / bare pipeline: %.2f incl., %.2f excl."
        % (
            report["ratio_stack_vs_pyvips"],
            report["ratio_stack_excl_startup_vs_pyvips"],
            report["ratio_stack_vs_bare_pipeline"],
            report["ratio_stack_excl_startup_vs_bare_pipeline"],
        )
    )
    return report


# --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 photos")
    parser.add_argument("--photos", type=int, default=None, help="default 100")
    parser.add_argument("--distinct", type=int, default=3, help="distinct files")
    parser.add_argument(
        "--no-default-threads",
        action="store_true",
        help="only the PHOTO_RENDITION_THREADS=1 worker",
    )
    args = parser.parse_args()
    args.photos = args.photos or (20 if args.quick else 100)
    args.distinct = max(1, min(args.distinct, args.photos))

    signal.signal(signal.SIGTERM, _terminate)
    tmp = Path(tempfile.mkdtemp(prefix="rendition-throughput-"))
    django_ready = False
    try:
        env = _environment(tmp)
        os.environ.update(env)
        _flush_redis(REDIS_URL)
        _create_database()
        started = time.perf_counter()
        _migrate(env)
        _log(
            "Database %s migrated in %.1f s" % (DB_NAME, time.perf_counter() - started)
        )
        import django

        django.setup()
        django_ready = True
        _run(args, env, tmp)
    finally:
        if django_ready:
            _close_django()
        for step in (
            _drop_database,
            lambda: _flush_redis(REDIS_URL),
            lambda: shutil.rmtree(tmp, ignore_errors=True),
        ):
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - carry on cleaning up
                print("clean-up step failed: %r" % exc, file=sys.stderr)


def _close_django() -> None:
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
            if hasattr(conn, "close_pool"):
                conn.close_pool()
        except Exception:  # noqa: BLE001 - the database is dropped next anyway
            pass


def _run(args, env: dict[str, str], tmp: Path) -> None:
    import PIL
    import pyvips

    photos = args.photos
    _log(
        "Python %s, Pillow %s, libvips %d.%d.%d, %d CPUs; database %s, broker %s"
        % (
            sys.version.split()[0],
            PIL.__version__,
            pyvips.version(0),
            pyvips.version(1),
            pyvips.version(2),
            os.cpu_count() or 0,
            DB_NAME,
            REDIS_URL,
        )
    )
    sources, warmup = _generate(tmp, args.distinct)
    loads = []

    loads.append(("upload", os.getloadavg()[0]))
    _log("Uploading %d photos through news.services.photo_upload ..." % photos)
    upload = _upload_burst(sources, photos)
    upload["photos"] = photos
    photo_ids = upload.pop("ids")
    _log(
        "  %d uploads in %.1f s (%.2f/s); %d tasks wait in Redis"
        % (photos, upload["seconds"], photos / upload["seconds"], _queue_length())
    )
    files = _clean_copies(photo_ids, args.distinct)
    refs: dict[str, dict] = {}

    def reference(label: str) -> None:
        loads.append((label, os.getloadavg()[0]))
        _log("Reference: %s, Pool(2) ..." % label)
        _reference(refs, label, files, photos, warmup)

    def stack(key: str, threads: int | None) -> None:
        if stacks:
            _reset_for_next_burst(photos)
        worker_env = _worker_env(env, tmp, threads)
        effective = _effective_threads(worker_env)
        if threads is not None and effective != threads:
            raise RuntimeError("the worker would use %d threads" % effective)
        label = "stack threads=%d" % effective
        loads.append((label, os.getloadavg()[0]))
        _log("Worker, PHOTO_RENDITION_THREADS=%s (%d threads) ..." % (key, effective))
        row = _run_worker(
            label, worker_env, photo_ids, tmp / ("worker-%s.log" % key), timeout
        )
        row["threads"] = effective
        stacks[key] = row
        _log(
            "  %d photos READY in %.1f s (%.2f/s); ping answered after %.2f s, "
            "first task after %.2f s; %d tasks logged, %d error lines"
            % (
                photos,
                row["seconds"],
                _rate(row),
                row["startup"],
                row["first_task"],
                row["tasks_logged"],
                row["errors_logged"],
            )
        )

    # The references run before and after the threads=1 stack and are added
    # up, so that a change of load on the machine hits both sides alike.
    timeout = 120 + 5 * photos
    stacks: dict[str, dict] = {}
    reference("pyvips")
    reference("bare pipeline threads=1")
    stack("1", 1)
    reference("bare pipeline threads=1")
    reference("pyvips")
    if not args.no_default_threads:
        stack("default", 2)
        reference("bare pipeline default threads")

    _table(args, upload, stacks, refs, loads)
    report = _report(args, upload, stacks, refs)
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
