"""Server-side cleaning of what contributors send: rich text and plain lines.

The body comes from CKEditor in the browser, but whatever the browser sends is
untrusted: `sanitize_body` keeps only an explicit allow-list of tags,
attributes and URL schemes (nh3, i.e. the Rust `ammonia` sanitiser, parsing
with html5ever as a browser would). Titles, leads and comments are plain text;
the helpers here refuse control characters so that nothing reaching an e-mail
header or a page title can break out of its line.
"""

import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import unquote

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "h2",
        "h3",
        "h4",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "ul",
        "ol",
        "li",
        "a",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "caption",
        "figure",
        "figcaption",
        "img",
        "hr",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
# `class` on figure only, and only the classes CKEditor 5 writes for images
# and tables: a free class attribute would let a post borrow the site's CSS.
ALLOWED_CLASSES = {
    "figure": {
        "image",
        "image_resized",
        "image-style-side",
        "image-style-align-left",
        "image-style-align-right",
        "image-style-align-center",
        "image-style-block-align-left",
        "image-style-block-align-right",
        "table",
    }
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"
# Removed together with everything inside them (the text of a script is not
# news). Other disallowed tags are unwrapped and keep their text.
DROP_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "object",
        "embed",
        "applet",
        "frame",
        "frameset",
        "noembed",
        "noframes",
        "xmp",
        "textarea",
        "select",
        "title",
        "head",
        "svg",
        "math",
    }
)

_DIGITS = re.compile(r"[0-9]{1,4}")
# An <img> in nh3's serialised output (attribute values never hold a quote).
_IMG_TAG = re.compile(r'<img((?:\s+[a-z][a-z0-9-]*="[^"]*")*)\s*/?>')
# html5ever may re-nest what it parses; one more pass settles it (see below).
_MAX_PASSES = 4


def _media_prefixes() -> tuple[str, ...]:
    """Where images may come from: the site's own media URL, nowhere else."""
    media_url = settings.MEDIA_URL or "/media/"
    if "://" in media_url:
        # Media on another host (a CDN): that exact prefix, plus the local path.
        return (media_url if media_url.endswith("/") else media_url + "/", "/media/")
    path = "/" + media_url.strip("/") + "/"
    return (path,)


def _is_media_url(value: str) -> bool:
    if not value or any(ch.isspace() or ch == "\\" for ch in value):
        return False
    # Browsers read "%2e%2e" (any case, either dot encoded) as "..".
    segments = unquote(value.split("?", 1)[0]).split("/")
    if value.startswith("//") or ".." in segments:
        return False
    return any(
        value.startswith(prefix) and len(value) > len(prefix)
        for prefix in _media_prefixes()
    )


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        # No external (tracking) images and no data: URLs; the scheme check
        # of nh3 has already run, this narrows it to the site's own media.
        return value if _is_media_url(value) else None
    if attribute in ("width", "height", "colspan", "rowspan"):
        value = value.strip()
        if not _DIGITS.fullmatch(value) or int(value) == 0:
            return None
        if attribute in ("colspan", "rowspan") and int(value) > 100:
            return None
        return value
    return value


def _drop_bare_image(match: re.Match) -> str:
    # An image whose src was refused is an empty box: drop it.
    return match.group(0) if ' src="' in match.group(1) else ""


def _clean_once(html: str) -> str:
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        # "*": nothing on every tag (ammonia's default allows lang and title).
        attributes={
            "*": set(),
            **{tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        },
        attribute_filter=_attribute_filter,
        allowed_classes={tag: set(c) for tag, c in ALLOWED_CLASSES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
        generic_attribute_prefixes=set(),
    )
    return _IMG_TAG.sub(_drop_bare_image, cleaned)


def sanitize_body(html: str) -> str:
    """The body reduced to the allow-list; run on every save, never trusted.

    Removing a tag can change how the rest parses (html5ever re-nests tables
    and paragraphs), so the cleaner runs until its output no longer changes;
    the result is therefore idempotent: sanitize_body(sanitize_body(x)) == x'.
    """
    cleaned = _clean_once(html.replace("\x00", ""))
    for _pass in range(_MAX_PASSES):
        again = _clean_once(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned.strip()


class _ContentFinder(HTMLParser):
    """Finds whether a fragment holds any visible text or an image."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.has_content = False

    def handle_starttag(self, tag, attrs):
        if tag == "img" and dict(attrs).get("src"):
            self.has_content = True

    def handle_data(self, data):
        if data.replace("\u200b", "").replace("\ufeff", "").strip():
            self.has_content = True


def body_is_empty(html: str) -> bool:
    """True when, after sanitising, the body has no text and no image."""
    finder = _ContentFinder()
    finder.feed(sanitize_body(html))
    finder.close()
    return not finder.has_content


class _ImageSourceFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            src = dict(attrs).get("src")
            if src:
                self.sources.append(src)


def image_sources(html: str) -> list[str]:
    """The src of every <img> in a (sanitised) body, entities decoded."""
    finder = _ImageSourceFinder()
    finder.feed(html)
    finder.close()
    return finder.sources


# --- Plain text ---------------------------------------------------------------

# Besides C0/C1 controls: line and paragraph separators (line breaks in some
# mail clients) and the bidirectional overrides that make text read
# differently from what it is ("Trojan source").
_FORBIDDEN_FORMAT = frozenset(
    "\u2028\u2029\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

MSG_CONTROL_CHARACTERS = _(
    "Teks mengandung karakter kontrol atau pindah baris yang tidak diperbolehkan. "
    "Ketik ulang teks ini tanpa menyalin dari dokumen lain."
)


def _forbidden(ch: str, allowed: str) -> bool:
    if ch in allowed:
        return False
    return unicodedata.category(ch) == "Cc" or ch in _FORBIDDEN_FORMAT


def clean_single_line(text: str) -> str:
    """A title or e-mail subject: one line, spaces collapsed, no control characters.

    CR and LF are refused, not folded: in a header they are the classic
    injection ("Judul\\r\\nBcc: ..."), and a title never needs them.
    """
    if any(_forbidden(ch, "") for ch in text):
        raise ValidationError(MSG_CONTROL_CHARACTERS, code="control_characters")
    return " ".join(text.split())


def clean_lead(text: str) -> str:
    """A lead: line breaks from a text area fold into spaces; other controls refused."""
    if any(_forbidden(ch, "\r\n\t") for ch in text):
        raise ValidationError(MSG_CONTROL_CHARACTERS, code="control_characters")
    return " ".join(text.split())


def clean_multiline(text: str) -> str:
    """A comment or reason: line breaks kept (as \\n), other controls refused."""
    if any(_forbidden(ch, "\r\n\t") for ch in text):
        raise ValidationError(MSG_CONTROL_CHARACTERS, code="control_characters")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def header_safe(text: str, *, max_length: int = 150) -> str:
    """Any text made fit for an e-mail subject: one line, no controls, bounded.

    For text that was already stored (and validated) but must never break a
    header whatever happened since: controls become spaces instead of raising.
    """
    text = "".join(" " if _forbidden(ch, "") else ch for ch in text)
    text = " ".join(text.split())
    if len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text
