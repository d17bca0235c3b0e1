"""The quantity lexicon, built once per process: number words, magnitudes, units, currencies and
comparators read from models/ (quantities.json, units.json, currencies.json,
currency_table.json), and the word lists derived from them that the rule files
models/rules/quantities.json and numbers.json build their alternations from (registered here
with :func:`policytrace.rules.wordlist`).  The regexes themselves are in those rule files; the
``*_re`` fields below are their compiled rules, kept for the code that reads them by name."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Optional

from .. import resources, rules

_FILES = ("quantities", "numbers")  # models/rules/: the quantity layer's rule files

# ---------------------------------------------------------------- lexicon, compiled once


@dataclass(frozen=True)
class Lexicon:
    number_words: dict
    scale_words: dict
    magnitudes: dict
    short_magnitudes: dict
    percent_re: re.Pattern
    cur_before_re: re.Pattern
    cur_after_re: re.Pattern
    cur_before: dict
    cur_after: dict
    time_units: dict
    time_re: re.Pattern
    word_num_re: re.Pattern
    mag_re: re.Pattern
    date_re: re.Pattern
    year_range_re: re.Pattern
    rate_re: re.Pattern
    fraction_re: re.Pattern
    identifier_words: frozenset
    year_preps: frozenset
    comp_before: tuple
    comp_after_re: re.Pattern
    comp_after_map: dict
    growth_before: frozenset  # word tuples
    decline_before: frozenset
    growth_after_re: re.Pattern
    decline_after_re: re.Pattern
    unit_re: re.Pattern
    units: dict
    units_by_name: dict
    gas_re: re.Pattern
    glued_gas_re: re.Pattern
    per_re: re.Pattern
    classifier_units: frozenset
    not_quantity: tuple
    name_not_after: frozenset
    million_not_before: re.Pattern
    cents_re: re.Pattern
    minor_units: dict
    plural_scales: dict
    plural_scale_re: re.Pattern
    fractions: dict
    fraction_word_re: re.Pattern
    cur_prefixed_re: re.Pattern
    cur_prefixed_before_re: re.Pattern
    cur_multipliers: dict
    change_verbs: frozenset
    substance_per_re: re.Pattern
    multiplier_verbs: dict
    relation_gap_re: re.Pattern
    multiplier_verb_re: re.Pattern
    fold_re: re.Pattern
    comp_before_map: dict  # "at least" -> "at least": a phrase joined by single spaces -> comparator


@lru_cache(maxsize=1)
def _currency_surfaces():
    """(before, after, case-sensitive codes, minor units): CLDR's table plus the overrides.
    Names and symbols match in any case, codes only as written ("USD", not "cup" for CUP)."""
    table = resources.load("currency_table.json")["currencies"]
    ov = resources.load("currencies.json")
    banned = set(ov["code_words"])
    before: dict = {}
    after: dict = {}
    claims: dict = {}
    codes = []
    for code, e in table.items():
        if code not in banned and (e["current"] or code in ov["historical_codes"]):
            codes.append(code)
            before[code.lower()] = after[code.lower()] = code
        for name in (e["name"], e["plural"]):
            after.setdefault(name.lower(), code)
        for sym in e["symbols"]:
            claims.setdefault(sym.lower(), set()).add(code)
    for sym, cs in claims.items():
        if len(cs) == 1:
            before.setdefault(sym, next(iter(cs)))
    for k, v in ov["before"].items():
        before[k.lower()] = v
    for k, v in ov["after"].items():
        after[k.lower()] = v
    codes_cs = codes + [c for c in ov["lower_case_codes"]]
    minor = _table(ov["minor_units"], None)
    return before, after, codes_cs, minor


def _names(surfaces: dict, codes_cs: list) -> list:
    """The surfaces matched in any case: all but the ISO codes."""
    iso = {c.lower() for c in codes_cs}
    return [k for k in surfaces if k not in iso]


def _table(d: dict, cast=float) -> dict:
    """A table of models/ without its ``_about``, values cast."""
    return {k: (cast(v) if cast else v) for k, v in d.items() if k != "_about"}


@lru_cache(maxsize=1)
def _units():
    """models/units.json: every symbol and name to its entry, and the symbols and names."""
    ul = resources.load("units.json")
    units: dict = {}
    syms, names = [], []
    for e in ul["units"]:
        for sym in e["symbols"]:
            units[sym] = e
            syms.append(sym)
        for nm in e["names"]:
            units[nm.lower()] = e
            names.append(nm)
    return units, syms, names


def _q() -> dict:
    return resources.load("quantities.json")


def _one_word(words) -> list:
    return [w for w in words if " " not in w]


def _phrases(words) -> list:
    """Phrases as the rules see the words before a number: lower-case tokens joined by one space."""
    return [j for j in (" ".join(p.split()) for p in words) if j]


def _by_verbs(phrases) -> list:
    """'increased' of 'increased by': the one-word heads of two-word '... by' phrases."""
    return [p.split()[0] for p in phrases if len(p.split()) == 2 and p.split()[1] == "by"]


# ---------------------------------------------------------------- asking one rule

@lru_cache(maxsize=None)
def _home(name: str, kind: str = "rule") -> rules.RuleSet:
    """The rule file of the quantity layer that holds the rule (or pattern) NAME."""
    for f in _FILES:
        rs = rules.load(f)
        if name in (rs.patterns if kind == "pattern" else {r.id for r in rs.rules}):
            return rs
    raise KeyError(f"no {kind} {name!r} in models/rules/{'/'.join(_FILES)}.json")


def hit(rule_id: str, text: str, pos: int = 0, endpos: Optional[int] = None, how: str = "match") -> Optional[rules.Hit]:
    """Rule RULE_ID run by the engine alone on TEXT (``how``: match, search or fullmatch)."""
    return getattr(_home(rule_id), how)(rule_id, text, pos, endpos)


def match(rule_id: str, text: str, pos: int = 0, endpos: Optional[int] = None) -> Optional[re.Match]:
    """The match of rule RULE_ID anchored at POS (as ``re.Pattern.match``), or None."""
    h = _home(rule_id).match(rule_id, text, pos, endpos)
    return h.match if h else None


def search(rule_id: str, text: str, pos: int = 0, endpos: Optional[int] = None) -> Optional[re.Match]:
    h = _home(rule_id).search(rule_id, text, pos, endpos)
    return h.match if h else None


def fullmatch(rule_id: str, text: str, pos: int = 0, endpos: Optional[int] = None) -> Optional[re.Match]:
    h = _home(rule_id).fullmatch(rule_id, text, pos, endpos)
    return h.match if h else None


def finditer(rule_id: str, text: str) -> Iterator[re.Match]:
    """Every match of rule RULE_ID in TEXT, left to right."""
    return (h.match for h in _home(rule_id).hits(text, only={rule_id}))


def hits(rule_id: str, text: str, offset: int = 0) -> Iterator[rules.Hit]:
    """Every hit of rule RULE_ID in TEXT, its offsets shifted by OFFSET (TEXT a slice)."""
    return _home(rule_id).hits(text, offset=offset, only={rule_id})


def pattern(pattern_id: str) -> rules.Pattern:
    """A helper pattern of the quantity layer's rule files."""
    return _home(pattern_id, "pattern")[pattern_id]


