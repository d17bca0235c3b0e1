"""Command line: parsing arguments and printing; all work is done by the library."""
from __future__ import annotations

import functools
import json
import sys
import time

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
def extract(paths, out, quiet, strict, no_encoder):
    """Extract records from files and folders (.txt .md .html .pdf .docx) into OUT."""
    from . import export, ingest
    from .runner import Extractor
    t0 = time.perf_counter()
    try:
        ex = Extractor(use_encoder=not no_encoder)
    except PolicytraceError as e:
        _fail(e)
    files = list(ingest.iter_paths(paths))
    counts = {"docs": 0, "records": 0, "errors": 0}
    show_bar = not quiet and sys.stderr.isatty()

    def consume(stream):
        for res in stream:
            if res.error:
                counts["errors"] += 1
                click.echo(f"error: {res.error.path}: {res.error.reason}", err=True)
            else:
                counts["docs"] += 1
                counts["records"] += len(res.targets)
            yield res

    try:
        stream = consume(export.write(ex.run(files), out, series=ex.series))
        if show_bar:
            with click.progressbar(stream, length=len(files), label="extracting",
                                   file=sys.stderr, item_show_func=lambda r: r.path[-40:] if r else "") as bar:
                for _ in bar:
                    pass
        else:
            for _ in stream:
                pass
    except PolicytraceError as e:
        _fail(e)
    secs = time.perf_counter() - t0
    if not quiet:
        click.echo(f"{counts['docs']} documents, {counts['records']} records, "
                   f"{counts['errors']} errors, {secs:.1f} s -> {out}", err=True)
    if strict and counts["errors"]:
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
