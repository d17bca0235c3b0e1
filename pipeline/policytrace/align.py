"""Cross-document alignment: records that measure the same thing share a ``series``.

A series is (indicator or phrase cluster, subject, unit block).  Only the distinct
(metric, unit, subject) triples are worked on, so the cost follows the number of distinct metric
phrases, not the number of records.

1. **Indicators.**  Each distinct metric phrase is compared (MiniLM cosine) with the surface forms
   of the indicators in ``models/indicators.json`` that have the record's unit class; the best
   form at or above ``indicator_threshold`` (``models/config.json``) wins when the guards hold:
   both or neither are shares ("X share of Y"), they name the same measure class, they use no
   contrasting words ("large" / "small hydro"), and every word one has that the other lacks is
   a generic word ("total", "installed") unless the similarity reaches ``strict_threshold``.
2. **Phrase clusters** for the rest: inside a block (unit block, subject), phrases join the most
   similar leader when the numerators ("X" of "X share of Y") have cosine >= ``numerator_threshold``,
   the denominators agree the same way, measure classes agree and no contrast word differs.

A block never spans two currencies or two unit dimensions ("GW" and "MW" share the block power).
Leaders are taken in a fixed order (most frequent phrase first, then alphabetical), so the result
is deterministic; the series id is a hash of the block and the indicator id or leader phrase.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

import numpy as np

from . import resources
from .errors import ResourceError
from .records import alignable
from .rules import engine as rules_engine, lexicon

PERCENT_UNITS = {"percent", "%"}
_P = rules_engine.load("align")
CURRENCY_RE = _P["currency_code"]
_CURRENCY_HEAD = _P["currency_head"]


@dataclass(frozen=True)
class _Rules:
    num_t: float
    den_t: float
    ind_t: float
    strict_t: float
    synonyms: tuple  # (compiled pattern, canonical)
    abbreviations: tuple  # (compiled pattern, the one spelling), longest form first
    classes: frozenset
    strip: frozenset
    generic: frozenset
    contrasts: tuple  # tuple of tuples of compiled (member, pattern)
    strict: tuple  # per group: a phrase without its words differs from one with them


@lru_cache(maxsize=1)
def rules() -> _Rules:
    d = resources.load("align.json")
    syn = []
    for canon, forms in d["measure_synonyms"].items():
        for f in sorted(forms, key=len, reverse=True):
            syn.append((lexicon.whole_word(f), canon))
    syn.sort(key=lambda x: -len(x[0].pattern))
    groups = [g if isinstance(g, Mapping) else {"words": g} for g in d["contrast_groups"]]
    contrasts = tuple(tuple((m, lexicon.word_or_plural(m))
                            for m in g["words"]) for g in groups)
    strict = tuple(bool(g.get("strict")) for g in groups)
    abbr = sorted(((f, canon) for canon, forms in d["abbreviations"].items() for f in forms),
                  key=lambda x: (-len(x[0]), x[0]))
    return _Rules(d["numerator_threshold"], d["denominator_threshold"],
                  resources.config()["indicator_threshold"], d["strict_threshold"], tuple(syn),
                  tuple((lexicon.whole_word(f), canon) for f, canon in abbr),
                  frozenset(d["measure_synonyms"]), frozenset(d["strip_words"]),
                  frozenset(d["generic_words"]), contrasts, strict)


@lru_cache(maxsize=1)
def _units() -> dict:
    """unit -> (dimension, factor to the dimension's base unit), from models/units.json."""
    return {u["unit"]: (u["dimension"], float(u["to_base"])) for u in resources.load("units.json")["units"]}


def base_factor(unit: Optional[str]) -> float:
    """How many base units of its dimension one UNIT is (1 for units without a dimension)."""
    return _units().get(unit, (None, 1.0))[1] if unit else 1.0


def unit_class(unit: Optional[str]) -> str:
    """The block a unit belongs to: percent, the currency code, a dimension ("power" for kW and GW),
    count, or the unit itself ("per 10,000 people")."""
    if unit is None:
        return "none"
    if unit in PERCENT_UNITS:
        return "percent"
    if CURRENCY_RE.match(unit):
        return unit  # each currency is its own block: yuan are never compared with dollars
    dim = _units().get(unit)
    return dim[0] if dim else unit.lower()


def indicator_class(unit: Optional[str]) -> str:
    """The unit class an indicator declares: like :func:`unit_class`, any currency is 'currency'."""
    if unit is not None and _CURRENCY_HEAD.match(unit):
        return _CURRENCY_HEAD.sub("currency", unit)
    return unit_class(unit)


def _singular(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


@dataclass(frozen=True)
class Phrase:
    """A metric reduced for comparison: canonical numerator and denominator, measure classes,
    the contrast words it uses and its content words."""

    raw: str
    num: str
    den: str
    measures: frozenset
    contrasts: tuple = ()
    words: frozenset = frozenset()


def abbreviate(text: str, r: Optional[_Rules] = None) -> str:
    """TEXT with each long form and acronym of models/align.json ``abbreviations`` in its one
    spelling ("greenhouse gas emissions" and "GHG emissions" are "GHG emissions")."""
    r = r or rules()
    for _ in range(3):  # a spelling may hold another's form: "business expenditure on research
        before = text   # and development" is "... on R&D", then "business R&D expenditure"
        for rx, canon in r.abbreviations:
            text = rx.sub(canon, text)
        if text == before:
            break
    return text


@lru_cache(maxsize=1)
def _spellings() -> tuple:
    """(acronym or short spelling, optionally plural, -> its first long form) of models/align.json
    ``abbreviations`` ("EV" -> "electric vehicle")."""
    out = []
    for canon, forms in resources.load("align.json")["abbreviations"].items():
        long = next((f for f in forms if " " in f and f.lower() != canon.lower()), None)
        if long and " " not in canon:
            out.append((lexicon.word_or_plural(canon), long))
    return tuple(out)


def spell_out(text: str) -> str:
    """TEXT with each acronym of the lexicon written as its long form, for comparing the words of
    two statements ("rebates for EVs" and "zero-emission vehicle incentives" share "vehicle")."""
    for rx, long in _spellings():
        text = rx.sub(long, text)
    return text


def reduce(metric: str, r: Optional[_Rules] = None) -> Phrase:
    r = r or rules()
    m = abbreviate(metric or "", r)
    m = _P["rate_tail"].sub(" ", m)  # the rate is the unit's business
    m = _P["figures"].sub(" ", m)
    num, _, den = m.partition(" share of ")
    found = set()

    def canon(s: str) -> str:
        for rx, c in r.synonyms:
            if rx.search(s):
                found.add(c)
                s = rx.sub(c, s)
        words = [_singular(w) for w in _P["word_token"].findall(s.lower()) if w not in r.strip]
        return " ".join(words)

    n, d = canon(num), canon(den)
    contrasts = tuple(frozenset(mem for mem, rx in g if rx.search(m)) for g in r.contrasts)
    words = frozenset(w for w in (n + " " + d).split() if w not in r.generic)
    return Phrase(metric, n, d, frozenset(found & r.classes), contrasts, words)


def _contrast_ok(a: Phrase, b: Phrase) -> bool:
    return all(x == y if strict else not (x and y and x != y)
               for x, y, strict in zip(a.contrasts, b.contrasts, rules().strict))


def _compatible(a: Phrase, b: Phrase) -> bool:
    if a.measures and b.measures and a.measures != b.measures:
        return False
    return bool(a.den) == bool(b.den) and _contrast_ok(a, b)


# ------------------------------------------------------------------ indicator catalogue


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    unit_class: str
    code: Optional[str]
    codes: tuple  # ((scheme, code), ...)
    forms: tuple


def _code(codes: dict, order) -> Optional[str]:
    for scheme in order:
        if scheme in codes:
            c = codes[scheme]
            return c if scheme == "wdi" else f"{scheme.upper()} {c}"
    return None


@lru_cache(maxsize=1)
def catalogue() -> tuple[Indicator, ...]:
    """The indicators of models/indicators.json; a standard code where one exists.  Every scheme
    a code or code_order names is one of code_schemes (a misspelt scheme would silently never
    become an indicator_code)."""
    d = resources.load("indicators.json")
    order = d["code_order"]
    schemes = set(d["code_schemes"])
    unknown = sorted({s for s in order if s not in schemes}
                     | {f"{i['id']}: {s}" for i in d["indicators"] for s in i["codes"] if s not in schemes})
    if unknown:
        raise ResourceError(f"indicators.json: code schemes not in code_schemes: {', '.join(unknown)}")
    return tuple(Indicator(i["id"], i["name"], i["unit_class"], _code(i["codes"], order),
                           tuple(i["codes"].items()), tuple(i["forms"])) for i in d["indicators"])


def catalogue_forms() -> list[str]:
    """The surface forms the catalogue is matched by (embedded at build time: models/vectors.npz)."""
    return sorted({f for ind in catalogue() for f in ind.forms})


class CatalogueIndex:
    """Surface-form vectors of the catalogue, grouped by unit class; built once per encoder."""

    def __init__(self, encoder):
        r = rules()
        self.indicators = catalogue()
        by_class: dict[str, list] = defaultdict(list)
        for k, ind in enumerate(self.indicators):
            for f in ind.forms:
                by_class[ind.unit_class].append((k, f))
        forms = sorted({f for items in by_class.values() for _, f in items})
        vecs = dict(zip(forms, encoder.encode(forms))) if forms else {}
        reduced = {f: reduce(f, r) for ind in self.indicators for f in (*ind.forms, ind.name)}
        self.classes = {c: ([k for k, _ in items], [reduced[f] for _, f in items],
                            np.stack([vecs[f] for _, f in items]))
                        for c, items in by_class.items()}
        # the words an indicator is spoken of with, over all its forms and its name
        self.vocab = [frozenset().union(*(reduced[f].words for f in (*ind.forms, ind.name)))
                      for ind in self.indicators]

    def best(self, phrase: Phrase, vec: np.ndarray, uclass: str) -> Optional[Indicator]:
        entry = self.classes.get(uclass)
        if entry is None:
            return None
        r = rules()
        ks, phrases, mat = entry
        sims = mat @ vec
        for j in np.argsort(-sims, kind="stable"):
            s = float(sims[j])
            if s < r.ind_t:
                return None
            f = phrases[j]
            if phrase.contrasts != f.contrasts or bool(phrase.den) != bool(f.den) or (
                    phrase.measures and f.measures and phrase.measures != f.measures):
                continue  # same kind words ("offshore", "new"), share structure and measure class
            if s < r.strict_t and not (f.words <= phrase.words <= self.vocab[ks[j]]):
                continue  # a qualifier one of them has and the other lacks ("available", "offshore")
            return self.indicators[ks[j]]
        return None


@lru_cache(maxsize=2)
def catalogue_index(encoder) -> CatalogueIndex:
    return CatalogueIndex(encoder)


# ------------------------------------------------------------------ alignment


def _key(subject: Optional[str], unit: Optional[str]) -> tuple[str, str]:
    return unit_class(unit), (subject or "").strip().lower()


def _sid(*parts: str) -> str:
    return "S" + hashlib.sha1("|".join(parts).encode()).hexdigest()[:10]


def alignment_texts(metrics: Iterable[str], r: Optional[_Rules] = None) -> list[str]:
    """Every text the alignment of METRICS embeds: each metric and its reduced numerator and
    denominator.  A worker embeds these for its document so the parent need not."""
    r = r or rules()
    return _phrase_texts({m: reduce(m, r) for m in metrics})


def _phrase_texts(phrases: dict[str, Phrase]) -> list[str]:
    return sorted(set(phrases) | {p.num for p in phrases.values()} | {p.den for p in phrases.values() if p.den})


def align_keys(triples: Iterable[tuple[str, Optional[str], Optional[str]]], encoder,
               known=None) -> dict[tuple, dict]:
    """Map each (metric, unit, subject) triple to its series fields: ``series``, ``series_name``,
    ``indicator`` and ``indicator_code``.  KNOWN (texts -> {text: vector}) supplies vectors
    computed elsewhere, such as the store's."""
    r = rules()
    counts: Counter = Counter()
    for t in triples:
        counts[t] += 1
    blocks: dict[tuple, Counter] = defaultdict(Counter)
    units: dict[tuple, str] = {}
    for (metric, unit, subject), n in counts.items():
        blocks[_key(subject, unit)][metric] += n
        units[(_key(subject, unit), metric)] = indicator_class(unit)
    phrases = {m: reduce(m, r) for b in blocks.values() for m in b}
    texts = _phrase_texts(phrases)
    vecs = dict(zip(texts, encoder.encode(texts, known))) if texts else {}
    dim = next(iter(vecs.values())).shape[0] if vecs else 0
    index = catalogue_index(encoder) if phrases else None
    mapped: dict[tuple[str, str], Optional[Indicator]] = {}
    result: dict[tuple, dict] = {}
    for bkey in sorted(blocks):
        metrics = sorted(blocks[bkey], key=lambda m: (-blocks[bkey][m], m))
        for m in metrics:
            uc = units[(bkey, m)]
            if (m, uc) not in mapped:
                mapped[(m, uc)] = index.best(phrases[m], vecs[m], uc)
        # phrases mapped to an indicator lead; the others join the most similar leader or lead
        metrics.sort(key=lambda m: mapped[(m, units[(bkey, m)])] is None)
        leaders: list[tuple[Phrase, dict]] = []
        lead_vecs = np.zeros((len(metrics), dim), dtype=np.float32)
        for m in metrics:
            p = phrases[m]
            ind = mapped[(m, units[(bkey, m)])]
            fields = None
            if ind is not None:
                fields = {"series": _sid(bkey[0], bkey[1], "indicator", ind.id), "series_name": ind.name,
                          "indicator": ind.id, "indicator_code": ind.code}
            elif leaders:
                sims = lead_vecs[:len(leaders)] @ vecs[p.num]
                for j in np.argsort(-sims, kind="stable"):
                    if sims[j] < r.num_t:
                        break
                    lp = leaders[j][0]
                    if not _compatible(p, lp):
                        continue
                    if p.den and p.den != lp.den and float(vecs[p.den] @ vecs[lp.den]) < r.den_t:
                        continue
                    fields = leaders[int(j)][1]
                    break
            if fields is None:
                fields = {"series": _sid(bkey[0], bkey[1], m), "series_name": m,
                          "indicator": None, "indicator_code": None}
            if ind is not None or fields["series_name"] == m:
                lead_vecs[len(leaders)] = vecs[p.num]
                leaders.append((p, fields))
            result[(bkey, m)] = fields
    return {t: result[(_key(t[2], t[1]), t[0])] for t in counts}


# ------------------------------------------------------------------ claims


def claim_text(t: Mapping) -> Optional[str]:
    """What a numeric record says, with its figure masked: the words of its clause around the
    figure (100 characters before, 60 after), the figure as "X" and every other number as "#".
    Phrase identity breaks where the metric parse fails ("the government", "since close", none
    at all); the claim says what the figure is of whatever the parse made of it."""
    q, s, a, b = t.get("quote"), t.get("start"), t.get("value_start"), t.get("value_end")
    if t.get("kind") == "milestone" or t.get("value") is None or not q or s is None or a is None or b is None:
        return None
    a, b = a - s, b - s
    if not 0 <= a <= b <= len(q):
        return None
    lo, hi = max(0, a - 100), min(len(q), b + 60)
    text = _P["figures_any"].sub(" # ", q[lo:a]) + " X " + _P["figures_any"].sub(" # ", q[b:hi])
    return " ".join(abbreviate(text).lower().split())


def claims_of(rows: list[Mapping]) -> dict[int, str]:
    """{row index: claim} of ROWS, for the documents with at most ``claim_max_per_document``
    claims (models/config.json): a text of thousands of figures (a table dump, a list of numbers)
    aligns by its phrases alone, so no worker embeds a sentence per number."""
    out = {i: c for i, d in enumerate(rows) if (c := claim_text(d)) is not None}
    per_doc = Counter(rows[i].get("doc") for i in out)
    most = resources.config()["claim_max_per_document"]
    return {i: c for i, c in out.items() if per_doc[rows[i].get("doc")] <= most}


def align_records(rows: list[Mapping], encoder, known=None) -> list[Optional[dict]]:
    """The series fields of each of ROWS (target dicts), in order (None: no series).  The
    phrases of the records whose metric passed the gate are aligned first (:func:`align_keys`);
    then, inside each block, series of different documents whose claims say the same thing
    (MiniLM cosine of :func:`claim_text` >= ``claim_threshold``, models/config.json, or
    ``claim_restated_threshold`` for an equal figure, see :func:`_merge_claims`) are one
    series, and a record with no metric joins the series of the claim most like its own.
    Listed figures that the phrase stage put in one series are first taken out of it
    (:func:`_split_sentences`) when the claim pass will align them.  A record with no subject
    aligns only within its document."""
    keyed = [(i, (phrase_of(d), d.get("unit"), _subject(d))) for i, d in enumerate(rows) if alignable(d)]
    mapping = align_keys([k for _, k in keyed], encoder, known) if keyed else {}
    out: list[Optional[dict]] = [None] * len(rows)
    for i, k in keyed:
        out[i] = mapping[k]
    claims = claims_of(rows)
    cfg = resources.config()
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i in claims:
        blocks[_key(_subject(rows[i]), rows[i].get("unit"))].append(i)
    blocks = {k: v for k, v in blocks.items() if 1 < len(v) <= cfg["claim_block_limit"]}
    # only figures the claim pass will align give up their list's phrase series
    _split_sentences(rows, out, {i for v in blocks.values() for i in v})
    if not blocks:
        return out
    texts = sorted({claims[i] for v in blocks.values() for i in v})
    vecs = dict(zip(texts, encoder.encode(texts, known)))
    t = (cfg["claim_threshold"], cfg["claim_restated_threshold"])
    for bkey in sorted(blocks):
        idx = blocks[bkey]
        _merge_claims(bkey, idx, rows, out, np.stack([vecs[claims[i]] for i in idx]), t)
    return out


def _amount(d: Mapping) -> Optional[tuple]:
    """A record's figure in its dimension's base unit (a range as both ends), for telling a
    figure restated from another of the same unit."""
    v = d.get("value")
    if v is None:
        return None
    f = base_factor(d.get("unit"))
    hi = d.get("value_max")
    return round(float(v) * f, 9), None if hi is None else round(float(hi) * f, 9)


def _split_sentences(rows: list[Mapping], out: list, claimed: set) -> None:
    """Figures of one sentence and year that differ and are listed together (models/rules/
    align.json ``coordination``: "EUR 4,000 for a new car and EUR 2,000 for a used car", "20 GW of
    wind, 10 GW of solar") are different quantities: when the phrase stage gave a list's figures
    one series (the parse read one phrase for the list), none of the sentence's figures in it
    keeps it, and each is aligned by its own claim.  A figure passed on the way to another ("surpassed X to reach Y", "from X to Y") is
    one quantity, and horizons ("40% by 2025 and 75% by 2030") differ in year."""
    members: dict[tuple, list[int]] = defaultdict(list)
    for i, f in enumerate(out):
        d = rows[i]
        if f is not None and i in claimed and d.get("value_start") is not None and d.get("quote") \
                and d.get("start") is not None:
            members[(d.get("doc"), d.get("start"), d.get("year"), f["series"])].append(i)
    listed = _P["coordination"]
    for idx in members.values():
        idx.sort(key=lambda i: rows[i]["value_start"])
        if any(_amount(rows[a]) != _amount(rows[b]) and listed.search(_between(rows[a], rows[b]))
               for a, b in zip(idx, idx[1:])):
            for i in idx:  # the list's phrase tells none of its figures apart
                out[i] = None


def _between(a: Mapping, b: Mapping) -> str:
    """The words of one quote between the figure of A and the figure of B."""
    return a["quote"][a["value_end"] - a["start"]:b["value_start"] - a["start"]]


def phrase_of(d: Mapping) -> Optional[str]:
    """The phrase a record aligns by: its metric, with the measure its unit names when the
    metric names none (models/align.json ``unit_measures``: 'renewable energy' in GW is
    'renewable energy capacity'; a one-word metric, 'power' in MW, is left as it is)."""
    m = d.get("metric")
    if not m:
        return m
    measure = resources.load("align.json")["unit_measures"].get(unit_class(d.get("unit")))
    p = reduce(m) if measure else None
    if p is not None and not p.measures and len(m.split()) > 1:  # a bare "power" says nothing more
        return f"{m} {measure}"
    return m


def _subject(d: Mapping) -> str:
    """Whose figure a record is, for its block: a record with no subject is its document's
    alone, so two documents' figures of unknown places never meet in one series."""
    return d.get("subject") or f"(no subject) {d.get('doc')}"


def _merge_claims(bkey: tuple, idx: list[int], rows: list[Mapping], out: list, mat: np.ndarray,
                  t: tuple[float, float]) -> None:
    """Union of the block's series (a record with no series is one of its own) over pairs of
    records of different documents whose claims reach T[0] (``claim_threshold``), or T[1]
    (``claim_restated_threshold``) when both state the same figure: a plan's figure restated in
    the next version is worded anew ("a EUR 20 million fund" in a list, "through our EUR 20
    million fund" in prose), and an equal amount in one unit is evidence the claims need not
    repeat -- when one of the two has no phrase series: two records that each name what they
    measure ("trees on 50% of streets", "cut waste by 50%") need the full bar.  Most similar first.  Two series never
    merge when each holds a figure of one same sentence and year (the parse told "EUR 3,000 for
    a new car and EUR 2,000 for a used car" apart; "40% by 2025 and 75% by 2030" are two
    horizons of one), when both map to different indicators or their phrases differ in measure
    class or a contrast word; the
    merged series keeps the fields of the one with an indicator, else of the larger."""
    n, r = len(idx), rules()
    group = {}
    for k, i in enumerate(idx):
        f = out[i]
        group[k] = f["series"] if f else f"row{i}"
    members: dict[str, list[int]] = defaultdict(list)
    for k in range(n):
        members[group[k]].append(k)
    parent = {g: g for g in members}

    def find(g):
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    fields = {g: out[idx[ks[0]]] for g, ks in members.items()}
    sents = {g: {(rows[idx[k]].get("doc"), rows[idx[k]].get("start"), rows[idx[k]].get("year")) for k in ks}
             for g, ks in members.items()}
    docs = [rows[i].get("doc") for i in idx]
    amounts = [_amount(rows[i]) for i in idx]
    phrased = [out[i] is not None for i in idx]
    sims = mat @ mat.T
    cand = [(float(sims[a, b]), a, b) for a in range(n) for b in range(a + 1, n)
            if docs[a] != docs[b] and (sims[a, b] >= t[0] or sims[a, b] >= t[1] and amounts[a] == amounts[b]
                                       and not (phrased[a] and phrased[b]))]
    cand.sort(key=lambda x: (-x[0], x[1], x[2]))
    for _, a, b in cand:
        ga, gb = find(group[a]), find(group[b])
        if ga == gb or sents[ga] & sents[gb]:
            continue
        fa, fb = fields[ga], fields[gb]
        if fa and fb and (fa.get("indicator") and fb.get("indicator") and fa["indicator"] != fb["indicator"]
                          or not _compatible(reduce(fa["series_name"], r), reduce(fb["series_name"], r))):
            continue  # the phrases say they differ: another measure class or a contrast word
        keep, drop = (ga, gb) if _leads(fa, len(members[ga]), fb, len(members[gb])) else (gb, ga)
        parent[drop] = keep
        members[keep] += members.pop(drop)
        sents[keep] |= sents.pop(drop)
        fields[keep] = fields[keep] or fields.pop(drop, None)
    for g, ks in members.items():
        f = fields[g]
        if f is None:
            if len({docs[k] for k in ks}) < 2:
                continue  # a claim of its own is no series
            first = rows[idx[ks[0]]]
            f = {"series": _sid(bkey[0], bkey[1], "claim", claim_text(first) or ""),
                 "series_name": claim_text(first), "indicator": None, "indicator_code": None}
        for k in ks:
            out[idx[k]] = f


def _leads(fa: Optional[dict], na: int, fb: Optional[dict], nb: int) -> bool:
    """Does series A lead a merge with B: one with an indicator, else a named one, else the larger."""
    ka = (bool(fa and fa.get("indicator")), fa is not None, na)
    kb = (bool(fb and fb.get("indicator")), fb is not None, nb)
    return ka >= kb
