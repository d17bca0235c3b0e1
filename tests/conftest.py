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
