"""The whole portal under a realistic mix: readers, contributors, editors.

Run: .venv/bin/python benchmarks/load.py            (5 minutes)
     .venv/bin/python benchmarks/load.py --quick    (30 s, to check it works)
     [--duration S] [--rate RPS] [--posts N] [--keep] [--reuse]

Why locust (2.47, pinned in requirements-dev.txt) rather than wrk: the mix
has logged-in users with state (a contributor's session and CSRF token, a
multipart upload of a 4000x3000 photo, an editor's password then TOTP code)
which wrk's Lua cannot do without re-implementing a browser, and locust
reports p50/p95/p99 per endpoint. Readers use its FastHttpUser
(geventhttpclient), cheap enough to offer 300 requests per second from one
process; the few logged-in users use HttpUser (requests) for the uploads.
The load generator shares the 2 cores with the server: its own CPU time is
printed beside the figures.

What runs, all on loopback:
- PostgreSQL: its own database ``portal_bench_load`` (dropped and recreated)
  with N (10,000) published posts over two years and their covers (the
  loader of benchmarks/public_pages.py), 8 contributor accounts in 8 units,
  4 editors with a TOTP device each, and posts already waiting in the
  newsroom for the editors to approve.
- Redis (REDIS_URL's server, db from BENCH_REDIS_URL, default 3): the page
  cache ON, as in production (keys under ``bench-load``), the Celery broker
  and results.
- gunicorn with deploy/gunicorn.conf.py as shipped (sync workers,
  WEB_CONCURRENCY=5 on 2 cores), reached DIRECTLY: no nginx, so no
  micro-cache in front; only the Redis page cache.
- a real Celery worker (``celery -A portal worker``, concurrency 2 as
  deploy/portal.env.example) making the renditions and sending the mail.
- locust, headless, for --duration seconds, offering --rate requests per
  second: 97% public reads (articles at random over the whole archive, so
  most miss the page cache; home; unit, category, tag and archive listings;
  search; feeds), 2% contributors (new-post form, save with a 4000x3000
  cover one time in four, post page, send), 1% editors (approval page,
  approve). Each class is paced (constant_throughput), so the mix is a
  share of requests.

Report: requests per second, p50/p95/p99 per endpoint, the error count,
the worker's backlog when the load stops (Redis queue length plus unacked
messages) and the seconds until it is empty, and each process's peak RSS
sampled from /proc every 0.5 s (gunicorn workers, Celery processes, the
PostgreSQL backends of the benchmark's database, redis-server). Targets
(issue 10): >= 300 rps with p95 < 100 ms, 0 errors, drained within 60 s.
The last line is one JSON object (rps, p95_ms, errors, drain_s, ...).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "benchmarks"))

import public_pages  # noqa: E402 - the loader of 10,000 posts

PG_URL = "postgres://postgres@127.0.0.1:5432/"
DB_NAME = "portal_bench_load"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
KEY_PREFIX = "bench-load"
PORT = int(os.environ.get("BENCH_LOAD_PORT", "8121"))
PASSWORD = "beban-uji-%d-kata-sandi" % os.getpid()
CONTRIBUTORS = 8
EDITORS = 4
# Shares of the requests (issue 10).
READ_SHARE, CONTRIBUTOR_SHARE, EDITOR_SHARE = 0.97, 0.02, 0.01
# Requests per contributor submission (form, save, post page, send) and per
# editor approval (page, approve): turns a share of requests into a pace.
CONTRIBUTOR_REQUESTS, EDITOR_REQUESTS = 4, 2


def setup_database(*, posts: int, reuse: bool) -> None:
    public_pages.DB_NAME = DB_NAME
    public_pages.REDIS_URL = REDIS_URL
    public_pages.KEY_PREFIX = KEY_PREFIX
    if not reuse:
        public_pages.admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % DB_NAME)
        public_pages.admin("CREATE DATABASE %s" % DB_NAME)
    public_pages.setup_django()
    if not reuse:
        print("Loading %d published posts..." % posts, flush=True)
        print("  loaded in %.1f s" % public_pages.load(posts))


def make_accounts(*, waiting: int) -> dict:
    """Contributors, editors with TOTP devices, and posts for editors to approve."""
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from news.models import Category, Post, Programme, Tag
    from units.models import ROLE_GROUPS, Role, Unit, User

    units = list(Unit.objects.order_by("pk")[:CONTRIBUTORS])
    run = int(time.time())  # a --reuse'd database keeps the earlier runs' rows
    contributors, editors = [], []
    with transaction.atomic():
        for n, unit in enumerate(units):
            user = User.objects.create_user(
                username="beban-%d-kontributor-%d" % (run, n),
                password=PASSWORD,
                role=Role.CONTRIBUTOR,
                unit=unit,
                email="kontributor%d-%d@beban.invalid" % (n, run),
            )
            contributors.append({"username": user.username, "password": PASSWORD})
        for n in range(EDITORS):
            user = User.objects.create_user(
                username="beban-%d-editor-%d" % (run, n),
                password=PASSWORD,
                role=Role.EDITOR,
                is_staff=True,
                email="editor%d-%d@beban.invalid" % (n, run),
            )
            # The role's group carries its permissions (units.services).
            user.groups.add(Group.objects.get(name=ROLE_GROUPS[Role.EDITOR]))
            device = TOTPDevice.objects.create(user=user, name="Beban", confirmed=True)
            editors.append(
                {
                    "username": user.username,
                    "password": PASSWORD,
                    "totp_key": device.key,
                }
            )
        # Posts waiting in the newsroom, sent by the contributors' units.
        author = User.objects.get(username="beban-%d-kontributor-0" % run)
        categories = list(Category.objects.all())
        now = datetime.now(UTC)
        waiting_posts = Post.objects.bulk_create(
            Post(
                title="Menunggu redaksi %d" % n,
                slug="menunggu-redaksi-%d-%d" % (run, n),
                lead="Berita yang menunggu keputusan redaksi.",
                body="<p>%s</p>" % ("Kegiatan pembinaan di lapas. " * 30),
                unit=units[n % len(units)],
                author=author,
                category=categories[n % len(categories)],
                status="submitted",
                submitted_at=now - timedelta(minutes=n),
            )
            for n in range(waiting)
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE news_post")
    rng = random.Random(5)
    published = Post.objects.published()
    months = published.dates("published_at", "month")
    return {
        "seed": 1,
        "contributors": contributors,
        "editors": editors,
        "submitted_ids": [p.pk for p in waiting_posts],
        "post_slugs": list(published.values_list("slug", flat=True)),
        "unit_slugs": list(
            Unit.objects.filter(posts__status="published")
            .distinct()
            .values_list("slug", flat=True)
        ),
        "category_slugs": [c.slug for c in categories],
        "category_ids": [c.pk for c in categories],
        "tag_slugs": list(Tag.objects.values_list("slug", flat=True)),
        "archive_paths": ["/arsip/%d/%d/" % (d.year, d.month) for d in months],
        "feed_paths": ["/feed/rss/", "/feed/atom/"]
        + [
            "/feed/upt/%s/rss/" % slug
            for slug in rng.sample(
                list(Unit.objects.values_list("slug", flat=True)), 20
            )
        ],
        "search_words": public_pages.SEARCH_WORDS,
        "programme": next((value for value, _label in Programme.choices if value), ""),
    }


def make_photo(path: Path) -> None:
    """A 4000x3000 JPEG of a phone camera's size (a few MB, not a flat colour)."""
    from PIL import Image

    base = Image.linear_gradient("L").resize((4000, 3000))
    noise = Image.effect_noise((4000, 3000), 40)
    red = Image.blend(base, noise, 0.5)
    image = Image.merge("RGB", (red, noise, base))
    image.save(path, "JPEG", quality=90)


