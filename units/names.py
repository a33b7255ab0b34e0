"""Official unit names: building them from parts, parsing and normalising them.

Spelling varies in the wild ("Kelas IIa", "Lembaga Pemasyarakatan (Lapas)",
double spaces), so units are matched on a normalised key, never the raw text.
"""

import re
import unicodedata
from dataclasses import dataclass

# Long forms and their short official prefix, longest first.
TYPE_ALIASES = {
    "lembaga pemasyarakatan": "lapas",
    "rumah tahanan negara": "rutan",
    "rumah tahanan": "rutan",
    "balai pemasyarakatan": "bapas",
    "lembaga pembinaan khusus anak": "lpka",
    "rumah penyimpanan benda sitaan negara": "rupbasan",
}
TYPE_WORDS = ("lapas", "rutan", "bapas", "lpka", "rupbasan")
SPECIALITY_WORDS = ("perempuan", "narkotika", "pemuda", "terbuka", "khusus", "anak")
CLASS_WORDS = ("i", "iia", "iib", "iii", "ii")

_PARENTHESES = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ParsedName:
    unit_type: str  # one of TYPE_WORDS
    speciality: str  # "" or one of SPECIALITY_WORDS
    unit_class: str  # "I", "IIA", "IIB", "III", "II" or ""
    place: str


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _PARENTHESES.sub(" ", text)
    for long_form, short in TYPE_ALIASES.items():
        text = text.replace(long_form, short)
    return " ".join(_NON_WORD.sub(" ", text).split())


def normalize_unit_name(name: str) -> str:
    """The key two spellings of one unit share: lower case, short type, no noise."""
    return _fold(name)


def parse_unit_name(name: str) -> ParsedName | None:
    """Split '<type> [<speciality>] Kelas <class> <place>' into parts, or None."""
    words = _fold(name).split()
    if not words or words[0] not in TYPE_WORDS:
        return None
    unit_type, rest = words[0], words[1:]
    speciality = ""
    if rest and rest[0] in SPECIALITY_WORDS:
        speciality, rest = rest[0], rest[1:]
    unit_class = ""
    if len(rest) >= 2 and rest[0] == "kelas" and rest[1] in CLASS_WORDS:
        unit_class, rest = rest[1].upper(), rest[2:]
    if not rest:
        return None
    place = " ".join(w.capitalize() for w in rest)
    return ParsedName(unit_type, speciality, unit_class, place)
