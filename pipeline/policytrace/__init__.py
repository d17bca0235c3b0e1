"""policytrace: structured, source-grounded records of targets, achievements and milestones
from policy texts."""
from .errors import IngestError, OutputError, PolicytraceError, ResourceError, UnsupportedFormat
from .records import Comparator, DocError, Document, Kind, Quantity, Span, Target

__version__ = "0.1.0"

_LAZY = {"extract", "Extraction", "Extractor"}


def __getattr__(name):
    """The runner pulls in spaCy; `policytrace quantities` and other light uses never pay for it."""
    if name in _LAZY:
        from . import runner
        return getattr(runner, name)
    raise AttributeError(f"module 'policytrace' has no attribute {name!r}")

__all__ = [
    "extract", "Extraction", "Extractor", "Target", "Document", "Span", "Quantity", "Kind",
    "Comparator", "DocError", "PolicytraceError", "IngestError", "UnsupportedFormat",
    "ResourceError", "OutputError", "__version__",
]
