import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def load_cases(name):
    with open(DATA / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def extractor():
    """The real models (spaCy sm + MiniLM), loaded once for the whole session."""
    from pipeline.runner import Extractor
    return Extractor(use_encoder=True)


@pytest.fixture(scope="session")
def encoder(extractor):
    return extractor.encoder


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp import load_nlp
    return load_nlp()
