"""Numeric records: each figure of a sentence with its kind, year, baseline and metric.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from typing import Optional

from . import kinds
from .. import resources, rules
from ..time import expressions as timeexpr
from ..nlp import Parsed
from ..records import Kind, Quantity, Target
from .context import _Ctx, _Cues, _FUTURE_KINDS, _FUTURE_VERB, _Index, _NUMTOK, _children, _clauses, _is_future, _provenance, _rx, _tok_at, _trim_clause, cues
from .metric import _StatementState, _metric, content_metric
from .skip import _skip


_LIST_HEAD = _rx("list-head").regex
_BASELINE_BEFORE = _rx("baseline-before").regex
_FROM_BEFORE = _rx("from-before").regex


_TO_BEFORE = _rx("to-before").regex


class _ToIndex:
    """Which figures of a sentence have "to" just before them ("from 5 to 7", "to 10% by
    2035 from 2.3%"), and which clauses hold a figure, answered in constant or logarithmic time
    per figure: a sentence of 100k numbers must not rescan itself once per number."""

    def __init__(self, text: str, qs, clauses):
        import bisect
        self._bisect = bisect
        self.starts = [x.start for x in qs]
        self.ends = [x.end for x in qs]
        # the last "to" before each figure: within 80 characters, and within 20 (same clause)
        self.to80 = [self._last_to(text, x.start, 80) for x in qs]
        self.to20 = [self._last_to(text, x.start, 20) for x in qs]
        self.suffix = self.to80[:]  # the largest "to" position among figures from i on
        for i in range(len(self.suffix) - 2, -1, -1):
            self.suffix[i] = max(self.suffix[i], self.suffix[i + 1])
        self.busy = {cl for cl in clauses if self._span(cl)[0] < self._span(cl)[1]}
        self.first_end: dict = {}

    @staticmethod
    def _last_to(text: str, pos: int, reach: int) -> int:
        m = _TO_BEFORE.match(text, max(0, pos - reach), pos)
        return m.start(1) if m else -1

    def _span(self, cl) -> tuple[int, int]:
        """Indices of the figures that start inside clause CL."""
        return (self._bisect.bisect_left(self.starts, cl[0]), self._bisect.bisect_left(self.starts, cl[1]))

    def later(self, pos: int) -> bool:
        """Is there a figure after POS with its "to" after POS too?"""
        i = self._bisect.bisect_right(self.starts, pos)
        return i < len(self.suffix) and self.suffix[i] >= pos

    def earlier(self, cl, pos: int) -> bool:
        """Is there a figure of clause CL ending by POS with a "to" inside CL just before it?"""
        if cl not in self.first_end:
            a, b = self._span(cl)
            ends = [self.ends[i] for i in range(a, b) if self.to20[i] >= cl[0]]
            self.first_end[cl] = min(ends) if ends else None
        first = self.first_end[cl]
        return first is not None and first <= pos


def _compatible(t, y, kind, ref) -> bool:
    """A target takes a date still ahead; a reported value one already past."""
    if y is None and t.kind != "decade":
        return False
    fut = _is_future(t, y, ref)
    if kind in (Kind.TARGET.value, Kind.PROJECTION.value):
        return fut
    # "By October 18, 2017, 27 projects had reached ...", written in 2017: a deadline of the
    # current year can already have been met
    return not fut or (ref is not None and y == ref and t.kind in _FUTURE_KINDS)


_OWN_CLAUSE_ONLY = frozenset({"time.from_ahead"})


def _choose_time(q, cl, clauses, resolved, busy, kind, ref, text: str = "", present: bool = False):
    """The time expression that dates Q: its own clause's nearest (one that fits the kind
    first); else one in an earlier, then a later, number-free clause that fits the kind
    (BUSY: the clauses that hold a figure).  PRESENT: the kind is a result only for the verb's
    tense ("sets a target for a 35% share in power by 2030"): a deadline that follows the
    figure in its own phrase, before any other figure or break, dates it all the same."""
    own = [(t, y) for t, y in resolved if cl[0] <= t.start < cl[1] and t.kind != "baseline"
           and (y is not None or t.kind in ("present", "decade"))]
    if own and present and text:
        near = [ty for ty in own if ty[0].kind == "horizon" and ty[0].start >= q.end
                and not _rx("figure-or-break").search(text, q.end, ty[0].start)]
        if near:
            return near[0]
    if own:
        dist = lambda ty: (abs(ty[0].start - q.start) if ty[0].start < q.start else ty[0].start - q.end)
        fit = [ty for ty in own if ty[0].kind == "present" or kind is None or _compatible(*ty, kind, ref)]
        if kind == Kind.TARGET.value and any(ty[0].kind != "present" for ty in fit):
            # "the goal is now set for 2028": a goal's date, not the 'now' of its wording
            fit = [ty for ty in fit if ty[0].kind != "present"]
        # a deadline after the figure is its own ("... by 2034 and reach 1 GW by 2040", "the
        # Strategy 2021-2045 sets a goal of 60% by 2032"); one before it may frame another part
        # (for a goal even one now past: "planned to add 4 GW by 2021 and 9 GW by 2028")
        # and so is a year still ahead right after it ("must fall by 45% in 2030 ... and reach
        # net zero by 2050")
        after = [ty for ty in (own if kind == Kind.TARGET.value else fit) if kind != Kind.ACHIEVEMENT.value
                 and ty[0].start >= q.end and (ty[0].kind == "horizon" or (
                     ty[0].kind == "point" and ty[0].start - q.end <= 4 and _compatible(*ty, kind, ref)))]
        return min(after or fit or own, key=dist)
    # a start ("capped at 20% from 2028") dates its own clause only, not a figure before it
    ok = lambda t, y: y is not None and t.kind != "baseline" and t.rule not in _OWN_CLAUSE_ONLY and (
        kind is None or _compatible(t, y, kind, ref))
    for a, b in reversed([x for x in clauses if x[0] < cl[0]]):
        if (a, b) in busy:
            continue
        cand = [(t, y) for t, y in resolved if a <= t.start < b and ok(t, y)]
        if cand:
            return cand[-1]
    for a, b in clauses:
        if a <= cl[0] or (a, b) in busy:
            continue
        cand = [(t, y) for t, y in resolved if a <= t.start < b and ok(t, y)]
        if cand:
            return cand[0]
    return None, None


@dataclass(frozen=True)
class _Sent:
    """One sentence as the numeric-statement rules see it, with the document's lookups."""

    doc: str
    text: str
    parsed: Parsed
    ts: int
    te_: int
    stext: str
    s_start: int
    resolved: list
    ctx: _Ctx
    subject: Optional[str]
    c: _Cues
    index: _Index
    history: tuple = ()


