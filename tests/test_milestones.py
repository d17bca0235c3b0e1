"""Milestones, dated goals without a number: a start ('from 2026 they must'), an end ('valid
until 2027', 'extended to 2026'), a schedule ('scheduled for completion next year'), a date
carried from the sentence before ('A year later', 'By then'), and a net-zero year however it is
written ('Vision for 2045', '2040: climate neutrality', 'a 2045 net-zero target'), whatever
figures go with it.  Not milestones: a plan's name with its period, a planning horizon, a
heading in capitals, a share said in words, an outlook, a goal of a year already past."""
import pytest

from conftest import load_cases
from test_targets import run

CASES = load_cases("milestones.jsonl")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_milestones(extractor, case):
    recs = run(extractor, case)
    numeric = [r for r in recs if r.kind != "milestone"]
    assert [(r.kind, r.value, r.unit, r.year) for r in numeric] == \
        [(e["kind"], pytest.approx(e["value"]), e["unit"], e["year"]) for e in case["expected"]], \
        [(r.kind, r.value, r.year, r.quote) for r in recs]
    assert sorted(r.year for r in recs if r.kind == "milestone") == sorted(case["milestones"])


def test_enough_cases():
    assert len(CASES) >= 25
