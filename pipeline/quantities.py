"""The quantity layer: every number in a text with its unit, range and qualifier.

quantulum3 is used where it is good (physical units: "5 km", "10 GW") and fenced off where it
is known to be wrong for policy text: it reads years as quantities, bracketed amounts as
negatives, "RMB" as rand-megabyte and ordinals as fractions, drops "about/more than" and detaches
"per 10,000 people".  Those cases are handled here by rules driven by models/quantities.json
and models/currencies.json.  quantulum3 objects never leave this module.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from . import resources
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
    quantulum_keys: frozenset


def _alt(words, key=len) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=key, reverse=True))


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    q = resources.load("quantities.json")
    cur = resources.load("currencies.json")["currencies"]
    cur_before = {}
    cur_after = {}
    for c in cur:
        for s in c["before"]:
            cur_before[s.lower()] = c["code"]
        for s in c["after"]:
            cur_after[s.lower()] = c["code"]
    months = q["months"]
    month_alt = "|".join(sorted((m.capitalize() for m in months), key=len, reverse=True))
    month_pat = rf"(?:{month_alt})\.?"
    day = r"\d{1,2}(?:st|nd|rd|th)?"
    date_re = re.compile(
        rf"\b{month_pat}\s+{day}(?:\s*(?:-|–|to|and)\s*{day})?(?:\s*,\s*|\s+|,)?(?:\d{{4}})?\b"
        rf"|\b{day}(?:\s*(?:-|–|to|and)\s*{day})?\s+(?:of\s+)?{month_pat}(?:,?\s*\d{{4}})?\b"
        rf"|\b{month_pat}\s+\d{{4}}\b"
        r"|\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
        r"|\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[AaPp]\.?[Mm]\.?))?(?!\w)"
        r"|\b\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.)(?!\w)"
        r"|\b(?:1[89]|20)\d{2}s\b"
        r"|https?://\S+|www\.\S+|\S+@\S+\.\w+"
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
        rf"\b(\d+|{_alt(nw)})\s+(?:out\s+of|in)\s+(?:every\s+)?(\d+|{_alt(nw)})\b(?!\s*(?:%|percent|per\s+cent|years?))",
        re.I)
    time_units = dict(q["time_units"])
    time_re = re.compile(rf"\s+(?:[a-z]+\s+)?({_alt(time_units)})\b", re.I)

    def phrases(d):
        return tuple(sorted(((k.split(), v) for k, v in d.items()), key=lambda kv: -len(kv[0])))

    qkeys = frozenset(resources.load("quantulum_unit_keys.json")["keys"])
    return _Lexicon(
        number_words=nw, scale_words=dict(q["scale_words"]), magnitudes=mags,
        short_magnitudes=dict(q["short_magnitudes"]),
        percent_re=re.compile(rf"\s*({_alt(q['percent'])})(?![a-z])", re.I),
        cur_before_re=re.compile(rf"(?:^|(?<=[\s(\[“\"'/,]))({_alt(cur_before)})\s?$", re.I),
        cur_after_re=re.compile(rf"\s*({_alt(cur_after)})\b", re.I),
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
        quantulum_keys=qkeys,
    )


# ---------------------------------------------------------------- number candidates

_NUM_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
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


def _candidates(text: str, lx: _Lexicon, masked: list[tuple[int, int]]) -> list[_Num]:
    out = []
    for m in _NUM_RE.finditer(text):
        s, e = m.start(), m.end()
        if s > 0 and (text[s - 1].isdigit() or text[s - 1] in ".,_#=\\/"):
            continue
        if re.search(r"[=_]\s*$", text[max(0, s - 3):s]) or text[e:e + 1] in ("_", "="):
            continue  # code, not prose: "x = 1", "__v=2"
        if s > 0 and text[s - 1].isalpha():
            # RMB1, US$5 are currency prefixes; COVID-19, G20, Web3 are names
            if not lx.cur_before_re.search(text[max(0, s - 6):s]):
                continue
        if s > 1 and text[s - 1] == "-" and text[s - 2].isalpha():
            continue
        nxt = text[e:e + 3]
        if re.match(r"(?:st|nd|rd|th)\b", nxt, re.I):
            continue  # ordinal
        if nxt[:1].isalpha() and not re.match(r"(?:bn|mn|tn|[kmb])\b", nxt, re.I):
            continue  # 5G, 3D, 4K
        out.append(_Num(float(m.group().replace(",", "")), s, e, False))
    for m in lx.word_num_re.finditer(text):
        s, e = m.start(), m.end()
        val = _word_value(m.group(), lx)
        if val is None:
            continue
        words = m.group().lower().split()
        if words == ["one"] or m.group().lower() in ("hundred", "thousand"):
            tail = text[e:e + 12].lower()
            if not re.match(r"\s*(?:%|percent|per cent|million|billion|trillion|thousand|out of|in )", tail):
                continue
        after = text[e:e + 20]
        if re.match(r"\s*-\s*[A-Za-z]", after):
            if re.match(r"\s*-\s*(?:years?|months?|days?|weeks?|hours?)\b", after, re.I) and \
                    not re.match(r"\s*-\s*year\s+plan", after, re.I):
                pass  # "five-year" duration adjective: kept, unit comes later
            else:
                continue  # "three-step", "two-pronged"
        if re.match(r"\s*-?\s*[Yy]ear\s+[Pp]lan", after):
            continue
        if m.group()[0].isupper() and re.match(r"\s+[A-Z][a-z]", after) and s > 0 and \
                not re.search(r"(?:^|[.!?]\s+|\n)$", text[:s]):
            continue  # inside a Title Case name: "Four Orientations", "Two Sessions"
        if m.group()[0].isupper() and re.match(r"\s+[A-Z][a-z]+\s+[A-Z]", after):
            continue
        out.append(_Num(val, s, e, True))
    out = [n for n in out if not any(a <= n.start < b for a, b in masked)]
    out.sort(key=lambda n: n.start)
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


def _comparator(text: str, start: int, end: int, unit_class: str, lx: _Lexicon) -> str:
    before = _words_before(text, start)
    comp, _ = _match_tail(before, lx.comp_before)
    after = text[end:end + 20].lower()
    for p, v in lx.comp_after:
        if re.match(r"\s*" + r"\s+".join(map(re.escape, p)) + r"\b", after):
            comp = comp or v
            break
    if comp:
        return comp
    if unit_class in ("percent", "currency", "count", "physical", "rate"):
        for phrases, label in ((lx.growth_before, "growth"), (lx.decline_before, "decline")):
            for p in phrases:
                if p in (["up"], ["down"]) and unit_class not in ("percent", "currency"):
                    continue
                if before[-len(p):] == p:
                    return label
        if unit_class in ("percent", "currency"):
            if lx.growth_after_re.match(text, end) and not re.match(r"\s*(?:more|higher|up)\s+than", text[end:end + 15]):
                return "growth"
            if lx.decline_after_re.match(text, end) and not re.match(r"\s*(?:less|lower|fewer|down)\s+than", text[end:end + 15]):
                return "decline"
    return Comparator.EQUAL.value


# ---------------------------------------------------------------- units


@lru_cache(maxsize=4096)
def _quantulum_unit(window: str) -> Optional[tuple[str, int]]:
    """Ask quantulum3 for a physical unit right after the number; (name, surface length)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser
        try:
            qs = parser.parse(window)
        except Exception:
            return None
    for q in qs:
        ent = q.unit.entity.name
        if q.span[0] > 1 or ent in ("dimensionless", "currency", "time", "unknown"):
            continue
        return q.unit.name, q.span[1]
    return None


