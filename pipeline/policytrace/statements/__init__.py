"""Stage 4, statements: a parsed document's numeric targets and achievements, milestones and
table rows as Target records, each with the ids of the rules that made it.

``document.extract`` drives it; ``context`` holds what a document's statements share,
``numeric``, ``milestones`` and ``tables`` make the records, ``skip`` drops what is no measure,
``metric`` names what a figure measures, ``kinds`` decides target / achievement / projection
and ``qualify`` completes bare metrics.  Rules and decisions: models/rules/statements.json,
kinds.json, metric.json, skip.json.
"""
from .context import main_subject, reference_year
from .document import extract
from .metric import content_metric

__all__ = ["content_metric", "extract", "main_subject", "reference_year"]
