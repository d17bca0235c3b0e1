"""The quantity layer: every number in a text with its unit, range and qualifier.

Numbers come from .numbers, units from models/units.json (energy and climate, with
conversion factors) and quantulum3's table (.units), currencies from CLDR with the
overrides in models/currencies.json.  Years, dates, times, ordinals, phone numbers, versions,
list markers and numbers inside names are not quantities; changes ("rose 5%") and comparators
("more than", "up to") are kept.  Nothing from quantulum3 or babel reaches the records.
The regexes are the rules of models/rules/quantities.json (and numbers.json); this module asks
them in order, and each Quantity's ``rules`` names those that read it.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Mapping, Optional

from .. import rules
from . import units as unitlex
from ..normalize import nfkc, span_back
from .numbers import Num, candidates, is_measure_word, word_or_num
from .vocab import MASK_RULES, Lexicon, finditer, fullmatch, hit, lexicon, match, pattern, search
from ..records import Comparator, Quantity
from ..rules.lexicon import table as _table, words as _words

__all__ = ["parse", "lexicon", "local_currencies", "in_major_unit", "is_vague", "has_number",
           "is_measure_word", "MINOR_UNIT"]


def _listed(key: str) -> frozenset:
    """A word list of models/quantities.json."""
    return _words("quantities.json", key)


def _note(used: Optional[list], *rule_ids: str) -> None:
    """Add rule ids to a reading's list (once each, in order); None: nobody is listening."""
    if used is not None:
        used.extend(r for r in rule_ids if r not in used)


@rules.action("comparatorBefore")
def _comparator_before_label(m: re.Match, ctx, **args) -> str:
    return lexicon().comp_before_map[m.group(1)]


@rules.action("comparatorAfter")
def _comparator_after_label(m: re.Match, ctx, **args) -> str:
    return lexicon().comp_after_map[" ".join(m.group(1).lower().split())]


# ---------------------------------------------------------------- qualifiers


def _words_before(text: str, pos: int, n: int = 8) -> list[str]:
    window = text[max(0, pos - 80):pos]
    cut = None
    for cut in pattern("clauseBreak").finditer(window):
        pass
    if cut is not None:
        window = window[cut.end():]
    return [w.lower() for w in pattern("word").findall(window)][-n:]


def _comparator_before(words: list[str], allow_fillers: int = 2):
    """The comparator a phrase that ends the word list says, skipping up to N filler words."""
    fillers = _listed("comparator_fillers")
    for skip in range(allow_fillers + 1):
        if skip and (len(words) < skip or words[-skip] not in fillers):
            break
        ws = words[:len(words) - skip] if skip else words
        h = hit("comparator.before", " ".join(ws), how="search")
        if h:
            return h.value, skip
    return None, None


_CHANGES = {Comparator.GROWTH.value, Comparator.DECLINE.value}
_RELATIONS = {Comparator.EXCEED.value, Comparator.BELOW.value, Comparator.AT_LEAST.value, Comparator.AT_MOST.value}


def _comparator(text: str, start: int, end: int, unit_class: str, lx: Lexicon, used: Optional[list] = None) -> str:
    before = _words_before(text, start)
    comp, _ = _comparator_before(before)
    why = "comparator.before"
    if comp and unit_class == "duration" and before and before[-1] in _listed("span_prepositions"):
        comp = None  # "over five years" is the span, not more than five
    am = hit("comparator.after", text, end)
    if am and not comp:
        comp, why = am.value, "comparator.after"
    if comp:
        _note(used, why)
        return comp
    if unit_class in ("percent", "currency", "count", "physical", "rate", "duration", "fraction", "multiplier"):
        got = _change_before(text, end, unit_class, before) or (
            _change_after(text, end) if unit_class in ("percent", "currency", "multiplier") else None)
        if got:
            _note(used, *got[1])
            return got[0]
    return Comparator.EQUAL.value


def _change_before(text: str, end: int, unit_class: str, before: list[str]):
    """("growth" or "decline", rule ids) from the words before a number: "rose", "cut by"."""
    bare = before[-1:] in (["up"], ["down"])
    points = bool(bare) and bool(match("change.points", text[end:end + 14]))
    if bare and unit_class not in ("percent", "currency") and not points:
        bare = None  # "down 2 points" is a change; "broke down 5 ..." is not
    if bare and len(before) > 1 and before[-2] in _listed("phrasal_up"):
        bare = None  # "made up 25.4%", "adds up to", "ended down": a particle, not a change
    tail = " ".join(before[-4:])
    for rule_id, label in (("growth.before", "growth"), ("decline.before", "decline")):
        h = search(rule_id, tail)
        if h and (bare is not None or h.group(1) not in ("up", "down")):
            single = h.group(1) in ("up", "down") and points and unit_class not in ("percent", "currency")
            return label, (("change.points",) if single else ()) + (rule_id,)
    if before and before[-1] == "by":  # "raised interest rates by 25 basis points"
        for rule_id, label in (("growth.by", "growth"), ("decline.by", "decline")):
            if search(rule_id, " ".join(before[-5:-1])):
                return label, (rule_id,)
    return None