_STOP_UNITS = {"in", "at", "a", "an", "to", "of", "on", "or", "and", "by", "as", "is", "it",
               "be", "from", "for", "the", "per", "new", "more", "over"}


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
            return lx.time_units[m.group(1).lower()], "duration", m.end()
    m = re.match(r"\s*-\s*(years?|months?|days?|weeks?|hours?)\b", text[pos:pos + 12], re.I)
    if m:
        return lx.time_units[m.group(1).lower()], "duration", pos + m.end()
    w = re.match(r"\s*([^\s,.;:()]+)", text[pos:pos + 30])
    if w and lx.quantulum_keys:
        tok = w.group(1)
        if tok.lower() not in _STOP_UNITS and (tok.lower() in lx.quantulum_keys or tok in lx.quantulum_keys):
            window = "1 " + text[pos:pos + 30].lstrip()
            got = _quantulum_unit(window.split("\n")[0])
            if got:
                name, surface_end = got
                consumed = surface_end - 2
                lead = len(text[pos:]) - len(text[pos:].lstrip())
                return name, "physical", pos + lead + max(consumed, len(tok))
    return None


def _magnitude(text: str, pos: int, lx: _Lexicon, after_currency: bool):
    """Multiply by 'million', 'bn', 'hundred million'...; returns (factor, end)."""
    factor, end = 1.0, pos
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
    return factor, end


