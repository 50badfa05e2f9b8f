"""The plain front end: one line of text per question, answered with a word and Enter.

Used with --plain and when TERM=dumb. It needs no cursor movement, works with a
screen reader and over the simplest serial or remote terminal, and reads answers
from stdin lines, so ``printf 'y\\nn\\n' | icloud-fix --plain`` works as a script too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from icloud_fix import kinds
from icloud_fix.engine import CheckResult, Fix, Position, PromptUnavailable, Reply
from icloud_fix.errors import EXIT_INTERRUPTED
from icloud_fix.flow import Answer, Flow, Question, parse_answer
from icloud_fix.kinds import Option
from icloud_fix.prompts.base import (
    Heading,
    has_help,
    leaving_ends_the_session,
    look_before,
    options,
)
from icloud_fix.report import text as render_text

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 (a type only)

    from icloud_fix.probes.background import BackgroundReadings

_HELP_WORDS = {"h", "help", "?"}


class PlainPrompter:
    """An answer source that reads one answer per line."""

    def __init__(
        self, flow: Flow, console: Console, stdin: TextIO,
        readings: BackgroundReadings | None = None,
    ) -> None:
        self.flow = flow
        self.console = console
        self.stdin = stdin
        self.readings = readings
        self.heading = Heading(console)

    def _read(self, prompt: str) -> str:
        self.console.print(prompt, end="", markup=False, highlight=False)
        self.console.file.flush()
        if self.readings is not None:
            self.readings.start()  # the question is on the screen: now read the iPhone
        line = self.stdin.readline()
        if not line:
            self.console.print()
            raise PromptUnavailable("end of input", EXIT_INTERRUPTED)
        if not self.stdin.isatty():
            # Answers from a pipe are not echoed by a terminal; show them so the
            # transcript reads as a conversation.
            self.console.print(line.strip(), markup=False, highlight=False)
        return line.strip()

    def ask(self, question: Question, position: Position) -> str | Reply:
        with leaving_ends_the_session():
            return self._ask(question, position)

    def fixed_now(self, result: CheckResult, position: Position) -> Fix:
        with leaving_ends_the_session():
            self.heading.show(position)
            render_text.print_fix(self.console, result)
            return self._ask_fix(self.flow.after_fix_question.strip())

    def ask_fix(self, text: str) -> Fix:
        """Yes, no or not yet: did a fix work?"""
        with leaving_ends_the_session():
            return self._ask_fix(text)

    def _ask_fix(self, text: str) -> Fix:
        while True:
            reply = self._read(f"{text} (y = yes, n = no, w = not yet): ").lower()
            if reply in ("w", "wait", "not yet", "later"):
                return Fix.NOT_YET
            answer = parse_answer(reply)
            if answer in (Answer.YES, Answer.NO):
                return Fix.WORKED if answer == Answer.YES else Fix.DID_NOT_WORK
            self.console.print("Please type y for yes, n for no or w for not yet, then Enter.",
                               markup=False, highlight=False)

    @contextmanager
    def holding_terminal(self) -> Iterator[None]:
        """Nothing to hold: a line-mode terminal sends Ctrl-C as SIGINT while
        readline() waits, which is where this front end spends its time."""
        yield

    def _ask(self, question: Question, position: Position) -> str | Reply:
        self.heading.show(position)
        suggestion = look_before(self.readings, question, self.console, self._confirm)
        picks = options(question)
        if question.kind == "yes_no":
            keys = "y = yes, n = no, s = not sure"
        else:
            # Each choice on its own line, numbered: type the number or the id.
            for number, option in enumerate(picks[:-1], start=1):
                render_text.print_numbered_choice(self.console, number, option)
            keys = "the number or id, s = not sure"
        keys += ", h = explain" if has_help(question) else ""
        if suggestion is not None:
            shown = kinds.label(question, suggestion.answer)
            keys += f", Enter = {shown} as suggested"
        while True:
            reply = self._read(f"{question.prompt.strip()} ({keys}): ")
            if has_help(question) and reply.lower() in _HELP_WORDS:
                render_text.print_help(self.console, question)
                continue
            answer = _pick(question, picks, reply)
            if suggestion is not None and (reply == "" or answer == suggestion.answer):
                return suggestion  # confirmed: the answer comes from the iPhone
            if answer is not None:
                return answer
            self.console.print(_again(question), markup=False, highlight=False)

    def confirm(self, text: str, default: bool) -> bool:
        """A yes/no question outside the flow, such as 'Continue where you stopped?'."""
        with leaving_ends_the_session():
            return self._confirm(text, default)

    def _confirm(self, text: str, default: bool) -> bool:
        keys = "Y/n" if default else "y/N"
        while True:
            reply = self._read(f"{text} ({keys}): ")
            answer = parse_answer(reply)
            if answer in (Answer.YES, Answer.NO):
                return answer == Answer.YES
            if reply == "":
                return default
            self.console.print("Please type y for yes or n for no, then Enter.")


def _pick(question: Question, picks: tuple[Option, ...], reply: str) -> str | None:
    """A typed line as an answer: a number from the list (choice questions), or any
    word the question's kind takes."""
    if question.kind != "yes_no" and reply.isdigit() and 1 <= int(reply) < len(picks):
        return picks[int(reply) - 1].value
    return kinds.parse(question, reply)


def _again(question: Question) -> str:
    if question.kind == "yes_no":
        return "Please type y for yes, n for no or s for not sure, then Enter."
    return (f"Please type a number from the list, or one of {kinds.of(question).accepted(question)}"
            ", then Enter.")
