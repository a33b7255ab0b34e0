"""Check 'content' (see news.checks): is the submission complete and current?

The rules are written once, as plain functions over the post's fields
(`content_findings`), and used three ways:

- by the worker after each submission (`check(post)`, stored on the post and
  shown to the editors as flags);
- by the contributor's form, which renders the checklist on every display
  (`content_checklist`);
- by the small JSON endpoint the form's script calls while the contributor
  types (news.views.checks), so the browser never holds its own copy of the
  rules and the server's verdict is the one that counts.

Every limit is a setting (CONTENT_* in portal.settings). The findings warn;
they never block a submission.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from news.sanitize import sanitize_body

WARNING = "warning"
INFO = "info"

# Alt texts that describe nothing (compared casefolded, without punctuation).
PLACEHOLDER_ALTS = frozenset(
    {
        "foto",
        "gambar",
        "image",
        "img",
        "photo",
        "picture",
        "pic",
        "dokumentasi",
        "dok",
        "foto kegiatan",
        "gambar kegiatan",
        "gambar dalam berita",
        "foto berita",
        "untitled",
        "tanpa judul",
    }
)

# One line per item of the contributor's checklist, in the order shown; each
# finding's "item" names the line it belongs to.
CHECKLIST = (
    ("title", gettext_lazy("Judul %(min)d–%(max)d karakter")),
    ("lead", gettext_lazy("Ringkasan %(lead_min)d–%(lead_max)d karakter")),
    ("body", gettext_lazy("Isi berita paling sedikit %(body_min)d karakter")),
    ("photo", gettext_lazy("Ada foto")),
    (
        "alt",
        gettext_lazy("Setiap foto punya teks alternatif yang menggambarkan isinya"),
    ),
    ("when_where", gettext_lazy("Tanggal dan lokasi kegiatan diisi")),
    ("fresh", gettext_lazy("Kegiatan tidak lebih dari %(stale)d hari sebelum dikirim")),
    ("title_unique", gettext_lazy("Judul belum pernah dipakai berita UPT ini")),
)


@dataclass(frozen=True)
class Limits:
    title_min: int
    title_max: int
    lead_min: int
    lead_max: int
    body_min: int
    alt_min: int
    stale_days: int

    @classmethod
    def from_settings(cls) -> "Limits":
        # Read on each call, so a changed setting (or a test's override)
        # applies without a restart.
        return cls(
            title_min=settings.CONTENT_TITLE_MIN_CHARS,
            title_max=settings.CONTENT_TITLE_MAX_CHARS,
            lead_min=settings.CONTENT_LEAD_MIN_CHARS,
            lead_max=settings.CONTENT_LEAD_MAX_CHARS,
            body_min=settings.CONTENT_BODY_MIN_CHARS,
            alt_min=settings.CONTENT_ALT_MIN_CHARS,
            stale_days=settings.CONTENT_STALE_DAYS,
        )

    def as_params(self) -> dict:
        return {
            "min": self.title_min,
            "max": self.title_max,
            "lead_min": self.lead_min,
            "lead_max": self.lead_max,
            "body_min": self.body_min,
            "stale": self.stale_days,
        }


@dataclass(frozen=True)
class PhotoText:
    """What the alt-text rule needs of one photo: its text and its file name."""

    alt_text: str
    file_name: str = ""


# --- Plain helpers -------------------------------------------------------------


def normalise_title(title: str) -> str:
    """'Pelatihan  Batik, di Lapas!' -> 'pelatihan batik di lapas' (for equality)."""
    text = unicodedata.normalize("NFKC", title or "").casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


class _BodyReader(HTMLParser):
    """The visible text and the images (src, alt) of a sanitised body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.images: list[PhotoText] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            values = dict(attrs)
            if values.get("src"):
                name = PurePosixPath(values["src"].split("?")[0]).name
                self.images.append(PhotoText((values.get("alt") or ""), name))
        elif tag in {"p", "br", "li", "h2", "h3", "h4", "td", "blockquote"}:
            self.text.append(" ")

    def handle_data(self, data):
        self.text.append(data)


def read_body(html: str) -> tuple[int, list[PhotoText]]:
    """(length of the visible text, images) of the body as it will be stored."""
    reader = _BodyReader()
    reader.feed(sanitize_body(html or ""))
    reader.close()
    text = "".join(reader.text).replace("\u200b", "").replace("\xa0", " ")
    return len(" ".join(text.split())), reader.images


