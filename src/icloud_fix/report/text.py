"""The text report: what the terminal shows at the end of a session, or a plain text
file of 80 columns. Drawn through rich (report/terminal.py), imported only when a text
report is made, so that scripted JSON, Markdown and HTML runs never load rich."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 (a type only)

    from icloud_fix.report.model import Report


class Text:
    name = "text"
    extensions = (".txt",)
    help = "the summary a person reads (the default)"

    def render(self, report: Report, console: Console | None = None) -> str:
        from icloud_fix.report import terminal

        return terminal.draw(report, console)


FORMAT = Text()
