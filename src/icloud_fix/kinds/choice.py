"""The choice question: one of a few labelled answers, each with an id; a choice may
send the session to the check that deals with it."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from icloud_fix.flow import Choice, Question
from icloud_fix.kinds.base import Option

# The declaration's blocks are needed only to read a flow file: imported where used.
if TYPE_CHECKING:
    from icloud_fix.flowfile.fields import Condition, Field, ObjectType, Rule

# Keys the prompters keep for themselves: s = not sure, h = explain, b = back.
_RESERVED_KEYS = {"s", "h", "b"}

@cache
def choice_object() -> ObjectType:
    """One entry of a question's choices."""
    from icloud_fix.flowfile.fields import AnyOf, Conditions, Field, Ident, ObjectType, Text
    from icloud_fix.kinds.yes_no import flow_answer

    return ObjectType("a choice", (
        Field("id", Ident(reserved=("skip", "s", "h", "b", "back"), not_a_number=True),
              "Kebab-case id, unique within the question, not s, h, b, skip, back or a number "
              "alone; the value for --answer QUESTION=ID and in reports.", required=True),
        Field("label", Text(max_length=200), "What the person picks, in their words.",
              required=True),
        Field("help", Text(), "More detail, shown when the person asks for help."),
        Field("check", Ident(), "A check id: picking this choice asks that check next "
              "(it must be a check of this flow)."),
        Field("answers", Conditions(
            AnyOf((Ident(), flow_answer()), expected="yes, no or a choice id"),
            expected="a mapping of later question ids to the answer this choice gives them",
            must="map later question ids to the answer this choice gives them",
            example="{low-power-mode: yes}"),
            "Later questions this choice settles, each with its answer: they are not asked, "
            "and the report says what answered them (a status 'Paused: Low Power Mode' "
            "answers 'Is Low Power Mode on?' with yes).", since=2),
    ))


def keys(choices: tuple[Choice, ...]) -> list[str | None]:
    """One key per choice: the first letter of each label when those differ (and are not
    s, h or b), else the numbers 1 to 9 (later choices by arrows only)."""
    initials = [c.label.strip()[:1].lower() for c in choices]
    if (all(i.isalpha() and i.isascii() for i in initials)
            and len(set(initials)) == len(initials) and not _RESERVED_KEYS & set(initials)):
        return list(initials)
    return [str(n) if n <= 9 else None for n in range(1, len(choices) + 1)]


class ChoiceKind:
    name = "choice"
    doc = "one of a few labelled choices"

    def fields(self) -> tuple[Field, ...]:
        from icloud_fix.flowfile.fields import Field, Ident, ListOf

        return (
            Field("choices", ListOf(choice_object(), min_items=2), "choice: the answers to "
                  "pick from, at least two: {id, label, help?, check?}.", since=2),
            Field("pass_choices", ListOf(Ident()), "choice: the choice ids that mean all "
                  "is well; any other choice shows the remediation.", since=2),
        )

    def rules(self, this_kind: Condition, informational: Condition) -> tuple[Rule, ...]:
        from icloud_fix.flowfile.fields import All, Not, Rule

        return (
            Rule(this_kind, "is a choice question", requires=("choices",)),
            Rule(All((this_kind, Not(informational))), "",
                 requires=("pass_choices", "remediation"),
                 alternative=", or 'informational: true' if it only routes or sets up "
                 "later questions"),
        )

    def build(self, values: dict[str, Any]) -> dict[str, Any]:
        from icloud_fix.flowfile.fields import INVALID

        read = [c for c in values.get("choices", ()) if c is not INVALID]
        # A choice with a problem (already reported) still names its id, so that the
        # pass_choices and conditions that use it are not reported as well.
        # A choice's answers are checked against the questions they name once every
        # question is read (FlowBuilder.choice_answers): here they are kept as written.
        choices = tuple(Choice(c.values["id"], c.values.get("label", ""),
                               c.values.get("help"), c.values.get("check"),
                               tuple((name, wanted) for name, _line, wanted, _node
                                     in c.values.get("answers", ())))
                        for c in read if "id" in c.values)
        pass_choices = tuple(i for i in values.get("pass_choices") or () if i is not INVALID)
        if len(choices) < len(values.get("choices", ())):
            # Some choice has no id to go by: a pass choice could have named it.
            pass_choices = tuple(i for i in pass_choices if i in {c.id for c in choices})
        return {"choices": choices, "pass_choices": pass_choices}

    def references(self, question: Question) -> list[str]:
        problems = []
        ids = [c.id for c in question.choices]
        for choice_id in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(f"choice id '{choice_id}' is given twice in question "
                            f"'{question.id}'; choice ids must be unique within a question")
        for choice_id in question.pass_choices:
            if choice_id not in ids:
                problems.append(f"'pass_choices' names '{choice_id}', which is not a choice "
                                f"of question '{question.id}'; its choices are "
                                f"{', '.join(ids)}")
        return problems

    def condition(self, question: Question, wanted: Any) -> tuple[str, ...] | str:
        ids = [c.id for c in question.choices]
        names = wanted if isinstance(wanted, list) else [wanted]
        if not names or not all(isinstance(n, str) for n in names):
            return f"'{question.id}' is a choice question: name one of its choice ids"
        unknown = [n for n in names if n not in ids]
        if unknown:
            from icloud_fix.spelling import did_you_mean

            return (f"'{unknown[0]}' is not a choice of '{question.id}'"
                    f"{did_you_mean(unknown[0], ids)}; its choices are {', '.join(ids)}")
        return tuple(names)

    def options(self, question: Question) -> tuple[Option, ...]:
        return tuple(Option(c.id, c.label, key, c.help)
                     for c, key in zip(question.choices, keys(question.choices), strict=True))

    def parse(self, question: Question, word: str) -> str | None:
        word = word.strip().lower()
        return word if question.choice(word) is not None else None

    def accepted(self, question: Question) -> str:
        return ", ".join(c.id for c in question.choices) + " or skip"

    def judge(self, question: Question, answer: str) -> bool | None:
        return answer in question.pass_choices

    def label(self, question: Question, answer: str) -> str:
        choice = question.choice(answer)
        return choice.label if choice is not None else answer

    def routes_to(self, question: Question, answer: str) -> str | None:
        choice = question.choice(answer)
        return choice.check if choice is not None else None

    def settles(self, question: Question, answer: str) -> tuple[tuple[str, str], ...]:
        choice = question.choice(answer)
        return choice.answers if choice is not None else ()

    def describe(self, question: Question) -> dict[str, Any]:
        return {"choices": [{"id": c.id, "label": c.label, "check": c.check,
                             **({"answers": dict(c.answers)} if c.answers else {})}
                            for c in question.choices],
                "pass_choices": list(question.pass_choices) or None}


CHOICE = ChoiceKind()
