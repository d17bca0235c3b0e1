"""Milestones: dated goals without a number ('by 2030 the line will open', 'from 2026 firms
must report', 'net zero by 2045').
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from .. import resources, rules
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
_MILESTONE_KINDS = ("horizon", "relative", "point", "period", "decade", "month", "later")
_GOAL_CUE = _rule_rx("milestone.goal-cue")
# what makes a date a deadline with no word of intent, matched on the words before it and the
# date itself ("from 2026", "extended to 2027"); "scheduled for" is matched on the words before
_SELF_DATED = ("milestone.start-date", "milestone.extended-to")
# kinds a date of a net-zero end state can have ("Vision for 2050", "2035: carbon neutrality")
_NOT_ZERO_DATE = ("baseline", "present", "same", "later")


def _self_dated(te, text, s_start) -> str:
    """The rule that makes TE a deadline by itself ('by 2030', 'from 2026', 'valid until 2027',
    'scheduled for completion next year'), or ''."""
    if te.kind in ("horizon", "decade") and _rule_rx("milestone.by-date").match(te.text):
        return "milestone.by-date"
    lead = text[max(s_start, te.start - 45):te.start]
    if _rule_rx("milestone.scheduled").search(lead):
        return "milestone.scheduled"
    span = lead + te.text.split("|")[0]
    return next((rid for rid in _SELF_DATED if _rule_rx(rid).search(span)), "")


def _deadline(te, year, text, stext, s_start, ctx, how="") -> bool:
    """Can TE (resolved to YEAR) date a goal without a number?"""
    ref = ctx.ref_year
    ahead = year is not None and ref is not None and year > ref
    if te.kind not in _MILESTONE_KINDS and not (
            te.kind == "baseline" and how == "milestone.start-date" or te.kind == "same" and te.text[:2].lower() == "by"):
        return False  # "by then" dates a goal with the year just given
    if te.kind in ("relative", "later", "same") and not ("|by" in te.text or ahead):
        return False  # "next year", "a year later": goals only when still ahead
    if te.kind == "later" and te.start > s_start + 2:
        return False  # "one year later than planned": a delay, not a date of its own
    if _rx("four-digits").fullmatch(te.text.strip()):
        return False  # "2030 is just around the corner": a year, not a deadline
    before = text[max(s_start, te.start - 40):te.start]
    if _PLAN_FRAME.search(before) and how != "milestone.by-date" or _rx("span-start").search(before) \
            or te.kind == "period" and _rx("acronym-title").search(before):
        return False  # "the Power Development Plan for 2021-2030", "(PDP 2021-2030)": a title;
        # "between March 2026 and ...": a span's start (a programme "until 2027" is a deadline)
    if year is None and te.kind != "decade":
        return False
    if te.kind == "decade" and not _rx("deadline-lead").match(te.text):
        return False
    if year is not None and ref is not None and year < ref:
        return False
    if te.kind == "period" and (not _RANGE_TEXT.search(te.text) or "ive-" in te.text
                                or "ive Year" in te.text):
        return False  # a plan period ("the 14th Five-Year Plan period") is a frame, not a deadline
    if te.kind in ("point", "period", "baseline") and not ahead:
        return False  # "in 2026" is a goal only when it is still ahead
    if te.kind == "month" and not (ctx.pub_month and _month_no(te.text) >= ctx.pub_month
                                   and _rx("will-word").search(stext)):
        return False
    return True


def _goal_span(text, stext, s_start, te) -> tuple[int, int, int, int]:
    """(quote start, quote end, goal start, goal end): the goal is the coordinated clause that
    holds the date: "cut losses to 15% by 2026 and retire all diesel plants no later than 2028"
    -> "retire all diesel plants"."""
    a, b = _trim_clause(text, (s_start, s_start + len(stext)))
    quote = text[a:b]
    parts = [(m.start(), m.end()) for m in _rule_rx("milestone.clause-part").finditer(quote)]
    lo, hi = 0, len(quote)
    rel = te.start - a
    for ps, pe in parts:
        if pe <= rel:
            lo = pe
        elif ps >= rel + len(te.text) and hi == len(quote):
            hi = ps
    return a, b, a + lo, a + hi


def _goal_type(stext: str, at: int) -> Optional[str]:
    """The end state of a net-zero milestone: the label (models/cues.json milestone_goals) of
    the mention nearest AT, the date's place in the sentence."""
    labels = resources.load("cues.json")["milestone_goals"]
    best = None
    for m in _rx("goal-types").finditer(stext):
        d = abs(m.start() - at)
        if best is None or d < best[0]:
            k = next(int(name[1:]) for name, v in m.groupdict().items() if v is not None)
            best = (d, labels[k])
    return best[1] if best else None


