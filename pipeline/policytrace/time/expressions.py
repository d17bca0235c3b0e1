"""Time expressions: horizons ("by 2025"), points ("in 2019", "last year"), plan periods
("during the 14th Five-Year Plan period", "(2016-20)") and baselines ("compared to 2016").

Pure functions over text; relative expressions are resolved against a publication year or a
year carried from context by the caller.  The patterns are the rules of
``models/rules/time.json`` (file order is precedence); the guards and actions they name are
registered here.  An action gives ``(kind, year, period, mark)``: mark is "|by", appended to the
expression's text after a horizon preposition ("by next year"), or "".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .. import resources, rules
from ..rules import lexicon


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


def _rules() -> rules.RuleSet:
    return rules.load("time")


# ---------------------------------------------------------------- words (one home each)

@lru_cache(maxsize=1)
def _numbers() -> dict[str, int]:
    """Spelled numbers: models/quantities.json's, and the few only time expressions use."""
    return {**lexicon.table("quantities.json", "number_words"), **lexicon.table("time.json", "extra_number_words")}


@lru_cache(maxsize=1)
def _not_name() -> frozenset[str]:
    """Capitalised words before a year that do not name anything: prepositions, seasons, months."""
    months = lexicon.words("quantities.json", "months")
    return lexicon.words("time.json", "not_name_words") | frozenset(m.capitalize() for m in months)


@lru_cache(maxsize=1)
def _horizon_preps() -> frozenset[str]:
    return frozenset(" ".join(h.split()) for h in lexicon.words("time.json", "horizon_preps"))


def _num(s: str) -> int:
    return int(s) if s.isdigit() else _numbers()[" ".join(s.lower().split())]


def _is_hz(prep: Optional[str]) -> bool:
    return bool(prep) and " ".join(prep.lower().split()) in _horizon_preps()


def _te(kind: str, year: Optional[int] = None, period: Optional[tuple[int, int]] = None,
        by: bool = False) -> tuple:
    """An action's value: what a TimeExpr holds besides its place, and the mark its text gets."""
    return kind, year, period, "|by" if by else ""


# ---------------------------------------------------------------- guards

@rules.guard("time.pub_year")
def _has_pub_year(m: re.Match, ctx: rules.Context) -> bool:
    """Resolving this needs the publication year."""
    return bool(ctx.get("pub_year"))


@rules.guard("time.is_name")
def _is_name(m: re.Match, ctx: rules.Context, group: int = 1) -> bool:
    return m.group(group) not in _not_name()


@rules.guard("time.unit_after")
def _unit_after(m: re.Match, ctx: rules.Context) -> bool:
    """A unit or counted noun follows: "2000 MW" is a quantity."""
    return bool(_rules()["unit_after"].match(m.string, m.end()))


@rules.guard("time.range_after")
def _range_after(m: re.Match, ctx: rules.Context) -> bool:
    """The four characters after the number go on as a range ("-25") or a percentage."""
    return bool(_rules()["range_after"].match(m.string[m.end():m.end() + 4]))


# ---------------------------------------------------------------- actions

@rules.action("time.dated")
def _dated(m: re.Match, ctx: rules.Context, kind: str, year: int, prep: Optional[int] = None) -> tuple:
    """The year of group YEAR; a horizon instead when group PREP is a horizon preposition."""
    if prep is not None and _is_hz(m.group(prep)):
        kind = "horizon"
    return _te(kind, int(m.group(year)))


@rules.action("time.onset")
def _onset(m: re.Match, ctx: rules.Context, year: int, kind: str = "point") -> Optional[tuple]:
    """'capped at 20% from 2028': a year still ahead after 'from' is when a rule starts; a year
    past ('up 9% from 2019') is left to time.baseline."""
    y, pub = int(m.group(year)), ctx.get("pub_year")
    return _te(kind, y) if pub and y > pub else None


@rules.action("time.base_any")
def _base_any(m: re.Match, ctx: rules.Context) -> tuple:
    """The year of whichever alternative matched: a base year."""
    return _te("baseline", int(next(g for g in m.groups() if g and g.isdigit() and len(g) == 4)))


@rules.action("time.undated")
def _undated(m: re.Match, ctx: rules.Context, kind: str) -> tuple:
    return _te(kind)


@rules.action("time.present")
def _present(m: re.Match, ctx: rules.Context) -> tuple:
    return _te("present", ctx.get("pub_year"))


