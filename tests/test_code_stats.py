"""The rule core stays data: few regexes written in code, no function a reader cannot hold."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("code_stats", ROOT / "tools" / "code_stats.py")
stats = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stats)


def test_regexes_live_in_rule_files():
    lits = stats.regex_literals()
    assert len(lits) <= 20, f"{len(lits)} regex literals in code (make them rules): {lits}"


def test_no_function_over_80_lines():
    assert stats.long_functions(80) == []


def test_the_counter_sees_a_literal(tmp_path, monkeypatch):
    """The count is real: a regex written in a module is found, one taken from data is not."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "a.py").write_text('import re\nX = re.compile(r"\\d+")\nY = re.compile(P)\nZ = re.sub("a" + b, "", s)\n')
    monkeypatch.setattr(stats, "PKG", pkg)
    assert stats.regex_literals() == [("a.py", 2), ("a.py", 4)]