# --- Processes -------------------------------------------------------------------


def server_env(root: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=PG_URL + DB_NAME,
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=KEY_PREFIX,
        PAGE_CACHE_ENABLED="true",
        MEDIA_ROOT=str(root / "media"),
        PRIVATE_MEDIA_ROOT=str(root / "private"),
        LOG_LEVEL="WARNING",
        LOG_FORMAT="json",
        GUNICORN_BIND="127.0.0.1:%d" % PORT,
        GUNICORN_ACCESSLOG="/dev/null",
        GUNICORN_LOGLEVEL="warning",
        # The rate limits are per hour and per unit: the benchmark's 8
        # units send far more than a real unit would.
        SUBMISSIONS_PER_UNIT_PER_HOUR="100000",
        PHOTO_UPLOADS_PER_USER_PER_HOUR="100000",
        PHOTO_UPLOADS_PER_UNIT_PER_HOUR="100000",
        EMAIL_URL="consolemail://",
    )
    return env


class Processes(public_pages.Processes):
    pass


def wait_for(url: str, timeout: float = 60) -> None:
    public_pages.wait_for(url, timeout)


# --- Memory ------------------------------------------------------------------------


def _rss_kb(pid: int) -> int:
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_s(pid: int) -> float:
    try:
        with open("/proc/%d/stat" % pid) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path("/proc/%d/task" % pid).glob("*/children"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in task.read_text().split()]
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo += _children(current)
    return pids


