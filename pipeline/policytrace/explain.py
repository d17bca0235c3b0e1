"""Which rules made each record, and where they matched: ``policytrace explain FILE``.

A record keeps the ids of its rules (``Target.rules``); this module finds, for each id, the rule
that carries it and where it matches in the record's own sentence, so a user reading a wrong
record sees which rule to change and the words it fired on.  Ids of dependency patterns
(models/metric_patterns.json) and of code paths are shown with the record's figure or quote.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Mapping, Optional

from . import rules as rules_mod
from .records import Document, Target


@dataclass(frozen=True)
class RuleUse:
    """One rule of a record: its id, the file it lives in (None for a dependency pattern), the
    span it stands for (offsets into the document text) and how that span was found: ``match``
    (the rule's pattern, in the record's sentence), ``before`` (its nearest match before the
    sentence: a horizon carried over) or ``figure`` (a decision or dependency pattern, which has
    no pattern of its own: the record's figure)."""

    rule: str
    file: Optional[str]
    start: int
    end: int
    text: str
    how: str = "match"


_LOOKBACK = 2000  # characters before a record searched for a rule its sentence does not hold


@lru_cache(maxsize=1)
def rule_index() -> Mapping[str, str]:
    """rule id -> the rule file (models/rules/NAME.json) that defines it (rules, steps and
    decisions alike)."""
    out = {}
    for name in rules_mod.rule_files():
        rs = rules_mod.load(name)
        for rid in (*(r.id for r in rs.rules), *(s.id for ph in rs.steps.values() for s in ph), *rs.decisions):
            out.setdefault(rid, name)
    return MappingProxyType(out)


def _anchor(t: Target) -> tuple[int, int]:
    if t.value_start is not None and t.value_end is not None:
        return t.value_start, t.value_end
    return t.start, t.end


def _locate(rule, doc: Document, t: Target) -> Optional[tuple[int, int, str]]:
    a0, a1 = _anchor(t)
    if isinstance(rule, rules_mod.Step) and rule.window is not None:
        # a step looked in its own window beside the figure: search exactly there
        window, lo = rule.window_text(doc.text, a0, a1)
        m = rule.find(window)
        return (lo + m.start(), lo + m.end(), "match") if m else None
    regex = rule.regex
    cands = [(m.start(), m.end()) for m in regex.finditer(doc.text, t.start, t.end)]
    if cands:
        s, e = min(cands, key=lambda x: (abs((x[0] + x[1]) / 2 - (a0 + a1) / 2), x))
        return s, e, "match"
    before = [(m.start(), m.end()) for m in regex.finditer(doc.text, max(0, t.start - _LOOKBACK), t.start)]
    return (*before[-1], "before") if before else None


def uses(doc: Document, t: Target) -> list[RuleUse]:
    """The rules of record T, in the order they applied, each with the span it stands for: of
    its pattern's matches within the record's sentence the one nearest the figure (the bare
    pattern: guards that need the run's facts are not re-run), else its nearest match before
    the sentence (a year carried from earlier text), else the figure (a decision or a
    dependency pattern has no pattern of its own)."""
    idx = rule_index()
    a0, a1 = _anchor(t)
    out = []
    for rid in t.rules:
        name = idx.get(rid)
        rule = rules_mod.load(name).get(rid) if name is not None else None
        found = _locate(rule, doc, t) if getattr(rule, "regex", None) is not None else None
        s, e, how = found or (a0, a1, "figure")
        out.append(RuleUse(rid, name, s, e, doc.text[s:e], how))
    return out


def render(doc: Document, targets: tuple[Target, ...] | list[Target]) -> str:
    """Plain text: each record, then one line per rule with its span."""
    lines = [f"{doc.doc}  {doc.path}  {len(targets)} records"]
    for n, t in enumerate(targets, 1):
        value = "" if t.value is None else f" {t.value:g}{'-' + format(t.value_max, 'g') if t.value_max is not None else ''} {t.unit or ''}".rstrip()
        lines.append("")
        lines.append(f"[{n}] {t.kind}{value} · metric: {t.metric or '-'} · year: {t.year or '-'}  ({t.id})")
        lines.append(f"    “{' '.join(t.quote.split())}”")
        for u in uses(doc, t):
            where = f"models/rules/{u.file}.json" if u.file else "models/metric_patterns.json"
            mark = {"match": "", "before": " (before the sentence)", "figure": " (at the figure)"}[u.how]
            lines.append(f"    {u.rule:<32} {u.start:>6}-{u.end:<6} “{' '.join(u.text.split())[:50]}”{mark}  {where}")
    return "\n".join(lines)
