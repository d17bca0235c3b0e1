"""What a figure measures: the ordered steps of models/rules/metric.json (find, refine,
statement), run on a state built once from the parse; their guards and actions live here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .. import places, resources, rules
from ..rules import dependency as depmatch
from ..time import expressions as timeexpr
from ..rules import lexicon
from ..nlp import Parsed
from ..records import Quantity, Target
from .context import _Cues, _Index, _NUMTOK, _phrase, _rx, _subtree, _tok_at, _verb_forms, cues


@lru_cache(maxsize=256)
def _gpe_strippers(gpes: frozenset) -> Optional[tuple[re.Pattern, re.Pattern]]:
    """Places said in a metric phrase go ("Germany's", "in Germany"); longest name first."""
    if not gpes:
        return None
    return (lexicon.any_of(gpes, before=r"\b", after=r"(?:'s|’s)(?=\s|$)"),
            lexicon.any_of(gpes, before=r"\b(?:(?:in|of|for|across)\s+)?", after=r"(?=\s|$)"))


def _normalise_metric(s: str, c: _Cues, gpes: set) -> str:
    s = " ".join(s.split()).strip(" ,.;:\"“”'")
    for t in reversed(timeexpr.find(s)):
        a = t.start
        pm = _rx("time-preposition-end").search(s[:a])
        if pm:
            a = pm.start()  # "in the first quarter of 2024" goes as a whole
        s = s[:a] + " " + s[t.end:]
    s = _rx("bare-number").sub(" ", s)  # "69,000 enterprises": the number is the value
    gpes = set(gpes) | {m.group() for m in _rx("capitalised-name").finditer(s)
                        if (p := places.lookup(m.group())) is not None and p.kind != "supranational"}
    strip = _gpe_strippers(frozenset(gpes - c.protected))
    if strip:
        s = strip[0].sub(" ", s)
        s = strip[1].sub(" ", s)
    s = _rx("trailing-time-preposition").sub("", s.strip())
    for rx, rep in c.rewrites:
        s = rx.sub(rep, s).strip()
    base, _, share = s.partition(" share of ")
    share = share.split(" share of ")[0]  # "X share of GDP" + " share of GDP" said twice
    base = _rx("trailing-of").sub("", base.strip())
    parts = [p.strip() for p in _rx("of-split").split(base) if p.strip()]
    if 1 < len(parts) <= 3 and parts[0].lower() not in ("share", "proportion", "percentage"):
        base = " ".join(reversed(parts))
    s = base + (" share of " + share.strip() if share else "")
    s = _rx("whitespace").sub(" ", s).strip(" ,.;:")
    s = _rx("lead-possessive").sub("", s)
    words = [w if (w.isupper() or "&" in w or _rx("two-capitals").search(w)) else w.lower() for w in s.split()]
    return " ".join(words)


_VERB_CUT = _rx("verb-cut").regex


@lru_cache(maxsize=1)
def _words() -> tuple:
    """(goal nouns, unit words, change verb -> "growth" | "decline") of models/metrics.json."""
    m = resources.load("metrics.json")
    grow = {v: change for change, verbs in m["change_verbs"].items() for v in verbs}
    return frozenset(m["goal_nouns"]), frozenset(m["unit_words"]), grow


def _fallback_subject(text: str, q: Quantity, prev_end: Optional[int], clause_start: int) -> str:
    """The noun phrase that opens the stretch before the number, when the parse gave none."""
    a = max(clause_start, prev_end or clause_start)
    seg = text[a:q.start]
    if prev_end and prev_end > clause_start:
        parts = _rx("and-split").split(seg, maxsplit=1)
        seg = parts[1] if len(parts) > 1 else seg
    seg = _rx("reporting-lead").sub("", seg)
    seg = _rx("there-is-lead").sub("", seg)
    seg = _rx("subordinate-lead").sub("", seg)
    seg = _rx("trailing-function-words").sub("", seg)
    m = _AIM_VERB.search(seg)
    if m and seg[m.end():].strip():
        return seg[m.end():].strip()
    if m:
        return ""  # "the state aims for 100% ...": the one who aims is not what is measured
    if _rx("share-clause-lead").match(seg):
        return ""  # ", accounting for 27% of GDP": the subject is the previous statement's
    return _VERB_CUT.sub("", seg).strip()


_AIM_VERB = _rx("aim-verb").regex


def _metric_rx(name: str) -> rules.Pattern:
    """A helper regex of models/rules/metric.json, by name."""
    return rules.load("metric")[name]


@dataclass(frozen=True)
class _MetricState:
    """What the metric chain (models/rules/metric.json) reads about one quantity, computed once:
    its number token, governing verb, subject and direct object, its own noun."""

    parsed: Parsed
    text: str
    ts: int
    te_: int
    q: Quantity
    c: _Cues
    index: _Index
    ch: dict
    sent: depmatch.Sentence
    k: int                      # the number token
    verb: object                # the governing verb's token (the number's own when none)
    lead_rules: tuple           # the dependency patterns that found the verb and its subject
    subj_text: str
    subj_low: str
    subj_is_empty: bool         # no subject that names a measure (a pronoun, "there", a name)
    dobj_text: str              # the direct object the number sets ("" when it is a goal noun)
    obj_rule: Optional[str]
    in_dobj: bool               # the number is inside the verb's direct object
    goal_object: bool           # the object is a goal noun ("set a target of ...")
    noun: object                # the count's own noun token, or None
    noun_rule: Optional[str]
    place: Optional[str]
    prev_end: Optional[int]
    clause_start: int
    prev_metric: Optional[str]

    @property
    def toks(self):
        return self.parsed.tokens

    @property
    def noun_is_share(self) -> bool:
        return any(w in self.c.share_nouns for w in self.subj_low.split()[:3])


def _number_token(parsed: Parsed, ts: int, te_: int, q: Quantity) -> Optional[int]:
    """The quantity's number token (currency symbols skipped), or None."""
    toks = parsed.tokens
    k = _tok_at(parsed, ts, te_, q.start)
    while k is not None and k < te_ and not _NUMTOK.match(toks[k].text) and toks[k].end <= q.end:
        k += 1
    return None if k is None or k >= te_ else k


