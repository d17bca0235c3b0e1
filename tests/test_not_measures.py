"""Not measures: vote tallies, counts that introduce a list, numbers in names and the warming
limit cited as a benchmark make no record (models/rules/skip.json)."""
import pytest

from conftest import load_cases
from policytrace.records import Document

CASES = load_cases("not_measures.jsonl")


def run(extractor, case):
    raw = Document(doc=case["id"], path=case["id"], format="text", text=case["text"], sha256="",
                   published=case.get("published"))
    return extractor.process_raw(raw).targets


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_not_measures(extractor, case):
    recs = run(extractor, case)
    numeric = [r for r in recs if r.kind != "milestone"]
    assert len(numeric) == len(case["expected"]), [(r.kind, r.value, r.quote) for r in recs]
    for r, exp in zip(numeric, case["expected"]):
        for key, val in exp.items():
            got = getattr(r, key)
            if isinstance(val, float) or isinstance(got, float):
                assert got == pytest.approx(val), (key, r)
            else:
                assert got == val, (key, r)
    assert sorted(r.year for r in recs if r.kind == "milestone") == sorted(case["milestones"])
