"""A decision (a choice code makes over the parse, named in a rule file's `decisions`) is as
real as a rule: each example sentence, extracted with the real models, gives a record whose
`rules` list the decision's id.  A decision about a table's cells has a table as example
(``{"table": [["Indicator", "2020", "2025 target"], [...]], "published": ...}``, with an optional
``text`` before it): a plain text has no tables, so the test lays the rows out as ingest lays out
a DOCX table (one " | "-joined line per row) and puts the ``records.Table`` on the Document."""
from __future__ import annotations

import pytest

from policytrace import rules
from policytrace.records import Document, Table


def _cases():
    for name in rules.rule_files():
        for d in rules.load(name).decisions.values():
            for i, ex in enumerate(d.examples):
                yield pytest.param(d.id, ex, id=f"{name}:{d.id}:{i}")


def _with_table(ex: dict) -> tuple[str, tuple]:
    """(the document text, its tables) of an example: its text, then its table's rows as
    " | "-joined lines, each row's span recorded as ingest records a DOCX table row's."""
    text = ex.get("text", "")
    if "table" not in ex:
        return text, ()
    parts, spans, pos = ([text + "\n\n"], [], len(text) + 2) if text else ([], [], 0)
    rows = tuple(tuple(r) for r in ex["table"])
    for row in rows:
        line = " | ".join(row)
        spans.append((pos, pos + len(line)))
        parts.append(line + "\n")
        pos += len(line) + 1
    return "".join(parts), (Table(rows=rows, row_spans=tuple(spans)),)


@pytest.mark.parametrize("decision_id,example", list(_cases()))
def test_decision_example(extractor, decision_id, example):
    ex = {"text": example} if isinstance(example, str) else example
    text, tables = _with_table(ex)
    raw = Document(doc="x", path="x", format="text", text=text, sha256="",
                   published=ex.get("published", "2024-01-01"), tables=tables)
    recs = extractor.process_raw(raw).targets
    assert any(decision_id in r.rules for r in recs), [(r.kind, r.value, r.metric, r.rules) for r in recs]


def test_decisions_carry_their_place_in_code():
    """`where` names a function that exists, so a reader can go from an id to its code."""
    import importlib
    for name in rules.rule_files():
        for d in rules.load(name).decisions.values():
            mod, _, fn = d.where.rpartition(".")
            assert hasattr(importlib.import_module(mod), fn), f"{name}: {d.id}: no {d.where}"
