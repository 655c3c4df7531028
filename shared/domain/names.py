"""Indonesian personal names made comparable: one person reported twice is often written two
ways ("Mbah Soepardjo" and "Suparjo", "Hj. Siti Choiriyah binti Ahmad" and "Siti
Khoiriyah", "Moch. Ridwan" and "Muhammad Ridwan").

`parse` keeps what names a person and sets aside what does not: forms of address and titles
(Mbah, Bu, Pak, Hj., Ny., Alm., degrees after a comma), and the father's name after
bin/binti, kept apart to tell two people of one given name apart. `spelled` writes each
word in today's spelling (EYD: oe -> u, dj -> j, tj -> c, sj -> sy, nj -> ny, ch -> kh)
and writes out the usual abbreviations (Moh., Muh., M. -> muhammad; Abd. -> abdul).
`word_keys` gives each word a sound key (its consonant skeleton with h, w and y dropped
and letters that sound alike merged), the index a look-up goes through without reading
the table: a typo in one word still leaves the others' keys.

Scoring (how alike two names are) lives in shared/identity/names.py, on rapidfuzz.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Forms of address, religious and civil titles: they say how a person is called, not who
# they are ("Mbah" is any elder, "Hj." anyone back from the hajj).
ADDRESS = frozenset(
    [
        "mbah",
        "mbak",
        "mas",
        "bu",
        "ibu",
        "pak",
        "bapak",
        "bpk",
        "ny",
        "nyonya",
        "nona",
        "nn",
        "tn",
        "tuan",
        "sdr",
        "sdri",
        "saudara",
        "saudari",
        "kak",
        "adik",
        "dik",
        "de",
        "dek",
        "om",
        "tante",
        "oma",
        "opa",
        "nenek",
        "kakek",
        "eyang",
        "yai",
        "kyai",
        "kiai",
        "kh",
        "hj",
        "haji",
        "hajah",
        "hajjah",
        "h",
        "ustadz",
        "ustad",
        "ustadzah",
        "alm",
        "almh",
        "almarhum",
        "almarhumah",
        "an",
        "a.n",
        "cak",
        "ning",
        "neng",
        "mang",
        "bang",
        "abang",
        "uda",
        "uni",
        "teh",
        "aa",
        "kang",
        "akang",
        "daeng",
        "bli",
        "mbok",
        "mak",
        "emak",
        "ama",
        "ina",
        "inaq",
        "amaq",
        "lalu",
        "baiq",
        "raden",
        "rd",
        "ra",
        "gusti",
        "gus",
        "den",
        "ajeng",
        "dr",
        "drs",
        "dra",
        "ir",
        "prof",
    ]
)
# Words that join a given name to a father's name.
PATRONYMIC = frozenset({"bin", "binti", "bt", "bte", "b"})
ABBREVIATIONS = {
    "m": "muhammad",
    "mhd": "muhammad",
    "moh": "muhammad",
    "moch": "muhammad",
    "mochd": "muhammad",
    "mohd": "muhammad",
    "muh": "muhammad",
    "muhd": "muhammad",
    "md": "muhammad",
    "abd": "abdul",
    "abd.": "abdul",
    "nur": "nur",
    "noor": "nur",
}
# Old (van Ophuijsen and Soewandi) spellings to EYD, longest first.
_OLD_SPELLING = (
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("sj", "sy"),
    ("nj", "ny"),
    ("ch", "kh"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
)
# Letters that sound alike in Indonesian names, merged for the sound key.
_SOUND = str.maketrans(
    {"v": "f", "p": "f", "q": "k", "c": "k", "x": "k", "z": "j", "e": "a", "o": "u", "i": "i"}
)
_WORD = re.compile(r"[a-z]+")
_DOUBLE = re.compile(r"(.)\1+")
# The shortest sound key worth an index entry ("Dewi" -> "d"; an initial has none).
MIN_KEY = 1


@dataclass(frozen=True, slots=True)
class Name:
    """A name as compared: its words in today's spelling, without titles or forms of
    address; the father's name (after bin/binti) apart, empty when not given."""

    given: tuple[str, ...]
    father: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(self.given)


def fold(raw: str) -> str:
    """Lower case ASCII: accents dropped, apostrophes joined ("Ma'ruf" -> "maruf")."""
    decomposed = unicodedata.normalize("NFKD", raw)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.encode("ascii", "ignore").decode().lower().replace("'", "").replace("`", "")


def parse(raw: str) -> Name:
    """The words that name the person, spelled today's way (see the module's note)."""
    # Degrees come after a comma ("Suparmi, S.Pd."): drop everything after the first comma.
    head = fold(raw).split(",", 1)[0]
    words = _WORD.findall(head)
    given: list[str] = []
    father: list[str] = []
    target = given
    for word in words:
        if word in PATRONYMIC and given:
            target = father
            continue
        if word in ADDRESS and target is given and _more_follows(words, word):
            continue
        target.append(spelled(word))
    return Name(given=tuple(w for w in given if w), father=tuple(w for w in father if w))


def _more_follows(words: list[str], word: str) -> bool:
    """A title is dropped only when it is not the whole name ("Bu Ning" -> "ning", but a
    woman called just "Ning" keeps it)."""
    return any(w not in ADDRESS and w not in PATRONYMIC for w in words if w != word)


def spelled(word: str) -> str:
    """One word in EYD spelling, abbreviations written out."""
    if word in ABBREVIATIONS:
        return ABBREVIATIONS[word]
    for old, new in _OLD_SPELLING:
        word = word.replace(old, new)
    # "j" before a vowel in old spelling is today's "y" only after "dj" became "j"; the
    # two cannot be told apart in one word, so the sound key merges them instead.
    return word


def sound_key(word: str) -> str:
    """The consonant skeleton of one word: a first letter (any vowel, or h before a vowel,
    counts as "a": Ahmad, Achmad, Amad), then the consonants without h, w and y, letters
    that sound alike merged, doubled letters once ("Soepardjo", "Suparjo", "Suparyo" ->
    "sfrj"; "Muhammad", "Mochamad", "Mohamad" -> "mmd" -> "md")."""
    word = spelled(word)
    # kh (and the old ch) sound as h in most Javanese mouths: Cholil, Kholil, Holil.
    merged = word.replace("kh", "h").replace("sy", "s").replace("ny", "n").replace("ng", "n")
    merged = merged.translate(_SOUND).replace("y", "j")
    if not merged:
        return ""
    first, rest = merged[0], merged[1:]
    if first in "aiu" or (first == "h" and rest[:1] in ("a", "i", "u")):
        first = "a"
    skeleton = first + "".join(c for c in rest if c not in "aiuhw")
    return _DOUBLE.sub(r"\1", skeleton)


def word_keys(raw: str) -> frozenset[str]:
    """The sound keys of a name's words (father's name excluded): what the duplicate look-up
    indexes. Initials and empty keys are left out."""
    name = parse(raw)
    return frozenset(k for w in name.given if len(w) > 1 and len(k := sound_key(w)) >= MIN_KEY)