def _milestone(doc, text, stext, s_start, te, year, how, subject) -> Target:
    a, b, lo, hi = _goal_span(text, stext, s_start, te)
    goal = text[lo:hi]
    metric, metric_rule = _milestone_metric(goal, te.text)
    return Target(doc=doc, kind=Kind.MILESTONE.value, metric=metric,
                  quote=text[a:b], start=a, end=b, year=year,
                  period=timeexpr.period_str(te.period) if te.kind != "decade" else None,
                  goal=_goal_type(stext, te.start - s_start) if how == "milestone.zero-goal" else None,
                  subject=subject,
                  rules=_provenance("statement.milestone", (), te, how,
                                    "milestone.clause-part" if (lo, hi) != (a, b) else "", metric_rule))


# time rules that date a figure by its own duration ("over three years, from 2021")
_DURATION_ACTIONS = frozenset(("time.over_n_from", "time.within_n", "time.n_year", "time.next_n"))


@lru_cache(maxsize=1)
def _durations() -> frozenset:
    return frozenset(r.id for r in rules.load("time").rules if r.action in _DURATION_ACTIONS)


def _states_value(numeric, year, text, span, part, own_rule="") -> bool:
    """Does a number of the sentence already state the goal of YEAR: any figure in the date's own
    phrase (SPAN), a target of that year, or a result of that year ("By October 2017, 27 projects had
    reached financial close": a deadline met)?  A target dated by its own duration states
    nothing of a date that happens to end that year, and one that borrowed the sentence's date
    (year.sentence) states it only from inside PART, the date's clause.  The end date of what is
    continued (PART None) is stated only by a figure in the date's own phrase ("lending 40
    million over three years ... to continue the voucher scheme until June 2024, which will
    offer vouchers of up to 5,000": the scheme's end is a milestone)."""
    lo, hi = span
    durations = _durations() - {own_rule}  # "2,500 MW within five years": that duration is the date
    for r in numeric:
        if r.value_start is not None and lo <= r.value_start < hi and not _bracketed(text, r):
            return True  # "capped at 20% from 2028", "maintain 100% renewable power from 2026"
        if part is None:
            continue
        if r.kind in ("target", "projection") and r.year == year and (year is not None or not _bracketed(text, r)):
            if durations.intersection(r.rules) or "year.sentence" in r.rules and not (
                    r.value_start is not None and part[0] <= r.value_start < part[1]):
                continue
            return True
        if r.kind == "achievement" and r.year == year and year is not None:
            return True
    return False


def _zero_dated(stext, s_start, resolved) -> set[int]:
    """The indexes in RESOLVED of the dates of a net-zero end state: the dated expression
    nearest each mention ("net zero by 2040", "2035: carbon neutrality", "Vision for 2050")."""
    out = set()
    for m in _rule_rx("milestone.zero-goal").finditer(stext):
        a, b = s_start + m.start(), s_start + m.end()
        near = []
        for i, (t, y) in enumerate(resolved):
            gap = (b, t.start) if t.start >= b else (t.end, a) if t.end <= a else (a, a)
            start = t.kind == "baseline" and t.start >= b and t.text[:4].lower() == "from"
            if y and (t.kind not in _NOT_ZERO_DATE or start) and gap[1] - gap[0] <= 90:
                # a date across a comma is another goal's ("cut 25% by 2030, net zero by 2050");
                # on a tie the date after the mention ("net zero from 2030")
                near.append((bool(_rx("punctuation-split").search(stext[gap[0] - s_start:gap[1] - s_start])),
                             gap[1] - gap[0], t.start < b, i))
        if near:
            out.add(min(near)[3])
    return out


