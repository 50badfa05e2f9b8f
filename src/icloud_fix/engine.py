"""The step engine: asks the triage questions, walks the checks, takes answers from a
source, returns results.

Pure logic: no terminal, no prompt library, no rendering. Front ends (the
prompters, scripted answers) implement ``AnswerSource``.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from icloud_fix import kinds
from icloud_fix.errors import (
    EXIT_INCONCLUSIVE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEMS_FOUND,
)
from icloud_fix.flow import Answer, Check, Flow, Question


class Status(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    FIXED = "fixed"  # failed, and its fix solved the problem
    WAITING = "waiting"  # failed; its fix was tried and takes time to show
    SKIPPED = "skipped"
    IN_PROGRESS = "in_progress"  # the session stopped in the middle of it
    NOT_REACHED = "not_reached"  # selected, but the session ended before it
    NOT_RUN = "not_run"  # left out by --only or --from


class Outcome(str, enum.Enum):
    RESOLVED = "resolved"  # a fix solved it
    PROBLEMS_FOUND = "problems_found"  # a check failed and was not resolved
    SERVICE_OUTAGE = "service_outage"  # Apple reports an outage, and no check failed
    INCONCLUSIVE = "inconclusive"  # no check failed, but not every selected check passed
    NO_PROBLEM_FOUND = "no_problem_found"  # every selected check ran and passed
    INTERRUPTED = "interrupted"  # the person stopped the session (Ctrl-C, end of input)


EXIT_CODES = {
    Outcome.RESOLVED: EXIT_OK,
    Outcome.NO_PROBLEM_FOUND: EXIT_OK,
    Outcome.PROBLEMS_FOUND: EXIT_PROBLEMS_FOUND,
    Outcome.SERVICE_OUTAGE: EXIT_PROBLEMS_FOUND,
    Outcome.INCONCLUSIVE: EXIT_INCONCLUSIVE,
    Outcome.INTERRUPTED: EXIT_INTERRUPTED,
}


class Fix(str, enum.Enum):
    """What the person says after a fix was shown."""

    WORKED = "worked"  # photos sync now
    DID_NOT_WORK = "did_not_work"
    NOT_YET = "not_yet"  # a fix that takes time: go on, and ask again later
    NOT_ASKED = "not_asked"  # a script: nobody tried it


class Origin(str, enum.Enum):
    """Where an answer came from, as the JSON report says it."""

    FLAG = "flag"
    FILE = "file"
    PROMPT = "prompt"
    PROBE = "probe"  # a reading from a connected iPhone


class PromptUnavailable(Exception):
    """Raised by an answer source when the person ended the session (Ctrl-C, end of input,
    or ``for_outage``: they chose to stop because Apple reports an outage)."""

    def __init__(self, reason: str, exit_code: int = EXIT_INTERRUPTED,
                 for_outage: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.exit_code = exit_code
        self.for_outage = for_outage


@dataclass(frozen=True)
class Outage:
    """An ongoing outage of a service the flow watches, as Apple's System Status says."""

    service: str
    message: str
    started: str


