"""The interactive front end: asks each question in the terminal with questionary.

The only module that imports questionary and prompt_toolkit, so scripted runs
never pay for them.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import questionary
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import ColorDepth
from questionary.prompts.common import InquirerControl

from icloud_fix.engine import CheckResult, Fix, Position, PromptUnavailable, Reply
from icloud_fix.flow import Flow, Question
from icloud_fix.prompts.base import (
    FIX_OPTIONS,
    Heading,
    has_help,
    leaving_ends_the_session,
    look_before,
    options,
)
from icloud_fix.report import text as render_text

if TYPE_CHECKING:
    from rich.console import Console

    from icloud_fix.probes.background import BackgroundReadings

# After a hang-up, prompt_toolkit's clean-up cannot write to the vanished terminal, and
# asyncio and prompt_toolkit would log that as a traceback on stderr; the prompter
# already turns the hang-up into a clean end of the session.
for _name in ("asyncio", "prompt_toolkit"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False

try:
    import termios
except ImportError:  # pragma: no cover - Windows
    termios = None  # type: ignore[assignment]

_HELP = "help"
_SHOW_CURSOR = "\x1b[?25h"
_HELP_LABEL = "Explain this question"


def _instruction(question: Question, keyed: list[tuple[str, str]], unkeyed: int = 0) -> str:
    """The keys of a question in one short line: '(y = yes, n = no, s = not sure, ...)',
    or for a choice question '(press 1-3 to pick, s = not sure, h = explain)'."""
    arrows = "arrows + Enter also work"
    if question.kind == "yes_no":
        words = [f"{key} = {label.lower()}" for key, label in keyed if key != "s"]
    else:
        words = [_pick_keys([key for key, _ in keyed if key != "s"], unkeyed)]
        if unkeyed:
            arrows = ""  # already said: some choices are picked with the arrows only
    words.append("s = not sure")
    if has_help(question):
        words.append("h = explain")
    elif arrows:
        words.append(arrows)
    return "(" + ", ".join(words) + ")"


def _pick_keys(keys: list[str], unkeyed: int) -> str:
    """'press 1-3 to pick', 'press b, o or r to pick'; with choices that have no key,
    'press 1-9 or use arrows + Enter'."""
    if not keys:
        return "use arrows + Enter to pick"
    if len(keys) > 2 and keys == [str(n) for n in range(1, len(keys) + 1)]:
        said = f"{keys[0]}-{keys[-1]}"
    else:
        said = ", ".join(keys[:-1]) + f" or {keys[-1]}" if len(keys) > 1 else keys[0]
    return f"press {said} or use arrows + Enter" if unkeyed else f"press {said} to pick"


def _ask_until_signal(question: questionary.Question) -> Any:
    """Ask, ending the prompt cleanly when SIGTERM or SIGHUP arrives while it waits.

    A signal handler that raises lands wherever Python is, which inside the prompt's
    event loop can be a callback whose exception asyncio swallows, or the middle of a
    lock; while the prompt runs, the loop itself receives the signal and ends the
    prompt with the same Terminated the handler would raise.
    """
    import signal

    from icloud_fix.errors import Terminated

    app = question.application
    restore: list[tuple[int, Any]] = []

    def install() -> None:
        import asyncio

        loop = asyncio.get_running_loop()
        for name in ("SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            restore.append((signum, signal.getsignal(signum)))

            def end(signum: int = signum, name: str = name) -> None:
                if not app.future or not app.future.done():
                    app.exit(exception=Terminated(signum, name), style="class:aborting")

            try:
                loop.add_signal_handler(signum, end)
            except (RuntimeError, ValueError, NotImplementedError):  # not the main thread
                restore.pop()

    app.pre_run_callables.append(install)
    try:
        return question.unsafe_ask()
    finally:
        # Closing the prompt's loop resets these signals to their defaults: put the
        # session's own handlers back.
        for signum, previous in restore:
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(signum, previous)


def _answer_keys(question: questionary.Question, keys: dict[str, Any]) -> None:
    """Let a single key press choose and submit an answer, and Ctrl-D end the session.

    questionary's own shortcuts only move the pointer; a yes/no question should
    take one key, like any good terminal prompt.
    """
    bindings = KeyBindings()

    def submit(value: Any) -> Any:
        def handler(event: Any) -> None:
            for control in event.app.layout.find_all_controls():
                if isinstance(control, InquirerControl):
                    for index, choice in enumerate(control.choices):
                        if choice.value == value:
                            control.pointed_at = index
                    control.is_answered = True
            event.app.exit(result=value)

        return handler

    for key, value in keys.items():
        bindings.add(key, eager=True)(submit(value))
        if key.isalpha():
            bindings.add(key.upper(), eager=True)(submit(value))

    @bindings.add(Keys.ControlD, eager=True)
    def _end_of_input(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    # Ctrl-C pressed while the prompt starts, before the terminal is in raw mode,
    # arrives as a SIGINT that prompt_toolkit turns into this key; questionary
    # does not bind it, so without this it would be lost.
    @bindings.add(Keys.SIGINT, eager=True)
    def _interrupt(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    app = question.application
    own = app.key_bindings
    app.key_bindings = merge_key_bindings([own, bindings]) if own else bindings


def _terminal_mode() -> list[Any] | None:
    if termios is None:
        return None
    try:
        return termios.tcgetattr(sys.stdin.fileno())
    except (termios.error, OSError, ValueError):  # not a terminal
        return None


def _restore_terminal_mode(saved: list[Any] | None) -> None:
    if termios is None or saved is None:
        return
    with contextlib.suppress(termios.error, OSError, ValueError):  # the terminal is gone
        termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, saved)


def _quiet_half_built_loop() -> None:
    """A Ctrl-C that lands while asyncio builds the prompt's event loop leaves a half-built
    loop whose finaliser, at exit, prints 'Exception ignored' and a never-awaited warning.
    Nothing is lost by then; keep the person's screen clean."""
    sys.unraisablehook = lambda unraisable: None
    warnings.filterwarnings("ignore", category=RuntimeWarning, message="coroutine .* never awaited")