def alt_is_real(photo: PhotoText, *, min_length: int) -> bool:
    """Whether the alt text describes the photo rather than naming it."""
    alt = " ".join((photo.alt_text or "").split())
    if len(alt) < min_length:
        return False
    folded = normalise_title(alt)
    if folded in PLACEHOLDER_ALTS:
        return False
    if photo.file_name:
        name = PurePosixPath(photo.file_name).name
        if folded in {normalise_title(name), normalise_title(PurePosixPath(name).stem)}:
            return False
    return True


def _finding(code: str, item: str, message: str, level: str = WARNING, **extra):
    return {"code": code, "level": level, "item": item, "message": message, **extra}


# --- The rules --------------------------------------------------------------------


def content_findings(
    *,
    title: str,
    lead: str,
    body: str,
    photos: Iterable[PhotoText],
    event_date: date | None,
    location: str,
    submitted_on: date,
    earlier_titles: Iterable[tuple[int, str]] = (),
    limits: Limits | None = None,
) -> list[dict]:
    """Every content rule over the post's fields; [] when nothing to flag.

    `photos` are the cover and gallery photos (the body's own images are read
    from `body`); `earlier_titles` are (post id, title) of the unit's other
    posts; `submitted_on` is the day the post was (or would be) sent, in the
    unit's time zone.
    """
    limits = limits or Limits.from_settings()
    findings = []

    title_length = len(" ".join((title or "").split()))
    if title_length < limits.title_min:
        findings.append(
            _finding(
                "title_too_short",
                "title",
                _("Judul terlalu pendek: %(n)d karakter (paling sedikit %(min)d).")
                % {"n": title_length, "min": limits.title_min},
            )
        )
    elif title_length > limits.title_max:
        findings.append(
            _finding(
                "title_too_long",
                "title",
                _("Judul terlalu panjang: %(n)d karakter (paling banyak %(max)d).")
                % {"n": title_length, "max": limits.title_max},
            )
        )

    lead_length = len(" ".join((lead or "").split()))
    if lead_length < limits.lead_min:
        findings.append(
            _finding(
                "lead_too_short",
                "lead",
                _("Ringkasan terlalu pendek: %(n)d karakter (paling sedikit %(min)d).")
                % {"n": lead_length, "min": limits.lead_min},
            )
        )
    elif lead_length > limits.lead_max:
        findings.append(
            _finding(
                "lead_too_long",
                "lead",
                _("Ringkasan terlalu panjang: %(n)d karakter (paling banyak %(max)d).")
                % {"n": lead_length, "max": limits.lead_max},
            )
        )

    body_length, body_images = read_body(body)
    if body_length < limits.body_min:
        findings.append(
            _finding(
                "body_too_short",
                "body",
                _("Isi berita terlalu pendek: %(n)d karakter (paling sedikit %(min)d).")
                % {"n": body_length, "min": limits.body_min},
            )
        )

    all_photos = list(photos) + body_images
    if not all_photos:
        findings.append(
            _finding("no_photo", "photo", _("Berita ini belum memiliki foto."))
        )
    weak = [p for p in all_photos if not alt_is_real(p, min_length=limits.alt_min)]
    if weak:
        findings.append(
            _finding(
                "alt_text_missing",
                "alt",
                _(
                    "%(n)d foto belum memiliki teks alternatif yang menggambarkan "
                    "isinya (paling sedikit %(min)d karakter, bukan nama berkas "
                    "atau kata seperti “foto”)."
                )
                % {"n": len(weak), "min": limits.alt_min},
                count=len(weak),
            )
        )

    location = " ".join((location or "").split())
    if event_date is None and not location:
        message = _("Tanggal dan lokasi kegiatan belum diisi.")
    elif event_date is None:
        message = _("Tanggal kegiatan belum diisi.")
    elif not location:
        message = _("Lokasi kegiatan belum diisi.")
    else:
        message = ""
    if message:
        findings.append(_finding("when_where_missing", "when_where", message))

    if event_date is not None:
        days = (submitted_on - event_date).days
        if days > limits.stale_days:
            findings.append(
                _finding(
                    "stale_event",
                    "fresh",
                    _(
                        "Kegiatan berlangsung %(days)d hari sebelum dikirim "
                        "(lebih dari %(max)d hari): berita sudah basi."
                    )
                    % {"days": days, "max": limits.stale_days},
                    days=days,
                )
            )

    wanted = normalise_title(title)
    if wanted:
        for post_id, earlier in earlier_titles:
            if normalise_title(earlier) == wanted:
                findings.append(
                    _finding(
                        "duplicate_title",
                        "title_unique",
                        _("Judul sama dengan berita UPT ini yang lain: «%(title)s».")
                        % {"title": earlier},
                        post_id=post_id,
                    )
                )
                break
    return findings


