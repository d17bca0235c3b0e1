"""What every statement of a document shares: the cues, the index of names and places,
the running time context (horizon, paragraph, publication year) and helpers over the parse.
"""
from __future__ import annotations

import bisect
import datetime
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .. import places, resources, rules
from ..time import expressions as timeexpr
from ..rules import lexicon
from ..nlp import Parsed


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
            name = _rx("state-form").sub("", name)  # "the Republic of Valdoria" is Valdoria
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
        self.list_open = 0  # a line ending with a colon opens a list for its items
        self.in_items = False
        self.list_time: tuple = (None, None)  # the heading's (horizon, para)
        self.base: Optional[int] = None  # a base year named for the paragraph ("using 2019 as a baseline:")
        self.list_base: Optional[int] = None  # the base year a list's heading named, for its items
        # a base said in a sentence with no figure ("Absolute over a 2015 baseline."): it is said
        # for what follows, and holds for the next paragraph too
        self.carry_base: Optional[int] = None
        self.actor = ""  # who the sentence being read is about (``actor``)
        self.horizon_actor = ""  # who the sentence that set the horizon was about

    def open_list(self):
        """A line ending with a colon: the lines after it may be its items."""
        self.list_open, self.in_items = 2, False
        self.list_time = (self.horizon, self.para)
        self.list_base = self.base

    def new_paragraph(self, list_item: bool = False):
        """A line break.  A list opened by a line ending with a colon stays open over the lines
        that are its items ("Targets for 2030:" / "- 45% renewable power" / "- 20,000 green
        jobs", "Results for 2023:" / "- 41% recycled"): they keep its horizon or year.  The first
        line after its items that is not one closes it."""
        if list_item and self.list_open:
            self.in_items = True  # the heading's base year holds for its items too
            # each item starts from its heading's time, never from the item before it
            self.horizon, self.para = self.list_time
            return
        if self.in_items:  # the list has ended
            self.target_mode = self.list_open = 0
            self.in_items = False
        self.para = None
        self.horizon = None
        self.list_open = max(0, self.list_open - 1)
        self.target_mode = max(0, self.target_mode - 1)
        if not self.target_mode:
            self.list_horizon = self.list_base = None
        # "Our 2030 goals, against a 2015 baseline." / "EMISSIONS: cut 25%": a heading's base
        # holds for the lines it heads, as its horizon does (list_horizon)
        self.base = self.list_base if self.list_base is not None else self.carry_base
        self.carry_base = None

    def see(self, te: timeexpr.TimeExpr, year: Optional[int]):
        if year is not None and te.kind == "baseline" and te.rule in _NAMED_BASE:
            self.base = year
            if self.list_open and not self.in_items:
                self.list_base = year  # said in the heading, after the words that opened the list
        if year is None or te.kind == "baseline":
            return
        self.last_year = year
        ref = self.ref_year
        if _is_future(te, year, ref):
            self.horizon = self.last_horizon = (year, te.period)
            self.horizon_actor = self.actor
            if self.target_mode:
                self.list_horizon = self.horizon
        elif ref is None or year <= ref:
            self.para = (year, te.period)


def named_base(resolved) -> Optional[int]:
    """The last base year a sentence names as such (``_NAMED_BASE``), or None."""
    return next((y for t, y in reversed(resolved) if y is not None and t.kind == "baseline"
                 and t.rule in _NAMED_BASE), None)


# rules that name a base year as such ("from a 2019 baseline", "below 1990 levels", "(2015
# baseline)"): it holds for the paragraph's later figures; "from 2015" or "since 2015" does not
_NAMED_BASE = frozenset({"time.base_noun", "time.base_phrase", "time.base_compared", "time.base_bracket",
                         "time.year_level"})


def actor(parsed: Parsed, ts: int, te_: int) -> str:
    """Who a sentence is about: the proper noun of its main clause's subject ("Lyon" in "By
    2030, Lyon will cut ...", "Mexico" in "Mexico's goal is ..."), else the subject's own
    word ("it", "ira"), lower-cased; "" when the parse gives no subject."""
    toks = parsed.tokens
    subj = next((k for k in range(ts, te_) if toks[k].dep in ("nsubj", "nsubjpass")
                 and toks[toks[k].head].dep == "ROOT"), None)
    if subj is None:
        return ""
    names = [k for k in range(ts, te_) if toks[k].pos == "PROPN" and toks[k].head == subj]
    return toks[names[0] if names and toks[subj].pos != "PROPN" else subj].lower


def _is_future(te: timeexpr.TimeExpr, year: Optional[int], ref: Optional[int]) -> bool:
    if year is None:
        return te.kind == "decade"
    if te.kind in _FUTURE_KINDS or te.kind in ("named", "relative"):
        return ref is None or year >= ref
    # a text with no year of its own was written by today at the latest: "45% in 2030" is ahead
    return year > (ref if ref is not None else datetime.date.today().year)


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


def latest_reported(sents, today: Optional[int] = None) -> Optional[int]:
    """The latest year an undated text reports on as a point in time: a sentence that looks
    ahead ("In 2035, 100% of sales need to be electric") reports nothing, a bare year may be a
    horizon, a base year counts only when no point does, and a report named with its year
    ("Climatescope 2017") counts, a plan named with its horizon ("Agenda 2063") never does.
    No text reports on a year after TODAY (the clock's year): "50% in 2030" is a goal."""
    ahead = _rx("looks-ahead")
    today = today or datetime.date.today().year
    points: list[int] = []
    bases: list[int] = []
    named: list[int] = []
    for stext, texprs in sents:
        forward = None
        for t in texprs:
            if not t.year or t.kind not in ("point", "baseline", "named") or t.year > today:
                continue
            if t.kind == "named":
                named.append(t.year)
                continue
            if forward is None:
                forward = ahead.search(stext) is not None
            if forward:
                continue
            if t.kind == "baseline":
                bases.append(t.year)
            elif not (_rx("four-digits").fullmatch(t.text.strip()) or _rx("onset-point").match(t.text.strip())):
                points.append(t.year)
    points = points or bases
    years = points + [y for y in named if points and y <= max(points) + 1]
    return max(years) if years else None


def reference_year(text: str) -> Optional[int]:
    """The year an undated document was most likely written (``latest_reported`` over its
    sentences)."""
    texprs = timeexpr.find(text)
    bounds = [m.end() for m in _rx("sentence-break").finditer(text)] + [len(text)]
    sents, start, i = [], 0, 0
    for end in bounds:
        chunk = []
        while i < len(texprs) and texprs[i].start < end:
            chunk.append(texprs[i])
            i += 1
        if chunk:
            sents.append((text[start:end], chunk))
        start = end
    return latest_reported(sents)


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


def _provenance(path: str, q_rules=(), te=None, *rest: str) -> tuple[str, ...]:
    """A record's rule ids in the order they applied: its statement path, its quantity's rules,
    its time expression's rule, then the kind and metric rules (empty ids dropped)."""
    return tuple(r for r in (path, *q_rules, te.rule if te is not None else "", *rest) if r)


@lru_cache(maxsize=1)
def _verb_forms() -> frozenset:
    v = resources.load("verbs.json")
    return frozenset(w for k in ("target_verbs", "allocation_verbs", "achievement_verbs", "projection_verbs",
                                 "reporting_verbs", "copulas") for w in v[k]) | {"wants", "includes", "include"}


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
