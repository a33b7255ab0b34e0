"""Reads of published posts, counted without cookies or third-party scripts.

Why a separate counter: article pages are served from the Redis page cache
and nginx's micro-cache, so the article view does not run on every read. The
article page calls a tiny uncached endpoint instead (public.views.reads,
markup in templates/public/_read_counter.html), which calls `read_record`.

How a read is counted (Django's cache API only, so the same code runs on
Redis in production and on the local-memory cache of the embedded mode):

- Time is cut into one-minute generations. A read adds 1 to the key
  `reads:<generation>:post:<id>` (Redis INCR). The first read of a post in a
  generation creates the key with `add` (SET NX) and takes a numbered slot
  (`reads:<generation>:slot:<n>` = post id, n from an INCR'd counter): Redis
  keeps no list of keys we could afford to scan, the slots are that list.
- `read_counts_flush` (Celery, every few minutes: CELERY_BEAT_SCHEDULE) adds
  the counters of *closed* generations to Post.read_count, in batches of
  slots, one UPDATE per batch. Nobody writes a closed generation any more,
  so reading then deleting its keys loses nothing. A web server whose clock
  lags may still write one; its key gets a new slot past the flushed ones
  and the next run takes it.
- Abuse: one reader (hashed client address) counts once per post per
  READ_REPEAT_SECONDS, and makes at most READS_PER_IP_PER_MINUTE requests a
  minute; beyond that the endpoint answers 429. No address is stored, only a
  keyed hash that expires with the window.
- Cost: on Redis the whole of read_record is one Lua script, one round trip
  (about 3,600 reads a second from one process on a busy 2-core machine,
  against 250 for the same steps as separate cache calls); a flush adds
  20,000 reads to 10,000 posts in about a second (benchmarks/home_reads.py).

Counts are best effort: a cache outage or eviction loses reads, never a page
(the embedded mode's local-memory cache keeps only 300 keys, so its counts
are rough; Redis in production evicts nothing with the TTLs below).
Post.read_count is written with UPDATE ... F(), so it neither touches
updated_at (pages' Last-Modified) nor sends post_save (no cache purge).
"""

import contextlib
import enum
import logging
import time

from django.core.cache import cache
from django.db import connection, transaction
from django.utils.crypto import salted_hmac

from news.models import Post, PostStatus

logger = logging.getLogger(__name__)

GENERATION_SECONDS = 60
# Counters live long enough for a flush to be missed for hours (worker down).
KEY_TTL_SECONDS = 6 * 3600
# A flush looks this many closed generations back (3 hours).
LOOKBACK_GENERATIONS = 180
READ_REPEAT_SECONDS = 30 * 60
READS_PER_IP_PER_MINUTE = 30
FLUSH_BATCH_SIZE = 500
FLUSH_MAX_BATCHES = 20
_FLUSH_LOCK = "reads:flush-lock"


class ReadOutcome(enum.Enum):
    COUNTED = "counted"
    REPEAT = "repeat"  # the same reader again within the window: not counted
    LIMITED = "limited"  # too many requests from this address: 429


