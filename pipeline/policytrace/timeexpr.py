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
    """kind: horizon | point | period | baseline | relative | same | present | named (a plan or
    report named with its year, "the 2030 goal") | decade (year None) | month (year from context)
    | later ("two years later", counted from the year before it)."""

    kind: str
    start: int
    end: int
    year: Optional[int] = None
    period: Optional[tuple[int, int]] = None
    text: str = ""
    rule: str = ""  # the id of the rule that found it (models/rules/time.json)


@lru_cache(maxsize=1)
def five_year_plans() -> dict[int, tuple[int, int]]:
    return {p["n"]: (p["start"], p["end"]) for p in resources.load("five_year_plans.json")["plans"]}


_Y = r"((?:19|20)\d{2})"
_FYP = re.compile(
    r"(?:(?:during|in|over|for|throughout|within|by\s+the\s+end\s+of|at\s+the\s+end\s+of|end\s+of)\s+)?"
    r"(?:the\s+)?[\"“']?(\d{1,2})(?:st|nd|rd|th)\s+Five[-\s]?Year\s+Plan[\"”']?"
    r"(?:\s*\(\s*" + _Y + r"\s*[-–—]\s*(\d{2,4})\s*\))?(?:\s+[Pp]eriod)?"
    r"|(?:the\s+)?(" + "|".join(_ORD_WORDS) + r")\s+Five[-\s]?Year\s+Plan(?:\s+[Pp]eriod)?", re.I)
_RANGE = re.compile(r"(?:(from|between|over|during|in)\s+)?\(?" + _Y + r"\s*(?:-|–|—|/|to|through|(?<=between\s\d{4}\s)and)\s*(\d{4}|\d{2})\)?(?![\d%])", re.I)
_BETWEEN = re.compile(r"\bbetween\s+" + _Y + r"\s+and\s+" + _Y + r"\b", re.I)
_HORIZON = re.compile(r"\b(by|before|no\s+later\s+than|not\s+later\s+than|until|till|through|to)\s+(?:just\s+|only\s+|as\s+early\s+as\s+|the\s+end\s+of\s+|end-)?" + _Y + r"\b(?!\s*(?:-|–)\s*\d)", re.I)
_POINT = re.compile(r"\b(in|for|during|as\s+of|as\s+at|at\s+the\s+end\s+of|by\s+the\s+end\s+of|end\s+of|in\s+early|in\s+late|in\s+mid-?|throughout|of)\s+(?:the\s+(?:end|first\s+half|second\s+half|beginning)\s+of\s+)?" + _Y + r"\b(?!\s*(?:-|–)\s*\d)", re.I)
_BASELINE = re.compile(r"\b(compared\s+(?:to|with)|since|from|(?<!later\s)than(?:\s+in)?|over|relative\s+to|versus|vs\.?|against|up\s+from|down\s+from|base\s+year)\s+(?:the\s+(?:end|level)\s+of\s+)?(?:that\s+(?:of|in)\s+)?" + _Y + r"\b(?!\s*(?:-|–|to)\s*\d)", re.I)
_YEARLEVEL = re.compile(_Y + r"(?:'s)?\s+levels?\b", re.I)
_REL = re.compile(r"\b(?:(by\s+the\s+end\s+of|end\s+of|in|by|during|for)\s+)?(this|last|next|the\s+previous|the\s+past|the\s+current|the\s+coming|the\s+following)\s+year\b|\ba\s+year\s+(?:earlier|ago)\b", re.I)
_SAME = re.compile(r"\b(?:in\s+)?(?:the\s+same\s+year|that\s+year|that\s+same\s+year)\b|\bby\s+then\b|\bby\s+that\s+time\b|\b(?:for|in|during|over|throughout)\s+the\s+(?:whole\s+|full\s+|entire\s+)?year\b(?!\s+(?:ahead|before|after|to|of|\d))", re.I)
_PRESENT = re.compile(r"\b(?:to\s+date|so\s+far|up\s+to\s+now|at\s+present|currently|as\s+it\s+stands|now)\b", re.I)
_NEXT_N = re.compile(r"\b(?:over|in|within|during|for)\s+the\s+(?:next|coming|following)\s+(\d{1,2}|" + "|".join(
    ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "fifteen", "twenty"]) + r")\s+years\b", re.I)