class RichPrompter:
    """An AnswerSource that asks a person, one question at a time."""

    def __init__(
        self,
        flow: Flow,
        console: Console,
        no_color: bool = False,
        readings: BackgroundReadings | None = None,
        **prompt_kwargs: Any,
    ) -> None:
        self.flow = flow
        self.console = console
        self.readings = readings
        self.heading = Heading(console)
        # input=/output= let tests drive the prompts with prompt_toolkit's pipe input.
        self.prompt_kwargs = prompt_kwargs
        if no_color:
            self.prompt_kwargs["color_depth"] = ColorDepth.DEPTH_1_BIT

    @contextmanager
    def holding_terminal(self) -> Iterator[None]:
        """For the whole session, Ctrl-C reaches the prompts as a key, not as SIGINT.

        A SIGINT becomes a KeyboardInterrupt wherever Python happens to be, and
        between two prompts that can be inside a finaliser, where it is swallowed
        and the press lost. As a key it waits for the next prompt, which then ends
        the session as it should.
        """
        saved = _terminal_mode()
        if saved is not None and termios is not None:
            quiet = list(saved)
            # No line mode between prompts either: a key typed before the next prompt
            # is drawn (Ctrl-D too, which line mode would swallow as "end of file") is
            # kept for that prompt, and not echoed over the output.
            quiet[3] &= ~(termios.ISIG | termios.ICANON | termios.ECHO)
            quiet[6] = list(quiet[6])
            quiet[6][termios.VMIN] = 1
            quiet[6][termios.VTIME] = 0
            with contextlib.suppress(termios.error, OSError, ValueError):
                termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, quiet)
        try:
            yield
        finally:
            _restore_terminal_mode(saved)

    @contextmanager
    def _leaving(self) -> Iterator[None]:
        saved = _terminal_mode()
        try:
            with leaving_ends_the_session():
                yield
        except PromptUnavailable:
            # A signal can cut into prompt_toolkit's own clean-up: put the terminal
            # back as it was (line mode, echo) and show the cursor again.
            _restore_terminal_mode(saved)
            _quiet_half_built_loop()
            if self.console.is_terminal:
                with contextlib.suppress(OSError):
                    self.console.file.write(_SHOW_CURSOR)
                    self.console.file.flush()
            raise

    def ask(self, question: Question, position: Position) -> str | Reply:
        with self._leaving():
            return self._ask(question, position)

    def fixed_now(self, result: CheckResult, position: Position) -> Fix:
        with self._leaving():
            # The check may have failed on answers given by flags: say which it is.
            self.heading.show(position)
            render_text.print_fix(self.console, result)
            return self._ask_fix(self.flow.after_fix_question.strip())

    def ask_fix(self, text: str) -> Fix:
        """Yes, no or not yet: did a fix work?"""
        with self._leaving():
            return self._ask_fix(text)

    def _ask_fix(self, text: str) -> Fix:
        prompt = questionary.select(
            text,
            choices=[questionary.Choice(o.label, o.value, shortcut_key=o.key)
                     for o in FIX_OPTIONS],
            use_shortcuts=True,
            instruction="(y = yes, n = no, w = not yet)",
            qmark="?",
            **self.prompt_kwargs,
        )
        _answer_keys(prompt, {o.key: o.value for o in FIX_OPTIONS if o.key})
        return Fix(_ask_until_signal(prompt))

    def confirm(self, text: str, default: bool) -> bool:
        """A yes/no question outside the flow, such as 'Continue where you stopped?'."""
        with self._leaving():
            return self._confirm(text, default)

    def _confirm(self, text: str, default: bool) -> bool:
        prompt = questionary.confirm(text, default=default, auto_enter=True,
                                     **self.prompt_kwargs)
        _answer_keys(prompt, {})
        return bool(_ask_until_signal(prompt))

    def _start_readings(self, _app: object) -> None:
        if self.readings is not None:
            self.readings.start()

    def _ask(self, question: Question, position: Position) -> str | Reply:
        self.heading.show(position)
        suggestion = look_before(self.readings, question, self.console, self._confirm)
        picks = options(question)
        choices = [questionary.Choice(o.label, o.value, shortcut_key=o.key or False)
                   for o in picks]
        keys: dict[str, Any] = {o.key: o.value for o in picks if o.key}
        if has_help(question):
            choices.append(questionary.Choice(_HELP_LABEL, _HELP, shortcut_key="h"))
            keys["h"] = _HELP
        while True:
            prompt = questionary.select(
                question.prompt.strip(),
                choices=choices,
                # questionary draws at most 36 shortcuts and refuses more choices; past
                # that the keys still work (bound below), they are just not drawn.
                use_shortcuts=len(choices) <= len(InquirerControl.SHORTCUT_KEYS),
                # j and k would move the pointer; a choice may start with either letter.
                use_jk_keys=not {"j", "k"} & set(keys),
                instruction=_instruction(question, [(o.key, o.label) for o in picks if o.key],
                                         sum(1 for o in picks if not o.key)),
                qmark="?",
                # The suggested answer is pre-selected: Enter confirms it.
                default=next((c for c in choices if suggestion and c.value ==
                              suggestion.answer), None),
                **self.prompt_kwargs,
            )
            _answer_keys(prompt, keys)
            if self.readings is not None:
                # Readings start once this question is drawn, never before it.
                prompt.application.after_render += self._start_readings
            value = _ask_until_signal(prompt)
            if suggestion is not None and value == suggestion.answer:
                return suggestion  # confirmed: the answer comes from the iPhone
            if value != _HELP:
                return str(value)
            render_text.print_help(self.console, question)
