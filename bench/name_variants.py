"""Precision and recall of the duplicate name match, per threshold, on generated names.

Generates people with Indonesian names (Javanese, Madurese and Arabic-derived given names,
one to three words, some with a father's name after bin/binti), then for each one:
- a *variant*: the same person as another case worker might write them: a form of
  address or title added (Mbah, Bu, Pak, Hj., H., Ny., Kyai), the father's name added or
  left out, the old spelling (oe, dj, tj, j for y, ch for kh), h dropped or added, a
  doubled or undoubled letter, an abbreviation (M., Moh., Muh., Abd.), a word left out,
  words swapped, a word split in two or two joined, a typo (a letter dropped, doubled,
  changed or two swapped); one to three of these at once;
- a *neighbour*: another person the look-up would also find (same birth date and
  kecamatan, or a shared word): half share a word with the person ("Siti Aminah" and
  "Siti Rohmah"), a tenth are the same given name with another father, the rest random.

Scores every pair with shared/identity/names.py and prints, per threshold, precision
(flags that are the same person), recall (same-person pairs flagged) and F1; writes
bench/results/name_variants.json.

    .venv/bin/python bench/name_variants.py [--people 4000] [--seed 2026]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shared.identity.names import similarity

RESULTS = Path(__file__).resolve().parent / "results" / "name_variants.json"
THRESHOLDS = [0.70, 0.75, 0.80, 0.82, 0.84, 0.85, 0.86, 0.88, 0.90, 0.92, 0.95]

WOMEN = [
    "siti",
    "sri",
    "sumarni",
    "suparmi",
    "sulastri",
    "sumiati",
    "tumini",
    "painem",
    "sukini",
    "wartini",
    "lestari",
    "rahayu",
    "kartini",
    "ngatini",
    "supiyah",
    "aminah",
    "khoiriyah",
    "fatimah",
    "nur",
    "aisyah",
    "zainab",
    "maryam",
    "musripah",
    "rohmah",
    "suwarni",
    "sunarti",
    "yuliati",
    "endang",
    "wahyuni",
    "purwati",
    "dewi",
    "ningsih",
    "komariyah",
    "halimah",
    "juwariyah",
    "mutmainah",
    "sholikhah",
    "umi",
    "ummi",
    "latifah",
    "masruroh",
    "chusnul",
    "hartini",
    "sri_wahyuni",
    "kasiyem",
    "sutinah",
    "tukiyem",
    "jumiati",
    "martini",
]
MEN = [
    "muhammad",
    "ahmad",
    "abdul",
    "rahman",
    "suparjo",
    "sutrisno",
    "slamet",
    "sugeng",
    "wahyudi",
    "bambang",
    "joko",
    "budi",
    "agus",
    "hadi",
    "santoso",
    "supriyadi",
    "purnomo",
    "kasmin",
    "sukardi",
    "mulyono",
    "hariyanto",
    "suyatno",
    "rohman",
    "kholil",
    "zainal",
    "arifin",
    "mustofa",
    "yusuf",
    "ismail",
    "sholeh",
    "syaiful",
    "anwar",
    "hasan",
    "husein",
    "ridwan",
    "imam",
    "ali",
    "umar",
    "munir",
    "nurhadi",
    "jumadi",
    "sukarno",
    "warsito",
    "paijo",
    "sumadi",
    "cahyono",
]
SECOND = [
    "wati",
    "ningsih",
    "rahayu",
    "lestari",
    "handayani",
    "susanti",
    "hidayat",
    "santoso",
    "setiawan",
    "wibowo",
    "prasetyo",
    "kurniawan",
    "saputra",
    "hidayati",
    "kusuma",
    "utomo",
    "nugroho",
    "maulana",
    "hakim",
    "fauzi",
    "rahmawati",
    "anggraini",
    "purnamasari",
    "suryani",
    "sholihah",
    "hasanah",
    "mubarok",
]
FATHERS = MEN

ADDRESS_F = ["Bu", "Ibu", "Mbah", "Hj.", "Ny.", "Mbak", "Bu Hj."]
ADDRESS_M = ["Pak", "Bapak", "Mbah", "H.", "Kyai", "Cak", "Mas"]
OLD = [("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j"), ("kh", "ch"), ("sy", "sj")]
ABBREV = {"muhammad": ["M.", "Moh.", "Muh.", "Mochammad", "Mohamad"], "abdul": ["Abd."]}


def person(rng: random.Random) -> dict[str, object]:
    woman = rng.random() < 0.5
    pool = WOMEN if woman else MEN
    words = [rng.choice(pool).replace("_", " ")]
    if rng.random() < 0.7:
        words.append(rng.choice(pool + SECOND).replace("_", " "))
    if rng.random() < 0.15:
        words.append(rng.choice(SECOND))
    father = rng.choice(FATHERS) if rng.random() < 0.3 else None
    return {"woman": woman, "words": " ".join(words).split(), "father": father}


def written(p: dict[str, object]) -> str:
    words = [str(w).capitalize() for w in p["words"]]  # type: ignore[attr-defined]
    name = " ".join(words)
    if p["father"]:
        name += (" binti " if p["woman"] else " bin ") + str(p["father"]).capitalize()
    return name


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "double", "change", "swap"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "change":
        return word[:i] + rng.choice("aiueoknmrst") + word[i + 1 :]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def variant(p: dict[str, object], rng: random.Random) -> str:
    words = list(p["words"])  # type: ignore[call-overload]
    father = p["father"]
    prefix = ""
    for change in rng.sample(range(10), rng.choice((1, 1, 2, 2, 3))):
        if change == 0:
            prefix = rng.choice(ADDRESS_F if p["woman"] else ADDRESS_M) + " "
        elif change == 1:
            father = None if father else rng.choice(FATHERS)
        elif change == 2:
            old, new = rng.choice(OLD)
            words = [w.replace(old, new) for w in words]
        elif change == 3:
            i = rng.randrange(len(words))
            w = words[i]
            words[i] = w.replace("h", "", 1) if "h" in w and rng.random() < 0.5 else w + "h"
        elif change == 4:
            i = rng.randrange(len(words))
            words[i] = rng.choice(ABBREV.get(words[i], [words[i]]))
        elif change == 5 and len(words) > 1:
            words.pop(rng.randrange(len(words)))
        elif change == 6 and len(words) > 1:
            words.reverse()
        elif change == 9:  # a word split in two, or two words written as one
            if len(words) > 1 and rng.random() < 0.5:
                i = rng.randrange(len(words) - 1)
                words[i : i + 2] = [words[i] + words[i + 1].lower()]
            else:
                i = rng.randrange(len(words))
                if len(words[i]) >= 6:
                    cut = rng.randrange(3, len(words[i]) - 2)
                    words[i : i + 1] = [words[i][:cut], words[i][cut:]]
        elif change in (7, 8):
            i = rng.randrange(len(words))
            words[i] = typo(words[i], rng)
    name = prefix + " ".join(w if w[:1].isupper() else w.capitalize() for w in words)
    if father:
        name += (" binti " if p["woman"] else " bin ") + str(father).capitalize()
    return name


def neighbour(p: dict[str, object], rng: random.Random) -> tuple[str, str]:
    """Another person, and how they resemble `p`: "father" (same given name, another
    father), "word" (a word in common) or "other"."""
    other = person(rng)
    other["woman"] = p["woman"]
    roll = rng.random()
    words = list(p["words"])  # type: ignore[call-overload]
    kind = "other"
    if roll < 0.1 and p["father"]:
        kind = "father"
        other["words"] = words
        other["father"] = rng.choice([f for f in FATHERS if f != p["father"]])
    elif roll < 0.6:
        kind = "word"
        keep = rng.randrange(len(words))
        others = [w for w in other["words"] if w not in words] or [rng.choice(SECOND)]  # type: ignore[attr-defined]
        other["words"] = (
            [words[keep], *others[:1]] if rng.random() < 0.5 else [*others[:1], words[keep]]
        )
    if set(other["words"]) == set(words) and other["father"] == p["father"]:  # type: ignore[arg-type]
        other["words"] = [*words, rng.choice(SECOND)]
    return written(other), kind


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--show", type=int, default=0, help="print this many misses each way")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    same: list[tuple[str, str, float]] = []
    other: list[tuple[str, str, float]] = []
    kinds: list[str] = []
    started = time.perf_counter()
    for _ in range(args.people):
        p = person(rng)
        original = written(p)
        v, (n, kind) = variant(p, rng), neighbour(p, rng)
        kinds.append(kind)
        same.append((original, v, similarity(original, v)))
        other.append((original, n, similarity(original, n)))
    elapsed = time.perf_counter() - started
    rows = []
    print(
        f"{args.people} people, one variant and one neighbour each "
        f"({2 * args.people / elapsed:,.0f} scores/s)"
    )
    total = {k: kinds.count(k) for k in ("word", "father", "other")}
    print(
        f"neighbours: {total['word']} sharing a word, {total['father']} the same given name "
        f"with another father, {total['other']} other names"
    )
    print(
        f"{'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'missed':>7} "
        f"{'false':>6} {'f.word':>7} {'f.father':>8} {'f.other':>7}"
    )
    for t in THRESHOLDS:
        tp = sum(s >= t for *_, s in same)
        fp = sum(s >= t for *_, s in other)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / len(same)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        by_kind = {
            k: sum(s >= t for (*_, s), kk in zip(other, kinds, strict=True) if kk == k)
            for k in total
        }
        rows.append(
            {
                "threshold": t,
                "precision": round(precision, 3),
                "recall": round(recall, 3),
                "f1": round(f1, 3),
                "missed": len(same) - tp,
                "false": fp,
                "false_by_neighbour": by_kind,
            }
        )
        print(
            f"{t:>9.2f} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f} {len(same) - tp:>7} "
            f"{fp:>6} {by_kind['word']:>7} {by_kind['father']:>8} {by_kind['other']:>7}"
        )
    if args.show:
        print("\nmissed at 0.85:")
        for a, b, s in [x for x in same if x[2] < 0.85][: args.show]:
            print(f"  {s:.3f}  {a!r} / {b!r}")
        print("false at 0.85:")
        for a, b, s in [x for x in other if x[2] >= 0.85][: args.show]:
            print(f"  {s:.3f}  {a!r} / {b!r}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps({"people": args.people, "seed": args.seed, "rows": rows}, indent=2) + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
