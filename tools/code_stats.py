"""How far the package keeps its rules as data: regex literals in code and long functions.

    python tools/code_stats.py [--max-lines 80]

A regex literal is a call ``re.<fn>(PATTERN, ...)`` whose pattern is written in the code (a
string, f-string or concatenation) rather than taken from a rule file, the lexicon or a
variable.  The engine (rules/engine.py) and the lexicon loader (rules/lexicon.py) build regexes
from data and are not counted.  tests/test_code_stats.py holds the limits.
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "pipeline" / "policytrace"
EXEMPT = {"rules/engine.py", "rules/lexicon.py"}
RE_FUNCS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


def _files():
    for p in sorted(PKG.rglob("*.py")):
        yield p.relative_to(PKG).as_posix(), ast.parse(p.read_text(encoding="utf-8"))


def regex_literals() -> list[tuple[str, int]]:
    """(file, line) of every regex literal outside the engine and the lexicon loader."""
    out = []
    for rel, tree in _files():
        if rel in EXEMPT:
            continue
        for n in ast.walk(tree):
            if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in RE_FUNCS
                    and isinstance(n.func.value, ast.Name) and n.func.value.id == "re" and n.args
                    and not isinstance(n.args[0], (ast.Name, ast.Attribute, ast.Subscript, ast.Call))):
                out.append((rel, n.lineno))
    return out


def long_functions(limit: int) -> list[tuple[str, str, int]]:
    """(file, function, lines) of every function longer than LIMIT lines."""
    out = []
    for rel, tree in _files():
        for n in ast.walk(tree):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                size = n.end_lineno - n.lineno + 1
                if size > limit:
                    out.append((rel, n.name, size))
    return sorted(out, key=lambda x: -x[2])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="Example: python tools/code_stats.py --max-lines 60")
    ap.add_argument("--max-lines", type=int, default=80)
    a = ap.parse_args(argv)
    lits = regex_literals()
    by_file: dict[str, int] = {}
    for f, _ in lits:
        by_file[f] = by_file.get(f, 0) + 1
    print(f"regex literals in code (engine and lexicon loader excepted): {len(lits)}")
    for f, n in sorted(by_file.items(), key=lambda x: -x[1]):
        print(f"  {n:4d}  {f}")
    longs = long_functions(a.max_lines)
    print(f"functions over {a.max_lines} lines: {len(longs)}")
    for f, name, size in longs:
        print(f"  {size:4d}  {f}:{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
