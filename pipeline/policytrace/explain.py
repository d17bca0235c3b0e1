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
    """One rule of a record: its id, the file it lives in (None for a code path) and the span
    of the record's text it matched (offsets into the document text)."""

    rule: str
    file: Optional[str]
    start: int
    end: int
    text: str


_LOOKBACK = 2000  # characters before a record searched for a rule its sentence does not hold


@lru_cache(maxsize=1)
def rule_index() -> Mapping[str, str]:
    """rule id -> the rule file (models/rules/NAME.json) that defines it."""
    out = {}
    for name in rules_mod.rule_files():
        for r in rules_mod.load(name).rules:
            out.setdefault(r.id, name)
    return MappingProxyType(out)


def _anchor(t: Target) -> tuple[int, int]:
    if t.value_start is not None and t.value_end is not None:
        return t.value_start, t.value_end
    return t.start, t.end


def uses(doc: Document, t: Target) -> list[RuleUse]:
    """The rules of record T, in the order they applied, each with where it matched: of a
    surface rule's matches within the record's sentence, the one nearest the record's figure."""
    idx = rule_index()
    a0, a1 = _anchor(t)
    out = []
    for rid in t.rules:
        name = idx.get(rid)
        span = None
        if name is not None:
            rule = rules_mod.load(name).rule(rid)
            cands = [(m.start(), m.end()) for m in rule.regex.finditer(doc.text, t.start, t.end)]
            if cands:
                span = min(cands, key=lambda s: (abs((s[0] + s[1]) / 2 - (a0 + a1) / 2), s))
            else:  # carried from an earlier sentence ("By 2025, ... . It will also ..."): the nearest before
                before = [(m.start(), m.end()) for m in rule.regex.finditer(doc.text, max(0, t.start - _LOOKBACK), t.start)]
                span = before[-1] if before else None
        s, e = span or (a0, a1)
        out.append(RuleUse(rid, name, s, e, doc.text[s:e]))
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
            where = f"models/rules/{u.file}.json" if u.file else "code path / dependency pattern"
            lines.append(f"    {u.rule:<34} {u.start:>6}-{u.end:<6} “{' '.join(u.text.split())[:60]}”  {where}")
    return "\n".join(lines)
