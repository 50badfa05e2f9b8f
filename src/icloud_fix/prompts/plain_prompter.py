"""The plain front end: one line of text per question, answered with a word and Enter.

Used with --plain and when TERM=dumb. It needs no cursor movement, works with a
screen reader and over the simplest serial or remote terminal, and reads answers
from stdin lines, so ``printf 'synced\\ny\\n' | icloud-fix --plain`` works as a script too.

The keys are said once, at the start (explain_keys), not after every question: a screen
reader reads the whole line each time. Everything is wrapped at the console's width
here, so no line is cut where the terminal happens to end it.
"""

from __future__ import annotations

import io
import os
import select
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from icloud_fix import kinds, stopping
from icloud_fix.engine import CheckResult, Fix, GoBack, Position, PromptUnavailable, Reply
from icloud_fix.errors import EXIT_INTERRUPTED
from icloud_fix.flow import Answer, Flow, Question, parse_answer
from icloud_fix.kinds import Option, Style
from icloud_fix.prompts import drawing
from icloud_fix.prompts.base import (
    BACK_WORDS,
    Heading,
    after_fix_question,
    as_shown,
    has_help,
    leaving_ends_the_session,
    look_before,
    options,
    result_as_shown,
)
from icloud_fix.report import terminal
from icloud_fix.report.paragraphs import reflow
from icloud_fix.safe_text import one_line

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

    def explain_keys(self) -> None:
        """How to answer, said once before the first question."""
        self._say(_keys(self.flow))

    def _say(self, text: str) -> None:
        self.console.print(reflow(text, self.console.width), markup=False, highlight=False,
                           soft_wrap=True)

    def _read(self, prompt: str) -> str:
        # The prompt is a paragraph like any other; the answer is typed after its last
        # line, one space on, which the line leaves room for.
        lines = reflow(prompt, self.console.width - 1).split("\n")
        self.console.print("\n".join(lines) + " ", end="", markup=False, highlight=False,
                           soft_wrap=True)
        self.console.file.flush()
        if self.readings is not None:
            self.readings.start()  # the question is on the screen: now read the iPhone
        # The one place a signal may raise at once: it ends the wait for the line.
        with stopping.interruptible():
            _wait_for_a_line(self.stdin)
            line = self.stdin.readline()
        if not line:
            self.console.print()
            raise PromptUnavailable("end of input", EXIT_INTERRUPTED)
        if not self.stdin.isatty():
            # Answers from a pipe are not echoed by a terminal; show them so the
            # transcript reads as a conversation (on a line of their own when they would
            # not fit after the prompt).
            # As it was read, with a control or invisible character in it spelled out: a
            # line from a pipe must not drive the terminal.
            shown = one_line(line.strip())
            if len(lines[-1]) + 1 + len(shown) > self.console.width:
                self.console.print()
            self.console.print(shown, markup=False, highlight=False, soft_wrap=True)
        return line.strip()

    def ask(self, question: Question, position: Position) -> str | Reply:
        with leaving_ends_the_session():
            return self._ask(question, position)

    def fixed_now(self, result: CheckResult, position: Position) -> Fix:
        with leaving_ends_the_session():
            self.heading.show(position)
            terminal.print_fix(self.console, result_as_shown(result, self.readings))
            self.console.print()  # the question is not part of the fix
            return self._ask_fix(after_fix_question(self.flow.after_fix_question,
                                                    self.readings), go_back=True)

    def ask_fix(self, text: str) -> Fix:
        """Yes, no or not yet: did a fix work?"""
        with leaving_ends_the_session():
            return self._ask_fix(text)

    def _ask_fix(self, text: str, go_back: bool = False) -> Fix:
        # Not yet is this question's own answer: its keys are said here.
        while True:
            reply = self._read(f"{text} (y for yes, n for no, w for not yet):").lower()
            if reply in ("w", "wait", "not yet", "later"):
                return Fix.NOT_YET
            if go_back and reply in BACK_WORDS:
                raise GoBack
            answer = parse_answer(reply)
            if answer in (Answer.YES, Answer.NO):
                return Fix.WORKED if answer == Answer.YES else Fix.DID_NOT_WORK
            self._say("Please type y (yes), n (no) or w (not yet)"
                      + (", or b to go back." if go_back else "."))

    @contextmanager
    def holding_terminal(self) -> Iterator[None]:
        """No terminal mode to hold: a line-mode terminal sends Ctrl-C as SIGINT while
        readline() waits, which is where this front end spends its time, and where a
        signal ends the session (_read). Between two prompts a signal waits for the
        next one (stopping.deferred): raised there it could land in a lock."""
        with stopping.deferred(deliver=False):
            yield

    def _ask(self, question: Question, position: Position) -> str | Reply:
        question = as_shown(question, self.readings)  # the iPhone's version and region
        self.heading.show(position)
        suggestion = look_before(self.readings, question, self.console, self._confirm)
        picks = options(question)
        asking = kinds.asking(question)
        if asking.style is Style.PICK:
            # Each choice on its own line, numbered: type the number or the id.
            for number, option in enumerate(picks[:-1], start=1):
                drawing.print_numbered_choice(self.console, number, option)
        # The keys were said at the start; only what is this question's own is said here.
        prompt = question.prompt.strip()
        if asking.hint:
            prompt += f" (type {asking.hint})"
        if suggestion is not None:
            prompt += f" (Enter = {kinds.label(question, suggestion.answer)} as suggested)"
        while True:
            reply = self._read(prompt)
            if has_help(question) and reply.lower() in _HELP_WORDS:
                drawing.print_help(self.console, question)
                continue
            if reply.lower() in BACK_WORDS:
                raise GoBack
            answer = _pick(question, picks, reply)
            if suggestion is not None and (reply == "" or answer == suggestion.answer):
                return suggestion  # confirmed: the answer comes from the iPhone
            if answer is not None:
                return answer
            self._say(_again(question, len(picks) - 1, suggestion))

    def confirm(self, text: str, default: bool) -> bool:
        """A yes/no question outside the flow, such as 'Continue where you stopped?'."""
        with leaving_ends_the_session():
            return self._confirm(text, default)

    def _confirm(self, text: str, default: bool) -> bool:
        keys = "Y/n" if default else "y/N"
        while True:
            reply = self._read(f"{text} ({keys}):")
            answer = parse_answer(reply)
            if answer in (Answer.YES, Answer.NO):
                return answer == Answer.YES
            if reply == "":
                return default
            self._say(f"Please type y (yes), n (no) or Enter ({'yes' if default else 'no'}).")