# ---------------------------------------------------------------- word lists for the rule files

rules.wordlist("currencyCodes")(lambda: _currency_surfaces()[2])
rules.wordlist("currencyCodesUpper")(lambda: sorted(c for c in _currency_surfaces()[2] if c.isupper()))
rules.wordlist("currencyBeforeNames")(lambda: _names(_currency_surfaces()[0], _currency_surfaces()[2]))
rules.wordlist("currencyAfterNames")(lambda: _names(_currency_surfaces()[1], _currency_surfaces()[2]))
rules.wordlist("minorUnits")(lambda: list(_currency_surfaces()[3]))
rules.wordlist("currencyMultipliers")(lambda: list(_table(_q()["currency_multipliers"])))
rules.wordlist("multiplierVerbs")(lambda: list(_table(_q()["multiplier_verbs"])))
rules.wordlist("numberAndScaleWords")(lambda: list(_q()["number_words"]) + list(_q()["scale_words"]))
rules.wordlist("numberWordsOneWord")(lambda: _one_word(_q()["number_words"]))
rules.wordlist("foldWords")(lambda: _one_word(_q()["number_words"]) + list(_q()["scale_words"]))
rules.wordlist("pluralScalesWithOf")(lambda: [k for k in _table(_q()["plural_scales"]) if " of " in k])
rules.wordlist("pluralScalesWithoutOf")(lambda: [k for k in _table(_q()["plural_scales"]) if " of " not in k])
rules.wordlist("fractionWords")(
    lambda: [f + "s" for f in _table(_q()["fractions"])] + ["halves"] + list(_table(_q()["fractions"])))
