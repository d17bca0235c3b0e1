"""The quantity lexicon, compiled once per process: number words, magnitudes, units, currencies,
comparators and the patterns that are not quantities, all read from models/ (quantities.json,
units.json, currencies.json, currency_table.json).  Only regexes and dicts live here; the rules
that use them are in policytrace.numbers and policytrace.quantities."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import resources

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
    minor = {k: v for k, v in ov["minor_units"].items() if k != "_about"}
    return before, after, codes_cs, minor


def _names(surfaces: dict, codes_cs: list) -> list:
    """The surfaces matched in any case: all but the ISO codes."""
    iso = {c.lower() for c in codes_cs}
    return [k for k in surfaces if k not in iso]


def _spaced_alt(phrases) -> str:
    """An alternation of multi-word phrases, longest first, any run of spaces between words."""
    ws = r"\s+"
    return "|".join(ws.join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))


def _alt(words, key=len) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=key, reverse=True))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    q = resources.load("quantities.json")
    cur_before, cur_after, codes_cs, minor = _currency_surfaces()
    months = q["months"]
    month_alt = "|".join(sorted((m.capitalize() for m in months), key=len, reverse=True))
    month_pat = rf"(?:{month_alt}|{month_alt.upper()})\.?"
    day = r"\d{1,2}(?:st|nd|rd|th)?"
    date_re = re.compile(
        rf"\b{month_pat}\s+{day}(?:\s*(?:-|–|to|and)\s*{day})?(?:\s*,\s*|\s+|,)?(?:\d{{4}})?\b"
        rf"|\b{day}(?:\s*(?:-|–|to|and)\s*{day})?\s+(?:of\s+)?{month_pat}(?:,?\s*\d{{4}})?\b"
        rf"|\b{month_pat}\s+\d{{4}}\b"
        r"|\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
        r"|\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[AaPp]\.?[Mm]\.?))?(?!\w)"
        r"|\b\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.)(?!\w)"
        r"|\b(?:1[89]|20)\d{2}s\b"
        r"|https?://\S+|www\.\S+|\S+@\S+\.\w+", re.I
    )
    year_range_re = re.compile(
        r"(?<![\d,.])((?:1[89]|20)\d{2})\s*(?:-|–|—|/|to|through)\s*((?:1[89]|20)?\d{2})(?![\d%])")
    nw = dict(q["number_words"])
    word_alt = _alt(list(nw) + list(q["scale_words"]))
    word_num_re = re.compile(
        rf"\b(?:{word_alt})(?:(?:\s+and\s+|\s*-\s*|\s+)(?:{word_alt}))*\b", re.I)
    mags = dict(q["magnitudes"])
    mag_re = re.compile(rf"(?:\s*|-)(?:{_alt(mags)})\b", re.I)  # "$1.5-billion"
    rate_heads = _alt(q["rate_heads"])
    rate_re = re.compile(
        rf"\bper\s+((?:\d{{1,3}}(?:,\d{{3}})+|\d+)|(?:one\s+|a\s+)?(?:hundred|thousand|ten\s+thousand|hundred\s+thousand|million))"
        rf"\s+((?:[a-z][a-z-]*\s+){{0,2}}(?:{rate_heads}))\b", re.I)
    fraction_re = re.compile(
        rf"(?<![\d,.])\b(\d+|{_alt(nw)})\s+(?:out\s+of|in)\s+(?:every\s+)?(\d+|{_alt(nw)})\b(?![\d,.]\d)(?!\s*(?:%|percent|per\s+cent|years?))",
        re.I)
    time_units = dict(q["time_units"])
    time_re = re.compile(rf"\s+(?:[a-z]+\s+)?({_alt(time_units)})\b", re.I)

    def phrases(d):
        return tuple(sorted(((k.split(), v) for k, v in d.items()), key=lambda kv: -len(kv[0])))

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
    unit_re = re.compile(rf"(?:(?P<sym>{_alt(syms)})|(?i:(?P<name>{_alt(names)})))(?![A-Za-z0-9²³])")
    gases = _alt(ul["emission_gases"])
    per_targets = _alt(syms + names + list(time_units) + list(ul["per_words"]))
    nq = q["not_quantity_patterns"]
    scales = {k: float(v) for k, v in q["plural_scales"].items() if k != "_about"}
    fractions = {k: float(v) for k, v in q["fractions"].items() if k != "_about"}
    mults = {k: float(v) for k, v in q["currency_multipliers"].items() if k != "_about"}
    mverbs = {k: float(v) for k, v in q["multiplier_verbs"].items() if k != "_about"}
    codes = sorted(c for c in codes_cs if c.isupper())
    return Lexicon(
        number_words=nw, scale_words=dict(q["scale_words"]), magnitudes=mags,
        short_magnitudes=dict(q["short_magnitudes"]),
        percent_re=re.compile(rf"\s*({_alt(q['percent'])})(?![a-z])", re.I),
        cur_before_re=re.compile(rf"(?:^|(?<=[\s(\[“\"'/,\d\-–]))((?-i:{_alt(codes_cs)})|{_alt(_names(cur_before, codes_cs))})\s?$", re.I),
        cur_after_re=re.compile(rf"\s*((?-i:{_alt(codes_cs)})|{_alt(_names(cur_after, codes_cs))})(?![A-Za-z\d])", re.I),
        cur_before=cur_before, cur_after=cur_after,
        time_units=time_units, time_re=time_re, word_num_re=word_num_re, mag_re=mag_re,
        date_re=date_re, year_range_re=year_range_re, rate_re=rate_re,
        fraction_re=fraction_re,
        identifier_words=frozenset(q["identifier_words"]),
        year_preps=frozenset(q["year_prepositions"]),
        comp_before=phrases(q["comparators_before"]),
        comp_after_re=re.compile(rf"\s*({_spaced_alt(q['comparators_after'])})\b", re.I),
        comp_after_map={" ".join(k.lower().split()): v for k, v in q["comparators_after"].items()},
        growth_before=frozenset(tuple(p.split()) for p in q["growth_before"]),
        decline_before=frozenset(tuple(p.split()) for p in q["decline_before"]),
        growth_after_re=re.compile(rf"\s*({_alt(q['growth_after'])})\b", re.I),
        decline_after_re=re.compile(rf"\s*({_alt(q['decline_after'])})\b", re.I),
        unit_re=unit_re, units=units, units_by_name={e["unit"]: e for e in ul["units"]},
        gas_re=re.compile(rf"\s+of\s+(?:(?:the\s+)?(?:global\s+)?warming\s+)?(?:{gases})(?![A-Za-z0-9])", re.I),
        glued_gas_re=re.compile(r"(k|M|G)?(t|g)\s?CO2(?:-?eq?)?(?![A-Za-z0-9])"),
        per_re=re.compile(rf"(?:\s*/\s*|\s+per\s+|\s+a\s+|\s+an\s+|\s+each\s+)(?:(?P<sym>{_alt(syms)})|(?i:(?P<word>{per_targets})))(?![A-Za-z0-9])"),
        classifier_units=frozenset(ul["classifier_units"]),
        not_quantity=tuple(re.compile(p) for k, v in nq.items() if k != "_about" for p in v),
        name_not_after=frozenset(q["name_number"]["not_after"]),
        million_not_before=re.compile(rf"\s*(?:{_alt(q['million_m_not_before'])})\b", re.I),
        cents_re=re.compile(rf"\s*({_alt(minor)})(?![A-Za-z])"),
        minor_units=minor,
        plural_scales=scales,
        plural_scale_re=re.compile(
            rf"\b({_alt(k for k in scales if ' of ' in k)})\b|\b({_alt(k for k in scales if ' of ' not in k)})(?=\s+of\b)", re.I),
        fractions=fractions,
        fraction_word_re=re.compile(
            rf"\b(?:(?P<num>an?|{_alt([w for w in nw if ' ' not in w])})[\s-]+)?"
            rf"(?P<frac>{_alt([f + 's' for f in fractions] + ['halves'] + list(fractions))})\b", re.I),
        cur_prefixed_re=re.compile(rf"\s*(?P<mult>{_alt(mults)})\s?(?P<code>{_alt(codes)})\b"),
        cur_prefixed_before_re=re.compile(rf"(?:^|(?<=[\s(]))(?P<mult>{_alt(mults)})(?P<code>{_alt(codes)})\s?$"),
        cur_multipliers=mults,
        change_verbs=frozenset(q["change_verbs"]),
        multiplier_verbs=mverbs,
        relation_gap_re=re.compile(
            rf"\s*(?:{_alt(q['relation_words'])})\s+(?:{_alt(q['relation_determiners'])})\s*", re.I),
        fold_re=re.compile(rf"\b({_alt([w for w in nw if ' ' not in w] + ['hundred', 'thousand'])})fold\b", re.I),
        multiplier_verb_re=re.compile(rf"\b(?:{_alt(mverbs)})\b", re.I),
        substance_per_re=re.compile(
            rf"\s+of\s+[a-z]+(?:\s+[a-z]+)?\s+(?:per|a|an|each)\s+({_alt(list(time_units) + list(ul['per_words']))})\b", re.I),
    )
