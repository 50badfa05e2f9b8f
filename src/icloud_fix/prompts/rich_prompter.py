"""The interactive front end: asks each question in the terminal with questionary.

The only module that imports questionary and prompt_toolkit, so scripted runs
never pay for them.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import questionary
from prompt_toolkit.application import get_app
from prompt_toolkit.filters import Condition, is_done
from prompt_toolkit.formatted_text import StyleAndTextTuples, to_formatted_text
from prompt_toolkit.key_binding import KeyBindings, KeyBindingsBase, merge_key_bindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.utils import get_cwidth
from questionary.prompts.common import InquirerControl

from icloud_fix import kinds, stopping
from icloud_fix.engine import CheckResult, Fix, GoBack, Position, PromptUnavailable, Reply
from icloud_fix.errors import Terminated
from icloud_fix.flow import Flow, Question
from icloud_fix.kinds import Asking, Style
from icloud_fix.prompts import drawing
from icloud_fix.prompts.base import (
    BACK_KEY,
    BACK_WORDS,
    FIX_OPTIONS,
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

if TYPE_CHECKING:
    from rich.console import Console

    from icloud_fix.probes.background import BackgroundReadings


def _quiet_loggers() -> None:
    """After a hang-up, prompt_toolkit's clean-up cannot write to the vanished terminal,
    and asyncio and prompt_toolkit would log that as a traceback on stderr; the prompter
    already turns the hang-up into a clean end of the session. (Done when a prompter is
    made, not at import; the session puts the loggers back when it ends.)"""
    for name in ("asyncio", "prompt_toolkit"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
        logger.propagate = False

try:
    import termios
except ImportError:  # pragma: no cover - Windows
    termios = None  # type: ignore[assignment]

# The values of the prompter's own choices and keys: a flow's choice ids are kebab-case,
# so none of these can be one (a choice with the id "help" stays that choice).
_HELP = "\x00help"
_BACK = "\x00back"
_SHOW_CURSOR = "\x1b[?25h"
_HELP_LABEL = "Explain this question"
# What explains a question where the answer is typed (h alone would be typed text).
_HELP_WORDS = ("h", "help")


def _instruction(question: Question, keyed: list[tuple[str, str]], unkeyed: int = 0) -> str:
    """The keys of a question in one short line: '(y = yes, n = no, s = not sure, ...)',
    or for a choice question '(press 1-3 to pick, s = not sure, h = explain)'."""
    arrows = "arrows + Enter also work"
    if kinds.asking(question).style is Style.YES_OR_NO:
        words = [f"{key} = {label.lower()}" for key, label in keyed if key != "s"]
    else:
        words = [_pick_keys([key for key, _ in keyed if key != "s"], unkeyed)]
        if unkeyed:
            arrows = ""  # already said: some choices are picked with the arrows only
    words.append("s = not sure")
    if has_help(question):
        words.append("h = explain")
    words.append(f"{BACK_KEY} = back")
    if arrows and not has_help(question):
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


# questionary writes a question as one long line, which the terminal cuts at its last
# column, in the middle of a word. The prompter draws the question itself instead, broken
# between words; these are where the lines it is broken into start: under the question's
# first word (after "? "), under a choice's label (after " » y) ", or " » " without
# keys), under the help's first word.
_QUESTION_INDENT = 2
_CHOICE_INDENT = 6
_UNKEYED_CHOICE_INDENT = 3
_HELP_INDENT = 2
_ZERO_WIDTH = "[ZeroWidthEscape]"


def _wrapped(fragments: StyleAndTextTuples, indent: int) -> StyleAndTextTuples:
    """fragments with each line broken between words to the terminal's width, read now:
    called at each redraw, so a resized terminal gets the lines broken again. The lines
    a line is broken into start with indent spaces; a word longer than a whole line is
    cut where the line ends, as nothing else would fit it.

    One column stays free: the cursor waits after the question's last word, and at the
    last column it would start a line of its own.
    """
    width = get_app().output.get_size().columns - 1
    out: StyleAndTextTuples = []
    column = 0
    space = -1  # where in out the last space of this line is (past the indent): a break
    for fragment in fragments:  # mouse handlers are dropped: the prompter sets none
        style, text = fragment[0], fragment[1]
        if _ZERO_WIDTH in style or not text:  # escapes and the cursor's mark
            out.append((style, text))
            continue
        for char in text:
            if char == "\n":
                out.append((style, char))
                column, space = 0, -1
                continue
            cells = get_cwidth(char)
            if column + cells > width and column > indent:
                if char == " ":  # the line ends at a space: the space goes
                    out.append(("", "\n" + " " * indent))
                    column, space = indent, -1
                    continue
                tail = out[space + 1:] if space >= 0 else []
                tail_cells = sum(get_cwidth(piece[1]) for piece in tail
                                 if _ZERO_WIDTH not in piece[0])
                if space >= 0 and indent + tail_cells + cells <= width:
                    del out[space:]  # the word starts the next line; its space goes
                    out.append(("", "\n" + " " * indent))
                    out.extend(tail)
                    column = indent + tail_cells
                else:
                    out.append(("", "\n" + " " * indent))
                    column = indent
                space = -1
            if char == " " and column > indent:
                space = len(out)
            out.append((style, char))
            column += cells
    return out


def _in_view(fragments: StyleAndTextTuples, pointed: int, indent: int
             ) -> StyleAndTextTuples:
    """The choices, wrapped, that a terminal has room for around the one pointed at,
    with how many more there are above and below: a flow may give thousands of
    choices, and each key redraws them; what is wrapped and drawn stays as much as one
    screen holds."""
    room = max(get_app().output.get_size().rows - 8, 3)
    lines: list[StyleAndTextTuples] = [[]]
    for fragment in fragments:
        style, text = fragment[0], fragment[1]
        for number, part in enumerate(text.split("\n")):
            if number:
                lines.append([])
            if part or _ZERO_WIDTH in style:
                lines[-1].append((style, part))
    if not lines[-1]:  # the last choice's line ends with a newline
        lines.pop()
    wrapped: dict[int, StyleAndTextTuples] = {}

    def rows(number: int) -> int:
        if number not in wrapped:
            wrapped[number] = [*_wrapped(lines[number], indent), ("", "\n")]
        return sum(piece[1].count("\n") for piece in wrapped[number])

    pointed = min(pointed, len(lines) - 1)
    start, end, used = pointed, pointed + 1, rows(pointed)
    # Out from the one pointed at, a line below then one above, while they fit.
    while start > 0 or end < len(lines):
        grew = False
        if end < len(lines) and used + rows(end) <= room:
            used += rows(end)
            end, grew = end + 1, True
        if start > 0 and used + rows(start - 1) <= room:
            start -= 1
            used += rows(start)
            grew = True
        if not grew:
            break
    shown: StyleAndTextTuples = []
    if start:
        shown.append(("class:instruction", f"  ({start:,} more above: Up, or Home)\n"))
    for number in range(start, end):
        shown.extend(wrapped[number])
    if end < len(lines):
        shown.append(("class:instruction", f"  ({len(lines) - end:,} more below: Down)"))
    elif shown:
        shown.pop()  # no newline after the last line: nothing follows it
    return shown


def _prompt_window(line: Callable[[], StyleAndTextTuples]) -> Window:
    """The question's line ('? question (keys)', then '? question answer'), wrapped;
    the cursor waits after it, where questionary's own prompt keeps it."""
    return Window(FormattedTextControl(
        lambda: _wrapped([*line(), ("[SetCursorPosition]", "")], _QUESTION_INDENT)),
        wrap_lines=True, dont_extend_height=True)


class _Help:
    """A question's help, drawn under the question once asked for: the question stays
    on the screen once, and the help with it after the answer."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.shown = False

    def show(self) -> None:
        self.shown = True

    def window(self) -> ConditionalContainer:
        def text() -> StyleAndTextTuples:
            indent = " " * _HELP_INDENT
            lines = [part for line in self.lines for part in line.splitlines()]
            return _wrapped([("italic", "\n".join(indent + line for line in lines))],
                            _HELP_INDENT)

        return ConditionalContainer(
            Window(FormattedTextControl(text), wrap_lines=True, dont_extend_height=True),
            filter=Condition(lambda: self.shown))


def _bindings_of(app: Any) -> list[KeyBindingsBase]:
    """The key bindings an application has (none is possible), to merge ours with."""
    return [app.key_bindings] if app.key_bindings is not None else []


def _choices(question: questionary.Question) -> InquirerControl:
    return next(control for control in question.application.layout.find_all_controls()
                if isinstance(control, InquirerControl))


def _lay_out_select(question: questionary.Question, message: str, instruction: str,
                    below_question: list[ConditionalContainer] | None = None) -> None:
    """Draw questionary's select with its question and choices wrapped between words,
    and anything below_question (the help) between them.

    questionary builds the choices and their keys; only the layout is replaced, around
    its own choice list, so the keys it binds act on what is drawn."""
    control = _choices(question)

    def line() -> StyleAndTextTuples:
        tokens: StyleAndTextTuples = [("class:qmark", "?"), ("class:question", f" {message} ")]
        if getattr(control, "went_back", False):
            tokens.append(("class:answer", "(back)"))
        elif control.is_answered:
            title = control.get_pointed_at().title
            tokens.append(("class:answer", title if isinstance(title, str)
                           else "".join(fragment[1] for fragment in title or ())))
        else:
            tokens.append(("class:instruction", instruction))
        return tokens

    choice_lines = control.text
    indent = _CHOICE_INDENT if control.use_shortcuts else _UNKEYED_CHOICE_INDENT
    control.text = lambda: _in_view(to_formatted_text(choice_lines),
                                    max(control.pointed_at, 0), indent)
    question.application.layout = Layout(HSplit([
        _prompt_window(line),
        *(below_question or []),
        ConditionalContainer(Window(control, dont_extend_height=True), filter=~is_done),
    ]))


def _lay_out_confirm(question: questionary.Question, message: str, default: bool) -> None:
    """Draw questionary's confirm with its question wrapped between words."""
    app = question.application

    def line() -> StyleAndTextTuples:
        tokens: StyleAndTextTuples = [("class:qmark", "?"), ("class:question", f" {message} ")]
        future = app.future
        if future is None or not future.done():
            tokens.append(("class:instruction", "(Y/n) " if default else "(y/N) "))
        elif not future.cancelled() and future.exception() is None:
            tokens.append(("class:answer", "Yes" if future.result() else "No"))
        return tokens

    app.layout = Layout(HSplit([_prompt_window(line)]))


