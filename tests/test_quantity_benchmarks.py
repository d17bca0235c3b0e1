"""The quantity layer on the two public sentence benchmarks (Microsoft Recognizers-Text specs in
CQE's format), scored by the shared scorer through the `policytrace quantities` command.  Fails
below value F1 88 on either set (issue "A quantity layer on a par with the best extractor")."""
import importlib.util
import json
import subprocess
import sys

import pytest

from conftest import ROOT

SHARED = ROOT.parent / "shared"
SETS = ("currency-model", "dimension-model")
MIN_F1 = 88.0

pytestmark = pytest.mark.skipif(not (SHARED / "eval" / "quantities.py").is_file(),
                                reason="../shared (quantity benchmarks and scorer) is not beside this checkout")


def _scorer():
    spec = importlib.util.spec_from_file_location("shared_quantities", SHARED / "eval" / "quantities.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name", SETS)
def test_value_f1_on_public_benchmark(name, tmp_path):
    data = SHARED / "dev" / "quantities" / f"{name}.json"
    sentences = [item["text"].replace("\n", " ") for item in json.loads(data.read_text(encoding="utf-8"))]
    run = subprocess.run([sys.executable, "-c", "from policytrace.cli import main; main()", "quantities"],
                         input="\n".join(sentences) + "\n", capture_output=True, text=True, cwd=ROOT,
                         check=True)
    pred = tmp_path / "pred.jsonl"
    pred.write_text(run.stdout, encoding="utf-8")
    got = _scorer().score(str(data), str(pred))
    assert got["value"]["f1"] >= MIN_F1, got