def _generation(now: float) -> int:
    return int(now // GENERATION_SECONDS)


def _post_key(generation: int, post_id: int) -> str:
    return "reads:%d:post:%d" % (generation, post_id)


def _slot_prefix(generation: int) -> str:
    return "reads:%d:slot:" % generation


def _slot_key(generation: int, slot: int) -> str:
    return "%s%d" % (_slot_prefix(generation), slot)


def _slots_key(generation: int) -> str:
    return "reads:%d:slots" % generation


def _done_key(generation: int) -> str:
    return "reads:%d:done" % generation


def _incr(key: str, *, timeout: int) -> int:
    """INCR that creates the key (Django's incr raises on a missing key)."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def _reader(client_ip: str | None) -> str:
    # A keyed hash: the cache never holds a reader's address.
    return salted_hmac("news.readcounts", client_ip or "unknown").hexdigest()[:20]


# read_record on Redis in one round trip instead of six to nine. KEYS: the
# address's minute counter, the reader-and-post marker, the post's counter,
# the generation's slot counter. ARGV: limit, minute TTL, repeat window,
# counter TTL, post id, slot key prefix. Returns 0 counted, 1 repeat, 2
# limited. Same keys and values as the cache-API path below (Django's Redis
# serializer stores integers as plain numbers), so the flush reads both.
_RECORD_LUA = """
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if hits > tonumber(ARGV[1]) then return 2 end
if not redis.call('SET', KEYS[2], 1, 'NX', 'EX', ARGV[3]) then return 1 end
if redis.call('INCR', KEYS[3]) == 1 then
  redis.call('EXPIRE', KEYS[3], ARGV[4])
  local slot = redis.call('INCR', KEYS[4])
  if slot == 1 then redis.call('EXPIRE', KEYS[4], ARGV[4]) end
  redis.call('SET', ARGV[6] .. slot, ARGV[5], 'EX', ARGV[4])
end
return 0
"""
_OUTCOMES = (ReadOutcome.COUNTED, ReadOutcome.REPEAT, ReadOutcome.LIMITED)


def _record_on_redis(keys: list[str], post_id: int, slot_prefix: str):
    """Run _RECORD_LUA when the cache is Redis; None for other caches."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]  # `cache` is a proxy: isinstance needs this
    if not isinstance(backend, RedisCache):
        return None
    full = [backend.make_and_validate_key(key) for key in keys]
    client = backend._cache.get_client(full[0], write=True)
    prefix = backend.make_and_validate_key(slot_prefix)
    outcome = client.eval(
        _RECORD_LUA,
        len(full),
        *full,
        READS_PER_IP_PER_MINUTE,
        120,
        READ_REPEAT_SECONDS,
        KEY_TTL_SECONDS,
        post_id,
        prefix,
    )
    return _OUTCOMES[int(outcome)]


def read_record(
    *, post_id: int, client_ip: str | None, now: float | None = None
) -> ReadOutcome:
    """Count one read of a post, unless this reader was just counted for it.

    Needs no database query: the post id is checked when the counts are
    flushed (unknown or unpublished ids are dropped there). On Redis one
    round trip (a Lua script); on other caches the same steps through
    Django's cache API.
    """
    now = time.time() if now is None else now
    reader = _reader(client_ip)
    minute_key = "reads:ip:%s:%d" % (reader, int(now // 60))
    seen_key = "reads:seen:%s:%d" % (reader, post_id)
    generation = _generation(now)
    try:
        outcome = _record_on_redis(
            [
                minute_key,
                seen_key,
                _post_key(generation, post_id),
                _slots_key(generation),
            ],
            post_id,
            _slot_prefix(generation),
        )
        if outcome is not None:
            return outcome
        if _incr(minute_key, timeout=120) > READS_PER_IP_PER_MINUTE:
            return ReadOutcome.LIMITED
        if not cache.add(seen_key, 1, timeout=READ_REPEAT_SECONDS):
            return ReadOutcome.REPEAT
        read_add(post_id=post_id, now=now)
    except Exception:  # noqa: BLE001 - a cache outage must never break a page
        logger.exception("Read counter unavailable; a read was not counted")
    return ReadOutcome.COUNTED


def read_add(*, post_id: int, count: int = 1, now: float | None = None) -> None:
    """Add `count` reads to a post's counter of the current generation (no
    limits: read_record applies them; the demo loader adds reads directly)."""
    now = time.time() if now is None else now
    generation = _generation(now)
    key = _post_key(generation, post_id)
    if cache.add(key, count, timeout=KEY_TTL_SECONDS):
        slot = _incr(_slots_key(generation), timeout=KEY_TTL_SECONDS)
        cache.set(_slot_key(generation, slot), post_id, timeout=KEY_TTL_SECONDS)
    else:
        # ValueError: flushed or expired a moment ago; those reads are lost.
        with contextlib.suppress(ValueError):
            cache.incr(key, count)


def _apply(counts: dict[int, int]) -> int:
    """Add the counts to the published posts among them, in one UPDATE.

    UPDATE ... FROM (VALUES ...): one statement for the batch (PostgreSQL,
    and SQLite 3.33+); a CASE WHEN per post built through the ORM cost more
    in Python than the update itself.
    """
    if not counts:
        return 0
    table = connection.ops.quote_name(Post._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(counts))
    params = [value for item in counts.items() for value in item]
    # VALUES columns are column1, column2 in PostgreSQL and SQLite alike
    # (SQLite takes no column list after the alias).
    sql = (
        f"UPDATE {table} SET read_count = {table}.read_count + added.column2 "
        f"FROM (VALUES {rows}) AS added "
        f"WHERE {table}.id = added.column1 AND {table}.status = %s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [*params, PostStatus.PUBLISHED])
    return sum(counts.values())


def _flush_generation(generation: int, *, done: int, slots: int, budget: int):
    """Flush slots done+1..slots of one generation, `budget` batches at most.

    Returns (reads added, batches used).
    """
    added = batches = 0
    while done < slots and batches < budget:
        last = min(done + FLUSH_BATCH_SIZE, slots)
        slot_keys = [_slot_key(generation, n) for n in range(done + 1, last + 1)]
        post_ids = [int(i) for i in cache.get_many(slot_keys).values()]
        post_keys = {_post_key(generation, post_id): post_id for post_id in post_ids}
        counts: dict[int, int] = {}
        for key, value in cache.get_many(list(post_keys)).items():
            if value:
                counts[post_keys[key]] = counts.get(post_keys[key], 0) + int(value)
        added += _apply(counts)
        # Marked done right after the UPDATE committed, before the keys go: only
        # a crash between those two steps could count a batch twice.
        cache.set(_done_key(generation), last, timeout=KEY_TTL_SECONDS)
        cache.delete_many(slot_keys + list(post_keys))
        done = last
        batches += 1
    return added, batches


def read_counts_flush(
    *,
    now: float | None = None,
    max_batches: int = FLUSH_MAX_BATCHES,
) -> int:
    """Add the counted reads of closed generations to Post.read_count.

    Bounded: at most `max_batches` UPDATEs of FLUSH_BATCH_SIZE posts; what is
    left waits for the next run. Runs one at a time (a lock in the cache).
    Returns the number of reads added.
    """
    now = time.time() if now is None else now
    if not cache.add(_FLUSH_LOCK, 1, timeout=240):
        return 0
    try:
        current = _generation(now)
        generations = range(current - LOOKBACK_GENERATIONS, current)
        keys = [_slots_key(g) for g in generations] + [
            _done_key(g) for g in generations
        ]
        state = cache.get_many(keys)
        added = batches = 0
        for generation in generations:
            slots = int(state.get(_slots_key(generation)) or 0)
            done = int(state.get(_done_key(generation)) or 0)
            if done >= slots:
                continue
            if batches >= max_batches:
                break
            more, used = _flush_generation(
                generation, done=done, slots=slots, budget=max_batches - batches
            )
            added += more
            batches += used
        return added
    finally:
        cache.delete(_FLUSH_LOCK)
