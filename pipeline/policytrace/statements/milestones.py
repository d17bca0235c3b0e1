"""Milestones: dated goals without a number ('by 2030 the line will open').
"""
from __future__ import annotations

from . import kinds
from ..time import expressions as timeexpr
from ..records import Kind, Target
from .context import _month_no, _provenance, _rule_rx, _rx, _trim_clause


# ------------------------------------------------------------------ milestones

_MILESTONE_OBJ = _rule_rx("milestone.object")


def _bracketed(text: str, r: Target) -> bool:
    """Is the record's number a parenthetical detail ("chips (2 nm and below)")?"""
    if r.value_start is None:
        return False
    before = text[max(0, r.value_start - 60):r.value_start]
    return before.rfind("(") > before.rfind(")")


_PLAN_FRAME = _rx("plan-frame").regex
_RANGE_TEXT = _rx("year-range").regex
_MILESTONE_KINDS = ("horizon", "relative", "point", "period", "decade", "month")
_GOAL_CUE = _rule_rx("milestone.goal-cue")


def _deadline(te, year, text, stext, s_start, ctx) -> bool:
    """Can TE (resolved to YEAR) date a goal without a number?"""
    ref = ctx.ref_year
    if te.kind not in _MILESTONE_KINDS:
        return False
    if te.kind == "relative" and "|by" not in te.text:
        return False
    if _rx("four-digits").fullmatch(te.text.strip()):
        return False  # "2030 is just around the corner": a year, not a deadline
    if _PLAN_FRAME.search(text[max(s_start, te.start - 40):te.start]):
        return False  # "the Power Development Plan for 2021-2030, with a vision to 2050": a title
    if year is None and te.kind != "decade":
        return False
    if te.kind == "decade" and not _rx("deadline-lead").match(te.text):
        return False
    if year is not None and ref is not None and year < ref:
        return False
    if te.kind == "period" and (not _RANGE_TEXT.search(te.text) or "ive-" in te.text
                                or "ive Year" in te.text):
        return False  # a plan period ("the 14th Five-Year Plan period") is a frame, not a deadline
    if te.kind in ("point", "period") and (ref is None or (year or 0) <= ref):
        return False  # "in 2026" is a goal only when it is still ahead
    if te.kind == "month" and not (ctx.pub_month and _month_no(te.text) >= ctx.pub_month
                                   and _rx("will-word").search(stext)):
        return False
    return True


def _milestone(doc, text, stext, s_start, te, year, cue, subject) -> Target:
    a, b = _trim_clause(text, (s_start, s_start + len(stext)))
    quote = text[a:b]
    # the goal is the coordinated clause that holds the date: "cut losses to 15% by 2026 and
    # retire all diesel plants no later than 2028" -> "retire all diesel plants"
    parts = [(m.start(), m.end()) for m in _rule_rx("milestone.clause-part").finditer(quote)]
    lo, hi = 0, len(quote)
    rel = te.start - a
    for ps, pe in parts:
        if pe <= rel:
            lo = pe
        elif ps >= rel + len(te.text) and hi == len(quote):
            hi = ps
    goal = quote[lo:hi] if parts else quote
    metric, metric_rule = _milestone_metric(goal, te.text)
    return Target(doc=doc, kind=Kind.MILESTONE.value, metric=metric,
                  quote=quote, start=a, end=b, year=year,
                  period=timeexpr.period_str(te.period) if te.kind != "decade" else None,
                  subject=subject,
                  rules=_provenance("statement.milestone", (), te,
                                    "milestone.goal-cue" if cue else "milestone.by-date",
                                    "milestone.clause-part" if parts else "", metric_rule))


def _milestones(doc, text, stext, s_start, resolved, numeric, ctx, subject, c):
    """Dated goals without a number: "by 2030 X will ...", "within two years", "no later than
    2030", "a target start-up window of 2027-2028", "goals set for 2035", "by the late 2020s"."""
    out = []
    if stext.rstrip().endswith("?"):
        return out
    for te, year in resolved:
        if not _deadline(te, year, text, stext, s_start, ctx):
            continue
        cue = _GOAL_CUE.search(stext)
        if kinds.classes().forecaster_re.search(stext.lower()):
            continue  # a forecast is not a goal
        by_future = te.kind in ("horizon", "decade") and _rule_rx("milestone.by-date").match(te.text)
        if not cue and not by_future:
            continue
        # the goal is the sentence unless a number in it already states a goal of its own
        if any(r.kind in ("target", "projection") and r.year == year and (year is not None or not _bracketed(text, r))
               for r in numeric):
            continue
        if any(r.kind == "achievement" and r.year == year and year is not None for r in numeric):
            continue  # "By October 2017, 27 projects had reached financial close": a deadline met
        out.append(_milestone(doc, text, stext, s_start, te, year, cue, subject))
    # one milestone per year per sentence
    seen, uniq = set(), []
    for r in out:
        if r.year not in seen:
            seen.add(r.year)
            uniq.append(r)
    return uniq


def _milestone_metric(quote: str, when: str) -> tuple[str, str]:
    """(the goal a dated sentence states, the id of the rule that found it)."""
    q = quote.replace(when, " ")
    m = _MILESTONE_OBJ.search(q)
    s = m.group(1) if m else q
    s = _rx("goal-cut").split(s)[0]
    if m and len(s.split()) <= 2:
        subj = _rx("punctuation-split").split(q[:m.start()].strip())[-1]
        s = subj + " " + s if subj else s
    s = _rx("lead-article-to").sub("", s.strip())
    s = " ".join(s.split()[:12]).strip(" .,")
    return (s[:1].lower() + s[1:] if s and not s[:2].isupper() else s), ("milestone.object" if m else "milestone.sentence")