def _ask_until_signal(question: questionary.Question) -> Any:
    """Ask, ending the prompt cleanly when a signal (SIGINT, SIGTERM, SIGHUP, SIGPIPE)
    arrives while it waits: the prompt's own event loop ends it, and it raises the
    signal's Terminated as Ctrl-C raises KeyboardInterrupt (see stopping.py).

    A signal that came before the prompt stops it before it is drawn; one that came as
    it was answered wins over the answer.
    """
    app = question.application

    def leave(stop: Terminated) -> None:
        if app.future is not None and not app.future.done():
            app.exit(exception=stop, style="class:aborting")

    def end(stop: Terminated) -> None:
        # Called from the signal handler, between two bytecodes of this thread and
        # maybe inside the loop's own code: only schedule the end there.
        loop = app.loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closing: asking raises it
                loop.call_soon_threadsafe(leave, stop)

    def end_at_once() -> None:  # a signal between asking() and the loop's start
        stop = stopping.pending()
        if stop is not None:
            leave(stop)

    app.pre_run_callables.append(end_at_once)
    with stopping.asking(end):
        # prompt_toolkit's own SIGINT handling would replace the handler of stopping.py
        # for the prompt's duration, and asyncio's reset it to the default after.
        return app.run(handle_sigint=False)