def _subject_is_empty(subj_text: str, c: _Cues, index: _Index) -> bool:
    """A subject that names no measure: none, a pronoun, "there", or a name."""
    subj_low = subj_text.lower().strip()
    ent_texts = index.ent_texts
    return (not subj_text or subj_low in c.pronouns or subj_low.split()[-1:] == ["there"]
            or index.is_name(subj_text)
            or subj_text.strip() in ent_texts
            or _rx("lead-the").sub("", subj_text.strip()) in ent_texts
            or subj_low.removeprefix("the ") in c.pronouns
            or (subj_low.split()[-1:] and subj_low.split()[-1] in c.pronouns
                and any(w in subj_text for w in ent_texts)))


def _subject_text(parsed: Parsed, text: str, q: Quantity, ch: dict, subj: Optional[int]) -> str:
    if subj is None:
        return ""
    ss, se = _phrase(parsed, text, _subtree(ch, subj))
    if ss <= q.start < se:
        return ""
    # "... instead of business-as-usual: greenhouse gas emissions will be 30% below": the
    # subject is what follows the last colon before its head, not the lead-in the parse joins to it
    head = parsed.tokens[subj].start
    colon = text.rfind(":", ss, head)
    return text[colon + 1:se].strip() if colon >= 0 else text[ss:se]


def _direct_object(parsed: Parsed, text: str, q: Quantity, ch: dict, sent, groups, verb, k: int,
                   c: _Cues, subj_is_empty: bool) -> tuple[str, Optional[str], bool]:
    """(the direct object the number sets: "raise R&D investment to 2.4%", its pattern id,
    whether the number is inside the verb's direct object)."""
    toks = parsed.tokens
    dobj_text, obj_rule = "", None
    for v in (verb.i, *[x for x in ch.get(verb.i, ()) if toks[x].dep == "xcomp"]):
        x, obj_rule = depmatch.first_rule(groups["object"], sent, v,
                                          lambda j: toks[j].start < q.start and k not in _subtree(ch, j))
        if x is not None:
            ds, de = _phrase(parsed, text, _subtree(ch, x))
            dobj_text = text[ds:min(de, q.start)]
            if not (toks[v].lower in c.object_verbs or subj_is_empty):
                dobj_text = dobj_text if subj_is_empty else ""
        if dobj_text:
            break
    in_dobj = any(toks[x].dep == "dobj" and k in _subtree(ch, x) for x in ch.get(verb.i, ()))
    return dobj_text, obj_rule, in_dobj


