"""The checks before an editor decides (news.checks), measured.

Run: .venv/bin/python benchmarks/checks.py [--posts N] [--keep] [--reuse]
     [--only SECTION ...]

Each measurement is one section in SECTIONS below: a function that prints its
own table and returns its figures for the final JSON line. A section that
needs the archive says so; the archive is then built once for all of them.
To add a measurement, write a function and add a Section.

Sections:
- `labelled`: precision and recall of the grouping on the labelled set
  (tests/news/fixtures/story_pairs.toml, 43 pairs), the chosen method
  (news.checks.grouping: Sastrawi stems, TF-IDF cosine, event date and place)
  beside the alternatives it was chosen over: the same without stemming,
  MinHash (datasketch, 128 permutations) over the same stems with the same
  time and place rules, and TF-IDF on text alone. The alternatives get the
  threshold that suits them best on this very set (an optimistic figure for
  them); the chosen method runs with its setting. Also the time per pair.
- `group_check`: the grouping check per submission with an archive of N
  (200,000) posts: each of the labelled set's 61 stories is submitted by a
  unit (a new post, submitted now) and `news.checks.grouping.check` runs on
  it, as the worker does; then the whole `post_checks_run` (every check) on
  the same posts again. Median and worst.

The archive: its own database (``portal_bench_checks`` on 127.0.0.1, dropped
and recreated, migrated), N published posts of generated Indonesian news text
(benchmarks/search.py's writer) over five years, loaded with COPY, each with
its grouping fingerprint, key terms and the document counts as the worker
would have left them (key terms chosen with document frequencies estimated on
the first 5,000 posts). The search-vector trigger is disabled for the load:
no check reads the vector. A reused archive (--reuse) still holds the
earlier run's submissions, so each new one joins a group (the costlier
path). Loopback only; the database is dropped at the end
(unless --keep), also on failure. The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.search import PG_URL, Writer  # noqa: E402

DB_NAME = "portal_bench_checks"
TARGET_GROUP_CHECK_MS = 1000
TARGET_PRECISION = TARGET_RECALL = 0.9
DF_SAMPLE = 5_000


@dataclass(frozen=True)
class Section:
    name: str
    measure: Callable[[argparse.Namespace], dict]
    needs_archive: bool = False


# --- Database -----------------------------------------------------------------


def admin_connection():
    import psycopg

    return psycopg.connect(PG_URL + "postgres", autocommit=True)


def recreate_database():
    with admin_connection() as conn:
        conn.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % DB_NAME)
        conn.execute("CREATE DATABASE %s" % DB_NAME)


def drop_database():
    from django.db import connections

    connections.close_all()
    with admin_connection() as conn:
        conn.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % DB_NAME)


def setup_django(*, archive: bool):
    import os

    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    if archive:
        os.environ["DATABASE_URL"] = PG_URL + DB_NAME
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    if archive:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def load_archive(count: int, seed: int = 11) -> float:
    """N published posts with their grouping index, by COPY."""
    from django.db import connection, transaction

    from news.checks import grouping
    from news.models import Category, Post
    from units.models import Region, Role, Unit, UnitType, User

    rng = random.Random(seed)
    writer = Writer(rng)
    regions = list(Region.objects.all())
    units = []
    for n in range(120):
        unit = Unit(
            unit_type=rng.choice(list(UnitType)),
            unit_class="IIA",
            place="Kota Uji %d" % n,
            region=regions[n % len(regions)],
            slug="bench-unit-%d" % n,
        )
        unit.save()
        units.append(unit)
    author = User.objects.create_user(
        username="bench", password=None, role=Role.CONTRIBUTOR, unit=units[0]
    )
    categories = list(Category.objects.values_list("pk", flat=True))
    fields = [
        f
        for f in Post._meta.concrete_fields
        if not f.primary_key and f.name != "search_vector"
    ]
    defaults = {
        f.attname: json.dumps(f.get_default())
        if isinstance(f.get_default(), dict | list)
        else f.get_default()
        for f in fields
    }
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    now = datetime.now(UTC)
    span = timedelta(days=5 * 365).total_seconds()

    # Document frequencies estimated on a sample, to pick each post's key
    # terms in one pass (the worker uses the counts of its moment too).
    sample = Counter()
    sample_rng = random.Random(seed + 1)
    sample_writer = Writer(sample_rng)
    for _ in range(DF_SAMPLE):
        title, lead, body = sample_writer.post()
        sample.update(set(grouping.terms_of(title=title, lead=lead, body_text=body)))

    def idf(term):
        return grouping.idf_from_counts(documents=DF_SAMPLE, counts=sample)(term)

    started = time.perf_counter()
    documents = Counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE news_post DISABLE TRIGGER USER")
        raw = cursor.cursor
        rows = []
        with raw.copy("COPY news_post (%s) FROM STDIN" % columns) as copy:
            for n in range(count):
                title, lead, body = writer.post()
                published = now - timedelta(seconds=rng.random() * span)
                unit = units[rng.randrange(len(units))]
                row = dict(
                    defaults,
                    title=title,
                    slug="bench-%d" % n,
                    lead=lead,
                    body=body,
                    unit_id=unit.pk,
                    author_id=author.pk,
                    category_id=rng.choice(categories),
                    status="published",
                    event_date=(published - timedelta(days=1)).date(),
                    location=unit.place,
                    submitted_at=published - timedelta(hours=2),
                    published_at=published,
                    created_at=published - timedelta(hours=3),
                    updated_at=published,
                )
                copy.write_row([row[f.attname] for f in fields])
                rows.append((n, title, lead, body, row, unit))
        print(
            "  %d posts in %.0f s; indexing..." % (count, time.perf_counter() - started)
        )
        ids = dict(
            Post.objects.filter(slug__startswith="bench-").values_list("slug", "pk")
        )
        with (
            raw.copy(
                "COPY news_storyfingerprint (post_id, submitted_at, event_date, "
                "place, region_id, terms) FROM STDIN"
            ) as fingerprints,
        ):
            keyterms = []
            for n, title, lead, body, row, unit in rows:
                pk = ids["bench-%d" % n]
                terms = grouping.terms_of(title=title, lead=lead, body_text=body)
                documents.update(set(terms))
                fingerprints.write_row(
                    [
                        pk,
                        row["submitted_at"],
                        row["event_date"],
                        " ".join(sorted(grouping.place_of(row["location"]))),
                        unit.region_id,
                        json.dumps(dict(terms)),
                    ]
                )
                for term in grouping.key_terms(grouping.weights(terms, idf)):
                    keyterms.append((pk, term, row["submitted_at"]))
                if n and n % 50_000 == 0:
                    print("  %d fingerprints..." % n, flush=True)
        rows.clear()
        with raw.copy(
            "COPY news_storykeyterm (post_id, term, submitted_at) FROM STDIN"
        ) as copy:
            for item in keyterms:
                copy.write_row(item)
        with raw.copy("COPY news_storytermcount (term, documents) FROM STDIN") as copy:
            copy.write_row([grouping.TOTAL_TERM, count])
            for term, n in documents.items():
                copy.write_row([term, n])
    # After the commit: ALTER TABLE waits for the load's deferred key checks.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE news_post ENABLE TRIGGER USER")
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


# --- Section: the labelled set ----------------------------------------------


def _labelled():
    from news.checks import grouping
    from tests.news.story_pairs import load_labelled_set

    stories, pairs = load_labelled_set()
    regions = {}
    return stories, pairs, regions, grouping


def _unstemmed_terms(grouping, labelled) -> dict:
    _stemmer, stop_words = grouping._sastrawi()
    terms = Counter()
    for part, times in ((labelled.title, 2), (labelled.lead, 1), (labelled.body, 1)):
        for word in grouping._WORD.findall(part.lower()):
            if word not in stop_words and len(word) > 1:
                terms[word] += times
    return dict(terms)


def _demo_meeting_reports():
    """The demo posts about the 2024 meeting, as labelled stories."""
    import tomllib

    from tests.news.story_pairs import LabelledStory

    raw = tomllib.loads(
        (ROOT / "news" / "fixtures" / "demo_posts.toml").read_text(encoding="utf-8")
    )["post"]
    return [
        LabelledStory(
            id="demo-%d" % n,
            unit=post["unit"],
            region="",
            location=post.get("location", ""),
            event_date=post["on"],
            title=post["title"],
            lead=post["lead"],
            body=post["text"].strip(),
        )
        for n, post in enumerate(raw)
        if "2024-09" in str(post.get("on", ""))
    ]


def _best(pairs, scores, decide_at) -> tuple[float, float, float]:
    """(threshold, precision, recall) with the best F1 over a grid."""
    best = (0.0, 0.0, 0.0, -1.0)
    for step in range(5, 96):
        threshold = step / 100
        p, r = _pr(pairs, scores, lambda key, s, t=threshold: decide_at(key, s, t))
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best[3]:
            best = (threshold, p, r, f1)
    return best[:3]


def _pr(pairs, scores, decide) -> tuple[float, float]:
    tp = fp = fn = 0
    for pair in pairs:
        key = (pair.a, pair.b)
        said = decide(key, scores[key])
        tp += said and pair.same
        fp += said and not pair.same
        fn += (not said) and pair.same
    return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)


def measure_labelled_set(args) -> dict:
    from dataclasses import replace

    stories, pairs, regions, grouping = _labelled()
    from tests.news.story_pairs import load_seed_articles

    # The real seed pair (long articles, two outlets) is scored beside the
    # labelled set, with document frequencies over both.
    seeds = load_seed_articles()
    seed_key = (seeds[0].id, seeds[1].id)
    stories = {**stories, **{seed.id: seed for seed in seeds}}
    # Held out: the demo's own reports of that 2024 meeting, each with each
    # seed article (real lengths; never used to set a threshold).
    real_pairs = [seed_key]
    for raw in _demo_meeting_reports():
        stories[raw.id] = raw
        real_pairs += [(seed.id, raw.id) for seed in seeds]
    started = time.perf_counter()
    built = {
        key: grouping.story_of_text(
            title=s.title,
            lead=s.lead,
            body_text=s.body,
            location=s.location,
            unit_name=s.unit,
            event_date=s.event_date,
            region_id=regions.setdefault(s.region, len(regions) + 1),
        )
        for key, s in stories.items()
    }
    stem_ms = (time.perf_counter() - started) * 1000 / len(built)
    idf = grouping.idf_of_stories(built.values())
    keys = [(p.a, p.b) for p in pairs]

    def timed(fn):
        started = time.perf_counter()
        out = {key: fn(*key) for key in keys}
        return out, (time.perf_counter() - started) * 1_000_000 / len(keys)

    plain = {
        k: replace(v, terms=_unstemmed_terms(grouping, stories[k]))
        for k, v in built.items()
    }
    plain_idf = grouping.idf_of_stories(plain.values())
    from datasketch import MinHash

    hashes = {}
    for key, story in built.items():
        h = MinHash(num_perm=128, seed=1)
        for term in story.terms:
            h.update(term.encode("utf-8"))
        hashes[key] = h
    timed(lambda a, b: grouping.score(built[a], built[b], idf))  # warm-up
    methods = [
        (
            "TF-IDF, Sastrawi stems",
            built,
            lambda a, b: grouping.score(built[a], built[b], idf),
        ),
        (
            "TF-IDF, no stemming",
            plain,
            lambda a, b: grouping.score(plain[a], plain[b], plain_idf),
        ),
        (
            "MinHash 128, Sastrawi stems",
            built,
            lambda a, b: hashes[a].jaccard(hashes[b]),
        ),
    ]
    rows = []
    p = r = 0.0
    for name, story_map, fn in methods:
        scores, us = timed(fn)

        def rules(key, s, t, story_map=story_map):
            a, b = story_map[key[0]], story_map[key[1]]
            return grouping.same_event(a, b, 1.0) and s >= t

        _t, text_p, text_r = _best(pairs, scores, lambda key, s, t: s >= t)
        if name.startswith("TF-IDF, Sastrawi"):
            threshold = grouping.THRESHOLD
            p, r = _pr(pairs, scores, lambda key, s, t=threshold: rules(key, s, t))
        else:
            threshold, p_, r_ = _best(pairs, scores, rules)
        # How far apart the two labels lie once the time and place rules
        # have spoken: the lowest "same" score minus the highest "not same".
        passing = [
            (pair.same, scores[(pair.a, pair.b)])
            for pair in pairs
            if rules((pair.a, pair.b), 1.0, 0.0)
        ]
        margin = min(s for same, s in passing if same) - max(
            (s for same, s in passing if not same), default=0.0
        )
        seed = fn(*seed_key)
        seed_mark = "%.2f %s" % (
            seed,
            "yes" if rules(seed_key, seed, threshold) else "NO",
        )
        real = sum(rules(key, fn(*key), threshold) for key in real_pairs)
        seed_mark = "%s %d/%d" % (seed_mark, real, len(real_pairs))
        if name.startswith("TF-IDF, Sastrawi"):
            rows.append((name, threshold, p, r, margin, text_p, text_r, seed_mark, us))
        else:
            rows.append(
                (name, threshold, p_, r_, margin, text_p, text_r, seed_mark, us)
            )

    print(
        "Grouping on the labelled set: %d pairs, %d stories"
        % (len(pairs), len(stories))
    )
    print(
        "With time/place rules: ours at its setting, the others at their best "
        "threshold on this set;"
    )
    print(
        "margin: lowest 'same' minus highest 'not same' score among the pairs "
        "the rules let through;"
    )
    print("text only: best F1 with no time/place rules.")
    print(
        "seed: the two real articles' score, whether the method groups them, and "
        "how many of %d real-length same-event pairs it groups" % len(real_pairs)
    )
    print("(the seed pair and each seed with each demo report of that meeting).")
    print()
    print(
        "%-28s %6s %6s %6s %7s %8s %8s %15s %8s"
        % (
            "method",
            "thresh",
            "prec",
            "recall",
            "margin",
            "txt prec",
            "txt rec",
            "real-length",
            "us/pair",
        )
    )
    for row in rows:
        print("%-28s %6.2f %6.2f %6.2f %7.2f %8.2f %8.2f %15s %8.0f" % row)
    print("Stemming a story: %.1f ms" % stem_ms)
    print(
        "Targets: precision >= %.1f (%s), recall >= %.1f (%s)"
        % (
            TARGET_PRECISION,
            "met" if p >= TARGET_PRECISION else "MISSED",
            TARGET_RECALL,
            "met" if r >= TARGET_RECALL else "MISSED",
        )
    )
    print()
    return {
        "group_precision": round(p, 3),
        "group_recall": round(r, 3),
        "group_pairs": len(pairs),
    }


# --- Section: the grouping check on the archive -------------------------------


def measure_group_check(args) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from news.checks import grouping, post_checks_run
    from news.models import Category, Post, PostStatus, StoryGroupMember
    from tests.news.story_pairs import load_labelled_set
    from units.models import Unit, User

    stories, _pairs = load_labelled_set()
    units = list(Unit.objects.filter(slug__startswith="bench-unit-"))
    author = User.objects.get(username="bench")
    category = Category.objects.first()
    rng = random.Random(5)
    posts = []
    for n, story in enumerate(stories.values()):
        posts.append(
            Post.objects.create(
                title=story.title,
                slug="bench-new-%d-%d" % (n, time.time_ns()),
                lead=story.lead[:500],
                body=story.body_html,
                unit=rng.choice(units),
                author=author,
                category=category,
                event_date=story.event_date,
                location=story.location,
                status=PostStatus.SUBMITTED,
                submitted_at=timezone.now(),
            )
        )
    grouping.stem("warm")  # the stemmer's dictionary, built once per worker
    group_ms, queries = [], []
    for post in posts:
        post = Post.objects.select_related("unit__region").get(pk=post.pk)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            grouping.check(post)
            group_ms.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
    all_ms = []
    for post in posts:
        started = time.perf_counter()
        post_checks_run(post_id=post.pk)
        all_ms.append((time.perf_counter() - started) * 1000)
    grouped = StoryGroupMember.objects.filter(post__in=posts).count()
    median = statistics.median(group_ms)
    archive = Post.objects.count()
    print(
        "Grouping check per submission, %d posts in the archive, %d submissions "
        "(%d of them grouped)" % (archive, len(posts), grouped)
    )
    print()
    print("%-34s %9s %9s %9s" % ("", "median ms", "p95 ms", "max ms"))
    for name, values in (
        ("news.checks.grouping.check", group_ms),
        ("all checks (post_checks_run)", all_ms),
    ):
        ordered = sorted(values)
        print(
            "%-34s %9.1f %9.1f %9.1f"
            % (
                name,
                statistics.median(values),
                ordered[int(0.95 * (len(ordered) - 1))],
                ordered[-1],
            )
        )
    print(
        "Queries per grouping check: median %d, max %d"
        % (statistics.median(queries), max(queries))
    )
    print(
        "Target: under %d ms per submission (%s)"
        % (
            TARGET_GROUP_CHECK_MS,
            "met" if max(group_ms) < TARGET_GROUP_CHECK_MS else "MISSED",
        )
    )
    print()
    return {
        "archive_posts": archive,
        "group_check_ms": round(median, 1),
        "group_check_max_ms": round(max(group_ms), 1),
        "all_checks_ms": round(statistics.median(all_ms), 1),
    }


def measure_face_check(args) -> dict:
    """The face detector per 12-megapixel photo (benchmarks/faces.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import faces  # benchmarks/faces.py: no database, no settings

    rows = faces.measure(5)
    detect = [r for r in rows if r["operation"] == "detect"]
    print("Face detector, 12-megapixel JPEGs (median of 5)")
    print("%-8s %10s %10s %6s" % ("photo", "wall ms", "cpu ms", "faces"))
    for row in detect:
        print(
            "%-8s %10.0f %10.0f %6d"
            % (row["photo"], row["wall_ms"], row["cpu_ms"], row["faces"])
        )
    print()
    return {"face_check_ms": faces.face_check_ms(rows=rows)}


SECTIONS = [
    Section("labelled", measure_labelled_set),
    Section("group_check", measure_group_check, needs_archive=True),
    Section("faces", measure_face_check),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database")
    parser.add_argument("--only", nargs="*", choices=[s.name for s in SECTIONS])
    args = parser.parse_args()
    sections = [s for s in SECTIONS if not args.only or s.name in args.only]
    archive = any(s.needs_archive for s in sections)

    figures = {}
    if archive and not args.reuse:
        print("Creating %s ..." % DB_NAME, flush=True)
        recreate_database()
    try:
        setup_django(archive=archive)
        if archive and not args.reuse:
            print("Loading %d posts with their grouping index (COPY)..." % args.posts)
            print("  done in %.0f s" % load_archive(args.posts))
        print()
        for section in sections:
            figures.update(section.measure(args))
    finally:
        if archive and not args.keep:
            drop_database()
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
