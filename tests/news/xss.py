"""The XSS corpus (xss_payloads.txt) and an inspector of sanitised HTML.

Shared by the sanitiser's tests and the services' tests that store a body.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

from news.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES

MARKERS = {
    "{TAB}": "\t",
    "{LF}": "\n",
    "{CR}": "\r",
    "{NUL}": "\x00",
    "{FF}": "\x0c",
    "{VT}": "\x0b",
}


def load_payloads() -> list[str]:
    path = Path(__file__).with_name("xss_payloads.txt")
    payloads = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("# "):
            continue
        for marker, char in MARKERS.items():
            line = line.replace(marker, char)
        payloads.append(line)
    return payloads


PAYLOADS = load_payloads()
# Attributes the sanitiser adds or keeps beyond ALLOWED_ATTRIBUTES.
EXTRA_ATTRIBUTES = {"a": {"rel"}, "figure": {"class"}}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def url_scheme(value: str) -> str:
    """The scheme a browser would see: it drops tabs/newlines and trims controls."""
    value = re.sub(r"[\t\n\r]", "", value).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07"
        "\x08\x0b\x0c\x0e\x0f\x10\x11\x12"
        "\x13\x14\x15\x16\x17\x18\x19\x1a"
        "\x1b\x1c\x1d\x1e\x1f "
    )
    match = _SCHEME.match(value)
    return match.group(1).lower() if match else ""


class Inspector(HTMLParser):
    """Collects every problem a sanitised fragment could still carry."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if tag not in ALLOWED_TAGS:
            self.problems.append("end tag %s" % tag)

    def handle_comment(self, data):
        self.problems.append("comment %r" % data)

    def handle_decl(self, decl):
        self.problems.append("declaration %r" % decl)

    def handle_pi(self, data):
        self.problems.append("processing instruction %r" % data)

    def unknown_decl(self, data):
        self.problems.append("unknown declaration %r" % data)

    def _check(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append("tag %s" % tag)
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | EXTRA_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self.problems.append("attribute %s on %s" % (name, tag))
                continue
            value = value or ""
            if name == "href":
                scheme = url_scheme(value)
                if scheme and scheme not in ALLOWED_URL_SCHEMES:
                    self.problems.append("href scheme %s" % scheme)
            if name == "src" and not value.startswith("/media/"):
                self.problems.append("img src %r" % value)
            if name == "rel" and value != "noopener noreferrer":
                self.problems.append("rel %r" % value)


def problems_in(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems
