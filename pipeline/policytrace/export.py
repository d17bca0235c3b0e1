"""Writing results: JSONL, CSV and Parquet from the records' ``to_dict``, streamed, and each
file replaced atomically so a reader never sees half an output.  The columns and their types
come from one place, the JSON Schema in models/schema.json (`policytrace schema`)."""
from __future__ import annotations

import csv
import json
import os
import tempfile
from contextlib import ExitStack, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Optional

from . import resources
from .errors import OutputError
from .records import align_row, in_alignment, DocResult, Target

FORMATS = ("jsonl", "csv", "parquet")
# every file `extract` may write, by format; JSONL is always written (compare and report read it)
FORMAT_FILES = {"jsonl": ("targets.jsonl", "documents.jsonl", "errors.jsonl"),
                "csv": ("targets.csv",), "parquet": ("targets.parquet", "documents.parquet")}
TARGET_FILES = tuple(f for files in FORMAT_FILES.values() for f in files)
RECORD_TYPES = ("target", "document", "error")


def json_schema(record: Optional[str] = None) -> dict:
    """models/schema.json, or the standalone schema of one record type (target, document, error)."""
    full = json.loads((resources.models_dir() / "schema.json").read_text(encoding="utf-8"))
    if record is None:
        return full
    if record not in RECORD_TYPES:
        raise OutputError(f"no record type {record!r}; choose one of {', '.join(RECORD_TYPES)}")
    one = {"$schema": full["$schema"], "$id": full["$id"].replace("records.json", f"{record}.json"),
           "schema_version": full["schema_version"], **full["$defs"][record], "$defs": full["$defs"]}
    return one


def _arrow_type(prop: dict, defs: dict):
    import pyarrow as pa
    if "$ref" in prop:
        target = defs[prop["$ref"].rsplit("/", 1)[1]]
        if target.get("type") == "object":
            return pa.struct([(k, _arrow_type(v, defs)) for k, v in target["properties"].items()])
        return _arrow_type(target, defs)
    types = prop.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    if "enum" in prop or prop.get("x-dictionary"):
        return pa.dictionary(pa.int32(), pa.string())
    if "array" in types:
        return pa.list_(_arrow_type(prop["items"], defs))
    for name, typ in (("integer", pa.int64()), ("number", pa.float64()), ("boolean", pa.bool_())):
        if name in types:
            return typ
    return pa.string()