def _change_after(text: str, end: int):
    """("growth" or "decline", rule ids) from what follows a percent or an amount: "5% increase"."""
    if match("growth.after", text, end) and not pattern("moreThanAfter").match(text[end:end + 15]):
        return "growth", ("growth.after",)
    if match("decline.after", text, end) and not pattern("lessThanAfter").match(text[end:end + 15]):
        return "decline", ("decline.after",)
    if match("growth.moreThan", text[end:end + 25]):
        return "growth", ("growth.moreThan",)  # "9% more than a year earlier", "$5 higher than expected"
    if match("decline.lessThan", text[end:end + 25]):
        return "decline", ("decline.lessThan",)
    return None


# ---------------------------------------------------------------- units


def _unit_after(text: str, pos: int, lx: Lexicon, used: Optional[list] = None):
    """(unit, unit_class, end) for what follows a number, or None."""
    m = match("unit.percent", text, pos)
    if m:
        _note(used, "unit.percent")
        u = m.group(1).lower()
        return ("percentage points" if u in _listed("percentage_point_words")
                else "percent"), "percent", m.end()
    m = match("currency.after", text, pos)
    if m:
        _note(used, "currency.after")
        unit, end = _per(text, m.end(), lx.cur_after[m.group(1).lower()], lx, used)  # "5 USD per kWh"
        return unit, "currency", end
    m = match("unit.times", text[pos:pos + 10])
    if m:
        _note(used, "unit.times")
        return "multiplier", "multiplier", pos + m.end()
    m = match("unit.time", text, pos)
    if m:
        between = text[pos:m.start(1)].split()
        if not between or between[0].lower() in _listed("time_unit_modifiers"):
            _note(used, "unit.time")
            unit = lx.time_units[m.group(1).lower()]
            per_unit, end = _per(text, m.end(), unit, lx, used)
            # "6-10 hours a day" is a measure of its own; "for 10 years" is a span of time
            return per_unit, ("physical" if end > m.end() else "duration"), end
    m = match("unit.timeHyphen", text[pos:pos + 14])
    if m:
        _note(used, "unit.timeHyphen")
        return lx.time_units[m.group(1).lower()], "duration", pos + m.end()
    got = _physical_unit(text, pos, lx, used)
    if got:
        return got
    return _table_unit(text, pos, lx, used)


def _unit_start(text: str, pos: int) -> int:
    """Where a unit after the number at POS would start: past a space or a dash."""
    return pos + pattern("unitGap").match(text[pos:pos + 4]).end()


def _table_unit(text: str, pos: int, lx: Lexicon, used: Optional[list] = None):
    """Any other unit quantulum3 knows ("six-mile", "20 minutes", "0.8rad", "35 km/h")."""
    at = _unit_start(text, pos)
    if at < len(text) and text[at:at + 1].isspace():
        return None
    tu = unitlex.lookup(text, at, glued=(at == pos))
    if tu is None:
        return None
    _note(used, tu.rule)
    entry = lx.units.get(tu.name.lower())  # one name per unit: quantulum3's "metre" is units.json's "m"
    unit, end = _per(text, tu.end, entry["unit"] if entry else tu.name, lx, used)
    return unit, "physical", end


def _physical_unit(text: str, pos: int, lx: Lexicon, used: Optional[list] = None):
    """A unit from models/units.json right after POS, glued ("10.7GW"), spaced ("30 GW") or
    hyphenated ("500-MW"); with "of CO2" and "per day" / "/kWh" tails."""
    at = _unit_start(text, pos)
    m = match("unit.gluedCO2", text, at)
    if m:
        _note(used, "unit.gluedCO2")
        unit, end = _per(text, m.end(), f"{m.group(1) or ''}{m.group(2)} CO2e", lx, used)
        return unit, "physical", end  # "11 MtCO2e", "44 g CO2e/kWh"
    m = match("unit.physical", text, at)
    if not m:
        return None
    surface = m.group("sym") or m.group("name")
    entry = lx.units.get(surface) or lx.units.get(surface.lower())
    if entry is None or (m.group("name") and at == pos and text[pos - 1:pos].isdigit()
                         and len(surface) < 3):
        return None
    _note(used, "unit.physical")
    unit, end = entry["unit"], m.end()
    if entry["dimension"] == "mass":
        gm = match("unit.ofGas", text, end)
        if gm:
            _note(used, "unit.ofGas")
            unit, end = f"{unit} CO2e", gm.end()
    unit, end = _per(text, end, unit, lx, used)
    return unit, "physical", end


def _same_dimension(u1: str, u2: str, lx: Lexicon) -> Optional[float]:
    """How many U1 make one U2, when both are units.json units of one dimension ("kW", "MW")."""
    e1, e2 = lx.units_by_name.get(u1), lx.units_by_name.get(u2)
    if e1 is None or e2 is None or e1["dimension"] != e2["dimension"] or u1 == u2:
        return None
    return e2["to_base"] / e1["to_base"]


def _per(text: str, end: int, unit: str, lx: Lexicon, used: Optional[list] = None) -> tuple[str, int]:
    """'barrels per day', 'kWh/100 km', 'tonnes per capita per year'."""
    for _ in range(2):
        got = _per_base(text, end, unit, lx, used)
        if got is None:
            got = _per_rate(text, end, unit, lx, used)
        if got is None:
            break
        unit, end = got
    return unit, end


