"""One engine for every surface rule: regexes kept as data in ``models/rules/*.json``.

A rule file holds ``rules`` (an ordered list: file order is precedence — when two hits overlap,
the one from the earlier rule stays), ``patterns`` (named regexes other code uses as helpers,
HeidelTime's ``repattern``), ``steps`` (named chains of ordered steps run on a caller's state
by ``RuleSet.chain``; a step may look for its pattern in a window before or after a span) and
``decisions`` (choices code makes over the parse, named so records can list them).  Every rule,
pattern and step carries ``examples`` that ``tests/test_rule_examples.py`` runs through this
engine alone; a decision's examples are sentences ``tests/test_decisions.py`` runs with the
parser.  ``%name`` in a pattern is a
macro: the file's own ``macros``, or one of ``models/rules/macros.json`` (a regex, or a word list
read from its one home in another knowledge file, or one the file's module derives from such
files and registers with :func:`wordlist`).  Guards (may this match count?) and actions (what
does it produce?) are Python functions registered by name, spaCy-registry style, so a rule file
names them and a wrong name is an error when the file is loaded.  Code that reads a text left to
right asks one rule at a time with :meth:`RuleSet.match` / ``search`` / ``fullmatch``.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional

from .. import resources
from ..errors import ResourceError

_GUARDS: dict[str, Callable[..., bool]] = {}
_ACTIONS: dict[str, Callable[..., Any]] = {}
_WORDLISTS: dict[str, Callable[[], Iterable[str]]] = {}
_NO_FACTS: Mapping[str, Any] = MappingProxyType({})

_FLAGS = {"I": re.I, "X": re.X, "M": re.M, "S": re.S, "A": re.A}
_FILE_KEYS = {"_about", "module", "flags", "macros", "prefilter", "rules", "patterns", "steps", "decisions"}
_DECISION_KEYS = {"id", "about", "examples", "where"}
_RULE_KEYS = {"id", "pattern", "action", "examples", "flags", "guards", "args", "about"}
_PATTERN_KEYS = {"pattern", "examples", "flags", "about", "not"}
_STEP_KEYS = {"id", "pattern", "window", "anchored", "optional", "lower", "flags", "guards", "action",
              "args", "group", "examples", "about"}
_MACRO_KEYS = {"pattern", "lexicon", "key", "case", "about", "spaces", "words"}
_MACRO = re.compile(r"%([A-Za-z][A-Za-z0-9_]*)")


def guard(name: str) -> Callable:
    """Register ``fn(match, ctx, **args) -> bool`` as the guard NAME."""
    def deco(fn):
        _GUARDS[name] = fn
        return fn
    return deco


def action(name: str) -> Callable:
    """Register ``fn(match, ctx, **args) -> value`` as the action NAME; None rejects the match."""
    def deco(fn):
        _ACTIONS[name] = fn
        return fn
    return deco


def wordlist(name: str) -> Callable:
    """Register ``fn() -> iterable of words`` as the word list NAME, for a macro
    ``{"words": NAME}``: a list that code derives from a knowledge file (a table's codes less
    some, two lists joined) rather than one read as it stands with ``lexicon`` and ``key``."""
    def deco(fn):
        _WORDLISTS[name] = fn
        return fn
    return deco


@action("match")
def _match_action(m: re.Match, ctx: "Context", **args) -> Any:
    """The default: the rule's ``args`` if it has any, else the matched text."""
    return dict(args) if args else m.group(0)