rules.wordlist("comparatorsBefore")(lambda: _phrases(_q()["comparators_before"]))
rules.wordlist("growthBefore")(lambda: _phrases(_q()["growth_before"]))
rules.wordlist("declineBefore")(lambda: _phrases(_q()["decline_before"]))
rules.wordlist("growthByVerbs")(lambda: _by_verbs(_q()["growth_before"]))
rules.wordlist("declineByVerbs")(lambda: _by_verbs(_q()["decline_before"]))
rules.wordlist("unitSymbols")(lambda: _units()[1])
rules.wordlist("unitNames")(lambda: _units()[2])
rules.wordlist("perTargets")(lambda: _units()[1] + _units()[2] + list(_q()["time_units"])
                             + list(resources.load("units.json")["per_words"]))
rules.wordlist("timeAndPerWords")(
    lambda: list(_q()["time_units"]) + list(resources.load("units.json")["per_words"]))


# ---------------------------------------------------------------- the lexicon

MASK_RULES = ("mask.phone", "mask.phoneCall", "mask.phoneIntl", "mask.listMarker", "mask.listMarkerLine",
          "mask.identifier", "mask.decade", "mask.slogan")


def _compiled() -> dict:
    """The Lexicon's regex fields: the rules of models/rules/quantities.json and numbers.json."""
    q, n = rules.load("quantities"), rules.load("numbers")
    fields = {  # field: rule of quantities.json
        "percent_re": "unit.percent", "cur_before_re": "currency.before", "cur_after_re": "currency.after",
        "time_re": "unit.time", "mag_re": "magnitude.word", "date_re": "mask.date",
        "year_range_re": "mask.yearRange", "rate_re": "rate.per", "comp_after_re": "comparator.after",
        "growth_after_re": "growth.after", "decline_after_re": "decline.after", "unit_re": "unit.physical",
        "gas_re": "unit.ofGas", "glued_gas_re": "unit.gluedCO2", "per_re": "per.unit", "cents_re": "unit.cents",
        "cur_prefixed_re": "currency.prefixed", "cur_prefixed_before_re": "currency.prefixedBefore",
        "relation_gap_re": "comparator.relationGap", "substance_per_re": "per.substance"}
    out = {f: q.rule(r).regex for f, r in fields.items()}
    out.update(word_num_re=n.rule("number.words").regex, fraction_re=n.rule("share.outOf").regex,
               plural_scale_re=n.rule("number.pluralScale").regex, fold_re=n.rule("number.fold").regex,
               fraction_word_re=n.rule("number.fractionWord").regex,
               multiplier_verb_re=n.rule("number.multiplierVerb").regex,
               million_not_before=q["notMillionAfter"].regex,
               not_quantity=tuple(q.rule(r).regex for r in MASK_RULES))
    return out


def _comparators(q: dict) -> dict:
    def phrases(d):
        return tuple(sorted(((k.split(), v) for k, v in d.items()), key=lambda kv: -len(kv[0])))

    before = phrases(q["comparators_before"])
    joined: dict = {}
    for words, v in before:  # the first phrase of the longest first wins, as in a word-by-word match
        joined.setdefault(" ".join(words), v)
    return dict(
        comp_before=before, comp_before_map=joined,
        comp_after_map={" ".join(k.lower().split()): v for k, v in q["comparators_after"].items()},
        growth_before=frozenset(tuple(p.split()) for p in q["growth_before"]),
        decline_before=frozenset(tuple(p.split()) for p in q["decline_before"]))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    q = _q()
    cur_before, cur_after, _codes, minor = _currency_surfaces()
    ul = resources.load("units.json")
    units = _units()[0]
    return Lexicon(
        number_words=dict(q["number_words"]), scale_words=dict(q["scale_words"]),
        magnitudes=dict(q["magnitudes"]), short_magnitudes=dict(q["short_magnitudes"]),
        cur_before=cur_before, cur_after=cur_after, time_units=dict(q["time_units"]),
        identifier_words=frozenset(q["identifier_words"]), year_preps=frozenset(q["year_prepositions"]),
        units=units, units_by_name={e["unit"]: e for e in ul["units"]},
        classifier_units=frozenset(ul["classifier_units"]),
        name_not_after=frozenset(q["name_number"]["not_after"]),
        minor_units=minor, plural_scales=_table(q["plural_scales"]), fractions=_table(q["fractions"]),
        cur_multipliers=_table(q["currency_multipliers"]), change_verbs=frozenset(q["change_verbs"]),
        multiplier_verbs=_table(q["multiplier_verbs"]),
        **_comparators(q), **_compiled())