@lru_cache(maxsize=None)
def arrow_schema(record: str):
    """The Parquet schema of a record type: integers stay integers next to nulls (pandas reads
    them as Int64), enumerations are dictionary-encoded (pandas reads them as categories)."""
    import pandas as pd
    import pyarrow as pa
    full = json_schema()
    defs, props = full["$defs"], full["$defs"][record]["properties"]
    fields = [(k, _arrow_type(v, defs)) for k, v in props.items()]
    # pandas' own metadata, so read_parquet restores the nullable integer and category dtypes
    empty = pd.DataFrame({k: pd.Series([], dtype="Int64" if pa.types.is_integer(t) else
                                        "category" if pa.types.is_dictionary(t) else object)
                          for k, t in fields})
    meta = pa.Schema.from_pandas(empty, preserve_index=False).metadata
    return pa.schema(fields).with_metadata(meta)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class AtomicFile:
    """A temp file in the target folder, renamed over the target on success only."""

    def __init__(self, path: Path, mode: str = "w"):
        self.path = path
        fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        os.chmod(self.tmp, 0o666 & ~_umask())
        self.mode = mode
        self.f = None

    def open(self):
        self.f = open(self.tmp, self.mode, encoding="utf-8", newline="") if "b" not in self.mode \
            else open(self.tmp, self.mode)
        return self.f

    def commit(self):
        if self.f and not self.f.closed:
            self.f.flush()
            os.fsync(self.f.fileno())
            self.f.close()
        os.replace(self.tmp, self.path)

    def abort(self):
        if self.f and not self.f.closed:
            self.f.close()
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def write(results: Iterable[DocResult], out_dir: str | Path, batch: int = 2000,
          series=None, formats: Iterable[str] = FORMATS) -> Iterator[DocResult]:
    """Stream RESULTS into OUT_DIR, yielding each result after it is written.

    Targets are spooled first; when the stream ends, SERIES (a function from the list of
    alignment rows, ``align_row`` of each target ``in_alignment``, to the series fields of each,
    {series, series_name, indicator, indicator_code} or None, in order) aligns them and the
    target files are written in one more streaming pass.  FORMATS adds CSV
    and Parquet to the JSONL that is always written; files of a format not asked for are removed
    so the folder holds one run's set."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create output folder {out}: {e.strerror}") from e
    formats = {"jsonl", *formats}
    unknown = formats - set(FORMATS)
    if unknown:
        raise OutputError(f"unknown output format {', '.join(sorted(unknown))}; choose from {', '.join(FORMATS)}")
    import pyarrow as pa
    names = [n for f in FORMATS if f in formats for n in FORMAT_FILES[f]]
    files = {name: AtomicFile(out / name, "wb" if name.endswith(".parquet") else "w") for name in names}
    spool = AtomicFile(out / "targets.spool.jsonl")
    ok = False
    try:
        with ExitStack() as stack:
            sp = spool.open()
            dj, ej = files["documents.jsonl"].open(), files["errors.jsonl"].open()
            dp = _parquet(files.get("documents.parquet"), "document", stack)
            docs: list[dict] = []
            for res in results:
                if res.error:
                    ej.write(_dump(res.error.to_dict()) + "\n")
                if res.document:
                    d = res.document.to_dict()
                    dj.write(_dump(d) + "\n")
                    if dp is not None:
                        docs.append(d)
                        if len(docs) >= 50:  # documents carry their text: small batches
                            dp.write_table(pa.Table.from_pylist(docs, schema=dp.schema))
                            docs = []
                for t in res.targets:
                    sp.write(_dump(t.to_dict()) + "\n")
                yield res
            if docs:
                dp.write_table(pa.Table.from_pylist(docs, schema=dp.schema))
        sp.close()

        def spooled():
            with open(spool.tmp, encoding="utf-8") as f:
                for line in f:
                    yield json.loads(line)

        fields: list = []
        if series is not None:
            fields = series([align_row(d) for d in spooled() if in_alignment(d)])
        _write_targets(files, spooled(), fields, batch)
        ok = True
    finally:
        spool.abort()
        if not ok:
            for f in files.values():
                f.abort()
    for f in files.values():
        f.commit()
    for name in set(TARGET_FILES) - set(names):
        try:
            (out / name).unlink()
        except FileNotFoundError:
            pass


def _write_targets(files: dict, rows: Iterable[dict], fields: list, batch: int) -> None:
    """The second pass: each spooled target with its series, to every target file asked for."""
    import pyarrow as pa
    with ExitStack() as stack:
        tj = files["targets.jsonl"].open()
        cw = None
        if "targets.csv" in files:
            cw = csv.DictWriter(files["targets.csv"].open(), fieldnames=Target.columns())
            cw.writeheader()
        tp = _parquet(files.get("targets.parquet"), "target", stack)
        pending: list[dict] = []
        k = 0
        for d in rows:
            if fields and in_alignment(d):
                if fields[k]:
                    d.update(fields[k])
                k += 1
            tj.write(_dump(d) + "\n")
            if cw is not None:
                cw.writerow(_csv_row(d))
            if tp is not None:
                pending.append(d)
                if len(pending) >= batch:
                    tp.write_table(pa.Table.from_pylist(pending, schema=tp.schema))
                    pending = []
        if pending:
            tp.write_table(pa.Table.from_pylist(pending, schema=tp.schema))


def _csv_row(d: dict) -> dict:
    """A target as a CSV row: the list of rule ids joined by ';' (a cell holds one string)."""
    return {**d, "rules": ";".join(d.get("rules") or ())}


def _parquet(f: Optional["AtomicFile"], record: str, stack: ExitStack):
    """A ParquetWriter on F's temp file (None when Parquet was not asked for)."""
    if f is None:
        return None
    import pyarrow.parquet as pq
    f.open().close()
    writer = pq.ParquetWriter(f.tmp, arrow_schema(record))
    stack.callback(writer.close)
    return writer


@contextmanager
def atomic_open(path: str | Path, mode: str = "w"):
    """Write to a temp file beside PATH; it replaces PATH only if the block succeeds."""
    f = AtomicFile(Path(path), mode)
    try:
        yield f.open()
    except BaseException:
        f.abort()
        raise
    f.commit()


def write_frame(df, path: str | Path) -> None:
    """A DataFrame as CSV, replacing PATH atomically."""
    with atomic_open(path) as f:
        df.to_csv(f, index=False)