@rules.action("time.five_year_plan")
def _five_year_plan(m: re.Match, ctx: rules.Context) -> Optional[tuple]:
    # "the 14th Five-Year Plan" (group 1) or "the fourteenth Five-Year Plan" (group 4)
    n = int(m.group(1)) if m.group(1) else lexicon.table("time.json", "ordinal_words").get((m.group(4) or "").lower())
    if m.group(2):
        a, b = int(m.group(2)), m.group(3)
        period = (a, int(b) if len(b) == 4 else int(str(a)[:2] + b))
    elif n in five_year_plans():
        period = five_year_plans()[n]
    else:
        return None
    return _te("period", period[1], period)


@rules.action("time.decade")
def _decade(m: re.Match, ctx: rules.Context) -> tuple:
    # "by the late 2020s": a horizon with no year to give (year None, period the years)
    lo, hi = lexicon.table("time.json", "decade_parts")[m.group(2).lower()]
    d0 = int(m.group(3)) * 10
    return _te("decade", None, (d0 + lo, d0 + hi))


@rules.action("time.decade_point")
def _decade_point(m: re.Match, ctx: rules.Context) -> tuple:
    d0 = int(m.group(2)) * 10
    y = d0 + (9 if m.group(1).lower().startswith(("end", "late", "close")) else 0)
    return _te("point", y, (d0, d0 + 9))


