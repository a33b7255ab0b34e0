"""Check 'group' (see news.checks): stories about the same event, grouped.

Many units cover one event (a national meeting, a minister's visit, a national
day) and a unit sometimes sends the same story twice. The worker puts such
submissions in one StoryGroup so the editor sees them together; the check
informs, it never decides.

How two stories are judged the same event (`same_event`):
- text: cosine similarity of TF-IDF vectors over Indonesian stems. Title, lead
  and body are stemmed with PySastrawi (the Nazief-Adriani stemmer:
  "dilaksanakan" -> "laksana", "pembinaan" -> "bina"), Sastrawi's stop words
  dropped; title words count twice; term frequency is sublinear (1 + log tf);
  the document frequencies come from every indexed submission
  (StoryTermCount), so a word most stories share ("warga", "binaan") weighs
  little and names, places and figures weigh much;
- time: when both event dates are known they are at most
  STORY_GROUP_EVENT_DAYS apart (a four-day meeting is reported on its first
  day and on the day after its last);
- place: when both locations are known they share a place word once the words
  every location has ("lapas", "aula", "kelas" ...) are left out: two batik
  trainings at two prisons are two events, however alike their text. A
  missing location counts as the unit's own place (the content check asks
  the unit for one).

Why this and not another method (benchmarks/checks.py, the README's "Checks
before an editor decides" has the table): on the labelled set of 43 pairs
(tests/news/fixtures/story_pairs.toml) this reaches precision 0.95 and
recall 1.00 at its setting. TF-IDF without stemming and MinHash (datasketch)
over the same stems reach 1.00/1.00 there too, but only at thresholds tuned
on that very set, where the time and place rules do most of the work; on the
held-out real-length pairs (the two seed articles, and each with each demo
report of that meeting) they group 2 and 1 of 9 against 5 of 9 here, and
the unstemmed one misses the seed pair itself. Jaccard overlap falls when
one report is much longer than the other; without stemming "membatik" and
"batik" never meet. A sentence-embedding model would bring torch (hundreds
of megabytes) into the worker for a signal the weighted word overlap gives.
Sastrawi rather than PostgreSQL's `indonesian` stemmer: the same code then
runs in the embedded SQLite mode.

Candidates, never the whole archive: each indexed submission keeps its
STORY_GROUP_KEY_TERMS highest-weighted stems in StoryKeyTerm (term,
submitted_at), and a new submission fetches at most STORY_GROUP_CANDIDATES
posts submitted within STORY_GROUP_WINDOW_DAYS that share at least two of its
key terms; only those are scored (41 ms median per submission with 200,000
posts in the archive, benchmarks/checks.py).
"""

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from news.diffing import html_to_text

WARNING = "warning"
INFO = "info"


def _setting(name: str, default):
    return getattr(settings, name, default)


# Tuned on the labelled set (see the module docstring); settings may override.
WINDOW_DAYS = _setting("STORY_GROUP_WINDOW_DAYS", 30)
EVENT_DAYS = _setting("STORY_GROUP_EVENT_DAYS", 4)
THRESHOLD = _setting("STORY_GROUP_THRESHOLD", 0.25)
NEAR_COPY = _setting("STORY_GROUP_NEAR_COPY", 0.8)
KEY_TERMS = _setting("STORY_GROUP_KEY_TERMS", 20)
CANDIDATES = _setting("STORY_GROUP_CANDIDATES", 30)
# A big group's older members keep their finding as it was (bounded work).
MAX_REFRESHED = 20
# The document count lives in StoryTermCount under this term, which no word is.
TOTAL_TERM = ""
MAX_TERM_LENGTH = 40

# --- Text to stems (pure) -----------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
# Words that name a kind of place rather than a place: left out of locations.
_GENERIC_PLACE_TEXT = """
    lapas rutan bapas lpka rupbasan kelas i ii iia iib iii lembaga masyarakat
    rumah tahan negara balai bina khusus anak perempuan pemuda narkotika
    terbuka aula ruang gedung kantor wilayah kanwil hotel jalan jl kota
    kabupaten kab provinsi lapang halaman di dan upt unit kerja bengkel
    blok hunian tengah masjid gereja studio klinik dapur loket lapangan pantai
    pulau desa kelurahan kecamatan
"""


@lru_cache(maxsize=1)
def _sastrawi():
    # Imported late: building the stemmer's dictionary takes ~40 ms, which
    # only the worker and the benchmarks should pay.
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import (
        StopWordRemoverFactory,
    )

    stop_words = frozenset(StopWordRemoverFactory().get_stop_words())
    return StemmerFactory().create_stemmer(), stop_words


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    stemmer, _stop = _sastrawi()
    return stemmer.stem(word)


