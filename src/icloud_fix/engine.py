"""The step engine: asks the triage questions, walks the checks, takes answers from a
source, returns results.

Pure logic: no terminal, no prompt library, no rendering. Front ends (the
prompters, scripted answers) implement ``AnswerSource``.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
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
    NOT_RUN = "not_run"  # left out by --only or --from, or no question of it applied


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


class Helped(str, enum.Enum):
    """Whether a fix the person tried helped, as every report keeps it."""

    YES = "yes"  # photos sync now
    NO = "no"  # tried, and it did not help
    NOT_YET = "not_yet"  # tried; it takes time to show


class Origin(str, enum.Enum):
    """Where an answer came from, as the JSON report says it."""

    FLAG = "flag"
    FILE = "file"
    PROMPT = "prompt"
    PROBE = "probe"  # a reading from a connected iPhone
    CHOICE = "choice"  # settled by an earlier choice (a choice's `answers:` in the flow)
    # Not answered in a scripted run told to take such questions as "not sure"
    # (--unanswered skip): a report says so rather than pass it off as an answer.
    UNANSWERED = "unanswered"


class GoBack(Exception):
    """Raised by an answer source when the person asks to go back one question."""


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


@dataclass(frozen=True)
class AppleStatus:
    """Apple's System Status for the flow's services, as a session found it: whether
    the feed could be read (in the time the session gave it), and the ongoing outages
    it lists. A session that does not look (--offline, a flow that names no service)
    has none at all."""

    reachable: bool = False
    outages: tuple[Outage, ...] = ()

    @property
    def all_clear(self) -> bool:
        """Apple was asked, and reports no problem."""
        return self.reachable and not self.outages


class SessionInterrupted(Exception):
    """The session stopped before its end; carries what was answered so far."""

    def __init__(self, reason: str, partial: SessionResult, exit_code: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.partial = partial
        self.exit_code = exit_code


@dataclass(frozen=True)
class Device:
    """The iPhone that was read during the session, as every report names it."""

    identifier: str | None  # Apple's model identifier, e.g. iPhone15,2
    name: str | None  # the model in words, e.g. iPhone 14 Pro
    ios: str | None  # e.g. 17.5.1
    locale: str | None = None  # its region setting, e.g. en_GB
    language: str | None = None  # its language, e.g. en-GB

    @property
    def described(self) -> str:
        """'iPhone 14 Pro (iPhone15,2), iOS 17.5.1', from what was read."""
        name = self.name or (f"iPhone ({self.identifier})" if self.identifier else "iPhone")
        if self.name and self.identifier:
            name += f" ({self.identifier})"
        return f"{name}, iOS {self.ios}" if self.ios else name


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
    # The evidence in a person's words ("Your iPhone 14 Pro has iOS 17.5.1; ..."), for
    # the screen and the text report; ``evidence`` keeps the technical detail.
    said: str | None = None


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answer: str | None  # None: not asked (its condition did not hold, or never reached)
    passed: bool | None  # None: informational, skipped or not asked
    source: Origin | None = None
    evidence: str | None = None
    said: str | None = None  # the evidence in a person's words


@dataclass(frozen=True)
class CheckResult:
    check: Check
    status: Status
    questions: tuple[QuestionResult, ...]
    # Not run because no question of it applied (each one's `when` ruled it out), as
    # opposed to left out by --only or --from.
    ruled_out: bool = False

    @property
    def failed_by(self) -> tuple[QuestionResult, ...]:
        """The answers that failed this check, in the order asked."""
        return tuple(q for q in self.questions if q.passed is False)

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
    # Known from outside the flow too: the iPhone that was read, and when the session
    # started (UTC).
    device: Device | None = None
    started: datetime | None = None

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
        if not self.selected or any(c.status is not Status.PASSED for c in self.selected):
            return Outcome.INCONCLUSIVE  # not a pass when nothing was asked
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

    def fix_tried(self, check_id: str) -> Helped | None:
        """Whether the fix of a check was tried, and whether it helped; None if not tried."""
        if check_id == self.resolved_by:
            return Helped.YES
        if check_id not in self.tried:
            return None
        waiting = any(c.check.id == check_id and c.status is Status.WAITING
                      for c in self.checks)
        return Helped.NOT_YET if waiting else Helped.NO

    @property
    def fixes_tried(self) -> tuple[tuple[CheckResult, Helped], ...]:
        """Every check whose fix the person tried, with whether it helped, in the order
        the checks were asked."""
        tried = []
        for c in self.checks:
            helped = self.fix_tried(c.check.id)
            if helped is not None:
                tried.append((c, helped))
        return tuple(tried)

    @property
    def selected(self) -> tuple[CheckResult, ...]:
        """The checks this run was to ask (all, or those --only or --from chose)."""
        return tuple(c for c in self.checks if c.status is not Status.NOT_RUN)

    @property
    def not_run(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if c.status is Status.NOT_RUN)

    def answers(self) -> dict[str, str]:
        """Every answer given, by question id, in the order asked (not those an earlier
        choice settled: the choice gives them again)."""
        asked = [*self.triage, *(q for c in self.checks for q in c.questions)]
        return {q.question.id: q.answer for q in asked
                if q.answer and q.source is not Origin.CHOICE}


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
        self.only = only
        self.partial = isinstance(source, _KnownOnly)
        self.answers: dict[str, str] = {}
        # Every reply and fix answer the source gave, for an interrupted session's report.
        self.replies: dict[str, Reply] = {}
        self.fixes: dict[str, Fix] = {}
        self.current: str | None = None  # the check being asked (None: the triage)
        # Questions an earlier choice answered: not asked, but answered by it.
        self.settled: dict[str, Reply] = {}
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
        if self.partial and any(c.question not in self.answers for c in question.when):
            # Walking what is known of an interrupted session: a condition on a question
            # nobody answered leaves this one open, neither asked nor ruled out.
            raise _Unknown(question.id)
        if not applies(question, self.answers):
            if any(self.answers.get(c.question) == Answer.SKIP or c.question in self.undecided
                   for c in question.when):
                self.undecided.add(question.id)
            return QuestionResult(question, None, None)
        reply: str | Reply | None = self.settled.get(question.id)
        if reply is not None:
            # An answer given on the command line or in a file still wins (as flags win
            # everywhere); the person is not asked what their choice already said.
            known = getattr(self.source, "known", None)
            given = known(question) if known is not None else None
            if given is not None and given.source in (Origin.FLAG, Origin.FILE):
                reply = given
        else:
            reply = self.source.ask(question, position)
        if not isinstance(reply, Reply):
            reply = Reply(reply)
        self.record(question, reply)
        return QuestionResult(question, reply.answer, judge(question, reply.answer),
                              reply.source, reply.evidence, reply.said)

    def record(self, question: Question, reply: Reply) -> None:
        """Keep an answer for the conditions of later questions, and follow its route."""
        self.answers[question.id] = reply.answer
        self.replies[question.id] = reply
        if reply.answer != Answer.SKIP:
            label = kinds.label(question, reply.answer)
            for qid, answer in kinds.of(question).settles(question, reply.answer):
                self.settled[qid] = Reply(
                    answer, Origin.CHOICE, evidence=f"answered by {question.id}={reply.answer}",
                    said=label)  # the choice that settled it, in the person's words
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


def run(flow: Flow, source: AnswerSource, only: Collection[str] | None = None) -> SessionResult:
    """Ask the triage, then the checks in order, except that a check a choice names
    comes next; with ``only``, just those checks and no triage. Stop early when the
    source says a fix worked.

    When the person leaves (PromptUnavailable), raises SessionInterrupted with what is
    known: the flow walked again with only the answers the source already has
    (``known``, ``known_fix``), so that nothing said, now or in an earlier session,
    is left out of the report or the kept state because the question that came before
    it was not answered this time."""
    walk = _Walk(flow, source, only)
    try:
        return _run(walk)
    except PromptUnavailable as exc:
        partial = _run(_Walk(flow, _KnownOnly(source, walk), only), stopped_in=walk.current)
        partial = dataclasses.replace(partial, interrupted=True,
                                      stopped_for_outage=exc.for_outage)
        raise SessionInterrupted(exc.reason, partial, exc.exit_code) from None


def answered_ahead(flow: Flow, known: Callable[[Question], Reply | None],
                   only: Collection[str] | None = None) -> tuple[tuple[int, CheckResult], ...]:
    """The checks no question will be asked in, every question that applies answered
    by ``known`` (answers given ahead, and the person's so far): each with its number as
    this session numbers them, and its answers (their sources say where each came from).

    Found by walking the flow with what is known, the rest left open ("not sure": it
    routes nowhere and decides no condition). A question whose condition names an open
    one may yet be asked, so its check is not counted."""
    source = _Ahead(known)
    result = _run(_Walk(flow, source, only))
    asked = {q.question.id for c in result.checks for q in c.questions if q.answer}
    uncertain = set(source.left_open)
    for question in flow.all_questions():  # a condition names an earlier question
        if question.id not in asked and any(c.question in uncertain for c in question.when):
            uncertain.add(question.id)
    questions = {q.id: q for q in flow.all_questions()}
    may_ask = source.left_open | {q for q in uncertain if known(questions[q]) is None}
    ahead = []
    for number, check in enumerate(result.checks, start=1):
        if check.status in (Status.NOT_RUN, Status.NOT_REACHED):
            continue
        if (any(q.answer is not None for q in check.questions)
                and not any(q.question.id in may_ask for q in check.questions)):
            ahead.append((number, check))
    return tuple(ahead)


class _Ahead:
    """What is known ahead, asking nobody: an open question is "not sure"."""

    def __init__(self, known: Callable[[Question], Reply | None]) -> None:
        self.known = known
        self.left_open: set[str] = set()

    def ask(self, question: Question, position: Position) -> Reply:
        reply = self.known(question)
        if reply is None:
            self.left_open.add(question.id)
            return Reply(Answer.SKIP)  # routes nowhere, and decides no condition
        return reply

    def fixed_now(self, result: CheckResult, position: Position) -> Fix:
        return Fix.NOT_ASKED  # the walk goes on, as it does when a fix did not help


class _Unknown(Exception):
    """A question nobody answered yet, met while walking only what is known."""


class _KnownOnly:
    """The answers a source already has, asking nobody: what an interrupted session's
    report and kept state are made of."""

    def __init__(self, source: AnswerSource, walk: _Walk) -> None:
        self._known = getattr(source, "known", None)
        self._known_fix = getattr(source, "known_fix", None)
        self._walk = walk  # the walk that was interrupted: what it was told

    def known(self, question: Question) -> Reply | None:
        if question.id in self._walk.replies:
            return self._walk.replies[question.id]
        return self._known(question) if self._known is not None else None

    def ask(self, question: Question, position: Position) -> Reply:
        reply = self.known(question)
        if reply is None:
            raise _Unknown(question.id)
        return reply

    def fixed_now(self, result: CheckResult, position: Position) -> Fix:
        fix = self._walk.fixes.get(result.check.id)
        if fix is None and self._known_fix is not None:
            fix = self._known_fix(result.check.id)
        return fix if fix is not None else Fix.NOT_ASKED


def _run(walk: _Walk, stopped_in: str | None = None) -> SessionResult:
    flow, source, only = walk.flow, walk.source, walk.only
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
                                         reply.evidence, reply.said))
            continue
        try:
            triage.append(walk.ask(question, Position(0, walk.total, None)))
        except _Unknown:
            triage.append(QuestionResult(question, None, None))
    walk.triage = triage

    while (check := walk.next_check()) is not None:
        walk.current = check.id
        position = Position(len(walk.done) + 1, walk.total, check)
        asked: list[QuestionResult] = []
        open_questions = 0  # applicable, and not answered yet (an interrupted session)
        for question in check.questions:
            try:
                asked.append(walk.ask(question, position))
            except _Unknown:
                open_questions += 1
                asked.append(QuestionResult(question, None, None))
        unknown = any(q.id in walk.undecided for q in check.questions)
        if open_questions:
            failed = any(q.passed is False for q in asked)
            if not failed:
                answered = any(q.answer is not None for q in asked)
                begun = answered or check.id == stopped_in  # stopped at its first question
                walk.done.append(CheckResult(check, Status.IN_PROGRESS if begun
                                             else Status.NOT_REACHED, tuple(asked)))
                continue
            result = CheckResult(check, Status.FAILED, tuple(asked))
        elif not unknown and all(q.answer is None for q in asked):
            # No question applied: nothing was asked, so nothing passed.
            walk.done.append(CheckResult(check, Status.NOT_RUN, tuple(asked), ruled_out=True))
            continue
        else:
            result = CheckResult(check, check_status(tuple(asked), unknown), tuple(asked))
        walk.done.append(result)
        if result.status is Status.FAILED:
            fix = source.fixed_now(result, position)
            fix = Fix.WORKED if fix is True else Fix.DID_NOT_WORK if fix is False else fix
            walk.fixes[check.id] = fix
            if fix is Fix.WORKED:
                if walk.partial:
                    continue  # said in an earlier session; this one goes on
                return walk.result(resolved_by=check.id)
            if fix in (Fix.DID_NOT_WORK, Fix.NOT_YET):
                walk.tried.append(check.id)
            if fix is Fix.NOT_YET:
                walk.done[-1] = CheckResult(check, Status.WAITING, result.questions)
    return walk.result()
