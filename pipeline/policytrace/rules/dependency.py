"""spaCy's DependencyMatcher semantics over :class:`~policytrace.nlp.Parsed` tokens.

Patterns are written in spaCy's JSON format (``RIGHT_ID``, ``RIGHT_ATTRS``, ``LEFT_ID``,
``REL_OP``) so they can be read, tested and even loaded into spaCy's own DependencyMatcher, but
they run here on the plain records every stage after the parse works with (no spaCy object
leaves policytrace.nlp).  Supported: the operators ``>  <  >>  <<  .  ;  .*  ;*  $+  $-  $++  $--``
and the token attributes ORTH, TEXT, LOWER, POS, TAG, DEP, ENT_TYPE with a literal value or
``{"IN": [...]}`` / ``{"NOT_IN": [...]}`` / ``{"REGEX": "..."}``; a list value written as
``"$name"`` is looked up in the pattern file's ``lists``.  The anchor (first node) may carry
``"_": {"anchor": true}`` to bind only the token the caller names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Optional, Sequence

_ATTR = {"ORTH": "text", "TEXT": "text", "LOWER": "lower", "POS": "pos", "TAG": "tag",
         "DEP": "dep", "ENT_TYPE": "ent"}


@dataclass(frozen=True)
class Node:
    id: str
    attrs: tuple  # (field, kind, value) with kind in eq | in | not_in | regex
    left: Optional[str]
    op: Optional[str]
    anchor: bool


def compile_pattern(nodes: Sequence[Mapping], lists: Mapping[str, Sequence[str]]) -> tuple[Node, ...]:
    out = []
    for i, n in enumerate(nodes):
        attrs = []
        anchor = False
        for key, val in n.get("RIGHT_ATTRS", {}).items():
            if key == "_":
                anchor = bool(val.get("anchor"))
                continue
            if key not in _ATTR:
                raise ValueError(f"unsupported attribute {key!r} in pattern node {n.get('RIGHT_ID')!r}")
            field = _ATTR[key]
            if isinstance(val, Mapping):
                for k2, v2 in val.items():
                    v2 = _expand(v2, lists)
                    if k2 == "IN":
                        attrs.append((field, "in", frozenset(v2)))
                    elif k2 == "NOT_IN":
                        attrs.append((field, "not_in", frozenset(v2)))
                    elif k2 == "REGEX":
                        attrs.append((field, "regex", re.compile(v2)))
                    else:
                        raise ValueError(f"unsupported predicate {k2!r}")
            else:
                attrs.append((field, "eq", val))
        if i and ("LEFT_ID" not in n or "REL_OP" not in n):
            raise ValueError(f"node {n.get('RIGHT_ID')!r} needs LEFT_ID and REL_OP")
        out.append(Node(n["RIGHT_ID"], tuple(attrs), n.get("LEFT_ID"), n.get("REL_OP"), anchor))
    return tuple(out)


def _expand(v, lists):
    if isinstance(v, str) and v.startswith("$"):
        return lists[v[1:]]
    if isinstance(v, (list, tuple)):
        out = []
        for x in v:
            out.extend(lists[x[1:]] if isinstance(x, str) and x.startswith("$") else [x])
        return out
    return v


def _ok(tok, attrs) -> bool:
    for field, kind, val in attrs:
        x = getattr(tok, field)
        if kind == "eq" and x != val or kind == "in" and x not in val or \
                kind == "not_in" and x in val or kind == "regex" and not val.search(x):
            return False
    return True


class Sentence:
    """The tokens [START, END) of one sentence with their dependents, for matching."""

    def __init__(self, tokens: Sequence, start: int, end: int, children: Mapping[int, Sequence[int]]):
        self.toks = tokens
        self.start, self.end = start, end
        self.children = children

    def related(self, i: int, op: str) -> list[int]:
        t, ch = self.toks, self.children
        inside = lambda j: self.start <= j < self.end
        if op == ">":
            return sorted(ch.get(i, ()))
        if op == "<":
            h = t[i].head
            return [h] if h != i and inside(h) else []
        if op == ">>":
            out, stack = [], list(ch.get(i, ()))
            while stack:
                j = stack.pop()
                out.append(j)
                stack.extend(ch.get(j, ()))
            return sorted(out)
        if op == "<<":
            out, j, seen = [], i, {i}
            while t[j].head != j and inside(t[j].head) and t[j].head not in seen:
                j = t[j].head
                seen.add(j)
                out.append(j)
            return out
        if op == ".":
            return [i + 1] if inside(i + 1) else []
        if op == ";":
            return [i - 1] if inside(i - 1) else []
        if op == ".*":
            return list(range(i + 1, self.end))
        if op == ";*":
            return list(range(i - 1, self.start - 1, -1))
        if op in ("$+", "$-", "$++", "$--"):
            h = t[i].head
            sibs = [j for j in ch.get(h, ()) if j != i] if h != i else []
            if op == "$+":
                return [j for j in sibs if j == i + 1]
            if op == "$-":
                return [j for j in sibs if j == i - 1]
            if op == "$++":
                return sorted(j for j in sibs if j > i)
            return sorted((j for j in sibs if j < i), reverse=True)
        raise ValueError(f"unsupported operator {op!r}")


def match(pattern: tuple[Node, ...], sent: Sentence, anchor: int,
          accept=None) -> Optional[dict[str, int]]:
    """The first binding of PATTERN whose anchor is token ANCHOR (and that ACCEPT, a predicate
    on the binding, allows), or None."""
    first = pattern[0]
    if not _ok(sent.toks[anchor], first.attrs):
        return None
    bound = {first.id: anchor}

    def go(k: int) -> bool:
        if k == len(pattern):
            return accept is None or accept(bound)
        node = pattern[k]
        for j in sent.related(bound[node.left], node.op):
            if j in bound.values() or not _ok(sent.toks[j], node.attrs):
                continue
            bound[node.id] = j
            if go(k + 1):
                return True
            del bound[node.id]
        return False

    return dict(bound) if go(1) else None


@dataclass(frozen=True)
class Rule:
    id: str
    take: str
    nodes: tuple


@lru_cache(maxsize=8)
def load_groups(name: str) -> Mapping[str, tuple[Rule, ...]]:
    """models/NAME: ordered pattern groups, compiled once per process."""
    from .. import resources
    d = resources.load(name)
    lists = {k: tuple(v) for k, v in d["lists"].items()}
    return {g: tuple(Rule(p["id"], p["take"], compile_pattern(p["pattern"], lists)) for p in pats)
            for g, pats in d["groups"].items()}


def first_rule(group: Sequence[Rule], sent: Sentence, anchor: int,
               accept=None) -> tuple[Optional[int], Optional[str]]:
    """(the token the first matching rule of GROUP takes, that rule's id), or (None, None)."""
    for rule in group:
        b = match(rule.nodes, sent, anchor, accept and (lambda bd, r=rule: accept(bd[r.take])))
        if b is not None:
            return b[rule.take], rule.id
    return None, None
