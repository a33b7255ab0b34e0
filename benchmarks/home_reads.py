"""Home page reads and the cookieless read counter, on 10,000 published posts.

Run: .venv/bin/python benchmarks/home_reads.py [--posts 10000] [--reads 20000]

1. Setup: its own PostgreSQL database (``portal_bench_home``, dropped and
   recreated, then migrated) and Redis with its own key prefix. 60 units
   over the regions, posts over every category, one in 500 featured.
2. ``news.selectors.home_page()``: everything the home page lists (median
   of 10 runs after a warm-up), and the same page through the test client
   (rendering included, no page cache).
3. ``read_record``: counted reads per second from one process (each a few
   Redis round trips), readers and posts spread out.
4. ``read_counts_flush`` of those reads (a closed counting period): how long
   the worker's run takes, batches of 500 posts per UPDATE.

The database is dropped afterwards, also on failure. The last line of output
is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DB_NAME = "portal_bench_home"
PG_URL = "postgres://postgres@127.0.0.1:5432/"


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(sql)


def clear_keys(redis_url: str) -> None:
    """Counters and reader markers of an earlier run would count as repeats."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match="bench-home:*", count=1000):
        client.delete(key)


def setup_django() -> None:
    os.environ["DATABASE_URL"] = PG_URL + DB_NAME
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/2")
    os.environ["CACHE_KEY_PREFIX"] = "bench-home"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    clear_keys(os.environ["REDIS_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_posts(n: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from news.models import Category, Post
    from units.models import Region, Unit, User

    regions = list(Region.objects.order_by("province_code"))
    units = [
        Unit.objects.create(
            unit_type="lapas",
            place="Bench %d" % i,
            region=regions[i % len(regions)],
            slug="lapas-bench-%d" % i,
        )
        for i in range(60)
    ]
    author = User.objects.create(username="bench", unit=units[0])
    categories = list(Category.objects.all())
    now = timezone.now()
    Post.objects.bulk_create(
        [
            Post(
                title="Berita uji kinerja %d" % i,
                slug="berita-uji-kinerja-%d" % i,
                lead="Ringkasan berita %d." % i,
                body="<p>Isi berita uji kinerja.</p>" * 40,
                unit=units[i % len(units)],
                author=author,
                category=categories[i % len(categories)],
                status="published",
                published_at=now - timedelta(minutes=7 * i),
                is_featured=i % 500 == 0,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def median_ms(fn, runs: int = 10) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--reads", type=int, default=20000)
    args = parser.parse_args()
    admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % DB_NAME)
    admin("CREATE DATABASE %s" % DB_NAME)
    try:
        setup_django()
        make_posts(args.posts)
        figures = run(args)
    finally:
        from django.db import connections

        connections.close_all()
        admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % DB_NAME)
    print(json.dumps(figures))


def run(args) -> dict:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from news import selectors
    from news.models import Post
    from news.services import readcounts

    settings.ALLOWED_HOSTS = ["*"]
    selector_ms = median_ms(selectors.home_page)
    client = Client()
    with override_settings(PAGE_CACHE_ENABLED=False):
        page_ms = median_ms(lambda: client.get("/"))

    post_ids = list(Post.objects.values_list("pk", flat=True))
    closed = time.time() - 2 * readcounts.GENERATION_SECONDS
    start = time.perf_counter()
    for n in range(args.reads):
        readcounts.read_record(
            post_id=post_ids[(n * 7919) % len(post_ids)],
            client_ip="10.%d.%d.%d" % (n // 65025 % 256, n // 255 % 255, n % 255),
            now=closed,
        )
    record_s = time.perf_counter() - start
    import cProfile
    import pstats

    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    flushed = readcounts.read_counts_flush(max_batches=10_000)
    profile.disable()
    flush_s = time.perf_counter() - start
    if os.environ.get("PROFILE"):
        pstats.Stats(profile).sort_stats("cumulative").print_stats(15)
    touched = Post.objects.filter(read_count__gt=0).count()

    rows = [
        ("home_page() selectors", "%.1f ms" % selector_ms),
        ("home page, rendered, uncached", "%.1f ms" % page_ms),
        ("read_record", "%.0f reads/s" % (args.reads / record_s)),
        (
            "read_counts_flush",
            "%.2f s for %d reads on %d posts" % (flush_s, flushed, touched),
        ),
    ]
    width = max(len(name) for name, _ in rows)
    print("Home and read counter, %d published posts" % args.posts)
    for name, value in rows:
        print("  %s  %s" % (name.ljust(width), value))
    return {
        "posts": args.posts,
        "home_selectors_ms": round(selector_ms, 1),
        "home_page_ms": round(page_ms, 1),
        "read_record_per_s": round(args.reads / record_s),
        "flush_s": round(flush_s, 2),
        "flushed_reads": flushed,
        "flushed_posts": touched,
    }


if __name__ == "__main__":
    main()