def _currency_before(text: str, start: int, lx: _Lexicon):
    m = lx.cur_before_re.search(text[max(0, start - 6):start])
    if not m:
        return None, start
    sym = m.group(1)
    code = lx.cur_before.get(sym.lower())
    return code, start - (len(text[max(0, start - 6):start]) - m.start(1))


def _is_year(text: str, n: _Num, lx: _Lexicon, cur: Optional[str]) -> bool:
    if n.spelled or cur or not (1800 <= n.value <= 2100) or n.value != int(n.value):
        return False
    raw = text[n.start:n.end]
    if "," in raw or "." in raw:
        return False
    if lx.percent_re.match(text, n.end) or lx.cur_after_re.match(text, n.end) or \
            lx.mag_re.match(text, n.end):
        return False
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


def parse(text: str, offset: int = 0) -> list[Quantity]:
    """Every quantity in TEXT, offsets shifted by OFFSET.  Dates, years and ordinals are not
    quantities; a bracketed currency conversion is returned with ``conversion_of`` set."""
    lx = lexicon()
    masked: list[tuple[int, int]] = [m.span() for m in lx.date_re.finditer(text)]
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
        if a is not None and b and 0 < a <= b:
            fracs.append((m, 100.0 * a / b))
            masked.append(m.span())

    nums = _candidates(text, lx, masked)
    out: list[Quantity] = []
    consumed_until = -1
    i = 0
    while i < len(nums):
        n = nums[i]
        i += 1
        if n.start < consumed_until:
            continue
        cur, qstart = (None, n.start) if n.spelled else _currency_before(text, n.start, lx)
        if _is_year(text, n, lx, cur):
            continue
        before = _words_before(text, n.start, 2)
        if not cur and ((before and before[-1] in lx.identifier_words)
                        or re.search(r"\b(?:No|no|Nos|nos|Art|art|Sec|sec|Vol|vol|pp?)\.\s*$", text[max(0, n.start - 6):n.start])):
            continue
        factor, end = _magnitude(text, n.end, lx, bool(cur))
        value = _clean(n.value * factor)
        unit, uclass = ("count", "count")
        if cur:
            unit, uclass = cur, "currency"
            m = lx.cur_after_re.match(text, end)  # "$5 billion USD"
            if m and lx.cur_after[m.group(1).lower()] == cur:
                end = m.end()
        else:
            got = _unit_after(text, end, lx)
            if got:
                unit, uclass, end = got
        value_max = None
        # ranges: "5.5 to 6 percent", "5-6%", "between 3 and 4 million"
        rm = re.match(r"\s*(?:-|–|—|to|and)\s*", text[end if uclass != "count" or factor != 1 else n.end:][:8])
        if i < len(nums) and rm:
            nxt = nums[i]
            gap_start = end if (uclass != "count" or factor != 1) else n.end
            if nxt.start == gap_start + rm.end():
                joiner = rm.group().strip()
                word_before = before[-1] if before else ""
                is_between = joiner == "and" and word_before == "between"
                if joiner != "and" or is_between:
                    if word_before != "from" or is_between:
                        f2, end2 = _magnitude(text, nxt.end, lx, bool(cur))
                        if f2 == 1 and factor != 1:
                            f2 = factor
                        if cur:
                            u2 = (unit, uclass, end2)
                        else:
                            u2 = _unit_after(text, end2, lx) or ("count", "count", end2)
                        if uclass == "count" and u2[1] != "count" and factor == 1:
                            unit, uclass = u2[0], u2[1]
                            if f2 != 1:
                                factor = f2
                                value = n.value * f2
                        if factor == 1 and f2 != 1:
                            value = _clean(n.value * f2)
                        if u2[0] == unit and nxt.value * f2 > value:
                            value_max = _clean(nxt.value * f2)
                            end = u2[2]
                            i += 1
        comp = _comparator(text, qstart, end, uclass, lx)
        out.append(Quantity(value=value, unit=unit, start=qstart + offset, end=end + offset,
                            text=text[qstart:end], value_max=value_max, comparator=comp,
                            unit_class=uclass, spelled=n.spelled))
        consumed_until = end

    for m, pct in fracs:
        out.append(Quantity(value=round(pct, 4), unit="percent", start=m.start() + offset,
                            end=m.end() + offset, text=m.group(), unit_class="percent",
                            comparator=_comparator(text, m.start(), m.end(), "percent", lx),
                            spelled=not m.group()[0].isdigit()))
    out.sort(key=lambda q: q.start)
    out = _attach_rates(text, out, rates, offset)
    return _mark_conversions(text, out, offset)


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