def _wait_for_a_line(stdin: TextIO) -> None:
    """Wait until a terminal has a line to give, a tenth of a second at a time.

    A signal interrupts a blocking read, but one that comes just before the read
    starts does not: its Python handler runs only once Python code runs again, which
    a read that nobody answers never lets it. Each turn of this loop does. (A terminal
    in line mode gives one line per read, so nothing waits in stdin's buffer unseen;
    from a pipe, the answers are there already or a script sends them.)
    """
    try:
        fd = stdin.fileno()
        if not os.isatty(fd):
            return
        while not select.select([fd], [], [], 0.1)[0]:
            pass
    except (OSError, ValueError, io.UnsupportedOperation):  # no file descriptor to wait on
        return


def _pick(question: Question, picks: tuple[Option, ...], reply: str) -> str | None:
    """A typed line as an answer: a number from the list (choice questions), or any
    word the question's kind takes."""
    # ASCII digits only, and few: "²" is a digit to str.isdigit() but no number to int().
    if (kinds.asking(question).style is Style.PICK and reply.isascii() and reply.isdigit()
            and len(reply) <= 6 and 1 <= int(reply) < len(picks)):
        return picks[int(reply) - 1].value
    return kinds.parse(question, reply)


def _again(question: Question, choices: int, suggestion: Reply | None) -> str:
    """The reply to what a question does not take: every key it does take."""
    asking = kinds.asking(question)
    if asking.style is Style.YES_OR_NO:
        keys = ["y (yes)", "n (no)"]
    elif asking.style is Style.TYPED:
        keys = [asking.accepts.removesuffix(" or skip")]
    else:
        numbers = "1 or 2" if choices == 2 else f"a number from 1 to {choices}"
        keys = [numbers, "the word in brackets after a choice"]
    keys.append("s (not sure)")
    if has_help(question):
        keys.append("h (help)")
    keys.append("b (back one question)")
    if suggestion is not None:
        keys.append(f"Enter ({kinds.label(question, suggestion.answer)}, as suggested)")
    return f"Please type {_either(keys)}."


def _either(words: list[str]) -> str:
    """'a, b or c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _keys(flow: Flow) -> str:
    """How to answer this flow's questions, in a few sentences, said once at the start."""
    questions = list(flow.all_questions())
    styles = {kinds.asking(q).style for q in questions}
    yes_no, choice = Style.YES_OR_NO in styles, Style.PICK in styles
    if yes_no and choice:
        ways = ("y for yes or n for no (for a question with a numbered list, the number of "
                "your answer)")
    elif yes_no:
        ways = "y for yes or n for no"
    else:
        ways = "the number of your answer from the list"
    said = [f"How to answer: type {ways}, then press Enter."]
    if Style.TYPED in styles and not (yes_no or choice):
        said = ["How to answer: type your answer, then press Enter."]
    elif Style.TYPED in styles:
        said.append("Where a question asks you to type a value, type it (what it takes is "
                    "said with the question).")
    said.append("Type s if you are not sure: the question is skipped.")
    if any(has_help(q) for q in questions):
        said.append("Type h to have a question explained, where there is more to say.")
    said.append("Type b to go back one question and answer it again.")
    if any(kinds.suggested_by(q) is not None for q in questions):
        said.append("Where your iPhone suggests an answer, Enter alone takes it.")
    return " ".join(said)
