"""The command line over a mixed batch, the Python API, atomic outputs, and the installed wheel."""
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline import export
from pipeline.cli import main
from pipeline.records import DocResult

GOOD = "Lyon plans\nDate: 2022-03-01\n\nBy 2030, Lyon will cut emissions by 50 percent. Lyon will invest €2 billion in clean energy.\n"


def _batch(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "junk.pdf").write_bytes(b"\x00\x01garbage")
    (d / "bad.txt").write_bytes(b"plan \xff\xfa for 2025")
    (d / "image.png").write_bytes(b"\x89PNG\r\n")
    return d


def test_extract_batch_with_bad_files(tmp_path, extractor, monkeypatch):
    monkeypatch.setattr("pipeline.runner.Extractor", lambda **kw: extractor)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["extract", str(_batch(tmp_path)), "--out", str(out)])
    assert res.exit_code == 0, res.output
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    assert sorted(Path(e["path"]).name for e in errors) == ["bad.txt", "empty.txt", "image.png", "junk.pdf"]
    assert all(e["reason"] for e in errors)
    for e in errors:
        assert f"error: {e['path']}: {e['reason']}" in res.output
    assert "1 documents" in res.output and "4 errors" in res.output
    targets = [json.loads(x) for x in (out / "targets.jsonl").read_text().splitlines()]
    assert {(t["value"], t["unit"], t["year"]) for t in targets} >= {(50.0, "percent", 2030), (2e9, "EUR", 2030)}
    assert len(pd.read_parquet(out / "targets.parquet")) == len(targets) == len(pd.read_csv(out / "targets.csv"))
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".policytrace"]  # no temp files


def test_strict_exit_code(tmp_path, extractor, monkeypatch):
    monkeypatch.setattr("pipeline.runner.Extractor", lambda **kw: extractor)
    res = CliRunner().invoke(main, ["extract", str(_batch(tmp_path)), "--out", str(tmp_path / "o"), "--strict"])
    assert res.exit_code == 1


def test_python_api_returns_dataframes(tmp_path, extractor):
    from pipeline import extract
    p = tmp_path / "a.txt"
    p.write_text(GOOD, encoding="utf-8")
    res = extract([p], extractor=extractor)
    assert isinstance(res.targets, pd.DataFrame) and isinstance(res.documents, pd.DataFrame)
    assert set(res.targets["doc"]) == {"a"} and res.documents.loc[0, "published"] == "2022-03-01"
    assert res.errors == []


def test_outputs_are_all_or_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "targets.jsonl").write_text("previous run\n")

    def boom():
        yield DocResult(path="x")
        raise RuntimeError("killed mid-batch")

    with pytest.raises(RuntimeError):
        for _ in export.write(boom(), out):
            pass
    assert (out / "targets.jsonl").read_text() == "previous run\n"
    assert sorted(p.name for p in out.iterdir()) == ["targets.jsonl"]


def test_installed_console_script_runs_outside_the_checkout(tmp_path):
    exe = Path(sys.executable).with_name("policytrace")
    if not exe.exists():
        pytest.skip("policytrace is not installed in this interpreter's environment")
    (tmp_path / "d.txt").write_text(GOOD, encoding="utf-8")
    r = subprocess.run([str(exe), "extract", str(tmp_path / "d.txt"), "--out", str(tmp_path / "o"),
                        "--no-encoder", "-q"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "o" / "targets.jsonl").read_text().strip()
    spec = subprocess.run([str(Path(sys.executable)), "-c",
                           "import pipeline.resources as r; print(r.models_dir())"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert "site-packages" in spec.stdout, spec.stdout + spec.stderr
