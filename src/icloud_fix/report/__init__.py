"""Reports of a session: one ``render(result, format)`` for every caller.

The report is built once (``model.build``); each format lays it out. A format is a
module with a ``FORMAT`` that satisfies ``base.ReportFormat`` (its name, the file
extensions that pick it, its help, its ``render``), and one line in ``FORMATS``:
adding a format is that module and that line. --format's choices and help and
--output's help come from here.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from icloud_fix.report import html, json, markdown, text
from icloud_fix.report.base import ReportFormat

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 (a type only)

    from icloud_fix.engine import AppleStatus, SessionResult

# Every report format, in the order --help lists them; the first is the default.
FORMATS: dict[str, ReportFormat] = {
    f.name: f for f in (text.FORMAT, json.FORMAT, markdown.FORMAT, html.FORMAT)}

if TYPE_CHECKING:
    class Format(str, enum.Enum):
        """What the type checker sees: the members the code names itself."""

        text = "text"
        markdown = "markdown"
else:
    # --format's choices, as typer takes them: one member per registered format.
    Format = enum.Enum("Format", {name: name for name in FORMATS}, type=str)

# What a file's extension says about the report it should hold.
EXTENSIONS: dict[str, Format] = {ext: Format(f.name) for f in FORMATS.values()
                              for ext in f.extensions}


def format_help() -> str:
    """--format's help: every format with what it is for."""
    listed = "; ".join(f"{f.name}: {f.help}" for f in FORMATS.values())
    return f"How to print the report ({listed})."


def output_help() -> str:
    """--output's help: which extension picks which format."""
    by_extension = ", ".join(f"{ext} {f.name}" for f in FORMATS.values()
                             for ext in f.extensions)
    return ("Also write the report to FILE, in the --format given or else by the "
            f"extension ({by_extension}; any other: text); the terminal still shows the "
            "summary.")


def render(result: SessionResult, fmt: Any, status: AppleStatus | None = None,
           console: Console | None = None) -> str:
    """The report of a session in a format (a Format or its name). ``console`` gives
    the text format its colour and width (the terminal's); without it, text is plain
    and 80 columns wide.

    The flow's texts are given as the iPhone read needs them (its iOS version's paths,
    its region's name for mobile data), or every variant when none was read."""
    from icloud_fix.report import model

    name = fmt.value if isinstance(fmt, enum.Enum) else str(fmt)
    return FORMATS[name].render(model.build(for_the_iphone_read(result), status), console)


def for_the_iphone_read(result: SessionResult) -> SessionResult:
    """result with every flow text adapted to result.device (flowfile.variants)."""
    import dataclasses

    from icloud_fix.flowfile.variants import adapt, adapt_answered, phone_of

    phone = phone_of(result.device)
    flow = result.flow
    flow = dataclasses.replace(flow, escalation=adapt(flow.escalation, phone),
                               description=adapt(flow.description, phone),
                               after_fix_question=adapt(flow.after_fix_question, phone) or "")
    return dataclasses.replace(
        result, flow=flow, triage=adapt_answered(result.triage, phone),
        checks=tuple(dataclasses.replace(c, questions=adapt_answered(c.questions, phone))
                     for c in result.checks))
