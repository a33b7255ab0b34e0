"""Full-text search over published posts, for the public search page.

Over 400 lines on purpose: one concern (the search statement and its plan),
whose query building, ranking, snippets and suggestions are read together.

The plan, and why (issue 8's targets: p50 < 50 ms, p95 < 250 ms on 200,000
posts). `Post.search_vector` is a stored, weighted tsvector (title A, lead B,
body C, `indonesian` configuration) with its own GIN index, kept by a trigger
(news migration 0010). The obvious query, `ts_rank` over every match, ranks
and sorts 100,000 rows for a common word and takes seconds. Instead:

1. candidates: the newest SEARCH_CANDIDATES matches (`@@` on the stored
   column, filters applied, ORDER BY published_at DESC LIMIT n): the planner
   uses the GIN index for rare words and walks the (status, -published_at)
   index for common ones, stopping after n matches;
2. rank only those candidates with `ts_rank` (title above lead above body),
   in the same statement, and order them by rank, newest first among
   equals: a bounded, cheap list of ids that also gives the total and
   stable pages;
3. load the posts of the page shown, and make `ts_headline` snippets for
   those 20 rows only.

A reader therefore sees the best of the newest SEARCH_CANDIDATES matches;
the page says so when the cap is reached, and the filters narrow it.

The embedded SQLite mode has no tsvector: it falls back to `icontains` on
title, lead and body, newest first.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from difflib import get_close_matches
from html import unescape
from time import monotonic

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    TrigramWordSimilarity,
)
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import (
    DateTimeField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Concat, Left
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from news.models import Category, Post, Tag
from news.selectors import post_list_published
from units.models import Region, Unit

SEARCH_CONFIG = "indonesian"
# How many of the newest matches are ranked (see the module docstring).
SEARCH_CANDIDATES = 300
# Testing a row while walking the date index reads its vector; taking a
# match from the GIN index does not: a walked row costs about this many
# GIN matches (measured with benchmarks/search.py). See _ranked_ids.
WALK_COST_FACTOR = 4
# A query estimated to match more posts than this, found through the GIN
# index, is first searched among the recent posts only, in a window sized
# to hold WINDOW_HEADROOM times the candidates (see _recent_window).
WINDOW_MIN_MATCHES = 2000
WINDOW_HEADROOM = 2
SEARCH_PAGE_SIZE = 20
# How much of the body the snippet is made from (see _page_posts).
HEADLINE_BODY_CHARS = 3000
SUGGESTION_LIMIT = 5
# pg_trgm's word similarity above which a title or tag is suggested. Lower
# than pg_trgm's default (0.6) so that a typo of one letter in a short word
# still finds it.
SUGGESTION_MIN_SIMILARITY = 0.45

# PostgreSQL's `indonesian` configuration is a stemmer with no stop-word
# list, so "yang" or "di" match nearly every post: searching for them alone
# says nothing. They are dropped from the query (outside quoted phrases,
# whose wording must stay whole); a query of nothing else gets a page that
# explains it. The stored vectors keep them, so phrases still match.
STOP_WORDS = frozenset(
    {
        "ada",
        "adalah",
        "agar",
        "akan",
        "aku",
        "anda",
        "antara",
        "apa",
        "atas",
        "atau",
        "bagi",
        "bahwa",
        "baik",
        "banyak",
        "bila",
        "bisa",
        "dalam",
        "dan",
        "dapat",
        "dari",
        "daripada",
        "dengan",
        "di",
        "dia",
        "hal",
        "hanya",
        "harus",
        "hingga",
        "ia",
        "ialah",
        "ini",
        "itu",
        "jadi",
        "jika",
        "juga",
        "kami",
        "kamu",
        "karena",
        "ke",
        "kepada",
        "kita",
        "lagi",
        "lah",
        "lain",
        "lebih",
        "maka",
        "masih",
        "mereka",
        "namun",
        "nya",
        "oleh",
        "pada",
        "para",
        "per",
        "pun",
        "saat",
        "saja",
        "sama",
        "sampai",
        "sangat",
        "saya",
        "se",
        "secara",
        "sedang",
        "sehingga",
        "sejak",
        "semua",
        "seperti",
        "serta",
        "sudah",
        "supaya",
        "tak",
        "tanpa",
        "telah",
        "tentang",
        "tersebut",
        "tetapi",
        "tidak",
        "untuk",
        "yaitu",
        "yakni",
        "yang",
    }
)
_WORD = re.compile(r"(?<![\w-])-?(\w+)(?![\w-])", re.UNICODE)

# ts_headline marks the matches with these control characters, which never
# occur in stored text; the snippet is HTML-escaped first and the marks
# become <mark> afterwards, so no stored markup reaches the page.
_START, _STOP = "\x02", "\x03"


@dataclass
class SearchFilters:
    unit: Unit | None = None
    region: Region | None = None
    category: Category | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class SearchResults:
    query: str
    page: Page
    total: int
    # True when more posts match than were ranked (SEARCH_CANDIDATES).
    capped: bool = False
    # True when the query held nothing to search for (only stop words or
    # punctuation): the page explains it instead of "no result".
    only_stop_words: bool = False
    posts: list[Post] = field(default_factory=list)


def strip_stop_words(query: str) -> str:
    """The query without stop words outside quotes ("" when nothing is left)."""
    parts = query.split('"')
    for index in range(0, len(parts), 2):  # even parts are outside quotes
        parts[index] = _WORD.sub(
            lambda m: "" if m.group(1).lower() in STOP_WORDS else m.group(0),
            parts[index],
        )
    cleaned = '"'.join(parts)
    return cleaned if re.search(r"\w", cleaned) else ""


def _local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filter(queryset: QuerySet[Post], filters: SearchFilters) -> QuerySet[Post]:
    if filters.unit is not None:
        queryset = queryset.filter(unit=filters.unit)
    if filters.region is not None:
        queryset = queryset.filter(unit__region=filters.region)
    if filters.category is not None:
        queryset = queryset.filter(category=filters.category)
    if filters.date_from is not None:
        start = _local_day_start(filters.date_from)
        queryset = queryset.filter(published_at__gte=start)
    if filters.date_to is not None:
        # The whole last day, in the site's time zone.
        end = _local_day_start(filters.date_to + timedelta(days=1))
        queryset = queryset.filter(published_at__lt=end)
    return queryset


def _tsquery(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


def _marked(text: str | None) -> SafeString:
    """Escape a ts_headline result, then turn its match marks into <mark>.

    Words marked side by side ("warga binaan") become one mark, which reads
    as the phrase the reader typed rather than as separate hits.
    """
    text = escape(unescape(text or ""))
    text = re.sub("%s(\\s+)%s" % (_STOP, _START), r"\1", text)
    return mark_safe(  # noqa: S308 - escaped above; only our marks become tags
        text.replace(_START, "<mark>").replace(_STOP, "</mark>")
    )


def _with_ellipses(snippet: str, *, lead: str) -> str:
    """An ellipsis where the snippet cuts a text: before it, unless it starts
    the lead; after it, unless it ends a sentence."""
    plain = " ".join(snippet.replace(_START, "").replace(_STOP, "").split())
    if not plain:
        return snippet
    if not " ".join(lead.split()).startswith(plain[:40]):
        snippet = "… " + snippet.lstrip()
    if plain[-1] not in '.!?"”’)':
        snippet = snippet.rstrip() + " …"
    return snippet


def _strip_tags(expression):
    return Func(
        expression,
        Value(r"<[^>]*>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def _estimated_matches(tsquery_sql: str, params) -> float:
    """The planner's estimate of how many posts match (no rows are read)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM news_post WHERE search_vector @@ %s"
            % tsquery_sql,
            params,
        )
        return float(_json_plan(cursor.fetchone()[0])["Plan"]["Plan Rows"])


