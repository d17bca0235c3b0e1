"""The committed extracted/ is exactly what `make demo` produces from corpus/."""
import json

import pandas as pd

from conftest import ROOT
from policytrace import compare, export, report

VIEWS = sorted(compare.VIEW_FILES.values())


def test_extracted_matches_a_fresh_run(tmp_path, extractor, monkeypatch):
    monkeypatch.chdir(ROOT)  # `make demo` runs `policytrace extract corpus` from the top folder
    out = tmp_path / "extracted"
    for _ in export.write(extractor.run(["corpus"]), out, series=extractor.series):
        pass
    compare.write(out)
    report.write(out, out / "report.html")
    committed = ROOT / "extracted"
    for name in ["targets.jsonl", "documents.jsonl", "errors.jsonl", "targets.csv", "report.html"] + VIEWS:
        assert (out / name).read_text(encoding="utf-8") == (committed / name).read_text(encoding="utf-8"), name
    pd.testing.assert_frame_equal(pd.read_parquet(out / "targets.parquet"),
                                  pd.read_parquet(committed / "targets.parquet"))


def test_corpus_holds_every_format():
    names = {p.suffix for p in (ROOT / "corpus").iterdir()}
    assert {".txt", ".pdf", ".html", ".docx"} <= names
    docs = [json.loads(x) for x in (ROOT / "extracted" / "documents.jsonl").read_text().splitlines()]
    assert {d["format"] for d in docs} == {"text", "pdf", "html", "docx"}


def test_the_beijing_story_comes_out_of_the_data():
    t = pd.read_csv(ROOT / "extracted" / "series_timeline.csv")
    rd = t[t["indicator_code"] == "GB.XPD.RSDV.GD.ZS"]
    assert set(rd["series_name"]) == {"R&D expenditure (% of GDP)"}
    assert set(rd[rd["kind"] == "target"]["value"]) == {6.0}
    assert {6.3, 6.31} <= set(rd[rd["kind"] == "achievement"]["value"])
    contracts = t[t["value"].isin([630e9, 800e9])]
    assert contracts["series"].nunique() == 1
    ms = pd.read_csv(ROOT / "extracted" / "milestones_by_plan.csv")
    horizons = dict(zip(ms["doc"], ms["horizons"]))
    assert horizons["003_ddf156dd53669f2f"] == "2017 2020 2030"
    assert horizons["000_2153177d0a44a361"] == "2025 2035"
