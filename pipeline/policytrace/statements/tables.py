"""Table records: Indicator | 2020 | 2025 rows of PDF and DOCX tables.
"""
from __future__ import annotations

from dataclasses import replace

from .. import quantities
from ..records import Table, Target
from .context import _provenance, _rule_rx, _rx, cues
from .metric import _normalise_metric


# ------------------------------------------------------------------ tables

_YEAR_HDR = _rule_rx("table.year-column")
_SYM_COMP = {">": "exceed", "≥": "at least", ">=": "at least", "<": "below", "≤": "at most",
             "<=": "at most", "~": "about", "≈": "about"}
_UNIT_HINT = _rx("unit-hint").regex


def _year_columns(hdr) -> list:
    """(column, year, kind from the header or None) of a table's year columns."""
    cols = []
    for j, h in enumerate(hdr):
        m = _YEAR_HDR.search(h or "")
        if j > 0 and m:
            hl = h.lower()
            kind = ("target" if _rule_rx("table.target-header").search(hl) else
                    "achievement" if _rule_rx("table.actual-header").search(hl) else None)
            cols.append((j, int(m.group(1)), kind))
    return cols


def _cell_quantity(cell: str, unit_text: str):
    """(comparator symbol's word or None, the cell's quantity or None)."""
    comp = None
    for sym in sorted(_SYM_COMP, key=len, reverse=True):
        if cell.startswith(sym):
            comp = _SYM_COMP[sym]
            cell = cell[len(sym):].strip()
            break
    qs = [quantities.in_major_unit(q) for q in quantities.parse(cell) if q.unit_class != "duration"]
    if qs and qs[0].unit_class == "count" and unit_text:
        probe = f"{cell} {unit_text.replace('%', 'percent')}"
        qs = [q for q in quantities.parse(probe) if q.unit_class != "duration"] or qs
    return comp, (qs[0] if qs else None)


def _table_kind(year: int, hkind, pub_year, last_year) -> tuple[str, str]:
    """(kind, rule id) of a cell: its header's, else after publication (or the last year) is a target."""
    if pub_year is not None:
        kind, kind_rule = hkind or ("target" if year > pub_year else "achievement"), "table.after-publication"
    else:
        kind, kind_rule = hkind or ("target" if year == last_year else "achievement"), "table.last-year"
    if hkind:
        kind_rule = "table.target-header" if hkind == "target" else "table.actual-header"
    return kind, kind_rule


def _table_records(doc: str, text: str, table: Table, pub_year, subject) -> list[Target]:
    """Indicator | 2020 | 2025 tables: one record per (indicator, year) cell."""
    rows = table.rows
    cols = _year_columns(rows[0])
    if not cols:
        return []
    last_year = max(y for _, y, _ in cols)
    out = []
    for r, row in enumerate(rows[1:], 1):
        if not row or not (row[0] or "").strip():
            continue
        indicator = row[0].strip()
        hint = _UNIT_HINT.search(indicator)
        unit_text = next((g for g in (hint.groups() if hint else ()) if g), "")
        metric = indicator[:hint.start()].strip() if hint else indicator
        span = table.row_spans[r] if r < len(table.row_spans) else None
        for j, year, hkind in cols:
            if j >= len(row) or not (row[j] or "").strip():
                continue
            comp, q = _cell_quantity(row[j].strip(), unit_text)
            if q is None:
                continue
            rate = quantities.lexicon().rate_re.search(indicator)
            rate_rule = ""
            if rate and q.unit_class == "count":
                rate_rule = "table.rate-unit"
                q = replace(q, unit="per " + " ".join(rate.group(0).split()[1:]), unit_class="rate")
                metric = indicator
            kind, kind_rule = _table_kind(year, hkind, pub_year, last_year)
            vs = ve = None
            if span:
                pos = text.find(row[j].strip(), span[0], span[1] + 1)
                if pos >= 0:
                    vs, ve = pos, pos + len(row[j].strip())
            start, end = span if span else (vs or 0, ve or 0)
            out.append(Target(doc=doc, kind=kind, metric=_normalise_metric(metric, cues(), set()),
                              quote=" | ".join(row), start=start, end=end, value=q.value,
                              value_max=q.value_max, unit=q.unit,
                              comparator=comp or q.comparator, year=year, subject=subject,
                              value_start=vs, value_end=ve, source="table",
                              rules=_provenance("statement.table", q.rules, None, "table.year-column", kind_rule,
                                                "table.comparator-symbol" if comp else "",
                                                rate_rule)))
    return out
