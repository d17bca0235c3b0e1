"""Numbers in text, before any unit: digits in every grouping ("1,234", "12,34,567", "1 000",
tokenised "10, 000"), decimals, negatives, scientific notation, fractions ("7 3/4", "1/2"), and
numbers in words ("twenty-five", "a dozen", "a third", "half a million", "thousands of", "has
tripled").  Each candidate says how it was written so the quantity rules can treat "three-step"
or "a third of residents" differently from "3 GW"."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from . import unitlex
from .qlexicon import Lexicon
from .records import Comparator

_NUM_RE = re.compile(
    r"\d{1,2},(?:\d{2},)+\d{3}(?:\.\d+)?(?!\d)"        # Indian grouping: 12,34,567.89
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?"                    # 1,234,567.8
    r"|\d{1,3}(?:(?:, | )\d{3})+(?!\d)(?![,.]\d)"       # 1 000 000; tokenised 10, 000
    r"|\d+(?:\.\d+)?(?:[eE][+-]?\d+(?![\w.]))?"        # 2.5, 1.5e6
    r"|(?<![\w.])\.\d+")                                # .5
_MIXED_FRACTION_RE = re.compile(r"(?<![\d,./])(?:(\d+)[ -])?(\d{1,2})/(\d{1,3})(?![\d/])")


@dataclass
class Num:
    value: float
    start: int
    end: int
    spelled: bool
    attributive: bool = False  # hyphened to a noun: "three-step plan", "12-inch wafer"
    comparator: Optional[str] = None  # "thousands of": at least 1000
    fraction: bool = False  # "a third", "half": a share of something, not a count
    multiplier: bool = False  # "has tripled": times, said by the verb


def word_value(s: str, lx: Lexicon) -> Optional[float]:
    total, cur = 0.0, 0.0
    seen = False
    for w in re.split(r"[\s-]+", s.lower()):
        if not w or w == "and":
            continue
        if w == "dozen" and cur:
            cur *= 12  # "two dozen"
            seen = True
        elif w in lx.number_words:
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


def is_measure_word(word: str, lx: Lexicon) -> bool:
    """Is WORD, hyphenated to a number ("500-MW", "five-year"), a unit of measure?"""
    low = word.lower()
    if low in lx.classifier_units or low.rstrip("s") in lx.classifier_units:
        return False
    return (word in lx.units or low in lx.units or low in lx.time_units or low in lx.magnitudes
            or low in ("percent", "per", "fold", "times") or low in lx.short_magnitudes)


def candidates(text: str, lx: Lexicon, masked: list[tuple[int, int]]) -> list[Num]:
    out: list[Num] = []
    taken: list[tuple[int, int]] = []
    for m in _MIXED_FRACTION_RE.finditer(text):
        whole, num, den = m.group(1), int(m.group(2)), int(m.group(3))
        if not 0 < num < den or den > 100 or (m.start() > 0 and text[m.start() - 1].isalpha()):
            continue  # "24/7", "9/11", "Covid/19": not fractions
        if whole is not None and text[m.start(1) + len(whole)] == "-" :
            continue  # "3-1/2": leave to the range reading
        value = (int(whole) if whole else 0) + num / den
        out.append(Num(round(value, 6), m.start(), m.end(), False, fraction=not whole))
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
        if s > 1 and text[s - 1] == "-" and re.search(r"[A-Za-z]\w*$", text[max(0, s - 12):s - 1]):
            continue  # "COVID-19", "scp2-173m": part of an identifier
        code = re.match(r"\s?([A-Za-z]{1,3})(?:-?\d{2,}|-\d)", text[e:e + 8])
        if code and code.group(1).lower() not in lx.cur_before:
            continue  # "24703 L-202", "24703m212": a code, not a measure ("3 USD50 cards" is)
        nxt = text[e:e + 3]
        if re.match(r"(?:st|nd|rd|th)\b", nxt, re.I):
            continue  # ordinal
        if re.match(r"[x×](?![\w.,]\w|\w)", nxt):  # "a 10x surge": times
            out.append(Num(float(raw.replace(",", "")), s, e + 1, False, multiplier=True))
            continue
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
        if hy and hy.group(1)[0].isupper() and hy.group(1)[1:].islower() and not is_measure_word(hy.group(1), lx):
            continue  # "7-Eleven", "3-Series": a name
        out.append(Num(value, s, e, False, bool(hy) and not is_measure_word(hy.group(1), lx)))
    out.extend(_word_numbers(text, lx))
    out = [n for n in out if not any(a <= n.start < b for a, b in masked)]
    out.sort(key=lambda n: n.start)
    merged: list[Num] = []
    for n in out:
        if merged and n.fraction and n.start < merged[-1].end:
            continue  # the "a half" of "one and a half", already added
        h = re.match(r"\s+and\s+a\s+half\b", text[n.end:n.end + 16], re.I)
        if h and not n.fraction:
            n = Num(n.value + 0.5, n.start, n.end + h.end(), n.spelled, n.attributive, n.comparator)
        merged.append(n)
    return merged


def _word_numbers(text: str, lx: Lexicon) -> list[Num]:
    """Numbers in words: "twenty-five", "a dozen", "a million", "one-third", "three quarters",
    "half", "dozens of", "tens of thousands of"."""
    out: list[Num] = []
    taken: list[tuple[int, int]] = []
    for m in lx.plural_scale_re.finditer(text):
        out.append(Num(lx.plural_scales[" ".join(m.group().lower().split())], m.start(), m.end(), True,
                        comparator=Comparator.AT_LEAST.value))
        taken.append(m.span())
    for m in re.finditer(r"\bhalf\s+an?(?=\s+(?:million|billion|trillion|dozen)\b)", text, re.I):
        out.append(Num(0.5, m.start(), m.end(), True))  # "half a million"
        taken.append(m.span())
    for m in lx.fraction_word_re.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        numer, frac = m.group("num"), m.group("frac").lower()
        head = frac.rstrip("s") if frac not in ("halves",) else "half"
        if numer is None and head != "half" and not lx.mag_re.match(text, m.end()):
            continue  # "the third quarter": an ordinal
        if numer and numer.lower() in ("a", "an") and head != "half" and not frac.endswith("s") and not (
                lx.mag_re.match(text, m.end()) or re.match(r"\s*(?:of\b|$|[.,;:!?)])", text[m.end():m.end() + 5])
                or re.search(r"\bby\s+$", text[max(0, m.start() - 4):m.start()])):
            continue  # "a third year", "a second time": ordinals; "a third of", "a quarter million" are not
        if head == "half" and numer is None and re.search(
                r"\b(?:first|second|latter|former|other|back|front|the)\s+$", text[max(0, m.start() - 10):m.start()], re.I):
            continue  # "the second half of the year"
        if re.match(r"\s*-?\s*(?:time|way|hearted|day)\b", text[m.end():m.end() + 10], re.I):
            continue
        n = 1.0 if numer is None or numer.lower() in ("a", "an") else word_value(numer, lx)
        if n is None:
            continue
        value = n * lx.fractions[head]
        share = not lx.mag_re.match(text, m.end())
        if share:
            value = round(value, 2)
        out.append(Num(value, m.start(), m.end(), True, fraction=share))
        taken.append(m.span())
    for m in lx.word_num_re.finditer(text):
        s, e = m.start(), m.end()
        if any(a <= s < b for a, b in taken):
            continue
        if re.search(r"\w-$", text[max(0, s - 2):s]):
            continue  # "7-Eleven", "Catch-22"-like names
        low = m.group().lower()
        val = word_value(m.group(), lx)
        if val is None:
            continue
        if low.split()[0].split("-")[0] in ("hundred", "thousand"):
            am = re.search(r"\b(an?|one)\s+$", text[max(0, s - 5):s], re.I)
            if not am:
                continue
            s = s - len(am.group())
        if low == "one":
            if re.search(r"\b(?:no|any|every|some|each|the|this|which|whichever|another|such|little|ones?)\s+$",
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
        out.append(Num(val, s, e, True, attributive))
    for m in lx.fold_re.finditer(text):  # "tenfold", "a threefold rise"
        v = word_value(m.group(1), lx)
        if v:
            out.append(Num(v, m.start(), m.end(), True, multiplier=True))
    for m in lx.multiplier_verb_re.finditer(text):
        v = lx.multiplier_verbs[m.group().lower()]
        out.append(Num(v, m.start(), m.end(), True, multiplier=True,
                        comparator=Comparator.GROWTH.value if v > 1 else Comparator.DECLINE.value))
    for m in re.finditer(r"\ban?(?=\s+(?:million|billion|trillion)\b)", text, re.I):
        out.append(Num(1.0, m.start(), m.end(), True))  # "a million people": the magnitude follows
    return out


def word_or_num(s: str, lx: Lexicon) -> Optional[float]:
    s = s.strip()
    if s.isdigit():
        return float(s)
    return word_value(s, lx)
