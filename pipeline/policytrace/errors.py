"""One root exception so callers can catch everything policytrace raises on purpose."""


class PolicytraceError(Exception):
    """Root of every error policytrace raises deliberately."""


class IngestError(PolicytraceError):
    """A document could not be read into text (bad bytes, encrypted PDF, no text layer...)."""

    def __init__(self, path, reason):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class UnsupportedFormat(IngestError):
    """The file extension is not one policytrace reads."""


class ResourceError(PolicytraceError):
    """A knowledge file in models/ or a bundled model is missing or malformed."""


class OutputError(PolicytraceError):
    """An output directory or file could not be written."""


class ComponentError(PolicytraceError, ValueError):
    """A policytrace spaCy component was run without the annotations it needs."""
