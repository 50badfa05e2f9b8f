"""What every prompter is, and the steps they share: say where the session is, say
first when Apple reports an outage, show what a connected iPhone suggests, and turn
every way a person can leave a prompt into the end of the session."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Protocol

from icloud_fix import kinds, stopping
from icloud_fix.engine import CheckResult, Fix, Position, PromptUnavailable, Reply
from icloud_fix.errors import EXIT_HANGUP, EXIT_PROBLEMS_FOUND, Terminated
from icloud_fix.flow import Answer, Question
from icloud_fix.kinds import Option
from icloud_fix.prompts import drawing

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 (a type only)

    from icloud_fix.flowfile.variants import Phone
    from icloud_fix.probes.background import BackgroundReadings

# How long a question that a reading settles may wait for the reading, in seconds:
# ICLOUD_FIX_READING_WAIT when it is a number (clamped to 0-60), else 1. The tests set
# it long, so a question waits for the reading to end (each has its own timeout)
# instead of racing this wait on a busy machine.
SUGGESTION_WAIT = 1.0
READING_WAIT_LIMITS = (0.0, 60.0)
SKIP_LABEL = "Not sure / skip"
# The key (and, in plain mode, the words) that go back one question.
BACK_KEY = "b"
BACK_WORDS = ("b", "back")
# The answers to "do your photos sync now?" after a fix, with their keys.
FIX_OPTIONS = (
    Option(Fix.WORKED.value, "Yes", "y"),
    Option(Fix.DID_NOT_WORK.value, "No", "n"),
    Option(Fix.NOT_YET.value, "Not yet (this fix takes time: go on, and ask me next time)",
           "w"),
)


class Prompter(Protocol):
    """An answer source that asks a person; the engine's AnswerSource plus what the
    session needs around it."""

    def ask(self, question: Question, position: Position) -> str | Reply: ...

    def fixed_now(self, result: CheckResult, position: Position) -> Fix: ...

    def confirm(self, text: str, default: bool) -> bool:
        """A yes/no question outside the flow, such as 'Continue where you stopped?'."""
        ...

    def ask_fix(self, text: str) -> Fix:
        """Yes, no or not yet: did a fix work? (For fixes tried in an earlier session.)"""
        ...

    def holding_terminal(self) -> AbstractContextManager[None]:
        """Held for the whole session (the rich prompter keeps Ctrl-C as a key)."""
        ...


@contextmanager
def leaving_ends_the_session() -> Iterator[None]:
    """Turn every way a person can leave a prompt into PromptUnavailable.

    Ctrl-C may land while a prompt draws, before it reads keys (a SIGINT then), so
    the whole asking is covered, not only the key reading. A signal that came since
    the last prompt stops the session here, before anything of this one is shown.
    """
    try:
        stopping.check()
        yield
    except Terminated as exc:
        raise PromptUnavailable(exc.reason, exc.exit_code) from None
    except KeyboardInterrupt:
        raise PromptUnavailable("interrupted (Ctrl-C)") from None
    except EOFError:
        raise PromptUnavailable("end of input (Ctrl-D)") from None
    except OSError:
        # The terminal went away under the prompt (a hang-up without the signal).
        raise PromptUnavailable("the terminal was closed", EXIT_HANGUP) from None


class Heading:
    """Prints 'Check 3 of 7 - iCloud storage' once when a check begins."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._current: object = ()

    def show(self, position: Position) -> None:
        where = position.check.id if position.check is not None else None
        if where != self._current:
            self._current = where
            drawing.print_position(self.console, position)


def _phone(readings: BackgroundReadings | None) -> Phone | None:
    """The iPhone read so far (never waits), as the flow's wording follows it."""
    from icloud_fix.flowfile.variants import phone_of

    return phone_of(readings.device() if readings else None)


def as_shown(question: Question, readings: BackgroundReadings | None) -> Question:
    """The question with its texts as the iPhone read so far needs them (its iOS
    version's paths, its region's name for mobile data); every variant before one is
    read."""
    from icloud_fix.flowfile.variants import adapt_question

    return adapt_question(question, _phone(readings))


def result_as_shown(result: CheckResult, readings: BackgroundReadings | None
                    ) -> CheckResult:
    """A failed check with its fixes as the iPhone read so far needs them."""
    import dataclasses

    from icloud_fix.flowfile.variants import adapt_answered

    return dataclasses.replace(result, questions=adapt_answered(result.questions,
                                                                _phone(readings)))


def after_fix_question(text: str, readings: BackgroundReadings | None) -> str:
    """The flow's after-fix question, on one line, as the iPhone read so far needs it."""
    from icloud_fix.flowfile.variants import adapt_line

    return adapt_line(text, _phone(readings))


def options(question: Question) -> tuple[Option, ...]:
    """What a person may pick for a question: its kind's answers, then "not sure"."""
    return (*kinds.asking(question).options, Option(Answer.SKIP, SKIP_LABEL, "s"))


def has_help(question: Question) -> bool:
    """Whether 'h' explains something: the question's help, or an option's own."""
    return bool(question.help) or any(o.help for o in kinds.asking(question).options)


def suggestion_wait() -> float:
    """SUGGESTION_WAIT, or ICLOUD_FIX_READING_WAIT if it is a finite number (clamped)."""
    try:
        wait = float(os.environ.get("ICLOUD_FIX_READING_WAIT", SUGGESTION_WAIT))
    except ValueError:
        return SUGGESTION_WAIT
    if not math.isfinite(wait):
        return SUGGESTION_WAIT
    low, high = READING_WAIT_LIMITS
    return min(max(wait, low), high)


def look_before(
    readings: BackgroundReadings | None,
    question: Question,
    console: Console,
    confirm: Callable[[str, bool], bool],
) -> Reply | None:
    """Announce an outage (once) and return the suggestion for this question, if any."""
    if readings is None:
        return None
    outages = readings.take_outages()
    if outages:
        drawing.print_outages(console, outages)
        if not confirm("Go on with the checks anyway?", True):
            raise PromptUnavailable("you chose to wait while Apple reports an outage",
                                    EXIT_PROBLEMS_FOUND, for_outage=True)
    if kinds.suggested_by(question) is None:
        return None
    suggestion = readings.suggestion(question, wait=suggestion_wait())
    if suggestion is not None:
        drawing.print_suggestion(console, question, suggestion)
    else:
        note = readings.take_note()
        if note:
            drawing.print_note(console, note)
    return suggestion