def _per_base(text: str, end: int, unit: str, lx: Lexicon, used: Optional[list]):
    """"kWh/100 km", "deaths per 100,000 people" is a rate (see rate.per): (unit, end) or None."""
    pn = match("per.base", text[end:end + 16])
    if not pn:
        return None
    at = end + pn.end()
    pm = match("unit.physical", text, at)
    entry = (lx.units.get(pm.group("sym") or "") or lx.units.get((pm.group("name") or "").lower())) if pm else None
    tu = None if entry else unitlex.lookup(text, at, glued=(text[at - 1] != " "))
    first = lx.units_by_name.get(unit)
    storage = entry and first and {first["dimension"], entry["dimension"]} <= {"power", "energy"}
    base = pattern("powerOfTen").fullmatch(pn.group(1).replace(",", ""))
    if not ((entry or tu) and base and not storage):  # "1,126 MW/3,530 MWh" is power and energy
        return None
    _note(used, "per.base", "unit.physical" if entry else tu.rule)
    name = entry["unit"] if entry else tu.name
    return f"{unit} per {pn.group(1)} {name}", (pm.end() if entry else tu.end)


def _per_rate(text: str, end: int, unit: str, lx: Lexicon, used: Optional[list]):
    """"per day", "/kWh", "per US dollar", "a year", "of salt per day": (unit, end) or None."""
    m = match("per.unit", text, end)
    if not m and (unit in lx.units_by_name or unit.endswith(" CO2e") or unitlex.entity_of(unit)):
        # a physical amount per unit of money: "3.2 MJ/EUR", "0.45 kg CO2 per US dollar"
        cm = match("per.currency", text[end:end + 8])
        km = match("currency.after", text, end + cm.end()) if cm else None
        if km and km.group(1).lower() in lx.cur_after:
            _note(used, "per.currency", "currency.after")
            return f"{unit} per {lx.cur_after[km.group(1).lower()]}", km.end()
    if not m:
        m2 = match("per.table", text[end:end + 8])
        tu = unitlex.lookup(text, end + m2.end(), glued=True) if m2 else None
        if tu is None:
            # "6 grams of salt per day", "267 billion tonnes of ice a year": the substance
            # sits between the unit and its rate; CO2 and money are handled before
            sm = match("per.substance", text, end) if " " not in unit or unit.endswith(" CO2e") else None
            if sm and (unit in lx.units_by_name or unitlex.entity_of(unit)):
                _note(used, "per.substance")
                return f"{unit} per {lx.time_units.get(sm.group(1).lower(), sm.group(1).lower())}", sm.end()
            return None
        _note(used, "per.table", tu.rule)
        entry = lx.units.get(tu.name.lower())
        return f"{unit} per {entry['unit'] if entry else tu.name}", tu.end
    _note(used, "per.unit")
    w = m.group("sym") or m.group("word")
    entry = lx.units.get(w) or lx.units.get(w.lower())
    w = entry["unit"] if entry else lx.time_units.get(w.lower(), w.lower())
    return f"{unit} per {w}", m.end()


def _magnitude(text: str, pos: int, lx: Lexicon, after_currency: bool, used: Optional[list] = None):
    """Multiply by 'million', 'bn', 'hundred million'...; returns (factor, end)."""
    factor, end = 1.0, pos
    sci = match("magnitude.power", text[pos:pos + 12])
    if sci:  # "3.2×10^6" (NFKC of 3.2×10⁶)
        _note(used, "magnitude.power")
        factor, end = 10.0 ** int(sci.group(1)), pos + sci.end()
    while True:
        m = match("magnitude.word", text, end)
        if m:
            _note(used, "magnitude.word")
            factor *= lx.magnitudes[m.group().strip(" -\t\n").lower()]
            end = m.end()
            continue
        m = match("magnitude.scaleWord", text[end:end + 12])
        if m and pattern("bigMagnitudeAhead").match(text[end + m.end():end + m.end() + 12]):
            _note(used, "magnitude.scaleWord")
            factor *= lx.scale_words[m.group(1).lower()]
            end += m.end()
            continue
        break
    if end == pos:
        rule_id = "magnitude.shortAfterCurrency" if after_currency else "magnitude.short"
        m = match(rule_id, text[pos:pos + 3])
        if not m and not after_currency:
            rule_id, m = "magnitude.mk", _million_m(text, pos, lx)
        if m:
            _note(used, rule_id)
            factor = lx.short_magnitudes[m.group(1).lower()]
            end = pos + m.end()
    return factor, end


def _million_m(text: str, pos: int, lx: Lexicon) -> Optional[re.Match]:
    """"1.2 m electric vehicles", "2m barrels", "1.8M dollars", "30k": million and thousand;
    but "48m", "1 m x 1 m", "1m is equal to 10 dm" are metres."""
    m = match("magnitude.mk", text[pos:pos + 4])
    if m and m.group(1) == "m":
        nxt = text[pos + m.end():pos + m.end() + 40]
        ends = pattern("phraseEnd").match(nxt)
        before = text[max(0, pos - 40):pos].rstrip("0123456789.,")
        if pattern("notMillionAfter").match(nxt) or not (
                _plural_ahead(nxt) or pattern("millionMBefore").search(text, 0, pos - 1)
                or pattern("millionMVerbBefore").search(before) or ends and pattern("ofBefore").search(before[-20:])):
            m = None  # "the 100m world record", "is 48m": metres; "2m barrels", "a population of 177m": million
    return m


MINOR_UNIT = "cent"


