"""The per-document work on a Dask distributed cluster, for corpora that outgrow one machine.

``DaskPool`` has the contract of ``pool.WorkerPool``: ``map(paths)`` yields (index, result,
alignment vectors) for every path as each is done, so the batch stores each result the moment
it arrives and aligns over the store afterwards, and a cluster run writes exactly what a local
run writes.  Documents are submitted in chunks (a bounded number in flight), each Dask worker
process builds its Extractor once (a per-process cache) and runs on one thread.

Failures: a worker lost mid-run costs no document, because the scheduler runs its tasks again
elsewhere; a document that takes its worker down ``allowed_failures`` times is a poison
document and becomes one error line instead of being retried forever.  The per-document wall
time limit of the local pool does not apply here (a Dask task cannot be interrupted); the
workers' own memory limit (``dask worker --memory-limit``) does.

Workers read the files by path: on a cluster of several machines the inputs must be on a file
system every worker sees (see docs/scale.md).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .errors import PolicytraceError
from .pool import file_size
from .records import DocError, DocResult

LOCAL_PREFIX = "local:"


class ClusterError(PolicytraceError):
    """The Dask scheduler could not be reached or started."""


def parse_scheduler(spec: str) -> tuple[str, object]:
    """("local", N) for "local:N", else ("address", "tcp://HOST:PORT")."""
    if spec.startswith(LOCAL_PREFIX):
        n = spec[len(LOCAL_PREFIX):]
        if not n.isdigit() or int(n) < 1:
            raise ClusterError(f"--scheduler {spec!r}: write local:N with N >= 1 workers")
        return "local", int(n)
    if "://" not in spec:
        raise ClusterError(f"--scheduler {spec!r}: write tcp://HOST:PORT or local:N")
    return "address", spec


@lru_cache(maxsize=1)
def _extractor(use_encoder: bool, spacy_model: Optional[str]):
    """One Extractor per worker process, built by the first task that lands there."""
    from .runner import Extractor
    return Extractor(use_encoder=use_encoder, spacy_model=spacy_model, threads=1)


def process(path: str, use_encoder: bool, spacy_model: Optional[str]) -> tuple[DocResult, dict]:
    """The task a Dask worker runs for one document."""
    ex = _extractor(use_encoder, spacy_model)
    res = ex.process_path(Path(path))
    return res, ex.alignment_vectors(res)


def _error(path: str, reason: str) -> DocResult:
    from .ingest import display, doc_id
    return DocResult(path=display(path), error=DocError(display(path), doc_id(Path(path)), reason, "extract"))


class DaskPool:
    """``with DaskPool("local:2") as pool: for idx, res, vectors in pool.map(paths): ...``"""

    def __init__(self, scheduler: str, use_encoder: bool = True, spacy_model: Optional[str] = None,
                 inflight_per_worker: int = 4, allowed_failures: int = 2):
        self.kind, self.target = parse_scheduler(scheduler)
        self.use_encoder, self.spacy_model = use_encoder, spacy_model
        self.inflight_per_worker = inflight_per_worker
        self.allowed_failures = allowed_failures
        self.cluster = None
        self.client = None

    def __enter__(self):
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError as e:
            raise ClusterError("--scheduler needs Dask: pip install 'policytrace[dask]'") from e
        from .pool import THREAD_VARS
        # one compute thread per local worker (remote workers are started that way, docs/scale.md)
        env = {var: "false" if var == "TOKENIZERS_PARALLELISM" else "1" for var in THREAD_VARS}
        try:
            with dask.config.set({"distributed.scheduler.allowed-failures": self.allowed_failures,
                                  "distributed.logging.distributed": "error"}):
                if self.kind == "local":
                    self.cluster = LocalCluster(n_workers=self.target, threads_per_worker=1, processes=True,
                                                host="127.0.0.1", dashboard_address=None, memory_limit=None,
                                                silence_logs=40, env=env)
                    self.client = Client(self.cluster)
                else:
                    self.client = Client(self.target, timeout=30)
        except (OSError, TimeoutError) as e:
            self.close()
            raise ClusterError(f"cannot reach the Dask scheduler {self.target}: {e}") from e
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, paths: Iterable[str]) -> Iterator[tuple[int, DocResult, dict]]:
        """(index, result, alignment vectors) for every path, as each is done."""
        from distributed import as_completed
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker
        todo = list(enumerate(paths))
        if not todo:
            return
        # the largest files first, as in the local pool; a bounded number in flight, so a
        # million paths never sit in the scheduler at once
        todo.sort(key=lambda t: (file_size(t[1]), -t[0]))  # popped from the end
        limit = self.inflight_per_worker * self.workers()
        index = {}
        pending = as_completed()

        def submit():
            idx, path = todo.pop()
            fut = self.client.submit(process, path, self.use_encoder, self.spacy_model, pure=False,
                                     key=f"policytrace-{idx}-{os.getpid()}-{id(self)}")
            index[fut.key] = (idx, path)
            pending.add(fut)

        while todo and pending.count() < limit:
            submit()
        for fut in pending:
            idx, path = index.pop(fut.key)
            try:
                res, vectors = fut.result()
            except KilledWorker:
                res, vectors = _error(path, f"worker lost {self.allowed_failures} times while reading it "
                                            f"(a poison document; not retried)"), {}
            except FutureCancelledError:
                res, vectors = _error(path, "cancelled by the scheduler"), {}
            except Exception as e:  # the task's own last guard failed: report, go on
                res, vectors = _error(path, f"internal error on a Dask worker: {type(e).__name__}: {e}"), {}
            fut.release()
            if todo:
                submit()
            yield idx, res, vectors

