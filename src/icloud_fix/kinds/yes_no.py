"""The yes/no question: answered y or n, passing on its pass_answer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from icloud_fix.flow import (
    ACCEPTED_ANSWERS,
    FLOW_FILE_WORDS,
    Answer,
    KindSpec,
    Question,
    Suggest,
    parse_answer,
)
from icloud_fix.kinds.base import Asking, Option, PlainKind, Style

# The declaration's blocks are needed only to read a flow file, never by a scripted run
# of the cached built-in flow: they are imported where they are used.
if TYPE_CHECKING:
    from icloud_fix.flowfile.fields import Condition, Field, ObjectType, Rule, Word


@dataclass(frozen=True)
class YesNoSpec(KindSpec):
    kind: ClassVar[str] = "yes_no"
    # The answer that means "this is fine"; None when informational.
    pass_answer: str | None = None
    suggest: Suggest | None = None


def spec(question: Question) -> YesNoSpec:
    assert isinstance(question.spec, YesNoSpec), question.kind
    return question.spec


_OPTIONS = (Option(Answer.YES, "Yes", "y"), Option(Answer.NO, "No", "n"))


def _answer(word: str) -> str:
    return parse_answer(word) or word


@cache
def flow_answer() -> Word:
    """yes or no as a flow file may write them (pass_answer, conditions)."""
    from icloud_fix.flowfile.fields import Word

    return Word(FLOW_FILE_WORDS, any_case=True, booleans=True, meaning=_answer,
                said="yes or no")


def _suggest_type() -> ObjectType:
    from icloud_fix.flowfile.fields import Field, Flag, Is, Not, Number, ObjectType, Rule, Word
    from icloud_fix.probes.readings import READINGS

    numeric = Is("reading", tuple(name for name, r in READINGS.items() if r.numeric))
    return ObjectType(
        "'suggest'",
        (
            Field("reading", Word(tuple(READINGS)), "The reading that settles the question: "
                  + "; ".join(f"{name} ({r.doc})" for name, r in READINGS.items()) + ".",
                  required=True),
            Field("yes_below", Number(maximum=100_000), "For a number reading: the answer "
                  "is yes below this."),
            Field("yes_when", Flag(), "For a yes/no reading: the answer is yes when the "
                  "reading is this."),
        ),
        rules=(
            Rule(numeric, "with a number reading", requires=("yes_below",),
                 forbids=("yes_when",)),
            Rule(Not(numeric), "with a yes/no reading", requires=("yes_when",),
                 forbids=("yes_below",)),
        ),
    )


class YesNo(PlainKind):
    name = "yes_no"
    doc = "a yes/no question (the default)"
    spec_type = YesNoSpec

    def fields(self) -> tuple[Field, ...]:
        from icloud_fix.flowfile.fields import Field

        return (
            Field("pass_answer", flow_answer(), "yes_no: the answer that means all is well, "
                  "yes or no."),
            Field("suggest", _suggest_type(), "yes_no: suggest the answer from a connected "
                  "iPhone, e.g. {reading: free-space-gb, yes_below: 1} or "
                  "{reading: ios-up-to-date, yes_when: true}."),
        )

    def rules(self, this_kind: Condition, informational: Condition) -> tuple[Rule, ...]:
        from icloud_fix.flowfile.fields import All, Not, Rule

        return (Rule(All((this_kind, Not(informational))), "",
                     requires=("pass_answer", "remediation"),
                     alternative=", or 'informational: true' if it only sets up later "
                     "questions"),)

    def build(self, values: dict[str, Any], informational: bool) -> YesNoSpec:
        suggest = values.get("suggest")
        built = None
        # A suggest without a good reading was reported already, and builds nothing.
        if suggest is not None and "reading" in suggest.values:
            s = suggest.values
            built = Suggest(s["reading"], yes_below=s.get("yes_below"),
                            yes_when=s.get("yes_when"))
        return YesNoSpec(None if informational else values.get("pass_answer"), built)

    def informational(self, question: Question) -> bool:
        return spec(question).pass_answer is None

    def asking(self, question: Question) -> Asking:
        return Asking(Style.YES_OR_NO, _OPTIONS, ACCEPTED_ANSWERS, Answer.YES)

    def pass_rule(self, question: Question) -> str | None:
        answer = spec(question).pass_answer
        return f"on {answer}" if answer else None

    def suggested_by(self, question: Question) -> Suggest | None:
        return spec(question).suggest

    def condition(self, question: Question, wanted: Any) -> tuple[str, ...] | str:
        answer = parse_answer(wanted) if isinstance(wanted, str) else None
        if answer in (Answer.YES, Answer.NO):
            return (answer,)
        return f"'{question.id}' is a yes/no question: the condition must be yes or no"

    def parse(self, question: Question, word: str) -> str | None:
        answer = parse_answer(word)
        return answer if answer in (Answer.YES, Answer.NO) else None

    def judge(self, question: Question, answer: str) -> bool | None:
        return answer == spec(question).pass_answer

    def label(self, question: Question, answer: str) -> str:
        return answer

    def describe(self, question: Question) -> dict[str, Any]:
        return {"pass_answer": spec(question).pass_answer}


YES_NO = YesNo()
