"""The number question: a typed number (free space in GB, photos waiting), passing at
or above ``pass_at_least`` and at or below ``pass_at_most``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from icloud_fix.flow import KindSpec, Question
from icloud_fix.kinds.base import Asking, PlainKind, Style

if TYPE_CHECKING:
    from icloud_fix.flowfile.fields import Condition, Field, Rule

# Plain decimals only, of a length a person types: no sign, exponent, NaN or infinity.
_DECIMAL = re.compile(r"[0-9]{1,9}(\.[0-9]{1,6})?")
_LIMIT = 100_000  # the largest threshold a flow may write


@dataclass(frozen=True)
class NumberSpec(KindSpec):
    kind: ClassVar[str] = "number"
    unit: str = ""
    pass_at_least: float | None = None
    pass_at_most: float | None = None


def spec(question: Question) -> NumberSpec:
    assert isinstance(question.spec, NumberSpec), question.kind
    return question.spec


def _number(value: float) -> str:
    """2.0 as "2", 0.5 as "0.5"."""
    return f"{value:g}"


class NumberKind(PlainKind):
    name = "number"
    doc = "a number the person types, such as free space in GB"
    spec_type = NumberSpec

    def fields(self) -> tuple[Field, ...]:
        from icloud_fix.flowfile.fields import Field, Number, Text

        return (
            Field("unit", Text(max_length=20), "number: what the number counts, shown "
                  "after it, e.g. GB or photos.", since=2),
            Field("pass_at_least", Number(maximum=_LIMIT), "number: the answer passes at "
                  "this or more.", since=2),
            Field("pass_at_most", Number(maximum=_LIMIT), "number: the answer passes at "
                  "this or less.", since=2),
        )

    def rules(self, this_kind: Condition, informational: Condition) -> tuple[Rule, ...]:
        from icloud_fix.flowfile.fields import All, Given, Not, Rule

        judged = All((this_kind, Not(informational)))
        return (
            Rule(this_kind, "is a number question", requires=("unit",)),
            Rule(All((judged, Not(Given("pass_at_most")))), "",
                 requires=("pass_at_least",),
                 alternative=" or 'pass_at_most', or 'informational: true' if it only "
                 "sets up later questions"),
            Rule(judged, "", requires=("remediation",),
                 alternative=", or 'informational: true' if it only sets up later "
                 "questions"),
        )

    def build(self, values: dict[str, Any], informational: bool) -> NumberSpec:
        from icloud_fix.flowfile.fields import INVALID

        def bound(key: str) -> float | None:
            value = values.get(key)
            return None if informational or value is INVALID else value

        return NumberSpec(values.get("unit") or "", bound("pass_at_least"),
                          bound("pass_at_most"))

    def informational(self, question: Question) -> bool:
        s = spec(question)
        return s.pass_at_least is None and s.pass_at_most is None

    def asking(self, question: Question) -> Asking:
        unit = spec(question).unit
        return Asking(Style.TYPED, (), "a number such as 12 or 0.5 (digits and one point, "
                      "at most 9 digits before it and 6 after) or skip", "12",
                      f"a number, in {unit}" if unit else "a number")

    def pass_rule(self, question: Question) -> str | None:
        s = spec(question)
        unit = f" {s.unit}" if s.unit else ""
        if s.pass_at_least is not None and s.pass_at_most is not None:
            return (f"from {_number(s.pass_at_least)}{unit} to "
                    f"{_number(s.pass_at_most)}{unit}")
        if s.pass_at_least is not None:
            return f"at {_number(s.pass_at_least)}{unit} or more"
        if s.pass_at_most is not None:
            return f"at {_number(s.pass_at_most)}{unit} or less"
        return None

    def references(self, question: Question) -> list[str]:
        s = spec(question)
        if (s.pass_at_least is not None and s.pass_at_most is not None
                and s.pass_at_least > s.pass_at_most):
            return [f"'pass_at_least' is above 'pass_at_most' in question '{question.id}': "
                    "no answer could pass"]
        return []

    def condition(self, question: Question, wanted: Any) -> tuple[str, ...] | str:
        return f"'{question.id}' is a number question: no condition can name it"

    def parse(self, question: Question, word: str) -> str | None:
        word = word.strip()
        if _DECIMAL.fullmatch(word) is None:
            return None
        # One spelling per number ("02.50" is "2.5"), as saved and shown. (decimal is
        # imported here: a run without a number question never pays for it.)
        from decimal import Decimal

        return format(Decimal(word).normalize(), "f")

    def judge(self, question: Question, answer: str) -> bool | None:
        s = spec(question)
        value = float(answer)
        return ((s.pass_at_least is None or value >= s.pass_at_least)
                and (s.pass_at_most is None or value <= s.pass_at_most))

    def label(self, question: Question, answer: str) -> str:
        unit = spec(question).unit
        return f"{answer} {unit}" if unit else answer

    def page_typed(self, question: Question) -> dict[str, Any] | None:
        # The page takes the same plain decimals, spelled the same way, and judges them
        # the same: "decimal" in page/page.js.
        s = spec(question)
        return {"parse": "decimal", "unit": s.unit, "at_least": s.pass_at_least,
                "at_most": s.pass_at_most}

    def describe(self, question: Question) -> dict[str, Any]:
        s = spec(question)
        return {"pass_answer": None, "unit": s.unit or None,
                "pass_at_least": s.pass_at_least, "pass_at_most": s.pass_at_most}


NUMBER = NumberKind()
