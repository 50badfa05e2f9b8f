"""The report of a session, built once: what every format says, and in which order.

``build(result)`` decides everything a reader is told (the headline, a row per check
with its status in words, why a check failed, the fixes already tried and those to
try, the questions to look up, what the iPhone read, Apple's status, the next step and
where to get help) and the order of the sections, including the rule that where to
get help comes first when the fixes tried did not help. A format only lays it out:
it never decides what to say, or in which order.

Texts from the flow, the answers and the iPhone are kept as they are here; each format
makes them safe for its medium (rich Text, Markdown escapes, JSON, HTML escapes).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from icloud_fix import kinds
from icloud_fix.engine import (
    AppleStatus,
    CheckResult,
    Helped,
    Origin,
    Outage,
    Outcome,
    QuestionResult,
    SessionResult,
)
from icloud_fix.flow import Flow
from icloud_fix.report import wording
from icloud_fix.report.wording import HELPED, NextStep, Reason, StatusWording


class Section(str, enum.Enum):
    """A part of a report; its value is the heading every format gives it."""

    APPLE_STATUS = "Apple's System Status"
    OUTCOME = "Outcome"
    CHECKS = "Checks"
    ANSWERS = "Answers"
    READINGS = "Read from your iPhone"
    FIXES_TRIED = wording.FIXES_TRIED
    FIXES_TO_TRY = wording.FIXES_TO_TRY
    TO_LOOK_UP = wording.TO_LOOK_UP
    NEXT_STEP = "Next step"
    WHERE_TO_GET_HELP = wording.WHERE_TO_GET_HELP


@dataclass(frozen=True)
class AnswerRow:
    """One question answered: its prompt, the answer's label, and for an answer read
    from the iPhone, what the reading found."""

    id: str
    prompt: str
    label: str
    reading: str | None  # one line, in a person's words; None for a person's answer
    unanswered: bool  # left unanswered by a script told to take it as "not sure"


@dataclass(frozen=True)
class Fix:
    """One failed question's fix (flow Markdown) and how to tell it worked."""

    text: str
    verify: str | None


@dataclass(frozen=True)
class CheckRow:
    """A check as every report lists it: its number, title and status in words."""

    number: int
    id: str
    title: str
    status: StatusWording
    reasons: tuple[Reason, ...]  # why it failed, an answer each
    fixes: tuple[Fix, ...]  # the fix of each failed question
    answers: tuple[AnswerRow, ...]  # the questions asked, in the order asked
    helped: Helped | None  # whether its fix was tried and helped; None if not tried
    result: CheckResult  # for the JSON report's machine fields


@dataclass(frozen=True)
class FixTried:
    check: CheckRow
    helped: Helped

    @property
    def words(self) -> str:
        return HELPED[self.helped]


@dataclass(frozen=True)
class LookUp:
    """A question answered "not sure", and where to look for its answer (flow
    Markdown, or None when the flow says nothing)."""

    id: str
    prompt: str
    where: str | None
    unanswered: bool


@dataclass(frozen=True)
class Report:
    """Everything a report of one session says, in the order ``sections`` gives."""

    flow: Flow
    outcome: Outcome
    headline: str
    tone: str  # "good", "bad" or "open": how the headline is coloured
    started: datetime | None
    device: str | None  # the iPhone read, with Apple's identifier
    device_name: str | None  # the iPhone read, by the name its owner knows
    resolved_by: CheckRow | None
    outages: tuple[Outage, ...]
    service_status: AppleStatus | None  # Apple's System Status, when looked at
    triage: tuple[AnswerRow, ...]  # the questions before the checks that were answered
    checks: tuple[CheckRow, ...]
    fixes_tried: tuple[FixTried, ...]
    fixes_to_try: tuple[CheckRow, ...]
    not_sure: tuple[LookUp, ...]  # every question answered "not sure", in the order asked
    readings: tuple[AnswerRow, ...]  # every answer read from the iPhone
    next_step: NextStep | None
    escalation: str | None  # where to get help (flow Markdown); None when not said
    sections: tuple[Section, ...]
    result: SessionResult  # for the JSON report's machine fields

    @property
    def help_first(self) -> bool:
        """Where to get help comes before the checks: fixes were tried in vain."""
        return (Section.WHERE_TO_GET_HELP in self.sections
                and self.sections.index(Section.WHERE_TO_GET_HELP)
                < self.sections.index(Section.CHECKS))