def _metric_state(parsed: Parsed, text: str, ts: int, te_: int, q: Quantity, c: _Cues, index: _Index,
                  ch: dict, prev_end: Optional[int], clause_start: int,
                  prev_metric: Optional[str]) -> Optional[_MetricState]:
    """The chain's state for Q, or None when Q has no number token in the sentence."""
    k = _number_token(parsed, ts, te_, q)
    if k is None:
        return None
    toks = parsed.tokens
    groups = depmatch.load_groups("metric_patterns.json")
    sent = depmatch.Sentence(toks, ts, te_, ch)
    noun_i, noun_rule = depmatch.first_rule(groups["own_noun"], sent, k)
    # governing verb (outside the quantity: "2.2 trillion won" is no verb) and its subject
    verb_i, verb_rule = depmatch.first_rule(groups["verb"], sent, k, lambda j: not (q.start <= toks[j].start < q.end))
    verb = toks[verb_i] if verb_i is not None else toks[k]
    subj, subj_rule = depmatch.first_rule(groups["subject"], sent, verb.i) if verb_i is not None else (None, None)
    subj_text = _subject_text(parsed, text, q, ch, subj)
    subj_is_empty = bool(_subject_is_empty(subj_text, c, index))
    dobj_text, obj_rule, in_dobj = _direct_object(parsed, text, q, ch, sent, groups, verb, k, c, subj_is_empty)
    last = dobj_text.strip().lower().split()[-1:]
    goal_object = bool(last and last[0] in _words()[0])
    return _MetricState(
        parsed=parsed, text=text, ts=ts, te_=te_, q=q, c=c, index=index, ch=ch, sent=sent, k=k, verb=verb,
        lead_rules=tuple(r for r in (verb_rule, subj_rule) if r), subj_text=subj_text,
        subj_low=subj_text.lower().strip(), subj_is_empty=subj_is_empty,
        dobj_text="" if goal_object else dobj_text,  # "set a target of 500 GW of ...": of what follows
        obj_rule=obj_rule, in_dobj=in_dobj, goal_object=goal_object,
        noun=toks[noun_i] if noun_i is not None else None, noun_rule=noun_rule,
        place=index.subject_in(subj_text), prev_end=prev_end, clause_start=clause_start,
        prev_metric=prev_metric)


def _word_set(name: str, c: _Cues) -> frozenset:
    """A word list a metric step names: goal_nouns or unit_words (metrics.json), else a cue list."""
    goal, units, _ = _words()
    return {"goal_nouns": goal, "unit_words": units}.get(name) or getattr(c, name)


# guards of the metric chain: fn(match, ctx, **args), ctx.state is the _MetricState

@rules.guard("unit-class")
def _g_unit_class(m, ctx, classes=()) -> bool:
    return ctx.state.q.unit_class in classes


@rules.guard("group-in")
def _g_group_in(m, ctx, group=0, words="") -> bool:
    return m.group(group) in _word_set(words, ctx.state.c)


@rules.guard("group-matches")
def _g_group_matches(m, ctx, group=0, pattern="") -> bool:
    return bool(_metric_rx(pattern).match(m.group(group)))


@rules.guard("quantity-says")
def _g_quantity_says(m, ctx, pattern="") -> bool:
    return bool(_metric_rx(pattern).search(ctx.state.q.text))


@rules.guard("own-noun-after")
def _g_own_noun_after(m, ctx) -> bool:
    return ctx.state.noun is not None and ctx.state.noun.i > ctx.state.k


@rules.guard("of-np-frame")
def _g_of_np_frame(m, ctx) -> bool:
    """No subject, a goal noun as object, or a verb that names its noun or aims."""
    st = ctx.state
    return bool(st.subj_is_empty or st.goal_object or st.verb.lower in st.c.verb_nouns
                or st.verb.lower.startswith(("target", "aim")))


