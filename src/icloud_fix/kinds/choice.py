"""The choice question: one of a few labelled answers, each with an id; a choice may
send the session to the check that deals with it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from icloud_fix.flow import Choice, KindSpec, Question
from icloud_fix.kinds.base import Asking, Option, PlainKind, Style

# The declaration's blocks are needed only to read a flow file: imported where used.
if TYPE_CHECKING:
    from icloud_fix.flowfile.fields import Condition, Field, ObjectType, Rule

# Keys the prompters keep for themselves: s = not sure, h = explain, b = back.
_RESERVED_KEYS = {"s", "h", "b"}

@dataclass(frozen=True)
class ChoiceSpec(KindSpec):
    kind: ClassVar[str] = "choice"
    choices: tuple[Choice, ...] = ()
    # The choice ids that mean "this is fine"; none when informational.
    pass_choices: tuple[str, ...] = ()

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


def spec(question: Question) -> ChoiceSpec:
    assert isinstance(question.spec, ChoiceSpec), question.kind
    return question.spec


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


class ChoiceKind(PlainKind):
    name = "choice"
    doc = "one of a few labelled choices"
    spec_type = ChoiceSpec

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

    def build(self, values: dict[str, Any], informational: bool) -> ChoiceSpec:
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
        return ChoiceSpec(choices, () if informational else pass_choices)

    def informational(self, question: Question) -> bool:
        return not spec(question).pass_choices

    def asking(self, question: Question) -> Asking:
        choices = spec(question).choices
        return Asking(Style.PICK, self._options(question),
                      ", ".join(c.id for c in choices) + " or skip",
                      choices[0].id if choices else "skip")

    def _options(self, question: Question) -> tuple[Option, ...]:
        choices = spec(question).choices
        return tuple(Option(c.id, c.label, key, c.help)
                     for c, key in zip(choices, keys(choices), strict=True))

    def pass_rule(self, question: Question) -> str | None:
        passing = spec(question).pass_choices
        return f"on {' or '.join(passing)}" if passing else None

    def texts(self, question: Question) -> tuple[str, ...]:
        return tuple(t for c in spec(question).choices for t in (c.label, c.help) if t)

    def with_texts(self, question: Question,
                   change: Callable[[str | None], str | None]) -> KindSpec:
        return dataclasses.replace(spec(question), choices=tuple(
            dataclasses.replace(c, label=change(c.label) or "", help=change(c.help))
            for c in spec(question).choices))

    def listing(self, question: Question) -> tuple[str, ...]:
        return tuple(f"{c.id}: {c.label}" + (f" -> check {c.check}" if c.check else "")
                     for c in spec(question).choices)

    def references(self, question: Question) -> list[str]:
        problems = []
        ids = [c.id for c in spec(question).choices]
        for choice_id in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(f"choice id '{choice_id}' is given twice in question "
                            f"'{question.id}'; choice ids must be unique within a question")
        for choice_id in spec(question).pass_choices:
            if choice_id not in ids:
                problems.append(f"'pass_choices' names '{choice_id}', which is not a choice "
                                f"of question '{question.id}'; its choices are "
                                f"{', '.join(ids)}")
        return problems

    def condition(self, question: Question, wanted: Any) -> tuple[str, ...] | str:
        ids = [c.id for c in spec(question).choices]
        names = wanted if isinstance(wanted, list) else [wanted]
        if not names or not all(isinstance(n, str) for n in names):
            return f"'{question.id}' is a choice question: name one of its choice ids"
        unknown = [n for n in names if n not in ids]
        if unknown:
            from icloud_fix.spelling import did_you_mean

            return (f"'{unknown[0]}' is not a choice of '{question.id}'"
                    f"{did_you_mean(unknown[0], ids)}; its choices are {', '.join(ids)}")
        return tuple(names)

    def parse(self, question: Question, word: str) -> str | None:
        word = word.strip().lower()
        return word if spec(question).choice(word) is not None else None

    def judge(self, question: Question, answer: str) -> bool | None:
        return answer in spec(question).pass_choices

    def label(self, question: Question, answer: str) -> str:
        choice = spec(question).choice(answer)
        return choice.label if choice is not None else answer

    def routes_to(self, question: Question, answer: str) -> str | None:
        choice = spec(question).choice(answer)
        return choice.check if choice is not None else None

    def settles(self, question: Question, answer: str) -> tuple[tuple[str, str], ...]:
        choice = spec(question).choice(answer)
        return choice.answers if choice is not None else ()

    def describe(self, question: Question) -> dict[str, Any]:
        return {"pass_answer": None,  # said for every question, as before kinds had specs
                "choices": [{"id": c.id, "label": c.label, "check": c.check,
                             **({"answers": dict(c.answers)} if c.answers else {})}
                            for c in spec(question).choices],
                "pass_choices": list(spec(question).pass_choices) or None}


CHOICE = ChoiceKind()