def words(text: str) -> list[str]:
    """Lowercased stems of the text's words, stop words and one-letter words out."""
    _stemmer, stop_words = _sastrawi()
    out = []
    for word in _WORD.findall((text or "").lower()):
        if word in stop_words or len(word) < 2:
            continue
        # Sastrawi stems a hyphenated word as a whole ("se-indonesia").
        stemmed = stem(word) if word.isalpha() else word
        if stemmed and stemmed not in stop_words:
            out.append(stemmed[:MAX_TERM_LENGTH])
    return out


def terms_of(*, title: str, lead: str, body_text: str) -> Counter:
    """Stem counts of a story; the title counts twice (it names the event)."""
    terms = Counter(words(title))
    terms.update(terms.copy())
    terms.update(words(lead))
    terms.update(words(body_text))
    return terms


@lru_cache(maxsize=1)
def _generic_place_words() -> frozenset:
    raw = _GENERIC_PLACE_TEXT.split()
    return frozenset(raw) | frozenset(stem(word) for word in raw)


def place_of(location: str) -> frozenset:
    """The place words of a location, without the words every location has."""
    generic = _generic_place_words()
    return frozenset(w for w in words(location) if w not in generic)


@dataclass(frozen=True)
class Story:
    """What the matching needs to know of a submission."""

    terms: dict
    event_date: date | None = None
    place: frozenset = frozenset()
    region_id: int | None = None  # stored for views by region; no rule reads it


def weights(terms: dict, idf) -> dict:
    """L2-normalised TF-IDF weights (sublinear term frequency)."""
    raw = {t: (1.0 + math.log(n)) * idf(t) for t, n in terms.items() if n > 0}
    norm = math.sqrt(sum(w * w for w in raw.values())) or 1.0
    return {t: w / norm for t, w in raw.items()}


def cosine(a: dict, b: dict) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def key_terms(weighted: dict, k: int = KEY_TERMS) -> list[str]:
    """The k highest-weighted stems (ties by the stem, so the choice is stable)."""
    return [t for t, _w in sorted(weighted.items(), key=lambda i: (-i[1], i[0]))[:k]]


def same_event(a: Story, b: Story, score: float) -> bool:
    """Same event: alike in text, and not told apart by time or place."""
    both_dated = a.event_date is not None and b.event_date is not None
    if both_dated and abs(a.event_date - b.event_date).days > EVENT_DAYS:
        return False
    if a.place and b.place and not a.place & b.place:
        return False
    return score >= THRESHOLD


def story_of_text(
    *,
    title: str,
    lead: str,
    body_text: str,
    location: str = "",
    unit_name: str = "",
    event_date: date | None = None,
    region_id: int | None = None,
) -> Story:
    # No location given: the event is taken to be at the unit (the content
    # check asks the unit for one), so two units' trainings stay apart.
    return Story(
        terms=dict(terms_of(title=title, lead=lead, body_text=body_text)),
        event_date=event_date,
        place=place_of(location) or place_of(unit_name),
        region_id=region_id,
    )


def idf_of_stories(stories) -> callable:
    """Document frequencies counted over `stories` (tests and benchmarks)."""
    counts = Counter()
    documents = 0
    for story in stories:
        counts.update(set(story.terms))
        documents += 1
    return idf_from_counts(documents=documents, counts=counts)


def score(a: Story, b: Story, idf) -> float:
    return cosine(weights(a.terms, idf), weights(b.terms, idf))


def idf_from_counts(*, documents: int, counts: dict):
    """Smoothed inverse document frequency (as scikit-learn's `smooth_idf`)."""

    def idf(term: str) -> float:
        return math.log((1 + documents) / (1 + counts.get(term, 0))) + 1.0

    return idf


# --- The index (database) -------------------------------------------------------


def story_of_post(post) -> Story:
    """Stem a post's text into a Story (no queries beyond its unit)."""
    return story_of_text(
        title=post.title,
        lead=post.lead,
        body_text=html_to_text(post.body),
        location=post.location,
        unit_name=post.unit.name,
        event_date=post.event_date,
        region_id=post.unit.region_id,
    )


def story_of_fingerprint(fingerprint) -> Story:
    return Story(
        terms=fingerprint.terms,
        event_date=fingerprint.event_date,
        place=frozenset(fingerprint.place.split()),
        region_id=fingerprint.region_id,
    )


