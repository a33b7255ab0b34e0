"""Official unit names: building them from parts, parsing and normalising them.

Spelling varies in the wild ("Kelas IIa", "Klas II A", "Kelas 2A",
"Lembaga Pemasyarakatan (Lapas)", "Lapas Kelas IIA Perempuan Semarang", double
spaces), so units are matched on a normalised key, never the raw text.
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
# Abbreviations seen at the start of a name only ("LP Cipinang", "LPP Semarang").
LEADING_ABBREVIATIONS = {
    "lp": ("lapas",),
    "lpp": ("lapas", "perempuan"),
    "lpn": ("lapas", "narkotika"),
}
SPECIALITY_WORDS = ("perempuan", "narkotika", "pemuda", "terbuka", "khusus", "anak")
# "Lapas Wanita" is the older name of the women's prisons.
SPECIALITY_ALIASES = {"wanita": "perempuan"}
CLASS_WORDS = ("i", "iia", "iib", "iii", "ii")
# "Klas" is the older spelling, "Kls" the abbreviation.
CLASS_KEYWORDS = ("kelas", "klas", "kls")
# Arabic numerals and split forms of the classes ("2A", "II A", "II-A").
CLASS_ALIASES = {"1": "i", "2": "ii", "3": "iii", "2a": "iia", "2b": "iib"}

_PARENTHESES = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ParsedName:
    unit_type: str  # one of TYPE_WORDS
    speciality: str  # "" or one of SPECIALITY_WORDS
    unit_class: str  # "I", "IIA", "IIB", "III", "II" or ""
    place: str


def _fold_words(text: str) -> list[str]:
    """Lower-case words with long forms shortened and class spellings unified."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _PARENTHESES.sub(" ", text)
    # Padded with spaces so that long forms only match whole words.
    text = " %s " % " ".join(_NON_WORD.sub(" ", text).split())
    for long_form, short in TYPE_ALIASES.items():
        text = text.replace(" %s " % long_form, " %s " % short)
    words = text.split()
    if words and words[0] in LEADING_ABBREVIATIONS:
        words[:1] = LEADING_ABBREVIATIONS[words[0]]
    folded: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in CLASS_KEYWORDS and i + 1 < len(words):
            klass = CLASS_ALIASES.get(words[i + 1], words[i + 1])
            i += 2
            # "II A" / "2 B": a lone letter after II belongs to the class.
            if klass == "ii" and i < len(words) and words[i] in ("a", "b"):
                klass += words[i]
                i += 1
            folded += ["kelas", klass]
            continue
        folded.append(word)
        i += 1
    return folded


def _fold(text: str) -> str:
    return " ".join(_fold_words(text))


def _parse_words(words: list[str]) -> tuple[str, str, str, list[str]] | None:
    if not words or words[0] not in TYPE_WORDS:
        return None
    unit_type, rest = words[0], words[1:]

    def take_speciality(rest: list[str]) -> tuple[str, list[str]]:
        if rest:
            word = SPECIALITY_ALIASES.get(rest[0], rest[0])
            if word in SPECIALITY_WORDS:
                return word, rest[1:]
        return "", rest

    speciality, rest = take_speciality(rest)
    unit_class = ""
    if rest and rest[0] == "kelas":
        if len(rest) < 2 or rest[1] not in CLASS_WORDS:
            return None  # "Kelas IV": not a class, so not an official name
        unit_class, rest = rest[1].upper(), rest[2:]
        if not speciality:
            # "Lapas Kelas IIA Perempuan Semarang" is the same unit as
            # "Lapas Perempuan Kelas IIA Semarang".
            speciality, rest = take_speciality(rest)
    if not rest:
        return None
    return unit_type, speciality, unit_class, rest


def _original_place(name: str, place_words: list[str]) -> str:
    """The place as written in the name (keeping "Karang Intan", "Parigi-Moutong")."""
    pattern = r"[^\w]+".join(re.escape(word) for word in place_words) + r"[^\w]*$"
    match = re.search(pattern, unicodedata.normalize("NFKC", name), re.IGNORECASE)
    if match is None:
        return " ".join(word.capitalize() for word in place_words)
    place = " ".join(match.group(0).split()).strip(" .,;:")
    # All-lower or all-upper input gets the usual capitalisation.
    if place.islower() or place.isupper():
        return " ".join(word.capitalize() for word in place.split())
    return place


def normalize_unit_name(name: str) -> str:
    """The key two spellings of one unit share: lower case, short type, no noise.

    Names that follow the official pattern are keyed by their parts in the
    official order, so word order and class spelling do not matter.
    """
    words = _fold_words(name)
    parsed = _parse_words(words)
    if parsed is None:
        return " ".join(words)
    unit_type, speciality, unit_class, place = parsed
    key = [unit_type]
    if speciality:
        key.append(speciality)
    if unit_class:
        key += ["kelas", unit_class.lower()]
    return " ".join(key + place)


def parse_unit_name(name: str) -> ParsedName | None:
    """Split '<type> [<speciality>] Kelas <class> <place>' into parts, or None."""
    parsed = _parse_words(_fold_words(name))
    if parsed is None:
        return None
    unit_type, speciality, unit_class, place_words = parsed
    return ParsedName(
        unit_type, speciality, unit_class, _original_place(name, place_words)
    )
