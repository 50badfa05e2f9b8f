"""The building blocks of the flow format's one declaration.

Each field type and each cross-field rule knows two things: how to check a located
YAML value (with a FILE:LINE problem for every mistake), and how to say the same
thing as JSON Schema. ``declaration.py`` assembles the format from these blocks, so
the loader's checks and the published schema cannot drift apart.

References between parts of a flow (unique ids, conditions that name earlier
questions, a choice that names a check) are beyond JSON Schema; the loader checks
them after these blocks, and the schema says so in its descriptions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from icloud_fix.errors import MAX_PROBLEMS_SHOWN, Problem
from icloud_fix.flowfile.located_yaml import Mapping, Scalar, Sequence, Value, describe
from icloud_fix.safe_text import shorten, visible
from icloud_fix.spelling import did_you_mean

MAX_TEXT = 20_000
MAX_ID = 100
# A full match in Python's re (where '$' also matches before a final newline) and in
# the ECMA-262 regexes of editors alike: '(?![\s\S])' is "nothing follows".
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*(?![\s\S])"
_ID = re.compile(ID_PATTERN)
# What a text must have one of: a character that shows. Blank are whitespace as
# Python's str.isspace() counts it and as ECMA-262's \s does (the two differ: U+FEFF,
# U+001C-U+001F, U+0085), and the controls and invisible format characters
# (safe_text's list, as far as the BMP goes). Spelled out as one class of \uXXXX
# ranges, which Python's re and the ECMA-262 regexes of editors read alike; \S would
# not (tests/test_schema.py checks this list against both definitions).
BLANK_RANGES = ((0x00, 0x20), (0x7F, 0xA0), (0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C),
                (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891), (0x8E2, 0x8E2),
                (0x1680, 0x1680), (0x180E, 0x180E), (0x2000, 0x200F), (0x2028, 0x202F),
                (0x205F, 0x2064), (0x2066, 0x206F), (0x3000, 0x3000), (0xFEFF, 0xFEFF),
                (0xFFF9, 0xFFFB))
NOT_BLANK_PATTERN = "[^" + "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}"
                                   for a, b in BLANK_RANGES) + "]"
_NOT_BLANK = re.compile(NOT_BLANK_PATTERN)


class _Invalid:
    """What a field reads as when it has a problem (already reported)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()
# How many unknown keys or ids get a "did you mean": difflib costs grow with both sides,
# and no more problems than this are printed.
_SUGGESTIONS = MAX_PROBLEMS_SHOWN


class Reader:
    """Collects the problems of one file while its values are read."""

    def __init__(self, source: str, fmt: int | None = None) -> None:
        self.source = source
        self.format = fmt
        self.problems: list[Problem] = []
        self._suggestions = 0

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.source, line, message))

    def did_you_mean(self, word: str, choices: Iterable[str]) -> str:
        """' (did you mean 'x'?)' when a choice is close to word, else ''; bounded in cost
        (the first few hundred mistakes of a file get one)."""
        self._suggestions += 1
        if self._suggestions > _SUGGESTIONS or len(word) > MAX_ID:
            return ""
        return did_you_mean(word, choices)


def _yaml_number(value: Scalar) -> int | float | None:
    """A number exactly as YAML reads it (0x10, 1_000, 017 octal, 1:30 sexagesimal), or
    None when the text only looks like one; never raises."""
    import yaml

    constructor = yaml.constructor.SafeConstructor()
    node = yaml.ScalarNode(value.tag, value.text)
    try:
        number = (constructor.construct_yaml_int(node) if value.kind == "int"
                  else constructor.construct_yaml_float(node))
    except Exception:  # a !!int or !!float tag on text that is no number
        return None
    if isinstance(number, float) and not math.isfinite(number):
        return None
    return number


def _is_text(value: Value) -> bool:
    """Text as YAML 1.2 (and editors) read it: YAML 1.1's other booleans (yes, no, on,
    off) are text there, so a choice may be called 'off' without quotes."""
    if not isinstance(value, Scalar):
        return False
    return value.kind == "str" or (value.kind == "bool" and not value.quoted
                                   and value.text.lower() not in ("true", "false"))