@rules.guard("verb-names-noun")
def _g_verb_names_noun(m, ctx) -> bool:
    return ctx.state.verb.lower in ctx.state.c.verb_nouns


@rules.guard("subject-empty-or-number-in-object")
def _g_subject_empty_or_in_object(m, ctx) -> bool:
    return ctx.state.subj_is_empty or ctx.state.in_dobj


@rules.guard("has-direct-object")
def _g_has_direct_object(m, ctx) -> bool:
    return bool(ctx.state.dobj_text)


@rules.guard("number-in-object")
def _g_number_in_object(m, ctx) -> bool:
    return ctx.state.in_dobj


@rules.guard("verb-in")
def _g_verb_in(m, ctx, words="") -> bool:
    return ctx.state.verb.lower in _word_set(words, ctx.state.c)


@rules.guard("subject-empty")
def _g_subject_empty(m, ctx) -> bool:
    return ctx.state.subj_is_empty


@rules.guard("subject-is-name")
def _g_subject_is_name(m, ctx) -> bool:
    return ctx.state.index.is_name(ctx.state.subj_text)


@rules.guard("number-before-verb")
def _g_number_before_verb(m, ctx) -> bool:
    return ctx.state.q.end <= ctx.state.verb.start


@rules.guard("metric-names-nothing")
def _g_metric_names_nothing(m, ctx) -> bool:
    metric = ctx["value"]
    return not metric or metric.lower().strip() in _words()[1] or ctx.state.index.is_name(metric)


@rules.guard("metric-has-content")
def _g_metric_has_content(m, ctx) -> bool:
    st = ctx.state
    return bool(content_metric(_normalise_metric(ctx["value"], st.c, st.index.gpes), st.c))


@rules.guard("metric-contains")
def _g_metric_contains(m, ctx, text="") -> bool:
    return text in ctx["value"]


@rules.guard("metric-matches")
def _g_metric_matches(m, ctx, pattern="") -> bool:
    return bool(_metric_rx(pattern).search(ctx["value"]))


@rules.guard("share-frame")
def _g_share_frame(m, ctx) -> bool:
    """A share verb, 'N% of GDP', or a share noun in the subject."""
    st = ctx.state
    q = st.q
    return (st.verb.text.lower() in st.c.share_verbs or bool(_metric_rx("of-gdp").match(st.text[q.end:q.end + 40]))
            or st.noun_is_share)


@rules.guard("comparator-in")
def _g_comparator_in(m, ctx, comparators=()) -> bool:
    return ctx.state.q.comparator in comparators


@rules.guard("verb-changes")
def _g_verb_changes(m, ctx) -> bool:
    return ctx.state.verb.lower in _words()[2]


# actions of the metric chain: a 'find' step returns (metric, dependency pattern ids) or a
# metric; a 'refine' step returns the new metric; None: the step does not apply

@rules.action("metric.group")
def _a_group(m, ctx, group=1, prefix="") -> str:
    return prefix + m.group(group)


@rules.action("metric.whole-share")
def _a_whole_share(m, ctx) -> str:
    """'powered entirely by green energy' -> 'renewable share of power': what is powered or
    supplied is the power; otherwise the supply the words name, else energy."""
    kind = resources.load("metrics.json")["supply_kinds"][m.group(2)]
    before = ctx.state.text[max(0, ctx.state.q.start - 12):ctx.state.q.start].lower().split()
    verb = m.group(1) or (before[-1] if before else "")
    supply = "power" if verb in ("powered", "supplied") else (m.group(3) or "energy")
    return f"{kind} share of {supply}"


@rules.action("metric.share-predicate")
def _a_share_predicate(m, ctx) -> str:
    """'90% of power is renewable' -> 'renewable share of power'."""
    return f"{m.group(2)} share of {m.group(1)}"


@rules.action("metric.count-noun")
def _a_count_noun(m, ctx):
    """'144 invention patents': the noun and its modifiers after the number."""
    st = ctx.state
    toks, noun, k, q = st.toks, st.noun, st.k, st.q
    idx = [x for x in _subtree(st.ch, noun.i) if x > k and toks[x].start >= q.end
           and toks[x].dep not in ("prep", "relcl", "acl", "punct", "cc", "conj")]
    idx = [x for x in idx if x <= noun.i] or [noun.i]
    metric = st.text[toks[idx[0]].start:toks[noun.i].end]
    if not st.subj_is_empty and st.subj_text and q.unit_class == "rate":
        metric = st.subj_text
    return metric, (st.noun_rule,)


