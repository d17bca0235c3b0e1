"""Time expressions: horizons ("by 2025"), points ("in 2019", "last year"), plan periods
("during the 14th Five-Year Plan period", "(2016-20)") and baselines ("compared to 2016").

Pure functions over text; relative expressions are resolved against a publication year or a
year carried from context by the caller.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from . import resources

_ORD_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
              "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
              "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16}


@dataclass(frozen=True)
class TimeExpr:
    """kind: horizon | point | period | baseline | relative | same | present."""

    kind: str
    start: int
    end: int
    year: Optional[int] = None
    period: Optional[tuple[int, int]] = None
    text: str = ""


@lru_cache(maxsize=1)
def five_year_plans() -> dict[int, tuple[int, int]]:
    return {p["n"]: (p["start"], p["end"]) for p in resources.load("five_year_plans.json")["plans"]}


_Y = r"((?:19|20)\d{2})"
_FYP = re.compile(
    r"(?:(?:during|in|over|for|throughout|within|by\s+the\s+end\s+of|at\s+the\s+end\s+of|end\s+of)\s+)?"
    r"(?:the\s+)?[\"“']?(\d{1,2})(?:st|nd|rd|th)\s+Five[-\s]?Year\s+Plan[\"”']?"
    r"(?:\s*\(\s*" + _Y + r"\s*[-–—]\s*(\d{2,4})\s*\))?(?:\s+[Pp]eriod)?"
    r"|(?:the\s+)?(" + "|".join(_ORD_WORDS) + r")\s+Five[-\s]?Year\s+Plan(?:\s+[Pp]eriod)?", re.I)
_RANGE = re.compile(r"(?:(from|between)\s+)?\(?" + _Y + r"\s*(?:-|–|—|to|and|through)\s*(\d{4}|\d{2})\)?(?![\d%])", re.I)
_HORIZON = re.compile(r"\b(by|before|no\s+later\s+than|until|till|through|to)\s+(?:the\s+end\s+of\s+|end-)?" + _Y + r"\b(?!\s*(?:-|–)\s*\d)", re.I)
_POINT = re.compile(r"\b(in|for|during|as\s+of|as\s+at|at\s+the\s+end\s+of|by\s+the\s+end\s+of|end\s+of|in\s+early|in\s+late|in\s+mid-?|throughout|of)\s+(?:the\s+(?:end|first\s+half|second\s+half|beginning)\s+of\s+)?" + _Y + r"\b(?!\s*(?:-|–)\s*\d)", re.I)
_BASELINE = re.compile(r"\b(compared\s+(?:to|with)|since|from|than(?:\s+in)?|over|relative\s+to|versus|vs\.?|against|up\s+from|down\s+from|base\s+year)\s+(?:the\s+(?:end|level)\s+of\s+)?(?:that\s+(?:of|in)\s+)?" + _Y + r"\b(?!\s*(?:-|–|to)\s*\d)", re.I)
_YEARLEVEL = re.compile(_Y + r"(?:'s)?\s+levels?\b", re.I)
_REL = re.compile(r"\b(?:(by\s+the\s+end\s+of|end\s+of|in|by|during|for)\s+)?(this|last|next|the\s+previous|the\s+past|the\s+current|the\s+coming|the\s+following)\s+year\b|\ba\s+year\s+(?:earlier|ago)\b", re.I)
_SAME = re.compile(r"\b(?:in\s+)?(?:the\s+same\s+year|that\s+year|that\s+same\s+year)\b|\bby\s+then\b|\bby\s+that\s+time\b", re.I)
_PRESENT = re.compile(r"\b(?:to\s+date|so\s+far|up\s+to\s+now|at\s+present|currently|as\s+it\s+stands|now)\b", re.I)
_NEXT_N = re.compile(r"\b(?:over|in|within|during|for)\s+the\s+(?:next|coming|following)\s+(\d{1,2}|" + "|".join(
    ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "fifteen", "twenty"]) + r")\s+years\b", re.I)
_NUM_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
              "ten": 10, "fifteen": 15, "twenty": 20}
_ANY = re.compile(r"\d|year|Year|to date|so far|now|present|currently|as it stands|by then|by that time")
_BARE = re.compile(r"(?<![\d,.$€£¥-])" + _Y + r"(?![\d%,.]\d)")


def find(text: str, offset: int = 0, pub_year: Optional[int] = None) -> list[TimeExpr]:
    """All time expressions in TEXT, without overlaps, in text order."""
    out: list[TimeExpr] = []
    if not _ANY.search(text):
        return out
    taken: list[tuple[int, int]] = []

    def add(te: TimeExpr):
        if any(a < te.end - offset and te.start - offset < b for a, b in taken):
            return
        taken.append((te.start - offset, te.end - offset))
        out.append(te)

    plans = five_year_plans()
    for m in _FYP.finditer(text):
        n = int(m.group(1)) if m.group(1) else _ORD_WORDS.get((m.group(5) or "").lower())
        if m.group(2):
            a, b = int(m.group(2)), m.group(3)
            period = (a, int(b) if len(b) == 4 else int(str(a)[:2] + b))
        elif n in plans:
            period = plans[n]
        else:
            continue
        add(TimeExpr("period", m.start() + offset, m.end() + offset, period[1], period, m.group()))
    for m in _BASELINE.finditer(text):
        add(TimeExpr("baseline", m.start() + offset, m.end() + offset, int(m.group(2)), None, m.group()))
    for m in _YEARLEVEL.finditer(text):
        add(TimeExpr("baseline", m.start() + offset, m.end() + offset, int(m.group(1)), None, m.group()))
    for m in _RANGE.finditer(text):
        a, b = int(m.group(2)), m.group(3)
        b = int(b) if len(b) == 4 else int(str(a)[:2] + b)
        if a < b <= a + 50:
            add(TimeExpr("period", m.start() + offset, m.end() + offset, b, (a, b), m.group()))
    for m in _HORIZON.finditer(text):
        add(TimeExpr("horizon", m.start() + offset, m.end() + offset, int(m.group(2)), None, m.group()))
    for m in _POINT.finditer(text):
        add(TimeExpr("point", m.start() + offset, m.end() + offset, int(m.group(2)), None, m.group()))
    for m in _REL.finditer(text):
        w = (m.group(2) or "").lower()
        delta = {"this": 0, "the current": 0, "last": -1, "the previous": -1, "the past": -1,
                 "next": 1, "the coming": 1, "the following": 1}.get(" ".join(w.split()), -1)
        prep = (m.group(1) or "").lower()
        kind = "relative"
        year = pub_year + delta if pub_year else None
        add(TimeExpr(kind, m.start() + offset, m.end() + offset, year, None,
                     m.group() + ("|by" if prep.startswith("by") else "")))
    for m in _NEXT_N.finditer(text):
        n = m.group(1).lower()
        n = int(n) if n.isdigit() else _NUM_WORDS[n]
        if pub_year:
            add(TimeExpr("period", m.start() + offset, m.end() + offset, pub_year + n,
                         (pub_year + 1, pub_year + n), m.group()))
    for m in _SAME.finditer(text):
        add(TimeExpr("same", m.start() + offset, m.end() + offset, None, None, m.group()))
    for m in _PRESENT.finditer(text):
        add(TimeExpr("present", m.start() + offset, m.end() + offset, pub_year, None, m.group()))
    out.sort(key=lambda t: t.start)
    return out


def bare_years(text: str) -> list[int]:
    """Every year-like number in TEXT (for the documents' years_mentioned)."""
    return [int(m.group(1)) for m in _BARE.finditer(text)]


def period_str(period: Optional[tuple[int, int]]) -> Optional[str]:
    return f"{period[0]}-{period[1]}" if period else None