@rules.action("time.decade_end")
def _decade_end(m: re.Match, ctx: rules.Context) -> tuple:
    return _te("horizon", ctx["pub_year"] // 10 * 10 + 10)


@rules.action("time.fiscal")
def _fiscal(m: re.Match, ctx: rules.Context) -> tuple:
    a, b = m.group(2), m.group(3)
    a = int(a) if len(a) == 4 else 2000 + int(a)
    y = a if not b else (int(b) if len(b) == 4 else a // 100 * 100 + int(b))
    if y < a or y > a + 1:
        y = a
    return _te("horizon" if _is_hz(m.group(1)) else "point", y, (a, y) if b else None)


@rules.action("time.next_n")
def _next_n(m: re.Match, ctx: rules.Context) -> Optional[tuple]:
    n, pub = 10 if m.group(2) else _num(m.group(1)), ctx["pub_year"]
    return _te("period", pub + n, (pub + 1, pub + n)) if 1 <= n <= 100 else None  # never "the next zero years"


@rules.action("time.within_n")
def _within_n(m: re.Match, ctx: rules.Context) -> Optional[tuple]:
    n = _num(m.group(2) or m.group(3))
    return _te("horizon", ctx["pub_year"] + n) if 1 <= n <= 100 else None


@rules.guard("time.looks-ahead")
def _looks_ahead(m: re.Match, ctx: rules.Context) -> bool:
    """Does the sentence before the span say it is still to come? ('in eight years' after
    'is meant to' is a deadline; after 'rose 20%' a duration)."""
    before = m.string[max(0, m.start() - 160):m.start()]
    before = before[before.rfind(". ") + 1:]
    rs = rules.load("time")
    return rs["looks-ahead"].search(before) is not None and rs["superlative-before"].search(before) is None


@rules.action("time.in_n")
def _in_n(m: re.Match, ctx: rules.Context) -> Optional[tuple]:
    n = 10 if (m.group(2) or "").lower() == "a" else _num(m.group(1) or "")
    return _te("horizon", ctx["pub_year"] + n) if n and 1 <= n <= 100 else None


@rules.action("time.years_ago")
def _years_ago(m: re.Match, ctx: rules.Context) -> Optional[tuple]:
    n = 10 if (m.group(2) or "").lower() == "a" else _num(m.group(1) or "")
    return _te("point", ctx["pub_year"] - n) if n and 1 <= n <= 100 else None


@rules.action("time.within_decades")
def _within_decades(m: re.Match, ctx: rules.Context) -> Optional[tuple]:
    n = _num(m.group(1) or m.group(2))
    return _te("horizon", ctx["pub_year"] + 10 * n) if 1 <= n <= 10 else None


@rules.action("time.n_year")
def _n_year(m: re.Match, ctx: rules.Context) -> Optional[tuple]:
    # "a three-year action plan" released in 2023 ends in 2026, as "over the next three years"
    # does (readers count the years from the release, not the release year as the first);
    # "In May 2021 the city began a five-year scheme": from the launch the sentence dates
    n, pub = _num(m.group(1)), ctx["pub_year"]
    if not 1 < n <= 30:
        return None
    launch = [y for end, y in ctx.get("dated", ()) if end - ctx.offset <= m.start() and y and y <= pub]
    if launch:
        return _te("period", launch[-1] + n, (launch[-1], launch[-1] + n))
    return _te("period", pub + n, (pub + 1, pub + n))


@rules.action("time.over_n_from")
def _over_n_from(m: re.Match, ctx: rules.Context, n: int, start: int, end: int, n2: int, start2: int,
                 end2: int) -> Optional[tuple]:
    """'over two years, starting in 2024-25', 'From 2021 over a period of four years': N years
    counted from a stated start, the start's own year the first (a fiscal year's end year)."""
    n_s, a, b = (m.group(n), m.group(start), m.group(end)) if m.group(n) else (m.group(n2), m.group(start2), m.group(end2))
    k, first = _num(n_s), int(a)
    last = first if not b else (int(b) if len(b) == 4 else int(str(first)[:2] + b))
    if not (1 <= k <= 30 and first <= last <= first + 1):
        return None
    return _te("period", last + k - 1, (first, last + k - 1))


@rules.action("time.span")
def _span(m: re.Match, ctx: rules.Context, start: int, end: int) -> Optional[tuple]:
    """Years START to END (END may be two digits: "2016-20"), at most 50 years apart."""
    a, b = int(m.group(start)), m.group(end)
    b = int(b) if len(b) == 4 else int(str(a)[:2] + b)
    return _te("period", b, (a, b)) if a < b <= a + 50 else None


@rules.action("time.relative")
def _relative(m: re.Match, ctx: rules.Context) -> tuple:
    delta = lexicon.table("time.json", "relative_years").get(" ".join((m.group(2) or "").lower().split()), -1)
    pub = ctx.get("pub_year")
    return _te("relative", pub + delta if pub else None, by=(m.group(1) or "").lower().startswith("by"))


@rules.action("time.years_later")
def _years_later(m: re.Match, ctx: rules.Context) -> Optional[tuple]:
    # "reaching 2GW two years later": counted from the year of the expression kept last (rule
    # order, not text order) among those that end before it
    prev = [y for end, y in ctx.get("dated", ()) if end - ctx.offset <= m.start() and y]
    if not prev:
        return None
    n = _num(m.group(1)) * (1 if m.group(2).lower() in ("later", "after") else -1)
    return _te("later", prev[-1] + n)


@rules.action("time.month_only")
def _month_only(m: re.Match, ctx: rules.Context) -> tuple:
    # "in October", "January will see ...": the year comes from the context (caller)
    return _te("month", by=_is_hz(m.group(1)))


# ---------------------------------------------------------------- the API

def find(text: str, offset: int = 0, pub_year: Optional[int] = None,
         carried: Optional[int] = None) -> list[TimeExpr]:
    """All time expressions in TEXT, without overlaps, in text order: ``RuleSet.run`` (a hit
    overlapping one kept from an earlier rule is dropped), keeping as it goes the year of each
    expression kept, which "two years later" counts from (CARRIED: a year the caller carries
    from the sentences before, for "A year later, they must ...")."""
    out: list[TimeExpr] = []
    dated: list[tuple[int, Optional[int]]] = [(offset, carried)] if carried else []
    for h in _rules().hits(text, {"pub_year": pub_year, "dated": dated}, offset=offset):
        if any(h.start < t.end and t.start < h.end for t in out):
            continue
        kind, year, period, mark = h.value
        out.append(TimeExpr(kind, h.start, h.end, year, period, h.text + mark, h.rule))
        if kind != "citation":
            dated.append((h.end, year))
    # a source's year in brackets hid its year from the rules after it; it dates nothing
    out = [t for t in out if t.kind != "citation"]
    out.sort(key=lambda t: t.start)
    return out


def bare_years(text: str) -> list[int]:
    """Every year-like number in TEXT (for the documents' years_mentioned); "2,000 km" and
    "2000 MW" are quantities, not years."""
    rs = _rules()
    return [int(m.group(1)) for m in rs.rule("time.bare_year").regex.finditer(text)
            if not _unit_after(m, None)]


def period_str(period: Optional[tuple[int, int]]) -> Optional[str]:
    return f"{period[0]}-{period[1]}" if period else None