def _answer_keys(question: questionary.Question, keys: dict[str, Any],
                 go_back: bool = False) -> None:
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

    if go_back:
        @bindings.add(BACK_KEY, eager=True)
        @bindings.add(BACK_KEY.upper(), eager=True)
        def _back(event: Any) -> None:
            for control in event.app.layout.find_all_controls():
                if isinstance(control, InquirerControl):
                    control.went_back = True  # type: ignore[attr-defined]
                    control.is_answered = True
            event.app.exit(result=_BACK)

    @bindings.add(Keys.ControlD, eager=True)
    def _end_of_input(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    # The terminal sends Ctrl-Z as a key, not as SIGTSTP, while a prompt (or the
    # session, holding_terminal) reads keys: suspend as the shell would. prompt_toolkit
    # erases the prompt, puts the terminal back in line mode with echo and the cursor
    # shown, stops the process group, and on `fg` takes the keys again and redraws.
    @bindings.add(Keys.ControlZ, eager=True)
    def _suspend(event: Any) -> None:
        event.app.suspend_to_background()

    app = question.application
    own = app.key_bindings
    app.key_bindings = merge_key_bindings([own, bindings]) if own else bindings


class _NoAnswerYet:
    """The pointer starts on no answer, so that a reflex Enter answers nothing: Enter
    then says which keys answer, under the question; an arrow key puts the pointer on
    the first (down) or last (up) answer, after which Enter picks as usual."""

    def __init__(self, question: questionary.Question, keys: str) -> None:
        self.control = _choices(question)
        self.control.pointed_at = -1  # drawn on no line
        self.keys = keys
        self.hint = False
        unpointed = Condition(lambda: self.control.pointed_at < 0)
        bindings = KeyBindings()

        @bindings.add(Keys.ControlM, eager=True, filter=unpointed)
        def _enter(event: Any) -> None:
            self.hint = True

        @bindings.add(Keys.Down, eager=True, filter=unpointed)
        @bindings.add(Keys.ControlN, eager=True, filter=unpointed)
        def _first(event: Any) -> None:
            self.control.pointed_at = 0

        @bindings.add(Keys.Up, eager=True, filter=unpointed)
        @bindings.add(Keys.ControlP, eager=True, filter=unpointed)
        def _last(event: Any) -> None:
            self.control.pointed_at = self.control.choice_count - 1

        app = question.application
        app.key_bindings = merge_key_bindings([*_bindings_of(app), bindings])

    def window(self) -> ConditionalContainer:
        def text() -> StyleAndTextTuples:
            return _wrapped([("class:instruction", f"  Enter alone answers nothing here: "
                              f"press {self.keys}, or pick with the arrow keys first.")],
                            _HELP_INDENT)

        return ConditionalContainer(
            Window(FormattedTextControl(text), wrap_lines=True, dont_extend_height=True),
            filter=Condition(lambda: self.hint and self.control.pointed_at < 0) & ~is_done)


def _key_list(keys: list[str]) -> str:
    """'y, n or s'; numbers in a row as '1-9' ('1-9 or s')."""
    digits = [k for k in keys if k.isdigit()]
    if len(digits) > 2:
        keys = [f"{digits[0]}-{digits[-1]}", *(k for k in keys if not k.isdigit())]
    return keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} or {keys[-1]}"