def _json_plan(value):
    plan = json.loads(value) if isinstance(value, str) else value
    return plan[0]


_post_count_cache: dict[str, float] = {}


def _post_count_estimate() -> float:
    """The planner's row count of news_post, re-read every ten minutes."""
    now = monotonic()
    if now - _post_count_cache.get("at", -1e9) > 600:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = 'news_post'::regclass"
            )
            _post_count_cache.update(rows=max(float(cursor.fetchone()[0]), 1.0))
        _post_count_cache["at"] = now
    return _post_count_cache["rows"]


def _oldest_published() -> datetime | None:
    """When the oldest published post appeared, re-read every ten minutes."""
    now = monotonic()
    if now - _post_count_cache.get("oldest_at", -1e9) > 600:
        _post_count_cache["oldest"] = (
            Post.objects.published()
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        _post_count_cache["oldest_at"] = now
    return _post_count_cache["oldest"]


def _recent_window(
    *, query: str, estimate: float, filters: SearchFilters
) -> datetime | None:
    """A start date after which the newest SEARCH_CANDIDATES matches should
    lie, or None to search all dates.

    Taking the matches of a mid-frequency word from the GIN index still
    visits one heap page per match (for its date and status): 9,000 page
    visits for a word in 4.5 % of 200,000 posts. Bounding the date lets
    PostgreSQL AND the GIN bitmap with the (status, -published_at) index's
    bitmap before it visits the heap, so it visits only the recent matches.
    The window is sized, assuming posts spread evenly since the oldest one,
    to hold WINDOW_HEADROOM times the candidates; when it holds fewer than
    SEARCH_CANDIDATES, the caller searches all dates again, so the result is
    exactly the same either way. Only for a plain query: a filter narrows
    the matches below the estimate, and the window would mostly fall short.
    """
    if (
        any(vars(filters).values())
        or estimate < WINDOW_MIN_MATCHES
        # The planner estimates a phrase as its words anywhere in the post,
        # often ten times its real matches: a window would fall short.
        or '"' in query
    ):
        return None
    oldest = _oldest_published()
    if oldest is None:
        return None
    share = WINDOW_HEADROOM * SEARCH_CANDIDATES / estimate
    if share >= 0.5:
        return None
    now = timezone.now()
    return now - (now - oldest) * share


def _ranked_ids(*, query: str, filters: SearchFilters) -> list[int]:
    """Ids of the best of the newest SEARCH_CANDIDATES matches, best first.

    One statement finds the candidates and ranks them: the inner query takes
    the matches, newest first, cut at SEARCH_CANDIDATES; the outer one ranks
    only those (with the rank in the inner query, PostgreSQL would compute
    it for every match before sorting them by date).

    Two ways to find the newest matches, and PostgreSQL's cost model does
    not tell them apart well, since it prices the `@@` test of a row as
    nearly free, while it has to read the row's whole vector:
    - walk the (status, -published_at) index and test each row: cheap when
      most posts match (SEARCH_CANDIDATES / share-of-matches rows);
    - take every match from the GIN index (no vector is read) and keep the
      newest: cheap when few posts match, and bounded to a recent window
      when a few thousand do (see _recent_window).
    The planner's estimate of the matches (an EXPLAIN, no rows read) picks
    the way; the GIN way is forced by sorting on an expression the b-tree
    cannot provide.
    """
    tsquery = _tsquery(query)
    matches = _filter(Post.objects.published().filter(search_vector=tsquery), filters)
    estimate = _estimated_matches(
        "websearch_to_tsquery(%s::regconfig, %s)", [SEARCH_CONFIG, query]
    )
    walk_is_cheaper = estimate**2 > WALK_COST_FACTOR * SEARCH_CANDIDATES * (
        _post_count_estimate()
    )
    if walk_is_cheaper:
        return _rank_newest(matches.order_by("-published_at", "-id"), query=query)
    newest = matches.alias(
        newest=ExpressionWrapper(
            F("published_at") + Value(timedelta(0)),
            output_field=DateTimeField(),
        )
    ).order_by("-newest", "-id")
    window_start = _recent_window(query=query, estimate=estimate, filters=filters)
    if window_start is not None:
        ids = _rank_newest(newest.filter(published_at__gte=window_start), query=query)
        if len(ids) >= SEARCH_CANDIDATES:
            return ids
    return _rank_newest(newest, query=query)


def _rank_newest(newest: QuerySet[Post], *, query: str) -> list[int]:
    """Rank the first SEARCH_CANDIDATES of `newest` (see _ranked_ids)."""
    # The vectors stay out of the inner query (its sort would copy every
    # match's vector); the outer one reads them for the candidates only.
    candidates = newest.values("id", "published_at")[:SEARCH_CANDIDATES]
    inner_sql, inner_params = candidates.query.sql_with_params()
    sql = (
        "SELECT c.id FROM (%s) AS c JOIN news_post AS p ON p.id = c.id "
        "ORDER BY ts_rank(p.search_vector, websearch_to_tsquery(%%s::regconfig, %%s)) "
        "DESC, c.published_at DESC, c.id DESC" % inner_sql
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*inner_params, SEARCH_CONFIG, query))
        return [row[0] for row in cursor.fetchall()]