class FieldType:
    """One kind of value a key may hold."""

    expected = "a value"

    def read(self, value: Value, key: str, reader: Reader) -> Any:
        raise NotImplementedError

    def schema(self, fmt: int) -> dict[str, Any]:
        raise NotImplementedError

    def wrong(self, value: Value, key: str, reader: Reader, hint: str = "") -> Any:
        reader.problem(value.line, f"'{key}' must be {self.expected}, found {describe(value)}"
                       f"{hint}")
        return INVALID


@dataclass(frozen=True)
class Text(FieldType):
    max_length: int = MAX_TEXT
    expected: str = "text"

    def read(self, value: Value, key: str, reader: Reader) -> Any:
        if not _is_text(value):
            hint = " (put it in quotes)" if isinstance(value, Scalar) else ""
            return self.wrong(value, key, reader, hint)
        assert isinstance(value, Scalar)
        if not _NOT_BLANK.search(value.text):
            reader.problem(value.line, f"'{key}' must not be empty")
            return INVALID
        if len(value.text) > self.max_length:
            reader.problem(value.line, f"'{key}' is longer than {self.max_length:,} characters")
            return INVALID
        return visible(value.text)

    def schema(self, fmt: int) -> dict[str, Any]:
        return {"type": "string", "pattern": NOT_BLANK_PATTERN, "maxLength": self.max_length}


@dataclass(frozen=True)
class Ident(FieldType):
    """A kebab-case id; ``reserved`` words mean something else where it is used."""

    reserved: tuple[str, ...] = ()
    # For a choice: an id of digits alone would read like its place in the list.
    not_a_number: bool = False
    expected: str = "a kebab-case id such as 'icloud-storage'"

    def read(self, value: Value, key: str, reader: Reader) -> Any:
        if not _is_text(value):
            return self.wrong(value, key, reader)
        assert isinstance(value, Scalar)
        text = value.text
        if len(text) > MAX_ID or not _ID.match(text):
            reader.problem(value.line, f"'{key}' must be a kebab-case id (lower-case letters, "
                           f"digits and single hyphens, such as 'icloud-storage'), found "
                           f"{shorten(text)!r}")
            return INVALID
        if text in self.reserved:
            reader.problem(value.line, f"'{key}' cannot be '{text}': it is reserved for "
                           f"the keys every question has (s and skip for \"not sure\", h "
                           f"for help, b and back to go back a question)")
            return INVALID
        if self.not_a_number and text.isdigit():
            reader.problem(value.line, f"'{key}' cannot be a number alone ('{text}'): a typed "
                           f"number picks a choice by its place in the list; use a word, "
                           f"such as 'one-bar'")
            return INVALID
        return text

    def schema(self, fmt: int) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "pattern": ID_PATTERN, "maxLength": MAX_ID}
        refused: list[dict[str, Any]] = []
        if self.reserved:
            refused.append({"enum": list(self.reserved)})
        if self.not_a_number:
            refused.append({"pattern": "^[0-9]+(?![\\s\\S])"})
        if refused:
            schema["not"] = refused[0] if len(refused) == 1 else {"anyOf": refused}
        return schema


@dataclass(frozen=True)
class WholeNumber(FieldType):
    choices: tuple[int, ...]
    expected: str = "a whole number"

    def read(self, value: Value, key: str, reader: Reader) -> Any:
        if not isinstance(value, Scalar) or value.kind not in ("int", "float"):
            return self.wrong(value, key, reader)
        number = _yaml_number(value)
        if number is None or number != int(number):
            return self.wrong(value, key, reader)
        if number not in self.choices:
            accepted = " or ".join(str(c) for c in self.choices)
            reader.problem(value.line, f"'{key}' {shorten(value.text)} is not supported; this "
                           f"icloud-fix reads {key} {accepted}")
            return INVALID
        return int(number)

    def schema(self, fmt: int) -> dict[str, Any]:
        return {"type": "integer", "enum": list(self.choices)}


@dataclass(frozen=True)
class TextOrNumber(FieldType):
    expected: str = "text or a number"

    def read(self, value: Value, key: str, reader: Reader) -> Any:
        if isinstance(value, Scalar) and value.kind in ("str", "int", "float"):
            return value.text
        return self.wrong(value, key, reader)

    def schema(self, fmt: int) -> dict[str, Any]:
        return {"type": ["string", "number"]}


