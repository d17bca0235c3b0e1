"""Issue "Nothing a user does loses their work": the user edges of the batch, the library and
the report, one test per row, through the command line as a user runs it."""
import json

from click.testing import CliRunner

from policytrace.cli import main


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_report_on_an_output_with_no_documents_is_an_empty_report(tmp_path):
    """A run over a folder with nothing readable, then `report`: a report saying so, no traceback."""
    (tmp_path / "in").mkdir()
    out = tmp_path / "out"
    assert _run("extract", tmp_path / "in", "--out", out, "-q").exit_code == 0
    res = _run("report", out, "--html", out / "report.html")
    assert res.exit_code == 0 and res.exception is None, res.output
    assert (out / "report.html").read_text(encoding="utf-8").count("<html") == 1
    assert _run("compare", out, "-q").exit_code == 0


def test_report_creates_the_folders_of_its_html_path(tmp_path):
    (tmp_path / "in").mkdir()
    out = tmp_path / "out"
    _run("extract", tmp_path / "in", "--out", out, "-q")
    page = tmp_path / "new" / "dir" / "r.html"
    res = _run("report", out, "--html", page)
    assert res.exit_code == 0 and res.exception is None, res.output
    assert page.is_file()


def test_a_folder_holding_another_tools_manifest_is_not_an_output(tmp_path):
    """--out names a folder of some other tool's: refused in one line, and nothing is written
    into it; compare and report refuse it the same way."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "manifest.json").write_text(json.dumps({"name": "site", "version": 3}), encoding="utf-8")
    (tmp_path / "in").mkdir()
    res = _run("extract", tmp_path / "in", "--out", other)
    assert res.exit_code != 0 and "is not a policytrace output" in res.output, res.output
    assert not isinstance(res.exception, KeyError)
    assert sorted(p.name for p in other.iterdir()) == ["manifest.json"]
    for args in (["compare", other], ["report", other, "--html", tmp_path / "r.html"]):
        res = _run(*args)
        assert res.exit_code != 0 and "is not a policytrace output" in res.output, (args, res.output)


def test_inputs_that_all_lie_inside_out_are_named_in_a_warning(tmp_path):
    """`extract docs --out docs` reads nothing (the output folder is skipped as the tool's own):
    the user is told why, instead of a silent "0 files"."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.txt").write_text("By 2030 the town will plant 500 trees.\n", encoding="utf-8")
    res = _run("extract", docs, "--out", docs, "-q")
    assert "every input lies inside --out" in res.output, res.output


def test_an_extraction_prints_as_one_line_not_its_texts():
    from policytrace.records import DocResult, Document
    from policytrace.runner import Extraction
    doc = Document(doc="d", path="d.txt", format="text", text="a long policy text " * 5000, sha256="")
    res = Extraction([DocResult(path="d.txt", document=doc, targets=())], 1.25)
    assert repr(res) == "Extraction(1 documents, 0 records, 0 errors, 1.2 s; .targets, .documents, .errors)"
    assert str(res) == repr(res)


def test_a_path_that_is_not_there_raises_before_any_work(tmp_path):
    import pytest
    import policytrace
    from policytrace.errors import IngestError
    (tmp_path / "plan.txt").write_text("By 2030 the town will plant 500 trees.\n", encoding="utf-8")
    with pytest.raises(IngestError, match="no such file or folder"):
        policytrace.extract([tmp_path / "plan.txt", tmp_path / "missing.txt"],
                            extractor=object())  # never reached: the check comes first
