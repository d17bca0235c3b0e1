"""Ranges and number forms (issue 19, mechanism 5): a unit or magnitude after a range's second
figure belongs to both ("40 to 45 percent", "£3-4 billion"); decimal commas ("47,5%"); a percent
written with a minus sign is a decline ("-42% by 2030"); "2.4m EVs", "sold 2.3m" are millions of
things, not metres.  Invented sentences for places and phrasings the shared sets do not have; each
case is checked as the record-assembly cases are (count, fields in order, milestone years)."""
import pytest

from conftest import load_cases
from test_targets import test_golden as check_case

CASES = load_cases("number_forms.jsonl")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_number_form(extractor, case):
    check_case(extractor, case)