_NUM_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
              "ten": 10, "fifteen": 15, "twenty": 20}
@lru_cache(maxsize=1)
def _patterns():
    t = resources.load("time.json")
    months = resources.load("quantities.json")["months"]
    mon = "|".join(sorted((m.capitalize() for m in months), key=len, reverse=True))
    num = "|".join(sorted(t["number_words"], key=len, reverse=True))
    plan = "|".join(sorted((re.escape(w) for w in t["plan_nouns"]), key=len, reverse=True))
    hz = "|".join(sorted((re.escape(w).replace("\\ ", r"\s+") for w in t["horizon_preps"]), key=len, reverse=True))
    P = {}
    # "at the end of June 2025", "By October 18, 2017", "in early March 2019", "since July 2015"
    P["month_year"] = re.compile(
        rf"\b(?:(?i:((?:{hz})|in|at|as\s+of|as\s+at|since|from|during|on|after|of))\s+)?(?i:(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+|early\s+|late\s+|mid-?\s*)?"
        rf"(?:{mon})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?,?\s+" + _Y + r"\b")
    # "end-2018", "year-end 2014", "end of 2024" handled by _POINT/_HORIZON; quarters and halves
    P["year_end"] = re.compile(rf"\b(?:((?:{hz})|at|in|as\s+of)\s+)?(?:the\s+)?(?:year[- ]?end|end[- ]|close\s+of\s+)\s*" + _Y + r"\b", re.I)
    P["quarter"] = re.compile(r"\b(?:(by|in|during|as\s+of|at\s+the\s+end\s+of|for)\s+)?(?:the\s+)?(?:[1-4]Q|Q[1-4]|[12]H|H[12]|(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:quarter|half))\s*(?:of\s+)?(?:fiscal\s+)?" + _Y + r"\b", re.I)
    P["decade"] = re.compile(r"\b(?:(by|in|during|until|before)\s+)?the\s+(early|mid|late)[- ]?((?:19|20)\d)0s\b", re.I)
    P["year_goal"] = re.compile(r"\b(?:the|its|their|a|an|our|this)\s+" + _Y + r"\s+(?:goal|target|objective|deadline|ambition|vision|horizon|milestone|commitment|pledge)s?\b", re.I)
    P["decade_point"] = re.compile(r"\b(?:at|by|in|towards?)\s+the\s+(end|close|start|beginning)\s+of\s+the\s+((?:19|20)\d)0s\b", re.I)
    P["years_later"] = re.compile(rf"\b(\d{{1,2}}|{num})\s+years?\s+(later|earlier|after|before)\b", re.I)
    P["decade_end"] = re.compile(r"\b(by|before|until)\s+the\s+end\s+of\s+the\s+decade\b", re.I)
    P["next_n"] = re.compile(rf"\b(?:over|in|within|during|for|across)\s+the\s+(?:next|coming|following)\s+(\d{{1,2}}|{num})\s+years\b|\b(?:over|in|within|during|for)\s+the\s+(?:next|coming|following)\s+(decade)\b", re.I)
    P["within_n"] = re.compile(rf"\b(within)\s+(?:the\s+next\s+)?(\d{{1,2}}|{num})\s+years\b|\bin\s+(\d{{1,2}}|{num})\s+years(?:['’]?\s+time|\s+from\s+now)\b", re.I)
    P["n_year"] = re.compile(rf"\b(\d{{1,2}}|{num})-year\b(?!\s+[Pp]lan\s+[Pp]eriod)(?<!Five-Year)(?=[^.;]{{0,60}}\b(?:plan|budget|programme|program|strategy|period|roadmap|investment|fund|funding|scheme|project|initiative|target)s?\b)", re.I)
    P["fiscal"] = re.compile(r"\b(?:(by|in|for|during|until)\s+)?(?:FY\s?|fiscal\s+(?:year\s+)?)((?:19|20)?\d{2})(?:\s*[-–/]\s*((?:19|20)?\d{2}))?\b", re.I)
    P["plan_name"] = re.compile(rf"\b((?:[A-Z][\w&'’.-]*\s+){{0,4}}(?:{plan}))\s+(?:to\s+|for\s+)?" + _Y + r"\b(?![-–]\d)")
    P["name_year"] = re.compile(r"\b([A-Z][A-Za-z]+)\s+" + _Y + r"\b(?![-–/]\d|\s*(?:%|percent))")
    P["month_only"] = re.compile(rf"(?:\b(?i:((?:{hz})|in|since|from|until|through|during|in\s+early|in\s+late|in\s+mid-?|at\s+the\s+end\s+of|end\s+of))\s+|(?:^|(?<=[.!?]\s)))({mon})\b(?!\.?\s+\d)")
    P["not_name"] = frozenset(t["not_name_words"]) | frozenset(m.capitalize() for m in months)
    P["numbers"] = dict(t["number_words"])
    P["decade_parts"] = {k: tuple(v) for k, v in t["decade_parts"].items()}
    P["horizon_preps"] = frozenset(" ".join(h.split()) for h in t["horizon_preps"])
    P["months"] = {k.capitalize(): v for k, v in months.items()}
    return P