@rules.action("metric.noun-before-of")
def _a_noun_before_of(m, ctx):
    st = ctx.state
    base = ctx.offset
    nb_text = m.group(1)
    for t in st.toks[st.ts:st.te_]:  # "recorded annual production value of": the verb is no part of it
        if base + m.start(1) <= t.start < base + m.end(1) and t.pos in ("VERB", "AUX") \
                and t.dep not in ("amod", "compound"):
            nb_text = st.text[t.end:base + m.end(1)].strip()
    return (nb_text if st.subj_is_empty else f"{st.subj_text} {nb_text}"), ()


@rules.action("metric.of-head")
def _a_of_head(m, ctx):
    """'an installed geothermal capacity of 950 MW': the noun the quantity is 'of'."""
    st = ctx.state
    toks, ch, q = st.toks, st.ch, st.q
    qhead = next((j for j in range(st.ts, st.te_) if q.start <= toks[j].start < q.end
                  and not (q.start <= toks[toks[j].head].start < q.end)), None)
    groups = depmatch.load_groups("metric_patterns.json")
    x, head_rule = depmatch.first_rule(groups["of_head"], st.sent, qhead) if qhead is not None else (None, None)
    if x is None or toks[x].lower in _words()[0]:
        return None
    mods = {j for y in ch.get(x, ()) if y < x and toks[y].dep in ("amod", "compound", "nmod")
            for j in _subtree(ch, y)}
    first = x
    while first - 1 in mods and (toks[first - 1].pos != "PUNCT" or (
            toks[first - 1].text == "-" and toks[first - 1].end == toks[first].start)):
        first -= 1  # the noun's own modifiers ("record-breaking"), never across a dash or comma
    return st.text[toks[first].start:toks[x].end], (head_rule,)


@rules.action("metric.verb-noun")
def _a_verb_noun(m, ctx):
    """'will invest $5 million in schools': the verb's noun and where it goes (M: the tail)."""
    st = ctx.state
    vn = st.c.verb_nouns[st.verb.lower]
    if st.subj_is_empty:
        return vn + (" " + m.group(1) if m else ""), ()
    if m:
        return st.subj_text + " " + _metric_rx("first-word").sub("", m.group(1)) + (
            " " + vn if vn in ("investment", "spending", "allocation", "budget") else ""), ()
    return st.subj_text + " " + vn, ()


@rules.action("metric.direct-object")
def _a_direct_object(m, ctx):
    return ctx.state.dobj_text, (ctx.state.obj_rule,)


@rules.action("metric.subject")
def _a_subject(m, ctx):
    return ctx.state.subj_text  # an organisation or a place is whose figure it is, not what it measures


@rules.action("metric.share-who")
def _a_share_who(m, ctx):
    return f"share of {m.group(1)} who {m.group(2)}"


@rules.action("metric.fallback-subject")
def _a_fallback_subject(m, ctx):
    st = ctx.state
    metric = _fallback_subject(st.text, st.q, st.prev_end, st.clause_start)
    return "" if st.index.is_name(metric) else metric


@rules.action("metric.share-of-whole")
def _a_share_of_whole(m, ctx):
    st = ctx.state
    if st.noun_is_share and _metric_rx("to-or-in").search(st.subj_low):
        return None  # "proportion of A to B" is rewritten by the normaliser
    metric = ctx["value"]
    if metric.strip().lower().removeprefix("the ") in st.c.pronouns:
        return f"share of {m.group(1)}"  # "the country could supply 60% of ...": who supplies is no measure
    if not metric.strip() and st.prev_metric:
        # ", accounting for 27% of GDP": the share of what the previous clause measured
        metric = _metric_rx("change-suffix").sub("", st.prev_metric.split(" share of ")[0])
    return f"{metric} share of {m.group(1)}"


@rules.action("metric.change-noun")
def _a_change_noun(m, ctx, decline=()):
    return f"{ctx['value']} {'decline' if m.group(1) in decline else 'growth'}"