class MemorySampler(threading.Thread):
    """Peak RSS of each process kind, sampled every 0.5 s."""

    def __init__(self, *, gunicorn: int, celery: int):
        super().__init__(daemon=True)
        self.roots = {"gunicorn": gunicorn, "celery": celery}
        self.peaks: dict[str, dict] = {}
        self.cpu: dict[str, dict[int, float]] = {}  # kind -> pid -> CPU seconds
        self.stop = threading.Event()

    def _postgres_pids(self) -> list[int]:
        import psycopg

        with psycopg.connect(PG_URL + "postgres", autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", [DB_NAME]
            ).fetchall()
        return [row[0] for row in rows]

    def _redis_pid(self) -> int | None:
        import redis

        return redis.Redis.from_url(REDIS_URL).info("server").get("process_id")

    def sample(self) -> None:
        groups = {name: _tree(pid) for name, pid in self.roots.items()}
        groups["postgres"] = self._postgres_pids()
        redis_pid = self._redis_pid()
        groups["redis"] = [redis_pid] if redis_pid else []
        for name, pids in groups.items():
            seen = self.cpu.setdefault(name, {})
            for pid in pids:
                seen[pid] = max(seen.get(pid, 0.0), _cpu_s(pid))
            sizes = [_rss_kb(pid) for pid in pids]
            sizes = [s for s in sizes if s]
            peak = self.peaks.setdefault(
                name, {"max_process_mb": 0.0, "total_mb": 0.0, "processes": 0}
            )
            peak["max_process_mb"] = max(
                peak["max_process_mb"], max(sizes, default=0) / 1024
            )
            peak["total_mb"] = max(peak["total_mb"], sum(sizes) / 1024)
            peak["processes"] = max(peak["processes"], len(sizes))

    def run(self) -> None:
        while not self.stop.is_set():
            with contextlib.suppress(Exception):  # a process ended meanwhile
                self.sample()
            self.stop.wait(0.5)


# --- The backlog -------------------------------------------------------------------


