"""The yes/no question: answered y or n, passing on its pass_answer."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from icloud_fix.flow import ACCEPTED_ANSWERS, FLOW_FILE_WORDS, Answer, Question, parse_answer
from icloud_fix.kinds.base import Option

# The declaration's blocks are needed only to read a flow file, never by a scripted run
# of the cached built-in flow: they are imported where they are used.
if TYPE_CHECKING:
    from icloud_fix.flowfile.fields import Condition, Field, ObjectType, Rule, Word


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


class YesNo:
    name = "yes_no"
    doc = "a yes/no question (the default)"

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

    def build(self, values: dict[str, Any]) -> dict[str, Any]:
        suggest = values.get("suggest")
        built: dict[str, Any] = {"pass_answer": values.get("pass_answer")}
        # A suggest without a good reading was reported already, and builds nothing.
        if suggest is not None and "reading" in suggest.values:
            from icloud_fix.flow import Suggest

            s = suggest.values
            built["suggest"] = Suggest(s["reading"], yes_below=s.get("yes_below"),
                                       yes_when=s.get("yes_when"))
        return built

    def references(self, question: Question) -> list[str]:
        return []

    def condition(self, question: Question, wanted: Any) -> tuple[str, ...] | str:
        answer = parse_answer(wanted) if isinstance(wanted, str) else None
        if answer in (Answer.YES, Answer.NO):
            return (answer,)
        return f"'{question.id}' is a yes/no question: the condition must be yes or no"

    def options(self, question: Question) -> tuple[Option, ...]:
        return (Option(Answer.YES, "Yes", "y"), Option(Answer.NO, "No", "n"))

    def parse(self, question: Question, word: str) -> str | None:
        answer = parse_answer(word)
        return answer if answer in (Answer.YES, Answer.NO) else None

    def accepted(self, question: Question) -> str:
        return ACCEPTED_ANSWERS

    def judge(self, question: Question, answer: str) -> bool | None:
        return answer == question.pass_answer

    def label(self, question: Question, answer: str) -> str:
        return answer

    def settles(self, question: Question, answer: str) -> tuple[tuple[str, str], ...]:
        return ()

    def routes_to(self, question: Question, answer: str) -> str | None:
        return None

    def describe(self, question: Question) -> dict[str, Any]:
        return {}  # its passing answer is every question's pass_answer


YES_NO = YesNo()