def _minor_amount(text: str, pos: int, lx: Lexicon) -> Optional[tuple[float, int, tuple]]:
    """The cents of "15 dollars 50", "3 dollars and 50 cents", "17 USD 25." (value, end, rules)."""
    m = match("number.minor", text[pos:pos + 40])
    if not m:
        return None
    minor = m.group(1)
    v = word_or_num(minor, lx)
    if v is None or not 0 < v < 100 or (minor.isdigit() and len(minor) == 1 and not m.group().strip().startswith("and")
                                        and not match("unit.cents", text, pos + m.end())):
        return None
    end = pos + m.end()
    c = match("unit.cents", text, end)
    if c and not pattern("bareC").match(text[end:end + 3]):
        return v, c.end(), ("number.minor", "unit.cents")
    if pattern("minorEnd").match(text[end:end + 6]):
        return v, end, ("number.minor",)
    return None


def is_vague(q: Quantity) -> bool:
    """'thousands of', 'dozens of': a lower bound said in words, never a goal's value."""
    return q.spelled and " ".join(q.text.lower().split()) in lexicon().plural_scales


def in_major_unit(q: Quantity) -> Quantity:
    """'7.7 USD cent per kWh' as '0.077 USD per kWh': goals are compared in the currency itself."""
    head, sep, tail = q.unit.partition(" per ")
    if q.unit_class != "currency" or not head.endswith(" " + MINOR_UNIT):
        return q
    unit = head[:-len(MINOR_UNIT) - 1] + (sep + tail if sep else "")
    return replace(q, value=_clean(q.value / 100), unit=unit,
                   value_max=None if q.value_max is None else _clean(q.value_max / 100))


def _plural_ahead(s: str) -> bool:
    """Is there a plural noun in the next two words ("2m barrels", "1.2 m electric vehicles")?"""
    for w in pattern("letters").findall(s)[:2]:
        if pattern("pluralNoun").fullmatch(w.lower()) or pattern("acronymPlural").fullmatch(w):
            return True
        if w.lower() in _listed("plural_stop_words"):
            return False
    return False


def _currency_before(text: str, start: int, lx: Lexicon, local: Optional[Mapping[str, str]] = None):
    m = search("currency.before", text[max(0, start - 6):start])
    if not m:
        return None, start
    sym = m.group(1)
    code = (local or {}).get(sym) or lx.cur_before.get(sym.lower())
    return code, start - (len(text[max(0, start - 6):start]) - m.start(1))


def _is_year(text: str, n: Num, lx: Lexicon, cur: Optional[str], used: Optional[list] = None) -> bool:
    if n.spelled or cur or not (1800 <= n.value <= 2100) or n.value != int(n.value):
        return False
    raw = text[n.start:n.end]
    if "," in raw or "." in raw:
        return False
    if match("unit.percent", text, n.end) or match("currency.after", text, n.end) or \
            match("magnitude.word", text, n.end) or _physical_unit(text, n.end, lx):
        return False  # "2000 MW" is a quantity, never a year
    if match("year.levelAfter", text, n.end):
        return True  # "below 2012 levels": the base year of a comparison, not a count below 2012
    before = _words_before(text, n.start, 3)
    comp, _ = _comparator_before(before, 0)
    if comp:
        return False
    nxt = match("year.pluralAfter", text[n.end:n.end + 30])
    if nxt and (nxt.group(1).endswith("s") or nxt.group(1) in _listed("year_count_nouns")):
        prev = pattern("prevToken").search(text[max(0, n.start - 30):n.start])
        if prev and prev.group(1)[:1].islower() and prev.group(1).lower() not in lx.year_preps:
            _note(used, "year.pluralAfter")
            return False
    return True


# ---------------------------------------------------------------- public API


def parse(text: str, offset: int = 0, currency: Optional[Mapping[str, str]] = None) -> list[Quantity]:
    """Every quantity in TEXT, offsets shifted by OFFSET.  Dates, years, ordinals, phone numbers,
    list markers and numbers inside names are not quantities; a bracketed currency conversion is
    returned with ``conversion_of`` set.  CURRENCY maps a bare symbol to the currency it means in
    this text ({"$": "AUD"} for an Australian release; see :func:`local_currencies`).
    Text that is not NFKC (full-width digits, "½", "km²") is read normalised; offsets and quotes
    still point into TEXT.  Each quantity's ``rules`` names the rules that read it, in order."""
    norm, where = nfkc(text)
    qs = _parse(norm, offset if where is None else 0, currency)
    if where is None:
        return qs
    out = []
    for q in qs:
        a, b = span_back(where, q.start, q.end)
        out.append(replace(q, start=a + offset, end=b + offset, text=text[a:b]))
    return out


@dataclass
class _Reading:
    """One number being read: what it has consumed so far, what it turned out to be, and the
    rules that read it."""

    n: Num
    cur: Optional[str]
    start: int
    factor: float = 1.0
    value: float = 0.0
    unit: str = "count"
    uclass: str = "count"
    end: int = 0
    value_max: Optional[float] = None
    rules: list = field(default_factory=list)
    pre: Optional[re.Match] = None  # "MAUD 60": the million and the code before the number


