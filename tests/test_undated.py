"""An undated text: 'now' is the latest year it reports on, never a year it looks ahead to
("In 2035, 100% of sales need to be electric"), a start ("from 2025") or a bare year; the
records are dated against that year (tests/data/undated.jsonl)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import same_record, run_case

from policytrace.statements.context import reference_year

CASES = [json.loads(x) for x in (Path(__file__).resolve().parent / "data" / "undated.jsonl")
         .read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_reference_year(case):
    assert reference_year(case["text"]) == case["reference_year"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_records_of_undated_text(extractor, case):
    res = run_case(extractor, case)
    recs = res.targets
    assert res.document.published_year == case["reference_year"]
    for want in case["expected"]:
        assert any(same_record(r, want) for r in recs), (want, [(r.kind, r.value, r.unit, r.year) for r in recs])
    if "milestones" in case:
        assert sorted(r.year for r in recs if r.kind == "milestone") == case["milestones"]
