"""The loader and the published JSON Schema accept and refuse the same flows.

Hypothesis writes valid flows of both formats (``helpers.flows``), checks that both
accept them, then breaks their shape at random (a key dropped, added or of the wrong
type, text or ids over their limits, rules between keys broken) and checks that the
loader and ``jsonschema`` still agree. References between parts of a flow stay intact
through every mutation, so only what both can judge varies: a mutation that makes a
reference wrong also makes the shape wrong.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from helpers import CHOICE_IDS, flows, suggestions, texts
from icloud_fix.errors import InputFileError
from icloud_fix.flowfile.declaration import FLOW, json_schema
from icloud_fix.flowfile.fields import (
    Conditions,
    Field,
    Flag,
    Ident,
    ListOf,
    Number,
    ObjectType,
    Ref,
    Text,
    TextOrNumber,
    WholeNumber,
    Word,
)
from icloud_fix.flowfile.loader import load_text
from icloud_fix.kinds import KINDS
from icloud_fix.probes.readings import READINGS

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
VALIDATOR = Draft202012Validator(json_schema())
MAX_TEXT, MAX_ID = 20_000, 100
CHANGES = 3  # separate mutations of each generated flow

any_flow = st.sampled_from([1, 2]).flatmap(lambda fmt: flows(fmt=fmt, rich=True))


def verdicts(document: Any) -> tuple[list[str], list[str], str]:
    """The loader's problems, the schema's errors and the YAML both were given."""
    # Through JSON: no value the schema could not see, and no object written twice
    # (yaml.safe_dump would make that an alias, which only the loader refuses).
    data = json.loads(json.dumps(document, allow_nan=False))
    text = yaml.safe_dump(data)
    assert yaml.safe_load(text) == data
    try:
        load_text(text, "generated.yaml")
        problems: list[str] = []
    except InputFileError as exc:
        problems = [str(p) for p in exc.problems]
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"[:300]
              for e in VALIDATOR.iter_errors(data)]
    return problems, errors, text


@settings(SETTINGS, max_examples=80)
@given(any_flow)
def test_generated_flows_are_valid_for_both(document: dict[str, Any]) -> None:
    problems, errors, text = verdicts(document)
    assert (problems, errors) == ([], []), text


# -- mutations: what each kind of value may be replaced with --------------------------


def _not_an_id(text: str) -> bool:
    return re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", text) is None or len(text) > MAX_ID


NOT_OBJECTS = [None, "text", 1, 1.5, True, [], ["x"]]
NOT_LISTS = [None, "text", 1, True, {}, {"a": 1}]
BAD_IDS = st.one_of(
    st.sampled_from([None, 3, 1.5, True, [], {}, "", "Q-One", "q one", "q-one\n", "\nq-one",
                     "-q", "q-", "q--one", "q_one", "é", "a" * (MAX_ID + 1), "q-one ",
                     ["q-one"]]),
    st.text(max_size=12).filter(_not_an_id),
)


def bad_texts(limit: int) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from([None, 0, 1.5, True, False, [], {}, ["x"], "", " ", "\n\t ",
                         "\u2003", "x" * (limit + 1), " " * (limit + 1)]),
        # Blank to one regex dialect and not another, or invisible: whitespace and
        # format characters, alone or with one that shows.
        st.lists(st.sampled_from(UNICODE_BLANKS), min_size=1, max_size=4).map("".join),
        st.lists(st.sampled_from(UNICODE_BLANKS), min_size=1, max_size=3).map(
            lambda blanks: "".join(blanks) + "x"))


UNICODE_BLANKS = ["\ufeff", "\x1c", "\x1f", "\x85", "\xa0", "\u200b", "\u200d", "\u2028",
                  "\u202e", "\u2066", "\u3000", "\u180e", "\x00", "\x7f", "\u00ad", "\u061c",
                  "\U000e0041", "\U0001d173", "\v", "\f"]


def texts_of(limit: int) -> st.SearchStrategy[Any]:
    """Text of any shape, valid or not, up to and over its limit."""
    return st.one_of(bad_texts(limit), texts, st.text(max_size=6),
                     st.sampled_from(["x" * limit, "yes", "12", "null", "Ünïcödé ✓",
                                      "line\nbreak", "\x00\x1b[31m", "\u2028"]))


ANSWERS = st.sampled_from(["yes", "no", True, False, "YES", "True", "fAlSe", "y", "n", "on",
                           "off", "maybe", "", None, 1, 0, [], {}, "yes ", "skip", ["yes"]])
NUMBERS = st.one_of(
    st.sampled_from([1, 0.001, 100_000, 100_000.0, 5e-324, 99_999.9, 0, 0.0, -0.0, -1,
                     -1e-9, 100_000.00000001, 100_001, 10**30, 1e300, True, False, "5",
                     None, [], {}]),
    st.floats(allow_nan=False, allow_infinity=False), st.integers(),
)
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "ident": BAD_IDS,  # named elsewhere: a valid other id would break a reference
    "flow-id": st.one_of(BAD_IDS, st.sampled_from(["a" * MAX_ID, "x-1", "2026"])),
    "choice-id": st.one_of(BAD_IDS, st.just("skip")),
    "flag": st.sampled_from([True, False, None, 0, 1, "true", "yes", "True", [], {}]),
    "number": NUMBERS,
    "format": st.sampled_from([1, 2, 1.0, 2.0, 0, 3, -1, 1.5, "1", "2", True, False, None,
                               [1], 10**20, 2.0000001]),
    "version": st.one_of(st.sampled_from(["1", "", " ", 0, -5, 1.5, 10**30, "2026.11",
                                          None, True, False, [], {}, ["1"]]),
                         st.floats(allow_nan=False, allow_infinity=False)),
    "when": st.sampled_from([None, "yes", True, 1, [], {}, ["q-0"], [{"q-0": "yes"}]]),
    # Conditions on a yes/no question: any answer word, or nothing an answer could be.
    "when-yes-no": st.sampled_from(["yes", "no", True, False, "YES", "fAlSe", "y", "n",
                                    None, 1, 0, 1.5, [], {}, "", "Bad Id", "yes ", "q-0\n",
                                    ["Bad"], [1], [None], {"yes": "no"}]),
    "id-list": st.sampled_from([[], "one", None, 1, [1], ["Bad Id"], [[]], [None], {},
                                ["a" * (MAX_ID + 1)], ["wifi\n"]]),
    "text-list": st.sampled_from([[], [""], [" "], ["x" * 201], ["x" * 200], ["Photos"],
                                  "Photos", [1], [None], None, {}]),
    "choice-list": st.sampled_from([[], "x", None, 1, {}, [1, 2], ["a", "b"], [None, None]]),
    "object-list": st.sampled_from([[], "x", None, 1, {}, [1], [None], [[]]]),
}


# -- what each key holds: read from the format's one declaration ------------------------
# So a key added to the declaration (or by a new question kind) is mutated as soon as it
# exists, and a new type of value fails here until it has mutations of its own.

# Keys whose values mean more than their type: the flow's id is named nowhere (any id
# will do), and a choice id must also not be a reserved word.
SPECIAL = {("flow", "id"): "flow-id", ("choice", "id"): "choice-id"}
# What each kind of mapping holds, key by key; and what each kind of list holds.
FIELDS: dict[str, dict[str, str]] = {}
ITEMS: dict[str, str] = {}


def _mapping_name(what: str) -> str:
    """ "a triage question" -> "triage-question", "'suggest'" -> "suggest"."""
    words = what.strip("'").split()
    return "-".join(words[1:] if words[0] in ("a", "an", "the") else words)


def _words(word: Word) -> st.SearchStrategy[Any]:
    first = word.words[0]
    if word.booleans:  # yes and no, as YAML booleans too
        return ANSWERS
    return st.sampled_from([*word.words, first.upper(), first.title(), first + " ",
                            first.replace("-", "_") + "_", "", None, 1, 1.5, True, False,
                            [], {}, [first]])


def _holds(owner: str, field: Field) -> str:
    """The name of what a key holds, in FIELDS, ITEMS and VALUES."""
    if (owner, field.name) in SPECIAL:
        return SPECIAL[(owner, field.name)]
    return _of_type(field.type)


def _of_type(kind: Any) -> str:
    if isinstance(kind, Ref):
        return _mapping(kind.name, kind.target())
    if isinstance(kind, ObjectType):
        return _mapping(_mapping_name(kind.what), kind)
    if isinstance(kind, ListOf):
        item = _of_type(kind.item)
        if item in FIELDS:
            ITEMS[f"{item}-list"] = item
            return f"{item}-list"
        return {"ident": "id-list"}.get(item, "text-list" if item.startswith("text") else "")
    if isinstance(kind, Text):
        name = "text" if kind.max_length == MAX_TEXT else f"text{kind.max_length}"
        VALUES.setdefault(name, texts_of(kind.max_length))
        return name
    if isinstance(kind, Word):
        name = "word:" + "|".join(kind.words)
        VALUES.setdefault(name, _words(kind))
        return name
    simple = {Ident: "ident", Flag: "flag", WholeNumber: "format", TextOrNumber: "version",
              Number: "number", Conditions: "when"}
    if type(kind) in simple:
        return simple[type(kind)]
    raise AssertionError(f"no mutations for a {type(kind).__name__} value: give "
                         "tests/test_format_agreement.py some before declaring one")


def _mapping(name: str, declared: ObjectType) -> str:
    if name not in FIELDS:
        FIELDS[name] = {}  # first, so a mapping that holds itself ends
        FIELDS[name] = {f.name: _holds(name, f) for f in declared.fields}
    return name


_mapping("flow", FLOW)
UNKNOWN_KEYS = ["x", "promt", "Kind", "pass-answer", "yes_below ", "", "ID", "kind\n"]
ADDABLE = sorted({k for fields in FIELDS.values() for k in fields} - {"id", "when"})


def test_every_declared_key_is_mutated() -> None:
    """Every key of every mapping the format declares, the keys of every question kind
    and reading included, has values to be replaced with."""
    keys = {(owner, key) for owner, fields in FIELDS.items() for key in fields}
    assert {("flow", "checked_against"), ("question", "verify"), ("choice", "answers"),
            ("triage-question", "kind"), ("suggest", "reading")} <= keys
    for owner, fields in FIELDS.items():
        for key, holds in fields.items():
            assert holds in VALUES or holds in FIELDS or holds in ITEMS, (owner, key, holds)


def added(key: str, draw: st.DrawFn, check_ids: list[str], choice_ids: list[str]) -> Any:
    """A well-formed value for key, as some kind of mapping would hold it."""
    made: dict[str, Any] = {
        "informational": draw(st.booleans()),
        "pass_answer": "yes",
        "kind": draw(st.sampled_from(sorted(KINDS))),
        "choices": [{"id": "one", "label": "One"}, {"id": "two", "label": "Two"}],
        "pass_choices": choice_ids[:1] or ["one"],
        "suggest": draw(suggestions()),
        "reading": draw(st.sampled_from(sorted(READINGS))),
        "yes_below": 5,
        "yes_when": draw(st.booleans()),
        "unit": "GB",
        "pass_at_least": 2,
        "pass_at_most": 50,
        "check": check_ids[0],
        "service_status": ["Photos"],
        "triage": [{"id": "extra-triage", "prompt": "Anything else?"}],
        "questions": [{"id": "extra-question", "prompt": "Well?", "informational": True}],
        "checks": [{"id": "extra-check", "title": "Extra", "questions": [
            {"id": "extra-question", "prompt": "Well?", "informational": True}]}],
        "format": draw(st.sampled_from([1, 2])),
        "version": "1",
    }
    return made.get(key, "Added text.")


def sites(holder: dict[str, Any]) -> list[tuple[Any, Any, str]]:
    """Every (container, key, what it holds) in the flow, the flow itself included."""
    found: list[tuple[Any, Any, str]] = []
    choice_questions = set()

    def walk(container: Any, key: Any, what: str) -> None:
        found.append((container, key, what))
        value = container[key]
        if what in FIELDS and isinstance(value, dict):
            if what in ("question", "triage-question") and "choices" in value:
                choice_questions.add(value.get("id"))
            for name in value:
                if name in FIELDS[what]:
                    walk(value, name, FIELDS[what][name])
        elif what in ITEMS and isinstance(value, list):
            for index in range(len(value)):
                walk(value, index, ITEMS[what])
        elif what == "when" and isinstance(value, dict):
            for name in value:  # every question named is earlier, so already seen
                found.append((value, name, "when-choice" if name in choice_questions
                              else "when-yes-no"))

    walk(holder, "flow", "flow")
    return found


def mutate(holder: dict[str, Any], draw: st.DrawFn) -> str:
    """One random change to the shape of the flow; says what it did."""
    flow = holder["flow"]
    check_ids = [c["id"] for c in flow["checks"]]
    # First what to change (a question, a text, an id...), then which one: every kind
    # of value gets its turn, however many of each the flow has.
    found = sites(holder)
    what = draw(st.sampled_from(sorted({w for _, _, w in found})))
    container, key, _ = draw(st.sampled_from([s for s in found if s[2] == what]))
    value = container[key]
    if what in FIELDS:
        how = draw(st.sampled_from(["add", "drop", "add-unknown", "replace"]))
        droppable = [k for k in value if not (what == "flow" and k == "triage")]
        if how == "replace":
            container[key] = draw(st.sampled_from(NOT_OBJECTS))
        elif how == "drop" and droppable:
            name = draw(st.sampled_from(droppable))
            del value[name]
            return f"dropped {name!r} from {what} {value.get('id')!r}"
        elif how == "add":
            choice_ids = [c["id"] for c in value.get("choices", ()) if isinstance(c, dict)]
            name = draw(st.sampled_from([k for k in ADDABLE if k not in value] or ["x"]))
            value[name] = added(name, draw, check_ids, choice_ids)
            return f"added {name!r} to {what} {value.get('id')!r}"
        else:
            name = draw(st.sampled_from(UNKNOWN_KEYS))
            value.setdefault(name, "x")
            return f"added unknown key {name!r} to {what} {value.get('id')!r}"
    elif what in ITEMS:
        if what == "choice-list" and draw(st.booleans()):
            container[key] = value[:1]  # a single choice
        else:
            container[key] = draw(VALUES["object-list"] if what != "choice-list"
                                  else VALUES["choice-list"])
    elif what == "when":
        how = draw(st.sampled_from(["replace", "drop", "bad-key"]))
        if how == "replace":
            container[key] = draw(VALUES["when"])
        elif how == "drop":
            del value[draw(st.sampled_from(sorted(value)))]
        else:
            bad = draw(st.sampled_from(["Q-0", "q 0", "", "q-0\n", "a" * (MAX_ID + 1),
                                        "b" * 500]))
            value[bad] = "yes"
    elif what == "when-choice":
        question = next(q for q in all_questions(flow) if q["id"] == key)
        ids = [c["id"] for c in question["choices"]]
        container[key] = draw(st.one_of(
            st.sampled_from(ids), st.lists(st.sampled_from(ids), min_size=1, max_size=3),
            st.sampled_from([[], [""], ["Bad"], [1], [None], "", None, 1, 1.5, {}, [["a"]],
                             "Bad Id", ids[0] + "\n", [ids[0], "Bad"]])))
    else:
        container[key] = draw(VALUES[what])
    return f"{what} {key!r} set to {container[key]!r}"[:200]


def all_questions(flow: dict[str, Any]) -> list[dict[str, Any]]:
    return list(flow.get("triage", [])) + [q for c in flow["checks"] for q in c["questions"]]


@SETTINGS
@given(any_flow, st.data())
def test_loader_and_schema_agree_on_broken_flows(document: dict[str, Any],
                                                 data: st.DataObject) -> None:
    # One change to each copy of the flow: two could repair each other's shape and
    # leave a reference broken, which only the loader can see.
    for _ in range(CHANGES):
        holder = {"flow": json.loads(json.dumps(document))}  # a fresh copy, nothing shared
        done = mutate(holder, data.draw)
        problems, errors, text = verdicts(holder["flow"])
        assert bool(problems) == bool(errors), (
            f"{done}\nloader: {problems or 'accepts'}\nschema: {errors or 'accepts'}"
            f"\n{text[:3000]}")


def test_choice_ids_in_the_strategies_are_ids() -> None:
    assert not [i for i in CHOICE_IDS if _not_an_id(i)]