def _masks(text: str, lx: Lexicon):
    """Spans that hold no quantity (dates, times, year ranges, phone numbers, list markers), the
    "per 10,000 people" rates and the "one in seven" shares, found before the numbers."""
    masked: list[tuple[int, int]] = [m.span() for m in finditer("mask.date", text)]
    for rule_id in MASK_RULES:
        masked.extend(m.span() for m in finditer(rule_id, text))
    for m in finditer("mask.yearRange", text):
        a, b = int(m.group(1)), m.group(2)
        b = int(b) if len(b) == 4 else int(m.group(1)[:2] + b)
        if a < b <= a + 60 and not match("unit.percent", text, m.end()):
            masked.append(m.span())
    for m in finditer("mask.listParen", text):
        opened = text.rfind("(", 0, m.start())
        if opened < text.rfind(")", 0, m.start()) or opened < 0:
            masked.append(m.span())  # "1 ) explains ... 2 ) cautions": list markers, no "(" before
    rates = []
    for m in finditer("rate.per", text):
        rates.append(m)
        masked.append(m.span())
    return masked, rates, _shares(text, lx, masked)


def _shares(text: str, lx: Lexicon, masked: list[tuple[int, int]]) -> list:
    """"one in seven", "3 out of 10": (match, percent); their spans join MASKED."""
    fracs = []
    for m in finditer("share.outOf", text):
        if any(a <= m.start() < b for a, b in masked):
            continue
        a, b = word_or_num(m.group(1), lx), word_or_num(m.group(2), lx)
        if b is not None and pattern("fourDigitYear").fullmatch(m.group(2)) and " in " in m.group().lower():
            continue  # "102,700 in 2017": a year, not a denominator
        if search("skip.rank", text[max(0, m.start() - 80):m.start()]):
            continue  # "ranks 33 out of 131": a rank among others, not a share
        if a is not None and b and 0 < a <= b:
            fracs.append((m, 100.0 * a / b))
            masked.append(m.span())
    return fracs


def _is_identifier(text: str, n: Num, lx: Lexicon, last_id_end: int) -> bool:
    """"scope 1 and 2", "Phase 2 and 3", "No. 5", "exit 436": names, not measures; but a number
    with a percent is one ("to a level 46% below 1990 levels")."""
    if match("unit.percent", text, n.end):
        return False
    before = _words_before(text, n.start, 2)
    return bool((before and before[-1] in lx.identifier_words)
                or search("skip.numberAbbrev", text[max(0, n.start - 6):n.start])
                or (last_id_end >= 0 and fullmatch("skip.identifierList", text[last_id_end:n.start])))


def _read_unit(text: str, r: _Reading, out: list[Quantity], currency, lx: Lexicon) -> None:
    """Magnitude and unit after the number: "$5 billion USD", "50 cents/kWh", "30 MUSD",
    "75 USD million", "12 m", "20 minutes a day"."""
    n = r.n
    r.factor, r.end = _magnitude(text, n.end, lx, bool(r.cur), r.rules)
    r.value = _clean(n.value * r.factor)
    cm = match("unit.cents", text, r.end) if r.factor == 1 else None
    if cm and (r.cur or not pattern("bareC").match(text[r.end:r.end + 3])):
        # "$7.7 cents/kWh", "50 cents": hundredths of the dollar of the text, said in cents;
        # "1.29 euros, 12 cents more": of the sentence's own currency
        near = next((o.unit.split(" ")[0] for o in reversed(out) if o.unit_class == "currency"), None)
        code = r.cur or lx.minor_units.get(cm.group(1).lower()) or near or (currency or {}).get("$") \
            or lx.cur_before["$"]
        _note(r.rules, "unit.cents")
        r.unit, r.end = _per(text, cm.end(), f"{code} {MINOR_UNIT}", lx, r.rules)
        r.uclass = "currency"
    elif r.cur:
        r.unit, r.uclass = r.cur, "currency"
        m = match("currency.after", text, r.end)  # "$5 billion USD"
        if m and lx.cur_after[m.group(1).lower()] == r.cur:
            _note(r.rules, "currency.after")
            r.end = m.end()
        r.unit, r.end = _per(text, r.end, r.unit, lx, r.rules)
    else:
        _read_unit_after(text, r, lx)
    if n.fraction and r.uclass == "count":
        r.unit, r.uclass = "fraction", "fraction"
    if n.multiplier:
        r.unit, r.uclass, r.end = "multiplier", "multiplier", n.end
    if n.share:
        r.unit, r.uclass, r.end = "percent", "percent", n.end


def _read_unit_after(text: str, r: _Reading, lx: Lexicon) -> None:
    """The unit of a number no currency sign came before: "30 MUSD", "5 GW", "75 USD million"."""
    pm = match("currency.prefixed", text, r.end)
    if pm:  # "30 MUSD", "120 MEUR": a million of the currency
        _note(r.rules, "currency.prefixed")
        r.value = _clean(r.value * lx.cur_multipliers[pm.group("mult")])
        r.uclass = "currency"
        r.unit, r.end = _per(text, pm.end(), pm.group("code"), lx, r.rules)
        return
    got = _unit_after(text, r.end, lx, r.rules)
    if got:
        r.unit, r.uclass, r.end = got
        if r.uclass == "currency" and r.factor == 1:
            used: list = []
            f2, e2 = _magnitude(text, r.end, lx, False, used)
            if f2 != 1 and match("magnitude.word", text, r.end):  # "75 USD million"
                _note(r.rules, *used)
                r.factor, r.value, r.end = f2, _clean(r.n.value * f2), e2