@dataclass(frozen=True)
class Number(FieldType):
    """A finite number above 0 and at most ``maximum``."""

    maximum: float
    expected: str = "a number above 0"

    def read(self, value: Value, key: str, reader: Reader) -> Any:
        if not isinstance(value, Scalar) or value.kind not in ("int", "float"):
            return self.wrong(value, key, reader)
        number = _yaml_number(value)
        if number is None:
            return self.wrong(value, key, reader)
        if not 0 < number <= self.maximum:
            reader.problem(value.line, f"'{key}' must be a number above 0 and at most "
                           f"{self.maximum:g}, found {shorten(value.text)}")
            return INVALID
        return float(number)

    def schema(self, fmt: int) -> dict[str, Any]:
        return {"type": "number", "exclusiveMinimum": 0, "maximum": self.maximum}


@dataclass(frozen=True)
class Flag(FieldType):
    expected: str = "true or false"

    def read(self, value: Value, key: str, reader: Reader) -> Any:
        if isinstance(value, Scalar) and value.kind == "bool":
            word = value.text.lower()
            if word in ("true", "yes", "on"):
                return True
            if word in ("false", "no", "off"):
                return False
        return self.wrong(value, key, reader)

    def schema(self, fmt: int) -> dict[str, Any]:
        return {"type": "boolean"}


