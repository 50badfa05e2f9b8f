"""What both prompters do before a question: say first when Apple reports an outage,
and show what a connected iPhone suggests for the question."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from icloud_fix.engine import Reply
from icloud_fix.errors import EXIT_OK, PromptUnavailable
from icloud_fix.flow import Question
from icloud_fix.report import text as render_text

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 (a type only)

    from icloud_fix.probes.background import Lookout

# How long a question that a reading settles may wait for the reading.
SUGGESTION_WAIT = 1.0


def look_before(
    lookout: Lookout | None,
    question: Question,
    console: Console,
    confirm: Callable[[str, bool], bool],
) -> Reply | None:
    """Announce an outage (once) and return the suggestion for this question, if any."""
    if lookout is None:
        return None
    outages = lookout.take_outages()
    if outages:
        render_text.print_outages(console, outages)
        if not confirm("Go on with the checks anyway?", True):
            raise PromptUnavailable("stopped while Apple reports an outage", EXIT_OK)
    if question.suggest is None:
        return None
    suggestion = lookout.suggestion(question, wait=SUGGESTION_WAIT)
    if suggestion is not None:
        render_text.print_suggestion(console, suggestion)
    else:
        note = lookout.take_note()
        if note:
            render_text.print_note(console, note)
    return suggestion
