"""Target assembly: quantities + time expressions + syntax -> Target records.

Pure functions over :class:`~policytrace.nlp.Parsed`; no spaCy object reaches this module.  The
rules are driven by models/cues.json and models/metrics.json.
"""
from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Optional

from . import kinds, places, qualify, quantities, resources, rules
from .rules import dependency as depmatch
from .time import expressions as timeexpr
from .rules import lexicon
from .nlp import Parsed
from .records import Kind, Quantity, Table, Target

_log = logging.getLogger(__name__)


def _rx(name: str) -> rules.Pattern:
    """A helper regex of models/rules/statements.json, by name."""
    return rules.load("statements")[name]


def _rule_rx(rule_id: str) -> re.Pattern:
    """The regex of a statement rule (models/rules/statements.json), by id."""
    return rules.load("statements").rule(rule_id).regex


@dataclass(frozen=True)
class _Cues:
    modals: frozenset
    target_words: frozenset
    target_headings: tuple
    projection: tuple
    non_metric: frozenset
    rewrites: tuple
    share_verbs: frozenset
    share_nouns: frozenset
    pronouns: frozenset
    verb_nouns: dict
    object_verbs: frozenset
    fillers: frozenset
    protected: frozenset
    nouns_before_of: frozenset
    non_content: frozenset
    ing_nouns: frozenset


@lru_cache(maxsize=1)
def cues() -> _Cues:
    c = resources.load("cues.json")
    m = resources.load("metrics.json")
    return _Cues(
        modals=frozenset(c["target_modals"]) - {"would"},
        target_words=frozenset(c["target_words"]),
        target_headings=tuple(h.lower() for h in c["target_headings"]),
        projection=tuple(p.lower() for p in c["projection_cues"]),
        non_metric=frozenset(c["non_metric_nouns"]),
        rewrites=tuple((re.compile(a, re.I), b) for a, b in m["rewrites"]),
        share_verbs=frozenset(m["share_verbs"]),
        share_nouns=frozenset(m["share_nouns"]),
        pronouns=frozenset(m["pronoun_subjects"]),
        verb_nouns=dict(m["verb_nouns"]),
        object_verbs=frozenset(m["object_verbs"]),
        fillers=frozenset(m["filler_words"]),
        nouns_before_of=frozenset(m["head_nouns_before_of"]),
        non_content=frozenset(m["non_content_words"]),
        ing_nouns=frozenset(m["ing_nouns"]),
        protected=frozenset(f for e in resources.load("taxonomy.json")["domains"].values()
                            for f in e["surface"] if f.isupper()),
    )


_CLAUSE_RE = _rx("clause-break").regex
_NUMTOK = _rx("number-token").regex
_FUTURE_KINDS = ("horizon", "period")


