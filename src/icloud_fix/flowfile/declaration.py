"""The one declaration of the flow file format.

Every key, its type, its limits and the rules between keys are declared here once,
from the blocks in ``fields.py`` and the keys each question kind adds
(``icloud_fix.kinds``). The loader reads files with these declarations, and
``json_schema()`` turns the same declarations into the JSON Schema published as
``steps/flow.schema.json``; a test keeps the published file equal to it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from icloud_fix import kinds
from icloud_fix.flowfile.fields import (
    AnyOf,
    Condition,
    Conditions,
    Field,
    Flag,
    Ident,
    Is,
    ListOf,
    Not,
    ObjectType,
    Ref,
    Rule,
    Text,
    TextOrNumber,
    WholeNumber,
    Word,
)
from icloud_fix.kinds.yes_no import flow_answer

SUPPORTED_FORMATS = (1, 2)
LATEST_FORMAT = SUPPORTED_FORMATS[-1]


def _question_name(values: dict[str, Any]) -> str:
    return f"question '{values['id']}'" if "id" in values else "this question"


def _is_kind(name: str) -> Condition:
    others = tuple(k for k in kinds.KINDS if k != kinds.DEFAULT)
    if name == kinds.DEFAULT:  # no kind key means the default
        return Not(Is("kind", others))
    return Is("kind", (name,))


# A condition's value: yes/no for a yes/no question, a choice id or a list of them
# (any of these) for a choice question. Which one fits is checked against the
# question it names, by the loader.
_CONDITION = Conditions(
    AnyOf((Ident(), flow_answer(), ListOf(Ident())),
          expected="yes, no, a choice id or a list of choice ids"))
_INFORMATIONAL = Is("informational", (True,))


def _question(triage: bool) -> ObjectType:
    common = [
        Field("id", Ident(), "Kebab-case id, unique in the flow; the key for --answer "
              "ID=VALUE.", required=True),
        Field("prompt", Text(), "The question, in words anyone can answer.", required=True),
        Field("help", Text(), "More detail, shown when the person asks for help."),
        Field("kind", Word(tuple(kinds.KINDS)), "What kind of question: "
              + "; ".join(f"{k.name}, {k.doc}" for k in kinds.KINDS.values()) + ".",
              since=2),
    ]
    if not triage:
        common += [
            Field("informational", Flag(), "true for a question that only sets up "
                  "conditions or routes the session, and never fails."),
            Field("remediation", Text(), "Markdown: the numbered steps that fix a failing "
                  "answer."),
            Field("verify", Text(), "Markdown: how to tell the fix worked, and how long to "
                  "wait before asking whether it did.", since=2),
        ]
    common.append(Field("when", _CONDITION, "Ask only when earlier questions got these "
                        "answers, e.g. {on-cellular: yes} or {photos-status: [low-power, "
                        "low-battery]} (any of these)."))
    own: list[Field] = []
    left_out: list[str] = [] if not triage else ["informational", "remediation", "verify"]
    for kind in kinds.KINDS.values():
        # Triage questions neither pass nor fail: no passing answers there.
        own += [f for f in kind.fields() if not (triage and f.name.startswith("pass_"))]
        left_out += [f.name for f in kind.fields() if triage and f.name.startswith("pass_")]
    fields = tuple(common + own)
    present = {f.name for f in fields}
    not_here = tuple((name, "triage questions neither pass nor fail, so they have no "
                      "pass_answer, pass_choices, remediation or informational")
                     for name in left_out)
    rules: list[Rule] = []
    if not triage:
        rules.append(Rule(_INFORMATIONAL, "is informational",
                          forbids=(*(f.name for f in fields if f.name.startswith("pass_")),
                                   *(k for k in ("remediation", "verify") if k in present))))
    for kind in kinds.KINDS.values():
        mine = {f.name for f in kind.fields()} & present
        for other in kinds.KINDS.values():
            if other is not kind and mine:
                default = " (the default)" if other.name == kinds.DEFAULT else ""
                rules.append(Rule(_is_kind(other.name), f"is a {other.name} question{default}",
                                  forbids=tuple(sorted(mine))))
        for rule in kind.rules(_is_kind(kind.name), _INFORMATIONAL):
            if set(rule.requires) <= present:
                rules.append(rule)
    what = "a triage question" if triage else "a question"
    return ObjectType(what, fields, tuple(rules), naming=_question_name, not_here=not_here)


QUESTION = _question(triage=False)
TRIAGE_QUESTION = _question(triage=True)

CHECK = ObjectType("a check", (
    Field("id", Ident(), "Kebab-case id, unique in the flow; used by scripts and reports.",
          required=True),
    Field("title", Text(max_length=200), "Short name of the check, e.g. 'iCloud storage'.",
          required=True),
    Field("questions", ListOf(Ref("question", lambda: QUESTION)), "The questions of this "
          "check, in order.", required=True),
))

FLOW = ObjectType("the flow", (
    Field("format", WholeNumber(SUPPORTED_FORMATS), "Version of this file format: 1, or 2 "
          "for triage and choice questions.", required=True),
    Field("id", Ident(), "Short kebab-case name of the flow, e.g. icloud-photos.",
          required=True),
    Field("title", Text(max_length=200), "What the flow troubleshoots, shown at the top of "
          "every run.", required=True),
    Field("version", TextOrNumber(), "Version of the flow's content, e.g. 2026.11.",
          required=True),
    Field("description", Text(), "One or two sentences shown before the first check."),
    Field("checked_against", Text(max_length=500), "Which versions (of iOS, of the product) "
          "the wording of this flow was checked against.", since=2),
    Field("after_fix_question", Text(max_length=500), "Asked after a fix is shown, e.g. "
          "'Do your photos sync now?'. A yes ends the session."),
    Field("escalation", Text(), "Markdown shown when every check passed: where to get help "
          "next."),
    Field("service_status", ListOf(Text(max_length=200)), "Services on Apple's System "
          "Status page that matter to this flow, e.g. Photos; an ongoing outage of one is "
          "shown before the checks."),
    Field("triage", ListOf(Ref("triage-question", lambda: TRIAGE_QUESTION)), "Questions "
          "asked before the first check, belonging to none: they never pass or fail, and a "
          "choice may send the session to a check first.", since=2),
    Field("checks", ListOf(Ref("check", lambda: CHECK)), "The checks, in the order they "
          "are run.", required=True),
))

_DEFS = {"check": CHECK, "question": QUESTION, "triage-question": TRIAGE_QUESTION}


@cache
def json_schema() -> dict[str, Any]:
    """The flow format as a JSON Schema (draft 2020-12), one variant per format version."""
    defs: dict[str, Any] = {}
    for fmt in SUPPORTED_FORMATS:
        defs[f"flow-{fmt}"] = FLOW.schema(fmt)
        for name, spec in _DEFS.items():
            if name == "triage-question" and fmt < 2:
                continue
            defs[f"{name}-{fmt}"] = spec.schema(fmt)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "icloud-fix flow file",
        "description": "A troubleshooting flow for icloud-fix. Beyond this schema, "
        "`icloud-fix validate` also checks references: ids unique in the flow, conditions "
        "that name earlier questions with answers they can get, pass_choices and "
        "choice checks that exist.",
        "type": "object",
        "required": ["format"],
        "properties": {"format": FLOW.fields[0].type.schema(LATEST_FORMAT)},
        "allOf": [
            {"if": {"required": ["format"], "properties": {"format": {"const": fmt}}},
             "then": {"$ref": f"#/$defs/flow-{fmt}"}}
            for fmt in SUPPORTED_FORMATS
        ],
        "$defs": defs,
    }