def content_checklist(findings: list[dict], *, limits: Limits | None = None) -> list:
    """The contributor's checklist: every item, passed or with its messages."""
    limits = limits or Limits.from_settings()
    params = limits.as_params()
    by_item: dict[str, list[str]] = {}
    for finding in findings:
        by_item.setdefault(finding.get("item", ""), []).append(finding["message"])
    return [
        {
            "item": item,
            "label": str(label) % params,
            "ok": item not in by_item,
            "messages": by_item.get(item, []),
        }
        for item, label in CHECKLIST
    ]


# --- Reading a post --------------------------------------------------------------


def unit_earlier_titles(*, unit_id: int, exclude_pk: int | None) -> list:
    """(id, title) of the unit's other posts: one query, titles only.

    Compared in Python because "equal" ignores case, spacing and punctuation,
    which the database cannot index; a unit writes hundreds of posts, not
    millions.
    """
    from news.models import Post

    queryset = Post.objects.filter(unit_id=unit_id)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return list(queryset.order_by("-created_at").values_list("pk", "title"))


def local_day(moment, *, time_zone: str) -> date:
    return timezone.localtime(moment, ZoneInfo(time_zone)).date()


def post_content_findings(*, post, extra_photos: Iterable[PhotoText] = ()) -> list:
    """content_findings for a saved post (its photos and its unit's titles)."""
    from news.models import PhotoKind

    photos = [
        PhotoText(photo.alt_text, photo.image.name if photo.image else "")
        for photo in post.photos.all()
        # The body's images are read from the body itself.
        if photo.kind != PhotoKind.INLINE
    ]
    return content_findings(
        title=post.title,
        lead=post.lead,
        body=post.body,
        photos=[*photos, *extra_photos],
        event_date=post.event_date,
        location=post.location,
        submitted_on=local_day(
            post.submitted_at or timezone.now(), time_zone=post.unit.time_zone
        ),
        earlier_titles=unit_earlier_titles(unit_id=post.unit_id, exclude_pk=post.pk),
    )


def check(post) -> list[dict]:
    return post_content_findings(post=post)


# --- A draft in the contributor's form ----------------------------------------------


def _event_date(value) -> date | None:
    """The form's own reading of the date field; None when empty or not a date."""
    if isinstance(value, date) or value is None:
        return value
    from django import forms

    try:
        return forms.DateField().to_python(value)
    except forms.ValidationError:
        return None


def draft_content_findings(
    *,
    unit,
    post=None,
    title: str,
    lead: str,
    body: str,
    event_date,
    location: str,
    new_photo_alts: Iterable[str] = (),
) -> list[dict]:
    """content_findings for what the contributor has written so far.

    The post's saved photos (when editing) count, plus the photos chosen in
    the form (`new_photo_alts`: the alt text of each slot holding a file);
    "submitted" is today in the unit's time zone. Two queries.
    """
    from news.models import Photo, PhotoKind

    photos = [PhotoText(alt) for alt in new_photo_alts]
    if post is not None and post.pk:
        photos += [
            PhotoText(alt, name)
            for alt, name in Photo.objects.filter(post=post)
            .exclude(kind=PhotoKind.INLINE)
            .values_list("alt_text", "image")
        ]
    return content_findings(
        title=title or "",
        lead=lead or "",
        body=body or "",
        photos=photos,
        event_date=_event_date(event_date),
        location=location or "",
        submitted_on=local_day(timezone.now(), time_zone=unit.time_zone),
        earlier_titles=unit_earlier_titles(
            unit_id=unit.pk, exclude_pk=post.pk if post is not None else None
        ),
    )