def _zero_under_heading(doc, text, stext, s_start, ctx, subject) -> list[Target]:
    """A net-zero goal with no date of its own under a dated heading ("Our 2045 goals:" / "Run
    every depot without emissions, net zero"): the heading's year."""
    m = _rule_rx("milestone.zero-goal").search(stext)
    if not (m and ctx.target_mode and ctx.list_horizon):
        return []
    y, period = ctx.list_horizon
    te = timeexpr.TimeExpr("horizon", s_start + m.start(), s_start + m.start(), y, period, "", "year.list-heading")
    return [_milestone(doc, text, stext, s_start, te, y, "milestone.zero-goal", subject)]


def _carried(stext, s_start, resolved, ctx):
    """RESOLVED with "a year later" counted from the year the sentences before gave."""
    if not ctx.last_year or "later" not in stext.lower() or any(t.kind == "later" for t, _ in resolved):
        return resolved
    later = [(t, t.year) for t in timeexpr.find(stext, s_start, ctx.pub_year, carried=ctx.last_year)
             if t.kind == "later" and not any(t.start < u.end and u.start < t.end for u, _ in resolved)]
    return sorted(resolved + later, key=lambda p: p[0].start)


def _is_goal(te, year, how, text, stext, s_start, numeric) -> bool:
    """A date that passed _deadline: is what it dates a goal without a number?"""
    lo, hi = _goal_span(text, stext, s_start, te)[2:]
    clause = text[lo:hi]
    if not how and not _GOAL_CUE.search(clause if te.kind in ("relative", "point", "month") else stext):
        return False  # "next year", "in 2026" date a goal only when their own clause says so
    cuts = [m.end() for m in _rx("punctuation-split").finditer(text, lo, te.start)]
    after = _rx("date-phrase-end").search(text, te.end, hi)
    segment = (cuts[-1] if cuts else lo, after.start() if after else hi)  # the date's own phrase
    # what a sentence continues until a date ends then: its figures (an amount, a rebate) state no end
    part = None if _rx("programme-end").search(clause) else (lo, hi)
    if how != "milestone.scheduled" and (kinds.classes().forecaster_re.search(stext.lower())
                                         or _states_value(numeric, year, text, segment, part, te.rule)):
        return False  # a forecast is not a goal; a number may already state it
    if how != "milestone.start-date" and _rule_rx("milestone.implicit-share").search(clause):
        return False  # "only electric cars will be sold by 2030": a share, not a milestone
    return not _rule_rx("milestone.outlook").search(clause)


def _milestones(doc, text, stext, s_start, resolved, numeric, ctx, subject, c):
    """Dated goals without a number: "by 2030 X will ...", "within two years", "no later than
    2030", "a target start-up window of 2027-2028", "goals set for 2035", "by the late 2020s",
    "from 2026 they must", "valid until 2027", "net zero by 2045" (whatever figures go with it)."""
    out = []
    if stext.rstrip().endswith("?"):
        return out
    resolved = _carried(stext, s_start, resolved, ctx)
    zero = _zero_dated(stext, s_start, resolved)
    if not resolved:
        return _zero_under_heading(doc, text, stext, s_start, ctx, subject)
    heading = bool(_rule_rx("milestone.caps-heading").search(stext))
    ref = ctx.ref_year
    for i, (te, year) in enumerate(resolved):
        if i in zero:
            # an undated text's 'now' is its latest year: a net-zero year may be that year
            if ref is None or year > ref or year == ref and (
                    te.kind == "horizon" or ctx.pub_year is None and not _rule_rx("milestone.done").search(stext)):
                out.append(_milestone(doc, text, stext, s_start, te, year, "milestone.zero-goal", subject))
            continue
        how = _self_dated(te, text, s_start)
        if heading or not _deadline(te, year, text, stext, s_start, ctx, how):
            continue
        if _is_goal(te, year, how, text, stext, s_start, numeric):
            cue = "milestone.goal-cue" if _GOAL_CUE.search(stext) else how
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
