"""What a report format is: the one Protocol every format module satisfies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 (a type only)

    from icloud_fix.report.model import Report


class ReportFormat(Protocol):
    """A format of the report: its name (what --format takes), the file extensions
    that pick it for --output, the help --format shows for it, and how it lays a
    report out. ``console`` is the terminal's, for a format drawn there (text); the
    others ignore it."""

    @property
    def name(self) -> str: ...

    @property
    def extensions(self) -> tuple[str, ...]: ...

    @property
    def help(self) -> str: ...

    def render(self, report: Report, console: Console | None = None) -> str: ...