@dataclass(frozen=True)
class _Frame:
    """What a sentence's figures share: clauses, a list heading, the "to" index, conversions,
    the dependency children and the per-clause kind cues (filled as they are needed)."""

    qs: list
    clauses: list
    list_start: Optional[int]
    list_year: Optional[tuple]
    tos: _ToIndex
    conversions: dict
    children: dict
    cues: dict
    memo: dict = field(default_factory=dict)  # per-sentence facts _against reads once


@dataclass(frozen=True)
class _Fig:
    """One figure: its index in the sentence, the quantity, its clause and what frames it."""

    i: int
    q: Quantity
    cl: tuple
    baseline: bool
    in_list: bool
    cont: Optional[Target]
    verdict: kinds.Verdict


def _frame(s: _Sent, qs: list) -> _Frame:
    ref = s.ctx.ref_year
    clauses = _clauses(s.stext, s.s_start)
    rec_qs = [x for x in qs if x.unit_class != "duration" and x.conversion_of is None]
    head = _LIST_HEAD.search(s.stext)
    list_start = s.s_start + head.end() if head else None
    list_year = None
    if head:
        fut = [(y, t.period) for t, y in s.resolved if t.start < list_start and y and _is_future(t, y, ref)]
        list_year = fut[-1] if fut else (s.ctx.horizon or s.ctx.last_horizon)
    return _Frame(qs, clauses, list_start, list_year, _ToIndex(s.text, rec_qs, clauses),
                  {x.conversion_of: x for x in qs if x.conversion_of is not None},
                  _children(s.parsed, s.ts, s.te_), {})


