"""Everything icloud-fix shows in a terminal. The only module that imports rich."""

from __future__ import annotations

import io
import re
import sys
import textwrap
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

# rich.markdown (with markdown-it) and rich.table are imported where a fix or the
# summary is drawn: they cost more than all the rest of rich that the first
# question needs, and the person should see that question at once.

if TYPE_CHECKING:
    from rich.table import Table

    from icloud_fix.kinds import Option
    from icloud_fix.probes.apple_feeds import Outage

from icloud_fix import kinds
from icloud_fix.engine import CheckResult, Outcome, Position, Reply, SessionResult, Status
from icloud_fix.flow import Flow, Question
from icloud_fix.report import wording

# Each status is said in words; the symbol and colour only repeat it.
_STATUS = {
    Status.PASSED: ("✓", "+", "passed", "green"),
    Status.FAILED: ("✗", "x", "FAILED", "bold red"),
    Status.FIXED: ("✓", "+", "fixed", "bold green"),
    Status.WAITING: ("…", "~", "fix tried, waiting", "yellow"),
    Status.SKIPPED: ("?", "?", "skipped (not sure)", "yellow"),
    Status.IN_PROGRESS: ("…", "~", "in progress (stopped)", "yellow"),
    Status.NOT_REACHED: ("·", "-", "not reached", "dim"),
    Status.NOT_RUN: ("·", "-", "not run", "dim"),
}