def _explain_keys(question: questionary.Question, explain: Callable[[], None]) -> None:
    """h, or Enter on "Explain this question", shows the help and keeps asking: the
    question stays on the screen once, with the answer given after reading the help."""
    control = _choices(question)
    bindings = KeyBindings()

    @bindings.add("h", eager=True)
    @bindings.add("H", eager=True)
    def _explain(event: Any) -> None:
        explain()

    # Enter on any other choice answers with it (questionary's own binding).
    @bindings.add(Keys.ControlM, eager=True,
                  filter=Condition(lambda: control.pointed_at >= 0
                                   and control.get_pointed_at().value == _HELP))
    def _explain_pointed(event: Any) -> None:
        explain()

    app = question.application
    app.key_bindings = merge_key_bindings([*_bindings_of(app), bindings])


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
        _quiet_loggers()
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
        """For the whole session, keys typed between two prompts wait for the next one,
        and a signal between two prompts stops the session at the next one.

        The terminal sends Ctrl-C and Ctrl-Z as keys, not as SIGINT and SIGTSTP: the next
        prompt ends the session or suspends it, with the terminal put back as it should
        be, where a SIGTSTP would stop the process with the terminal in this quiet mode.
        Signals from elsewhere (kill, a closed terminal) wait too (stopping.deferred): a
        handler that raised between prompts would land in a lock or a finaliser. SIGPIPE
        stops the session like SIGTERM while it holds the terminal, which its default
        action would leave in this mode.
        """
        # Deferring first: a signal between setting the mode and the try below would
        # leave the terminal in it.
        with stopping.deferred(deliver=False), stopping.catching("SIGPIPE"):
            saved = _terminal_mode()
            if saved is not None and termios is not None:
                quiet = list(saved)
                # No line mode between prompts either: a key typed before the next
                # prompt is drawn (Ctrl-D too, which line mode would swallow as "end of
                # file") is kept for that prompt, and not echoed over the output.
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
            terminal.print_fix(self.console, result_as_shown(result, self.readings))
            return self._ask_fix(after_fix_question(self.flow.after_fix_question,
                                                    self.readings), go_back=True)

    def ask_fix(self, text: str) -> Fix:
        """Yes, no or not yet: did a fix work?"""
        with self._leaving():
            return self._ask_fix(text)

    def _ask_fix(self, text: str, go_back: bool = False) -> Fix:
        instruction = "(y = yes, n = no, w = not yet" + (
            f", {BACK_KEY} = back)" if go_back else ")")
        prompt = questionary.select(
            text,
            choices=[questionary.Choice(o.label, o.value, shortcut_key=o.key)
                     for o in FIX_OPTIONS],
            use_shortcuts=True,
            instruction=instruction,
            qmark="?",
            **self.prompt_kwargs,
        )
        # Never a preselected answer here: a reflex Enter must not say a fix worked.
        unanswered = _NoAnswerYet(prompt, _key_list([o.key for o in FIX_OPTIONS if o.key]))
        _lay_out_select(prompt, text, instruction, [unanswered.window()])
        _answer_keys(prompt, {o.key: o.value for o in FIX_OPTIONS if o.key}, go_back=go_back)
        value = _ask_until_signal(prompt)
        if value == _BACK:
            raise GoBack
        return Fix(value)

    def confirm(self, text: str, default: bool) -> bool:
        """A yes/no question outside the flow, such as 'Continue where you stopped?'."""
        with self._leaving():
            return self._confirm(text, default)

    def _confirm(self, text: str, default: bool) -> bool:
        prompt = questionary.confirm(text, default=default, auto_enter=True,
                                     **self.prompt_kwargs)
        _lay_out_confirm(prompt, text, default)
        _answer_keys(prompt, {})
        return bool(_ask_until_signal(prompt))

    def _start_readings(self, _app: object) -> None:
        if self.readings is not None:
            self.readings.start()

    def _ask(self, question: Question, position: Position) -> str | Reply:
        question = as_shown(question, self.readings)  # the iPhone's version and region
        self.heading.show(position)
        suggestion = look_before(self.readings, question, self.console, self._confirm)
        asking = kinds.asking(question)
        if asking.style is Style.TYPED:
            return self._ask_typed(question, asking, suggestion)
        picks = options(question)
        choices = [questionary.Choice(o.label, o.value, shortcut_key=o.key or False)
                   for o in picks]
        keys: dict[str, Any] = {o.key: o.value for o in picks if o.key}
        explained = has_help(question)
        if explained:
            choices.append(questionary.Choice(_HELP_LABEL, _HELP, shortcut_key="h"))
        message = question.prompt.strip()
        instruction = _instruction(question, [(o.key, o.label) for o in picks if o.key],
                                   sum(1 for o in picks if not o.key))
        prompt = questionary.select(
            message,
            choices=choices,
            # questionary draws at most 36 shortcuts and refuses more choices; past
            # that the keys still work (bound below), they are just not drawn.
            use_shortcuts=len(choices) <= len(InquirerControl.SHORTCUT_KEYS),
            # j and k would move the pointer; a choice may start with either letter.
            use_jk_keys=not {"j", "k"} & set(keys),
            instruction=instruction,
            qmark="?",
            # The suggested answer is pre-selected: Enter confirms it.
            default=next((c for c in choices if suggestion and c.value ==
                          suggestion.answer), None),
            **self.prompt_kwargs,
        )
        explanation = _Help(drawing.help_lines(question))
        below = [explanation.window()] if explained else []
        if suggestion is None:
            # Nothing suggested: Enter alone answers nothing (see _NoAnswerYet).
            below.append(_NoAnswerYet(prompt, _key_list(list(keys))).window())
        _lay_out_select(prompt, message, instruction, below)
        _answer_keys(prompt, keys, go_back=True)
        if explained:
            _explain_keys(prompt, explanation.show)
        if self.readings is not None:
            # Readings start once this question is drawn, never before it.
            prompt.application.after_render += self._start_readings
        value = _ask_until_signal(prompt)
        if value == _BACK:
            raise GoBack
        if suggestion is not None and value == suggestion.answer:
            return suggestion  # confirmed: the answer comes from the iPhone
        return str(value)

    def _ask_typed(self, question: Question, asking: Asking,
                   suggestion: Reply | None) -> str | Reply:
        """A typed answer, checked as it is typed: Enter takes only what the question's
        kind takes, or s (not sure), h (explain) or b (back)."""
        explained = has_help(question)
        words = [f"type {asking.hint or 'your answer'}", "s = not sure"]
        if explained:
            words.append("h = explain")
        words.append(f"{BACK_KEY} = back")
        instruction = "(" + ", ".join(words) + ")"
        again = f"Please type {asking.accepts.removesuffix(' or skip')}, s (not sure)" + (
            ", h (explain)" if explained else "") + " or b (back)."

        def valid(text: str) -> bool | str:
            word = text.strip().lower()
            if (word in BACK_WORDS or (explained and word in _HELP_WORDS)
                    or kinds.parse(question, text) is not None):
                return True
            return again

        message = question.prompt.strip()
        while True:
            prompt = questionary.text(
                message, validate=valid, instruction=instruction, qmark="?",
                default=kinds.parse(question, suggestion.answer) or "" if suggestion else "",
                **self.prompt_kwargs)
            _answer_keys(prompt, {})
            if self.readings is not None:
                prompt.application.after_render += self._start_readings
            typed = str(_ask_until_signal(prompt))
            word = typed.strip().lower()
            if word in BACK_WORDS:
                raise GoBack
            if explained and word in _HELP_WORDS:
                drawing.print_help(self.console, question)
                continue
            answer = kinds.parse(question, typed)
            if answer is None:  # the check above lets nothing else through
                continue
            if suggestion is not None and answer == suggestion.answer:
                return suggestion  # confirmed: the answer comes from the iPhone
            return answer