def _page_posts(*, ids: list[int], query: str) -> list[Post]:
    """The posts of one page, in rank order, with highlighted title and snippet."""
    if not ids:
        return []
    tsquery = _tsquery(query)
    # The body and the vector are large and the page shows neither (the
    # snippet is made in SQL): they stay in the database.
    rows = (
        post_list_published()
        .filter(pk__in=ids)
        .defer("body", "search_vector", "checks")
    )
    if query and connection.vendor == "postgresql":
        rows = rows.annotate(
            title_headline=SearchHeadline(
                "title",
                tsquery,
                config=SEARCH_CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                highlight_all=True,
            ),
            snippet_headline=SearchHeadline(
                # ts_headline parses all it is given: the lead and the
                # start of the body are where a reader looks anyway.
                Concat(
                    "lead",
                    Value(" "),
                    Left(_strip_tags(F("body")), HEADLINE_BODY_CHARS),
                    output_field=TextField(),
                ),
                tsquery,
                config=SEARCH_CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
    by_id = {post.pk: post for post in rows}
    posts = [by_id[pk] for pk in ids if pk in by_id]
    for post in posts:
        post.title_html = _marked(getattr(post, "title_headline", post.title))
        snippet = getattr(post, "snippet_headline", None)
        if snippet is None:
            post.snippet_html = _marked(post.lead)
        else:
            post.snippet_html = _marked(_with_ellipses(snippet, lead=post.lead))
    return posts


def _only_stop_words(query: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numnode(websearch_to_tsquery(%s::regconfig, %s))",
            [SEARCH_CONFIG, query],
        )
        return cursor.fetchone()[0] == 0


def _simple_matches(*, query: str, filters: SearchFilters) -> QuerySet[Post]:
    """The SQLite fallback: every word somewhere in title, lead or body."""
    queryset = Post.objects.published()
    for word in query.split():
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(lead__icontains=word) | Q(body__icontains=word)
        )
    return _filter(queryset, filters).order_by("-published_at", "-id")


def post_search(
    *,
    query: str,
    filters: SearchFilters | None = None,
    page_number: int | str | None = 1,
    per_page: int = SEARCH_PAGE_SIZE,
) -> SearchResults:
    """Published posts matching `query`, ranked, one page of them highlighted.

    A constant number of queries whatever the number of matches: the ranked
    ids (PostgreSQL) or the count and page (SQLite), then the page's posts
    with their cover renditions.
    """
    query = (query or "").strip()
    filters = filters or SearchFilters()
    empty = Paginator([], per_page).get_page(1)
    if not query and not any(vars(filters).values()):
        return SearchResults(query=query, page=empty, total=0)
    words = strip_stop_words(query)
    if query and not words:
        return SearchResults(query=query, page=empty, total=0, only_stop_words=True)
    if not words or connection.vendor != "postgresql":
        # SQLite, or no words but filters: the newest posts they select.
        paginator = Paginator(
            _simple_matches(query=words, filters=filters).values_list("pk", flat=True),
            per_page,
        )
        page = paginator.get_page(page_number)
        posts = _page_posts(ids=list(page.object_list), query=words)
        return SearchResults(query=query, page=page, total=paginator.count, posts=posts)
    ids = _ranked_ids(query=words, filters=filters)
    page = Paginator(ids, per_page).get_page(page_number)
    posts = _page_posts(ids=list(page.object_list), query=words)
    return SearchResults(
        query=query,
        page=page,
        total=len(ids),
        capped=len(ids) >= SEARCH_CANDIDATES,
        only_stop_words=not ids and _only_stop_words(words),
        posts=posts,
    )


def search_suggestions(*, query: str, limit: int = SUGGESTION_LIMIT) -> dict:
    """Titles and tags that look like `query`, for a page with no result.

    pg_trgm word similarity (the query against any run of words of a title
    or tag), so a typo still finds the word meant; the title lookup uses the
    trigram GIN index of news migration 0010. Nothing on SQLite.
    """
    query = (query or "").strip()
    if not query or connection.vendor != "postgresql":
        return {"posts": [], "tags": [], "query": ""}
    similarity = TrigramWordSimilarity(Value(query), "title")
    with transaction.atomic(), connection.cursor() as cursor:
        # The index operator (%>) applies this threshold; SET LOCAL ends
        # with the transaction, so pooled connections keep the default.
        cursor.execute(
            "SET LOCAL pg_trgm.word_similarity_threshold = %s"
            % float(SUGGESTION_MIN_SIMILARITY)
        )
        posts = list(
            Post.objects.published()
            .filter(TrigramWordSimilar(F("title"), Value(query)))
            .annotate(similarity=similarity)
            .only("title", "slug", "published_at")
            .order_by("-similarity", "-published_at")[:limit]
        )
    tags = list(
        Tag.objects.annotate(similarity=TrigramWordSimilarity(Value(query), "name"))
        .filter(similarity__gte=SUGGESTION_MIN_SIMILARITY, posts__status="published")
        .distinct()
        .order_by("-similarity", "name")[:limit]
    )
    return {
        "posts": posts,
        "tags": tags,
        "query": _corrected_query(
            query, [p.title for p in posts] + [t.name for t in tags]
        ),
    }


def _corrected_query(query: str, texts: list[str]) -> str:
    """The query with each unknown word replaced by the closest word of the
    suggested titles and tags ("membatk" -> "membatik"), or "" if none."""
    vocabulary = {w for text in texts for w in re.findall(r"\w+", text.lower())}
    changed = False
    words = []
    for word in re.findall(r"\w+", query.lower()):
        if word not in vocabulary and word not in STOP_WORDS:
            close = get_close_matches(word, vocabulary, n=1, cutoff=0.75)
            if close:
                word, changed = close[0], True
        words.append(word)
    return " ".join(words) if changed else ""


def search_filter_options() -> dict:
    """What the search form offers: regions, active units, categories."""
    return {
        "regions": Region.objects.order_by("name"),
        "units": Unit.objects.active()
        .select_related("region")
        .order_by("region__name", "name"),
        "categories": Category.objects.all(),
    }