def _clauses(text: str, start: int) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in _CLAUSE_RE.finditer(text):
        if m.start() > pos:
            out.append((start + pos, start + m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((start + pos, start + len(text)))
    return out


@dataclass(frozen=True)
class _Index:
    """Per-document lookups, built once so per-number work does not rescan the entities."""

    gpes: frozenset
    ent_texts: frozenset
    name_spans: tuple  # (start, end) of entities a count inside cannot measure anything
    name_starts: tuple
    places: tuple      # (surface, canonical place name), longest surface first
    bodies: tuple      # organisations that are not governments: a figure of theirs is theirs
    org_names: frozenset
    person_names: frozenset

    @classmethod
    def build(cls, parsed: Parsed) -> "_Index":
        spans = sorted((e.start, e.end) for e in parsed.ents
                       if e.label in ("ORG", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT"))
        plc = {}
        for e in parsed.ents:
            if e.label in ("GPE", "NORP", "LOC"):
                surface = e.text.removesuffix("'s").removesuffix("’s").strip()
                p = places.lookup(surface)
                if p is not None:
                    plc[surface] = places.as_subject(p).name
        bodies = set(_bodies(parsed))
        return cls(
            gpes=frozenset(e.text.removesuffix("'s").removesuffix("’s") for e in parsed.ents if e.label == "GPE"),
            ent_texts=frozenset(e.text for e in parsed.ents if e.label in ("GPE", "ORG", "PERSON", "NORP")),
            name_spans=tuple(spans), name_starts=tuple(a for a, _ in spans),
            places=tuple(sorted(plc.items(), key=lambda kv: -len(kv[0]))),
            bodies=tuple(sorted(bodies, key=len, reverse=True)),
            org_names=frozenset(o.text for o in parsed.orgs),
            person_names=frozenset(e.text for e in parsed.ents if e.label in ("PERSON", "GPE", "NORP")))

    def is_name(self, phrase: str) -> bool:
        """Is PHRASE just the name of an organisation, person or place?"""
        p = _rx("lead-article").sub("", (phrase or "").strip()).rstrip("’'s ")
        if not p:
            return False
        if p in self.person_names or p in self.org_names or places.lookup(p) is not None:
            return True
        # a title before a person's name: "Finance Minister Nirmala Sitharaman", "Governor Newsom"
        return any(p.endswith(" " + n) and all(w[:1].isupper() for w in p[:-len(n)].split())
                   for n in self.person_names if " " in n or n.istitle())

    def subject_in(self, phrase: str) -> Optional[str]:
        """Whose figure a subject phrase states: a company or other non-government body named in
        it, else the place named in it (canonical: "NZ" is New Zealand); a person never."""
        if not phrase:
            return None
        b = _first_listed(self.bodies, phrase)
        if b is not None:
            return self.bodies[b]
        p = _first_listed(tuple(s for s, _ in self.places), phrase)
        return self.places[p][1] if p is not None else None

    def in_name(self, pos: int) -> bool:
        i = bisect.bisect_right(self.name_starts, pos) - 1
        return i >= 0 and self.name_spans[i][0] <= pos < self.name_spans[i][1]


def _listed_regex(names: tuple) -> Optional[re.Pattern]:
    """One pattern for a document's list of names, compiled once (the lexicon caches it):
    per-name patterns overflow the re module's cache on a long document and are recompiled for
    every figure."""
    return lexicon.any_of(names, before=r"(?<!\w)", after=r"(?!\w)")


def _first_listed(names: tuple, phrase: str) -> Optional[int]:
    """The index of the first of NAMES (kept longest first) that PHRASE contains as a word.
    The pattern tries longer names first, so the match at each position is the one that ranks."""
    rx = _listed_regex(names)
    if rx is None:
        return None
    found = {m.group() for i in range(len(phrase)) if (m := rx.match(phrase, i))}
    return min((names.index(n) for n in found), default=None)


@lru_cache(maxsize=1)
def _government_heads() -> frozenset:
    """Words that make an organisation part of a government, whose figures are its place's."""
    return frozenset(resources.load("orgs.json")["government_heads"])


def _bodies(parsed: Parsed) -> list[str]:
    """Mentions of organisations that are not part of a government (companies, banks, funds)."""
    gov = _government_heads()
    return [o.text for o in parsed.orgs if not (set(o.text.split()) & gov)]


def _is_supranational(name: str) -> bool:
    p = places.lookup(name)
    return p is not None and p.kind == "supranational"


def main_subject(parsed: Parsed) -> Optional[str]:
    """The place a document is about: the most named place the gazetteer knows (a person's name
    never is one), the headline counting double."""
    mentions = [(e.text, e.start) for e in parsed.ents if e.label in ("GPE", "NORP", "LOC")
                or (e.label == "ORG" and _is_supranational(e.text))]
    p = places.main_place(mentions)
    if p is not None:
        return p.name
    counts: Counter = Counter()
    for e in parsed.ents:
        if e.label == "GPE":
            name = _rx("edge-punctuation").sub("", e.text).removesuffix("'s").removesuffix("’s")
            if name:
                counts[name] += 2 if e.start < 300 else 1
    if counts:
        return counts.most_common(1)[0][0]
    # no place at all (a company's report): the body it names most, if it is not a government's
    bodies = Counter(_bodies(parsed))
    return bodies.most_common(1)[0][0] if bodies else None


class _Ctx:
    """What the text has said about time so far, for statements that do not say it.  Horizons
    and years hold for their paragraph; a target list ("targets include:") carries its horizon."""

    def __init__(self, pub_year: Optional[int], ref_year: Optional[int]):
        self.pub_year = pub_year
        self.pub_month: Optional[int] = None
        self.ref_year = ref_year
        self.horizon: Optional[tuple[int, Optional[tuple[int, int]]]] = None
        self.last_horizon: Optional[tuple[int, Optional[tuple[int, int]]]] = None
        self.main_horizon: Optional[tuple[int, Optional[tuple[int, int]]]] = None
        self.list_horizon: Optional[tuple[int, Optional[tuple[int, int]]]] = None
        self.last_year: Optional[int] = None
        self.para: Optional[tuple[int, Optional[tuple[int, int]]]] = None
        self.target_mode = 0

    def new_paragraph(self):
        self.para = None
        self.horizon = None
        self.target_mode = max(0, self.target_mode - 1)
        if not self.target_mode:
            self.list_horizon = None

    def see(self, te: timeexpr.TimeExpr, year: Optional[int]):
        if year is None or te.kind == "baseline":
            return
        self.last_year = year
        ref = self.ref_year
        if _is_future(te, year, ref):
            self.horizon = self.last_horizon = (year, te.period)
            if self.target_mode:
                self.list_horizon = self.horizon
        elif ref is None or year <= ref:
            self.para = (year, te.period)


def _is_future(te: timeexpr.TimeExpr, year: Optional[int], ref: Optional[int]) -> bool:
    if year is None:
        return te.kind == "decade"
    if te.kind in _FUTURE_KINDS or te.kind in ("named", "relative"):
        return ref is None or year >= ref
    return ref is not None and year > ref


def _resolve(te: timeexpr.TimeExpr, ctx: _Ctx, future: bool = False) -> Optional[int]:
    if te.kind == "same":
        return ctx.last_year
    if te.kind == "month":
        if ctx.para and not future:
            return ctx.para[0]
        if ctx.pub_year and ctx.pub_month:
            m = _month_no(te.text)
            if future and m < ctx.pub_month:
                return ctx.pub_year + 1  # "in March", said in May of what is still to come
            if not future and m > ctx.pub_month:
                return ctx.pub_year - 1  # "in December", said in January
        return ctx.pub_year
    return te.year


def _main_horizon(sents, ref_year):
    """The horizon a document announces in its headline, if any."""
    for n, (_, _, s_start, _, _, texprs) in enumerate(sents):
        for t in texprs:
            if t.year and t.kind in _FUTURE_KINDS + ("named",) and _is_future(t, t.year, ref_year):
                if n < 3 and s_start < 400:
                    return (t.year, t.period)
    return None


_FUTURE_VERB = _rx("future-verb").regex


def _month_no(text: str) -> int:
    months = resources.load("quantities.json")["months"]
    for w in _rx("latin-word").findall(text):
        if w.lower() in months and w[0].isupper():
            return months[w.lower()]
    return 0


def _reference_year(pub_year: Optional[int], sent_texprs) -> Optional[int]:
    """'Now' for a document: its publication year, else the latest year it reports on (a point
    in time, never a horizon or a number)."""
    if pub_year:
        return pub_year
    years = [t.year for texprs in sent_texprs for t in texprs
             if t.year and t.kind in ("point", "named", "baseline")]
    return max(years) if years else None


def reference_year(text: str) -> Optional[int]:
    """The year an undated document was most likely written: the latest year it reports on as
    a point in time; a report named with its year ("Climatescope 2017") counts, a plan named
    with its horizon ("Energy Strategy to 2035", "Agenda 2063") never does."""
    texprs = timeexpr.find(text)
    points = [t.year for t in texprs if t.year and t.kind == "point"
              and not _rx("four-digits").fullmatch(t.text.strip())]  # a bare year may be a horizon
    points = points or [t.year for t in texprs if t.year and t.kind == "baseline"]
    named = [t.year for t in texprs if t.year and t.kind == "named" and points and t.year <= max(points) + 1]
    years = points + named
    return max(years) if years else None


def extract(doc: str, text: str, parsed: Parsed, published: Optional[str],
            tables: tuple[Table, ...] = (), subject: Optional[str] = None) -> list[Target]:
    """All records of one document, in text order."""
    pub_year = int(published[:4]) if published else None
    c = cues()
    subject = subject or main_subject(parsed)
    currency = quantities.local_currencies(places.country_of(subject))
    table_regions = [sp for t in tables for sp in t.row_spans if sp]
    index = _Index.build(parsed)
    toks = parsed.tokens
    sents = []
    for ts, te_ in parsed.sents:
        if ts >= te_:
            continue
        s_start, s_end = toks[ts].start, toks[te_ - 1].end
        stext = text[s_start:s_end]
        if stext.strip():
            sents.append((ts, te_, s_start, s_end, stext, timeexpr.find(stext, s_start, pub_year)))
    ref_year = _reference_year(pub_year, [x[5] for x in sents])
    ctx = _Ctx(pub_year, ref_year)
    if published and _rx("year-month-date").match(published):
        ctx.pub_month = int(published[5:7])
    ctx.main_horizon = _main_horizon(sents, ref_year)
    out: list[Target] = []
    prev_end = 0
    for ts, te_, s_start, s_end, stext, texprs in sents:
        if "\n" in text[prev_end:s_start] and prev_end:
            ctx.new_paragraph()
        prev_end = s_end
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
        if _LIST_HEAD.search(stext) and low.rstrip().endswith(":") or _rx("heading-colon").search(low) or (
                low.rstrip().endswith(":") and any(h in low for h in c.target_headings)):
            ctx.target_mode = 2 if stext.rstrip().endswith(":") else 1
            fut = [(y, t.period) for t, y in resolved if _is_future(t, y, ref_year) and y]
            ctx.list_horizon = fut[-1] if fut else ctx.last_horizon
    for t in tables:
        out.extend(_table_records(doc, text, t, pub_year, subject))
    out.sort(key=lambda r: (r.start, r.value_start or 0))
    return qualify.complete(out, parsed)


# ------------------------------------------------------------------ numeric statements


@dataclass(frozen=True)
class _SkipState:
    """What the skip steps (models/rules/skip.json) read: the figure, the text and the cues."""

    q: Quantity
    text: str
    c: _Cues


@rules.guard("is-conversion")
def _g_is_conversion(m, ctx) -> bool:
    return ctx.state.q.conversion_of is not None


@rules.guard("is-vague")
def _g_is_vague(m, ctx) -> bool:
    return bool(quantities.is_vague(ctx.state.q))


@rules.guard("attributive")
def _g_attributive(m, ctx) -> bool:
    return bool(ctx.state.q.attributive)


@rules.guard("measure-word")
def _g_measure_word(m, ctx) -> bool:
    """The word after the number is a unit or measure word ('10-point plan': no)."""
    word = rules.load("skip")["leading-digits"].sub("", ctx.state.q.text).split(" ")[0]
    return bool(quantities.n_is_measure_word(word, quantities.lexicon()))


@rules.guard("whole-number-in")
def _g_whole_number_in(m, ctx, low=0, high=0) -> bool:
    q = ctx.state.q
    return q.value == int(q.value) and low <= q.value <= high


@rules.guard("followed-by")
def _g_followed_by(m, ctx, pattern="", chars=0) -> bool:
    q, text = ctx.state.q, ctx.state.text
    return bool(rules.load("skip")[pattern].match(text[q.end:q.end + chars]))


@rules.guard("spelled-small")
def _g_spelled_small(m, ctx) -> bool:
    return bool(ctx.state.q.spelled and ctx.state.q.value < 10)


@rules.guard("non-metric-next")
def _g_non_metric_next(m, ctx, qualifiers=(), below=0) -> bool:
    """'5 reasons' (a small count of a non-metric noun) or '3 consecutive years'."""
    non_metric, q = ctx.state.c.non_metric, ctx.state.q
    return bool(m.group(1).lower() in non_metric and q.value < below or
                (m.group(2) or "").lower() in non_metric and m.group(1).lower() in qualifiers)


@rules.guard("group-word-in")
def _g_group_word_in(m, ctx, group=1, words=()) -> bool:
    return m.group(group).lower() in words


@rules.action("skip")
def _a_skip(m, ctx) -> bool:
    return True


def _skip(q: Quantity, text: str, parsed: Parsed, c: _Cues) -> bool:
    """Is Q not a measure (models/rules/skip.json)?  The first skip step that applies says so."""
    _, hits = rules.load("skip").chain("skip", _SkipState(q, text, c), text, q.start, q.end, until=bool)
    if hits:
        _log.debug("%s drops %r", hits[0].rule, q.text)
    return bool(hits)


def _tok_at(parsed: Parsed, ts: int, te_: int, pos: int) -> Optional[int]:
    """The token at POS, or the first one after it (binary search: tokens are in order)."""
    import bisect
    k = bisect.bisect_right(parsed.tokens, pos, lo=ts, hi=te_, key=lambda t: t.end)
    return k if k < te_ else None


def _children(parsed: Parsed, ts: int, te_: int) -> dict[int, list[int]]:
    ch: dict[int, list[int]] = {}
    for k in range(ts, te_):
        h = parsed.tokens[k].head
        if h != k:
            ch.setdefault(h, []).append(k)
    return ch


def _subtree(ch, k) -> list[int]:
    out, stack = [], [k]
    while stack:
        x = stack.pop()
        out.append(x)
        stack.extend(ch.get(x, ()))
    return sorted(out)


def _phrase(parsed: Parsed, text: str, idx: list[int], stop_at_comma=True) -> tuple[int, int]:
    """Contiguous character span of tokens, cut at the first comma or bracket."""
    idx = sorted(idx)
    toks = parsed.tokens
    first = idx[0]
    last = first
    for k in range(first, idx[-1] + 1):
        if stop_at_comma and toks[k].text in (",", "(", ";", ":", "—", "--") and k > first:
            break
        last = k
    return toks[first].start, toks[last].end


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
    return "" if ss <= q.start < se else text[ss:se]


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
    return fut if kind in (Kind.TARGET.value, Kind.PROJECTION.value) else not fut


def _choose_time(q, cl, clauses, resolved, busy, kind, ref):
    """The time expression that dates Q: its own clause's nearest (one that fits the kind
    first); else one in an earlier, then a later, number-free clause that fits the kind
    (BUSY: the clauses that hold a figure)."""
    own = [(t, y) for t, y in resolved if cl[0] <= t.start < cl[1] and t.kind != "baseline"
           and (y is not None or t.kind in ("present", "decade"))]
    if own:
        dist = lambda ty: (abs(ty[0].start - q.start) if ty[0].start < q.start else ty[0].start - q.end)
        fit = [ty for ty in own if ty[0].kind == "present" or kind is None or _compatible(*ty, kind, ref)]
        return min(fit or own, key=dist)
    ok = lambda t, y: y is not None and t.kind != "baseline" and (kind is None or _compatible(t, y, kind, ref))
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
    baseline = bool(_BASELINE_BEFORE.search(before_q) or (_FROM_BEFORE.search(before_q[-30:]) and later_to))
    k = _tok_at(parsed, ts, te_, q.start)
    while k is not None and k < te_ - 1 and not _NUMTOK.match(parsed.tokens[k].text) and parsed.tokens[k].end <= q.end:
        k += 1
    verdict = kinds.decide(parsed.tokens, fr.children, k, s.stext, q.unit_class == "currency", (q.start, q.end)) \
        if k is not None else kinds.Verdict(None)
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
    te, year = _choose_time(f.q, cl, fr.clauses, s.resolved, fr.tos.busy, kind, ref)
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
            and _is_future(te, year, ref) and te.kind in _FUTURE_KINDS + ("named", "decade", "later"):
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
    if verdict.instrument and kind == Kind.TARGET.value and year is not None and ref is not None \
            and te is not None and not _is_future(te, year, ref) and year < ref:
        kind = Kind.ACHIEVEMENT.value
        kind_rules.append("kind.money-spent")  # "investment of $745m ... in 2016": money spent
    if te is not None and kind != Kind.ACHIEVEMENT.value and not _is_future(te, year, ref) \
            and not (cl[0] <= te.start < cl[1]):
        te, year = None, None
    return kind, kind_rules, te, year


def _undated(s: _Sent, f: _Fig, kind: str, year, period) -> tuple:
    """(year, period, the decisions that dated it) of a figure with no date of its own: the
    sentence's, the paragraph's or the list's, by kind (year.* in models/rules/statements.json)."""
    ctx, ref, verdict = s.ctx, s.ctx.ref_year, f.verdict
    earlier = [(t, y) for t, y in s.resolved if t.end <= f.q.start and t.kind != "baseline" and y is not None]
    if kind in (Kind.TARGET.value, Kind.PROJECTION.value):
        fut = [(t, y) for t, y in earlier if _is_future(t, y, ref)][-1:]
        funding = verdict.instrument or verdict.cue in kinds.classes().allocation_verbs
        # a fund or budget takes its paragraph's horizon, never the headline's from afar
        if fut:
            return fut[0][1], timeexpr.period_str(fut[0][0].period), ("year.sentence", fut[0][0].rule)
        for how, horizon in (("year.paragraph-horizon", ctx.horizon),
                             ("year.list-horizon", ctx.list_horizon if ctx.target_mode else None),
                             ("year.document-horizon", None if funding else ctx.main_horizon)):
            if horizon:
                return horizon[0], timeexpr.period_str(horizon[1]), (how,)
        return year, period, ()
    past = [(t, y) for t, y in earlier if not _is_future(t, y, ref)]
    if past:
        return past[-1][1], timeexpr.period_str(past[-1][0].period), ("year.sentence", past[-1][0].rule)
    if verdict.tense in ("present", "perfect"):
        if ctx.para and verdict.tense == "present":
            return ctx.para[0], period, ("year.paragraph-point",)
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
    return year, period, how


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


def _numeric_record(s: _Sent, fr: _Frame, f: _Fig, out: list) -> Target:
    q, c = f.q, s.c
    kind, kind_rules, te, year = _kind_and_time(s, fr, f)
    year, period, year_rules = _dating(s, fr, f, kind, te, year)
    metric, place, metric_rules = _figure_metric(s, fr, f, out)
    comparator = q.comparator
    if comparator == "equal" and _rx("growth-metric").search(metric):
        comparator = "growth"
    qs_, qe_ = _trim_clause(s.text, f.cl)
    alt = fr.conversions.get(f.i)
    return Target(doc=s.doc, kind=kind, metric=content_metric(metric, c), quote=s.text[qs_:qe_],
                  start=qs_, end=qe_, value=q.value, value_max=q.value_max, unit=q.unit,
                  comparator=comparator, year=year, period=period,
                  subject=place or s.subject, value_start=q.start, value_end=q.end,
                  alt_value=alt.value if alt else None, alt_unit=alt.unit if alt else None,
                  rules=_provenance("statement.numeric", q.rules, te, *year_rules, *kind_rules, *metric_rules))


def _numeric(s: _Sent, qs: list) -> list[Target]:
    """The records of a sentence's figures (QS), in order."""
    out: list[Target] = []
    fr = None
    for i, q in enumerate(qs):
        if _skip(q, s.text, s.parsed, s.c):
            continue
        if q.unit_class == "count" and s.index.in_name(q.start):
            continue
        fr = fr or _frame(s, qs)  # built once, when the first figure needs it
        out.append(_numeric_record(s, fr, _figure(s, fr, i, q, out), out))
    return out


def _provenance(path: str, q_rules=(), te=None, *rest: str) -> tuple[str, ...]:
    """A record's rule ids in the order they applied: its statement path, its quantity's rules,
    its time expression's rule, then the kind and metric rules (empty ids dropped)."""
    return tuple(r for r in (path, *q_rules, te.rule if te is not None else "", *rest) if r)


@lru_cache(maxsize=1)
def _verb_forms() -> frozenset:
    v = resources.load("verbs.json")
    return frozenset(w for k in ("target_verbs", "allocation_verbs", "achievement_verbs", "projection_verbs",
                                 "reporting_verbs", "copulas") for w in v[k]) | {"wants", "includes", "include"}


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


def _trim_clause(text: str, cl: tuple[int, int]) -> tuple[int, int]:
    a, b = cl
    seg = text[a:b]
    m = _rx("lead-conjunction").match(seg)
    if m:
        a += m.end()
    seg = text[a:b]
    a += len(seg) - len(seg.lstrip())
    b -= len(seg) - len(seg.rstrip(" .;,\n"))
    return a, max(a, b)


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


# ------------------------------------------------------------------ tables

_YEAR_HDR = _rule_rx("table.year-column")
_SYM_COMP = {">": "exceed", "≥": "at least", ">=": "at least", "<": "below", "≤": "at most",
             "<=": "at most", "~": "about", "≈": "about"}
_UNIT_HINT = _rx("unit-hint").regex


def _year_columns(hdr) -> list:
    """(column, year, kind from the header or None) of a table's year columns."""
    cols = []
    for j, h in enumerate(hdr):
        m = _YEAR_HDR.search(h or "")
        if j > 0 and m:
            hl = h.lower()
            kind = ("target" if _rule_rx("table.target-header").search(hl) else
                    "achievement" if _rule_rx("table.actual-header").search(hl) else None)
            cols.append((j, int(m.group(1)), kind))
    return cols


def _cell_quantity(cell: str, unit_text: str):
    """(comparator symbol's word or None, the cell's quantity or None)."""
    comp = None
    for sym in sorted(_SYM_COMP, key=len, reverse=True):
        if cell.startswith(sym):
            comp = _SYM_COMP[sym]
            cell = cell[len(sym):].strip()
            break
    qs = [quantities.in_major_unit(q) for q in quantities.parse(cell) if q.unit_class != "duration"]
    if qs and qs[0].unit_class == "count" and unit_text:
        probe = f"{cell} {unit_text.replace('%', 'percent')}"
        qs = [q for q in quantities.parse(probe) if q.unit_class != "duration"] or qs
    return comp, (qs[0] if qs else None)


def _table_kind(year: int, hkind, pub_year, last_year) -> tuple[str, str]:
    """(kind, rule id) of a cell: its header's, else after publication (or the last year) is a target."""
    if pub_year is not None:
        kind, kind_rule = hkind or ("target" if year > pub_year else "achievement"), "table.after-publication"
    else:
        kind, kind_rule = hkind or ("target" if year == last_year else "achievement"), "table.last-year"
    if hkind:
        kind_rule = "table.target-header" if hkind == "target" else "table.actual-header"
    return kind, kind_rule


def _table_records(doc: str, text: str, table: Table, pub_year, subject) -> list[Target]:
    """Indicator | 2020 | 2025 tables: one record per (indicator, year) cell."""
    rows = table.rows
    cols = _year_columns(rows[0])
    if not cols:
        return []
    last_year = max(y for _, y, _ in cols)
    out = []
    for r, row in enumerate(rows[1:], 1):
        if not row or not (row[0] or "").strip():
            continue
        indicator = row[0].strip()
        hint = _UNIT_HINT.search(indicator)
        unit_text = next((g for g in (hint.groups() if hint else ()) if g), "")
        metric = indicator[:hint.start()].strip() if hint else indicator
        span = table.row_spans[r] if r < len(table.row_spans) else None
        for j, year, hkind in cols:
            if j >= len(row) or not (row[j] or "").strip():
                continue
            comp, q = _cell_quantity(row[j].strip(), unit_text)
            if q is None:
                continue
            rate = quantities.lexicon().rate_re.search(indicator)
            rate_rule = ""
            if rate and q.unit_class == "count":
                rate_rule = "table.rate-unit"
                q = replace(q, unit="per " + " ".join(rate.group(0).split()[1:]), unit_class="rate")
                metric = indicator
            kind, kind_rule = _table_kind(year, hkind, pub_year, last_year)
            vs = ve = None
            if span:
                pos = text.find(row[j].strip(), span[0], span[1] + 1)
                if pos >= 0:
                    vs, ve = pos, pos + len(row[j].strip())
            start, end = span if span else (vs or 0, ve or 0)
            out.append(Target(doc=doc, kind=kind, metric=_normalise_metric(metric, cues(), set()),
                              quote=" | ".join(row), start=start, end=end, value=q.value,
                              value_max=q.value_max, unit=q.unit,
                              comparator=comp or q.comparator, year=year, subject=subject,
                              value_start=vs, value_end=ve, source="table",
                              rules=_provenance("statement.table", q.rules, None, "table.year-column", kind_rule,
                                                "table.comparator-symbol" if comp else "",
                                                rate_rule)))
    return out
