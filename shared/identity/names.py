"""How alike two Indonesian names are, from 0 to 1 (rapidfuzz over the comparable forms of
shared/domain/names.py).

The score is the best of three views of the given names, each a rapidfuzz ratio:
- the words in today's spelling, in any order (token_sort_ratio): typos, old spellings,
  words swapped ("Siti Aminah" / "Aminah Siti"); or their letters without the spaces
  (ratio), for words split or joined ("Nurhaliza" / "Nur Haliza");
- one name's words all within the other's (token_set_ratio), at `PART_WEIGHT`: a person
  reported by part of their name ("Sumarni" / "Sri Sumarni"); only when the shorter name
  has a word of `PART_MIN_LETTERS` or more, so "Siti" alone does not match every Siti;
- the words' sound keys (token_sort_ratio), at `SOUND_WEIGHT`: spellings no rule lists.
When both names give a father (bin/binti) and the fathers differ, the score is scaled by
`FATHER_PENALTY`: two Ahmads, sons of different men, are two people.

bench/name_variants.py measures precision and recall per threshold on generated variants;
the default threshold (settings.duplicate_name_threshold) is chosen from its figures.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from shared.domain import names

PART_WEIGHT = 0.92
PART_MIN_LETTERS = 5
SOUND_WEIGHT = 0.92
FATHER_PENALTY = 0.7
FATHER_SAME = 75.0


def similarity(a: str, b: str) -> float:
    """How alike the names `a` and `b` are, 0 (nothing alike) to 1 (the same name)."""
    return similarity_of(names.parse(a), names.parse(b))


def similarity_of(a: names.Name, b: names.Name) -> float:
    if not a.given or not b.given:
        return 0.0
    ta, tb = a.text, b.text
    # Words in any order, or the same letters split or joined otherwise ("Nurhaliza",
    # "Nur Haliza").
    score = max(fuzz.token_sort_ratio(ta, tb), fuzz.ratio(ta.replace(" ", ""), tb.replace(" ", "")))
    shorter = a if len(ta) <= len(tb) else b
    if score < 100 and any(len(w) >= PART_MIN_LETTERS for w in shorter.given):
        score = max(score, PART_WEIGHT * fuzz.token_set_ratio(ta, tb))
    if score < 100:
        sa = " ".join(names.sound_key(w) for w in a.given)
        sb = " ".join(names.sound_key(w) for w in b.given)
        score = max(score, SOUND_WEIGHT * fuzz.token_sort_ratio(sa, sb))
    if a.father and b.father and fuzz.ratio(" ".join(a.father), " ".join(b.father)) < FATHER_SAME:
        score *= FATHER_PENALTY
    return round(score / 100.0, 3)
