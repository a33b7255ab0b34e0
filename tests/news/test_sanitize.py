"""The body sanitiser: an XSS corpus and property tests, plus the plain-text helpers.

Sanitising needs no database: these tests are pure functions of the input.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from news.sanitize import (
    ALLOWED_TAGS,
    body_is_empty,
    clean_lead,
    clean_multiline,
    clean_single_line,
    header_safe,
    sanitize_body,
)
from tests.news.xss import PAYLOADS, problems_in


def test_corpus_is_large_enough():
    assert len(PAYLOADS) >= 100


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_payload_is_neutralised(payload):
    cleaned = sanitize_body(payload)

    assert problems_in(cleaned) == []
    lowered = cleaned.lower()
    # Text is escaped, so none of these can appear as markup any more.
    assert "<script" not in lowered
    assert "<svg" not in lowered
    assert "<iframe" not in lowered
    assert "<style" not in lowered
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", lowered)
    assert not re.search(r"<[^>]*\sstyle\s*=", lowered)
    assert payload not in cleaned
    assert sanitize_body(cleaned) == cleaned


def test_allowed_markup_survives():
    html = (
        "<h2>Judul</h2><p><strong>Tebal</strong> <em>miring</em> <u>garis</u> "
        '<s>coret</s> <a href="https://www.ditjenpas.go.id/" title="Situs">tautan</a>'
        "</p><ul><li>satu</li></ul><ol><li>dua</li></ol><blockquote><p>kutip</p>"
        '</blockquote><figure class="image"><img src="/media/photos/ab/x.jpg" '
        'alt="Warga binaan menjahit" width="800" height="600"><figcaption>Foto'
        "</figcaption></figure><table><thead><tr><th>a</th></tr></thead><tbody>"
        '<tr><td colspan="2">b</td></tr></tbody></table><hr>'
    )
    cleaned = sanitize_body(html)

    assert '<a href="https://www.ditjenpas.go.id/" title="Situs" ' in cleaned
    assert 'rel="noopener noreferrer"' in cleaned
    assert '<img src="/media/photos/ab/x.jpg" alt="Warga binaan menjahit"' in cleaned
    assert '<figure class="image">' in cleaned
    assert '<td colspan="2">b</td>' in cleaned
    for tag in ("h2", "strong", "em", "u", "s", "ul", "ol", "blockquote", "hr"):
        assert "<%s>" % tag in cleaned
    assert problems_in(cleaned) == []


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("https://example.org/a", True),
        ("http://example.org/a", True),
        ("mailto:humas@ditjenpas.go.id", True),
        ("/berita/abc/", True),
        ("tel:+6221123", False),
        ("ftp://example.org/", False),
        ("javascript:alert(1)", False),
    ],
)
def test_link_schemes(href, kept):
    cleaned = sanitize_body('<a href="%s">x</a>' % href)
    assert ('href="%s"' % href in cleaned) is kept
    assert 'rel="noopener noreferrer"' in cleaned


def test_images_only_from_own_media(settings):
    settings.MEDIA_URL = "media/"
    assert 'src="/media/a.jpg"' in sanitize_body('<img src="/media/a.jpg">')
    assert sanitize_body('<img src="https://evil.example/a.jpg">') == ""
    assert sanitize_body('<img src="/static/a.jpg">') == ""
    assert sanitize_body('<img src="/media/../static/a.jpg">') == ""

    settings.MEDIA_URL = "https://cdn.ditjenpas.go.id/media/"
    cdn = '<img src="https://cdn.ditjenpas.go.id/media/a.jpg">'
    assert sanitize_body(cdn) == cdn
    assert sanitize_body('<img src="https://cdn.ditjenpas.go.id/other.jpg">') == ""


@pytest.mark.parametrize(
    "src",
    [
        "/media/%2e%2e/static/a.jpg",
        "/media/%2E%2E/dasbor/",
        "/media/.%2e/admin/",
        "/media/%2e./admin/",
        "/media/a/%2e%2e/%2e%2e/keluar/",
    ],
)
def test_images_refuse_percent_encoded_dot_segments(settings, src):
    # Browsers resolve %2e%2e as "..", so these leave the media folder too.
    settings.MEDIA_URL = "media/"
    assert sanitize_body('<img src="%s">' % src) == ""


def test_figure_classes_are_filtered():
    cleaned = sanitize_body('<figure class="image evil-class">x</figure>')
    assert cleaned == '<figure class="image">x</figure>'


@pytest.mark.parametrize(
    ("html", "empty"),
    [
        ("", True),
        ("<p></p>", True),
        ("<p>&nbsp;</p><p><br></p>", True),
        ("<p>\u200b</p>", True),
        ("<script>alert(1)</script>", True),
        ('<img src="https://evil.example/a.jpg">', True),
        ("<hr><table><tr><td> </td></tr></table>", True),
        ("<p>Isi</p>", False),
        ('<figure class="image"><img src="/media/a.jpg"></figure>', False),
    ],
)
def test_body_is_empty(html, empty):
    assert body_is_empty(html) is empty


# --- Property tests ------------------------------------------------------------

TAG_NAMES = sorted(ALLOWED_TAGS) + [
    "script",
    "style",
    "svg",
    "math",
    "iframe",
    "div",
    "span",
    "object",
    "form",
    "input",
    "textarea",
    "noscript",
    "template",
    "select",
    "base",
    "meta",
    "link",
    "title",
    "xmp",
    "plaintext",
    "foreignObject",
    "mglyph",
    "malignmark",
]
ATTRIBUTE_NAMES = [
    "href",
    "src",
    "alt",
    "title",
    "width",
    "height",
    "colspan",
    "rowspan",
    "class",
    "style",
    "onerror",
    "onclick",
    "id",
    "rel",
    "target",
    "xlink:href",
    "formaction",
    "srcset",
]
URLS = st.sampled_from(
    [
        "https://example.org/",
        "http://x",
        "mailto:a@b.c",
        "/media/a.jpg",
        "/media/../a",
        "//evil.example/x",
        "javascript:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "tel:1",
        "x",
        "",
    ]
)
TEXT = st.lists(
    st.sampled_from(list("ab <>&\"'=/;:!-\t\n\u00a0") + ["&amp;", "&lt;", "&#0;"]),
    max_size=8,
).map("".join)


@st.composite
def attribute(draw):
    name = draw(st.sampled_from(ATTRIBUTE_NAMES))
    value = draw(st.one_of(URLS, TEXT, st.sampled_from(["1", "0", "99999", "image"])))
    quote = draw(st.sampled_from(['"', "'", ""]))
    if not quote:
        value = re.sub(r"[\s\"'=<>`]", "", value) or "v"
    return " %s=%s%s%s" % (name, quote, value, quote)


@st.composite
def html_fragment(draw):
    pieces = draw(
        st.lists(
            st.one_of(
                st.builds(
                    lambda tag, attrs, close: (
                        "<%s%s%s>" % (tag, "".join(attrs), "/" if close else "")
                    ),
                    st.sampled_from(TAG_NAMES),
                    st.lists(attribute(), max_size=3),
                    st.booleans(),
                ),
                st.builds("</{}>".format, st.sampled_from(TAG_NAMES)),
                TEXT,
                st.sampled_from(["<!--", "-->", "<![CDATA[", "]]>", "<!x>", "<?p?>"]),
            ),
            max_size=25,
        )
    )
    return "".join(pieces)


PROPERTY_SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(st.one_of(html_fragment(), st.text(max_size=200)))
@example("<table><p>a</p><tr><td>b</td></tr></table>")
@example("<p><table><caption><p>x</caption></table>")
@example("<a href=x><a href=y>z</a></a>")
@example("<ul><div><li>x</li></div></ul>")
def test_sanitising_is_idempotent(html):
    once = sanitize_body(html)
    assert sanitize_body(once) == once


@PROPERTY_SETTINGS
@given(st.one_of(html_fragment(), st.sampled_from(PAYLOADS)))
def test_output_stays_inside_allow_list(html):
    assert problems_in(sanitize_body(html)) == []


# --- Plain text ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Judul\r\nBcc: korban@example.org",
        "Judul\nBaris kedua",
        "Judul\rBaris",
        "Judul\x00",
        "Judul\x1b[31m",
        "Judul\u2028baris",
        "Judul \u202eekat",
        "Judul\x85",
    ],
)
def test_single_line_refuses_controls(text):
    with pytest.raises(ValidationError) as excinfo:
        clean_single_line(text)
    assert excinfo.value.code == "control_characters"


def test_single_line_collapses_spaces():
    assert clean_single_line("  Kegiatan   Pramuka di Lapas ") == (
        "Kegiatan Pramuka di Lapas"
    )


def test_single_line_refuses_tab():
    with pytest.raises(ValidationError):
        clean_single_line("a\tb")


def test_lead_folds_line_breaks_but_refuses_other_controls():
    assert clean_lead("Satu kalimat.\r\nKalimat dua.") == "Satu kalimat. Kalimat dua."
    with pytest.raises(ValidationError):
        clean_lead("Ringkasan\x07")


def test_multiline_keeps_line_breaks():
    assert clean_multiline("Mohon perbaiki:\r\n- judul\r\n- foto  ") == (
        "Mohon perbaiki:\n- judul\n- foto"
    )
    with pytest.raises(ValidationError):
        clean_multiline("catatan\x00")


def test_header_safe_never_returns_a_line_break():
    subject = header_safe("Judul\r\nBcc: x@example.org\u2028" + "a" * 300)
    assert "\n" not in subject
    assert "\r" not in subject
    assert "\u2028" not in subject
    assert len(subject) <= 150
