import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "pipeline"  # the source root of the package `policytrace`
# commands the tests start import the source too, not an older installed copy
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH")) if p)


def installed_env() -> dict:
    """The environment of a command that must use the installed wheel, not the source."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
DATA = Path(__file__).resolve().parent / "data"


def load_cases(name):
    with open(DATA / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def extractor():
    """The real models (spaCy sm + MiniLM), loaded once for the whole session."""
    from policytrace.runner import Extractor
    return Extractor(use_encoder=True)


@pytest.fixture(scope="session")
def encoder(extractor):
    return extractor.encoder


@pytest.fixture(scope="session")
def nlp():
    from policytrace.nlp import load_nlp
    return load_nlp()


def same_record(rec, want: dict, fields=("kind", "year", "unit")) -> bool:
    """Does record REC state the golden case's WANT: its value within 0.5% and each of FIELDS
    that WANT gives?  One reading of a golden case for every case file."""
    if rec.value is None or abs(rec.value - want["value"]) > 0.005 * max(abs(want["value"]), 1e-9):
        return False
    return all(getattr(rec, k) == v for k, v in want.items() if k in fields)



def run_case(extractor, case):
    """A golden case's text (with its publication date, if it gives one) through the real
    pipeline, as a document of its own: the DocResult (targets and document record)."""
    from policytrace.records import Document
    raw = Document(doc=case["id"], path=case["id"], format="text", text=case["text"], sha256="",
                   published=case.get("published"))
    return extractor.process_raw(raw)
