"""Not a measure: the figures dropped before a record is made (models/rules/skip.json, run
as ordered steps; the guards and actions they name are registered here).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from .. import quantities, rules
from ..nlp import Parsed
from ..records import Quantity
from .context import _Cues

_log = logging.getLogger(__name__)


# ------------------------------------------------------------------ numeric statements


@dataclass(frozen=True)
class _SkipState:
    """What the skip steps (models/rules/skip.json) read: the figure, the text and the cues."""

    q: Quantity
    text: str
    c: _Cues


@rules.guard("is-conversion")
def _g_is_conversion(m, ctx) -> bool:
    return ctx.state.q.conversion_of is not None


@rules.guard("is-vague")
def _g_is_vague(m, ctx) -> bool:
    return bool(quantities.is_vague(ctx.state.q))


@rules.guard("attributive")
def _g_attributive(m, ctx) -> bool:
    return bool(ctx.state.q.attributive)


@rules.guard("measure-word")
def _g_measure_word(m, ctx) -> bool:
    """The word after the number is a unit or measure word ('10-point plan': no)."""
    word = rules.load("skip")["leading-digits"].sub("", ctx.state.q.text).split(" ")[0]
    return bool(quantities.is_measure_word(word, quantities.lexicon()))


@rules.guard("whole-number-in")
def _g_whole_number_in(m, ctx, low=0, high=0) -> bool:
    q = ctx.state.q
    return q.value == int(q.value) and low <= q.value <= high


@rules.guard("value-in")
def _g_value_in(m, ctx, low=0.0, high=0.0) -> bool:
    return low <= ctx.state.q.value <= high


@rules.guard("unit-in")
def _g_unit_in(m, ctx, units=()) -> bool:
    return ctx.state.q.unit in units


@rules.guard("followed-by")
def _g_followed_by(m, ctx, pattern="", chars=0) -> bool:
    q, text = ctx.state.q, ctx.state.text
    return bool(rules.load("skip")[pattern].match(text[q.end:q.end + chars]))


@rules.guard("preceded-by")
def _g_preceded_by(m, ctx, pattern="", chars=0) -> bool:
    q, text = ctx.state.q, ctx.state.text
    return bool(rules.load("skip")[pattern].search(text[max(0, q.start - chars):q.start]))


@rules.guard("spelled-small")
def _g_spelled_small(m, ctx) -> bool:
    return bool(ctx.state.q.spelled and ctx.state.q.value < 10)


@rules.guard("asset-next")
def _g_asset_next(m, ctx) -> bool:
    """'eight bauxite smelters': the count measures assets, not the structure of the text."""
    q, text = ctx.state.q, ctx.state.text  # "zero emissions across its plants" counts nothing
    return q.value >= 1 and bool(rules.load("skip")["asset-after"].match(text[q.end:q.end + 60]))


@rules.guard("non-metric-next")
def _g_non_metric_next(m, ctx, qualifiers=(), below=0) -> bool:
    """'5 reasons' (a small count of a non-metric noun) or '3 consecutive years'."""
    non_metric, q = ctx.state.c.non_metric, ctx.state.q
    return bool(m.group(1).lower() in non_metric and q.value < below or
                (m.group(2) or "").lower() in non_metric and m.group(1).lower() in qualifiers)


@rules.guard("group-word-in")
def _g_group_word_in(m, ctx, group=1, words=()) -> bool:
    return m.group(group).lower() in words


@rules.action("skip")
def _a_skip(m, ctx) -> bool:
    return True


def _skip(q: Quantity, text: str, parsed: Parsed, c: _Cues) -> bool:
    """Is Q not a measure (models/rules/skip.json)?  The first skip step that applies says so."""
    _, hits = rules.load("skip").chain("skip", _SkipState(q, text, c), text, q.start, q.end, until=bool)
    if hits:
        _log.debug("%s drops %r", hits[0].rule, q.text)
    return bool(hits)
