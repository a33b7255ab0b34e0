"""The labelled set of story pairs (fixtures/story_pairs.toml), read for the
grouping tests and benchmarks/checks.py; see that file for its format."""

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
PAIRS_FILE = FIXTURES / "story_pairs.toml"
SEEDS_FILE = FIXTURES / "seed_articles.toml"


@dataclass(frozen=True)
class LabelledStory:
    id: str
    unit: str
    region: str
    location: str
    event_date: date | None
    title: str
    lead: str
    body: str  # plain text, paragraphs separated by a blank line

    @property
    def body_html(self) -> str:
        from django.utils.html import escape

        paragraphs = [p.strip() for p in self.body.split("\n\n") if p.strip()]
        return "".join("<p>%s</p>" % escape(p) for p in paragraphs)


@dataclass(frozen=True)
class LabelledPair:
    a: str
    b: str
    same: bool
    kind: str


def _story(raw: dict, known: dict) -> LabelledStory:
    if "copy_of" in raw:
        base = known[raw["copy_of"]]
        body = base.body.strip()
        for old, new in raw.get("replace", []):
            if old not in body and old not in base.lead and old not in base.title:
                raise ValueError("%s: %r not in %s" % (raw["id"], old, base.id))
            body = body.replace(old, new)
        if raw.get("append"):
            body = body + "\n\n" + raw["append"]
        lead, title = base.lead, base.title
        for old, new in raw.get("replace", []):
            lead, title = lead.replace(old, new), title.replace(old, new)
        return LabelledStory(
            id=raw["id"],
            unit=base.unit,
            region=base.region,
            location=base.location,
            event_date=base.event_date,
            title=title,
            lead=lead,
            body=body,
        )
    return LabelledStory(
        id=raw["id"],
        unit=raw["unit"],
        region=raw["region"],
        location=raw.get("location", ""),
        event_date=raw.get("date"),
        title=raw["title"],
        lead=raw["lead"],
        body=raw["body"].strip(),
    )


def load_labelled_set(path: Path = PAIRS_FILE):
    """(stories by id, pairs) from the labelled set."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    stories: dict[str, LabelledStory] = {}
    for raw in data["story"]:
        stories[raw["id"]] = _story(raw, stories)
    pairs = [LabelledPair(**raw) for raw in data["pair"]]
    return stories, pairs


def load_seed_articles(path: Path = SEEDS_FILE) -> list[LabelledStory]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [_story(raw, {}) for raw in data["story"]]


def evaluate(stories: dict, pairs: list, decide) -> dict:
    """Precision and recall of `decide(story_a, story_b) -> bool` on the pairs."""
    tp = fp = fn = 0
    wrong = []
    for pair in pairs:
        said = decide(stories[pair.a], stories[pair.b])
        if said and pair.same:
            tp += 1
        elif said:
            fp += 1
            wrong.append(pair)
        elif pair.same:
            fn += 1
            wrong.append(pair)
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "wrong": wrong,
    }
