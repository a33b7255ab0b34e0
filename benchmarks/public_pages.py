"""The reader's pages under load: gunicorn uncached, from the Redis page
cache, and through the shipped nginx, beside nginx serving the same HTML.

Run: .venv/bin/python benchmarks/public_pages.py [--posts N] [--seconds S]
     [--workers W] [--keep]

1. Setup. Its own PostgreSQL database (``portal_bench_pages`` on
   127.0.0.1, dropped and recreated, then ``manage.py migrate``) with N
   (10,000) published posts over two years, 120 units, the seeded
   categories, 300 tags (two per post) and a cover photo with its eight
   renditions each (rows only: the HTML is measured, not the images),
   loaded with bulk inserts; ``collectstatic`` for DEBUG off. Redis is the
   suite's server, under its own key prefix (``bench-pages``), db from
   REDIS_URL (default 4).
2. gunicorn (W=2 workers of 4 threads, gthread; DEBUG off, PostgreSQL
   pool, Redis cache) on a loopback port, twice: with PAGE_CACHE_ENABLED off
   (every request renders, with its real queries) and on (the page cache's
   hit path). 2 workers on this 2-core machine, which wrk and nginx share:
   more only add context switches. gthread rather than sync because it
   keeps connections alive: the sync worker closes each one, so a cached
   page (well under a millisecond of Python) costs a TCP handshake per
   request; measured here ~3x the cached rate, the same uncached rate.
   nginx's `upstream portal { keepalive 32; }` relies on it too.
   (--worker-class sync to compare.)
3. wrk -t1 -c32 for S seconds (6) per page after a 2 s warm-up: home,
   article, unit listing, search (a mid-frequency word); requests per
   second and p50/p99 latency from wrk's --latency distribution.
4. nginx, same run: a saved copy of the article's HTML as a static file
   (the physical limit), and deploy/nginx.conf itself (the TLS server made
   plain HTTP on a loopback port, paths under a temporary directory,
   upstream = the gunicorn with the page cache) for article_proxy. The
   rewritten configuration is checked with ``nginx -t`` first.
5. Search latency: 300 sequential requests to /cari/ over a fixed mix of
   30 words (rare to very common), uncached; p50 and p95.

Targets (ratios to nginx static in the same run, issue 8): uncached article
>= 1/150 with p99 < 150 ms; cached >= 1/25; through nginx >= 1/2.

Loopback only; processes and database are removed at the end (unless
--keep), also on failure or Ctrl-C. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

PG_URL = "postgres://postgres@127.0.0.1:5432/"
DB_NAME = "portal_bench_pages"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
KEY_PREFIX = "bench-pages"
GUNICORN_PORT = 8181
NGINX_STATIC_PORT = 8182
NGINX_PROXY_PORT = 8183
NGINX_PLAIN_PORT = 8184

WORDS = [
    "pembinaan",
    "kemandirian",
    "warga",
    "binaan",
    "lembaga",
    "pemasyarakatan",
    "rumah",
    "tahanan",
    "kegiatan",
    "pelatihan",
    "keterampilan",
    "kerja",
    "sama",
    "pemerintah",
    "daerah",
    "kesehatan",
    "pemeriksaan",
    "dokter",
    "narapidana",
    "remisi",
    "hari",
    "raya",
    "kunjungan",
    "keluarga",
    "layanan",
    "integrasi",
    "pembebasan",
    "bersyarat",
    "asimilasi",
    "pramuka",
    "olahraga",
    "kesenian",
    "kerajinan",
    "batik",
    "anyaman",
    "perikanan",
    "pertanian",
    "hidroponik",
    "peternakan",
    "roti",
    "kopi",
    "sablon",
    "las",
    "mebel",
    "tenun",
    "keagamaan",
    "pesantren",
]
PLACES = ["Cipinang", "Salemba", "Nusakambangan", "Sukamiskin", "Tangerang", "Bogor"]
SEARCH_WORDS = [
    "pembinaan",
    "warga",
    "kegiatan",
    "kesehatan",
    "remisi",
    "pramuka",
    "batik",
    "hidroponik",
    "kopi",
    "tenun",
    "mebel",
    "sablon",
    "anyaman",
    "pesantren",
    "asimilasi",
    "kunjungan",
    "keluarga",
    "dokter",
    "pelatihan",
    "narapidana",
    "olahraga",
    "kesenian",
    "perikanan",
    "peternakan",
    "roti",
    "las",
    "integrasi",
    "layanan",
    "Cipinang",
    "Sukamiskin",
]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _n in range(rng.randint(9, 18))]
    return (" ".join(words) + ".").capitalize()


# --- Database ---------------------------------------------------------------------


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL + "postgres", autocommit=True) as conn:
        conn.execute(sql)


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DATABASE_URL"] = PG_URL + DB_NAME
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["CACHE_KEY_PREFIX"] = KEY_PREFIX
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(count: int, seed: int = 8) -> float:
    from django.db import connection, transaction
    from django.utils.text import slugify

    from news.models import Category, Photo, Post, Rendition, Tag
    from units.models import Region, Role, Unit, UnitType, User

    rng = random.Random(seed)
    started = time.perf_counter()
    regions = list(Region.objects.all())
    units = []
    for n in range(120):  # save(): a unit computes its normalised name
        unit = Unit(
            unit_type=rng.choice(list(UnitType)),
            unit_class="IIA",
            place="%s %d" % (rng.choice(PLACES), n),
            region=regions[n % len(regions)],
            slug="bench-unit-%d" % n,
        )
        unit.save()
        units.append(unit)
    author = User.objects.create_user(
        username="bench", password=None, role=Role.CONTRIBUTOR, unit=units[0]
    )
    categories = list(Category.objects.all())
    tags = Tag.objects.bulk_create(
        Tag(name="%s %d" % (rng.choice(WORDS), n), slug="tag-%d" % n)
        for n in range(300)
    )
    now = datetime.now(UTC)
    span = timedelta(days=730).total_seconds()
    posts = []
    for n in range(count):
        published = now - timedelta(seconds=rng.random() * span)
        title = " ".join(rng.choice(WORDS) for _w in range(8)).capitalize()
        paragraphs = [
            "<p>%s</p>" % " ".join(sentence(rng) for _s in range(5)) for _p in range(8)
        ]
        posts.append(
            Post(
                title=title,
                slug="%s-%d" % (slugify(title)[:60], n),
                lead=" ".join(sentence(rng) for _s in range(2)),
                body="\n".join(paragraphs),
                unit=units[rng.randrange(len(units))],
                author=author,
                category=rng.choice(categories),
                status="published",
                submitted_at=published - timedelta(hours=2),
                published_at=published,
            )
        )
    with transaction.atomic():
        posts = Post.objects.bulk_create(posts, batch_size=1000)
        through = Post.tags.through
        through.objects.bulk_create(
            (
                through(post_id=post.pk, tag_id=tag.pk)
                for post in posts
                for tag in rng.sample(tags, 2)
            ),
            batch_size=5000,
        )
        photos = Photo.objects.bulk_create(
            (
                Photo(
                    unit_id=post.unit_id,
                    post=post,
                    uploaded_by=author,
                    kind="cover",
                    image="photos/ab/bench%d.jpg" % post.pk,
                    width=1600,
                    height=1067,
                    caption=sentence(rng)[:200],
                    alt_text=sentence(rng)[:200],
                    credit="Humas",
                    status="ready",
                )
                for post in posts
            ),
            batch_size=2000,
        )
        Rendition.objects.bulk_create(
            (
                Rendition(
                    photo=photo,
                    width=width,
                    height=width * 2 // 3,
                    format=fmt,
                    file="renditions/%d-%d.%s" % (photo.pk, width, fmt),
                    bytes=width * 60,
                )
                for photo in photos
                for width in (320, 640, 1024, 1600)
                for fmt in ("webp", "jpeg")
            ),
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


# --- Processes -------------------------------------------------------------------


class Processes:
    def __init__(self):
        self.running: list[subprocess.Popen] = []

    def start(self, args, *, env=None, **kwargs) -> subprocess.Popen:
        process = subprocess.Popen(
            args, env=env, start_new_session=True, **kwargs
        )  # own process group: stopped with its children
        self.running.append(process)
        return process

    def stop(self, process) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(self.running):
            self.stop(process)


def server_env(*, page_cache: bool) -> dict:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=PG_URL + DB_NAME,
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=KEY_PREFIX,
        PAGE_CACHE_ENABLED="true" if page_cache else "false",
        LOG_LEVEL="WARNING",
        DB_POOL_MIN="4",
    )
    return env


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except Exception:  # noqa: BLE001 - not up yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def start_gunicorn(
    procs: Processes,
    *,
    workers: int,
    page_cache: bool,
    worker_class: str = "gthread",
    threads: int = 4,
):
    process = procs.start(
        [
            str(BASE_DIR / ".venv/bin/gunicorn"),
            "portal.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            "127.0.0.1:%d" % GUNICORN_PORT,
            "--backlog",
            "2048",
            "--worker-class",
            worker_class,
            "--threads",
            str(threads if worker_class != "sync" else 1),
            "--log-level",
            "warning",
        ],
        env=server_env(page_cache=page_cache),
        cwd=BASE_DIR,
    )
    wait_for("http://127.0.0.1:%d/" % GUNICORN_PORT)
    return process


def static_nginx_config(root: Path, html_dir: Path) -> str:
    return """