@rules.action("metric.comparator-change")
def _a_comparator_change(m, ctx):
    return f"{ctx['value']} {ctx.state.q.comparator}"


@rules.action("metric.change-verb")
def _a_change_verb(m, ctx):
    return f"{ctx['value']} {_words()[2][ctx.state.verb.lower]}"


def _found(v) -> tuple:
    """A 'find' step's value as (metric, dependency pattern ids)."""
    return v if isinstance(v, tuple) else (v, ())


def _metric(parsed: Parsed, text: str, ts: int, te_: int, q: Quantity, c: _Cues,
            index: _Index, ch: dict, prev_end: Optional[int] = None,
            clause_start: int = 0, prev_metric: Optional[str] = None) -> tuple[str, Optional[str], tuple]:
    """(metric, place, ids of the rules that made it) for the quantity: the steps of
    models/rules/metric.json run on the quantity's state, 'find' then 'refine'."""
    st = _metric_state(parsed, text, ts, te_, q, c, index, ch, prev_end, clause_start, prev_metric)
    if st is None:
        return "", None, ()
    chain = rules.load("metric")
    found, hits = chain.chain("find", st, text, q.start, q.end, until=lambda v: bool(_found(v)[0]))
    used = [*st.lead_rules]
    for h in hits:
        used += [*_found(h.value)[1], h.rule]
    metric, hits = chain.chain("refine", st, text, q.start, q.end, value=_found(found)[0] or "")
    used += [h.rule for h in hits]
    return _normalise_metric(metric, c, index.gpes), st.place, tuple(used)


@dataclass(frozen=True)
class _StatementState:
    """What the statement-level metric steps read: the figure, its clause, the records before it."""

    text: str
    q: Quantity
    cl: tuple
    s_start: int
    c: _Cues
    gpes: frozenset
    prev_rec: Optional[Target]
    out: tuple


@rules.guard("previous-metric")
def _g_previous_metric(m, ctx) -> bool:
    return ctx.state.prev_rec is not None and bool(ctx.state.prev_rec.metric)


@rules.guard("previous-in-sentence")
def _g_previous_in_sentence(m, ctx) -> bool:
    return (ctx.state.prev_rec.value_start or 0) >= ctx.state.s_start


@rules.guard("metric-is-content")
def _g_metric_is_content(m, ctx) -> bool:
    return bool(content_metric(ctx["value"], ctx.state.c))


def _changed(old: str, new: Optional[str]) -> Optional[str]:
    return None if new is None or new == old else new


@rules.action("metric.anaphora")
def _a_anaphora(m, ctx):
    st = ctx.state
    return _changed(ctx["value"], _anaphora(ctx["value"], st.prev_rec.metric, st.q.comparator,
                                            st.text[st.cl[0]:st.cl[1]], st.c))


@rules.action("metric.lead-demonstrative")
def _a_lead_demonstrative(m, ctx):
    return _changed(ctx["value"], _rx("lead-demonstrative").sub("", ctx["value"]))


@rules.action("metric.restated")
def _a_restated(m, ctx):
    return _restated(ctx.state.prev_rec, ctx.state.q)


@rules.action("metric.part-of")
def _a_part_of(m, ctx):
    st = ctx.state
    return _part_of(st.text, st.q, st.cl, st.s_start, list(st.out)) or None


@rules.action("metric.line-label")
def _a_line_label(m, ctx):
    st = ctx.state
    label = _line_label(st.text, st.q, st.cl)
    # "• Coal in installed capacity: 18.6% by 2040 (2018: 31.4%)"
    return _normalise_metric(label, st.c, st.gpes) if label else None


_LEAD_FUNCTION = _rx("lead-function-words").regex
_CLAUSE_START = _rx("clause-start").regex