def _read_range(text: str, r: _Reading, nxt: Num, currency, lx: Lexicon) -> bool:
    """"5.5 to 6 percent", "5-6%", "$5 to $10", "between 3 and 4 million", "100kW to 1MW";
    "rose from 5 to 7%", "from $2bn to $5bn" are a change, two values.  True when NXT became the
    range's top."""
    gap_start = r.end if (r.uclass != "count" or r.factor != 1) else r.n.end
    rm = match("range.joiner", text[gap_start:gap_start + 8])
    if not rm or not _range_next(text, r, nxt, gap_start + rm.end(), currency, lx):
        return False
    joiner = rm.group().strip()
    wb = _words_before(text, r.start, 10)
    word_before = wb[-1] if wb else ""
    is_between = joiner == "and" and word_before == "between"
    # "from X to Y" is a start and an end whatever the verb ("pushing its value from $23bn to
    # $85bn"), unless a verb of spread says it spans ("highs ranging from 18 to 22 degrees");
    # "from 5-6%" keeps its dash range
    spread = len(wb) > 1 and wb[-2] in _listed("range_verbs")
    change = word_before == "from" and (joiner == "to" and not spread or any(w in lx.change_verbs for w in wb[:-1]))
    if change and r.uclass == "count" and r.factor == 1 and not r.cur:
        used: list = []
        u2 = _unit_after(text, _magnitude(text, nxt.end, lx, False)[1], lx, used)
        if u2 and u2[1] in ("percent", "physical", "currency"):
            r.unit, r.uclass = u2[0], u2[1]  # "from 5 to 7%": both are percent
            _note(r.rules, *used)
    if joiner == "and" and not is_between:
        return False
    if (change or word_before == "by" and not _range_after_by(r, nxt, joiner)) and not is_between:
        return False  # "fell by 1.5 to 76.4": a change, then a level
    return _range_top(text, r, nxt, lx)


def _range_after_by(r: _Reading, nxt: Num, joiner: str) -> bool:
    """"cut by 40–45%", "by 40 to 45 percent": after "by", a bare first figure takes the unit of the
    second when a dash joins them or the top is near the bottom; "fell by 1.5 to 76.4%" is a change,
    then the level reached ("by 40% to 50%", whose figures each have a unit, stays two)."""
    if r.uclass != "count" or r.factor != 1 or r.cur:
        return False
    if joiner in _listed("range_dashes"):
        return True
    return 0 < r.n.value < nxt.value <= r.n.value * _table("quantities.json", "range_limits")["by_max_ratio"]


def _range_next(text: str, r: _Reading, nxt: Num, at: int, currency, lx: Lexicon) -> bool:
    """Does NXT start right after the range's joiner (at AT), and end the phrase ("5 to 6 homes"
    after "$5": a count of homes, no range)?"""
    _, e_next = _magnitude(text, nxt.end, lx, bool(r.cur))
    tail_word = pattern("tailWord").match(text[e_next:e_next + 20])
    shared_magnitude = bool(r.cur) and r.factor == 1 and e_next > nxt.end  # "a £10-12 billion programme"
    noun_after = bool(tail_word) and r.uclass in ("currency", "physical", "percent") and not shared_magnitude and not (
        _unit_after(text, e_next, lx) or match("currency.after", text, e_next)
        or tail_word.group(1).lower() in _listed("range_tail_words"))
    nxt_at = nxt.start
    if r.cur:  # "$5 to $10": the second figure repeats the symbol
        c2, at2 = _currency_before(text, nxt.start, lx, currency)
        if c2 == r.cur:
            nxt_at = at2
    return nxt_at == at and not noun_after


def _range_top(text: str, r: _Reading, nxt: Num, lx: Lexicon) -> bool:
    """Read NXT as the top of the range that R starts; True when it is one."""
    used: list = []
    f2, end2 = _magnitude(text, nxt.end, lx, bool(r.cur), used)
    if f2 == 1 and r.factor != 1:
        f2 = r.factor
    if r.cur:
        u2_unit, u2_end = _per(text, end2, r.cur, lx, used)
        u2 = (u2_unit, r.uclass, u2_end)
        if u2_unit.startswith(r.unit + " per "):
            r.unit = u2_unit  # "$3 to $4 per barrel"
            _note(r.rules, *used)
    else:
        u2 = _unit_after(text, end2, lx, used) or ("count", "count", end2)
    if r.uclass == "count" and u2[1] != "count" and r.factor == 1:
        r.unit, r.uclass = u2[0], u2[1]
        _note(r.rules, *used)
        if f2 != 1:
            r.factor, r.value = f2, r.n.value * f2
    if r.factor == 1 and f2 != 1 and u2[0] == r.unit:
        r.value = _clean(r.n.value * f2)  # "between 3 and 4 million"
    ratio = _same_dimension(r.unit, u2[0], lx) if r.uclass == "physical" else None
    if u2[0] == r.unit and nxt.value * f2 > r.value:
        r.value_max, r.end = _clean(nxt.value * f2), u2[2]
    elif ratio and nxt.value * f2 * ratio > r.value:
        r.value_max, r.end = _clean(nxt.value * f2 * ratio), u2[2]  # "100kW to 1MW": 100 to 1000 kW
    else:
        return False
    _note(r.rules, "range.joiner", *nxt.rules, *used)
    return True


