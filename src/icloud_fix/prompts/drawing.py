"""What the prompters draw around a question in a terminal, through rich: where the
session is, notes, a reading's suggestion, a question's help and plain mode's numbered
choices. Reports are drawn by ``icloud_fix.report``; this is the conversation's side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from icloud_fix import kinds
from icloud_fix.report import wording
from icloud_fix.report.model import outage_lines
from icloud_fix.report.paragraphs import reflow

if TYPE_CHECKING:
    from icloud_fix.engine import Outage, Position, Reply
    from icloud_fix.flow import Flow, Question
    from icloud_fix.kinds import Option


def _indent(renderable: RenderableType, left: int) -> Padding:
    # expand=False: no trailing spaces to the terminal's width.
    return Padding(renderable, (0, 0, 0, left), expand=False)


def print_intro(console: Console, flow: Flow, whole: bool = True) -> None:
    """The flow's title, and its description when the whole flow is run (it says what a
    whole run asks, which --only and --from do not)."""
    console.print(Text(flow.title, style="bold"))
    if flow.description and whole:
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
    """Apple's own service is down: say so first, in plain words (as the text report
    does: the same lines)."""
    console.print()
    console.print(Group(
        Text(wording.OUTAGE_HEADING, style="bold yellow"),
        *(_indent(Text(line), 2) for line in outage_lines(outages)),
        _indent(Text(wording.OUTAGE_MEANS), 2)))


def print_suggestion(console: Console, question: Question, reply: Reply) -> None:
    """What a connected iPhone says about the question, and the answer it suggests."""
    line = Text("From your iPhone: ", style="cyan")
    # A reading's evidence in a person's words (Reply.said); the
    # reports keep the technical one.
    line.append(getattr(reply, "said", None) or reply.evidence or "")
    line.append(f" Suggested answer: {kinds.label(question, reply.answer)}.", style="bold")
    console.print(_indent(line, 2))


def print_note(console: Console, note: str) -> None:
    console.print(_indent(Text(note, style="dim"), 2))


def help_lines(question: Question) -> list[str]:
    """The question's help, then each choice's own ('label: help'), a line each."""
    lines = [question.help.strip()] if question.help else []
    lines += [f"{o.label}: {o.help.strip()}" for o in kinds.asking(question).options if o.help]
    return lines


def print_help(console: Console, question: Question) -> None:
    """The question's help, and each choice's own, under the question."""
    console.print(_indent(Text("\n".join(help_lines(question)), style="italic"), 2))


def print_numbered_choice(console: Console, number: int, option: Option) -> None:
    """One choice of a plain-mode question: '  1. Up to date (up-to-date)', its later
    lines under its label."""
    console.print(Text(reflow(f"{number}. {option.label} ({option.value})", console.width,
                              indent=2)))
