"""policytrace: structured, source-grounded records of targets, achievements and milestones
from policy texts."""
from .errors import IngestError, OutputError, PolicytraceError, ResourceError, UnsupportedFormat
from .records import Comparator, DocError, Document, Kind, Quantity, Span, Target
from .runner import Extraction, Extractor, extract

__version__ = "0.1.0"

__all__ = [
    "extract", "Extraction", "Extractor", "Target", "Document", "Span", "Quantity", "Kind",
    "Comparator", "DocError", "PolicytraceError", "IngestError", "UnsupportedFormat",
    "ResourceError", "OutputError", "__version__",
]