class SessionInterrupted(Exception):
    """The session stopped before its end; carries what was answered so far."""

    def __init__(self, reason: str, partial: SessionResult, exit_code: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.partial = partial
        self.exit_code = exit_code


@dataclass(frozen=True)
class Position:
    """Where a question stands in the run: 'Check 3 of 7 - iCloud storage', or the
    triage before the checks (check None)."""

    number: int
    total: int
    check: Check | None


@dataclass(frozen=True)
class Reply:
    """An answer with where it came from, and for a probe, its evidence."""

    answer: str
    source: Origin = Origin.PROMPT
    evidence: str | None = None


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answer: str | None  # None: not asked (its condition did not hold, or never reached)
    passed: bool | None  # None: informational, skipped or not asked
    source: Origin | None = None
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
    checks: tuple[CheckResult, ...]  # in the order asked, then those not reached or run
    resolved_by: str | None = None  # id of the check whose fix made the problem go away
    interrupted: bool = False
    triage: tuple[QuestionResult, ...] = ()
    # Known from outside the flow: Apple's ongoing outages of the services it watches,
    # and whether the person stopped because of one.
    outages: tuple[Outage, ...] = ()
    stopped_for_outage: bool = False
    # Checks whose fix was tried and did not help ("no") or takes time ("not yet").
    tried: tuple[str, ...] = ()

    @property
    def outcome(self) -> Outcome:
        if self.stopped_for_outage:
            return Outcome.SERVICE_OUTAGE
        if self.interrupted:
            return Outcome.INTERRUPTED
        if self.resolved_by is not None:
            return Outcome.RESOLVED
        if self.failed:
            return Outcome.PROBLEMS_FOUND
        if self.outages:
            return Outcome.SERVICE_OUTAGE
        if any(c.status is not Status.PASSED for c in self.selected):
            return Outcome.INCONCLUSIVE
        return Outcome.NO_PROBLEM_FOUND

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.outcome]

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        """The checks that failed and were not resolved, waiting ones included."""
        return tuple(c for c in self.checks if c.status in (Status.FAILED, Status.WAITING))

    @property
    def waiting(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if c.status is Status.WAITING)

    @property
    def tried_in_vain(self) -> tuple[CheckResult, ...]:
        """Failed checks whose fix the person tried and said did not help."""
        return tuple(c for c in self.checks
                     if c.status is Status.FAILED and c.check.id in self.tried)

    @property
    def selected(self) -> tuple[CheckResult, ...]:
        """The checks this run was to ask (all, or those --only or --from chose)."""
        return tuple(c for c in self.checks if c.status is not Status.NOT_RUN)

    @property
    def not_run(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if c.status is Status.NOT_RUN)

    def answers(self) -> dict[str, str]:
        """Every answer given, by question id, in the order asked."""
        asked = [*self.triage, *(q for c in self.checks for q in c.questions)]
        return {q.question.id: q.answer for q in asked if q.answer}


class AnswerSource(Protocol):
    def ask(self, question: Question, position: Position) -> str | Reply:
        """The answer to one question (a bare answer came from a prompt); raises
        PromptUnavailable when the person left."""
        ...

    def fixed_now(self, result: CheckResult, position: Position) -> Fix | bool:
        """After a failed check's fix was shown: does the problem go away now? (True and
        False stand for worked and did not work.)"""
        ...


def judge(question: Question, answer: str | None) -> bool | None:
    """Whether an answer passes the question; None when it neither passes nor fails."""
    return kinds.judge(question, answer)


def check_status(questions: tuple[QuestionResult, ...], undecided: bool = False) -> Status:
    """failed if any answer failed; skipped if any was "not sure" (or a question went
    unasked only because of a "not sure"); passed otherwise."""
    if any(q.passed is False for q in questions):
        return Status.FAILED
    if undecided or any(q.answer == Answer.SKIP for q in questions):
        return Status.SKIPPED
    return Status.PASSED


def applies(question: Question, answers: dict[str, str]) -> bool:
    """A question is asked only when every earlier question its conditions name got
    one of the answers named."""
    return all(answers.get(c.question) in c.answers for c in question.when)


def _unreached(check: Check, status: Status = Status.NOT_REACHED) -> CheckResult:
    return CheckResult(check, status,
                       tuple(QuestionResult(q, None, None) for q in check.questions))


