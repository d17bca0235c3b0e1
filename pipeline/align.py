"""Cross-document alignment: records that measure the same thing share a ``series``.

Only the (metric, unit class, subject) triples are clustered, so the cost follows the number of
distinct metric phrases, not the number of records.  Records are blocked by unit class and
subject; inside a block, phrases join the most similar series leader when

* both name the same measure class, if both name one ("revenue" is never "added value"),
* the numerators ("X" of "X share of Y") have MiniLM cosine >= ``numerator_threshold``,
* the denominators agree the same way (or both are absent).

Leaders are taken in a fixed order (most frequent phrase first, then alphabetical), so the
result is deterministic; the series id is a hash of the block and the leader phrase.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

import numpy as np

from . import resources

PERCENT_UNITS = {"percent", "%"}
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class _Rules:
    num_t: float
    den_t: float
    synonyms: tuple  # (compiled pattern, canonical)
    classes: frozenset
    strip: frozenset


@lru_cache(maxsize=1)
def rules() -> _Rules:
    d = resources.load("align.json")
    syn = []
    for canon, forms in d["measure_synonyms"].items():
        for f in sorted(forms, key=len, reverse=True):
            syn.append((re.compile(r"\b" + re.escape(f) + r"\b", re.I), canon))
    syn.sort(key=lambda x: -len(x[0].pattern))
    return _Rules(d["numerator_threshold"], d["denominator_threshold"], tuple(syn),
                  frozenset(d["measure_synonyms"]), frozenset(d["strip_words"]))


def unit_class(unit: Optional[str]) -> str:
    """The block a unit belongs to: percent, the currency code, count, or the unit itself."""
    if unit is None:
        return "none"
    if unit in PERCENT_UNITS:
        return "percent"
    if CURRENCY_RE.match(unit):
        return unit  # each currency is its own block: yuan are never compared with dollars
    return unit.lower()


def _singular(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


@dataclass(frozen=True)
class Phrase:
    """A metric reduced for comparison: canonical numerator and denominator, measure classes."""

    raw: str
    num: str
    den: str
    measures: frozenset


def reduce(metric: str, r: Optional[_Rules] = None) -> Phrase:
    r = r or rules()
    m = metric or ""
    m = re.sub(r"\bper\s+[\d,]+(?:\s+[\w-]+){1,3}\s*$", " ", m)  # the rate is the unit's business
    m = re.sub(r"[\d.,%$€£¥]+", " ", m)
    num, _, den = m.partition(" share of ")
    found = set()

    def canon(s: str) -> str:
        for rx, c in r.synonyms:
            if rx.search(s):
                found.add(c)
                s = rx.sub(c, s)
        words = [_singular(w) for w in re.findall(r"[\w&-]+", s.lower()) if w not in r.strip]
        return " ".join(words)

    n, d = canon(num), canon(den)
    return Phrase(metric, n, d, frozenset(found & r.classes))


def _key(subject: Optional[str], unit: Optional[str]) -> tuple[str, str]:
    return unit_class(unit), (subject or "").strip().lower()


def align_keys(triples: Iterable[tuple[str, Optional[str], Optional[str]]], encoder,
               batch_size: int = 256) -> dict[tuple, tuple[str, str]]:
    """Map each (metric, unit, subject) triple to (series id, series name)."""
    r = rules()
    counts: Counter = Counter()
    for t in triples:
        counts[t] += 1
    blocks: dict[tuple, Counter] = defaultdict(Counter)
    for (metric, unit, subject), n in counts.items():
        blocks[_key(subject, unit)][metric] += n
    phrases = {m: reduce(m, r) for b in blocks.values() for m in b}
    texts = sorted({p.num for p in phrases.values()} | {p.den for p in phrases.values() if p.den})
    vecs = dict(zip(texts, encoder.encode(texts, batch_size=batch_size))) if texts else {}
    dim = next(iter(vecs.values())).shape[0] if vecs else 0
    result: dict[tuple, tuple[str, str]] = {}
    for bkey in sorted(blocks):
        metrics = sorted(blocks[bkey], key=lambda m: (-blocks[bkey][m], m))
        leaders: list[tuple[Phrase, str]] = []
        lead_vecs = np.zeros((len(metrics), dim), dtype=np.float32)
        for m in metrics:
            p = phrases[m]
            best = None
            if leaders:
                sims = lead_vecs[:len(leaders)] @ vecs[p.num]
                for j in np.argsort(-sims, kind="stable"):
                    if sims[j] < r.num_t:
                        break
                    lp = leaders[j][0]
                    if p.measures and lp.measures and p.measures != lp.measures:
                        continue
                    if bool(p.den) != bool(lp.den):
                        continue
                    if p.den and p.den != lp.den and float(vecs[p.den] @ vecs[lp.den]) < r.den_t:
                        continue
                    best = int(j)
                    break
            if best is None:
                lead_vecs[len(leaders)] = vecs[p.num]
                leaders.append((p, m))
                best = len(leaders) - 1
            leader = leaders[best][1]
            sid = "S" + hashlib.sha1(f"{bkey[0]}|{bkey[1]}|{leader}".encode()).hexdigest()[:10]
            result[(bkey, m)] = (sid, leader)
    return {t: result[(_key(t[2], t[1]), t[0])] for t in counts}