def _case_blind(word: str) -> str:
    """A regex for word in any case, without inline flags (which ECMA-262 lacks)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


@dataclass(frozen=True)
class Word(FieldType):
    """One word of a fixed table (yes/no, a kind, a reading), in any case when
    ``any_case``; YAML 1.1 tools read bare yes/no as booleans, so those count too."""

    words: tuple[str, ...]
    any_case: bool = False
    booleans: bool = False
    meaning: Callable[[str], Any] = field(default=lambda word: word)
    said: str = ""  # how messages name the words, when not as a list

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.said or " or ".join(", ".join(self.words).rsplit(", ", 1))

    def read(self, value: Value, key: str, reader: Reader) -> Any:
        kinds = ("str", "bool") if self.booleans else ("str",)
        if isinstance(value, Scalar) and value.kind in kinds:
            word = value.text.lower() if self.any_case else value.text
            if word in self.words:
                return self.meaning(word)
            found = repr(shorten(value.text))
            hint = reader.did_you_mean(value.text, list(self.words))
        else:
            found, hint = describe(value), ""
        reader.problem(value.line, f"'{key}' must be {self.expected}, found {found}{hint}")
        return INVALID

    def schema(self, fmt: int) -> dict[str, Any]:
        if not self.any_case:
            return {"enum": list(self.words)}
        pattern = "^(" + "|".join(_case_blind(w) for w in self.words) + ")(?![\\s\\S])"
        text = {"type": "string", "pattern": pattern}
        return {"anyOf": [{"type": "boolean"}, text]} if self.booleans else text


@dataclass(frozen=True)
class ListOf(FieldType):
    item: FieldType
    min_items: int = 1

    expected = "a list"

    def read(self, value: Value, key: str, reader: Reader) -> Any:
        if not isinstance(value, Sequence):
            return self.wrong(value, key, reader)
        if len(value.items) < self.min_items:
            entries = "entry" if self.min_items == 1 else "entries"
            reader.problem(value.line, f"'{key}' must list at least {self.min_items} {entries}")
        return [self.item.read(item, key, reader) for item in value.items]

    def schema(self, fmt: int) -> dict[str, Any]:
        return {"type": "array", "minItems": self.min_items, "items": self.item.schema(fmt)}


@dataclass(frozen=True)
class AnyOf(FieldType):
    """The first of several types a value fits (an answer word, a choice id, a list)."""

    options: tuple[FieldType, ...]
    expected: str = "a value"

    def read(self, value: Value, key: str, reader: Reader) -> Any:
        for option in self.options:
            trial = Reader(reader.source, reader.format)
            result = option.read(value, key, trial)
            if not trial.problems:
                return result
        return self.wrong(value, key, reader)

    def schema(self, fmt: int) -> dict[str, Any]:
        return {"anyOf": [option.schema(fmt) for option in self.options]}


@dataclass(frozen=True)
class Conditions(FieldType):
    """A mapping of earlier question ids to the answers that make a question asked."""

    value_type: FieldType
    expected: str = "a mapping of earlier question ids to answers"
    must: str = "map earlier question ids to answers"
    example: str = "{on-cellular: yes}"

    def read(self, value: Value, key: str, reader: Reader) -> Any:
        if not isinstance(value, Mapping) or not value.entries:
            found = "an empty mapping" if isinstance(value, Mapping) else describe(value)
            reader.problem(value.line, f"'{key}' must {self.must}, such as "
                           f"{self.example}; found {found}")
            return INVALID
        read: list[tuple[str, int, Any, Value]] = []
        for name, entry in value.entries.items():
            if len(name) > MAX_ID or not _ID.match(name):
                why = (f"longer than any question id ({MAX_ID} characters at most)"
                       if _ID.match(name) else "not a question id (kebab-case)")
                reader.problem(entry.key_line, f"'{key}' names {shorten(name)!r}, which is "
                               f"{why}")
                continue
            answer = self.value_type.read(entry.value, name, reader)
            if answer is not INVALID:
                read.append((name, entry.key_line, answer, entry.value))
        return read

    def schema(self, fmt: int) -> dict[str, Any]:
        # The names are question ids, with an id's limits (as Ident has them).
        return {"type": "object", "minProperties": 1,
                "propertyNames": {"pattern": ID_PATTERN, "maxLength": MAX_ID},
                "additionalProperties": self.value_type.schema(fmt)}


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    doc: str
    required: bool = False
    since: int = 1  # the first format version that has this key


# -- cross-field rules ----------------------------------------------------------------


class Condition:
    def holds(self, values: dict[str, Any]) -> bool:
        raise NotImplementedError

    def names(self) -> set[str]:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class Is(Condition):
    """The key is given, with one of these values."""

    key: str
    values: tuple[Any, ...]

    def holds(self, values: dict[str, Any]) -> bool:
        return self.key in values and values[self.key] in self.values

    def names(self) -> set[str]:
        return {self.key}

    def schema(self) -> dict[str, Any]:
        return {"required": [self.key], "properties": {self.key: {"enum": list(self.values)}}}


@dataclass(frozen=True)
class Given(Condition):
    """The key is given, whatever its value."""

    key: str

    def holds(self, values: dict[str, Any]) -> bool:
        return self.key in values

    def names(self) -> set[str]:
        return {self.key}

    def schema(self) -> dict[str, Any]:
        return {"required": [self.key]}


@dataclass(frozen=True)
class Not(Condition):
    inner: Condition

    def holds(self, values: dict[str, Any]) -> bool:
        return not self.inner.holds(values)

    def names(self) -> set[str]:
        return self.inner.names()

    def schema(self) -> dict[str, Any]:
        return {"not": self.inner.schema()}


@dataclass(frozen=True)
class All(Condition):
    parts: tuple[Condition, ...]

    def holds(self, values: dict[str, Any]) -> bool:
        return all(part.holds(values) for part in self.parts)

    def names(self) -> set[str]:
        return set().union(*(part.names() for part in self.parts))

    def schema(self) -> dict[str, Any]:
        return {"allOf": [part.schema() for part in self.parts]}


@dataclass(frozen=True)
class Rule:
    """While ``when`` holds, these keys are needed and those are not allowed.

    ``why`` finishes "question 'x' ...": "is informational", "is a choice question".
    ``alternative``, when given, is said after a missing key ("or 'informational: true'").
    """

    when: Condition
    why: str
    requires: tuple[str, ...] = ()
    forbids: tuple[str, ...] = ()
    alternative: str = ""

    def check(self, values: dict[str, Any], given: dict[str, Any], name: str, line: int,
              key_lines: dict[str, int], reader: Reader) -> None:
        for key in self.forbids:
            if key in given:
                reader.problem(key_lines[key], f"{name} {self.why}, so it cannot have '{key}'")
        missing = [key for key in self.requires if key not in given]
        if missing:
            keys = " and ".join(f"'{key}'" for key in missing)
            why = f" {self.why}, so it" if self.why else ""
            reader.problem(line, f"{name}{why} needs {keys}{self.alternative}")

    def schema(self) -> dict[str, Any]:
        then: dict[str, Any] = {}
        if self.requires:
            then["required"] = list(self.requires)
        if self.forbids:
            then["properties"] = dict.fromkeys(self.forbids, False)
        return {"if": self.when.schema(), "then": then}


@dataclass
class Fields:
    """A mapping read against an ObjectType: its good values, and where each key was."""

    line: int
    values: dict[str, Any]
    key_lines: dict[str, int]
    nodes: dict[str, Value]


@dataclass(frozen=True)
class ObjectType(FieldType):
    """A mapping with known keys (each a Field) and the rules between them."""

    what: str  # "a question", "the flow"
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = ()
    # How the object is named in a rule's message, from its values: "question 'x'".
    naming: Callable[[dict[str, Any]], str] | None = None
    # Keys other mappings have and this one cannot, with why: said instead of "unknown".
    not_here: tuple[tuple[str, str], ...] = ()

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a mapping of keys"

    def read(self, value: Value, key: str, reader: Reader) -> Any:
        if not isinstance(value, Mapping):
            reader.problem(value.line, f"{self.what} must be a mapping of keys, found "
                           f"{describe(value)}")
            return INVALID
        fmt = reader.format
        known, why_not, rule_keys = self._lookups
        names = self._names(fmt)
        values: dict[str, Any] = {}
        given: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        nodes: dict[str, Value] = {}
        refused: set[str] = set()  # given, but not in a file of this format
        for name, entry in value.entries.items():
            spec = known.get(name)
            if spec is None and name in why_not:
                reader.problem(entry.key_line, f"{self.what} cannot have '{name}': "
                               f"{why_not[name]}")
                continue
            if spec is None:
                reader.problem(entry.key_line, f"unknown key '{shorten(name)}' in {self.what}"
                               f"{reader.did_you_mean(name, names)}; accepted keys: "
                               f"{', '.join(names)}")
                continue
            if fmt is not None and spec.since > fmt:
                reader.problem(entry.key_line, f"'{name}' in {self.what} needs 'format: "
                               f"{spec.since}' (this file says format {fmt})")
                refused.add(name)
                continue
            given[name] = entry.value
            key_lines[name] = entry.key_line
            nodes[name] = entry.value
            read = spec.type.read(entry.value, name, reader)
            if read is not INVALID:
                values[name] = read
        for required in self._required:
            if required not in value.entries:
                reader.problem(value.line, f"{self.what} is missing the required key "
                               f"'{required}'")
        name = self.naming(values) if self.naming else self.what
        # A rule about a key whose value was wrong, or that this format does not have,
        # would only repeat that problem.
        unusable = refused.union(given.keys() - values.keys())
        for rule, keys in zip(self.rules, rule_keys, strict=True):
            if unusable and not unusable.isdisjoint(keys):
                continue
            if rule.when.holds(values):
                rule.check(values, given, name, value.line, key_lines, reader)
        return Fields(value.line, values, key_lines, nodes)

    # Worked out once per type, not once per mapping read: a flow has thousands.
    @cached_property
    def _lookups(self) -> tuple[dict[str, Field], dict[str, str], tuple[set[str], ...]]:
        return ({f.name: f for f in self.fields}, dict(self.not_here),
                tuple(rule.when.names() for rule in self.rules))

    @cached_property
    def _required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @cached_property
    def _names_in(self) -> dict[int | None, list[str]]:
        return {}

    def _names(self, fmt: int | None) -> list[str]:
        """The keys a file of this format may use, in declaration order."""
        names = self._names_in.get(fmt)
        if names is None:
            names = self._names_in[fmt] = [f.name for f in self.fields
                                           if fmt is None or f.since <= fmt]
        return names

    def schema(self, fmt: int) -> dict[str, Any]:
        fields = [f for f in self.fields if f.since <= fmt]
        schema: dict[str, Any] = {
            "type": "object",
            "additionalProperties": False,
            "required": [f.name for f in fields if f.required],
            "properties": {f.name: {"description": f.doc, **f.type.schema(fmt)}
                           for f in fields},
        }
        if self.rules:
            schema["allOf"] = [rule.schema() for rule in self.rules]
        return schema


@dataclass(frozen=True)
class Ref(FieldType):
    """An ObjectType published once under $defs and referred to by name."""

    name: str
    target: Callable[[], ObjectType]

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a mapping of keys"

    def read(self, value: Value, key: str, reader: Reader) -> Any:
        return self.target().read(value, key, reader)

    def schema(self, fmt: int) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{self.name}-{fmt}"}
