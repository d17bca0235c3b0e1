"""Rules as data: the engine that runs ``models/rules/*.json`` (see ``engine``)."""
from .engine import (Context, Hit, Pattern, Rule, RuleSet, action, guard, load, rule_files, shared_macros,
                     wordlist)

__all__ = ["Context", "Hit", "Pattern", "Rule", "RuleSet", "action", "guard", "load", "rule_files",
           "shared_macros", "wordlist"]
