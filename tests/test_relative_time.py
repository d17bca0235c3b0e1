"""Relative time against the publication date ("over 4 years", "within a decade", "by early
2024", "from 2027 onwards", "post-2026"); a year is never read from a quantity ("2,000 km")."""
import pytest

from conftest import load_cases
from policytrace.time import find
from test_targets import run

CASES = load_cases("relative_time.jsonl")


def _fields(r, exp):
    return {k: (pytest.approx(v) if isinstance(v, float) else v) for k, v in exp.items()}, \
        {k: getattr(r, k) for k in exp}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_records(extractor, case):
    recs = run(extractor, case)
    numeric = [r for r in recs if r.kind != "milestone"]
    assert len(numeric) == len(case["expected"]), [(r.kind, r.value, r.year, r.quote) for r in recs]
    for r, exp in zip(numeric, case["expected"]):
        want, got = _fields(r, exp)
        assert got == want, r
    assert sorted(r.year for r in recs if r.kind == "milestone") == sorted(case["milestones"])


@pytest.mark.parametrize("text,pub,want", [
    ("spending 10 million over 6 years", 2020, [("horizon", 2026, None)]),
    ("within two decades", 2022, [("horizon", 2042, None)]),
    ("by late 2029", None, [("horizon", 2029, None)]),
    ("from 2031 onwards", None, [("point", 2031, None)]),
    ("pre-2030 vans", None, [("point", 2030, None)]),
    ("a record for over 5 years", 2020, []),
    ("It carries 2000 MW over 2,000 km", 2020, []),
])
def test_time_expressions(text, pub, want):
    assert [(t.kind, t.year, t.period) for t in find(text, 0, pub)] == want