def _figure(s: _Sent, fr: _Frame, i: int, q: Quantity, out: list) -> _Fig:
    text, parsed, ts, te_ = s.text, s.parsed, s.ts, s.te_
    cl = next(((a, b) for a, b in fr.clauses if a <= q.start < b), (s.s_start, s.s_start + len(s.stext)))
    before_q = text[max(cl[0], q.start - 80):q.start]
    # a baseline: "up from 2MW and 45MW in 2016", "from NT$4 billion to NT$50 billion";
    # "raise its share to 10% by 2035 from 2.3% in 2023": the "from" figure after the "to" one
    later_to = fr.tos.later(q.end) or fr.tos.earlier(cl, q.start)
    # "cut emissions 20% from 44 MtCO2e in 2014 by 2030": a total 'from' which a share of it
    # is cut, dated in the past, is the base, not a goal
    base_total = bool(_FROM_BEFORE.search(before_q[-30:]) and q.unit_class != "percent"
                      and any(x.unit_class == "percent" and cl[0] <= x.start < q.start for x in fr.qs)
                      and _rx("base-total-after").match(text, q.end))
    baseline = bool(_BASELINE_BEFORE.search(before_q) or (_FROM_BEFORE.search(before_q[-30:]) and later_to)
                    or base_total)
    k = _tok_at(parsed, ts, te_, q.start)
    while k is not None and k < te_ - 1 and not _NUMTOK.match(parsed.tokens[k].text) and parsed.tokens[k].end <= q.end:
        k += 1
    verdict = kinds.decide(parsed.tokens, fr.children, k, s.stext, q.unit_class == "currency", (q.start, q.end),
                           "number.multiplierVerb" in q.rules) if k is not None else kinds.Verdict(None)
    in_list = fr.list_start is not None and q.start >= fr.list_start and not baseline
    cont = out[-1] if out and _rx("continuation-lead").match(text[cl[0]:q.start]) else None
    return _Fig(i, q, cl, baseline, in_list, cont, verdict)


def _baseline_time(s: _Sent, f: _Fig, te, year):
    """The baseline's year: the point or period start after it, else "now"."""
    ref = s.ctx.ref_year
    after = [(t, y) for t, y in s.resolved if t.start >= f.q.end and t.start < f.cl[1]]
    if after and after[0][0].kind == "period" and after[0][0].period:
        rel = _rx("relative-period").search(after[0][0].text)
        return after[0][0], (ref if rel else after[0][0].period[0])
    if after and after[0][0].kind in ("point", "baseline", "named") and after[0][1] is not None:
        return after[0]
    if te is not None and (_is_future(te, year, ref) or te.kind == "decade"):
        return None, None
    return te, year