worker_processes 2;
pid %(root)s/static.pid;
error_log %(root)s/static-error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65s;
    server {
        listen 127.0.0.1:%(port)d;
        root %(html)s;
        location / { try_files /article.html =404; default_type text/html; }
    }
}
""" % {"root": root, "port": NGINX_STATIC_PORT, "html": html_dir}


def proxy_nginx_config(root: Path) -> str:
    """deploy/nginx.conf on loopback ports, plain HTTP, paths under `root`."""
    config = (BASE_DIR / "deploy" / "nginx.conf").read_text()
    replacements = [
        ("pid /run/nginx-berita.pid;", "pid %s/proxy.pid;" % root),
        ("/var/log/nginx/", "%s/" % root),
        ("/var/cache/nginx/berita", "%s/cache" % root),
        ("server 127.0.0.1:8000;", "server 127.0.0.1:%d;" % GUNICORN_PORT),
        ("listen 443 ssl http2;", "listen 127.0.0.1:%d;" % NGINX_PROXY_PORT),
        ("listen 80;", "listen 127.0.0.1:%d;" % NGINX_PLAIN_PORT),
    ]
    # The access log (whatever its format) is off: wrk's requests would
    # fill it.
    config, found = re.subn(
        r"access_log /var/log/nginx/berita-access\.log[^;]*;", "access_log off;", config
    )
    if not found:
        raise SystemExit("deploy/nginx.conf changed: no berita-access.log line")
    for old, new in replacements:
        if old not in config:
            raise SystemExit("deploy/nginx.conf changed: %r not found" % old)
        config = config.replace(old, new)
    # No TLS on loopback: wrk measures the cache, not the cipher.
    config = re.sub(r"^\s*(ssl_\S+|listen \[::\]).*$", "", config, flags=re.M)
    return config


def start_nginx(procs: Processes, config: str, root: Path, name: str):
    path = root / ("%s.conf" % name)
    path.write_text(config)
    check = subprocess.run(
        ["nginx", "-t", "-p", str(root), "-c", str(path)],
        capture_output=True,
        text=True,
    )
    if check.returncode != 0:
        raise SystemExit("nginx -t failed for %s:\n%s" % (name, check.stderr))
    return procs.start(
        ["nginx", "-p", str(root), "-c", str(path), "-g", "daemon off;"],
        stderr=subprocess.DEVNULL,
    )


# --- Measuring -------------------------------------------------------------------


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:  # no request answered in time ("-nan")
        return float("nan")
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, seconds: int) -> dict:
    subprocess.run(
        ["wrk", "-t1", "-c32", "-d2s", url], capture_output=True, check=True
    )  # warm-up
    out = subprocess.run(
        # A 10 s timeout: a slow page counts in p99 rather than vanishing.
        ["wrk", "-t1", "-c32", "-d%ds" % seconds, "--timeout", "10s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = max(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), 0.01)
    p50 = _ms(re.search(r"50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors or "Socket errors" in out:
        print("  (%s: %s)" % (url, (errors and errors.group(0)) or "socket errors"))
    print("  %.0f req/s, p50 %.1f ms, p99 %.1f ms" % (rps, p50, p99), flush=True)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99}


def search_latency(base: str, count: int = 300) -> dict:
    rng = random.Random(3)
    times = []
    for _n in range(count):
        url = "%s/cari/?q=%s" % (base, rng.choice(SEARCH_WORDS))
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": times[len(times) // 2],
        "p95_ms": times[int(len(times) * 0.95)],
    }


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def x_cache(url: str, cookie: str = "") -> str:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        return response.headers.get("X-Cache", "")


def flush_page_keys() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match="%s:*" % KEY_PREFIX, count=1000):
        client.unlink(key)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", action="store_true", help="use the database a --keep run left"
    )
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            raise SystemExit("%s is missing: apt-get install -y wrk nginx-light" % tool)

    procs = Processes()
    root = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    root.chmod(0o755)  # nginx's workers (nobody) read the saved page here
    if not args.reuse:
        admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % DB_NAME)
        admin("CREATE DATABASE %s" % DB_NAME)
    try:
        setup_django()
        if not args.reuse:
            print("Loading %d published posts..." % args.posts, flush=True)
            print("  loaded in %.1f s" % load(args.posts))
        from django.core.management import call_command

        env = server_env(page_cache=False)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=env,
            cwd=BASE_DIR,
            check=True,
        )
        call_command("check", verbosity=0)
        from news.models import Post

        post = Post.objects.select_related("unit").order_by("-published_at").first()
        base = "http://127.0.0.1:%d" % GUNICORN_PORT
        pages = {
            "home": "/",
            "article": "/berita/%s/" % post.slug,
            "listing": "/upt/%s/" % post.unit.slug,
            "search": "/cari/?q=pembinaan",
        }
        results: dict[str, dict] = {}
        flush_page_keys()

        gunicorn = start_gunicorn(
            procs,
            workers=args.workers,
            page_cache=False,
            worker_class=args.worker_class,
            threads=args.threads,
        )
        article_html = fetch(base + pages["article"])
        (root / "html").mkdir()
        (root / "html" / "article.html").write_bytes(article_html)
        for name, path in pages.items():
            print("uncached %s..." % name, flush=True)
            results["%s_uncached" % name] = wrk(base + path, args.seconds)
        search = search_latency(base)
        procs.stop(gunicorn)
        if args.worker_class != "sync":
            # The same article with sync workers (deploy/gunicorn.conf.py's
            # default), for comparison: threads cost uncached pages on a
            # saturated CPU what keep-alive gains cached ones.
            gunicorn = start_gunicorn(
                procs,
                workers=args.workers,
                page_cache=False,
                worker_class="sync",
                threads=1,  # more would make gunicorn switch to gthread
            )
            print("uncached article, sync workers...", flush=True)
            results["article_uncached_sync"] = wrk(
                base + pages["article"], args.seconds
            )
            procs.stop(gunicorn)

        flush_page_keys()
        gunicorn = start_gunicorn(
            procs,
            workers=args.workers,
            page_cache=True,
            worker_class=args.worker_class,
            threads=args.threads,
        )
        for name, path in pages.items():
            if name == "search":
                continue  # not kept in Redis (public.caching)
            print("cached %s..." % name, flush=True)
            fetch(base + path)
            results["%s_cached" % name] = wrk(base + path, args.seconds)

        static = start_nginx(
            procs, static_nginx_config(root, root / "html"), root, "static"
        )
        wait_for("http://127.0.0.1:%d/" % NGINX_STATIC_PORT)
        print("nginx static...", flush=True)
        results["nginx_static"] = wrk(
            "http://127.0.0.1:%d/berita/x/" % NGINX_STATIC_PORT, args.seconds
        )
        procs.stop(static)

        proxy = start_nginx(procs, proxy_nginx_config(root), root, "proxy")
        proxied = "http://127.0.0.1:%d%s" % (NGINX_PROXY_PORT, pages["article"])
        wait_for(proxied)
        # The micro-cache answers anonymous readers and passes a session by.
        statuses = [x_cache(proxied), x_cache(proxied), x_cache(proxied, "sessionid=x")]
        print("  X-Cache: anonymous %s then %s, with a session %s" % tuple(statuses))
        if statuses[1] != "HIT" or statuses[2] != "BYPASS":
            raise SystemExit("deploy/nginx.conf does not cache as intended")
        print("article through the shipped nginx...", flush=True)
        results["article_proxy"] = wrk(proxied, args.seconds)
        procs.stop(proxy)
        procs.stop(gunicorn)
    finally:
        procs.stop_all()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % DB_NAME)
            shutil.rmtree(root, ignore_errors=True)
        with contextlib.suppress(Exception):  # Redis away: nothing to flush
            flush_page_keys()

    nginx_rps = results["nginx_static"]["rps"]
    print()
    print("%-22s %10s %9s %9s %10s" % ("page", "req/s", "p50 ms", "p99 ms", "vs nginx"))
    for name, row in results.items():
        print(
            "%-22s %10.0f %9.1f %9.1f %10s"
            % (
                name,
                row["rps"],
                row["p50_ms"],
                row["p99_ms"],
                "1/%.0f" % (nginx_rps / row["rps"]),
            )
        )
    print(
        "search, %d sequential requests: p50 %.1f ms, p95 %.1f ms"
        % (300, search["p50_ms"], search["p95_ms"])
    )
    print("article HTML: %d bytes; %d posts" % (len(article_html), args.posts))
    # Other processes on the machine skew every figure; the ratios less so.
    print("load average (1 min) at the end: %.1f" % os.getloadavg()[0])
    figures = {
        "posts": args.posts,
        "gunicorn_workers": args.workers,
        "gunicorn_worker_class": args.worker_class,
        "load_average": round(os.getloadavg()[0], 1),
        "article_bytes": len(article_html),
        "nginx_rps": round(nginx_rps),
        "article_uncached_rps": round(results["article_uncached"]["rps"]),
        "article_cached_rps": round(results["article_cached"]["rps"]),
        "article_proxy_rps": round(results["article_proxy"]["rps"]),
        "uncached_p99_ms": results["article_uncached"]["p99_ms"],
        "article_uncached_sync_rps": round(
            results.get("article_uncached_sync", {}).get("rps", 0)
        ),
        "cached_p99_ms": results["article_cached"]["p99_ms"],
        "home_uncached_rps": round(results["home_uncached"]["rps"]),
        "home_cached_rps": round(results["home_cached"]["rps"]),
        "listing_uncached_rps": round(results["listing_uncached"]["rps"]),
        "listing_cached_rps": round(results["listing_cached"]["rps"]),
        "search_rps": round(results["search_uncached"]["rps"]),
        "search_p50_ms": round(search["p50_ms"], 1),
        "search_p95_ms": round(search["p95_ms"], 1),
        "uncached_ratio": round(results["article_uncached"]["rps"] / nginx_rps, 4),
        "cached_ratio": round(results["article_cached"]["rps"] / nginx_rps, 4),
        "proxy_ratio": round(results["article_proxy"]["rps"] / nginx_rps, 4),
        "targets_met": (
            results["article_uncached"]["rps"] >= nginx_rps / 150
            and results["article_uncached"]["p99_ms"] < 150
            and results["article_cached"]["rps"] >= nginx_rps / 25
            and results["article_proxy"]["rps"] >= nginx_rps / 2
        ),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