def _counts_change(*, added: set, removed: set, documents: int) -> None:
    """Add one to the document count of `added` stems, take one from `removed`.

    One INSERT ... ON CONFLICT per direction (PostgreSQL and SQLite both have
    it); the stems are sorted so two workers lock rows in the same order and
    cannot deadlock.
    """
    from news.models import StoryTermCount

    table = connection.ops.quote_name(StoryTermCount._meta.db_table)
    rows = [(t, 1) for t in sorted(added)]
    if documents:
        rows.insert(0, (TOTAL_TERM, documents))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            cursor.execute(
                "INSERT INTO %s (term, documents) VALUES %s "
                "ON CONFLICT (term) DO UPDATE SET documents = %s.documents + "
                "excluded.documents"
                % (table, ", ".join(["(%s, %s)"] * len(chunk)), table),
                [value for row in chunk for value in row],
            )
        if removed:
            StoryTermCount.objects.filter(term__in=sorted(removed)).update(
                documents=F("documents") - 1
            )


def idf_for(terms) -> callable:
    """The current inverse document frequency of the given stems (one query)."""
    from news.models import StoryTermCount

    wanted = set(terms) | {TOTAL_TERM}
    counts = dict(
        StoryTermCount.objects.filter(term__in=wanted).values_list("term", "documents")
    )
    documents = counts.pop(TOTAL_TERM, 0)
    return idf_from_counts(documents=documents, counts=counts)


@transaction.atomic
def story_index(*, post, story: Story):
    """Store (or refresh) the post's fingerprint, key terms and term counts."""
    from news.models import StoryFingerprint, StoryKeyTerm

    submitted_at = post.submitted_at or timezone.now()
    old = StoryFingerprint.objects.select_for_update().filter(post=post).first()
    old_terms = set(old.terms) if old else set()
    new_terms = set(story.terms)
    _counts_change(
        added=new_terms - old_terms,
        removed=old_terms - new_terms,
        documents=0 if old else 1,
    )
    fingerprint, _created = StoryFingerprint.objects.update_or_create(
        post=post,
        defaults={
            "submitted_at": submitted_at,
            "event_date": story.event_date,
            "place": " ".join(sorted(story.place)),
            "region_id": story.region_id,
            "terms": story.terms,
        },
    )
    weighted = weights(story.terms, idf_for(new_terms))
    StoryKeyTerm.objects.filter(post=post).delete()
    StoryKeyTerm.objects.bulk_create(
        StoryKeyTerm(post=post, term=term, submitted_at=submitted_at)
        for term in key_terms(weighted)
    )
    return fingerprint, weighted


def candidates(*, post, terms: list[str], submitted_at) -> list[int]:
    """Posts submitted near this one that share at least two of its key terms."""
    from news.models import StoryKeyTerm

    window = timedelta(days=WINDOW_DAYS)
    rows = (
        StoryKeyTerm.objects.filter(
            term__in=terms,
            submitted_at__gte=submitted_at - window,
            submitted_at__lte=submitted_at + window,
        )
        .exclude(post_id=post.pk)
        .values("post_id")
        .annotate(shared=Count("id"))
        .filter(shared__gte=2)
        .order_by("-shared", "-post_id")[:CANDIDATES]
    )
    return [row["post_id"] for row in rows]


def scores_against(*, story: Story, others: dict) -> dict:
    """Similarity of `story` with each of `others` (post id -> Story)."""
    vocabulary = set(story.terms)
    for other in others.values():
        vocabulary.update(other.terms)
    idf = idf_for(vocabulary)
    mine = weights(story.terms, idf)
    return {pk: cosine(mine, weights(other.terms, idf)) for pk, other in others.items()}


@transaction.atomic
def group_join(*, post, matches: dict):
    """Put the post and its matches (post id -> score) in one group.

    Groups the matches already belong to are merged into the oldest one. The
    fingerprints of every post involved (committed by story_index before the
    matching) are locked first, in id order: two workers checking two stories
    of one event at once take turns, and the second sees the first's group.
    """
    from news.models import StoryFingerprint, StoryGroup, StoryGroupMember

    ids = sorted({post.pk, *matches})
    if matches:
        list(
            StoryFingerprint.objects.select_for_update()
            .filter(post_id__in=ids)
            .order_by("post_id")
            .values_list("post_id", flat=True)
        )
    members = {
        m.post_id: m
        for m in StoryGroupMember.objects.select_for_update()
        .filter(post_id__in=ids)
        .order_by("post_id")
    }
    own = members.get(post.pk)
    if not matches:
        return own.group if own else None
    group_ids = sorted({m.group_id for m in members.values()})
    if group_ids:
        group = StoryGroup.objects.get(pk=group_ids[0])
        merged = group_ids[1:]
        if merged:
            StoryGroupMember.objects.filter(group_id__in=merged).update(group=group)
            StoryGroup.objects.filter(pk__in=merged).delete()
    else:
        group = StoryGroup.objects.create()
    best_id, best = max(matches.items(), key=lambda item: (item[1], -item[0]))
    for pk, score in matches.items():
        if pk not in members:
            StoryGroupMember.objects.create(
                group=group, post_id=pk, score=score, matched_post=post
            )
    StoryGroupMember.objects.update_or_create(
        post=post,
        defaults={"group": group, "score": best, "matched_post_id": best_id},
    )
    StoryGroup.objects.filter(pk=group.pk).update(updated_at=timezone.now())
    return group


