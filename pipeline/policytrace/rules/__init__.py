"""Rules as data: the engine that runs ``models/rules/*.json`` (see ``engine``)."""
from .engine import (Context, Decision, Hit, Pattern, Rule, RuleSet, Step, action, guard, load, rule_files,
                     shared_macros, wordlist)

__all__ = ["Context", "Decision", "Hit", "Pattern", "Rule", "RuleSet", "Step", "action", "guard", "load",
           "rule_files", "shared_macros", "wordlist"]
