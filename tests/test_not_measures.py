"""Not measures: vote tallies, counts that introduce a list, numbers in names and the warming
limit cited as a benchmark make no record (models/rules/skip.json)."""
import pytest

import test_targets
from conftest import load_cases

CASES = load_cases("not_measures.jsonl")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_not_measures(extractor, case):
    test_targets.test_golden(extractor, case)  # the same checks as the record golden cases