def _kind_and_time(s: _Sent, fr: _Frame, f: _Fig) -> tuple:
    """(kind, the kind rules that applied, time expression, year) of a figure."""
    ref, ctx, cl, verdict = s.ctx.ref_year, s.ctx, f.cl, f.verdict
    kind, kind_rules = verdict.kind, [verdict.rule]
    if kind is None:
        if cl not in fr.cues:  # once per clause: a sentence of 100k numbers stays linear
            fr.cues[cl] = kinds.cue(s.text[cl[0]:cl[1]], s.stext)
        kind, cue_rule = fr.cues[cl]
        kind_rules = [cue_rule]
    if kind == Kind.ACHIEVEMENT.value and verdict.tense == "present" and (
            _clause_says(fr, "conditional-cue", s.text, cl) or _clause_says(fr, "unconditional-cue", s.text, cl)):
        # "the figures are 26% unconditional and 40% conditional ... by 2030": only a pledge is
        # said to depend on support or not, never a result
        kind = Kind.TARGET.value
        kind_rules.append("kind.conditionality")
    te, year = _choose_time(f.q, cl, fr.clauses, s.resolved, fr.tos.busy, kind, ref, s.text,
                            kind == Kind.ACHIEVEMENT.value and verdict.tense == "present")
    if f.in_list and te is None and fr.list_year:
        year = fr.list_year[0]  # "targets, which include: - 30% ...": the heading's horizon
    if f.baseline:
        te, year = _baseline_time(s, f, te, year)
        kind = Kind.ACHIEVEMENT.value
        kind_rules.append("kind.baseline")
    elif (ctx.target_mode or f.in_list) and not (te is not None and year is not None and ref is not None
                                                 and year < ref):
        kind = Kind.TARGET.value
        kind_rules.append("kind.target-list")  # "- 30% reduction in energy demand" under "targets include:"
    elif te is not None and kind != Kind.PROJECTION.value and cl[0] <= te.start < cl[1] \
            and _is_future(te, year, ref) and (te.kind in _FUTURE_KINDS + ("named", "decade", "later") or (
                te.kind == "point" and verdict.tense == "present")):
        # a year still ahead in the figure's clause makes it a goal, and so does a present tense
        # about one ("the plan puts 2030 emissions 12% below the reference scenario")
        kind = Kind.TARGET.value
        kind_rules.append("kind.future-date")  # a date still ahead makes it a goal: "raised its goal to 300 GW over the next eight years"
    if f.cont is not None and te is None and not f.baseline and (
            verdict.kind is None or verdict.tense in ("present", "perfect", "past")):
        kind, te, year = f.cont.kind, None, f.cont.year  # ", including up to 5GW of floating wind"
        kind_rules.append("kind.continuation")
    if kind is None and te is not None:
        kind = Kind.TARGET.value if _is_future(te, year, ref) else Kind.ACHIEVEMENT.value
        kind_rules.append("kind.dated")
    if kind is None:
        kind = Kind.ACHIEVEMENT.value
        kind_rules.append("kind.default")
    if verdict.instrument in kinds.classes().flow_nouns and kind == Kind.TARGET.value and year is not None \
            and ref is not None and te is not None and not _is_future(te, year, ref) and year < ref:
        kind = Kind.ACHIEVEMENT.value
        kind_rules.append("kind.money-spent")  # "investment of $745m ... in 2016": money spent
    if te is not None and kind != Kind.ACHIEVEMENT.value and not _is_future(te, year, ref) \
            and not (cl[0] <= te.start < cl[1]):
        te, year = None, None
    return kind, kind_rules, te, year


def _clause_says(fr: _Frame, pattern: str, text: str, cl: tuple) -> bool:
    """Does clause CL hold PATTERN?  Read once per clause (FR.memo): a clause of 100k figures
    stays linear."""
    key = (pattern, cl)
    if key not in fr.memo:
        fr.memo[key] = bool(_rx(pattern).search(text, *cl))
    return fr.memo[key]


def _undated(s: _Sent, f: _Fig, kind: str, year, period) -> tuple:
    """(year, period, the decisions that dated it) of a figure with no date of its own: the
    sentence's, the paragraph's or the list's, by kind (year.* in models/rules/statements.json)."""
    ctx, ref, verdict = s.ctx, s.ctx.ref_year, f.verdict
    earlier = [(t, y) for t, y in s.resolved if t.end <= f.q.start and t.kind != "baseline" and y is not None]
    if kind in (Kind.TARGET.value, Kind.PROJECTION.value):
        fut = [(t, y) for t, y in earlier if _is_future(t, y, ref)][-1:]
        funding = verdict.instrument or verdict.cue in kinds.classes().allocation_verbs
        # money committed is dated by its own sentence, or by its paragraph's horizon when it
        # points back to the paragraph's plan ('The plan will mobilise €43bn') or has the
        # horizon's actor ('By 2030 Lyon will ... Lyon will invest €2bn'); a goal year of another
        # actor does not date it ('Mexico's goal ... by 2030. The act sets aside $2bn')
        if fut:
            return fut[0][1], timeexpr.period_str(fut[0][0].period), ("year.sentence", fut[0][0].rule)
        same_actor = not funding or bool(_rx("anaphoric-lead").match(s.stext)) or (
            bool(ctx.horizon_actor) and ctx.actor == ctx.horizon_actor)
        for how, horizon in (("year.paragraph-horizon", ctx.horizon if same_actor else None),
                             ("year.list-horizon", ctx.list_horizon if ctx.target_mode else None),
                             ("year.document-horizon", None if funding else ctx.main_horizon)):
            if horizon:
                return horizon[0], timeexpr.period_str(horizon[1]), (how,)
        return year, period, ()
    past = [(t, y) for t, y in earlier if not _is_future(t, y, ref)]
    if past:
        return past[-1][1], timeexpr.period_str(past[-1][0].period), ("year.sentence", past[-1][0].rule)
    if verdict.tense in ("present", "perfect"):
        # the present is the time of writing, not a year an earlier sentence reported on
        # ("support began in 2016. Canada has 26,000 chargers")
        return ctx.pub_year, period, ("year.publication",) if ctx.pub_year is not None else ()
    if ctx.para:
        return ctx.para[0], timeexpr.period_str(ctx.para[1]), ("year.paragraph-point",)
    return ctx.pub_year, period, ("year.publication",) if ctx.pub_year is not None else ()


