"""Golden cases for the mechanisms that decide a figure's kind from what is committed, not from
a verb's tense (tests/data/kinds_*.jsonl, one file a mechanism, sentences of our own).  Each case
gives its text, an optional publication date and the records it must yield: a record with the
value, kind, unit and (when given) year of each expected one.  ``absent`` lists records that must
not be there with that kind (a result the mechanism must leave a result)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import same_record, run_case


DATA = Path(__file__).resolve().parent / "data"


def _cases():
    for f in sorted(DATA.glob("kinds_*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                yield pytest.param(case, id=f"{f.stem}:{case['id']}")


CASES = list(_cases())


def test_each_mechanism_has_ten_cases():
    by_file: dict[str, int] = {}
    for p in CASES:
        stem = p.id.split(":")[0]
        by_file[stem] = by_file.get(stem, 0) + 1
    assert by_file and all(n >= 10 for n in by_file.values()), by_file


@pytest.mark.parametrize("case", CASES)
def test_kind_case(extractor, case):
    recs = run_case(extractor, case).targets
    got = [(r.kind, r.value, r.unit, r.year, r.rules) for r in recs]
    for want in case["expected"]:
        assert any(same_record(r, want, fields=("kind", "year", "unit")) for r in recs), (want, got)
    for bad in case.get("absent", []):
        assert not any(same_record(r, bad, fields=("kind", "year", "unit")) for r in recs), (bad, got)
