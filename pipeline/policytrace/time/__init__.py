"""Stage 3, time: horizons, points, plan periods and baselines in a text (``expressions``), run
as the rules of models/rules/time.json."""
from .expressions import TimeExpr, bare_years, find, five_year_plans, period_str

__all__ = ["TimeExpr", "bare_years", "find", "five_year_plans", "period_str"]
