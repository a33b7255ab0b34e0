"""Readable, word-level differences between two versions of a post.

Over 400 lines on purpose: one concern (a readable diff), split only into
small pure functions that make sense only together.

Pure functions, no queries: news.selectors picks the versions (two
submission snapshots, or a PostRevision and what followed it) and the admin
templates show the result.

How a difference is made readable:
- the body is compared as the text a reader sees, not as HTML source: block
  elements become paragraphs (lines), tags go, entities are decoded, an image
  becomes "[Gambar: its alt text]";
- text is cut into tokens that are whole words, runs of whitespace or single
  punctuation marks, and difflib.SequenceMatcher compares the token lists, so
  a change never splits a word; whitespace alone between two changes joins
  them into one readable change;
- a change is marked with <ins>/<del> (underlined / struck through, not colour
  alone) and a visually hidden "ditambah"/"dihapus" for screen readers;
- choice fields (category, programme) are replaced whole, tags and photos are
  compared as sets (photos by their UUID: added, removed, caption, alt text or
  credit changed).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from html.parser import HTMLParser

from django.utils import dateformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from news.models import PhotoKind, Programme

EQUAL, INSERT, DELETE = "equal", "insert", "delete"

# Elements that start a new paragraph (line) in the text.
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "div",
        "dd",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tr",
        "ul",
    }
)
_SKIPPED_TAGS = frozenset({"script", "style", "template"})
# A word keeps inner joiners ("warga-binaan", "1.000", "08.30", "Jum'at");
# any other character is whitespace or a punctuation mark of its own.
_TOKEN = re.compile(r"\w+(?:['’.,:/-]\w+)*|\s+|[^\w\s]")
_SPACES = re.compile(r"[^\S\n]+")

FIELD_LABELS = {
    "title": _("Judul"),
    "lead": _("Ringkasan"),
    "body": _("Isi berita"),
    "category": _("Kategori"),
    "tags": _("Tag"),
    "programme": _("Program"),
    "event_date": _("Tanggal kegiatan"),
    "location": _("Lokasi kegiatan"),
}
PHOTO_FIELD_LABELS = {
    "kind": _("Jenis"),
    "caption": _("Keterangan foto"),
    "alt_text": _("Teks alternatif"),
    "credit": _("Kredit foto"),
}
PHOTOS_LABEL = _("Foto")
PHOTO_ADDED, PHOTO_REMOVED, PHOTO_CHANGED, PHOTO_SAME = (
    "added",
    "removed",
    "changed",
    "same",
)
PHOTO_STATUS_LABELS = {
    PHOTO_ADDED: _("ditambah"),
    PHOTO_REMOVED: _("dihapus"),
    PHOTO_CHANGED: _("diubah"),
    PHOTO_SAME: _("tidak berubah"),
}
MULTILINE_FIELDS = frozenset({"lead", "body"})
CHOICE_FIELDS = frozenset({"category", "programme", "event_date"})


# --- HTML to text ---------------------------------------------------------------


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            label = gettext("Gambar")
            self.parts.append("[%s: %s]" % (label, alt) if alt else "[%s]" % label)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
            if tag == "li":
                self.parts.append("• ")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skipping:
            # Newlines in the source are layout, not text.
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """The text a reader sees: one paragraph per block, a blank line between."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    paragraphs = []
    for chunk in re.split(r"\n{2,}", text):
        lines = [_SPACES.sub(" ", line).strip() for line in chunk.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


# --- Word diff ----------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    op: str  # EQUAL, INSERT or DELETE
    text: str


def tokenize(text: str) -> list[str]:
    """Whole words, runs of whitespace and single punctuation marks."""
    return _TOKEN.findall(text or "")


def _tidy(segments: list[Segment]) -> list[Segment]:
    """Join changes separated by a mere space, deletions before insertions.

    "lama sekali" -> "baru saja" reads as one change, not as two words
    changed around an unchanged space. A paragraph break stays a boundary.
    """
    out: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []
    held = ""

    def flush():
        removed, added = "".join(deleted), "".join(inserted)
        if removed.strip():
            out.append(Segment(DELETE, removed))
        if added.strip():
            out.append(Segment(INSERT, added))
        elif added and not removed.strip():
            out.append(Segment(EQUAL, added))
        deleted.clear()
        inserted.clear()

    for segment in segments:
        if segment.op == EQUAL:
            if (
                (deleted or inserted)
                and segment.text.isspace()
                and "\n" not in segment.text
            ):
                held += segment.text
                continue
            flush()
            out.append(Segment(EQUAL, held + segment.text))
            held = ""
        else:
            if held:
                # Unchanged, so in both versions: inside the joined change.
                deleted.append(held)
                inserted.append(held)
                held = ""
            (deleted if segment.op == DELETE else inserted).append(segment.text)
    flush()
    if held:
        out.append(Segment(EQUAL, held))
    merged: list[Segment] = []
    for segment in out:
        if merged and merged[-1].op == segment.op:
            merged[-1] = Segment(segment.op, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def diff_words(before: str, after: str) -> list[Segment]:
    """The word-level difference from `before` to `after`."""
    old, new = tokenize(before), tokenize(after)
    # Whitespace never anchors a match on its own: it would cut changes into
    # word-sized pieces around every shared space.
    matcher = SequenceMatcher(str.isspace, old, new, autojunk=False)
    segments = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment(EQUAL, "".join(old[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            segments.append(Segment(DELETE, "".join(old[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(Segment(INSERT, "".join(new[j1:j2])))
    return _tidy(segments)


def diff_whole(before: str, after: str) -> list[Segment]:
    """A value replaced as a whole (a category, a programme, a date)."""
    if before == after:
        return [Segment(EQUAL, after)] if after else []
    segments = []
    if before:
        segments.append(Segment(DELETE, before))
    if after:
        segments.append(Segment(INSERT, after))
    return segments


def diff_sets(before: list[str], after: list[str]) -> list[Segment]:
    """Items kept, added and removed (tags), in alphabetical order."""
    old, new = set(before), set(after)
    segments = []
    for item in sorted(old | new, key=str.casefold):
        if segments:
            segments.append(Segment(EQUAL, ", "))
        op = EQUAL if item in old and item in new else INSERT if item in new else DELETE
        segments.append(Segment(op, item))
    return segments


def render_segments(segments: list[Segment]) -> SafeString:
    """<ins>/<del> with a hidden word for screen readers; every text escaped."""
    added, removed = escape(gettext("ditambah:")), escape(gettext("dihapus:"))
    end = escape(gettext("akhir perubahan"))
    html = []
    for segment in segments:
        if segment.op == EQUAL:
            html.append(escape(segment.text))
            continue
        # Spaces and paragraph breaks at the edges stay outside the mark: an
        # underlined space, or a struck-through line break, reads as noise.
        core = segment.text.strip()
        start = segment.text[: len(segment.text) - len(segment.text.lstrip())]
        tail = segment.text[len(start) + len(core) :]
        tag, word = ("ins", added) if segment.op == INSERT else ("del", removed)
        html.append(
            '%s<%s><span class="diff-sr">[%s] </span>%s'
            '<span class="diff-sr"> [%s]</span></%s>%s'
            % (escape(start), tag, word, escape(core), end, tag, escape(tail))
        )
    return mark_safe("".join(html))  # noqa: S308 - every text escaped above


# --- Fields and snapshots ---------------------------------------------------------


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    segments: tuple[Segment, ...]
    multiline: bool = False

    @property
    def changed(self) -> bool:
        return any(segment.op != EQUAL for segment in self.segments)

    @property
    def html(self) -> SafeString:
        return render_segments(list(self.segments))

    @property
    def text(self) -> str:
        """The newer version as plain text."""
        return "".join(s.text for s in self.segments if s.op != DELETE)


@dataclass
class PhotoDiff:
    uuid: str
    status: str
    kind_label: str
    before: dict | None
    after: dict | None
    fields: tuple[FieldDiff, ...] = ()
    url: str = ""  # filled in by the selector while the photo still exists

    @property
    def status_label(self) -> str:
        return PHOTO_STATUS_LABELS[self.status]

    @property
    def current(self) -> dict:
        return self.after or self.before or {}


@dataclass
class SnapshotDiff:
    fields: tuple[FieldDiff, ...]
    photos: tuple[PhotoDiff, ...] = field(default_factory=tuple)
    # Submission snapshots carry the photos; an edit's revision does not.
    compares_photos: bool = False

    @property
    def changed_fields(self) -> list[FieldDiff]:
        return [f for f in self.fields if f.changed]

    @property
    def unchanged_fields(self) -> list[FieldDiff]:
        return [f for f in self.fields if not f.changed]

    @property
    def changed_photos(self) -> list[PhotoDiff]:
        return [p for p in self.photos if p.status != PHOTO_SAME]

    @property
    def unchanged_labels(self) -> list[str]:
        """What stayed the same, as named in "Tidak berubah: ...", photos last."""
        labels = [f.label for f in self.unchanged_fields]
        if self.compares_photos and not self.changed_photos:
            labels.append(PHOTOS_LABEL)
        return labels

    @property
    def has_changes(self) -> bool:
        return bool(self.changed_fields or self.changed_photos)


def _display(name: str, value) -> str:
    """A snapshot value as the text an editor reads."""
    if name == "body":
        return html_to_text(value or "")
    if name == "programme":
        return str(Programme(value).label) if value in Programme.values else value
    if name == "event_date":
        if not value:
            return ""
        return dateformat.format(date.fromisoformat(value), "l, j F Y")
    if name == "kind":
        return str(PhotoKind(value).label) if value in PhotoKind.values else value
    return value or ""


def field_diff(name: str, before, after, *, label=None) -> FieldDiff:
    """One field's difference, compared in the way that suits it."""
    if name == "tags":
        segments = diff_sets(list(before or []), list(after or []))
    elif name in CHOICE_FIELDS or name == "kind":
        segments = diff_whole(_display(name, before), _display(name, after))
    else:
        segments = diff_words(_display(name, before), _display(name, after))
    return FieldDiff(
        name=name,
        label=label or FIELD_LABELS.get(name) or PHOTO_FIELD_LABELS.get(name, name),
        segments=tuple(segments),
        multiline=name in MULTILINE_FIELDS,
    )


def fields_diff(before: dict, after: dict, names) -> tuple[FieldDiff, ...]:
    return tuple(field_diff(name, before.get(name), after.get(name)) for name in names)


def photos_diff(before: list[dict], after: list[dict]) -> tuple[PhotoDiff, ...]:
    """Photos matched by UUID, in the newer version's order, removed ones last."""
    old = {photo["uuid"]: photo for photo in before or []}
    new = {photo["uuid"]: photo for photo in after or []}
    result = []
    for uuid, photo in new.items():
        previous = old.get(uuid)
        kind_label = _display("kind", photo.get("kind"))
        if previous is None:
            fields = fields_diff({}, photo, ("caption", "alt_text", "credit"))
            result.append(
                PhotoDiff(uuid, PHOTO_ADDED, kind_label, None, photo, fields=fields)
            )
            continue
        fields = tuple(
            f
            for f in fields_diff(
                previous, photo, ("kind", "caption", "alt_text", "credit")
            )
            if f.changed
        )
        status = PHOTO_CHANGED if fields else PHOTO_SAME
        result.append(PhotoDiff(uuid, status, kind_label, previous, photo, fields))
    for uuid, photo in old.items():
        if uuid not in new:
            fields = fields_diff(photo, {}, ("caption", "alt_text", "credit"))
            result.append(
                PhotoDiff(
                    uuid,
                    PHOTO_REMOVED,
                    _display("kind", photo.get("kind")),
                    photo,
                    None,
                    fields=fields,
                )
            )
    return tuple(result)


SNAPSHOT_FIELDS = (
    "title",
    "lead",
    "body",
    "category",
    "tags",
    "programme",
    "event_date",
    "location",
)
REVISION_FIELDS = ("title", "lead", "body")


def snapshot_diff(before: dict, after: dict) -> SnapshotDiff:
    """Everything the unit changed between two submission snapshots."""
    return SnapshotDiff(
        fields=fields_diff(before, after, SNAPSHOT_FIELDS),
        photos=photos_diff(before.get("photos", []), after.get("photos", [])),
        compares_photos=True,
    )


def revision_diff(before: dict, after: dict) -> SnapshotDiff:
    """Title, lead and body of a published post before and after an edit."""
    return SnapshotDiff(fields=fields_diff(before, after, REVISION_FIELDS))