def _qualifier(text: str, r: _Reading, out: list[Quantity], offset: int, lx: Lexicon) -> str:
    if r.n.multiplier and r.n.comparator:  # "more than doubled": the verb is the change
        said = _comparator_before(_words_before(text, r.start), 1)[0]
        if said:
            _note(r.rules, "comparator.before")
        comp = said or r.n.comparator
    else:
        comp = _comparator(text, r.start, r.end, r.uclass, lx, r.rules)
    if out and comp in _RELATIONS and fullmatch("comparator.relationGap", text, out[-1].end - offset, r.start):
        comp = Comparator.EQUAL.value  # "35% below the 30-year average": the relation is the 35%'s
        _note(r.rules, "comparator.relationGap")
    if r.n.comparator and comp == Comparator.EQUAL.value:
        comp = r.n.comparator
    if comp == Comparator.EQUAL.value and out and out[-1].comparator in _CHANGES and \
            fullmatch("change.restated", text[out[-1].end - offset:r.start]):
        comp = out[-1].comparator  # "up 87 cents, or 1.1%": the restatement is the same change
        _note(r.rules, "change.restated")
    return comp


def _signed_decline(text: str, r: _Reading, comp: str) -> str:
    """"-55% by 2030", "a -40% cut": a percent written with a minus sign is a decline of 55, not a
    level of -55 (a range or a stated rise keeps its sign)."""
    if r.uclass == "percent" and r.value < 0 and r.value_max is None and \
            comp in (Comparator.EQUAL.value, Comparator.DECLINE.value) and match("decline.signed", text, r.start):
        r.value = -r.value
        _note(r.rules, "decline.signed")
        return Comparator.DECLINE.value
    return comp


def _start_reading(text: str, n: Num, lx: Lexicon, currency) -> _Reading:
    """A reading of N with the currency written before it ("$", "US$", "MAUD 60"), if any."""
    cur, qstart = (None, n.start) if n.spelled else _currency_before(text, n.start, lx, currency)
    used = list(n.rules) + (["currency.before"] if cur else [])
    pre = None if cur else search("currency.prefixedBefore", text[max(0, n.start - 8):n.start])
    if pre:  # "MAUD 60": sixty million Australian dollars
        cur, qstart = pre.group("code"), max(0, n.start - 8) + pre.start("mult")
        used.append("currency.prefixedBefore")
    return _Reading(n, cur, qstart, rules=used, pre=pre)


def _parse(text: str, offset: int, currency: Optional[Mapping[str, str]]) -> list[Quantity]:
    lx = lexicon()
    masked, rates, fracs = _masks(text, lx)
    nums = candidates(text, lx, masked)
    out: list[Quantity] = []
    consumed_until = -1
    last_id_end = -1
    i = 0
    while i < len(nums):
        n = nums[i]
        i += 1
        if n.start < consumed_until:
            continue
        r = _start_reading(text, n, lx, currency)
        if _is_year(text, n, lx, r.cur, r.rules):
            continue
        if not r.cur and _in_name(text, n, lx):
            if _is_identifier(text, n, lx, -1):
                last_id_end = n.end  # "Scope 1 and 2": a label's list goes on after its number
            continue
        if not r.cur and _is_identifier(text, n, lx, last_id_end):
            last_id_end = n.end
            continue
        _read_unit(text, r, out, currency, lx)
        if r.pre:
            r.value = _clean(r.value * lx.cur_multipliers[r.pre.group("mult")])
        if r.uclass == "currency" and r.factor == 1 and math.isfinite(r.value) and r.value == int(r.value) \
                and not r.unit.endswith(MINOR_UNIT):
            got_minor = _minor_amount(text, r.end, lx)
            if got_minor:  # "3 dollars 50 cents", "15 USD 50", "thirteen dollars and forty-five cents"
                r.value, r.end = _clean(r.value + got_minor[0] / 100), got_minor[1]
                _note(r.rules, *got_minor[2])
                while i < len(nums) and nums[i].start < r.end:
                    i += 1
        if i < len(nums) and _read_range(text, r, nums[i], currency, lx):
            i += 1
        if not math.isfinite(r.value) or (r.value_max is not None and not math.isfinite(r.value_max)):
            consumed_until = r.end
            continue  # "1e999", a 400-digit number: no finite value to report
        comp = _signed_decline(text, r, _qualifier(text, r, out, offset, lx))
        out.append(Quantity(value=r.value, unit=r.unit, start=r.start + offset, end=r.end + offset,
                            text=text[r.start:r.end], value_max=r.value_max, comparator=comp,
                            unit_class=r.uclass, spelled=n.spelled, attributive=n.attributive,
                            rules=tuple(r.rules)))
        consumed_until = r.end
    out.extend(_share_quantities(text, fracs, offset, lx))
    out.sort(key=lambda q: q.start)
    out = _attach_rates(text, out, rates, offset)
    return _mark_conversions(text, _change_rates(text, out, offset), offset)


def _change_rates(text: str, qs: list[Quantity], offset: int) -> list[Quantity]:
    """'from £22m to £37m per year': a change's start is in the rate its end states, so the two
    ends of one quantity share a unit (and a base and its target a series)."""
    out = list(qs)
    for i in range(1, len(out)):
        a, b = out[i - 1], out[i]
        if not (b.unit and a.unit and " per " in b.unit and b.unit.startswith(a.unit + " per ")):
            continue
        if fullmatch("rate.fromTo", text[a.end - offset:b.start - offset]) \
                and search("rate.fromBefore", text[max(0, a.start - offset - 8):a.start - offset]):
            out[i - 1] = replace(a, unit=b.unit, rules=a.rules + ("rate.fromTo",))
    return out


