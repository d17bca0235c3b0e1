"""The quantity layer: every number in a text with its unit, range and qualifier.

quantulum3 is used where it is good (physical units: "5 km", "10 GW") and fenced off where it
is known to be wrong for policy text: it reads years as quantities, bracketed amounts as
negatives, "RMB" as rand-megabyte and ordinals as fractions, drops "about/more than" and detaches
"per 10,000 people".  Those cases are handled here by rules driven by models/quantities.json
and models/currencies.json.  quantulum3 objects never leave this module.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Mapping, Optional

from . import resources, unitlex
from .normalize import nfkc, span_back
from .records import Comparator, Quantity

# ---------------------------------------------------------------- lexicon, compiled once


@dataclass(frozen=True)
class _Lexicon:
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
    comp_after: tuple
    growth_before: tuple
    decline_before: tuple
    growth_after_re: re.Pattern
    decline_after_re: re.Pattern
    unit_re: re.Pattern
    units: dict
    units_by_name: dict
    gas_re: re.Pattern
    glued_gas_re: re.Pattern
    per_re: re.Pattern
    classifier_units: frozenset
    duration_heads: frozenset
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
    cur_multipliers: dict
    codes: frozenset
    change_verbs: frozenset
    substance_per_re: re.Pattern
    multiplier_verbs: dict
    multiplier_verb_re: re.Pattern


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


def _alt(words, key=len) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=key, reverse=True))


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
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
    mag_re = re.compile(rf"\s*(?:{_alt(mags)})\b", re.I)
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
    return _Lexicon(
        number_words=nw, scale_words=dict(q["scale_words"]), magnitudes=mags,
        short_magnitudes=dict(q["short_magnitudes"]),
        percent_re=re.compile(rf"\s*({_alt(q['percent'])})(?![a-z])", re.I),
        cur_before_re=re.compile(rf"(?:^|(?<=[\s(\[“\"'/,\d\-–]))((?-i:{_alt(codes_cs)})|{_alt(_names(cur_before, codes_cs))})\s?$", re.I),
        cur_after_re=re.compile(rf"\s*((?-i:{_alt(codes_cs)})|{_alt(_names(cur_after, codes_cs))})(?![A-Za-z])", re.I),
        cur_before=cur_before, cur_after=cur_after,
        time_units=time_units, time_re=time_re, word_num_re=word_num_re, mag_re=mag_re,
        date_re=date_re, year_range_re=year_range_re, rate_re=rate_re,
        fraction_re=fraction_re,
        identifier_words=frozenset(q["identifier_words"]),
        year_preps=frozenset(q["year_prepositions"]),
        comp_before=phrases(q["comparators_before"]),
        comp_after=phrases(q["comparators_after"]),
        growth_before=tuple(sorted((p.split() for p in q["growth_before"]), key=len, reverse=True)),
        decline_before=tuple(sorted((p.split() for p in q["decline_before"]), key=len, reverse=True)),
        growth_after_re=re.compile(rf"\s*({_alt(q['growth_after'])})\b", re.I),
        decline_after_re=re.compile(rf"\s*({_alt(q['decline_after'])})\b", re.I),
        unit_re=unit_re, units=units, units_by_name={e["unit"]: e for e in ul["units"]},
        gas_re=re.compile(rf"\s+of\s+(?:(?:the\s+)?(?:global\s+)?warming\s+)?(?:{gases})(?![A-Za-z0-9])", re.I),
        glued_gas_re=re.compile(r"(k|M|G)?(t|g)\s?CO2(?:-?eq?)?(?![A-Za-z0-9])"),
        per_re=re.compile(rf"(?:\s*/\s*|\s+per\s+|\s+a\s+|\s+an\s+|\s+each\s+)(?:(?P<sym>{_alt(syms)})|(?i:(?P<word>{per_targets})))(?![A-Za-z0-9])"),
        classifier_units=frozenset(ul["classifier_units"]),
        duration_heads=frozenset(ul["duration_measure_heads"]),
        not_quantity=tuple(re.compile(p) for k, v in nq.items() if k != "_about" for p in v),
        name_not_after=frozenset(q["name_number"]["not_after"]),
        million_not_before=re.compile(rf"\s*(?:{_alt(q['million_m_not_before'])})\b", re.I),
        cents_re=re.compile(rf"\s*({_alt(minor)})(?![A-Za-z])"),
        minor_units=minor,
        plural_scales=scales,
        plural_scale_re=re.compile(rf"\b({_alt(scales)})(?=\s+of\b)", re.I),
        fractions=fractions,
        fraction_word_re=re.compile(
            rf"\b(?:(?P<num>an?|{_alt([w for w in nw if ' ' not in w])})[\s-]+)?"
            rf"(?P<frac>{_alt([f + 's' for f in fractions] + ['halves'] + list(fractions))})\b", re.I),
        cur_prefixed_re=re.compile(rf"\s*(?P<mult>{_alt(mults)})\s?(?P<code>{_alt(codes)})\b"),
        cur_multipliers=mults,
        codes=frozenset(codes),
        change_verbs=frozenset(q["change_verbs"]),
        multiplier_verbs=mverbs,
        multiplier_verb_re=re.compile(rf"\b(?:{_alt(mverbs)})\b", re.I),
        substance_per_re=re.compile(
            rf"\s+of\s+[a-z]+(?:\s+[a-z]+)?\s+(?:per|a|an|each)\s+({_alt(list(time_units) + list(ul['per_words']))})\b", re.I),
    )


# ---------------------------------------------------------------- number candidates

_NUM_RE = re.compile(
    r"\d{1,2},(?:\d{2},)+\d{3}(?:\.\d+)?(?!\d)"        # Indian grouping: 12,34,567.89
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?"                    # 1,234,567.8
    r"|\d{1,3}(?:(?:, | )\d{3})+(?!\d)(?![,.]\d)"       # 1 000 000; tokenised 10, 000
    r"|\d+(?:\.\d+)?(?:[eE][+-]?\d+(?![\w.]))?"        # 2.5, 1.5e6
    r"|(?<![\w.])\.\d+")                                # .5
_MIXED_FRACTION_RE = re.compile(r"(?<![\d,./])(?:(\d+)[ -])?(\d{1,2})/(\d{1,3})(?![\d/])")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*|[%$€£¥₹₩]")
_CLAUSE_BREAK = re.compile(r"[;.!?:]\s|\n\s*\n")
_FILLERS = {"at", "to", "of", "by", "a", "an", "the", "be", "is", "are", "was", "were", "reach",
            "reached", "reaches", "reaching", "hit", "total", "totalled", "totaled", "level",
            "stand", "stood", "stands", "remain", "remained", "maintained", "kept", "keep", "rate"}


@dataclass
class _Num:
    value: float
    start: int
    end: int
    spelled: bool
    attributive: bool = False  # hyphened to a noun: "three-step plan", "12-inch wafer"
    comparator: Optional[str] = None  # "thousands of": at least 1000
    fraction: bool = False  # "a third", "half": a share of something, not a count
    multiplier: bool = False  # "has tripled": times, said by the verb


def _word_value(s: str, lx: _Lexicon) -> Optional[float]:
    total, cur = 0.0, 0.0
    seen = False
    for w in re.split(r"[\s-]+", s.lower()):
        if not w or w == "and":
            continue
        if w in lx.number_words:
            cur += lx.number_words[w]
            seen = True
        elif w == "hundred":
            cur = (cur or 1) * 100
            seen = True
        elif w == "thousand":
            total += (cur or 1) * 1000
            cur = 0
            seen = True
        else:
            return None
    return total + cur if seen else None


def n_is_measure_word(word: str, lx: _Lexicon) -> bool:
    """Is WORD, hyphenated to a number ("500-MW", "five-year"), a unit of measure?"""
    low = word.lower()
    if low in lx.classifier_units or low.rstrip("s") in lx.classifier_units:
        return False
    return (word in lx.units or low in lx.units or low in lx.time_units or low in lx.magnitudes
            or low in ("percent", "per", "fold", "times") or low in lx.short_magnitudes)


def _candidates(text: str, lx: _Lexicon, masked: list[tuple[int, int]]) -> list[_Num]:
    out: list[_Num] = []
    taken: list[tuple[int, int]] = []
    for m in _MIXED_FRACTION_RE.finditer(text):
        whole, num, den = m.group(1), int(m.group(2)), int(m.group(3))
        if not 0 < num < den or den > 100 or (m.start() > 0 and text[m.start() - 1].isalpha()):
            continue  # "24/7", "9/11", "Covid/19": not fractions
        if whole is not None and text[m.start(1) + len(whole)] == "-" :
            continue  # "3-1/2": leave to the range reading
        value = (int(whole) if whole else 0) + num / den
        out.append(_Num(round(value, 6), m.start(), m.end(), False, fraction=not whole))
        taken.append(m.span())
    for m in _NUM_RE.finditer(text):
        s, e = m.start(), m.end()
        if any(a <= s < b for a, b in taken):
            continue
        raw = m.group()
        if (", " in raw or " " in raw) and re.search(r"\d\s?,\s?$|\d\s$", text[max(0, s - 4):s]):
            continue  # "1, 2, 300": a list, not a tokenised thousands group
        if s > 0 and (text[s - 1].isdigit() or text[s - 1] in ".,_#=\\/"):
            if not (text[s - 1] == "/" and s > 1 and text[s - 2].isalpha()):
                continue  # "24/7", "v1.2"; but "1,126 MW/3,530 MWh" is two measures
        if re.search(r"[=_]\s*$", text[max(0, s - 3):s]) or text[e:e + 1] in ("_", "="):
            continue  # code, not prose: "x = 1", "__v=2"
        if s > 0 and text[s - 1].isalpha() and text[s - 1].isascii():
            # RMB1, US$5, MAUD60 are currency prefixes; COVID-19, G20, Web3 are names ("的6%" is not)
            if not lx.cur_before_re.search(text[max(0, s - 6):s]):
                continue
        if s > 1 and text[s - 1] == "-" and text[s - 2].isalpha():
            continue
        nxt = text[e:e + 3]
        if re.match(r"(?:st|nd|rd|th)\b", nxt, re.I):
            continue  # ordinal
        if nxt[:1].isalpha() and not re.match(r"(?:bn|mn|tn|[kmb])\b", nxt, re.I) \
                and not lx.unit_re.match(text, e) and not lx.glued_gas_re.match(text, e) \
                and not lx.mag_re.match(text, e) and not unitlex.lookup(text, e, glued=True) \
                and not lx.cur_after_re.match(text, e) and not lx.cur_prefixed_re.match(text, e):
            continue  # 5G, 3D, 4K (but 10.7GW, 5GWh, 2nm, 0.8rad, 115USD are measures)
        value = float(re.sub(r"[, ]", "", raw))
        if s > 0 and text[s - 1] == "-" and (s == 1 or text[s - 2] in " ([\n\t") and \
                not re.search(r"\d\s*$", text[max(0, s - 12):s - 1]):
            s, value = s - 1, -value  # "-5 °C"; but "5 -6" stays a range
        elif re.search(r"\b(?:minus|negative)\s+$", text[max(0, s - 10):s], re.I):
            value = -value
        hy = re.match(r"\s?-\s?([A-Za-z]+)", text[e:e + 30])
        out.append(_Num(value, s, e, False, bool(hy) and not n_is_measure_word(hy.group(1), lx)))
    out.extend(_word_numbers(text, lx))
    out = [n for n in out if not any(a <= n.start < b for a, b in masked)]
    out.sort(key=lambda n: n.start)
    merged: list[_Num] = []
    for n in out:
        if merged and n.fraction and n.start < merged[-1].end:
            continue  # the "a half" of "one and a half", already added
        h = re.match(r"\s+and\s+a\s+half\b", text[n.end:n.end + 16], re.I)
        if h and not n.fraction:
            n = _Num(n.value + 0.5, n.start, n.end + h.end(), n.spelled, n.attributive, n.comparator)
        merged.append(n)
    return merged


def _word_numbers(text: str, lx: _Lexicon) -> list[_Num]:
    """Numbers in words: "twenty-five", "a dozen", "a million", "one-third", "three quarters",
    "half", "dozens of", "tens of thousands of"."""
    out: list[_Num] = []
    taken: list[tuple[int, int]] = []
    for m in lx.plural_scale_re.finditer(text):
        out.append(_Num(lx.plural_scales[" ".join(m.group(1).lower().split())], m.start(), m.end(), True,
                        comparator=Comparator.AT_LEAST.value))
        taken.append(m.span())
    for m in re.finditer(r"\bhalf\s+an?(?=\s+(?:million|billion|trillion|dozen)\b)", text, re.I):
        out.append(_Num(0.5, m.start(), m.end(), True))  # "half a million"
        taken.append(m.span())
    for m in lx.fraction_word_re.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        numer, frac = m.group("num"), m.group("frac").lower()
        head = frac.rstrip("s") if frac not in ("halves",) else "half"
        if numer is None and head != "half" and not lx.mag_re.match(text, m.end()):
            continue  # "the third quarter": an ordinal
        if head == "half" and numer is None and re.search(
                r"\b(?:first|second|latter|former|other|back|front|the)\s+$", text[max(0, m.start() - 10):m.start()], re.I):
            continue  # "the second half of the year"
        if re.match(r"\s*-?\s*(?:time|way|hearted|day)\b", text[m.end():m.end() + 10], re.I):
            continue
        n = 1.0 if numer is None or numer.lower() in ("a", "an") else _word_value(numer, lx)
        if n is None:
            continue
        value = n * lx.fractions[head]
        share = not lx.mag_re.match(text, m.end())
        if share:
            value = round(value, 2)
        out.append(_Num(value, m.start(), m.end(), True, fraction=share))
        taken.append(m.span())
    for m in lx.word_num_re.finditer(text):
        s, e = m.start(), m.end()
        if any(a <= s < b for a, b in taken):
            continue
        low = m.group().lower()
        val = _word_value(m.group(), lx)
        if val is None:
            continue
        if low.split()[0].split("-")[0] in ("hundred", "thousand"):
            am = re.search(r"\b(an?|one)\s+$", text[max(0, s - 5):s], re.I)
            if not am:
                continue
            s = s - len(am.group())
        if low == "one":
            if re.search(r"\b(?:no|any|every|some|each|the|this|that|which|whichever|another|such|little|ones?)\s+$",
                         text[max(0, s - 12):s], re.I):
                continue  # "no one", "the one": a pronoun
            if re.match(r"(?:\s+another|['’]s\b|\s+by\s+one|\s+or\s+(?:two|more|another|other))", text[e:e + 12], re.I):
                continue
        after = text[e:e + 20]
        attributive = bool(re.match(r"\s*-\s*[A-Za-z]", after)) and not re.match(
            r"\s*-\s*(?:years?|months?|days?|weeks?|hours?)\b", after, re.I)
        if re.match(r"\s*-?\s*[Yy]ear\s+[Pp]lan", after):
            continue
        if m.group()[0].isupper() and re.match(r"\s+[A-Z][a-z]", after) and s > 0 and \
                not re.search(r"(?:^|[.!?]\s+|\n)$", text[:s]):
            continue  # inside a Title Case name: "Four Orientations", "Two Sessions"
        if m.group()[0].isupper() and re.match(r"\s+[A-Z][a-z]+\s+[A-Z]", after):
            continue
        out.append(_Num(val, s, e, True, attributive))
    for m in lx.multiplier_verb_re.finditer(text):
        v = lx.multiplier_verbs[m.group().lower()]
        out.append(_Num(v, m.start(), m.end(), True, multiplier=True,
                        comparator=Comparator.GROWTH.value if v > 1 else Comparator.DECLINE.value))
    for m in re.finditer(r"\ban?(?=\s+(?:million|billion|trillion)\b)", text, re.I):
        out.append(_Num(1.0, m.start(), m.end(), True))  # "a million people": the magnitude follows
    return out


# ---------------------------------------------------------------- qualifiers


def _words_before(text: str, pos: int, n: int = 8) -> list[str]:
    window = text[max(0, pos - 80):pos]
    cut = None
    for cut in _CLAUSE_BREAK.finditer(window):
        pass
    if cut is not None:
        window = window[cut.end():]
    return [w.lower() for w in _WORD_RE.findall(window)][-n:]


def _match_tail(words: list[str], phrases, allow_fillers: int = 2):
    """Find a phrase that ends the word list, skipping up to N filler words."""
    for skip in range(allow_fillers + 1):
        if skip and (len(words) < skip or words[-skip] not in _FILLERS):
            break
        ws = words[:len(words) - skip] if skip else words
        for p, v in phrases:
            if len(p) <= len(ws) and ws[len(ws) - len(p):] == p:
                return v, skip
    return None, None


_RELATIONS = {Comparator.EXCEED.value, Comparator.BELOW.value, Comparator.AT_LEAST.value, Comparator.AT_MOST.value}
_PHRASAL_UP = {"made", "make", "makes", "making", "add", "adds", "added", "adding", "take", "takes", "took",
               "taking", "sum", "sums", "summed", "end", "ends", "ended", "pick", "picked", "picks",
               "set", "sets", "shut", "break", "broke", "broken", "wrap", "wrapped", "burn", "burned"}


def _comparator(text: str, start: int, end: int, unit_class: str, lx: _Lexicon) -> str:
    before = _words_before(text, start)
    comp, _ = _match_tail(before, lx.comp_before)
    if comp and unit_class == "duration" and before and before[-1] in ("over", "for", "in", "within"):
        comp = None  # "over five years" is the span, not more than five
    after = text[end:end + 20].lower()
    for p, v in lx.comp_after:
        if re.match(r"\s*" + r"\s+".join(map(re.escape, p)) + r"\b", after):
            comp = comp or v
            break
    if comp:
        return comp
    if unit_class in ("percent", "currency", "count", "physical", "rate", "duration", "fraction"):
        for phrases, label in ((lx.growth_before, "growth"), (lx.decline_before, "decline")):
            for p in phrases:
                if p in (["up"], ["down"]) and unit_class not in ("percent", "currency"):
                    continue
                if p in (["up"], ["down"]) and len(before) > 1 and before[-2] in _PHRASAL_UP:
                    continue  # "made up 25.4%", "adds up to", "ended down": a particle, not a change
                if before[-len(p):] == p:
                    return label
        if before and before[-1] == "by":  # "raised interest rates by 25 basis points"
            for phrases, label in ((lx.growth_before, "growth"), (lx.decline_before, "decline")):
                if any(len(p) == 2 and p[1] == "by" and p[0] in before[-5:-1] for p in phrases):
                    return label
        if unit_class in ("percent", "currency"):
            if lx.growth_after_re.match(text, end) and not re.match(r"\s*(?:more|higher|up)\s+than", text[end:end + 15]):
                return "growth"
            if lx.decline_after_re.match(text, end) and not re.match(r"\s*(?:less|lower|fewer|down)\s+than", text[end:end + 15]):
                return "decline"
            if unit_class == "percent" and re.match(r"\s*(?:more|higher)\s+than\s+(?:a|the|in|last|its)\b", text[end:end + 25]):
                return "growth"  # "9% more than a year earlier"
            if unit_class == "percent" and re.match(r"\s*(?:less|lower|fewer)\s+than\s+(?:a|the|in|last|its)\b", text[end:end + 25]):
                return "decline"
    return Comparator.EQUAL.value


# ---------------------------------------------------------------- units


def _unit_after(text: str, pos: int, lx: _Lexicon):
    """(unit, unit_class, end) for what follows a number, or None."""
    m = lx.percent_re.match(text, pos)
    if m:
        u = m.group(1).lower()
        return ("percentage points" if u in ("percentage points", "percentage point", "pp")
                else "percent"), "percent", m.end()
    m = lx.cur_after_re.match(text, pos)
    if m:
        return lx.cur_after[m.group(1).lower()], "currency", m.end()
    m = re.match(r"\s*-?\s*(times|fold)\b", text[pos:pos + 10], re.I)
    if m:
        return "times", "multiplier", pos + m.end()
    m = lx.time_re.match(text, pos)
    if m:
        between = text[pos:m.start(1)].split()
        if not between or between[0].lower() in ("consecutive", "straight", "successive", "full",
                                                  "more", "working", "calendar", "business"):
            unit = lx.time_units[m.group(1).lower()]
            per_unit, end = _per(text, m.end(), unit, lx)
            # "6-10 hours a day" is a measure of its own; "for 10 years" is a span of time
            return per_unit, ("physical" if end > m.end() else "duration"), end
    m = re.match(r"\s*-\s*(years?|months?|days?|weeks?|hours?|minutes?|seconds?|decades?)\b", text[pos:pos + 14], re.I)
    if m:
        return lx.time_units[m.group(1).lower()], "duration", pos + m.end()
    got = _physical_unit(text, pos, lx)
    if got:
        return got
    return _table_unit(text, pos, lx)


def _table_unit(text: str, pos: int, lx: _Lexicon):
    """Any other unit quantulum3 knows ("six-mile", "20 minutes", "0.8rad", "35 km/h")."""
    g = re.match(r"[ \u00a0]?(?:-[ ]?)?", text[pos:pos + 4])
    at = pos + g.end()
    if at < len(text) and text[at:at + 1].isspace():
        return None
    tu = unitlex.lookup(text, at, glued=(at == pos))
    if tu is None:
        return None
    entry = lx.units.get(tu.name.lower())  # one name per unit: quantulum3's "metre" is units.json's "m"
    unit, end = _per(text, tu.end, entry["unit"] if entry else tu.name, lx)
    return unit, "physical", end


def _physical_unit(text: str, pos: int, lx: _Lexicon):
    """A unit from models/units.json right after POS, glued ("10.7GW"), spaced ("30 GW") or
    hyphenated ("500-MW"); with "of CO2" and "per day" / "/kWh" tails."""
    g = re.match(r"[ \u00a0]?(?:-[ ]?)?", text[pos:pos + 4])
    at = pos + g.end()
    m = lx.glued_gas_re.match(text, at)
    if m:
        unit, end = _per(text, m.end(), f"{m.group(1) or ''}{m.group(2)} CO2e", lx)
        return unit, "physical", end  # "11 MtCO2e", "44 g CO2e/kWh"
    m = lx.unit_re.match(text, at)
    if not m:
        return None
    surface = m.group("sym") or m.group("name")
    entry = lx.units.get(surface) or lx.units.get(surface.lower())
    if entry is None or (m.group("name") and at == pos and text[pos - 1:pos].isdigit()
                         and len(surface) < 3):
        return None
    unit, end = entry["unit"], m.end()
    if entry["dimension"] == "mass":
        gm = lx.gas_re.match(text, end)
        if gm:
            unit, end = f"{unit} CO2e", gm.end()
    unit, end = _per(text, end, unit, lx)
    return unit, "physical", end


def _same_dimension(u1: str, u2: str, lx: _Lexicon) -> Optional[float]:
    """How many U1 make one U2, when both are units.json units of one dimension ("kW", "MW")."""
    e1, e2 = lx.units_by_name.get(u1), lx.units_by_name.get(u2)
    if e1 is None or e2 is None or e1["dimension"] != e2["dimension"] or u1 == u2:
        return None
    return e2["to_base"] / e1["to_base"]


def _per(text: str, end: int, unit: str, lx: _Lexicon) -> tuple[str, int]:
    """'barrels per day', 'kWh/100 km', 'tonnes per capita per year'."""
    for _ in range(2):
        m = lx.per_re.match(text, end)
        if not m:
            m2 = re.match(r"\s*/\s*|\s+(?:per|an?|each)\s+", text[end:end + 8])
            tu = unitlex.lookup(text, end + m2.end(), glued=True) if m2 else None
            if tu is None:
                # "6 grams of salt per day", "267 billion tonnes of ice a year": the substance
                # sits between the unit and its rate; CO2 and money are handled before
                sm = lx.substance_per_re.match(text, end) if " " not in unit or unit.endswith(" CO2e") else None
                if sm and (unit in lx.units_by_name or unitlex.entity_of(unit)):
                    unit, end = f"{unit} per {lx.time_units.get(sm.group(1).lower(), sm.group(1).lower())}", sm.end()
                    continue
                break
            entry = lx.units.get(tu.name.lower())
            unit, end = f"{unit} per {entry['unit'] if entry else tu.name}", tu.end
            continue
        w = m.group("sym") or m.group("word")
        entry = lx.units.get(w) or lx.units.get(w.lower())
        w = entry["unit"] if entry else lx.time_units.get(w.lower(), w.lower())
        unit, end = f"{unit} per {w}", m.end()
    return unit, end


def _magnitude(text: str, pos: int, lx: _Lexicon, after_currency: bool):
    """Multiply by 'million', 'bn', 'hundred million'...; returns (factor, end)."""
    factor, end = 1.0, pos
    sci = re.match(r"\s*[×x*]\s*10\^(-?\d{1,3})\b", text[pos:pos + 12])
    if sci:  # "3.2×10^6" (NFKC of 3.2×10⁶)
        factor, end = 10.0 ** int(sci.group(1)), pos + sci.end()
    while True:
        m = lx.mag_re.match(text, end)
        if m:
            factor *= lx.magnitudes[m.group().strip().lower()]
            end = m.end()
            continue
        m = re.match(r"\s*(hundred|thousand)\b", text[end:end + 12], re.I)
        if m and re.match(r"\s*(?:million|billion|thousand)", text[end + m.end():end + m.end() + 12], re.I):
            factor *= lx.scale_words[m.group(1).lower()]
            end += m.end()
            continue
        break
    if end == pos and after_currency:
        m = re.match(r"(bn|mn|tn|[kmb])\b", text[pos:pos + 3], re.I)
        if m:
            factor = lx.short_magnitudes[m.group(1).lower()]
            end = pos + m.end()
    elif end == pos:
        m = re.match(r"(bn|mn|tn)\b", text[pos:pos + 3], re.I)
        if m:
            factor = lx.short_magnitudes[m.group(1).lower()]
            end = pos + m.end()
        else:
            # "1.2 m electric vehicles", "2m barrels", "1.8M dollars", "30k": million and thousand;
            # but "48m", "1 m x 1 m", "1m is equal to 10 dm" are metres
            m = re.match(r" ?(m|k|M|K)\b(?![²³/\d]|\.\w)", text[pos:pos + 4])
            if m and m.group(1) == "m":
                nxt = text[pos + m.end():pos + m.end() + 40]
                ends = re.match(r"\s*(?:$|[.,;:!?)]|and\b|or\b)", nxt)
                if lx.million_not_before.match(nxt) or not (
                        _plural_ahead(nxt) or _MILLION_M_BEFORE.search(text, 0, pos - 1) or ends and re.search(r"\bof\s*$", text[max(0, pos - 20):pos - len(text[:pos]) + len(text[:pos].rstrip("0123456789.,"))])):
                    m = None  # "the 100m world record", "is 48m": metres; "2m barrels", "a population of 177m": million
            if m:
                factor = lx.short_magnitudes[m.group(1).lower()]
                end = pos + m.end()
    return factor, end


MINOR_UNIT = "cent"


def _minor_amount(text: str, pos: int, lx: _Lexicon) -> Optional[tuple[float, int]]:
    """The cents of "15 dollars 50", "3 dollars and 50 cents", "17 USD 25." (value, end)."""
    m = re.match(rf"\s*(?:and\s+)?(\d{{1,2}}|{lx.word_num_re.pattern})(?!\d|[.,]\d)", text[pos:pos + 40], re.I)
    if not m:
        return None
    minor = m.group(1)
    v = float(minor) if minor.isdigit() else _word_value(minor, lx)
    if v is None or not 0 < v < 100 or (minor.isdigit() and len(minor) == 1 and not m.group().strip().startswith("and")
                                        and not lx.cents_re.match(text, pos + m.end())):
        return None
    end = pos + m.end()
    c = lx.cents_re.match(text, end)
    if c and not re.match(r"\s*c\b", text[end:end + 3]):
        return v, c.end()
    if re.match(r"\s*(?:$|[.,;!?)]|more\b|less\b|extra\b)", text[end:end + 6]):
        return v, end
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


# an earlier figure whose "m" was surely million ("£3m", "1.5m visitors"): "up from 1.2m" follows it
_MILLION_M_BEFORE = re.compile(r"(?:[$£€¥]\s?\d[\d.,]*\s?m\b|\d[\d.,]*\s?m\s+(?:[a-z]+\s+)?(?:people|[a-z]{2,}[^su\W]s)\b)")
_PLURAL_RE = re.compile(r"(?:people|children|staff|personnel|cattle|livestock|men|women|[a-z]{2,}[^su\W]s|[a-z]+ies)\b")


def _plural_ahead(s: str) -> bool:
    """Is there a plural noun in the next two words ("2m barrels", "1.2 m electric vehicles")?"""
    for w in re.findall(r"[A-Za-z]+", s)[:2]:
        if _PLURAL_RE.fullmatch(w.lower()):
            return True
        if w.lower() in ("of", "per", "a", "in", "to", "and", "or", "for", "is", "was", "are", "were"):
            return False
    return False


def _currency_before(text: str, start: int, lx: _Lexicon, local: Optional[Mapping[str, str]] = None):
    m = lx.cur_before_re.search(text[max(0, start - 6):start])
    if not m:
        return None, start
    sym = m.group(1)
    code = (local or {}).get(sym) or lx.cur_before.get(sym.lower())
    return code, start - (len(text[max(0, start - 6):start]) - m.start(1))


def _is_year(text: str, n: _Num, lx: _Lexicon, cur: Optional[str]) -> bool:
    if n.spelled or cur or not (1800 <= n.value <= 2100) or n.value != int(n.value):
        return False
    raw = text[n.start:n.end]
    if "," in raw or "." in raw:
        return False
    if lx.percent_re.match(text, n.end) or lx.cur_after_re.match(text, n.end) or \
            lx.mag_re.match(text, n.end) or _physical_unit(text, n.end, lx):
        return False  # "2000 MW" is a quantity, never a year
    before = _words_before(text, n.start, 3)
    comp, _ = _match_tail(before, lx.comp_before, 0)
    if comp:
        return False
    nxt = re.match(r"\s+([a-z][a-z-]+)", text[n.end:n.end + 30])
    if nxt and (nxt.group(1).endswith("s") or nxt.group(1) in ("people", "staff", "personnel")):
        prev = re.search(r"(\S+)\s*$", text[max(0, n.start - 30):n.start])
        if prev and prev.group(1)[:1].islower() and prev.group(1).lower() not in lx.year_preps:
            return False
    return True


# ---------------------------------------------------------------- public API


def parse(text: str, offset: int = 0, currency: Optional[Mapping[str, str]] = None) -> list[Quantity]:
    """Every quantity in TEXT, offsets shifted by OFFSET.  Dates, years, ordinals, phone numbers,
    list markers and numbers inside names are not quantities; a bracketed currency conversion is
    returned with ``conversion_of`` set.  CURRENCY maps a bare symbol to the currency it means in
    this text ({"$": "AUD"} for an Australian release; see :func:`local_currencies`).
    Text that is not NFKC (full-width digits, "½", "km²") is read normalised; offsets and quotes
    still point into TEXT."""
    norm, where = nfkc(text)
    qs = _parse(norm, offset if where is None else 0, currency)
    if where is None:
        return qs
    out = []
    for q in qs:
        a, b = span_back(where, q.start, q.end)
        out.append(replace(q, start=a + offset, end=b + offset, text=text[a:b]))
    return out


def _parse(text: str, offset: int, currency: Optional[Mapping[str, str]]) -> list[Quantity]:
    lx = lexicon()
    masked: list[tuple[int, int]] = [m.span() for m in lx.date_re.finditer(text)]
    for rx in lx.not_quantity:
        masked.extend(m.span() for m in rx.finditer(text))
    for m in lx.year_range_re.finditer(text):
        a, b = int(m.group(1)), m.group(2)
        b = int(b) if len(b) == 4 else int(m.group(1)[:2] + b)
        if a < b <= a + 60 and not lx.percent_re.match(text, m.end()):
            masked.append(m.span())

    rates = []
    for m in lx.rate_re.finditer(text):
        rates.append(m)
        masked.append(m.span())
    fracs = []
    for m in lx.fraction_re.finditer(text):
        if any(a <= m.start() < b for a, b in masked):
            continue
        a, b = _word_or_num(m.group(1), lx), _word_or_num(m.group(2), lx)
        if b is not None and re.fullmatch(r"(?:1[89]|20)\d{2}", m.group(2)) and " in " in m.group().lower():
            continue  # "102,700 in 2017": a year, not a denominator
        if re.search(r"\b(?:rank\w*|position|place[sd]?|index|placing|standing)\b[^.;]{0,60}$",
                     text[max(0, m.start() - 80):m.start()], re.I):
            continue  # "ranks 33 out of 131": a rank among others, not a share
        if a is not None and b and 0 < a <= b:
            fracs.append((m, 100.0 * a / b))
            masked.append(m.span())

    nums = _candidates(text, lx, masked)
    out: list[Quantity] = []
    consumed_until = -1
    last_id_end = -1
    i = 0
    while i < len(nums):
        n = nums[i]
        i += 1
        if n.start < consumed_until:
            continue
        cur, qstart = (None, n.start) if n.spelled else _currency_before(text, n.start, lx, currency)
        if _is_year(text, n, lx, cur):
            continue
        if not cur and _in_name(text, n, lx):
            continue
        before = _words_before(text, n.start, 2)
        if not cur and ((before and before[-1] in lx.identifier_words)
                        or re.search(r"\b(?:No|no|Nos|nos|Art|art|Sec|sec|Vol|vol|pp?)\.\s*$", text[max(0, n.start - 6):n.start])
                        or (last_id_end >= 0 and re.fullmatch(r"\s*(?:,|and|or|&|to)\s*", text[last_id_end:n.start]))):
            last_id_end = n.end  # "scope 1 and 2", "Phase 2 and 3": names, not measures
            continue
        factor, end = _magnitude(text, n.end, lx, bool(cur))
        value = _clean(n.value * factor)
        unit, uclass = ("count", "count")
        cm = lx.cents_re.match(text, end) if factor == 1 else None
        if cm and (cur or not re.match(r"\s*c\b", text[end:end + 3])):
            # "$7.7 cents/kWh", "50 cents": hundredths of the dollar of the text, said in cents
            near = next((o.unit.split(" ")[0] for o in reversed(out) if o.unit_class == "currency"), None)
            code = cur or lx.minor_units.get(cm.group(1).lower()) or near or (currency or {}).get("$") \
                or lx.cur_before["$"]  # "1.29 euros, 12 cents more": euro cents
            end = cm.end()
            unit, end = _per(text, end, f"{code} {MINOR_UNIT}", lx)
            uclass = "currency"
        elif cur:
            unit, uclass = cur, "currency"
            m = lx.cur_after_re.match(text, end)  # "$5 billion USD"
            if m and lx.cur_after[m.group(1).lower()] == cur:
                end = m.end()
            unit, end = _per(text, end, unit, lx)
        else:
            pm = lx.cur_prefixed_re.match(text, end)
            got = None if pm else _unit_after(text, end, lx)
            if pm:  # "30 MUSD", "120 MEUR": a million of the currency
                value = _clean(value * lx.cur_multipliers[pm.group("mult")])
                unit, uclass, end = pm.group("code"), "currency", pm.end()
                unit, end = _per(text, end, unit, lx)
            elif got:
                unit, uclass, end = got
                if uclass == "currency" and factor == 1:
                    f2, e2 = _magnitude(text, end, lx, False)
                    if f2 != 1 and lx.mag_re.match(text, end):  # "75 USD million"
                        factor, value, end = f2, _clean(n.value * f2), e2
        if uclass == "currency" and factor == 1 and value == int(value) and not unit.endswith(MINOR_UNIT):
            got_minor = _minor_amount(text, end, lx)
            if got_minor:  # "3 dollars 50 cents", "15 USD 50", "thirteen dollars and forty-five cents"
                value, end = _clean(value + got_minor[0] / 100), got_minor[1]
                while i < len(nums) and nums[i].start < end:
                    i += 1
        if n.fraction and uclass == "count":
            unit, uclass = "fraction", "fraction"
        if n.multiplier:
            unit, uclass, end = "times", "multiplier", n.end
        value_max = None
        # ranges: "5.5 to 6 percent", "5-6%", "between 3 and 4 million"
        rm = re.match(r"\s*(?:-|–|—|to|and)\s*", text[end if uclass != "count" or factor != 1 else n.end:][:8])
        if i < len(nums) and rm:
            nxt = nums[i]
            gap_start = end if (uclass != "count" or factor != 1) else n.end
            f_next, e_next = _magnitude(text, nxt.end, lx, bool(cur))
            tail_word = re.match(r"\s*([A-Za-z]+)", text[e_next:e_next + 20])
            noun_after = bool(tail_word) and uclass in ("currency", "physical", "percent") and not (
                _unit_after(text, e_next, lx) or lx.cur_after_re.match(text, e_next)
                or tail_word.group(1).lower() in ("and", "or", "in", "by", "per", "a", "each", "from", "of"))
            nxt_at = nxt.start
            if cur:  # "$5 to $10": the second figure repeats the symbol
                c2, at2 = _currency_before(text, nxt.start, lx, currency)
                if c2 == cur:
                    nxt_at = at2
            if nxt_at == gap_start + rm.end() and not noun_after:
                joiner = rm.group().strip()
                wb = _words_before(text, qstart, 10)
                word_before = wb[-1] if wb else ""
                is_between = joiner == "and" and word_before == "between"
                # "rose from 5 to 7%" is a change (two values); "ranges from 18 to 22" a range
                change = word_before == "from" and any(w in lx.change_verbs for w in wb[:-1])
                if change and uclass == "count" and factor == 1 and not cur:
                    u2 = _unit_after(text, _magnitude(text, nxt.end, lx, False)[1], lx)
                    if u2 and u2[1] in ("percent", "physical", "currency"):
                        unit, uclass = u2[0], u2[1]
                if joiner != "and" or is_between:
                    if not (word_before == "by" or change) or is_between:  # "fell by 1.5 to 76.4": a change, then a level
                        f2, end2 = _magnitude(text, nxt.end, lx, bool(cur))
                        if f2 == 1 and factor != 1:
                            f2 = factor
                        if cur:
                            u2 = _per(text, end2, cur, lx) + (None,)
                            u2 = (u2[0], uclass, u2[1])
                            if u2[0].startswith(unit + " per "):
                                unit = u2[0]  # "$3 to $4 per barrel"
                        else:
                            u2 = _unit_after(text, end2, lx) or ("count", "count", end2)
                        if uclass == "count" and u2[1] != "count" and factor == 1:
                            unit, uclass = u2[0], u2[1]
                            if f2 != 1:
                                factor = f2
                                value = n.value * f2
                        if factor == 1 and f2 != 1 and u2[0] == unit:
                            value = _clean(n.value * f2)  # "between 3 and 4 million"
                        ratio = _same_dimension(unit, u2[0], lx) if uclass == "physical" else None
                        if u2[0] == unit and nxt.value * f2 > value:
                            value_max = _clean(nxt.value * f2)
                            end = u2[2]
                            i += 1
                        elif ratio and nxt.value * f2 * ratio > value:
                            value_max = _clean(nxt.value * f2 * ratio)  # "100kW to 1MW": 100 to 1000 kW
                            end = u2[2]
                            i += 1
        comp = _comparator(text, qstart, end, uclass, lx) if not n.multiplier else (
            _match_tail(_words_before(text, qstart), lx.comp_before, 1)[0] or n.comparator)
        if out and comp in _RELATIONS and re.fullmatch(r"\s*(?:above|below|over|under|more than|less than|fewer than)\s+(?:the|its|their|last|this)\s*",
                                                       text[out[-1].end - offset:qstart], re.I):
            comp = Comparator.EQUAL.value  # "35% below the 30-year average": the relation is the 35%'s
        if n.comparator and comp == Comparator.EQUAL.value:
            comp = n.comparator
        out.append(Quantity(value=value, unit=unit, start=qstart + offset, end=end + offset,
                            text=text[qstart:end], value_max=value_max, comparator=comp,
                            unit_class=uclass, spelled=n.spelled, attributive=n.attributive))
        consumed_until = end

    for m, pct in fracs:
        out.append(Quantity(value=round(pct, 4), unit="percent", start=m.start() + offset,
                            end=m.end() + offset, text=m.group(), unit_class="percent",
                            comparator=_comparator(text, m.start(), m.end(), "percent", lx),
                            spelled=not m.group()[0].isdigit()))
    out.sort(key=lambda q: q.start)
    out = _attach_rates(text, out, rates, offset)
    return _mark_conversions(text, out, offset)


def _in_name(text: str, n: _Num, lx: _Lexicon) -> bool:
    """'Empire Wind 2', 'Borkum Riffgrund 3 wind farm': a bare integer after a capitalised word
    (not a month, determiner or heading word) is part of a name."""
    raw = text[n.start:n.end]
    if n.spelled or not re.fullmatch(r"\d{1,3}(?:\.\d{1,2})?", raw):
        return False
    m = re.search(r"(?:^|[\s(])([A-Za-z]*[A-Z][A-Za-z]*)[ ]$", text[max(0, n.start - 30):n.start])
    if m and "." in raw and not re.search(r"[a-z][A-Z]|^[A-Z][a-z]+$", m.group(1)):
        return False  # a decimal after a name is a version ("iOS 17.2", "Windows 10.1")
    if not m or m.group(1).capitalize() in lx.name_not_after:
        return False
    if _unit_after(text, n.end, lx):
        return False  # "call Bob 3 times"
    if re.match(r"\s*(?:%|percent|per\s*cent|[-–]|million|billion|trillion|thousand|bn|m\b|k\b)", text[n.end:n.end + 10], re.I):
        return False
    if _physical_unit(text, n.end, lx) or lx.cur_after_re.match(text, n.end):
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


def _word_or_num(s: str, lx: _Lexicon) -> Optional[float]:
    s = s.strip()
    if s.isdigit():
        return float(s)
    return _word_value(s, lx)


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
            if _CLAUSE_BREAK.search(between) or re.search(r",\s*(?:and|while|but)\b", between):
                continue
            d = hi - lo
            if best_d is None or d < best_d:
                best, best_d = idx, d
        if best is not None:
            q = qs[best]
            qs[best] = Quantity(value=q.value, unit=unit, start=q.start, end=q.end, text=q.text,
                                value_max=q.value_max, comparator=q.comparator,
                                unit_class="rate", spelled=q.spelled)
    return qs


def _mark_conversions(text: str, qs: list[Quantity], offset: int) -> list[Quantity]:
    """'223.36 billion yuan (33.97 billion US dollars)': the bracket restates the first figure."""
    out = list(qs)
    for i in range(1, len(out)):
        a, b = out[i - 1], out[i]
        if a.unit_class != "currency" or b.unit_class != "currency" or a.unit == b.unit:
            continue
        gap = text[a.end - offset:b.start - offset]
        if re.fullmatch(r"\s*[(\[]\s*(?:about|around|approximately|roughly|some|or|equivalent to|nearly|almost|~)?\s*", gap, re.I):
            out[i] = Quantity(value=b.value, unit=b.unit, start=b.start, end=b.end, text=b.text,
                              value_max=b.value_max, comparator=b.comparator,
                              unit_class=b.unit_class, spelled=b.spelled, conversion_of=i - 1)
    return out


def has_number(text: str) -> bool:
    """Cheap pre-filter: does this sentence need the quantity parser at all?"""
    return bool(_HAS_NUM_RE.search(text))


_HAS_NUM_RE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million|billion|trillion|dozen|half|third|quarter)\b", re.I)