class _TrimmedStream:
    """Drops the spaces rich pads wrapped lines with, so copied text has no trailing blanks."""

    _TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)(?=\n)")

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    @classmethod
    def trim(cls, text: str) -> str:
        return cls._TRAILING.sub(r"\1", text)

    def write(self, text: str) -> int:
        self._stream.write(self.trim(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class PlainConsole(Console):
    """For --plain and TERM=dumb: no colour, no box drawing, no cursor movement, and
    Markdown shown as the text it is, which screen readers and serial lines handle."""


def make_console(
    file: TextIO | None = None, no_color: bool = False, plain: bool = False
) -> Console:
    """A console that follows rich's rules for colour (NO_COLOR, not a terminal)."""
    stream = _TrimmedStream(file or sys.stdout)
    if plain:
        return PlainConsole(file=stream, color_system=None, highlight=False,  # type: ignore[arg-type]
                            emoji=False)
    # None, not False, lets rich read NO_COLOR from the environment.
    return Console(file=stream, no_color=no_color or None, highlight=False)  # type: ignore[arg-type]


def _markdown(console: Console, text: str) -> RenderableType:
    if isinstance(console, PlainConsole):
        return Text(_BOLD.sub(r"\1", text.strip()))
    from rich.markdown import Markdown

    return Markdown(text)


def _indent(renderable: RenderableType, left: int) -> Padding:
    # expand=False: no trailing spaces to the terminal's width.
    return Padding(renderable, (0, 0, 0, left), expand=False)


_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)


def _unicode(console: Console) -> bool:
    if isinstance(console, PlainConsole):
        return False
    return console.encoding.lower().replace("-", "").startswith("utf")


def status_label(console: Console, status: Status) -> Text:
    fancy, plain, word, style = _STATUS[status]
    symbol = fancy if _unicode(console) else plain
    return Text(f"{symbol} {word}", style=style)


def print_intro(console: Console, flow: Flow) -> None:
    console.print(Text(flow.title, style="bold"))
    if flow.description:
        console.print(Text(flow.description.strip(), style="dim"))
    console.print()


def print_position(console: Console, position: Position) -> None:
    """'Check 3 of 7 - iCloud storage', printed once when a check begins."""
    console.print()
    if position.check is None:
        where = "Before the checks"
    else:
        where = f"Check {position.number} of {position.total} - {position.check.title}"
    console.print(Text(where, style="bold cyan"))


def print_outages(console: Console, outages: list[Outage]) -> None:
    """Apple's own service is down: say so first, in plain words."""
    console.print()
    console.print(Group(*_outages(outages)))


def _outages(outages: list[Outage] | tuple[Outage, ...]) -> Iterator[RenderableType]:
    yield Text("Apple reports a problem with its own service right now:", style="bold yellow")
    for outage in outages:
        since = f" (since {outage.started})" if outage.started else ""
        yield _indent(Text(f"{outage.service}{since}: {outage.message}"), 2)
    yield _indent(Text("While this lasts, no setting on your iPhone will make photos sync. "
                       f"{wording.SYSTEM_STATUS}"), 2)


def print_suggestion(console: Console, question: Question, reply: Reply) -> None:
    """What a connected iPhone says about the question, and the answer it suggests."""
    line = Text("  From your iPhone: ", style="cyan")
    line.append(reply.evidence or "")
    line.append(f" Suggested answer: {kinds.label(question, reply.answer)}.", style="bold")
    console.print(line)


def print_note(console: Console, note: str) -> None:
    console.print(Text(f"  {note}", style="dim"))


def print_help(console: Console, question: Question) -> None:
    """The question's help, and each choice's own, under the question."""
    lines = [question.help.strip()] if question.help else []
    lines += [f"{c.label}: {c.help.strip()}" for c in question.choices if c.help]
    console.print(_indent(Text("\n".join(lines), style="italic"), 2))


def print_numbered_choice(console: Console, number: int, option: Option) -> None:
    """One choice of a plain-mode question: '  1. Up to date (up-to-date)'."""
    console.print(Text(f"  {number}. {option.label} ({option.value})"))


def _fix(console: Console, result: CheckResult) -> Group:
    """Each failed question's fix, then how to tell it worked; a blank line between."""
    parts: list[RenderableType] = []
    for q in result.questions:
        if q.passed is not False or not q.question.remediation:
            continue
        if parts:
            parts.append(Text())
        parts.append(_markdown(console, q.question.remediation))
        if q.question.verify:
            parts.append(Text())
            parts.append(_markdown(console, "**How to tell it worked:** "
                                   + q.question.verify.strip()))
    return Group(*parts)


def print_fix(console: Console, result: CheckResult) -> None:
    """The fix for a check that just failed, shown at once."""
    console.print()
    console.print(Text(f"How to fix: {result.check.title}", style="bold red"))
    console.print(_indent(_fix(console, result), 2))


def summary_table(console: Console, result: SessionResult) -> Table:
    from rich import box
    from rich.table import Table

    if isinstance(console, PlainConsole):
        style = None
    else:
        style = box.SIMPLE_HEAD if _unicode(console) else box.ASCII
    table = Table(
        box=style,
        show_edge=False,
        pad_edge=False,
        title_justify="left",
    )
    # The status is what the table is for: it never wraps or gets cut, even in a
    # narrow terminal; the title folds instead.
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Check", overflow="fold")
    table.add_column("Status", no_wrap=True, min_width=len("✗ FAILED"))
    for number, c in enumerate(result.checks, start=1):
        table.add_row(str(number), Text(c.check.title), status_label(console, c.status))
    return table


def print_summary(console: Console, result: SessionResult) -> None:
    """The summary table, then the fixes to try in order, or what to do next."""
    # Printed as one group: rich's cost is per print, and a flow may have many checks.
    console.print(Group(*_summary(console, result)))


def summary_as_text(result: SessionResult, width: int = 80) -> str:
    """The summary as plain text, for a report file."""
    buffer = io.StringIO()
    console = Console(file=_TrimmedStream(buffer), width=width, color_system=None,  # type: ignore[arg-type]
                      highlight=False)
    print_summary(console, result)
    return buffer.getvalue().lstrip("\n")


def render(result: SessionResult, console: Console | None = None) -> str:
    """The summary as text: through the given console (its colour and width), else as
    plain text of 80 columns."""
    if console is None:
        return summary_as_text(result)
    with console.capture() as captured:
        print_summary(console, result)
    return _TrimmedStream.trim(captured.get())


def session_svg(result: SessionResult, width: int = 88) -> str:
    """A picture of a session's summary as the terminal shows it, for the README."""
    console = Console(file=io.StringIO(), width=width, record=True, force_terminal=True,
                      color_system="truecolor", highlight=False)
    print_intro(console, result.flow)
    print_summary(console, result)
    return console.export_svg(title="icloud-fix")


def _summary(console: Console, result: SessionResult) -> Iterator[RenderableType]:
    flow = result.flow
    outcome = result.outcome
    yield Text()
    if result.outages:  # known from Apple: said first
        yield from _outages(result.outages)
        yield Text()
    headline_style = {Outcome.RESOLVED: "bold green", Outcome.NO_PROBLEM_FOUND: "bold green",
                      Outcome.PROBLEMS_FOUND: "bold red"}.get(outcome, "bold yellow")
    yield Text(f"Summary: {flow.title}", style="bold")
    yield Text(wording.headline(result), style=headline_style)
    if result.tried_in_vain and wording.needs_escalation(result):
        # Fixes were tried and did not help: where to go next comes first.
        yield Text()
        yield from _escalation(console, result)
    for q in result.triage:
        if q.answer is not None:
            answer = Text(f"  {q.question.prompt.strip()} ")
            answer.append(kinds.label(q.question, q.answer), style="bold")
            yield answer
    yield summary_table(console, result)
    if outcome is Outcome.RESOLVED:
        return
    # Fixes the person already tried are named, not shown again in full.
    tried = [c for c in result.failed if c.check.id in result.tried]
    to_try = [c for c in result.failed if c.check.id not in result.tried]
    if tried:
        yield Text()
        done = Text("Fixes you tried: ", style="bold")
        done.append(", ".join(
            f"{c.check.title} ("
            f"{'waiting to see' if c.status is Status.WAITING else 'did not help'})"
            for c in tried))
        yield done
    if to_try:
        yield Text()
        yield Text("Fixes to try, in order", style="bold")
        for number, c in enumerate(to_try, start=1):
            yield Text()
            yield Text(f"{number}. {c.check.title}", style="bold")
            yield _indent(_fix(console, c), 3)
    step = wording.next_step(result)
    if step:
        yield Text()
        line = Text("Next step: ", style="bold")
        line.append(step)
        yield line
    if wording.needs_escalation(result) and not result.tried_in_vain:
        yield Text()
        yield from _escalation(console, result)


def _escalation(console: Console, result: SessionResult) -> Iterator[RenderableType]:
    yield Text("If this does not help", style="bold")
    yield _markdown(console, wording.escalation(result))


def print_flow(console: Console, flow: Flow) -> None:
    """Every triage question, check and question id, for script authors."""
    # One Text for the whole listing: rich's cost is per print, and flows can be long.
    out = Text()
    out.append(f"{flow.title} ({flow.id} {flow.version})\n", style="bold")
    width = max(console.width, 20)
    if flow.checked_against:
        out.append(_wrap(f"Wording checked against: {flow.checked_against}", 0, width),
                   style="dim")
    if flow.triage:
        out.append("\nBefore the checks\n", style="bold")
        for q in flow.triage:
            _list_question(out, q, width)
    for number, check in enumerate(flow.checks, start=1):
        out.append(f"\n{number}. {check.title}  [{check.id}]\n", style="bold")
        for q in check.questions:
            _list_question(out, q, width)
    console.print(out, soft_wrap=True, end="")


def _list_question(out: Text, q: Question, width: int) -> None:
    if q.pass_answer:
        passes = f"passes on {q.pass_answer}"
    elif q.pass_choices:
        passes = f"passes on {' or '.join(q.pass_choices)}"
    else:
        passes = "informational"
    out.append("   ")
    out.append(q.id, style="cyan")
    out.append(f"  ({passes})\n")
    if q.when:
        cond = ", ".join(f"{c.question}={'|'.join(c.answers)}" for c in q.when)
        out.append(_wrap(f"asked only when {cond}", 6, width), style="dim")
    out.append(_wrap(q.prompt.strip(), 6, width))
    for choice in q.choices:
        then = f" -> check {choice.check}" if choice.check else ""
        out.append(_wrap(f"{choice.id}: {choice.label}{then}", 8, width))


def _wrap(text: str, indent: int, width: int) -> str:
    pad = " " * indent
    lines = textwrap.wrap(text, width=max(width - indent, 10), break_on_hyphens=False)
    return "".join(f"{pad}{line}\n" for line in lines or [""])
