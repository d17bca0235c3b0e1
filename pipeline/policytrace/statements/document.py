"""Stage 4, statements: a parsed document -> its Target records (numeric sentences, dated
goals, table rows), each with the ids of the rules that made it.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from .. import places, quantities
from . import qualify
from ..time import expressions as timeexpr
from ..nlp import Parsed
from ..records import Table, Target
from .context import _Ctx, _FUTURE_VERB, _Index, _is_future, _main_horizon, _resolve, actor, reference_year, _rx, cues, main_subject, named_base
from .milestones import _milestones
from .numeric import _LIST_HEAD, _Sent, _numeric
from .tables import _table_records


def extract(doc: str, text: str, parsed: Parsed, published: Optional[str],
            tables: tuple[Table, ...] = (), subject: Optional[str] = None,
            ref_year: Optional[int] = None) -> list[Target]:
    """All records of one document, in text order.  REF_YEAR: 'now' for an undated text when the
    caller has it (``reference_year``), so the text is not read for it twice."""
    pub_year = int(published[:4]) if published else None
    c = cues()
    subject = subject or main_subject(parsed)
    currency = quantities.local_currencies(places.country_of(subject))
    table_regions = [sp for t in tables for sp in t.row_spans if sp]
    index = _Index.build(parsed)
    toks = parsed.tokens
    ref_year = pub_year or ref_year or reference_year(text)  # the 'now' the document record states
    sents = []
    for ts, te_ in parsed.sents:
        if ts >= te_:
            continue
        s_start, s_end = toks[ts].start, toks[te_ - 1].end
        stext = text[s_start:s_end]
        if stext.strip():
            sents.append((ts, te_, s_start, s_end, stext, timeexpr.find(stext, s_start, ref_year)))
    ctx = _Ctx(pub_year, ref_year)
    if published and _rx("year-month-date").match(published):
        ctx.pub_month = int(published[5:7])
    ctx.main_horizon = _main_horizon(sents, ref_year)
    out: list[Target] = []
    prev_end = 0
    prev_at = prev_n = 0  # where in OUT the figures of the sentence before (this paragraph) are, how many
    for ts, te_, s_start, s_end, stext, texprs in sents:
        if "\n" in text[prev_end:s_start] and prev_end:
            ctx.new_paragraph(list_item=bool(_rx("list-item").match(stext) or _rx("objective-item").match(stext)))
            prev_n = 0
        prev_end = s_end
        ctx.actor = actor(parsed, ts, te_)
        low = stext.lower()
        future = bool(_FUTURE_VERB.search(stext))
        resolved = [(t, _resolve(t, ctx, future)) for t in texprs]
        in_table = any(a <= s_start < b or s_start <= a < s_end for a, b in table_regions)
        numeric: list[Target] = []
        if not in_table and quantities.has_number(stext):
            qs = [quantities.in_major_unit(q) for q in quantities.parse(stext, s_start, currency)]
            numeric = _numeric(_Sent(doc, text, parsed, ts, te_, stext, s_start, resolved, ctx, subject, c, index,
                                     tuple(r for r in out[-3:] if r.kind != "milestone")), qs)
        base = None if numeric or in_table else named_base(resolved)
        if base is not None:
            ctx.carry_base = base
            if prev_n:
                out[prev_at:prev_at + prev_n] = _base_said_after(out[prev_at:prev_at + prev_n], base, text)
        prev_at, prev_n = len(out), len(numeric)
        out.extend(numeric)
        if not in_table:
            out.extend(_milestones(doc, text, stext, s_start, resolved, numeric, ctx, subject, c))
        for t, y in resolved:
            ctx.see(t, y)
        fut = [(y, t.period) for t, y in resolved if _is_future(t, y, ref_year) and y]
        # "OUR GOALS FOR 2035": a heading line that names goals and a year still ahead
        # opens a list as a colon does
        colon = low.rstrip().endswith(":") or bool(fut and _rx("goal-heading").search(stext.strip()))
        if colon:
            ctx.open_list()
        # a lead-in to goals: "targets include:", a target heading, or a line ending with a
        # colon that names a year still ahead ("By 2030 the region will:", "The 2026 targets:")
        if _LIST_HEAD.search(stext) and colon or _rx("heading-colon").search(low) or (
                colon and (fut or any(h in low for h in c.target_headings))):
            ctx.target_mode = 2 if colon else 1
            ctx.list_horizon = fut[-1] if fut else ctx.last_horizon
    for t in tables:
        out.extend(_table_records(doc, text, t, pub_year, subject))
    out.sort(key=lambda r: (r.start, r.value_start or 0))
    return _restated(_referred_goals(qualify.complete(out, parsed), text))


def _metric_words(metric: Optional[str], generic: frozenset) -> frozenset:
    return frozenset(w for w in (metric or "").lower().replace("-", " ").split()
                     if len(w) > 3 and w.isalpha() and w not in generic)


def _restated(recs: list[Target], most: int = 6) -> list[Target]:
    """A goal said twice in a document ("- Cut landfill waste 60% by 2033" in a list, "we will
    cut the waste we send to landfill by 60% (against 2012) by 2033" in the text) is one goal:
    what one statement says of its base year, baseline, conditionality or year, the other takes
    when it says nothing (against.restated).  The same value, unit and subject, a year that
    agrees (or none), a word of the metric in common, and one answer among the others; a value
    said more than MOST times is no one goal."""
    groups: dict = {}
    for k, r in enumerate(recs):
        if r.kind == "target" and r.value is not None:
            groups.setdefault((r.value, r.value_max, r.unit, r.subject), []).append(k)
    generic = qualify.rules().generic
    fill: dict[int, Target] = {}
    for ks in groups.values():
        if not 1 < len(ks) <= most:
            continue
        # what each says it measures: its metric, or the words of its clause when it has none
        words = {k: _metric_words(recs[k].metric or recs[k].quote, generic) for k in ks}
        for k in ks:
            r = recs[k]
            if r.base_year is not None and r.conditional is not None and r.year is not None:
                continue
            peers = [recs[j] for j in ks if j != k and words[k] & words[j] and recs[j].year is not None
                     and (r.year is None or recs[j].year == r.year)]
            changes: dict = {}
            bases = {(p.base_year, p.baseline) for p in peers if p.base_year is not None or p.baseline is not None}
            if r.base_year is None and r.baseline is None and len(bases) == 1:
                changes["base_year"], changes["baseline"] = next(iter(bases))
            conds = {p.conditional for p in peers if p.conditional is not None}
            if r.conditional is None and len(conds) == 1:
                changes["conditional"] = next(iter(conds))
            years = {(p.year, p.period) for p in peers}
            if changes and r.year is None and len(years) == 1:
                changes["year"], changes["period"] = next(iter(years))
            if changes:
                fill[k] = replace(r, **changes, rules=(*r.rules, "against.restated"))
    return [fill.get(k, r) for k, r in enumerate(recs)] if fill else recs


def _base_said_after(prev: list[Target], base: int, text: str) -> list[Target]:
    """"Cut emissions 50% by 2030. ... based on 2019 data.": a base year said in the next sentence
    of the paragraph, which has no figure of its own, is the base of the figures before it that
    are a fall and name none (against.next-sentence)."""
    return [replace(r, base_year=base, baseline="base year", rules=(*r.rules, "against.next-sentence"))
            if r.unit == "percent" and r.base_year is None and r.baseline is None and r.year != base
            and r.value_start is not None
            and _rx("reduction-cue").search(text, max(r.start, r.value_start - 40), min(r.end, r.value_end + 30))
            else r for r in prev]


def _referred_goals(recs: list[Target], text: str) -> list[Target]:
    """'exceed the 75% goal' with no date of its own names a goal stated before: it is that
    goal, with its year, base, conditionality and metric (the words the chain found for it lie
    outside the figure's "the 75% goal": the one who is confident, the verb) (year.referred-goal)."""
    out: list[Target] = []
    for r in recs:
        if r.kind != "milestone" and r.value_start is not None and not any(
                x.startswith("time.") or x == "year.sentence" for x in r.rules) \
                and _rx("referred-goal-before").search(text, max(0, r.value_start - 40), r.value_start) \
                and _rx("referred-goal-after").match(text, r.value_end):
            earlier = [g for g in out if g.kind == "target" and g.year is not None and g.value == r.value
                       and g.unit == r.unit]
            if earlier:
                g = earlier[-1]  # and what it is stated against, unless this says otherwise
                base = (r.base_year, r.baseline) if r.base_year is not None or r.baseline is not None \
                    else (g.base_year, g.baseline)
                r = replace(r, kind="target", year=g.year, period=g.period, base_year=base[0], baseline=base[1],
                            metric=g.metric or r.metric,
                            conditional=g.conditional if r.conditional is None else r.conditional,
                            rules=(*r.rules, "year.referred-goal"))
        out.append(r)
    return out
