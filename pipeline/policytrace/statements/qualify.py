"""Bare metrics take the qualifier their document gives them.

"Together their capacity comes to 6.1 GW" measures offshore wind capacity when the document
speaks of offshore wind capacity and nothing else; "the total output value reached NT$3 trillion"
is the semiconductor industry's when the sentence names it.  A metric made only of a head noun
(``bare_heads`` in models/metrics.json) and generic words takes the qualifier of the nearest
"<qualifier> <anchor>" before it in its sentence, otherwise the document's only one; with two
different qualifiers in the document and none in the sentence it stays as it is.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Optional

from .. import resources
from .. import rules as engine
from ..nlp import Parsed
from ..records import Target



def _rx(name: str) -> engine.Pattern:
    """A helper regex of models/rules/statements.json: "change-suffix-captured", "lower-word"."""
    return engine.load("statements")[name]


@dataclass(frozen=True)
class _Rules:
    heads: dict  # head phrase -> anchor nouns, longest head first
    generic: frozenset
    adjectives: frozenset


@lru_cache(maxsize=1)
def rules() -> _Rules:
    m = resources.load("metrics.json")
    heads = {k: tuple(v) for k, v in sorted(m["bare_heads"].items(), key=lambda kv: -len(kv[0]))
             if not k.startswith("_")}
    return _Rules(heads, frozenset(m["bare_generic_words"]), frozenset(m["qualifier_adjectives"]))


def bare_head(metric: Optional[str], r: Optional[_Rules] = None) -> Optional[str]:
    """The head a metric consists of (with generic words only), or None."""
    if not metric or " share of " in metric:
        return None
    r = r or rules()
    low = _rx("change-suffix-captured").sub("", metric.lower().strip())
    for head in r.heads:
        if low == head or low.endswith(" " + head):
            rest = low[: len(low) - len(head)].split()
            if all(w in r.generic for w in rest):
                return head
    return None


def mentions(parsed: Parsed, r: Optional[_Rules] = None) -> list[tuple[int, str, str]]:
    """(char offset, anchor, qualifier) for every anchor noun with a qualifier of its own:
    noun compounds and the adjectives that name a kind ("offshore", "renewable")."""
    r = r or rules()
    anchors = {a for v in r.heads.values() for a in v}
    toks = parsed.tokens
    out = []
    for t in toks:
        if t.lower not in anchors or t.pos not in ("NOUN", "PROPN"):
            continue
        words = []
        j = t.i - 1
        while j >= 0 and toks[j].head > toks[j].i and toks[j].head <= t.i and (
                (toks[j].dep in ("compound", "nmod") and toks[j].pos in ("NOUN", "PROPN"))
                or (toks[j].dep == "amod" and toks[j].lower in r.adjectives)
                or (toks[j].dep == "amod" and toks[j].pos == "NOUN")):
            words.append(toks[j].lower)
            j -= 1
        words = [w for w in reversed(words) if w not in r.generic and _rx("lower-word").fullmatch(w)]
        if words:
            out.append((t.start, t.lower, " ".join(words)))
    return out


def complete(records: list[Target], parsed: Parsed, headline_chars: int = 400) -> list[Target]:
    """Records whose metric is bare, qualified from their sentence or their document."""
    r = rules()
    found = sent_starts = tok_starts = headline = None
    out = []
    for rec in records:
        head = bare_head(rec.metric, r) if rec.value is not None else None
        if head is None:
            out.append(rec)
            continue
        if found is None:  # built once per document, and only when a bare metric needs it
            found = mentions(parsed, r)
            sent_starts = [parsed.tokens[a].start for a, _ in parsed.sents if a < len(parsed.tokens)]
            tok_starts = [t.start for t in parsed.tokens]
            headline = parsed.text[:headline_chars].lower()
        anchors = r.heads[head]
        pos = rec.value_start if rec.value_start is not None else rec.start
        k = bisect.bisect_right(sent_starts, pos) - 1
        s0 = sent_starts[k] if k >= 0 else 0
        owner = _owner(parsed, bisect.bisect_left(tok_starts, pos), pos, head, r)
        same = [m for m in found if m[1] in anchors and s0 <= m[0] < pos]
        quals = {m[2] for m in found if m[1] in anchors}
        anchor = head
        if owner:
            qual, rule = owner, "qualify.owner"  # "48 new solar farms with a total capacity of 910 MW"
        elif same:
            qual, anchor, rule = same[-1][2], same[-1][1], "qualify.sentence"
        elif len(quals) == 1 and (next(iter(quals)) in headline
                                  or sum(m[2] in quals for m in found) >= 2):
            qual, rule = next(iter(quals)), "qualify.document"  # the document's only kind, named in its headline or twice
            anchor = next(m[1] for m in found if m[1] in anchors and m[2] == qual)
        else:
            out.append(rec)
            continue
        change = _rx("change-suffix-captured").search(rec.metric.lower())
        core = f"{qual} {anchor} {head}" if anchor != head else f"{qual} {head}"
        out.append(replace(rec, metric=core + (f" {change.group(1)}" if change else ""), rules=(*rec.rules, rule)))
    return out


def _owner(parsed: Parsed, before: int, pos: int, head: str, r: _Rules) -> Optional[str]:
    """The kind of the thing that has the measure: 'new solar farms with a capacity of'.
    BEFORE is the index of the first token at or after POS; the head is looked for just before it."""
    toks = parsed.tokens
    last = head.split()[-1]
    k = None
    for j in range(before - 1, -1, -1):
        if toks[j].start < pos - 80:
            break  # the head sits right before its figure ("a total capacity of 742 MW")
        if toks[j].end <= pos and toks[j].lower == last:
            k = j
            break
    if k is None:
        return None
    prep = toks[toks[k].head]
    if prep.lower != "with" or prep.i == k:
        return None
    owner = toks[prep.head]
    if owner.pos in ("VERB", "AUX") and prep.i > 0 and toks[prep.i - 1].head == owner.i \
            and toks[prep.i - 1].dep in ("dobj", "obj"):
        owner = toks[prep.i - 1]  # the parser hung "with" on the verb; it belongs to its object
    if owner.pos not in ("NOUN", "PROPN") or owner.i == prep.i:
        return None
    words = []
    for j in range(owner.i - 1, max(-1, owner.i - 7), -1):
        h = toks[j]
        while h.i != owner.i and h.dep in ("amod", "compound") and h.i < h.head <= owner.i:
            h = toks[h.head]
        if h.i != owner.i:
            break  # only the modifiers right before the owner ("73" ends them)
        if toks[j].lower not in r.generic and _rx("lower-word").fullmatch(toks[j].lower):
            words.append(toks[j].lower)
    words.reverse()
    return " ".join(words) or None
