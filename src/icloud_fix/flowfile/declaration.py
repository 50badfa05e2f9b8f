"""The one definition of the flow file format.

The loader checks flow files against these tables, and ``json_schema()`` turns the
same tables into the JSON Schema published as ``steps/flow.schema.json`` for
editor completion. A test keeps the published file equal to ``json_schema()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SUPPORTED_FORMATS = (1,)
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_TEXT = 20_000


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool
    doc: str


FLOW_FIELDS = (
    Field("format", "format", True, "Version of this file format. Always 1 for now."),
    Field("id", "id", True, "Short kebab-case name of the flow, e.g. icloud-photos."),
    Field("title", "text", True, "What the flow troubleshoots, shown at the top of every run."),
    Field("version", "version", True, "Version of the flow's content, e.g. 2026.11."),
    Field("description", "text", False, "One or two sentences shown before the first check."),
    Field(
        "after_fix_question",
        "text",
        False,
        "Asked after a fix is shown, e.g. 'Do your photos sync now?'. A yes ends the session.",
    ),
    Field(
        "escalation",
        "text",
        False,
        "Markdown shown when every check passed: where to get help next.",
    ),
    Field(
        "service_status",
        "names",
        False,
        "Services on Apple's System Status page that matter to this flow, e.g. Photos; "
        "an ongoing outage of one is shown before the first check.",
    ),
    Field("checks", "checks", True, "The checks, in the order they are run."),
)

CHECK_FIELDS = (
    Field("id", "id", True, "Kebab-case id, unique in the flow; used by scripts and reports."),
    Field("title", "text", True, "Short name of the check, e.g. 'iCloud storage'."),
    Field("questions", "questions", True, "The yes/no questions of this check, in order."),
)

QUESTION_FIELDS = (
    Field("id", "id", True, "Kebab-case id, unique in the flow; the key for --answer ID=VALUE."),
    Field("prompt", "text", True, "The yes/no question, in words anyone can answer."),
    Field("help", "text", False, "More detail, shown when the person asks for help."),
    Field("pass_answer", "answer", False, "The answer that means all is well: yes or no."),
    Field(
        "informational",
        "flag",
        False,
        "true for a question that only sets up conditions and never fails.",
    ),
    Field("remediation", "text", False, "Markdown: the numbered steps that fix a failing answer."),
    Field(
        "when",
        "when",
        False,
        "Ask only when earlier questions got these answers, e.g. {on-cellular: yes}.",
    ),
    Field(
        "suggest",
        "suggest",
        False,
        "Suggest the answer from a connected iPhone: {reading: free-space-gb, yes_below: 1} "
        "or {reading: ios-up-to-date | plugged-in, yes_when: true}.",
    ),
)

READINGS = ("ios-up-to-date", "plugged-in", "free-space-gb")
NUMERIC_READINGS = ("free-space-gb",)

SUGGEST_FIELDS = (
    Field("reading", "reading", True, "ios-up-to-date, plugged-in or free-space-gb."),
    Field("yes_below", "number", False, "For a number: the answer is yes below this."),
    Field("yes_when", "flag", False, "For a yes/no reading: the answer is yes when it is this."),
)

# yes/no in any case; YAML 1.1 tools read bare ones as booleans, YAML 1.2 ones as text.
_ANSWER: dict[str, Any] = {
    "anyOf": [
        {"type": "boolean"},
        {
            "type": "string",
            "pattern": "^([Yy][Ee][Ss]|[Nn][Oo]|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$",
        },
    ]
}


def _kind_schema(kind: str) -> dict[str, Any]:
    if kind == "format":
        return {"type": "integer", "enum": list(SUPPORTED_FORMATS)}
    if kind == "id":
        return {"type": "string", "pattern": ID_PATTERN, "maxLength": 100}
    if kind == "text":
        return {"type": "string", "pattern": "\\S", "maxLength": MAX_TEXT}
    if kind == "version":
        return {"type": ["string", "number"]}
    if kind == "answer":
        return dict(_ANSWER)
    if kind == "flag":
        return {"type": "boolean"}
    if kind == "when":
        return {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": ID_PATTERN},
            "additionalProperties": _ANSWER,
        }
    if kind == "names":
        return {"type": "array", "minItems": 1,
                "items": {"type": "string", "pattern": "\\S", "maxLength": 200}}
    if kind == "reading":
        return {"enum": list(READINGS)}
    if kind == "number":
        return {"type": "number", "exclusiveMinimum": 0}
    if kind == "suggest":
        return {
            **_object_schema(SUGGEST_FIELDS),
            "oneOf": [
                {"properties": {"reading": {"enum": list(NUMERIC_READINGS)}},
                 "required": ["yes_below"], "not": {"required": ["yes_when"]}},
                {"properties": {"reading": {"not": {"enum": list(NUMERIC_READINGS)}}},
                 "required": ["yes_when"], "not": {"required": ["yes_below"]}},
            ],
        }
    if kind == "checks":
        return {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/check"}}
    if kind == "questions":
        return {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/question"}}
    raise ValueError(kind)


def _object_schema(fields: tuple[Field, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in fields if f.required],
        "properties": {f.name: {"description": f.doc, **_kind_schema(f.kind)} for f in fields},
    }


def json_schema() -> dict[str, Any]:
    """The flow format as a JSON Schema (draft 2020-12)."""
    question = _object_schema(QUESTION_FIELDS)
    # A question either passes or fails on an answer and then has a fix, or is
    # informational and has neither.
    question["oneOf"] = [
        {
            "required": ["pass_answer", "remediation"],
            "properties": {"informational": {"const": False}},
        },
        {
            "required": ["informational"],
            "properties": {"informational": {"const": True}, "pass_answer": False,
                           "remediation": False},
        },
    ]
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "icloud-fix flow file",
        **_object_schema(FLOW_FIELDS),
        "$defs": {"check": _object_schema(CHECK_FIELDS), "question": question},
    }
    return schema