class _Walk:
    """One session's state: the answers so far and the checks still to ask."""

    def __init__(self, flow: Flow, source: AnswerSource, only: Collection[str] | None) -> None:
        self.flow = flow
        self.source = source
        self.answers: dict[str, str] = {}
        # Questions not asked only because a question their condition names got "not
        # sure" (or was itself undecided): nobody knows whether they would have failed.
        self.undecided: set[str] = set()
        self.selected = [c for c in flow.checks if only is None or c.id in only]
        self.selected_ids = {c.id for c in self.selected}
        self.total = len(self.selected)
        self._next = 0  # the next selected check in flow order
        self.asked_ids: set[str] = set()
        self.routed: list[Check] = []  # sent here by a choice: asked before the rest
        self.triage: list[QuestionResult] = []
        self.done: list[CheckResult] = []
        self.tried: list[str] = []

    def ask(self, question: Question, position: Position) -> QuestionResult:
        if not applies(question, self.answers):
            if any(self.answers.get(c.question) == Answer.SKIP or c.question in self.undecided
                   for c in question.when):
                self.undecided.add(question.id)
            return QuestionResult(question, None, None)
        reply = self.source.ask(question, position)
        if not isinstance(reply, Reply):
            reply = Reply(reply)
        self.record(question, reply)
        return QuestionResult(question, reply.answer, judge(question, reply.answer),
                              reply.source, reply.evidence)

    def record(self, question: Question, reply: Reply) -> None:
        """Keep an answer for the conditions of later questions, and follow its route."""
        self.answers[question.id] = reply.answer
        target = kinds.of(question).routes_to(question, reply.answer) \
            if reply.answer != Answer.SKIP else None
        check = self.flow.check(target) if target else None
        if (check is not None and check.id in self.selected_ids
                and check.id not in self.asked_ids and check not in self.routed):
            self.routed.append(check)

    def next_check(self) -> Check | None:
        while self.routed:
            check = self.routed.pop(0)
            if check.id not in self.asked_ids:
                self.asked_ids.add(check.id)
                return check
        while self._next < len(self.selected):
            check = self.selected[self._next]
            self._next += 1
            if check.id not in self.asked_ids:
                self.asked_ids.add(check.id)
                return check
        return None

    def result(self, resolved_by: str | None = None, interrupted: bool = False,
               for_outage: bool = False) -> SessionResult:
        asked = {c.check.id for c in self.done}
        rest = [_unreached(c, Status.NOT_REACHED if c.id in self.selected_ids
                           else Status.NOT_RUN)
                for c in self.flow.checks if c.id not in asked]
        done = [CheckResult(c.check, Status.FIXED, c.questions) if c.check.id == resolved_by
                else c for c in self.done]
        return SessionResult(self.flow, tuple(done + rest), resolved_by=resolved_by,
                             interrupted=interrupted, triage=tuple(self.triage),
                             stopped_for_outage=for_outage, tried=tuple(self.tried))

    def stop(self, exc: PromptUnavailable, check: Check | None,
             asked: list[QuestionResult] | None) -> SessionInterrupted:
        if check is not None and asked is not None:
            rest = [QuestionResult(q, None, None) for q in check.questions[len(asked):]]
            partial = tuple(asked + rest)
            status = Status.FAILED if any(q.passed is False for q in partial) else (
                Status.IN_PROGRESS)
            self.done.append(CheckResult(check, status, partial))
        elif asked is not None:  # in the triage
            self.triage += asked
        result = self.result(interrupted=True, for_outage=exc.for_outage)
        return SessionInterrupted(exc.reason, result, exc.exit_code)


def run(flow: Flow, source: AnswerSource, only: Collection[str] | None = None) -> SessionResult:
    """Ask the triage, then the checks in order, except that a check a choice names
    comes next; with ``only``, just those checks and no triage. Stop early when the
    source says a fix worked."""
    walk = _Walk(flow, source, only)
    triage: list[QuestionResult] = []
    # The triage chooses where to start; a run of chosen checks (--only, --from) has
    # already chosen, so it is not asked, though answers given ahead still count (a
    # later question may depend on them).
    known = getattr(source, "known", None)
    for question in flow.triage:
        if only is not None:
            reply = known(question) if known is not None else None
            if reply is None:
                triage.append(QuestionResult(question, None, None))
                continue
            walk.record(question, reply)
            triage.append(QuestionResult(question, reply.answer, None, reply.source,
                                         reply.evidence))
            continue
        try:
            triage.append(walk.ask(question, Position(0, walk.total, None)))
        except PromptUnavailable as exc:
            raise walk.stop(exc, None, triage) from None
    walk.triage = triage

    while (check := walk.next_check()) is not None:
        position = Position(len(walk.done) + 1, walk.total, check)
        asked: list[QuestionResult] = []
        for question in check.questions:
            try:
                asked.append(walk.ask(question, position))
            except PromptUnavailable as exc:
                raise walk.stop(exc, check, asked) from None
        unknown = any(q.id in walk.undecided for q in check.questions)
        result = CheckResult(check, check_status(tuple(asked), unknown), tuple(asked))
        walk.done.append(result)
        if result.status is Status.FAILED:
            try:
                fix = source.fixed_now(result, position)
            except PromptUnavailable as exc:
                raise walk.stop(exc, None, None) from None
            if fix is True or fix is Fix.WORKED:
                return walk.result(resolved_by=check.id)
            if fix in (Fix.DID_NOT_WORK, Fix.NOT_YET):
                walk.tried.append(check.id)
            if fix is Fix.NOT_YET:
                walk.done[-1] = CheckResult(check, Status.WAITING, result.questions)
    return walk.result()
