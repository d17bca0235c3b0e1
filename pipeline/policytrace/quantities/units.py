"""Physical units from quantulum3's table, as data: which unit a word or symbol after a number is.

models/unit_table.json is generated from quantulum3's own table (tools/make_unit_table.py),
so every unit quantulum3 knows is found without importing it (its import takes ~1.7 s and its
parser ~2.5 ms a sentence).  Ambiguous surfaces ("t": tonne or tesla, "mb") are resolved by
models/units.json's ``table_preferences`` and then by entity priority, the cheap half of what
quantulum3's classifier does; what policy texts need most (energy, emissions) stays in
models/units.json with conversion factors and wins over this table.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .. import resources
from .vocab import hits, match, pattern


@dataclass(frozen=True)
class TableUnit:
    name: str
    entity: str
    end: int
    rule: str = ""  # the rule of models/rules/quantities.json that read it: by name or by symbol


@dataclass(frozen=True)
class _Table:
    symbols: dict
    symbols_lower: dict
    surfaces: dict
    entities: dict
    prefer: dict
    entity_rank: dict
    spaced_single: frozenset
    glued_single: frozenset
    letter_followers: frozenset
    max_words: int


@lru_cache(maxsize=1)
def table() -> _Table:
    t = resources.load("unit_table.json")
    policy = resources.load("units.json")["table_policy"]
    stop = frozenset(policy["stop_surfaces"])
    lower: dict = {}
    for sym, names in t["symbols"].items():
        lower.setdefault(sym.lower(), set()).update(names)
    return _Table(
        symbols={k: tuple(v) for k, v in t["symbols"].items() if k not in stop},
        symbols_lower={k: tuple(sorted(v)) for k, v in lower.items() if len(k) > 1 and k not in stop},
        surfaces={k: tuple(v) for k, v in t["surfaces"].items() if k not in stop},
        entities=t["units"],
        prefer=policy["prefer"],
        entity_rank={e: i for i, e in enumerate(policy["entity_priority"])},
        spaced_single=frozenset(policy["spaced_single_letter_symbols"]),
        glued_single=frozenset(policy["glued_single_letter_symbols"]),
        letter_followers=frozenset(policy["spaced_letter_followers"]),
        max_words=max(len(k.split()) for k in t["surfaces"]),
    )


def _pick(surface: str, names: tuple, tb: _Table) -> str:
    if len(names) == 1:
        return names[0]
    pref = tb.prefer.get(surface) or tb.prefer.get(surface.lower())
    if pref in names:
        return pref
    return min(names, key=lambda n: (tb.entity_rank.get(tb.entities.get(n, ""), 99), n))


def lookup(text: str, pos: int, glued: bool) -> Optional[TableUnit]:
    """The unit starting at POS (right after a number, spaces already skipped), or None.
    GLUED: no space between number and unit ("48m", "0.8rad"), which licenses single letters."""
    tb = table()
    got = _by_name(text, pos, tb)
    if got is not None:
        return got
    m = match("unit.tableSymbol", text, pos)
    if not m:
        return None
    return _by_symbol(text, pos, m.group().rstrip(".'’"), glued, tb)


def _by_name(text: str, pos: int, tb: _Table) -> Optional[TableUnit]:
    """Words first, longest first: "square metres", "metric tons", "miles per hour"."""
    words = []
    for h in hits("unit.tableName", text[pos:min(len(text), pos + 60)], offset=pos):
        if words and text[words[-1][1]:h.start].strip():
            break
        words.append((h.start, h.end))
        if len(words) >= tb.max_words:
            break
    if words and words[0][0] == pos:
        for n in range(len(words), 0, -1):
            s = text[pos:words[n - 1][1]]
            key = " ".join(s.lower().split())
            names = tb.surfaces.get(key)
            if names:
                name = _pick(key, names, tb)
                return TableUnit(name, tb.entities.get(name, ""), words[n - 1][1], "unit.tableName")
    return None


def _by_symbol(text: str, pos: int, tok: str, glued: bool, tb: _Table) -> Optional[TableUnit]:
    """The longest prefix of the token TOK at POS that is a symbol and is not followed by more
    letters.  The SI prefixes whose case is their meaning ("MJ" is never millijoule, "Pg" never
    picogram) start symbols that are not matched case-insensitively."""
    for k in range(len(tok), 0, -1):
        sym = tok[:k]
        nxt = tok[k:k + 1]
        if nxt and nxt.isalpha():
            continue
        names = tb.symbols.get(sym)
        if names is None and len(sym) > 1 and not pattern("casedPrefix").match(sym):
            names = tb.symbols_lower.get(sym.lower())
        if not names:
            continue
        if len(sym) == 1 and sym.isalpha():
            if glued and sym not in tb.glued_single:
                return None
            if not glued:
                if sym not in tb.spaced_single:
                    return None
                w = pattern("wordAfterLetter").match(text[pos + 1:pos + 24])
                if w and w.group(1) not in tb.letter_followers:
                    return None  # "1.2 m electric vehicles": a magnitude before a noun, not a unit
        name = _pick(sym, names, tb)
        end = pos + k
        power = text[end:end + 1]
        if power in ("2", "3") and not text[end + 1:end + 2].isdigit():
            end += 1  # "km2", "cm3" (NFKC of km², cm³): the square or cubic unit
            name = _powered(name, int(power), tb) or f"{sym}{power}"
        return TableUnit(name, tb.entities.get(name, ""), end, "unit.tableSymbol")
    return None


def _powered(name: str, power: int, tb: _Table) -> Optional[str]:
    word = {2: "square", 3: "cubic"}[power]
    cand = f"{word} {name}"
    names = tb.surfaces.get(cand)
    return names[0] if names else None


def entity_of(name: str) -> str:
    return table().entities.get(name, "")