def _dating(s: _Sent, fr: _Frame, f: _Fig, kind: str, te, year) -> tuple:
    """(year, period, the decisions that dated it beyond its own time expression) of a figure."""
    period = timeexpr.period_str(te.period) if te is not None and te.kind != "decade" else None
    how: tuple = ()
    if f.in_list and te is None and fr.list_year:
        period, how = timeexpr.period_str(fr.list_year[1]), ("year.list-heading",)
    if te is None and not f.baseline and not (f.in_list and fr.list_year) and f.cont is None:
        return _undated(s, f, kind, year, period)
    if te is not None and te.kind == "present":
        year = s.ctx.pub_year
    if f.baseline and te is None and year is None and s.ctx.pub_year is not None \
            and f.verdict.tense in ("past", "perfect", "present") and not _FUTURE_VERB.search(s.stext):
        # "pushing its value from $23bn to $85bn" in a dated report: the start of a change the
        # report tells as done is a level of its own time, not of an unknown year
        return s.ctx.pub_year, period, ("year.publication",)
    return year, period, how


def _figure_metric(s: _Sent, fr: _Frame, f: _Fig, out: list) -> tuple:
    """(metric, place, metric rule ids): the metric chain, then the statement-level steps
    (models/rules/metric.json, 'statement')."""
    q, cl, qs = f.q, f.cl, fr.qs
    prev = next(([x] for x in reversed(qs[max(0, f.i - 64):f.i]) if x.conversion_of is None and x.end <= q.start
                 and x.start >= cl[0]), [])
    prev_rec = out[-1] if out else (s.history[-1] if s.history else None)
    metric, place, metric_rules = _metric(s.parsed, s.text, s.ts, s.te_, q, s.c, s.index, fr.children,
                                          prev[-1].end if prev else None, cl[0],
                                          prev_rec.metric if prev_rec is not None and prev_rec.metric else None)
    st = _StatementState(s.text, q, cl, s.s_start, s.c, s.index.gpes, prev_rec, tuple(out))
    metric, hits = rules.load("metric").chain("statement", st, s.text, q.start, q.end, value=metric)
    return metric, place, [*metric_rules, *(h.rule for h in hits)]


_NOT_BASE = frozenset({"time.since_event"})  # a start counted from, not a level compared with
_PERIOD_BASE = frozenset({"time.between", "time.range"})


