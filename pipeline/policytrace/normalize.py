"""NFKC normalisation that remembers where every character came from.

Full-width digits ("１２３"), vulgar fractions ("½"), superscripts ("km²", "10⁶"), the minus sign
and non-breaking or thin spaces all become the ASCII forms the quantity rules read; the offset
map lets every span found in the normalised text point back into the original.
"""
from __future__ import annotations

import unicodedata
from typing import Optional

_EXTRA = {"\u2212": "-", "\u2044": "/", "\u2215": "/", "\u00d7": "×", "\u2009": " ", "\u202f": " ",
          "\u00a0": " ", "\u2007": " ", "\uff0c": ",", "\u3001": ","}
_SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def nfkc(text: str) -> tuple[str, Optional[list[int]]]:
    """(normalised text, map from each normalised index to its original index; None if unchanged).
    The map has one extra entry for the end of the text."""
    if text.isascii():
        return text, None
    out: list[str] = []
    where: list[int] = []
    exponent = False
    for i, ch in enumerate(text):
        if ch.isascii():
            out.append(ch)
            where.append(i)
            exponent = False
            continue
        if ch in _SUPER or ch == "⁻":
            d = "-" if ch == "⁻" else str(_SUPER.index(ch))
            tail = "".join(out[-3:])
            if not exponent and tail.endswith("10") and not (len(tail) == 3 and tail[0].isdigit()):
                rep, exponent = "^" + d, True  # "10⁶" is ten to the sixth, not 106
            else:
                rep = d  # "km²" reads "km2"
        elif ch in _EXTRA:
            rep, exponent = _EXTRA[ch], False
        elif unicodedata.category(ch) == "Nd":
            rep, exponent = str(unicodedata.digit(ch)), False  # Arabic-Indic, Devanagari, full-width digits
        else:
            rep = unicodedata.normalize("NFKC", ch).replace("\u2044", "/")
            exponent = False
            if rep and rep[0].isdigit() and "/" in rep and out and out[-1].isdigit():
                rep = " " + rep  # "7½" is seven and a half, not 71/2
        out.extend(rep)
        where.extend([i] * len(rep))
    norm = "".join(out)
    if norm == text:
        return text, None
    where.append(len(text))
    return norm, where


def span_back(where: Optional[list[int]], start: int, end: int) -> tuple[int, int]:
    """Original (start, end) of the normalised span [start, end)."""
    if where is None:
        return start, end
    return where[start], (where[end - 1] + 1 if end > start else where[start])
