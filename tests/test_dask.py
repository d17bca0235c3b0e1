"""The same extraction on a Dask cluster: a LocalCluster of 2 workers on loopback writes what a
single-process run writes, and a worker killed mid-run costs no document."""
import json
import os
import signal

import pytest

from conftest import ROOT
from policytrace import batch, export

pytest.importorskip("distributed")
DEV = ROOT.parent / "shared" / "dev" / "docs"
RECORD_FILES = ("targets.jsonl", "documents.jsonl", "errors.jsonl")


def sorted_lines(path):
    return sorted(path.read_text(encoding="utf-8").splitlines())


def single_process(extractor, src, out):
    for _ in export.write(extractor.run([src]), out, series=extractor.series):
        pass


@pytest.mark.parametrize("src", [ROOT / "corpus", DEV], ids=["corpus", "dev"])
def test_local_cluster_writes_what_one_process_writes(src, extractor, tmp_path):
    if not src.is_dir():
        pytest.skip(f"{src} is not here")
    ref, out = tmp_path / "ref", tmp_path / "dask"
    single_process(extractor, src, ref)
    s = batch.run([src], out, scheduler="local:2")
    assert s.processed == s.files and s.documents > 0
    for name in RECORD_FILES:
        assert sorted_lines(out / name) == sorted_lines(ref / name), name


def _worker_processes():
    """The Dask worker processes this test started (spawned by their nannies in this process)."""
    import psutil
    return [p for p in psutil.Process().children(recursive=True)
            if "spawn_main" in " ".join(p.cmdline()) and "resource_tracker" not in " ".join(p.cmdline())]


def test_a_worker_killed_mid_run_costs_no_document(tmp_path):
    from test_batch import write_docs
    docs, out = tmp_path / "docs", tmp_path / "out"
    write_docs(docs, 40)
    killed = []

    def on_result(res):
        if not killed:
            victims = _worker_processes()
            assert len(victims) >= 2
            os.kill(victims[0].pid, signal.SIGKILL)
            killed.append(victims[0].pid)

    s = batch.run([docs], out, scheduler="local:2", use_encoder=False, on_result=on_result)
    assert killed
    assert (s.documents, s.errors) == (40, 0)
    got = {json.loads(x)["doc"] for x in (out / "documents.jsonl").read_text().splitlines()}
    assert got == {f"plan_{i:03d}" for i in range(40)}


def test_a_bad_scheduler_is_a_clear_error(tmp_path):
    from policytrace.cluster import ClusterError, parse_scheduler
    with pytest.raises(ClusterError, match="local:N"):
        parse_scheduler("local:zero")
    with pytest.raises(ClusterError, match="tcp://HOST:PORT"):
        parse_scheduler("somewhere")
    (tmp_path / "d.txt").write_text("Lyon will plant 1,000 trees by 2030.\n", encoding="utf-8")
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler"):
        batch.run([tmp_path / "d.txt"], tmp_path / "out", scheduler="tcp://127.0.0.1:9")


def test_local_pool_options_do_not_mix_with_a_scheduler(tmp_path):
    from click.testing import CliRunner
    from policytrace.cli import main
    (tmp_path / "d.txt").write_text("Lyon will plant 1,000 trees by 2030.\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["extract", str(tmp_path / "d.txt"), "--out", str(tmp_path / "o"),
                                    "--scheduler", "local:1", "--workers", "2"])
    assert res.exit_code == 2 and "--workers applies to the local worker pool" in res.output
