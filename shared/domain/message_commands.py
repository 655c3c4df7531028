"""What a short message says: a command word, perhaps a case's tracking code, and the rest.

Coordinators answer their tasks by SMS, WhatsApp or Telegram (TERIMA, TOLAK, MULAI,
SELESAI, CATAT, STATUS, BANTUAN; in English ACCEPT, DECLINE, START, DONE, NOTE, STATUS,
HELP) and case workers report a case (RUJUK <kategori> <kode desa> <nama>; <keterangan>).
People type on small keyboards: words are matched whatever their case and spacing, with a
typo or two, and the codes of reasons and outcomes may be given by number or by a word.
Only the reading is here; whether the command may be done is the life cycle's business,
and whether a report is a valid referral the referral schema's. Pure: standard library
only. docs/messaging.md prints the format.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from shared.domain.lifecycle import Outcome, Reason
from shared.domain.tracking import ALPHABET


class Verb(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    START = "start"
    DONE = "done"
    NOTE = "note"
    STATUS = "status"
    HELP = "help"
    REPORT = "report"
    THANKS = "thanks"  # "terima kasih" is not an acceptance


# Each verb's words: (Bahasa Indonesia, English). The first of each is the one to print.
WORDS: dict[Verb, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Verb.ACCEPT: (("TERIMA", "TRIMA", "TERIMAH", "TRMA", "TERIMAA"), ("ACCEPT", "ACC", "ACEPT")),
    Verb.DECLINE: (("TOLAK", "TOLAQ", "TLK", "TOLAKK"), ("DECLINE", "REJECT", "REFUSE")),
    Verb.START: (("MULAI", "MULAY", "MLAI", "MULA"), ("START", "BEGIN")),
    Verb.DONE: (
        ("SELESAI", "SLESAI", "SELESE", "SELESAY", "SLSAI", "BERES"),
        ("DONE", "COMPLETE", "COMPLETED", "FINISH", "FINISHED"),
    ),
    Verb.NOTE: (("CATAT", "CATATAN", "CTT", "CATET"), ("NOTE",)),
    Verb.STATUS: (("STATUS", "CEK", "STATUSNYA", "STS"), ("STATUS", "CHECK")),
    Verb.HELP: (("BANTUAN", "BANTU", "MENU", "TOLONG", "INFO", "?"), ("HELP",)),
    Verb.REPORT: (("RUJUK", "RUJUKAN", "LAPOR", "RUJUKK"), ("REFER", "REPORT")),
}
_THANKS_AFTER = frozenset({"KASIH", "KASI", "KSH", "KSIH", "KASIHH"})
_THANKS = frozenset({"TERIMAKASIH", "MAKASIH", "MAKASI", "TRIMAKASIH", "THANKS", "THX"})

# Declining: a number or a word for each reason the coordinator may give (the same five
# as the decline link's page). Numbers as BANTUAN prints them.
DECLINE_REASONS: tuple[tuple[Reason, tuple[str, ...], tuple[str, ...]], ...] = (
    (Reason.NO_CAPACITY, ("PENUH", "SIBUK", "KAPASITAS", "SANGGUP"), ("FULL", "BUSY", "CAPACITY")),
    (
        Reason.NOT_ELIGIBLE,
        ("LAYAK", "SYARAT", "SASARAN", "BERHAK"),
        ("ELIGIBLE", "INELIGIBLE", "QUALIFY"),
    ),
    (Reason.OUT_OF_AREA, ("WILAYAH", "LUAR", "DAERAH"), ("AREA", "OUTSIDE", "REGION")),
    (Reason.DUPLICATE, ("GANDA", "DOBEL", "DUPLIKAT", "KEMBAR"), ("DUPLICATE", "DOUBLE")),
    (Reason.OTHER, ("LAIN", "LAINNYA", "LAINNYA."), ("OTHER",)),
)
OUTCOMES: tuple[tuple[Outcome, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        Outcome.SERVICE_GIVEN,
        ("LAYANAN", "DIBERIKAN", "DIBANTU", "TERLAYANI", "TERTANGANI"),
        ("SERVED", "SERVICE", "GIVEN", "HELPED"),
    ),
    (
        Outcome.ENROLLED_IN_PROGRAMME,
        ("PROGRAM", "TERDAFTAR", "DIDAFTARKAN", "PKH", "BPNT"),
        ("ENROLLED", "PROGRAMME", "PROGRAM"),
    ),
    (Outcome.REFERRED_OUTSIDE, ("DIRUJUK", "DIALIHKAN"), ("REFERRED",)),
    (Outcome.PERSON_DECLINED, ("MENOLAK", "DITOLAK"), ("DECLINED", "REFUSED")),
    (Outcome.DIED, ("MENINGGAL", "WAFAT", "MATI"), ("DIED", "DECEASED", "DEAD")),
    (Outcome.MOVED, ("PINDAH", "PINDAHAN"), ("MOVED",)),
)

_CODE = re.compile(r"^SKB-?(\d{4})-?([0-9A-Z]{6})$")
_VILLAGE_DIGITS = re.compile(r"^\d{10}$")
_VILLAGE_DOTTED = re.compile(r"^\d{2}[.\-]\d{2}[.\-]\d{2}[.\-]\d{4}$")
# Crockford base32: letters people type for the digits they look like.
_LOOKALIKE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
MAX_TEXT = 4000
C = TypeVar("C", bound=StrEnum)


class Unreadable(ValueError):
    """The message cannot be read as a command. `problem` is a key of the reply's words
    (unknown_word, reason_missing, outcome_missing, text_missing, and for a report
    category_missing, village_missing, name_missing, description_missing, nik_shape: NIK
    without digits; too_long is answered as unknown_word);
    `field` names the part in error."""

    def __init__(self, problem: str, field: str = "", *, language: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.field = field
        self.language = language


@dataclass(frozen=True, slots=True)
class Report:
    """A referral as the message gives it; the referral schema checks each part."""

    category: str
    village_code: str
    name: str
    description: str
    nik: str | None = None
    emergency: bool = False


@dataclass(frozen=True, slots=True)
class Command:
    verb: Verb
    # The language of the word used ("id" or "en"); None when it is the same in both.
    language: str | None = None
    code: str | None = None  # a case's tracking code, SKB-YYMM-XXXXXX
    reason: Reason | None = None
    outcome: Outcome | None = None
    text: str = ""  # what follows the word and the code: a note, a reason in words
    report: Report | None = None


def parse(message: str) -> Command:
    """Read one message; raise Unreadable saying what is missing or not understood."""
    # Read whole (a report's description or a note is kept as written), or not at all:
    # the gateway takes 2,000 characters, which only NFKC (ligatures) makes longer.
    text = _plain(message)
    if len(text) > MAX_TEXT:
        raise Unreadable("too_long", "command")
    tokens = text.split()
    if not tokens:
        raise Unreadable("unknown_word", "command")
    head = _word(tokens[0])
    if head in _THANKS or (
        len(tokens) > 1 and _verb_of(head)[0] is Verb.ACCEPT and _word(tokens[1]) in _THANKS_AFTER
    ):
        return Command(Verb.THANKS)
    verb, language = _verb_of(head)
    if verb is None:
        raise Unreadable("unknown_word", "command")
    rest = text[len(tokens[0]) :].strip()
    if verb is Verb.REPORT:
        return Command(verb, language, report=_report(rest, language))
    code, rest = _leading_code(rest)
    command = Command(verb, language, code=code, text=rest)
    if verb is Verb.DECLINE:
        reason = _coded(rest, DECLINE_REASONS)
        if reason is None:
            if not rest:
                raise Unreadable("reason_missing", "reason", language=language)
            reason = Reason.OTHER  # the reason in the coordinator's own words
        return Command(verb, language, code=code, reason=reason, text=_after_number(rest))
    if verb is Verb.DONE:
        outcome = _coded(rest, OUTCOMES)
        if outcome is None:
            raise Unreadable("outcome_missing", "outcome", language=language)
        return Command(verb, language, code=code, outcome=outcome, text=_after_number(rest))
    if verb is Verb.NOTE and not rest:
        raise Unreadable("text_missing", "text", language=language)
    return command


def _after_number(rest: str) -> str:
    """The rest without the number that gave its reason or outcome."""
    first, _, after = rest.partition(" ")
    return after.strip() if first.rstrip(".)").isdigit() else rest


def tracking_code(token: str) -> str | None:
    """`skb 2612 abc123`'s parts joined, or `SKB2612ABC123`, as SKB-2612-ABC123; None when
    the token is not a tracking code."""
    compact = token.upper().replace(" ", "")
    match = _CODE.match(compact)
    if match is None:
        return None
    body = match.group(2).translate(_LOOKALIKE)
    if any(ch not in ALPHABET for ch in body):
        return None
    return f"SKB-{match.group(1)}-{body}"


def village_code(token: str) -> str:
    """3508012001 or 35-08-01-2001 as 35.08.01.2001; anything else as it was written (the
    referral schema says what is wrong with it)."""
    if _VILLAGE_DIGITS.match(token):
        return f"{token[:2]}.{token[2:4]}.{token[4:6]}.{token[6:]}"
    if _VILLAGE_DOTTED.match(token):
        return re.sub(r"[.\-]", ".", token)
    return token


def _plain(message: str) -> str:
    """NFKC (full-width letters, odd spaces), one line, no invisible characters."""
    text = unicodedata.normalize("NFKC", message)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split(" ")).strip()


def _word(token: str) -> str:
    return token.upper().strip(".,;:!*#\"'()[]")


def _verb_of(word: str) -> tuple[Verb | None, str | None]:
    exact: dict[str, set[Verb]] = {}
    for verb, (indonesian, english) in WORDS.items():
        for language, words in (("id", indonesian), ("en", english)):
            for candidate in words:
                if candidate == word:
                    exact.setdefault(language, set()).add(verb)
    found = {v for verbs in exact.values() for v in verbs}
    if len(found) == 1:
        both = len(exact) == 2
        return found.pop(), None if both else next(iter(exact))
    # A typo: one edit away from exactly one verb's words (two for long words).
    near: dict[Verb, str] = {}
    for verb, (indonesian, english) in WORDS.items():
        for language, words in (("id", indonesian), ("en", english)):
            if any(_close(word, candidate) for candidate in words if len(candidate) >= 4):
                near.setdefault(verb, language)
    if len(near) == 1:
        verb, language = next(iter(near.items()))
        return verb, language
    return None, None


def _close(word: str, candidate: str) -> bool:
    if abs(len(word) - len(candidate)) > 2 or len(word) < 4:
        return False
    allowed = 2 if len(candidate) >= 7 else 1
    return _distance(word, candidate) <= allowed


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _leading_code(rest: str) -> tuple[str | None, str]:
    """A tracking code at the start of the rest (written whole or in up to three parts)."""
    tokens = rest.split()
    for count in (3, 2, 1):
        if len(tokens) >= count:
            code = tracking_code("".join(_word(t) for t in tokens[:count]))
            if code is not None:
                return code, " ".join(tokens[count:])
    return None, rest


def _coded(rest: str, table: tuple[tuple[C, tuple[str, ...], tuple[str, ...]], ...]) -> C | None:
    """The code a number (1 = the table's first) or a word of the rest stands for."""
    tokens = [_word(t) for t in rest.split()]
    if tokens and tokens[0].isdigit():
        number = int(tokens[0])
        if 1 <= number <= len(table):
            return table[number - 1][0]
    for token in tokens:
        for code, words_id, words_en in table:
            if token in words_id or token in words_en:
                return code
    for token in tokens:
        matches: set[C] = set()
        for row in table:
            if any(_close(token, w) for w in (*row[1], *row[2]) if len(w) >= 5):
                matches.add(row[0])
        if len(matches) == 1:
            return matches.pop()
    return None


_NIK_ANYWHERE = re.compile(r"\bNIK\b[\s:.=]*([0-9][0-9 .\-]*[0-9]|[0-9])?", re.IGNORECASE)
_EMERGENCY = ("DARURAT", "EMERGENCY", "URGENT")


def _report(rest: str, language: str | None) -> Report:
    """RUJUK <kategori> <kode desa> <nama>; <keterangan>. `NIK <digits>` may stand
    anywhere; DARURAT among the words before the semicolon, as a part of its own, or as
    the last word."""
    nik: str | None = None
    found = _NIK_ANYWHERE.search(rest)
    if found is not None:
        nik = re.sub(r"[\s.\-]", "", found.group(1) or "")
        if not nik:  # the referral schema checks the digits, as for the API
            raise Unreadable("nik_shape", "nik", language=language)
        rest = (rest[: found.start()] + " " + rest[found.end() :]).strip()
    separator = ";" if ";" in rest else ("," if "," in rest else None)
    head, _, tail = rest.partition(separator) if separator else (rest, "", "")
    emergency = False
    described: list[str] = []
    for part in tail.split(separator) if separator else []:
        words = part.split()
        if words and all(_word(w) in _EMERGENCY for w in words):
            emergency = True
            continue
        if words and _word(words[-1]) in _EMERGENCY:
            emergency = True
            words = words[:-1]
        if words:
            described.append(" ".join(words))
    kept: list[str] = []
    for word in head.split():
        if _word(word) in _EMERGENCY:
            emergency = True
        else:
            kept.append(word)
    if not kept:
        raise Unreadable("category_missing", "category", language=language)
    if len(kept) < 2:
        raise Unreadable("village_missing", "village_code", language=language)
    name = " ".join(kept[2:]).strip()
    if not name:
        raise Unreadable("name_missing", "name", language=language)
    description = (separator or ";").join(f" {d}" if i else d for i, d in enumerate(described))
    if not description:
        raise Unreadable("description_missing", "description", language=language)
    return Report(
        category=_word(kept[0]),
        village_code=village_code(kept[1].strip(",;")),
        name=name,
        description=description,
        nik=nik,
        emergency=emergency,
    )
