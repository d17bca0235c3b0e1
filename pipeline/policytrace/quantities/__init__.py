"""Stage 3, quantities: every number in a text with its unit, range and qualifier.

``reader`` reads them (``parse``), ``numbers`` reads digits and spelled numbers, ``units`` looks
up quantulum3's unit table, ``vocab`` compiles the lexicon the others share from models/; the
regexes are the rules of models/rules/quantities.json and numbers.json.
"""
from .reader import has_number, in_major_unit, is_vague, lexicon, local_currencies, is_measure_word, parse

__all__ = ["has_number", "in_major_unit", "is_vague", "lexicon", "local_currencies", "is_measure_word", "parse"]
