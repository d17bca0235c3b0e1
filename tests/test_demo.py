"""The committed extracted/ is exactly what a fresh run over corpus/ produces."""
import json

import pandas as pd

from conftest import ROOT
from pipeline import export


def test_extracted_matches_a_fresh_run(tmp_path, extractor, monkeypatch):
    monkeypatch.chdir(ROOT)  # `make demo` runs `policytrace extract corpus` from the top folder
    out = tmp_path / "fresh"
    for _ in export.write(extractor.run(["corpus"]), out):
        pass
    committed = ROOT / "extracted"
    for name in ("targets.jsonl", "documents.jsonl", "errors.jsonl", "targets.csv"):
        assert (out / name).read_text(encoding="utf-8") == (committed / name).read_text(encoding="utf-8"), name
    pd.testing.assert_frame_equal(pd.read_parquet(out / "targets.parquet"),
                                  pd.read_parquet(committed / "targets.parquet"))


def test_corpus_holds_every_format():
    names = {p.suffix for p in (ROOT / "corpus").iterdir()}
    assert {".txt", ".pdf", ".html", ".docx"} <= names
    docs = [json.loads(x) for x in (ROOT / "extracted" / "documents.jsonl").read_text().splitlines()]
    assert {d["format"] for d in docs} == {"text", "pdf", "html", "docx"}
