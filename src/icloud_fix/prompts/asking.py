"""The prompter as the engine asks it, and what a person hears before a check begins.

The engine asks a prompter only what was not answered ahead, so a check answered with
``--answer`` goes by without a word, and nothing in a check tells the prompter that
the iPhone could answer the next one. ``Asking`` stands between the two and, where a
check begins, says (each at most once in a session):

- which checks were answered from the command line;
- that Apple reports no problem with the service, once its status is known;
- why nothing is read from the iPhone, before the first check a reading could answer.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from icloud_fix import engine, kinds
from icloud_fix.engine import CheckResult, Fix, Origin, Position, Reply
from icloud_fix.flow import Flow, Question
from icloud_fix.prompts import drawing
from icloud_fix.prompts.base import leaving_ends_the_session, suggestion_wait

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 (a type only)

    from icloud_fix.answers import GivenAnswers
    from icloud_fix.probes.background import BackgroundReadings
    from icloud_fix.prompts.base import Prompter

# Where answers given ahead come from, for "answered from the command line" (answers
# kept from an interrupted session are the person's own, and not said again).
_COMMAND_LINE = (Origin.FLAG, Origin.FILE)


class Asking:
    """The engine's answer source for what was not given ahead: the prompter, with the
    notes said where a check begins."""

    def __init__(self, flow: Flow, prompter: Prompter, console: Console,
                 readings: BackgroundReadings | None, given: GivenAnswers,
                 only: Collection[str] | None) -> None:
        self.flow = flow
        self.prompter = prompter
        self.console = console
        self.readings = readings
        self.given = given
        self.only = only
        self._at: object = ()  # the check (its id, None for the triage) begun last
        self._ahead_said = False
        self._status_said = False
        self._said: dict[str, str] = {}  # the person's answers so far

    def ask(self, question: Question, position: Position) -> str | Reply:
        with leaving_ends_the_session():  # a closed terminal or a signal, as at a prompt
            self._begin(position)
        reply = self.prompter.ask(question, position)
        self._said[question.id] = reply.answer if isinstance(reply, Reply) else reply
        return reply

    def fixed_now(self, result: CheckResult, position: Position) -> Fix | bool:
        with leaving_ends_the_session():
            self._begin(position)
        return self.prompter.fixed_now(result, position)

    def finish(self) -> list[str]:
        """The session asked its last question: the note that says which checks were
        answered from the command line, if no check the person was asked has said it
        yet (the session prints it with the report, ``print_notes``)."""
        return self._ahead()

    def _begin(self, position: Position) -> None:
        """Before the prompter shows a check's heading: the notes that belong there."""
        where = position.check.id if position.check is not None else None
        if where == self._at:
            return
        self._at = where
        notes = self._ahead() if position.check is not None else []
        notes += self._readings(position)
        self.print_notes(notes)

    def print_notes(self, notes: list[str]) -> None:
        """Notes said where a check begins (or at the end), after a blank line."""
        if notes:
            self.console.print()
            for note in notes:
                drawing.print_note(self.console, note)

    def _ahead(self) -> list[str]:
        if self._ahead_said:
            return []
        self._ahead_said = True
        numbers = answered_ahead(self.flow, self.given, self._said, self.only)
        if not numbers:
            return []
        checks = "Check" if len(numbers) == 1 else "Checks"
        return [f"{checks} {_numbers(numbers)} answered from the command line."]

    def _readings(self, position: Position) -> list[str]:
        readings = self.readings
        if readings is None:
            return []
        notes = []
        if not self._status_said and self.flow.service_status:
            status = readings.status(0)  # never waits: said at a later check
            if status is not None and status.all_clear:  # unreachable: --verbose says it
                self._status_said = True
                notes.append(f"Apple reports no problem with "
                             f"{_service(self.flow.service_status)} right now.")
        questions = (position.check.questions if position.check is not None
                     else self.flow.triage)
        if any(kinds.suggested_by(q) is not None and q.id not in self.given.answers
               for q in questions):
            # This check's question will wait this long for the reading anyway: waiting
            # here puts the note at the check's heading, not in the middle of it. If it
            # takes longer still, the question says it (prompts.base.look_before).
            readings.start()
            readings.reading(suggestion_wait())
            note = readings.take_note()
            if note:
                notes.append(note)
        return notes


def _service(services: tuple[str, ...]) -> str:
    # The first service is the one the flow is about. Apple's status page calls iCloud
    # Photos "Photos"; a person knows it by its full name.
    return "iCloud Photos" if services[0] == "Photos" else services[0]


def _numbers(numbers: list[int]) -> str:
    """'1', '1 and 3', '1 to 4 and 6': three or more in a row as a range."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts: list[str] = []
    for run in runs:
        parts += [f"{run[0]} to {run[-1]}"] if len(run) >= 3 else [str(n) for n in run]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def answered_ahead(flow: Flow, given: GivenAnswers, said: dict[str, str],
                   only: Collection[str] | None) -> list[int]:
    """The numbers (as this session numbers them) of the checks that no question will be
    asked in, every answer coming from the command line: of those the engine finds
    answered ahead (engine.answered_ahead), the ones the person said nothing in."""

    def known(question: Question) -> Reply | None:
        if question.id in given.answers:
            return Reply(given.answers[question.id],
                         given.origins.get(question.id, Origin.FLAG))
        if question.id in said:
            return Reply(said[question.id])
        return None

    return [number for number, check in engine.answered_ahead(flow, known, only)
            if all(q.source in _COMMAND_LINE for q in check.questions
                   if q.answer is not None)]
