"""The plain front end: one line of text per question, answered with y, n or s and Enter.

Used with --plain and when TERM=dumb. It needs no cursor movement, works with a
screen reader and over the simplest serial or remote terminal, and reads answers
from stdin lines, so ``printf 'y\\nn\\n' | icloud-fix --plain`` works as a script too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from icloud_fix.engine import CheckResult, Position, Reply
from icloud_fix.errors import EXIT_INTERRUPTED, PromptUnavailable, leaving_ends_the_session
from icloud_fix.flow import Answer, Flow, Question, parse_answer
from icloud_fix.prompts.base import look_before
from icloud_fix.report import text as render_text

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 (a type only)

    from icloud_fix.probes.background import Lookout

_HELP_WORDS = {"h", "help", "?"}


class LinePrompter:
    """An AnswerSource that reads one answer per line."""

    def __init__(
        self, flow: Flow, console: Console, stdin: TextIO, lookout: Lookout | None = None
    ) -> None:
        self.flow = flow
        self.console = console
        self.stdin = stdin
        self.lookout = lookout
        self._current_check: str | None = None

    def _read(self, prompt: str) -> str:
        self.console.print(prompt, end="", markup=False, highlight=False)
        self.console.file.flush()
        if self.lookout is not None:
            self.lookout.start()  # the question is on the screen: now read the iPhone
        line = self.stdin.readline()
        if not line:
            self.console.print()
            raise PromptUnavailable("end of input", EXIT_INTERRUPTED)
        if not self.stdin.isatty():
            # Answers from a pipe are not echoed by a terminal; show them so the
            # transcript reads as a conversation.
            self.console.print(line.strip(), markup=False, highlight=False)
        return line.strip()

    def ask(self, question: Question, position: Position) -> Answer:
        with leaving_ends_the_session():
            return self._ask(question, position)

    def fixed_now(self, result: CheckResult, position: Position) -> bool:
        with leaving_ends_the_session():
            self._show_position(position)
            return self._fixed_now(result)

    @contextmanager
    def holding_terminal(self) -> Iterator[None]:
        """Nothing to hold: a line-mode terminal sends Ctrl-C as SIGINT while
        readline() waits, which is where this front end spends its time."""
        yield

    def _show_position(self, position: Position) -> None:
        if self._current_check != position.check.id:
            self._current_check = position.check.id
            render_text.print_position(self.console, position)

    def _ask(self, question: Question, position: Position) -> Answer | Reply:
        self._show_position(position)
        suggestion = look_before(self.lookout, question, self.console, self._confirm)
        keys = "y = yes, n = no, s = not sure" + (", h = explain" if question.help else "")
        if suggestion is not None:
            keys += f", Enter = {suggestion.answer.value} as suggested"
        while True:
            reply = self._read(f"{question.prompt.strip()} ({keys}): ")
            if question.help and reply.lower() in _HELP_WORDS:
                render_text.print_help(self.console, question.help)
                continue
            if suggestion is not None and (reply == "" or
                                           parse_answer(reply) is suggestion.answer):
                return suggestion  # confirmed: the answer comes from the iPhone
            answer = parse_answer(reply)
            if answer is not None:
                return answer
            self.console.print("Please type y for yes, n for no or s for not sure, then Enter.")

    def _fixed_now(self, result: CheckResult) -> bool:
        render_text.print_fix(self.console, result)
        return self._confirm(self.flow.after_fix_question.strip(), default=False)

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
                return answer is Answer.YES
            if reply == "":
                return default
            self.console.print("Please type y for yes or n for no, then Enter.")