def backlog() -> int:
    """Messages waiting in the Celery queues plus those taken but not acked."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    waiting = sum(
        client.llen(key)
        for key in client.scan_iter(match="celery*", count=1000)
        if client.type(key) == b"list"
    )
    return waiting + client.hlen("unacked")


def clear_redis() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for pattern in ("%s:*" % KEY_PREFIX, "celery*", "_kombu*", "unacked*"):
        for key in client.scan_iter(match=pattern, count=1000):
            client.unlink(key)


# --- Locust ------------------------------------------------------------------------


def run_locust(*, config_path: Path, root: Path, users: int, duration: int) -> dict:
    prefix = root / "locust"
    started = time.monotonic()
    before = os.times()
    process = subprocess.run(
        [
            str(BASE_DIR / ".venv/bin/locust"),
            "-f",
            str(BASE_DIR / "benchmarks/load_users.py"),
            "--headless",
            "--host",
            "http://127.0.0.1:%d" % PORT,
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            "%ds" % duration,
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={**os.environ, "LOAD_CONFIG": str(config_path)},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    after = os.times()
    wall = time.monotonic() - started
    if not (prefix.parent / "locust_stats.csv").exists():
        print(process.stdout[-3000:], process.stderr[-3000:])
        raise SystemExit("locust failed")
    with open(str(prefix) + "_stats.csv") as stats:
        rows = list(csv.DictReader(stats))
    with open(str(prefix) + "_failures.csv") as failures:
        failed = list(csv.DictReader(failures))
    with open(str(prefix) + "_exceptions.csv") as exceptions:
        # Errors outside a request (a login that did not log in).
        raised = list(csv.DictReader(exceptions))
    return {
        "rows": rows,
        "failures": failed,
        "exceptions": raised,
        "stderr": process.stderr,
        "locust_cpu_s": after.children_user
        + after.children_system
        - before.children_user
        - before.children_system,
        "wall_s": wall,
    }


# --- Main ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=300, help="seconds (300)")
    parser.add_argument("--quick", action="store_true", help="30 s, to check it works")
    parser.add_argument("--rate", type=int, default=300, help="offered req/s (300)")
    parser.add_argument("--readers", type=int, default=60, help="reader users (60)")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true", help="reuse a --keep database")
    args = parser.parse_args()
    duration = 30 if args.quick else args.duration
    approvals = int(args.rate * EDITOR_SHARE / EDITOR_REQUESTS * duration * 1.5) + 20

    procs = Processes()
    root = Path(tempfile.mkdtemp(prefix="bench-load-"))
    figures: dict = {}
    try:
        setup_database(posts=args.posts, reuse=args.reuse)
        clear_redis()
        config = make_accounts(waiting=approvals)
        make_photo(root / "photo.jpg")
        config.update(
            photo=str(root / "photo.jpg"),
            reader_users=args.readers,
            reader_rate_per_user=args.rate * READ_SHARE / args.readers,
            contributor_users=CONTRIBUTORS,
            contributor_rate_per_user=args.rate
            * CONTRIBUTOR_SHARE
            / CONTRIBUTOR_REQUESTS
            / CONTRIBUTORS,
            editor_users=EDITORS,
            editor_rate_per_user=args.rate * EDITOR_SHARE / EDITOR_REQUESTS / EDITORS,
        )
        config_path = root / "config.json"
        config_path.write_text(json.dumps(config))
        env = server_env(root)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=env,
            cwd=BASE_DIR,
            check=True,
        )
        gunicorn = procs.start(
            [
                str(BASE_DIR / ".venv/bin/gunicorn"),
                "--config",
                str(BASE_DIR / "deploy/gunicorn.conf.py"),
                "portal.wsgi:application",
            ],
            env=env,
            cwd=BASE_DIR,
            stderr=(root / "gunicorn.log").open("w"),
        )
        celery = procs.start(
            [
                str(BASE_DIR / ".venv/bin/celery"),
                "--app",
                "portal",
                "--quiet",
                "worker",
                "--hostname",
                "bench-load@%h",
                "--loglevel",
                "WARNING",
                "--concurrency",
                "2",
                "--max-memory-per-child",
                "600000",
                "--without-gossip",
                "--without-mingle",
            ],
            env=env,
            cwd=BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=(root / "celery.log").open("w"),
        )
        wait_for("http://127.0.0.1:%d/" % PORT)
        sampler = MemorySampler(gunicorn=gunicorn.pid, celery=celery.pid)
        sampler.sample()  # CPU spent starting up is not the load's
        sampler.cpu_start = {
            name: sum(pids.values()) for name, pids in sampler.cpu.items()
        }
        sampler.start()
        load_before = os.getloadavg()[0]
        print(
            "locust: %d s at %d req/s offered, %d readers, %d contributors, "
            "%d editors..."
            % (duration, args.rate, args.readers, CONTRIBUTORS, EDITORS),
            flush=True,
        )
        result = run_locust(
            config_path=config_path,
            root=root,
            users=args.readers + CONTRIBUTORS + EDITORS,
            duration=duration,
        )
        left = backlog()
        drain_started = time.monotonic()
        while backlog() and time.monotonic() - drain_started < 600:
            time.sleep(0.5)
        drain_s = time.monotonic() - drain_started if left else 0.0
        sampler.stop.set()
        sampler.join()
        photos = photo_states()
        figures = report(
            result=result,
            duration=duration,
            left=left,
            drain_s=drain_s,
            peaks=sampler.peaks,
            cpu={
                name: sum(pids.values()) - sampler.cpu_start.get(name, 0.0)
                for name, pids in sampler.cpu.items()
            },
            photos=photos,
            load_before=load_before,
            rate=args.rate,
        )
    finally:
        procs.stop_all()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            public_pages.admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % DB_NAME)
        with contextlib.suppress(Exception):
            clear_redis()
        shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(figures))
    return 0


def photo_states() -> dict:
    from django.db.models import Count

    from news.models import Photo

    return dict(
        Photo.objects.exclude(image__startswith="photos/ab/bench")
        .values_list("status")
        .annotate(n=Count("id"))
    )


def report(
    *, result, duration, left, drain_s, peaks, cpu, photos, load_before, rate
) -> dict:
    rows = result["rows"]
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print()
    print(
        "%-4s %-20s %8s %7s %8s %8s %8s %8s"
        % ("", "endpoint", "requests", "fails", "req/s", "p50 ms", "p95 ms", "p99 ms")
    )
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        print(
            "%-4s %-20s %8s %7s %8.1f %8s %8s %8s"
            % (
                row["Type"][:4],
                row["Name"][:20],
                row["Request Count"],
                row["Failure Count"],
                float(row["Requests/s"]),
                row["50%"],
                row["95%"],
                row["99%"],
            )
        )
    errors = int(total["Failure Count"]) + sum(
        int(e["Count"]) for e in result["exceptions"]
    )
    for exception in result["exceptions"][:5]:
        print("  exception x%s: %s" % (exception["Count"], exception["Message"][:200]))
    for failure in result["failures"][:10]:
        print(
            "  error: %s %s x%s: %s"
            % (
                failure["Method"],
                failure["Name"],
                failure["Occurrences"],
                failure["Error"][:200],
            )
        )
    if "Traceback" in result["stderr"] or "Error" in result["stderr"]:
        print("locust stderr (tail):\n" + result["stderr"][-2000:])
    print()
    print("peak memory (RSS, MB):")
    for name, peak in peaks.items():
        print(
            "  %-9s largest process %7.1f, all %2d together %7.1f"
            % (name, peak["max_process_mb"], peak["processes"], peak["total_mb"])
        )
    print(
        "worker backlog when the load stopped: %d messages; drained in %.1f s"
        % (left, drain_s)
    )
    print("photos uploaded during the run, by status: %s" % photos)
    print(
        "load generator (locust) CPU: %.1f s over %.0f s"
        % (result["locust_cpu_s"], result["wall_s"])
    )
    load_after = os.getloadavg()[0]
    print(
        "load average (1 min): %.1f before, %.1f at the end" % (load_before, load_after)
    )
    figures = {
        "rps": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "errors": errors,
        "drain_s": round(drain_s, 1),
        "backlog_at_end": left,
        "requests": int(total["Request Count"]),
        "duration_s": duration,
        "offered_rps": rate,
        "per_endpoint_p95_ms": {
            ("%s %s" % (r["Type"], r["Name"])): float(r["95%"])
            for r in rows
            if r["Name"] != "Aggregated"
        },
        "peak_rss_mb": {
            name: round(peak["max_process_mb"], 1) for name, peak in peaks.items()
        },
        "cpu_s": {name: round(secs, 1) for name, secs in cpu.items()},
        "locust_cpu_s": round(result["locust_cpu_s"], 1),
        "load_average": round(load_after, 1),
        "targets_met": (
            float(total["Requests/s"]) >= 300
            and float(total["95%"]) < 100
            and errors == 0
            and drain_s <= 60
        ),
    }
    return figures


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
