"""The English catalogue: complete, compiled, and what an English visitor sees.

Bahasa Indonesia is the source language (every msgid is Indonesian); English
is chosen with the footer's language switcher. Adding a translatable string
without translating it in locale/en/LC_MESSAGES/django.po fails here, naming
the string: run `manage.py makemessages -l en ...` (see the README), translate
the new entries, then `make messages` (compilemessages).
"""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")


def _unquote(line: str) -> str:
    # A PO string is a C-style quoted string; Python's literal syntax agrees on
    # the escapes gettext writes (\" \\ \n \t).
    return ast.literal_eval(line)


def parse_po(path: Path) -> list[dict]:
    """Each entry: msgctxt, msgid, msgid_plural, msgstr (a list), flags, line.

    Obsolete entries (#~) are skipped; the header is the entry whose msgid is "".
    """
    entries: list[dict] = []
    entry: dict | None = None
    field: str | None = None

    def start(lineno: int) -> dict:
        new = {
            "msgctxt": None,
            "msgid": None,
            "msgid_plural": None,
            "msgstr": {},
            "flags": set(),
            "line": lineno,
        }
        entries.append(new)
        return new

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if entry is None or entry["msgid"] is not None:
                entry = start(lineno)
            entry["flags"].update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            assert entry is not None and field is not None, "%s:%d" % (path, lineno)
            if field.startswith("msgstr"):
                index = int(field[7:-1]) if "[" in field else 0
                entry["msgstr"][index] += _unquote(line)
            else:
                entry[field] += _unquote(line)
            continue
        keyword, _space, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and (
            entry is None or entry["msgid"] is not None
        ):
            entry = start(lineno)
        assert entry is not None, "%s:%d: %s" % (path, lineno, line)
        field = keyword
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if "[" in keyword else 0
            entry["msgstr"][index] = _unquote(value)
        else:
            entry[keyword] = _unquote(value)
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    entries = [e for e in parse_po(PO_PATH) if e["msgid"] != ""]
    assert entries, "%s holds no messages" % PO_PATH
    return entries


def _describe(entry: dict) -> str:
    return "  line %d: %r" % (entry["line"], entry["msgid"])


def test_every_english_entry_is_translated(catalogue):
    untranslated = [
        entry
        for entry in catalogue
        if not entry["msgstr"]
        or not all(entry["msgstr"].values())
        or (entry["msgid_plural"] is not None and len(entry["msgstr"]) < 2)
    ]
    assert not untranslated, "%d untranslated entr%s in %s; translate %s:\n%s" % (
        len(untranslated),
        "y" if len(untranslated) == 1 else "ies",
        PO_PATH.relative_to(settings.BASE_DIR),
        "it" if len(untranslated) == 1 else "them",
        "\n".join(_describe(entry) for entry in untranslated),
    )


def test_no_english_entry_is_fuzzy(catalogue):
    # compilemessages leaves fuzzy entries out, so the visitor sees Indonesian.
    fuzzy = [entry for entry in catalogue if "fuzzy" in entry["flags"]]
    assert not fuzzy, (
        "Fuzzy entries are not used at run time; check each translation and "
        "remove its '#, fuzzy' line:\n%s" % "\n".join(_describe(e) for e in fuzzy)
    )


def test_the_compiled_catalogue_matches_the_po_file(catalogue):
    assert MO_PATH.exists(), (
        "%s is missing: run `make messages` (manage.py compilemessages)." % MO_PATH
    )
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue:
        if "fuzzy" in entry["flags"] or not all(entry["msgstr"].values()):
            continue  # reported by the tests above
        msgid = entry["msgid"]
        if entry["msgctxt"] is not None:
            got = compiled.pgettext(entry["msgctxt"], msgid)
        elif entry["msgid_plural"] is not None:
            got = compiled.ngettext(msgid, entry["msgid_plural"], 1)
        else:
            got = compiled.gettext(msgid)
        if got != entry["msgstr"][0]:
            stale.append(entry)
    assert not stale, (
        "%s is older than the .po file: run `make messages` (compilemessages). "
        "Out of date:\n%s" % (MO_PATH.name, "\n".join(_describe(e) for e in stale))
    )


def test_home_page_is_indonesian_by_default(client, db):
    html = client.get("/").content.decode()

    assert '<html lang="id">' in html
    assert "Beranda" in html
    assert "Berita Pemasyarakatan" in html
    assert "Masuk" in html
    assert "Corrections News" not in html


def test_home_page_is_english_under_en(client, db):
    # English lives at /en/ (portal.urls); the footer links there, no cookie.
    html = client.get("/en/").content.decode()

    assert '<html lang="en">' in html
    for english in (
        "Home",
        "Corrections News",
        "Skip to content",
        "No news has been published yet.",
        "Log in",
        "Language",
    ):
        assert english in html, "%r missing from the English home page" % english
    for indonesian in ("Beranda", "Lompat ke konten", "Bahasa<"):
        assert indonesian not in html, "%r left on the English home page" % indonesian

    # With news, the sections are named in English; the news stays Indonesian.
    from django.utils import timezone

    from tests.factories import PostFactory

    # Enough posts for the headlines (a lead and four) and the latest list.
    for n in range(7):
        PostFactory(
            title="Pelatihan batik warga binaan %d" % n,
            status="published",
            published_at=timezone.now(),
        )
    html = client.get("/en/").content.decode()
    assert "Latest news" in html and "Berita terbaru" not in html
    assert "Pelatihan batik warga binaan 6" in html
    # Institutional names stay as English readers of Indonesian news expect them.
    assert "Lapas" in html and "Rutan" in html


def test_the_login_page_is_the_newsroom_s_in_indonesian(client, db):
    # Staff pages have no /en/ address: the newsroom works in Indonesian.
    html = client.get(reverse("login")).content.decode()

    assert '<html lang="id">' in html
    assert "Masuk ke portal" in html


def test_switching_back_to_indonesian(client, db):
    english = client.get("/en/").content.decode()
    assert 'href="/" hreflang="id"' in english

    html = client.get("/").content.decode()

    assert '<html lang="id">' in html
    assert "Beranda" in html
