"""The step engine: walks a flow's checks, takes answers from a source, returns results.

Pure logic: no terminal, no prompt library, no rendering. Front ends (the
questionary prompter, scripted answers) implement ``AnswerSource``.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from icloud_fix.errors import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEMS_FOUND,
    PromptUnavailable,
    SessionInterrupted,
)
from icloud_fix.flow import Answer, Check, Flow, Question


class Status(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_REACHED = "not_reached"


class Outcome(str, enum.Enum):
    NO_PROBLEM_FOUND = "no_problem_found"
    PROBLEMS_FOUND = "problems_found"
    RESOLVED = "resolved"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class Position:
    """Where a question stands in the run: 'Check 3 of 7 - iCloud storage'."""

    number: int
    total: int
    check: Check


@dataclass(frozen=True)
class Reply:
    """An answer with where it came from: "flag", "file", "prompt" or "probe" (a
    reading from a connected iPhone), and for a probe, its evidence."""

    answer: Answer
    source: str = "prompt"
    evidence: str | None = None


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answer: Answer | None  # None: not asked (its condition did not hold, or never reached)
    passed: bool | None  # None: informational, skipped or not asked
    source: str | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class CheckResult:
    check: Check
    status: Status
    questions: tuple[QuestionResult, ...]

    @property
    def remediation(self) -> tuple[str, ...]:
        """The fix of every question that got its failing answer, in order."""
        return tuple(
            q.question.remediation
            for q in self.questions
            if q.passed is False and q.question.remediation
        )


@dataclass(frozen=True)
class SessionResult:
    flow: Flow
    checks: tuple[CheckResult, ...]
    resolved_by: str | None = None  # id of the check whose fix made the problem go away
    interrupted: bool = False

    @property
    def outcome(self) -> Outcome:
        if self.interrupted:
            return Outcome.INTERRUPTED
        if self.resolved_by is not None:
            return Outcome.RESOLVED
        if any(c.status is Status.FAILED for c in self.checks):
            return Outcome.PROBLEMS_FOUND
        return Outcome.NO_PROBLEM_FOUND

    @property
    def exit_code(self) -> int:
        return {
            Outcome.NO_PROBLEM_FOUND: EXIT_OK,
            Outcome.RESOLVED: EXIT_OK,
            Outcome.PROBLEMS_FOUND: EXIT_PROBLEMS_FOUND,
            Outcome.INTERRUPTED: EXIT_INTERRUPTED,
        }[self.outcome]

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if c.status is Status.FAILED)

    def answers(self) -> dict[str, Answer]:
        """Every answer given, by question id, in flow order."""
        return {
            q.question.id: q.answer for c in self.checks for q in c.questions if q.answer
        }


class AnswerSource(Protocol):
    def ask(self, question: Question, position: Position) -> Answer | Reply:
        """The answer to one question (an Answer alone came from a prompt); raises
        PromptUnavailable when the person left."""
        ...

    def fixed_now(self, result: CheckResult, position: Position) -> bool:
        """After a failed check's fix was shown: does the problem go away now?"""
        ...


def judge(question: Question, answer: Answer | None) -> bool | None:
    """Whether an answer passes the question; None when it neither passes nor fails."""
    if answer is None or answer is Answer.SKIP or question.pass_answer is None:
        return None
    return answer is question.pass_answer


def check_status(questions: tuple[QuestionResult, ...], undecided: bool = False) -> Status:
    """failed if any answer failed; skipped if any was "not sure" (or a question went
    unasked only because of a "not sure"); passed otherwise."""
    if any(q.passed is False for q in questions):
        return Status.FAILED
    if undecided or any(q.answer is Answer.SKIP for q in questions):
        return Status.SKIPPED
    return Status.PASSED


def applies(question: Question, answers: dict[str, Answer]) -> bool:
    """A question is asked only when every answer its condition names was given as named."""
    return all(answers.get(qid) is expected for qid, expected in question.when)


def run(flow: Flow, source: AnswerSource, only: Collection[str] | None = None) -> SessionResult:
    """Walk the checks in order (only those named in ``only``, when given); stop early
    when the source says a fix worked."""
    answers: dict[str, Answer] = {}
    results: list[CheckResult] = []
    resolved_by: str | None = None
    total = len(flow.checks)

    def unreached(check: Check) -> CheckResult:
        return CheckResult(
            check, Status.NOT_REACHED, tuple(QuestionResult(q, None, None) for q in check.questions)
        )

    def stop(exc: PromptUnavailable, current: list[QuestionResult] | None) -> SessionInterrupted:
        done = list(results)
        if current is not None:
            check = flow.checks[len(done)]
            rest = [QuestionResult(q, None, None) for q in check.questions[len(current):]]
            partial = tuple(current + rest)
            status = Status.FAILED if any(q.passed is False for q in partial) else (
                Status.NOT_REACHED)
            done.append(CheckResult(check, status, partial))
        done += [unreached(c) for c in flow.checks[len(done):]]
        partial = SessionResult(flow, tuple(done), interrupted=True)
        return SessionInterrupted(exc.reason, partial, exc.exit_code)

    # Questions not asked only because a question their condition names got "not
    # sure" (or was itself undecided): nobody knows whether they would have failed.
    undecided: set[str] = set()
    for number, check in enumerate(flow.checks, start=1):
        if only is not None and check.id not in only:
            results.append(unreached(check))
            continue
        position = Position(number, total, check)
        asked: list[QuestionResult] = []
        for question in check.questions:
            if not applies(question, answers):
                if any(answers.get(qid) is Answer.SKIP or qid in undecided
                       for qid, _ in question.when):
                    undecided.add(question.id)
                asked.append(QuestionResult(question, None, None))
                continue
            try:
                reply = source.ask(question, position)
            except PromptUnavailable as exc:
                raise stop(exc, asked) from None
            if not isinstance(reply, Reply):
                reply = Reply(reply)
            answer = reply.answer
            answers[question.id] = answer
            asked.append(QuestionResult(question, answer, judge(question, answer),
                                        reply.source, reply.evidence))
        unknown = any(q.id in undecided for q in check.questions)
        result = CheckResult(check, check_status(tuple(asked), unknown), tuple(asked))
        results.append(result)
        if result.status is Status.FAILED:
            try:
                fixed = source.fixed_now(result, position)
            except PromptUnavailable as exc:
                raise stop(exc, None) from None
            if fixed:
                resolved_by = check.id
                break

    results += [unreached(c) for c in flow.checks[len(results):]]
    return SessionResult(flow, tuple(results), resolved_by=resolved_by)