def group_members(*, post, group_id: int) -> list[dict]:
    """The other members of the group, each with its similarity to `post`."""
    from news.models import StoryFingerprint

    fingerprints = (
        StoryFingerprint.objects.filter(post__story_membership__group_id=group_id)
        .exclude(post_id=post.pk)
        .select_related("post__unit")
        .order_by("post__submitted_at", "post_id")
    )
    others = {f.post_id: f for f in fingerprints}
    mine = StoryFingerprint.objects.filter(post=post).first()
    scores = {}
    if mine is not None and others:
        scores = scores_against(
            story=story_of_fingerprint(mine),
            others={pk: story_of_fingerprint(f) for pk, f in others.items()},
        )
    return [
        {"post": f.post, "score": round(scores.get(pk, 0.0), 2)}
        for pk, f in others.items()
    ]


# --- The check ------------------------------------------------------------------


def check(post) -> list[dict]:
    """Index the submission, find its same-event stories, report the group."""
    from news.models import StoryFingerprint

    story = story_of_post(post)
    _fingerprint, weighted = story_index(post=post, story=story)
    submitted_at = post.submitted_at or timezone.now()
    found = candidates(post=post, terms=key_terms(weighted), submitted_at=submitted_at)
    window = timedelta(days=WINDOW_DAYS)
    others = {
        f.post_id: story_of_fingerprint(f)
        for f in StoryFingerprint.objects.filter(post_id__in=found).select_related(
            "post"
        )
        # The index keeps the time of each post's own check; the post's
        # submission time is the one that counts (it moves on resubmission
        # and, in the demo, when the loader backdates its posts).
        if f.post.submitted_at is not None
        and abs(f.post.submitted_at - submitted_at) <= window
    }
    scores = scores_against(story=story, others=others)
    matches = {
        pk: score
        for pk, score in scores.items()
        if same_event(story, others[pk], score)
    }
    group = group_join(post=post, matches=matches)
    if group is None:
        return []
    members_refresh(post=post, group_id=group.pk)
    return [finding(post=post, group_id=group.pk)]


def members_refresh(*, post, group_id: int) -> None:
    """Bring the group's finding up to date on the posts already checked.

    A post checked before the others arrived holds no finding (or an older
    one); the queue's flag reads Post.checks, so each earlier member gets the
    group as it is now. Only the "group" entry changes.
    """
    from news.models import Post

    members = (
        Post.objects.filter(
            story_membership__group_id=group_id, checks_run_at__isnull=False
        )
        .exclude(pk=post.pk)
        .select_related("unit")
        .order_by("pk")[:MAX_REFRESHED]
    )
    for member in members:
        checks = dict(member.checks or {})
        checks["group"] = [finding(post=member, group_id=group_id)]
        Post.objects.filter(pk=member.pk).update(checks=checks)


def finding(*, post, group_id: int) -> dict:
    members = group_members(post=post, group_id=group_id)
    near_copy = any(
        m["score"] >= NEAR_COPY and m["post"].unit_id == post.unit_id for m in members
    )
    count = len(members)
    if near_copy:
        message = _(
            "Mirip sekali dengan berita lain dari UPT yang sama: periksa apakah "
            "berita ini terkirim dua kali."
        )
    else:
        message = ngettext(
            "Kemungkinan meliput kegiatan yang sama dengan %(count)d berita lain.",
            "Kemungkinan meliput kegiatan yang sama dengan %(count)d berita lain.",
            count,
        ) % {"count": count}
    return {
        "code": "near_copy" if near_copy else "same_event",
        "level": WARNING if near_copy else INFO,
        "message": message,
        "group_id": group_id,
        "members": [
            {
                "post_id": m["post"].pk,
                "title": m["post"].title,
                "unit": m["post"].unit.name,
                "status": m["post"].status,
                "status_label": str(m["post"].get_status_display()),
                "score": m["score"],
                "url": reverse("admin:news_post_change", args=[m["post"].pk]),
                "compare_url": reverse(
                    "admin:news_post_compare", args=[post.pk, m["post"].pk]
                ),
            }
            for m in members
        ],
    }