def _share_quantities(text: str, fracs, offset: int, lx: Lexicon) -> list[Quantity]:
    out = []
    for m, pct in fracs:
        used = ["share.outOf"]
        comp = _comparator(text, m.start(), m.end(), "percent", lx, used)
        out.append(Quantity(value=round(pct, 4), unit="percent", start=m.start() + offset,
                            end=m.end() + offset, text=m.group(), unit_class="percent",
                            comparator=comp, spelled=not m.group()[0].isdigit(), rules=tuple(used)))
    return out


def _in_name(text: str, n: Num, lx: Lexicon) -> bool:
    """'Empire Wind 2', 'Borkum Riffgrund 3 wind farm': a bare integer after a capitalised word
    (not a month, determiner or heading word) is part of a name."""
    raw = text[n.start:n.end]
    if n.spelled or not pattern("smallNumber").fullmatch(raw):
        return False
    m = search("skip.name", text[max(0, n.start - 30):n.start])
    if m and "." in raw and not pattern("nameLike").search(m.group(1)):
        return False  # a decimal after a name is a version ("iOS 17.2", "Windows 10.1")
    if not m or m.group(1).capitalize() in lx.name_not_after:
        return False
    if _unit_after(text, n.end, lx):
        return False  # "call Bob 3 times"
    if pattern("measureAhead").match(text[n.end:n.end + 10]):
        return False
    if _physical_unit(text, n.end, lx) or match("currency.after", text, n.end):
        return False
    return m.group(1).lower() not in lx.number_words


def local_currencies(country: Optional[str]) -> Mapping[str, str]:
    """What a bare currency symbol means in a text about COUNTRY (ISO 3166 alpha-2), from CLDR:
    "$" is the Australian dollar in an Australian text, "¥" the yen in a Japanese one, "Rs" the
    Pakistani rupee in a Pakistani one.  Marked symbols ("US$", "A$") keep their meaning."""
    return _local_currencies(country.upper() if country else None)


@lru_cache(maxsize=512)
def _local_currencies(country: Optional[str]) -> Mapping[str, str]:
    from types import MappingProxyType
    if not country or len(country) != 2:
        return MappingProxyType({})
    try:
        from babel.core import Locale
        from babel.numbers import get_currency_name, get_currency_symbol, get_territory_currencies
        codes = get_territory_currencies(country, tender=True)
        loc = Locale.parse(f"und_{country}")
    except Exception:  # an unknown territory: no local meaning
        return MappingProxyType({})
    out = {}
    lx = lexicon()
    for code in codes[:1]:
        name = get_currency_name(code, locale="en")
        for sym in {get_currency_symbol(code, locale=loc), get_currency_symbol(code, locale="en")}:
            sym = sym.replace("￥", "¥")
            if sym == "$" and "dollar" not in name.lower():
                continue  # in English text "$" is a dollar: Chilean pesos are written "pesos"
            if sym.lower() in lx.cur_before and sym not in out:
                out[sym] = code
    return MappingProxyType(out)


def _clean(x: float) -> float:
    """1.09 * 1e12 is 1090000000000.0001 in binary; keep the digits the text gave."""
    return float(f"{x:.12g}")


def _attach_rates(text: str, qs: list[Quantity], rates, offset: int) -> list[Quantity]:
    """'per 10,000 people' belongs to the nearest bare count in the same clause."""
    if not rates:
        return qs
    qs = list(qs)
    for m in rates:
        unit = "per " + " ".join(m.group(0).split()[1:])
        rs, re_ = m.start() + offset, m.end() + offset
        best, best_d = None, None
        for idx, q in enumerate(qs):
            if q.unit_class != "count":
                continue
            lo, hi = (q.end, rs) if q.end <= rs else (re_, q.start)
            between = text[lo - offset:hi - offset]
            if pattern("clauseBreak").search(between) or pattern("clauseJoin").search(between):
                continue
            d = hi - lo
            if best_d is None or d < best_d:
                best, best_d = idx, d
        if best is not None:
            q = qs[best]
            qs[best] = Quantity(value=q.value, unit=unit, start=q.start, end=q.end, text=q.text,
                                value_max=q.value_max, comparator=q.comparator,
                                unit_class="rate", spelled=q.spelled, rules=q.rules + ("rate.per",))
    return qs


def _mark_conversions(text: str, qs: list[Quantity], offset: int) -> list[Quantity]:
    """'223.36 billion yuan (33.97 billion US dollars)': the bracket restates the first figure."""
    out = list(qs)
    for i in range(1, len(out)):
        a, b = out[i - 1], out[i]
        if a.unit_class != "currency" or b.unit_class != "currency" or a.unit == b.unit:
            continue
        if fullmatch("conversion.bracket", text[a.end - offset:b.start - offset]):
            out[i] = Quantity(value=b.value, unit=b.unit, start=b.start, end=b.end, text=b.text,
                              value_max=b.value_max, comparator=b.comparator,
                              unit_class=b.unit_class, spelled=b.spelled, conversion_of=i - 1,
                              rules=b.rules + ("conversion.bracket",))
    return out


def has_number(text: str) -> bool:
    """Cheap pre-filter: does this sentence need the quantity parser at all?"""
    return bool(pattern("hasNumber").search(text))
