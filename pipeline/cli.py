"""Command line: parsing arguments and printing; all work is done by the library."""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from .errors import PolicytraceError


def output_options(f):
    """Options shared by every command that writes a folder."""
    @click.option("--out", "out", required=True, type=click.Path(file_okay=False),
                  help="Folder to write the outputs into (created if missing).")
    @click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
    @functools.wraps(f)
    def wrapper(*a, **kw):
        return f(*a, **kw)
    return wrapper


def _fail(e: Exception):
    raise click.ClickException(str(e))


@click.group()
@click.version_option(package_name="policytrace")
def main():
    """policytrace: targets, achievements and milestones from policy texts."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@output_options
@click.option("--strict", is_flag=True, help="Exit 1 when any document failed.")
@click.option("--no-encoder", is_flag=True, help="Skip MiniLM paraphrase matching of domains.")
@click.option("--workers", type=click.IntRange(0, 256), default=0, show_default="number of cores",
              help="Worker processes; each loads the models once and uses one core.")
@click.option("--timeout", type=click.FloatRange(1), default=300, show_default=True,
              help="Wall seconds one document may take before its worker is replaced.")
@click.option("--memory-limit", type=click.IntRange(64), default=2048, show_default=True,
              help="MiB a worker may grow by while reading one document.")
def extract(paths, out, quiet, strict, no_encoder, workers, timeout, memory_limit):
    """Extract records from files and folders (.txt .md .html .pdf .docx) into OUT.

    OUT keeps a store of every result keyed by content hash: a new run over the same OUT
    processes only new or changed files and drops removed ones."""
    from . import batch
    from .pool import Limits
    show = not quiet
    state = {"n": 0, "todo": 0}

    def on_plan(s, todo):
        state["todo"] = todo
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
            click.echo(f"error: {res.error.path}: {res.error.reason}", err=True)
        if show and sys.stderr.isatty():
            click.echo(f"\r{state['n']}/{state['todo']} {res.path[-50:]:50}", err=True, nl=False)

    try:
        s = batch.run(paths, out, workers=workers, limits=Limits(timeout=timeout, memory=memory_limit << 20),
                      use_encoder=not no_encoder, on_result=on_result, on_plan=on_plan)
    except PolicytraceError as e:
        _fail(e)
    if show and sys.stderr.isatty() and state["n"]:
        click.echo("", err=True)
    if show:
        click.echo(f"{s.documents} documents, {s.records} records, {s.errors} errors "
                   f"({s.processed} processed, {s.reused} unchanged, {len(s.removed)} removed), "
                   f"{s.seconds:.1f} s -> {out}", err=True)
    if strict and s.errors:
        sys.exit(1)


@main.command(name="compare")
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


@main.command()
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


@main.command()
def quantities():
    """Read sentences on stdin (one per line); print a JSON array of quantities per line."""
    from .quantities import parse
    for line in sys.stdin:
        line = line.rstrip("\n")
        items = [q.to_dict() for q in parse(line)]
        click.echo(json.dumps(items, ensure_ascii=False))


if __name__ == "__main__":
    main()
