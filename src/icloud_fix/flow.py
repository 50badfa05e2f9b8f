"""The troubleshooting flow as data: checks, their yes/no questions and the fixes."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass


class Answer(str, enum.Enum):
    YES = "yes"
    NO = "no"
    SKIP = "skip"


# The words a person or a script may use for an answer, in any case.
ANSWER_WORDS: dict[str, Answer] = {
    "yes": Answer.YES,
    "y": Answer.YES,
    "true": Answer.YES,
    "no": Answer.NO,
    "n": Answer.NO,
    "false": Answer.NO,
    "skip": Answer.SKIP,
}
ACCEPTED_ANSWERS = "yes, no, y, n, true, false or skip"


def parse_answer(word: str) -> Answer | None:
    """The answer a word stands for, or None when it is not one of ANSWER_WORDS."""
    return ANSWER_WORDS.get(word.strip().lower())


@dataclass(frozen=True)
class Suggest:
    """How a reading from a connected iPhone settles a question: for a number,
    "yes" below ``yes_below``; for a yes/no reading, "yes" when it is ``yes_when``."""

    reading: str
    yes_below: float | None = None
    yes_when: bool | None = None


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    help: str | None
    # The answer that means "this is fine"; None for an informational question,
    # which only sets up conditions for later questions and never fails.
    pass_answer: Answer | None
    remediation: str | None
    # Every (question id, answer) pair must hold for the question to be asked.
    when: tuple[tuple[str, Answer], ...]
    line: int
    suggest: Suggest | None = None

    @property
    def informational(self) -> bool:
        return self.pass_answer is None


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    questions: tuple[Question, ...]
    line: int


@dataclass(frozen=True)
class Flow:
    format: int
    id: str
    title: str
    version: str
    description: str | None
    after_fix_question: str
    escalation: str | None
    checks: tuple[Check, ...]
    source: str  # the name shown in messages and reports
    service_status: tuple[str, ...] = ()
    location: str = ""  # the file it was read from, as an absolute path

    def questions(self) -> Iterator[tuple[Check, Question]]:
        for check in self.checks:
            for question in check.questions:
                yield check, question

    def question_ids(self) -> list[str]:
        return [q.id for _, q in self.questions()]

    def check_ids(self) -> list[str]:
        return [c.id for c in self.checks]