@dataclass(frozen=True)
class Context:
    """What a run sees: the whole text, where the searched window starts in it, and the
    caller's facts (a publication year, a sentence's tokens...)."""

    text: str
    offset: int = 0
    facts: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    state: Any = None  # a step chain's state (RuleSet.chain)

    def __getitem__(self, key: str) -> Any:
        return self.facts[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.facts.get(key, default)


@dataclass(frozen=True)
class Hit:
    """One rule's match: which rule, where (offsets in the caller's text) and what its action
    made of it."""

    rule: str
    start: int
    end: int
    value: Any
    match: Optional[re.Match] = field(compare=False, repr=False)

    @property
    def text(self) -> str:
        return self.match.group(0)


@dataclass(frozen=True)
class Rule:
    id: str
    regex: re.Pattern
    action: str
    args: Mapping[str, Any]
    guards: tuple[tuple[str, Mapping[str, Any]], ...]
    examples: tuple
    about: str = ""

    @property
    def plain(self) -> bool:
        """No guard and the default action without args: a hit's value is the matched text."""
        return not self.guards and self.action == "match" and not self.args

    def fire(self, m: re.Match, ctx: Context) -> Any:
        """The action's value, or None when a guard or the action refuses the match."""
        for name, gargs in self.guards:
            negate = name.startswith("!")
            ok = bool(_GUARDS[name.lstrip("!")](m, ctx, **gargs))
            if ok == negate:
                return None
        return _ACTIONS[self.action](m, ctx, **self.args)


@dataclass(frozen=True)
class Pattern:
    """A named helper regex with the texts it must (``examples``) and must not (``not``) find."""

    id: str
    regex: re.Pattern
    examples: tuple
    negatives: tuple

    def __getattr__(self, name: str) -> Any:  # search, match, sub, finditer... of the regex
        return getattr(self.regex, name)


@dataclass(frozen=True)
class Step:
    """One step of an ordered chain (``steps``): what a caller's state makes of a span.  A step
    with a ``pattern`` looks for it in its ``window`` of the text (``["before", N]``: the N
    characters before the span, ``["after", N]``: after it; ``anchored`` matches at the window's
    start, ``lower`` lower-cases it first); without one it reads the state alone."""

    id: str
    regex: Optional[re.Pattern]
    window: Optional[tuple[str, int]]
    anchored: bool
    optional: bool
    lower: bool
    action: str
    args: Mapping[str, Any]
    guards: tuple[tuple[str, Mapping[str, Any]], ...]
    group: str
    examples: tuple
    about: str = ""

    def window_text(self, text: str, start: int, end: int) -> tuple[str, int]:
        """(the window's text, where it starts in TEXT)."""
        if self.window is None:
            return text, 0
        side, n = self.window
        lo, hi = (max(0, start - n), start) if side == "before" else (end, end + n)
        w = text[lo:hi]
        return (w.lower() if self.lower else w), lo

    def find(self, window: str) -> Optional[re.Match]:
        if self.regex is None:
            return None
        return (self.regex.match if self.anchored else self.regex.search)(window)

    def fire(self, m: Optional[re.Match], ctx: Context) -> Any:
        for name, gargs in self.guards:
            negate = name.startswith("!")
            if bool(_GUARDS[name.lstrip("!")](m, ctx, **gargs)) == negate:
                return None
        return _ACTIONS[self.action](m, ctx, **self.args)


@dataclass(frozen=True)
class Decision:
    """A choice made by code over the parse (a tense, a dependency path, a table column), named
    here so that records can list it: no pattern, since none would be what runs.  Its examples
    are sentences (or, for a choice over a table's cells, a table's rows) whose records must
    carry the id (tests/test_decisions.py runs them with the parser); ``where`` names the
    function that takes it."""

    id: str
    about: str
    where: str
    examples: tuple


class RuleSet:
    """The rules, named patterns, step chains and decisions of one file, compiled."""

    def __init__(self, name: str, rules: tuple[Rule, ...], patterns: Mapping[str, Pattern],
                 prefilter: Optional[re.Pattern], steps: Optional[Mapping[str, tuple[Step, ...]]] = None,
                 decisions: tuple[Decision, ...] = ()):
        self.decisions = MappingProxyType({d.id: d for d in decisions})
        self.name = name
        self.rules = rules
        self.patterns = MappingProxyType(dict(patterns))
        self.prefilter = prefilter
        self.steps = MappingProxyType(dict(steps or {}))
        self._by_id = MappingProxyType({r.id: r for r in rules})
        self._order = MappingProxyType({r.id: i for i, r in enumerate(rules)})

    def chain(self, phase: str, state: Any, text: str, start: int, end: int, value: Any = None,
              until: Optional[Callable[[Any], bool]] = None) -> tuple[Any, list[Hit]]:
        """Run the steps of PHASE in file order around [start, end) of TEXT.  Each step sees the
        caller's STATE (``ctx.state``) and the value so far (``ctx["value"]``); a step applies
        when its pattern (if any, unless ``optional``) is found, its guards pass and its action
        returns a value other than None, which becomes the value.  Of the steps sharing a
        ``group`` only the first that applies does.  The chain stops after the first applied
        step whose value satisfies UNTIL (None: every step is tried).  Returns (the value, the
        hits of the steps that applied, in order)."""
        if phase not in self.steps:
            raise ResourceError(f"models/rules/{self.name}.json: no steps {phase!r}")
        applied: list[Hit] = []
        done: set = set()
        for s in self.steps[phase]:
            if s.group and s.group in done:
                continue
            window, lo = s.window_text(text, start, end)
            m = s.find(window)
            if m is None and s.regex is not None and not s.optional:
                continue
            v = s.fire(m, Context(window, lo, MappingProxyType({"value": value}), state))
            if v is None:
                continue
            value = v
            applied.append(Hit(s.id, lo + m.start() if m else start, lo + m.end() if m else end, v, m))
            if s.group:
                done.add(s.group)
            if until is not None and until(v):
                break
        return value, applied

    def __getitem__(self, pattern_id: str) -> Pattern:
        try:
            return self.patterns[pattern_id]
        except KeyError:
            raise ResourceError(f"models/rules/{self.name}.json: no pattern {pattern_id!r}") from None

    def rule(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def get(self, any_id: str) -> Optional[Any]:
        """The rule, step or decision of this file with that id (None if there is none)."""
        if any_id in self._by_id:
            return self._by_id[any_id]
        if any_id in self.decisions:
            return self.decisions[any_id]
        return next((s for ph in self.steps.values() for s in ph if s.id == any_id), None)

    def hits(self, text: str, facts: Optional[Mapping[str, Any]] = None, *, offset: int = 0,
             only: Optional[set] = None) -> Iterator[Hit]:
        """Every accepted match of every rule, rule by rule in file order (overlaps kept)."""
        if self.prefilter is not None and not self.prefilter.search(text):
            return
        ctx = None
        for r in self._chosen(only):
            for m in r.regex.finditer(text):
                if r.plain:
                    v = m.group(0)
                else:
                    if ctx is None:
                        ctx = Context(text, offset, MappingProxyType(dict(facts)) if facts else _NO_FACTS)
                    v = r.fire(m, ctx)
                if v is not None:
                    yield Hit(r.id, m.start() + offset, m.end() + offset, v, m)

    def _chosen(self, only: Optional[set]) -> tuple[Rule, ...]:
        """The rules of ONLY (all when None) in file order."""
        if only is None:
            return self.rules
        unknown = [i for i in only if i not in self._by_id]
        if unknown:
            raise ResourceError(f"models/rules/{self.name}.json: no rule {', '.join(map(repr, sorted(unknown)))}")
        if len(only) == 1:
            return (self._by_id[next(iter(only))],)
        return tuple(sorted((self._by_id[i] for i in only), key=lambda r: self._order[r.id]))

    def _one(self, how: str, rule_id: str, text: str, pos: int, endpos: Optional[int],
             facts: Optional[Mapping[str, Any]]) -> Optional[Hit]:
        try:
            r = self._by_id[rule_id]
        except KeyError:
            raise ResourceError(f"models/rules/{self.name}.json: no rule {rule_id!r}") from None
        m = getattr(r.regex, how)(text, pos, len(text) if endpos is None else endpos)
        if m is None:
            return None
        if r.plain:  # no guard, the default action without args: the matched text
            return Hit(r.id, m.start(), m.end(), m.group(0), m)
        v = r.fire(m, Context(text, 0, MappingProxyType(dict(facts)) if facts else _NO_FACTS))
        return None if v is None else Hit(r.id, m.start(), m.end(), v, m)

    def match(self, rule_id: str, text: str, pos: int = 0, endpos: Optional[int] = None,
              facts: Optional[Mapping[str, Any]] = None) -> Optional[Hit]:
        """Rule RULE_ID alone, anchored at POS as ``re.Pattern.match`` is (guards and action
        applied): for code that reads a text left to right and asks what follows a number."""
        return self._one("match", rule_id, text, pos, endpos, facts)

    def search(self, rule_id: str, text: str, pos: int = 0, endpos: Optional[int] = None,
               facts: Optional[Mapping[str, Any]] = None) -> Optional[Hit]:
        """The leftmost match of rule RULE_ID alone, as ``re.Pattern.search`` (guards and action
        applied to that match only)."""
        return self._one("search", rule_id, text, pos, endpos, facts)

    def fullmatch(self, rule_id: str, text: str, pos: int = 0, endpos: Optional[int] = None,
                  facts: Optional[Mapping[str, Any]] = None) -> Optional[Hit]:
        """Rule RULE_ID alone over all of TEXT[POS:ENDPOS], as ``re.Pattern.fullmatch``."""
        return self._one("fullmatch", rule_id, text, pos, endpos, facts)

    def run(self, text: str, facts: Optional[Mapping[str, Any]] = None, *, offset: int = 0,
            overlaps: bool = False) -> list[Hit]:
        """Accepted hits sorted by position; unless ``overlaps``, a hit that overlaps one of an
        earlier rule (file order) is dropped."""
        kept: list[Hit] = []
        for h in self.hits(text, facts, offset=offset):
            if overlaps or not any(h.start < k.end and k.start < h.end for k in kept):
                kept.append(h)
        return sorted(kept, key=lambda h: (h.start, h.end))


# ---------------------------------------------------------------- loading and validation

def _flags(spec: Any, where: str) -> int:
    out = 0
    for f in spec or ():
        if f not in _FLAGS:
            raise ResourceError(f"{where}: unknown flag {f!r} (one of {', '.join(_FLAGS)})")
        out |= _FLAGS[f]
    return out


def _check_keys(obj: Any, allowed: set, required: set, where: str) -> None:
    if not isinstance(obj, Mapping):
        raise ResourceError(f"{where}: expected an object, got {type(obj).__name__}")
    for k in obj:
        if k not in allowed:
            raise ResourceError(f"{where}: unknown key {k!r}")
    for k in required:
        if k not in obj:
            raise ResourceError(f"{where}: missing key {k!r}")


def _alternation(words: Any, case: str, where: str, spaces: str = "any") -> str:
    """Longest-first alternation of the escaped words; a space in a word matches any run of
    whitespace, or (``spaces: "one"``) one space only, as written."""
    if isinstance(words, Mapping):
        words = list(words)
    if not isinstance(words, (list, tuple)) or not all(isinstance(w, str) for w in words):
        raise ResourceError(f"{where}: the list is not a list of words")
    if case == "capitalize":
        words = [w.capitalize() for w in words]
    elif case not in ("", "as-is"):
        raise ResourceError(f"{where}: unknown case {case!r}")
    if spaces not in ("any", "one"):
        raise ResourceError(f"{where}: unknown spaces {spaces!r} (any or one)")
    sep = r"\s+" if spaces == "any" else r"\ "
    alts = sorted({re.escape(w).replace(r"\ ", sep) for w in words}, key=lambda s: (-len(s), s))
    return "(?:" + "|".join(alts) + ")"


def _macro_source(name: str, spec: Any, where: str) -> str:
    if isinstance(spec, str):
        return spec
    _check_keys(spec, _MACRO_KEYS, set(), f"{where}: macro {name!r}")
    if "pattern" in spec:
        return spec["pattern"]
    spaces = spec.get("spaces", "any")
    if "words" in spec:
        if spec["words"] not in _WORDLISTS:
            raise ResourceError(f"{where}: macro {name!r}: unknown word list {spec['words']!r}")
        return _alternation(list(_WORDLISTS[spec["words"]]()), spec.get("case", ""), f"{where}: macro {name!r}", spaces)
    if "lexicon" not in spec or "key" not in spec:
        raise ResourceError(f"{where}: macro {name!r} needs 'pattern', 'words' or 'lexicon' and 'key'")
    data: Any = resources.load(spec["lexicon"])
    for part in spec["key"].split("."):
        if part not in data:
            raise ResourceError(f"{where}: macro {name!r}: models/{spec['lexicon']} has no key {spec['key']!r}")
        data = data[part]
    return _alternation(data, spec.get("case", ""), f"{where}: macro {name!r}", spaces)


@lru_cache(maxsize=None)
def shared_macros() -> Mapping[str, str]:
    """``models/rules/macros.json``: the macros every rule file may use."""
    data = resources.load("rules/macros.json")
    where = "models/rules/macros.json"
    _check_keys(data, {"_about", "macros"}, {"macros"}, where)
    return MappingProxyType({k: _macro_source(k, v, where) for k, v in data["macros"].items()})


def expand(src: str, macros: Mapping[str, str], where: str, _depth: int = 0) -> str:
    """Replace every ``%name`` with its macro (macros may use macros); an unknown one is an
    error naming where it was used."""
    if _depth > 8:
        raise ResourceError(f"{where}: macros nest too deeply (a cycle?)")

    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in macros:
            raise ResourceError(f"{where}: unknown macro %{name}")
        return "(?:" + expand(macros[name], macros, where, _depth + 1) + ")"
    # "%%" is a literal percent sign ("\\d+%%of" matches "5%of")
    return "%".join(_MACRO.sub(sub, part) for part in src.split("%%"))


def compile_pattern(src: Any, flags: int, macros: Mapping[str, str], where: str) -> re.Pattern:
    if isinstance(src, (list, tuple)):  # a long pattern may be written as a list of pieces
        src = "".join(src)
    if not isinstance(src, str):
        raise ResourceError(f"{where}: 'pattern' must be a string or a list of strings")
    try:
        return re.compile(expand(src, macros, where), flags)
    except re.error as e:
        raise ResourceError(f"{where}: bad pattern: {e}") from e


def _guards(spec: Any, where: str) -> tuple:
    out = []
    for g in spec or ():
        if isinstance(g, Mapping):
            _check_keys(g, {"name", "args"}, {"name"}, f"{where}: guard")
        name, args = (g, {}) if isinstance(g, str) else (g.get("name"), g.get("args", {}))
        if not isinstance(name, str) or name.lstrip("!") not in _GUARDS:
            raise ResourceError(f"{where}: unknown guard {name!r}")
        out.append((name, MappingProxyType(dict(args))))
    return tuple(out)


def _rule(spec: Any, flags: int, macros: Mapping[str, str], where: str) -> Rule:
    _check_keys(spec, _RULE_KEYS, {"id", "pattern", "examples"}, where)
    where = f"{where} ({spec['id']})"
    act = spec.get("action", "match")
    if act not in _ACTIONS:
        raise ResourceError(f"{where}: unknown action {act!r}")
    examples = _examples(spec["examples"], where, "a rule")
    regex = compile_pattern(spec["pattern"], flags | _flags(spec.get("flags"), where), macros, where)
    return Rule(spec["id"], regex, act, MappingProxyType(dict(spec.get("args", {}))),
                _guards(spec.get("guards"), where), examples, spec.get("about", ""))


_EXAMPLE_KEYS = {"text", "match", "value", "facts", "none", "orgs", "about"}


def _examples(spec: Any, where: str, what: str) -> tuple:
    """A non-empty list of example texts or objects with a 'text' (and known keys only)."""
    if not isinstance(spec, (list, tuple)) or not spec:
        raise ResourceError(f"{where}: {what} needs a list of at least one example")
    for e in spec:
        if isinstance(e, Mapping):
            _check_keys(e, _EXAMPLE_KEYS, {"text"}, f"{where}: example")
        elif not isinstance(e, str):
            raise ResourceError(f"{where}: an example is a text or an object with 'text'")
    return tuple(spec)


def _step(spec: Any, flags: int, macros: Mapping[str, str], where: str) -> Step:
    _check_keys(spec, _STEP_KEYS, {"id", "action", "examples"}, where)
    where = f"{where} ({spec['id']})"
    if spec["action"] not in _ACTIONS:
        raise ResourceError(f"{where}: unknown action {spec['action']!r}")
    if not spec["examples"]:
        raise ResourceError(f"{where}: a step needs at least one example")
    win = spec.get("window")
    if win is not None and not (isinstance(win, (list, tuple)) and len(win) == 2
                                and win[0] in ("before", "after") and isinstance(win[1], int)):
        raise ResourceError(f"{where}: 'window' is [\"before\" or \"after\", chars]")
    if "pattern" in spec and win is None:
        raise ResourceError(f"{where}: a step's pattern needs a 'window'")
    regex = (compile_pattern(spec["pattern"], flags | _flags(spec.get("flags"), where), macros, where)
             if "pattern" in spec else None)
    return Step(spec["id"], regex, tuple(win) if win else None, bool(spec.get("anchored")),
                bool(spec.get("optional")), bool(spec.get("lower")), spec["action"],
                MappingProxyType(dict(spec.get("args", {}))), _guards(spec.get("guards"), where),
                spec.get("group", ""), tuple(spec["examples"]), spec.get("about", ""))


def _steps(spec: Any, flags: int, macros: Mapping[str, str], where: str, seen: set) -> dict:
    """``steps``: phase name -> ordered list of steps (ids unique in the file)."""
    _check_keys(spec, set(spec) if isinstance(spec, Mapping) else set(), set(), f"{where}: steps")
    out = {}
    for phase, specs in spec.items():
        if not isinstance(specs, (list, tuple)):
            raise ResourceError(f"{where}: steps {phase!r}: expected a list of steps")
        chain = []
        for i, st in enumerate(specs):
            s = _step(st, flags, macros, f"{where}: steps.{phase}[{i}]")
            if s.id in seen:
                raise ResourceError(f"{where}: duplicate rule id {s.id!r}")
            seen.add(s.id)
            chain.append(s)
        out[phase] = tuple(chain)
    return out


def _decision(spec: Any, where: str, seen: set) -> Decision:
    _check_keys(spec, _DECISION_KEYS, {"id", "about", "examples", "where"}, where)
    if spec["id"] in seen:
        raise ResourceError(f"{where}: duplicate rule id {spec['id']!r}")
    seen.add(spec["id"])
    exs = tuple(spec["examples"])
    if not exs or not all(isinstance(e, str) or (isinstance(e, Mapping) and ("text" in e or "table" in e))
                          for e in exs):
        raise ResourceError(f"{where} ({spec['id']}): a decision needs example sentences "
                            "(strings, or objects with 'text' or a 'table' of rows)")
    return Decision(spec["id"], spec["about"], spec["where"], exs)


def _pattern(pid: str, spec: Any, flags: int, macros: Mapping[str, str], where: str) -> Pattern:
    where = f"{where}: pattern {pid!r}"
    if isinstance(spec, str):
        raise ResourceError(f"{where}: a pattern needs 'examples'")
    _check_keys(spec, _PATTERN_KEYS, {"pattern", "examples"}, where)
    if not spec["examples"]:
        raise ResourceError(f"{where}: a pattern needs at least one example")
    regex = compile_pattern(spec["pattern"], flags | _flags(spec.get("flags"), where), macros, where)
    return Pattern(pid, regex, tuple(spec["examples"]), tuple(spec.get("not", ())))


@lru_cache(maxsize=None)
def load(name: str, lexicons: tuple[tuple[str, str], ...] = ()) -> RuleSet:
    """``models/rules/NAME.json`` compiled; any malformed part is a ResourceError naming the
    file and the key.  The file's ``module`` is imported first: it registers the guards and
    actions the rules name.  ``lexicons``: pairs (FILE, OTHER) — the file's own word-list
    macros that read models/FILE read models/OTHER instead (a component configured with its own
    copy of a lexicon); the shared macros are not affected."""
    where = f"models/rules/{name}.json"
    data = resources.load(f"rules/{name}.json")
    _check_keys(data, _FILE_KEYS, {"module"}, where)
    try:
        importlib.import_module(data["module"])
    except ImportError as e:
        raise ResourceError(f"{where}: module {data['module']!r} cannot be imported: {e}") from e
    flags = _flags(data.get("flags"), where)
    local = data.get("macros", {})
    if not isinstance(local, Mapping):
        raise ResourceError(f"{where}: 'macros' is an object of name -> macro")
    swap = dict(lexicons)
    local = {k: {**v, "lexicon": swap[v["lexicon"]]} if isinstance(v, Mapping) and v.get("lexicon") in swap else v
             for k, v in local.items()}
    macros = {**shared_macros(), **{k: _macro_source(k, v, f"{where}: macros") for k, v in local.items()}}
    rules, seen = [], set()
    for i, spec in enumerate(data.get("rules", ())):
        r = _rule(spec, flags, macros, f"{where}: rules[{i}]")
        if r.id in seen:
            raise ResourceError(f"{where}: duplicate rule id {r.id!r}")
        seen.add(r.id)
        rules.append(r)
    steps = _steps(data.get("steps", {}), flags, macros, where, seen)
    decisions = tuple(_decision(d, f"{where}: decisions[{i}]", seen) for i, d in enumerate(data.get("decisions", ())))
    patterns = {}
    for pid, spec in data.get("patterns", {}).items():
        if pid in seen:
            raise ResourceError(f"{where}: pattern {pid!r} has a rule's id")
        patterns[pid] = _pattern(pid, spec, flags, macros, where)
    pre = data.get("prefilter")
    prefilter = compile_pattern(pre, flags, macros, f"{where}: prefilter") if pre else None
    return RuleSet(name, tuple(rules), patterns, prefilter, steps, decisions)


def rule_files() -> list[str]:
    """The names of every rule file shipped (macros.json is not one)."""
    return sorted(p.stem for p in (resources.models_dir() / "rules").glob("*.json") if p.stem != "macros")
