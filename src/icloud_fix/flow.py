"""The troubleshooting flow as data: triage questions, checks, their questions and fixes.

An answer is a short word: ``yes`` or ``no`` for a yes/no question, a choice id for a
choice question, and ``skip`` ("not sure") for any question. How each kind of question
is asked, answered and judged lives in ``icloud_fix.kinds``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar


class Answer:
    """The answers every yes/no question knows, and "not sure" for any question."""

    YES = "yes"
    NO = "no"
    SKIP = "skip"


@dataclass(frozen=True)
class AnswerWord:
    word: str
    answer: str
    # Flow files (pass_answer, when) take only the words YAML tools agree on.
    in_flow_files: bool


# The one table of words for yes, no and "not sure", in any case. Flags, answer files,
# the plain prompter and saved sessions take them all; flow files the marked ones.
ANSWER_WORDS: tuple[AnswerWord, ...] = (
    AnswerWord("yes", Answer.YES, True),
    AnswerWord("y", Answer.YES, False),
    AnswerWord("true", Answer.YES, True),
    AnswerWord("no", Answer.NO, True),
    AnswerWord("n", Answer.NO, False),
    AnswerWord("false", Answer.NO, True),
    AnswerWord("skip", Answer.SKIP, False),
    AnswerWord("s", Answer.SKIP, False),
)
_BY_WORD = {w.word: w.answer for w in ANSWER_WORDS}
SKIP_WORDS = tuple(w.word for w in ANSWER_WORDS if w.answer == Answer.SKIP)
FLOW_FILE_WORDS = tuple(w.word for w in ANSWER_WORDS if w.in_flow_files)
ACCEPTED_ANSWERS = "yes, no, y, n, true, false or skip"


def parse_answer(word: str) -> str | None:
    """The yes/no/skip answer a word stands for, or None when it is not in ANSWER_WORDS."""
    return _BY_WORD.get(word.strip().lower())


@dataclass(frozen=True)
class Suggest:
    """How a reading from a connected iPhone settles a question: for a number,
    "yes" below ``yes_below``; for a yes/no reading, "yes" when it is ``yes_when``."""

    reading: str
    yes_below: float | None = None
    yes_when: bool | None = None


@dataclass(frozen=True)
class Choice:
    """One answer of a choice question; picking it may send the session to a check."""

    id: str
    label: str
    help: str | None = None
    check: str | None = None
    # Later questions this choice settles, with the answer it gives each (a status line
    # that says "Paused: Low Power Mode" answers "Is Low Power Mode on?" with yes).
    answers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Condition:
    """Asked only when the earlier question ``question`` got one of ``answers``."""

    question: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class KindSpec:
    """What a question of one kind adds to every question: each kind (``icloud_fix.kinds``)
    declares its own frozen dataclass of these fields, named by ``kind``."""

    kind: ClassVar[str]


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    help: str | None
    remediation: str | None
    # Every condition must hold for the question to be asked.
    when: tuple[Condition, ...]
    line: int
    # The fields of its kind (pass_answer of a yes/no question, a choice's choices...).
    spec: KindSpec
    # How to tell the fix worked, and how long to wait (Markdown).
    verify: str | None = None

    @property
    def kind(self) -> str:
        """The name of its kind, as a flow file writes it."""
        return self.spec.kind


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
    # Asked before the first check and belonging to none.
    triage: tuple[Question, ...] = ()
    checked_against: str | None = None  # the versions the wording was checked against

    def questions(self) -> Iterator[tuple[Check, Question]]:
        """The questions of the checks, with their check, in flow order."""
        for check in self.checks:
            for question in check.questions:
                yield check, question

    def all_questions(self) -> Iterator[Question]:
        """Every question: the triage first, then those of the checks."""
        yield from self.triage
        for _, question in self.questions():
            yield question

    def question_ids(self) -> list[str]:
        return [q.id for q in self.all_questions()]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.all_questions() if q.id == question_id), None)

    def check_ids(self) -> list[str]:
        return [c.id for c in self.checks]

    def check(self, check_id: str) -> Check | None:
        return next((c for c in self.checks if c.id == check_id), None)
