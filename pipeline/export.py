"""Writing results: JSONL, CSV and Parquet from the records' ``to_dict``, streamed, and each
file replaced atomically so a reader never sees half an output."""
from __future__ import annotations

import csv
import json
import os
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from .errors import OutputError
from .records import alignable, DocResult, Target

TARGET_FILES = ("targets.jsonl", "documents.jsonl", "errors.jsonl", "targets.csv", "targets.parquet")


def _parquet_schema():
    import pyarrow as pa
    types = {"start": pa.int64(), "end": pa.int64(), "value": pa.float64(),
             "value_max": pa.float64(), "year": pa.int64(), "value_start": pa.int64(),
             "value_end": pa.int64(), "alt_value": pa.float64()}
    return pa.schema([(c, types.get(c, pa.string())) for c in Target.columns()])


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
          series=None) -> Iterator[DocResult]:
    """Stream RESULTS into OUT_DIR, yielding each result after it is written.

    Targets are spooled first; when the stream ends, SERIES (a function from an iterable of
    (metric, unit, subject) triples to {triple: {series, series_name, indicator, indicator_code}}) aligns them and the
    target files are written in one more streaming pass."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create output folder {out}: {e.strerror}") from e
    import pyarrow as pa
    import pyarrow.parquet as pq
    schema = _parquet_schema()
    files = {name: AtomicFile(out / name, "wb" if name.endswith(".parquet") else "w") for name in TARGET_FILES}
    spool = AtomicFile(out / "targets.spool.jsonl")
    ok = False
    try:
        sp = spool.open()
        dj, ej = files["documents.jsonl"].open(), files["errors.jsonl"].open()
        for res in results:
            if res.error:
                ej.write(_dump(res.error.to_dict()) + "\n")
            if res.document:
                dj.write(_dump(res.document.to_dict()) + "\n")
            for t in res.targets:
                sp.write(_dump(t.to_dict()) + "\n")
            yield res
        sp.close()

        def spooled():
            with open(spool.tmp, encoding="utf-8") as f:
                for line in f:
                    yield json.loads(line)

        mapping = {}
        if series is not None:
            mapping = series((d["metric"], d["unit"], d["subject"]) for d in spooled() if alignable(d))
        with ExitStack() as stack:
            tj, tc = files["targets.jsonl"].open(), files["targets.csv"].open()
            pf = files["targets.parquet"]
            pf.open().close()
            writer = pq.ParquetWriter(pf.tmp, schema)
            stack.callback(writer.close)
            cw = csv.DictWriter(tc, fieldnames=Target.columns())
            cw.writeheader()
            pending: list[dict] = []
            for d in spooled():
                key = (d["metric"], d["unit"], d["subject"])
                if key in mapping and alignable(d):
                    d.update(mapping[key])
                tj.write(_dump(d) + "\n")
                cw.writerow(d)
                pending.append(d)
                if len(pending) >= batch:
                    writer.write_table(pa.Table.from_pylist(pending, schema=schema))
                    pending = []
            if pending:
                writer.write_table(pa.Table.from_pylist(pending, schema=schema))
        ok = True
    finally:
        spool.abort()
        if not ok:
            for f in files.values():
                f.abort()
    for f in files.values():
        f.commit()


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
