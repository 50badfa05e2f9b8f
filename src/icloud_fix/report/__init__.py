"""Reports of a session: one ``render(result, format)`` for every caller.

Each format is one entry in ``FORMATS``: a function from a result (and Apple's status,
when it was looked at) to text. The text format goes through rich, and is imported
only when it is asked for.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 (a type only)

    from icloud_fix.engine import AppleStatus, SessionResult


class Format(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


# What a file's extension says about the report it should hold.
EXTENSIONS = {".json": Format.json, ".md": Format.markdown, ".markdown": Format.markdown}


def _text(result: SessionResult, status: AppleStatus | None, console: Console | None
          ) -> str:
    from icloud_fix.report import text

    return text.render(result, console)


def _json(result: SessionResult, status: AppleStatus | None, console: Console | None
          ) -> str:
    from icloud_fix.report import json

    # Apple's System Status as the JSON report gives it; null when not looked at.
    return json.render(result, None if status is None else {
        "reachable": status.reachable,
        "outages": [{"service": o.service, "message": o.message, "started": o.started}
                    for o in status.outages]})


def _markdown(result: SessionResult, status: AppleStatus | None, console: Console | None
              ) -> str:
    from icloud_fix.report import markdown

    return markdown.render(result)


FORMATS: dict[Format, Callable[[SessionResult, AppleStatus | None, Console | None], str]] = {
    Format.text: _text,
    Format.json: _json,
    Format.markdown: _markdown,
}


def render(result: SessionResult, fmt: Format, status: AppleStatus | None = None,
           console: Console | None = None) -> str:
    """The report of a session in a format. ``console`` gives the text format its colour
    and width (the terminal's); without it, text is plain and 80 columns wide.

    The flow's texts are given as the iPhone read needs them (its iOS version's paths,
    its region's name for mobile data), or every variant when none was read."""
    return FORMATS[fmt](for_the_iphone_read(result), status, console)


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
