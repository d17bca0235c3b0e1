"""Numbers in text, before any unit: digits in every grouping ("1,234", "12,34,567", "1 000",
tokenised "10, 000"), decimals, negatives, scientific notation, fractions ("7 3/4", "1/2"), and
numbers in words ("twenty-five", "a dozen", "a third", "half a million", "thousands of", "has
tripled").  Each candidate says how it was written so the quantity rules can treat "three-step"
or "a third of residents" differently from "3 GW", and which rules of models/rules/numbers.json
read it.  The regexes are those rules; the code decides in which order they are asked."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from . import units as unitlex
from .vocab import Lexicon, finditer, match, pattern, search
from ..records import Comparator
from ..rules.lexicon import words


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
    share: bool = False  # "fully renewable": all of a supply, a percent said by the adverb
    rules: tuple = ()  # the ids of the rules that read it, in order


def word_value(s: str, lx: Lexicon) -> Optional[float]:
    total, cur = 0.0, 0.0
    seen = False
    for w in pattern("wordSeparator").split(s.lower()):
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
            or low in words("quantities.json", "measure_words") or low in lx.short_magnitudes)


def candidates(text: str, lx: Lexicon, masked: list[tuple[int, int]]) -> list[Num]:
    out, taken = _digit_fractions(text)
    commas, comma_spans = _decimal_commas(text, lx)
    out.extend(commas)
    taken.extend(comma_spans)
    out.extend(_each("number.digits", text, taken, lambda m: _digits(text, m, lx)))
    out.extend(_word_numbers(text, lx))
    out = [n for n in out if not any(a <= n.start < b for a, b in masked)]
    out.sort(key=lambda n: n.start)
    merged: list[Num] = []
    for n in out:
        if merged and n.fraction and n.start < merged[-1].end:
            continue  # the "a half" of "one and a half", already added
        h = match("number.andAHalf", text[n.end:n.end + 16])
        if h and not n.fraction:
            n = Num(n.value + 0.5, n.start, n.end + h.end(), n.spelled, n.attributive, n.comparator,
                    rules=n.rules + ("number.andAHalf",))
        merged.append(n)
    return merged


def _each(rule_id: str, text: str, taken: list[tuple[int, int]], read) -> list[Num]:
    """READ(match) for every match of RULE_ID that starts outside TAKEN, where it makes a number."""
    out = []
    for m in finditer(rule_id, text):
        if not any(a <= m.start() < b for a, b in taken):
            n = read(m)
            if n is not None:
                out.append(n)
    return out


def _digit_fractions(text: str) -> tuple[list[Num], list[tuple[int, int]]]:
    """"7 3/4", "1/2" (and the spans they take from the digits)."""
    out: list[Num] = []
    taken: list[tuple[int, int]] = []
    for m in finditer("number.fraction", text):
        whole, num, den = m.group(1), int(m.group(2)), int(m.group(3))
        if not 0 < num < den or den > 100 or (m.start() > 0 and text[m.start() - 1].isalpha()):
            continue  # "24/7", "9/11", "Covid/19": not fractions
        if whole is not None and text[m.start(1) + len(whole)] == "-" :
            continue  # "3-1/2": leave to the range reading
        value = (int(whole) if whole else 0) + num / den
        out.append(Num(round(value, 6), m.start(), m.end(), False, fraction=not whole, rules=("number.fraction",)))
        taken.append(m.span())
    return out, taken


def _decimal_commas(text: str, lx: Lexicon) -> tuple[list[Num], list[tuple[int, int]]]:
    """"33,3%", "84,7 million", "2,5 Mt": a decimal comma, where a percent, a magnitude or a unit
    follows (and the spans it takes from the digits); "scopes 1,2 and 3" is a list."""
    out: list[Num] = []
    taken: list[tuple[int, int]] = []
    for m in finditer("number.decimalComma", text):
        s, e = m.span()
        if not _measure_after(text, e) or _not_a_number(text, s, e, m.group(), lx):
            continue
        n = _digits_num(text, s, e, float(f"{m.group(1)}.{m.group(2)}"), ["number.decimalComma"], lx)
        if n is not None:
            out.append(n)
            taken.append((s, e))
    return out, taken


def _measure_after(text: str, e: int) -> bool:
    """Is what follows the digits ending at E, past a space, a percent, a magnitude or a unit?"""
    at = e + 1 if text[e:e + 1] in (" ", "\u00a0", "\n") else e
    return bool(match("unit.percent", text, e) or match("magnitude.word", text, e)
                or pattern("shortMagnitude").match(text[at:at + 3]) or match("unit.physical", text, at)
                or match("unit.gluedCO2", text, at) or match("currency.after", text, e))


def _not_a_number(text: str, s: int, e: int, raw: str, lx: Lexicon) -> bool:
    """Digits that are part of a list, code, an identifier or an ordinal, not a number."""
    if (", " in raw or " " in raw) and search("skip.numberList", text[max(0, s - 4):s]):
        return True  # "1, 2, 300": a list, not a tokenised thousands group
    if s > 0 and (text[s - 1].isdigit() or text[s - 1] in ".,_#=\\/"):
        if not (text[s - 1] == "/" and s > 1 and text[s - 2].isalpha()):
            return True  # "24/7", "v1.2"; but "1,126 MW/3,530 MWh" is two measures
    if search("skip.code", text[max(0, s - 3):s]) or text[e:e + 1] in ("_", "="):
        return True  # code, not prose: "x = 1", "__v=2"
    if s > 0 and text[s - 1].isalpha() and text[s - 1].isascii():
        # RMB1, US$5, MAUD60 are currency prefixes; COVID-19, G20, Web3 are names ("的6%" is not)
        if not search("currency.before", text[max(0, s - 6):s]):
            return True
    if s > 1 and text[s - 1] == "-" and search("skip.identifierDash", text[max(0, s - 12):s - 1]):
        return True  # "COVID-19", "scp2-173m": part of an identifier
    if search("skip.footnoteBefore", text[max(0, s - 3):s]) and text[e:e + 1] == ")":
        return True  # "carbon intensity(1)", "by 2025(2)": a footnote mark glued to the word
    code = match("skip.codeAfter", text[e:e + 8])
    if code and code.group(1).lower() not in lx.cur_before:
        return True  # "24703 L-202", "24703m212": a code, not a measure ("3 USD50 cards" is)
    return bool(match("skip.ordinal", text[e:e + 3]))  # ordinal


def _glued_measure(text: str, e: int) -> bool:
    """Letters glued to digits that make a measure: 10.7GW, 5GWh, 2nm, 0.8rad, 115USD, 5bn, 60percent."""
    return bool(pattern("shortMagnitude").match(text[e:e + 3]) or match("unit.physical", text, e)
                or match("unit.percent", text, e)  # "60per cent", "60percent"
                or match("unit.gluedCO2", text, e) or match("magnitude.word", text, e)
                or unitlex.lookup(text, e, glued=True) or match("currency.after", text, e)
                or match("currency.prefixed", text, e))


def _digits(text: str, m: re.Match, lx: Lexicon) -> Optional[Num]:
    """The number that digits make, or None where they make none."""
    s, e = m.start(), m.end()
    raw = m.group()
    if _not_a_number(text, s, e, raw, lx):
        return None
    nxt = text[e:e + 3]
    if match("number.times", nxt):  # "a 10x surge": times
        return Num(float(raw.replace(",", "")), s, e + 1, False, multiplier=True, rules=("number.digits", "number.times"))
    if nxt[:1].isalpha() and not _glued_measure(text, e):
        return None  # 5G, 3D, 4K (but 10.7GW, 5GWh, 2nm, 0.8rad, 115USD are measures)
    return _digits_num(text, s, e, float(pattern("groupSeparator").sub("", raw)), ["number.digits"], lx)


def _digits_num(text: str, s: int, e: int, value: float, used: list, lx: Lexicon) -> Optional[Num]:
    """The Num of digits at S..E worth VALUE: its sign, and a word hyphened to it."""
    if s > 0 and match("number.minusSign", text[s - 1]) and (s == 1 or text[s - 2] in " ([\n\t") and \
            not pattern("digitBefore").search(text[max(0, s - 12):s - 1]):
        s, value = s - 1, -value  # "-5 °C"; but "5 -6" stays a range
        used.append("number.minusSign")
    elif search("number.minus", text[max(0, s - 10):s]):
        value = -value
        used.append("number.minus")
    hy = match("number.hyphenWord", text[e:e + 30])
    if hy and hy.group(1)[0].isupper() and hy.group(1)[1:].islower() and not is_measure_word(hy.group(1), lx):
        return None  # "7-Eleven", "3-Series": a name
    attributive = bool(hy) and not is_measure_word(hy.group(1), lx)
    if attributive:
        used.append("number.hyphenWord")
    return Num(value, s, e, False, attributive, rules=tuple(used))


def _word_numbers(text: str, lx: Lexicon) -> list[Num]:
    """Numbers in words: "twenty-five", "a dozen", "a million", "one-third", "three quarters",
    "half", "dozens of", "tens of thousands of"."""
    out: list[Num] = []
    taken: list[tuple[int, int]] = []
    for m in finditer("number.pluralScale", text):
        out.append(Num(lx.plural_scales[" ".join(m.group().lower().split())], m.start(), m.end(), True,
                       comparator=Comparator.AT_LEAST.value, rules=("number.pluralScale",)))
        taken.append(m.span())
    for m in finditer("number.halfA", text):
        out.append(Num(0.5, m.start(), m.end(), True, rules=("number.halfA",)))  # "half a million"
        taken.append(m.span())
    _fraction_words(text, lx, out, taken)
    out.extend(_each("number.words", text, taken, lambda m: _spelled(text, m, lx)))
    out.extend(_multiples(text, lx))
    return out


def _fraction_words(text: str, lx: Lexicon, out: list[Num], taken: list[tuple[int, int]]) -> None:
    """"a third", "two-thirds", "three quarters", "half", "a quarter million"."""
    for m in finditer("number.fractionWord", text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        numer, frac = m.group("num"), m.group("frac").lower()
        head = frac.rstrip("s") if frac not in ("halves",) else "half"
        magnitude = match("magnitude.word", text, m.end())
        if numer is None and head != "half" and not magnitude:
            continue  # "the third quarter": an ordinal
        if numer and numer.lower() in ("a", "an") and head != "half" and not frac.endswith("s") and not (
                magnitude or pattern("ofOrEnd").match(text[m.end():m.end() + 5])
                or pattern("byBefore").search(text[max(0, m.start() - 4):m.start()])):
            continue  # "a third year", "a second time": ordinals; "a third of", "a quarter million" are not
        if head == "half" and numer is None and search("skip.halfOrdinal", text[max(0, m.start() - 10):m.start()]):
            continue  # "the second half of the year"
        if match("skip.fractionCompound", text[m.end():m.end() + 10]):
            continue
        n = 1.0 if numer is None or numer.lower() in ("a", "an") else word_value(numer, lx)
        if n is None:
            continue
        value = n * lx.fractions[head]
        share = not magnitude
        if share:
            value = round(value, 2)
        out.append(Num(value, m.start(), m.end(), True, fraction=share, rules=("number.fractionWord",)))
        taken.append(m.span())


def _spelled(text: str, m: re.Match, lx: Lexicon) -> Optional[Num]:
    """A number in words ("twenty-five", "a hundred"), unless it is part of a name or a pronoun."""
    s, e = m.start(), m.end()
    if search("skip.wordAfterDash", text[max(0, s - 2):s]):
        return None  # "7-Eleven", "Catch-22"-like names
    low = m.group().lower()
    val = word_value(m.group(), lx)
    if val is None:
        return None
    used = ["number.words"]
    if low.split()[0].split("-")[0] in lx.scale_words:
        am = search("number.aHundred", text[max(0, s - 5):s])
        if not am:
            return None
        s = s - len(am.group())
        used.append("number.aHundred")
    if low == "one" and (search("skip.pronounOne", text[max(0, s - 12):s]) or match("skip.oneIdiom", text[e:e + 12])):
        return None  # "no one", "the one": a pronoun; "one another", "one by one"
    after = text[e:e + 20]
    attributive = bool(match("number.wordHyphen", after)) and not pattern("hyphenTimeUnit").match(after)
    if match("skip.yearPlan", after):
        return None
    if m.group()[0].isupper() and match("skip.titleCase", after) and s > 0 and \
            not pattern("sentenceStart").search(text[:s]):
        return None  # inside a Title Case name: "Four Orientations", "Two Sessions"
    if m.group()[0].isupper() and pattern("twoTitleWords").match(after):
        return None
    if attributive:
        used.append("number.wordHyphen")
    return Num(val, s, e, True, attributive, rules=tuple(used))


def _multiples(text: str, lx: Lexicon) -> list[Num]:
    """"tenfold", "has tripled", "fully renewable" (100%), and the "a" of "a million people"."""
    out: list[Num] = []
    for m in finditer("number.fold", text):  # "tenfold", "a threefold rise"
        v = word_value(m.group(1), lx)
        if v:
            out.append(Num(v, m.start(), m.end(), True, multiplier=True, rules=("number.fold",)))
    for m in finditer("number.multiplierVerb", text):
        v = lx.multiplier_verbs[m.group().lower()]
        out.append(Num(v, m.start(), m.end(), True, multiplier=True, rules=("number.multiplierVerb",),
                       comparator=Comparator.GROWTH.value if v > 1 else Comparator.DECLINE.value))
    for m in finditer("number.wholeShare", text):  # "powered entirely by green energy": 100%
        out.append(Num(100.0, m.start(), m.end(), True, share=True, rules=("number.wholeShare",),
                       comparator=Comparator.ABOUT.value if m.group("about") else None))
    for m in finditer("number.aMagnitude", text):
        out.append(Num(1.0, m.start(), m.end(), True, rules=("number.aMagnitude",)))  # "a million people": the magnitude follows
    return out


def word_or_num(s: str, lx: Lexicon) -> Optional[float]:
    s = s.strip()
    if s.isdigit():
        return float(s)
    return word_value(s, lx)
