"""The command line over a mixed batch, the Python API, atomic outputs, and the installed wheel."""
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import installed_env
from policytrace import export
from policytrace.cli import main
from policytrace.records import DocResult

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
    monkeypatch.setattr("policytrace.runner.Extractor", lambda **kw: extractor)
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
    monkeypatch.setattr("policytrace.runner.Extractor", lambda **kw: extractor)
    res = CliRunner().invoke(main, ["extract", str(_batch(tmp_path)), "--out", str(tmp_path / "o"), "--strict"])
    assert res.exit_code == 1


def test_python_api_returns_dataframes(tmp_path, extractor):
    from policytrace import extract
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
                        "--no-encoder", "-q"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                       env=installed_env())
    assert r.returncode == 0, r.stderr
    recs = [json.loads(x) for x in (tmp_path / "o" / "targets.jsonl").read_text().splitlines() if x]
    assert recs and all(r["rules"] for r in recs)  # the wheel ships the rule files
    spec = subprocess.run([str(Path(sys.executable)), "-c",
                           "import policytrace, policytrace.resources as r; print(policytrace.__file__, r.models_dir())"],
                          cwd=tmp_path, capture_output=True, text=True, env=installed_env())
    where, models = spec.stdout.split()
    assert "site-packages" in where and "site-packages" in models, spec.stdout + spec.stderr


def _run_cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-c", "from policytrace.cli import main; main()", *args],
                          input=stdin, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("command", [[], ["extract"], ["compare"], ["report"], ["quantities"], ["schema"], ["explain"]])
def test_every_help_has_an_example(command):
    res = CliRunner().invoke(main, [*command, "--help"])
    assert res.exit_code == 0 and "Example" in res.output, res.output


def test_version_and_missing_path():
    from policytrace import __version__
    res = CliRunner().invoke(main, ["--version"])
    assert res.exit_code == 0 and __version__ in res.output
    res = CliRunner().invoke(main, ["extract", "/no/such/path.txt", "--out", "/tmp/never"])
    assert res.exit_code == 2 and "does not exist" in res.output


def test_quantities_reads_a_file_or_stdin(tmp_path):
    f = tmp_path / "s.txt"
    f.write_text("Sales rose 12% to $4.5 billion.\nNo numbers here.\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["quantities", str(f)])
    first, second = [json.loads(x) for x in res.output.splitlines()]
    assert [(q["value"], q["unit"]) for q in first] == [(12.0, "percent"), (4.5e9, "USD")] and second == []
    assert CliRunner().invoke(main, ["quantities"], input="6%\n").output.startswith('[{"value": 6.0')


def test_extract_to_stdout_with_formats_and_status(tmp_path):
    """--out - prints JSONL; --format picks the files; the status line names what it waits for."""
    (tmp_path / "plan.txt").write_text(GOOD, encoding="utf-8")
    res = _run_cli("extract", str(tmp_path / "plan.txt"), "--out", "-", "--workers", "1", "--no-encoder")
    assert res.returncode == 0, res.stderr
    recs = [json.loads(x) for x in res.stdout.splitlines()]
    assert recs and all(r["schema_version"] and r["id"].startswith("T") for r in recs)
    assert "loading the models in 1 worker(s)" in res.stderr and "aligning series" in res.stderr
    out = tmp_path / "out"
    res = _run_cli("extract", str(tmp_path / "plan.txt"), "--out", str(out), "--format", "parquet",
                   "--workers", "1", "--no-encoder", "-q")
    assert res.returncode == 0 and res.stderr == "", res.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "documents.jsonl", "documents.parquet", "errors.jsonl", "manifest.json", "targets.jsonl", "targets.parquet"]
    res = _run_cli("extract", str(tmp_path / "plan.txt"), "--out", str(out), "--format", "csv",
                   "--workers", "1", "--no-encoder", "-q")
    assert (out / "targets.csv").exists() and not (out / "targets.parquet").exists()  # one run's set


@pytest.mark.parametrize("published,ok", [("Dec 2021", False), ("2021-12", False), (2021, False),
                                          ("2021-12-24", True), ("24 December 2021", True)])
def test_sidecar_dates_are_validated(tmp_path, published, ok):
    from policytrace import ingest
    from policytrace.errors import IngestError
    (tmp_path / "plan.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "plan.meta.json").write_text(json.dumps({"published": published}), encoding="utf-8")
    if ok:
        assert ingest.read(tmp_path / "plan.txt").published == "2021-12-24"
    else:
        with pytest.raises(IngestError, match="sidecar plan.meta.json: .published."):
            ingest.read(tmp_path / "plan.txt")


def test_an_unknown_spacy_model_is_a_clear_error(tmp_path):
    (tmp_path / "plan.txt").write_text(GOOD, encoding="utf-8")
    res = _run_cli("extract", str(tmp_path / "plan.txt"), "--out", str(tmp_path / "o"), "--model", "xx_no_model",
                   "--workers", "1", "-q")
    assert res.returncode == 1 and "no spaCy model installed: tried xx_no_model" in res.stderr, res.stderr