def _against(s: _Sent, fr: _Frame, f: _Fig, year, te=None) -> tuple:
    """(base_year, baseline, conditional, the decisions) of a figure: the base year of its own
    clause ("55% below 1990 levels", "vs. FY2019": after the figure first), business-as-usual
    ("32% below BAU"), and the conditionality the cue nearest it states ("15% unconditionally
    and 30% conditional on international support": two records).  What the sentence holds is
    read once for all its figures (FR.memo): a sentence of 100k numbers stays linear."""
    q, cl, text = f.q, f.cl, s.text
    sent = (s.s_start, s.s_start + len(s.stext))
    memo = fr.memo
    if "bases" not in memo:
        memo["bases"] = [(t, y) for t, y in s.resolved if t.kind == "baseline" and t.rule not in _NOT_BASE
                         and y is not None]
        memo["bau"] = bool(_rx("bau-cue").search(text, *sent))
        memo["cond"] = _cond_cues(text, sent, fr.qs)
        memo["pairs"] = _paired_cues(memo["cond"], fr.qs, sent)
    how: list[str] = []
    base = None
    if not f.baseline:
        every = [ty for ty in memo["bases"] if ty[1] != year]
        # the figure's own clause first; a base said once for a sentence's figures holds for
        # all of them ("30% by 2028 and 65% by 2036, relative to 2012")
        cands = [ty for ty in every if cl[0] <= ty[0].start < cl[1]] or every
        after = [ty for ty in cands if ty[0].start >= q.end]
        pick = after[0] if after else (cands[-1] if cands else None)
        if pick is not None:
            base = pick[1]
            how.append("against.base-year")
        elif te is not None and te.period and te.rule in _PERIOD_BASE and _rx("reduction-cue").search(text, cl[0], cl[1]):
            base = te.period[0]  # "a 53% reduction between 2019 and 2030", "by 60% in 2019-2030"
            how.append("against.period-start")
        elif s.ctx.base is not None and s.ctx.base != year and q.unit == "percent" \
                and _clause_says(fr, "reduction-cue", text, cl):
            # "Using 2018 as a baseline:" / "- 28% cut in fleet fuel use by 2031"; a share
            # ("90% of suppliers") is no change from a base
            base = s.ctx.base
            how.append("against.paragraph-base")
    # business-as-usual said once for a sentence's figures holds for all that name no base year
    if not f.baseline and memo["bau"] and (base is None or _rx("bau-cue").search(text, *cl)):
        baseline = "BAU"
        how.append("against.bau")
    else:
        baseline = "base year" if base is not None else None
    cond = memo["pairs"][q.start] if q.start in memo["pairs"] else _conditionality(q, memo["cond"])
    if cond is not None:
        how.append("against.conditional" if cond else "against.unconditional")
    return base, baseline, cond, tuple(how)


def _dist(a: int, b: int, x) -> int:
    return a - x.end if a >= x.end else x.start - b


def _cond_cues(text: str, sent: tuple, qs) -> list:
    """(start, end, True for 'conditional' / False for 'unconditional', the distance from the cue
    to the nearest figure of each unit class) for each cue of the sentence.  "a 40% cut by 2035,
    with 15% of the budget not conditional on donors": the part is unconditional, the
    pledge it is part of conditional (a cue for the figures before the part only, nearest
    empty)."""
    cues = [(m.start(), None, True, {}) for m in _rx("part-unconditional").finditer(text, *sent)]
    for name, val in (("conditional-cue", True), ("unconditional-cue", False)):
        for m in _rx(name).finditer(text, *sent):
            a, b = m.start(), m.end()
            nearest: dict = {}
            for x in qs:  # once per cue, and cues are few
                if x.conversion_of is None and sent[0] <= x.start < sent[1]:
                    d = _dist(a, b, x)
                    nearest[x.unit_class] = min(d, nearest.get(x.unit_class, d))
            cues.append((a, b, val, nearest))
    return cues


def _paired_cues(cues: list, qs, sent: tuple) -> dict:
    """{figure start: conditionality} when a sentence's figures of one unit class and its cues
    alternate, one cue to a figure: "11% below BAU by 2030 unconditional and 23% conditional"
    (each cue after its figure), "unconditionally 11% and, with support, 23%" (each before).
    The nearest cue would give the first cue to the second figure; the order pairs them."""
    plain = sorted((a, b, val) for a, b, val, _ in cues if b is not None)
    if len(plain) < 2:
        return {}
    out: dict = {}
    by_class: dict = {}
    for x in qs:
        if x.conversion_of is None and sent[0] <= x.start < sent[1]:
            by_class.setdefault(x.unit_class, []).append(x)
    for figs in by_class.values():
        if len(figs) != len(plain):
            continue
        seq = sorted([(x.start, "F", x) for x in figs] + [(a, "C", val) for a, _, val in plain], key=lambda t: t[0])
        kinds_ = "".join(t[1] for t in seq)
        if kinds_ in ("FC" * len(figs), "CF" * len(figs)):
            fs = [t[2] for t in seq if t[1] == "F"]
            cs = [t[2] for t in seq if t[1] == "C"]
            out.update({x.start: v for x, v in zip(fs, cs)})
    return out