def content_metric(metric: Optional[str], c: Optional[_Cues] = None) -> Optional[str]:
    """The content-noun gate: a metric made only of function words, pronouns, units or generic
    measure words ("why", "we", "includes", "-", "units") names nothing and becomes None, so the
    record is kept but never aligned into a series."""
    c = c or cues()
    if not metric:
        return None
    metric = _LEAD_FUNCTION.sub("", metric).strip()
    if not metric or _CLAUSE_START.match(metric):
        return None  # "will bring private": a piece of a clause, not a measure
    words = _rx("metric-word").findall(metric)
    if len(words) == 1 and words[0].lower() in _verb_forms():
        return None  # "wants", "includes": a verb, not a measure
    if len(words) == 1 and words[0].lower().endswith("ing") and words[0].lower() not in c.ing_nouns:
        return None  # "generating", "reaching": a verb, not a measure
    for w in words:
        lw = w.lower().strip("'’-")
        if lw in c.non_content or len(lw) < 2:
            continue
        if len(lw) >= 3 or w.isupper() or "&" in w:
            return metric
    return None


_OF_WHICH = _rx("of-which").regex
_PART_TAIL = _rx("part-tail").regex


_LABEL = _rx("line-label").regex


def _line_label(text: str, q: Quantity, cl: tuple[int, int]) -> Optional[str]:
    """'Renewable share of primary energy: 17% by 2040': the label before the colon on the
    number's own line names what it measures (also for '(2018: 7%)' after it)."""
    line_start = text.rfind("\n", 0, q.start) + 1
    head = text[line_start:q.start]
    colon = head.rfind(":")
    if colon < 0 or not _rx("label-value-lead").fullmatch(head[colon + 1:]):
        return None  # the value must follow the colon: "Label: 17%", not "Budget 2023: India targets 500 GW"
    head = _rx("open-bracket-tail").sub("", head)  # inside "(2018: 7%)": the label of the line
    m = _LABEL.search("\n" + head.rstrip())
    if m is None:
        m = _LABEL.search("\n" + head[:head.find(":") + 1]) if ":" in head else None
    if m is None:
        return None
    label = m.group(1).strip()
    if len(label.split()) > 12 or _rx("label-verb").search(label):
        return None
    return label


def _part_of(text: str, q: Quantity, cl: tuple[int, int], s_start: int, out: list) -> Optional[str]:
    """'8.4GW, of which 12.5% was onshore wind, 0.9% biomass': each percent is the share of
    the whole it breaks down ("onshore wind share of installed electricity capacity")."""
    if q.unit_class != "percent" or not out:
        return None
    whole = next((r for r in reversed(out) if r.unit != "percent" and r.metric), None)
    prev_part = out[-1].metric if out[-1].unit == "percent" and " share of " in (out[-1].metric or "") else None
    before = text[max(s_start, q.start - 40):q.start]
    if not (_OF_WHICH.search(before) or (prev_part and whole and prev_part.endswith(" share of " + whole.metric))):
        return None
    if whole is None:
        return None
    m = _PART_TAIL.match(text[q.end:cl[1] + 1])
    if not m or not content_metric(m.group(1)):
        return None
    return f"{' '.join(m.group(1).split())} share of {whole.metric}"


def _anaphora(metric: str, prev_metric: Optional[str], comparator: str, clause: str, c: _Cues) -> str:
    """'it grew 16%', 'such patents', 'up 12%': the metric is the previous statement's."""
    if not prev_metric:
        return metric
    content = [w for w in _rx("metric-token").findall(metric.lower()) if w not in c.fillers]
    if content and content not in (["growth"], ["decline"]) and \
            not _rx("lead-demonstrative-word").match(metric):
        return metric
    base = prev_metric.split(" share of ")[0]
    change = content[-1] if content and content[-1] in ("growth", "decline") else None
    head = content[-1] if content and not change else None
    if head is None or head in base:
        metric = f"{base} {change}" if change else base
    if comparator in ("growth", "decline") or _rx("growth-verb").search(clause):
        if not metric.endswith(("growth", "decline")):
            metric = f"{metric} {comparator if comparator in ('growth', 'decline') else 'growth'}"
    return metric


def _restated(prev: Target, q: Quantity) -> str:
    """'surpassed NT$4 trillion to hit NT$4.1 trillion, up 26.7%': a figure with no words of its
    own next to one in the same sentence restates it (same unit) or gives its change (percent)."""
    if prev.unit == q.unit:
        return prev.metric
    if q.unit_class == "percent" and q.comparator in ("growth", "decline"):
        return f"{prev.metric.split(' share of ')[0]} {q.comparator}"
    return ""