def _answer(q: QuestionResult) -> AnswerRow:
    assert q.answer is not None
    return AnswerRow(q.question.id, " ".join(q.question.prompt.split()),
                     kinds.label(q.question, q.answer), wording.reading(q),
                     q.source is Origin.UNANSWERED)


def fixes(result: CheckResult) -> tuple[Fix, ...]:
    """Each failed question's fix and how to tell it worked, in the order asked."""
    return tuple(Fix(q.question.remediation, q.question.verify.strip()
                     if q.question.verify else None)
                 for q in result.questions
                 if q.passed is False and q.question.remediation)


def _row(number: int, c: CheckResult, result: SessionResult) -> CheckRow:
    status = wording.RULED_OUT if c.ruled_out else wording.STATUS[c.status]
    return CheckRow(number, c.check.id, c.check.title, status, wording.reasons(c),
                    fixes(c), tuple(_answer(q) for q in c.questions if q.answer is not None),
                    result.fix_tried(c.check.id), c)


_TONE = {Outcome.RESOLVED: "good", Outcome.NO_PROBLEM_FOUND: "good",
         Outcome.PROBLEMS_FOUND: "bad"}


def build(result: SessionResult, service_status: AppleStatus | None = None) -> Report:
    """The report of a session (its flow texts already adapted to the iPhone read)."""
    rows = tuple(_row(n, c, result) for n, c in enumerate(result.checks, start=1))
    by_id = {row.id: row for row in rows}
    outcome = result.outcome
    tried = tuple(FixTried(by_id[c.check.id], helped) for c, helped in result.fixes_tried)
    resolved = outcome is Outcome.RESOLVED
    # Every fix tried is listed, the one that solved the problem too: whoever reads the
    # report sees what was done. A resolved session has nothing left to try.
    to_try = () if resolved else tuple(by_id[c.check.id] for c in result.failed
                                       if result.fix_tried(c.check.id) is None)
    not_sure = tuple(LookUp(q.question.id, " ".join(q.question.prompt.split()),
                            wording.where_to_look(q.question), q.source is Origin.UNANSWERED)
                     for q in wording.not_sure(result))
    asked = [*result.triage, *(q for c in result.checks for q in c.questions)]
    readings = tuple(_answer(q) for q in asked
                     if q.answer is not None and wording.reading(q) is not None)
    escalation = wording.escalation(result) if wording.needs_escalation(result) else None
    step = wording.next_step_parts(result)
    triage = tuple(_answer(q) for q in result.triage if q.answer is not None)

    # The order every format follows. Where to get help comes first when the fixes
    # tried did not help: it is what the reader needs next.
    help_first = escalation is not None and bool(result.tried_in_vain)
    present = {
        Section.APPLE_STATUS: bool(result.outages),
        Section.OUTCOME: True,
        Section.CHECKS: True,
        Section.ANSWERS: bool(triage) or any(row.answers for row in rows),
        Section.READINGS: bool(readings),
        Section.FIXES_TRIED: bool(tried),
        Section.FIXES_TO_TRY: bool(to_try),
        # Looked up when nothing else was found; a failed check's fix comes first.
        Section.TO_LOOK_UP: bool(not_sure) and outcome is Outcome.INCONCLUSIVE,
        Section.NEXT_STEP: step is not None,
    }
    order = [Section.APPLE_STATUS, Section.OUTCOME,
             *([Section.WHERE_TO_GET_HELP] if help_first else []),
             Section.CHECKS, Section.ANSWERS, Section.READINGS, Section.FIXES_TRIED,
             Section.FIXES_TO_TRY, Section.TO_LOOK_UP, Section.NEXT_STEP,
             *([Section.WHERE_TO_GET_HELP] if escalation and not help_first else [])]
    sections = tuple(s for s in order if present.get(s, True))

    return Report(
        flow=result.flow, outcome=outcome, headline=wording.headline(result),
        tone=_TONE.get(outcome, "open"), started=result.started,
        device=wording.device(result), device_name=wording.device(result, identifier=False),
        resolved_by=by_id.get(result.resolved_by) if result.resolved_by else None,
        outages=tuple(result.outages), service_status=service_status, triage=triage,
        checks=rows, fixes_tried=tried, fixes_to_try=to_try, not_sure=not_sure,
        readings=readings, next_step=step, escalation=escalation, sections=sections,
        result=result)


def outage_lines(outages: tuple[Outage, ...] | list[Outage]) -> tuple[str, ...]:
    """Each outage Apple reports, 'Photos (since 10:00): Some users are affected.'"""
    return tuple(f"{o.service}{f' (since {o.started})' if o.started else ''}: {o.message}"
                 for o in outages)