def _num(s: str) -> int:
    return int(s) if s.isdigit() else _patterns()["numbers"][s.lower()]


def _is_hz(prep: Optional[str]) -> bool:
    return bool(prep) and " ".join(prep.lower().split()) in _patterns()["horizon_preps"]


_ANY = re.compile(r"\d|year|Year|decade|to date|so far|now|present|currently|as it stands|by then|by that time|January|February|March|April|May|June|July|August|September|October|November|December")
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
    P = _patterns()
    for m in P["decade"].finditer(text):
        # "by the late 2020s": a horizon with no year to give (year None, period the years)
        lo, hi = P["decade_parts"][m.group(2).lower()]
        d0 = int(m.group(3)) * 10
        add(TimeExpr("decade", m.start() + offset, m.end() + offset, None, (d0 + lo, d0 + hi), m.group()))
    for m in P["year_goal"].finditer(text):
        add(TimeExpr("named", m.start() + offset, m.end() + offset, int(m.group(1)), None, m.group()))
    for m in P["decade_point"].finditer(text):
        d0 = int(m.group(2)) * 10
        y = d0 + (9 if m.group(1).lower().startswith(("end", "late", "close")) else 0)
        add(TimeExpr("point", m.start() + offset, m.end() + offset, y, (d0, d0 + 9), m.group()))
    for m in P["decade_end"].finditer(text):
        if pub_year:
            add(TimeExpr("horizon", m.start() + offset, m.end() + offset, pub_year // 10 * 10 + 10, None, m.group()))
    for m in P["fiscal"].finditer(text):
        a, b = m.group(2), m.group(3)
        a = int(a) if len(a) == 4 else 2000 + int(a)
        y = a if not b else (int(b) if len(b) == 4 else a // 100 * 100 + int(b))
        if y < a or y > a + 1:
            y = a
        kind = "horizon" if _is_hz(m.group(1)) else "point"
        add(TimeExpr(kind, m.start() + offset, m.end() + offset, y, (a, y) if b else None, m.group()))
    for m in P["month_year"].finditer(text):
        kind = "horizon" if _is_hz(m.group(1)) else "point"
        add(TimeExpr(kind, m.start() + offset, m.end() + offset, int(m.group(2)), None, m.group()))
    for m in P["year_end"].finditer(text):
        kind = "horizon" if _is_hz(m.group(1)) else "point"
        add(TimeExpr(kind, m.start() + offset, m.end() + offset, int(m.group(2)), None, m.group()))
    for m in P["quarter"].finditer(text):
        kind = "horizon" if _is_hz(m.group(1)) else "point"
        add(TimeExpr(kind, m.start() + offset, m.end() + offset, int(m.group(2)), None, m.group()))
    for m in P["next_n"].finditer(text):
        n = 10 if m.group(2) else _num(m.group(1))
        if pub_year:
            add(TimeExpr("period", m.start() + offset, m.end() + offset, pub_year + n,
                         (pub_year + 1, pub_year + n), m.group()))
    for m in P["within_n"].finditer(text):
        n = _num(m.group(2) or m.group(3))
        if pub_year:
            add(TimeExpr("horizon", m.start() + offset, m.end() + offset, pub_year + n, None, m.group()))
    for m in P["n_year"].finditer(text):
        # "a three-year action plan" released in 2023 runs 2023-2025
        n = _num(m.group(1))
        if pub_year and 1 < n <= 30:
            add(TimeExpr("period", m.start() + offset, m.end() + offset, pub_year + n - 1,
                         (pub_year, pub_year + n - 1), m.group()))
    for m in P["plan_name"].finditer(text):
        add(TimeExpr("named", m.start() + offset, m.end() + offset, int(m.group(2)), None, m.group()))
    for m in _BASELINE.finditer(text):
        add(TimeExpr("baseline", m.start() + offset, m.end() + offset, int(m.group(2)), None, m.group()))
    for m in _YEARLEVEL.finditer(text):
        add(TimeExpr("baseline", m.start() + offset, m.end() + offset, int(m.group(1)), None, m.group()))
    for m in _BETWEEN.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if a < b <= a + 50:
            add(TimeExpr("period", m.start() + offset, m.end() + offset, b, (a, b), m.group()))
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
    for m in P["years_later"].finditer(text):
        # "reaching 2GW two years later": counted from the year stated before it in the text
        prev = [t for t in out if t.end - offset <= m.start() and t.year]
        if prev:
            n = _num(m.group(1)) * (1 if m.group(2).lower() in ("later", "after") else -1)
            base = prev[-1].year
            add(TimeExpr("later", m.start() + offset,
                         m.end() + offset, base + n, None, m.group()))
    for m in P["name_year"].finditer(text):
        if m.group(1) not in P["not_name"]:
            add(TimeExpr("named", m.start() + offset, m.end() + offset, int(m.group(2)), None, m.group()))
    for m in P["month_only"].finditer(text):
        # "in October", "January will see ...": the year comes from the context (caller)
        kind = "month|by" if _is_hz(m.group(1)) else "month"
        add(TimeExpr("month", m.start() + offset, m.end() + offset, None, None,
                     m.group() + ("|by" if kind == "month|by" else "")))
    for m in _SAME.finditer(text):
        add(TimeExpr("same", m.start() + offset, m.end() + offset, None, None, m.group()))
    for m in _BARE.finditer(text):
        # a year on its own ("2020 was a year of good harvests") dates what is said around it
        if not _UNIT_AFTER.match(text, m.end()) and not re.match(r"[-–]\d|\s*(?:%|percent)", text[m.end():m.end() + 4]):
            add(TimeExpr("point", m.start() + offset, m.end() + offset, int(m.group(1)), None, m.group()))
    for m in _PRESENT.finditer(text):
        add(TimeExpr("present", m.start() + offset, m.end() + offset, pub_year, None, m.group()))
    out.sort(key=lambda t: t.start)
    return out


def bare_years(text: str) -> list[int]:
    """Every year-like number in TEXT (for the documents' years_mentioned); "2,000 km" and
    "2000 MW" are quantities, not years."""
    return [int(m.group(1)) for m in _BARE.finditer(text)
            if not _UNIT_AFTER.match(text, m.end())]


_UNIT_AFTER = re.compile(r"\s?(?:[A-Za-z]{1,3}W|[kMGT]Wh|km|MW|GW|kW|mw|gw|tonnes?|tons?|hectares?|ha\b|"
                         r"barrels?|units?|people|persons|households|vehicles|cars|jobs|companies|"
                         r"firms|enterprises|projects|[a-z]+s\b(?<!years\b)(?<!s\b))")


def period_str(period: Optional[tuple[int, int]]) -> Optional[str]:
    return f"{period[0]}-{period[1]}" if period else None
