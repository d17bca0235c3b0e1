"""Record assembly on varied texts: other places, currencies, phrasings and years."""
import pytest

from conftest import load_cases
from pipeline.ingest import RawDoc

CASES = load_cases("targets.jsonl")


def run(extractor, case):
    raw = RawDoc(doc=case["id"], path=case["id"], format="text", text=case["text"], sha256="",
                 published=case.get("published"))
    return extractor.process_raw(raw).targets


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(extractor, case):
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


def test_records_are_grounded(extractor):
    for case in CASES:
        for r in run(extractor, case):
            assert case["text"][r.start:r.end] == r.quote
            if r.value_start is not None:
                assert r.value_start >= r.start and r.value_end <= r.end + 1


def test_conversion_is_folded_into_one_record(extractor):
    case = next(c for c in CASES if c["id"] == "conversion-once")
    (r,) = run(extractor, case)
    assert (r.alt_value, r.alt_unit) == (75.8e9, "USD")


def test_metric_names_are_normalised(extractor):
    case = next(c for c in CASES if c["id"] == "shanghai-plan")
    metrics = [r.metric for r in run(extractor, case)]
    assert metrics[0] == metrics[2] == "R&D expenditure share of GDP"