def _conditionality(q, cues: list) -> Optional[bool]:
    """The cue nearest the figure: 'conditional ...' True, 'unconditional' False; None when the
    sentence says neither, or when each cue is nearer another figure of the same kind ("16%
    against BAU, and as much as 24% conditional on finance")."""
    best = None
    for a, b, val, nearest in cues:
        if b is None:  # the whole of which a later part is unconditional: the figures before it
            if q.end > a:
                continue
            b = a
        d = _dist(a, b, q)
        if d > nearest.get(q.unit_class, d):
            continue
        if best is None or d < best[0]:
            best = (d, val)
    return None if best is None else best[1]


def _figure_goal(text: str, q) -> Optional[str]:
    """The end state a figure itself names ("100% renewable electricity by 2030"): the label of
    its goal-types group (models/cues.json milestone_goals), else None."""
    m = _rx("goal-types").match(text, q.start) if q.unit == "percent" else None
    if m is None:
        return None
    k = next(int(name[1:]) for name, v in m.groupdict().items() if v is not None)
    return resources.load("cues.json")["milestone_goals"][k]


def _numeric_record(s: _Sent, fr: _Frame, f: _Fig, out: list) -> Target:
    q, c = f.q, s.c
    kind, kind_rules, te, year = _kind_and_time(s, fr, f)
    year, period, year_rules = _dating(s, fr, f, kind, te, year)
    base_year, baseline, conditional, against = _against(s, fr, f, year, te)
    metric, place, metric_rules = _figure_metric(s, fr, f, out)
    comparator = q.comparator
    if comparator == "equal" and _rx("growth-metric").search(metric):
        comparator = "growth"
    qs_, qe_ = _trim_clause(s.text, f.cl)
    alt = fr.conversions.get(f.i)
    return Target(doc=s.doc, kind=kind, metric=content_metric(metric, c), quote=s.text[qs_:qe_],
                  start=qs_, end=qe_, value=q.value, value_max=q.value_max, unit=q.unit,
                  comparator=comparator, year=year, period=period, base_year=base_year,
                  baseline=baseline, conditional=conditional, goal=_figure_goal(s.text, q) if kind == Kind.TARGET.value else None,
                  subject=place or s.subject, value_start=q.start, value_end=q.end,
                  alt_value=alt.value if alt else None, alt_unit=alt.unit if alt else None,
                  rules=_provenance("statement.numeric", q.rules, te, *year_rules, *kind_rules, *metric_rules,
                                    *against))


def _numeric(s: _Sent, qs: list) -> list[Target]:
    """The records of a sentence's figures (QS), in order."""
    out: list[Target] = []
    fr = None
    for i, q in enumerate(qs):
        if _skip(q, s.text, s.parsed, s.c):
            continue
        if q.unit_class == "count" and s.index.in_name(q.start) and not (q.spelled and s.text[q.start].islower()):
            continue  # "Line 3", "Boeing 787"; but "eight Boeing 787 aircraft" counts aircraft
        fr = fr or _frame(s, qs)  # built once, when the first figure needs it
        out.append(_numeric_record(s, fr, _figure(s, fr, i, q, out), out))
    return _base_from_total(out, s.text)


def _base_from_total(out: list[Target], text: str) -> list[Target]:
    """A share cut 'from 44 MtCO2e in 2014' (or 'starting from ...'), or a level doubled 'from
    £90m in 2016 to £180m by 2027', of the same sentence is against that total's year; and so is
    one cut 'from that level' after a dated total ('emitted 4 Mt in 2019 and aims to cut it 30%
    from that level by 2030') (against.base-total)."""
    totals = [r for r in out if "kind.baseline" in r.rules and r.year is not None
              and r.unit not in ("percent", "multiplier")]
    if not totals:
        dated = [r for r in out if r.kind == Kind.ACHIEVEMENT.value and r.year is not None
                 and r.unit not in ("percent", "multiplier")]
        if dated and any(r.unit == "percent" and r.value_end is not None
                         and _rx("anaphoric-base").search(text, r.value_end, r.end) for r in out):
            totals = dated[-1:]
    if not totals:
        return out
    return [replace(r, base_year=totals[0].year, baseline="base year", rules=(*r.rules, "against.base-total"))
            if r.unit in ("percent", "multiplier") and r.base_year is None and r.baseline is None
            and "kind.baseline" not in r.rules and r.year != totals[0].year
            else r for r in out]
