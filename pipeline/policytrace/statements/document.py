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
from .context import _Ctx, _FUTURE_VERB, _Index, _is_future, _main_horizon, _resolve, actor, reference_year, _rx, cues, main_subject
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
    for ts, te_, s_start, s_end, stext, texprs in sents:
        if "\n" in text[prev_end:s_start] and prev_end:
            ctx.new_paragraph(list_item=bool(_rx("list-item").match(stext) or _rx("objective-item").match(stext)))
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
    return _referred_goals(qualify.complete(out, parsed), text)


def _referred_goals(recs: list[Target], text: str) -> list[Target]:
    """'exceed the 75% goal' with no date of its own names a goal stated before: it is that
    goal, with its year (year.referred-goal)."""
    out: list[Target] = []
    for r in recs:
        if r.kind != "milestone" and r.value_start is not None and not any(
                x.startswith("time.") or x == "year.sentence" for x in r.rules) \
                and _rx("referred-goal-before").search(text, max(0, r.value_start - 40), r.value_start) \
                and _rx("referred-goal-after").match(text, r.value_end):
            earlier = [g for g in out if g.kind == "target" and g.year is not None and g.value == r.value
                       and g.unit == r.unit]
            if earlier:
                r = replace(r, kind="target", year=earlier[-1].year, period=earlier[-1].period,
                            rules=(*r.rules, "year.referred-goal"))
        out.append(r)
    return out
