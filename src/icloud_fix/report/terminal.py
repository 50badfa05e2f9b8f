"""The text report as a terminal draws it, through rich, and the terminal's console:
its width, colour and plain mode. With prompts/drawing.py, the only modules that import
rich; imported only when text is drawn."""

from __future__ import annotations

import functools
import io
import re
import sys
import textwrap
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.padding import Padding
from rich.segment import Segment
from rich.text import Text

# rich.markdown (with markdown-it) and rich.table are imported where a fix or the
# summary is drawn: they cost more than all the rest of rich that the first
# question needs, and the person should see that question at once.

if TYPE_CHECKING:
    from markdown_it.token import Token
    from rich.table import Table

from icloud_fix.engine import CheckResult, SessionResult
from icloud_fix.flow import Flow, Question
from icloud_fix.report import model, wording
from icloud_fix.report.model import CheckRow, Fix, FixTried, LookUp, Report, Section
from icloud_fix.report.paragraphs import reflow
from icloud_fix.report.wording import StatusWording

# How a tone looks in a terminal: the words say it; the colour only repeats it.
_STYLE = {"good": "green", "bad": "bold red", "open": "yellow", "quiet": "dim"}


class _TrimmedStream:
    """Drops the spaces rich pads wrapped lines with, so copied text has no trailing blanks."""

    # Spaces before a line's closing style codes, in a line that ends with one.
    _TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$")

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    @classmethod
    def trim(cls, text: str) -> str:
        """Every line ended by a newline without its trailing spaces; what follows the
        last newline (the start of a line still being written) as it is."""
        if "\n" not in text:
            return text
        # Line by line: a regular expression over a report of megabytes tries every
        # space in it, several times slower.
        *lines, rest = text.split("\n")
        return "\n".join([cls._TRAILING.sub(r"\1", line) if line.endswith("m")
                          else line.rstrip(" ") for line in lines] + [rest])

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
    """A console that follows rich's rules for colour (NO_COLOR, not a terminal), and
    for its width (COLUMNS, the terminal's), up to MAX_WIDTH."""
    stream = _TrimmedStream(file or sys.stdout)
    width = _width_from_environment()
    if plain:
        return PlainConsole(file=stream, color_system=None, highlight=False,  # type: ignore[arg-type]
                            emoji=False, width=width)
    # None, not False, lets rich read NO_COLOR from the environment.
    return Console(file=stream, no_color=no_color or None, highlight=False,  # type: ignore[arg-type]
                   width=width)


# No terminal is wider; a COLUMNS of millions would make every line that long (seconds
# and gigabytes for one report).
MAX_WIDTH = 1000


def _width_from_environment() -> int | None:
    """COLUMNS when it is wider than MAX_WIDTH, cut to it; else None (rich's own rule)."""
    import os

    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isascii() and columns.isdigit() and len(columns) > 3 and int(columns) > MAX_WIDTH:
        return MAX_WIDTH
    return None


class _Budget:
    """How much flow Markdown one report still draws through rich.

    rich's Markdown costs a parser per text and a renderable per line, table cell and
    link: about a millisecond a fix, but a flow of ~4 MB (200 fixes of 10,000
    characters of list items) would take a minute. Texts past the budget are shown as
    they are written (``_Literal``). A unit is at most about 4 microseconds, whatever
    the Markdown; a report of the built-in flow with every check failing uses about a
    quarter of the budget.
    """

    UNITS = 100_000

    def __init__(self) -> None:
        self.left = self.UNITS

    @staticmethod
    def cost(text: str) -> int:
        # A fixed cost, a little per character, and most per element that becomes a
        # renderable (lines, headings, cells, links, HTML) or a delimiter markdown-it has
        # to pair (emphasis, code, list markers).
        return (200 + len(text)
                + 30 * sum(text.count(c) for c in "\n|[<#")
                + 5 * sum(text.count(c) for c in "*_`-"))

    def spend(self, text: str) -> bool:
        """Whether text may be drawn as Markdown; if so, its cost is taken."""
        cost = self.cost(text)
        if cost > self.left:
            return False
        self.left -= cost
        return True


class _Literal:
    """Flow text shown as it is written (only **bold** marks dropped, as on a plain
    console), indented by ``left`` and cut to the width here rather than by rich, whose
    wrapping of megabytes takes seconds. Printed on its own (``_print``), never inside
    Padding, which would measure and pad every line again."""

    def __init__(self, text: str, left: int, keep_bold: bool = False,
                 strip: bool = True) -> None:
        self.text = text
        self.left = left
        self.keep_bold = keep_bold  # text of our own (a check title's ** is its own)
        self.strip = strip  # a leading blank line of our own is kept

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        text = self.text.strip() if self.strip else self.text.rstrip()
        if not self.keep_bold:
            text = _BOLD.sub(r"\1", text)
        text = _fold(text, max(options.max_width - self.left, 20))
        # One segment, for rich's cost is per segment; every line but a blank one indented.
        yield Segment(re.sub(r"^(?=.)", " " * self.left, text, flags=re.M) + "\n")


class _Unbroken:
    """A command, indented by ``left``, on a line of its own that is never broken: a
    terminal narrower than it wraps it for the eye, and it still pastes as one line.
    Printed on its own and not cropped (``_print``)."""

    def __init__(self, text: str, left: int) -> None:
        self.text = text
        self.left = left

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        yield Segment(" " * self.left + self.text + "\n")


# Whole texts go through regular expressions, and only the lines that may need cutting
# through Python: a fix can be thousands of short lines.
@functools.lru_cache(maxsize=8)
def _long_line(width: int) -> re.Pattern[str]:
    # A line that may be wider than width: a character is at most two cells wide.
    return re.compile(rf"^.{{{width // 2 + 1},}}$", re.M)


@functools.lru_cache(maxsize=8)
def _pieces(width: int) -> re.Pattern[str]:
    # Up to width characters that end before a space or at the end, else (a word longer
    # than the line) exactly width characters.
    return re.compile(rf"(.{{1,{width}}})(?: +|$)|(.{{{width}}})")


def _fold(text: str, width: int) -> str:
    """text with each line cut at spaces to width cells; a line's own indent is kept on
    the lines it is cut into. (Spaces at the end of a line are left to _TrimmedStream.)"""
    return _long_line(width).sub(lambda line: "\n".join(_cut(line[0], width)),
                                 text.expandtabs(8))


def _cut(line: str, width: int) -> Iterator[str]:
    body = line.lstrip(" ")
    if not body or (len(line) <= width and (line.isascii() or cell_len(line) <= width)):
        yield line
        return
    indent = min(len(line) - len(body), width // 2)
    for match in _pieces(width - indent).finditer(body):
        piece = match[1] or match[2]
        if piece.isascii() or cell_len(piece) <= width - indent:
            yield " " * indent + piece
        else:  # wide characters (CJK, emoji): cut by cells
            yield from (" " * indent + part for part in chop_cells(piece, width - indent))


def _markdown(console: Console, text: str, budget: _Budget, left: int = 0
              ) -> RenderableType:
    """Flow Markdown as the terminal shows it: through rich while the budget lasts (on a
    plain console, as text without its bold marks), then as a ``_Literal`` indented by
    left."""
    if not budget.spend(text):
        return _Literal(text, left)
    if isinstance(console, PlainConsole):
        # Wrapped here, at the width left of the indent: a numbered step's later lines
        # under its text, and lines the flow file wrapped by hand joined again.
        return Text(reflow(_BOLD.sub(r"\1", text.strip()), console.width - left))
    from rich.markdown import Markdown

    markdown = Markdown(text, hyperlinks=False)
    for token in markdown.parsed:
        if token.type == "fence":
            # Drawn as plain text: the flow does not get to pick a syntax highlighter
            # (a lexer's regular expressions are not all fast on hostile input).
            token.info = ""
        if token.children:
            token.children = _shown_links(token.children)
    return markdown


def _shown_links(tokens: list[Token]) -> list[Token]:
    """A flow's links and images, as they are shown in a terminal: never as a hyperlink
    (OSC 8), whose target the terminal hides behind the text.

    A link whose text is its target is shown once, as that text; any other as "text
    (target)", rich's own rendering without hyperlinks. An image is text too: its
    description and target, or the target alone.
    """
    shown: list[Token] = []
    for token in tokens:
        if token.type == "image":
            source = str(token.attrs.get("src", ""))
            alt = _plain(token.children or [])
            token = token.copy(type="text", tag="", children=None, attrs={},
                               content=f"{alt} ({source})" if alt and alt != source
                               else source)
        shown.append(token)
    for start, token in enumerate(shown):
        if token.type != "link_open":
            continue
        # Links do not nest: the text is everything up to the next link_close.
        end = next(i for i in range(start + 1, len(shown)) if shown[i].type == "link_close")
        if _plain(shown[start + 1:end]) == token.attrs.get("href"):
            shown[start] = shown[end] = token.copy(type="text", tag="", nesting=0,
                                                   attrs={}, content="")
    return shown


def _plain(tokens: list[Token]) -> str:
    """The text inline tokens show, without its styles."""
    return "".join(" " if t.type in ("softbreak", "hardbreak") else t.content
                   for t in tokens if t.type in ("text", "code_inline", "softbreak",
                                                 "hardbreak", "image"))


def _indent(renderable: RenderableType, left: int) -> Padding:
    # expand=False: no trailing spaces to the terminal's width.
    return Padding(renderable, (0, 0, 0, left), expand=False)


_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)


def _unicode(console: Console) -> bool:
    if isinstance(console, PlainConsole):
        return False
    return console.encoding.lower().replace("-", "").startswith("utf")


def status_label(console: Console, status: StatusWording) -> Text:
    """A status as the table shows it: symbol and words, a failure in capitals (the
    words say it without colour too)."""
    symbol = status.symbol if _unicode(console) else status.plain_symbol
    words = status.words.upper() if status.tone == "bad" else status.words
    return Text(f"{symbol} {words}", style=_STYLE[status.tone])


def _fix(console: Console, fixes: tuple[Fix, ...], left: int, budget: _Budget
         ) -> Iterator[RenderableType]:
    """Each failed question's fix, then how to tell it worked; a blank line between;
    indented by left. One indented group, but for texts shown literally (past the
    budget), which come between the groups, indented on their own."""
    parts: list[RenderableType] = []
    texts: list[str] = []
    for fix in fixes:
        texts.append(fix.text)
        if fix.verify:
            texts.append("**How to tell it worked:** " + fix.verify)
    literal = False
    for text in texts:
        if parts or literal:
            parts.append(Text())
        part = _markdown(console, text, budget, left)
        if isinstance(part, _Literal):
            if parts:
                yield _indent(Group(*parts), left)
            yield part
            parts, literal = [], True
        else:
            parts.append(part)
    if parts or not literal:
        yield _indent(Group(*parts), left)


def print_fix(console: Console, result: CheckResult) -> None:
    """The fix for a check that just failed, shown at once, drawn as the report draws
    it."""
    console.print()
    console.print(Text(f"How to fix: {result.check.title}", style="bold red"))
    _print(console, _fix(console, model.fixes(result), 2, _Budget()))


def _print(console: Console, parts: Iterable[RenderableType]) -> None:
    """Parts in as few prints as they allow, for rich's cost is per print: a text shown
    literally is printed on its own and not cropped (its lines are cut to the width
    already), which spares rich a pass over every one of its lines."""
    group: list[RenderableType] = []
    for part in parts:
        if isinstance(part, (_Literal, _Unbroken)):
            if group:
                console.print(Group(*group))
                group = []
            console.print(part, crop=False)
        else:
            group.append(part)
    if group:
        console.print(Group(*group))


def summary_table(console: Console, report: Report) -> Table:
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
    for row in report.checks:
        table.add_row(str(row.number), Text(row.title), status_label(console, row.status))
    return table


def print_summary(console: Console, report: Report) -> None:
    """The report's sections as a terminal shows them, in the report's order."""
    # Printed as one group (but for texts shown literally): rich's cost is per print,
    # and a flow may have many checks.
    _print(console, _summary(console, report, _Budget()))


def summary_as_text(result: SessionResult, width: int = 80) -> str:
    """The summary of a session as plain text, for a report file."""
    return draw(model.build(result), None, width)


def draw(report: Report, console: Console | None = None, width: int = 80) -> str:
    """The report as text: through the given console (its colour and width), else as
    plain text of ``width`` columns."""
    if console is None:
        buffer = io.StringIO()
        console = Console(file=_TrimmedStream(buffer), width=width, color_system=None,  # type: ignore[arg-type]
                          highlight=False)
        print_summary(console, report)
        return buffer.getvalue().lstrip("\n")
    with console.capture() as captured:
        print_summary(console, report)
    return _TrimmedStream.trim(captured.get())


def session_svg(result: SessionResult, width: int = 88) -> str:
    """A picture of a session's summary as the terminal shows it, for the README."""
    from icloud_fix.prompts.drawing import print_intro

    console = Console(file=io.StringIO(), width=width, record=True, force_terminal=True,
                      color_system="truecolor", highlight=False)
    print_intro(console, result.flow)
    print_summary(console, model.build(result))
    return console.export_svg(title="icloud-fix")


_HEADLINE_STYLE = {"good": "bold green", "bad": "bold red", "open": "bold yellow"}


def _summary(console: Console, report: Report, budget: _Budget
             ) -> Iterator[RenderableType]:
    """Each section of the report, in its order. The answers to each check and the
    readings are not repeated: the person just gave them, and each failed check says
    the answer or reading that failed it."""
    large = len(report.checks) > LARGE_REPORT
    yield Text()
    for section in report.sections:
        if section is Section.APPLE_STATUS:  # known from Apple: said first
            yield Text(wording.OUTAGE_HEADING, style="bold yellow")
            for outage in model.outage_lines(report.outages):
                yield _indent(Text(outage), 2)
            yield _indent(Text(wording.OUTAGE_MEANS), 2)
            yield Text()
        elif section is Section.OUTCOME:
            yield Text(f"Summary: {report.flow.title}", style="bold")
            yield Text(report.headline, style=_HEADLINE_STYLE[report.tone])
            # The model by the name its owner knows; Apple's identifier is in the
            # other reports.
            if report.device_name:
                yield Text(f"iPhone read: {report.device_name}")
        elif section is Section.WHERE_TO_GET_HELP:
            yield Text()
            yield Text(wording.WHERE_TO_GET_HELP, style="bold")
            yield _markdown(console, report.escalation or "", budget)
            if report.help_first:
                yield Text()
        elif section is Section.CHECKS:
            # The questions before the checks: what the checks were chosen by.
            for row in report.triage:
                said = Text(f"{row.prompt} ")
                said.append(row.label, style="bold")
                yield _indent(said, 2)
            yield _plain_table(console, report) if large else summary_table(console, report)
        elif section is Section.FIXES_TRIED:
            yield from _fixes_tried(report.fixes_tried, large)
        elif section is Section.FIXES_TO_TRY:
            yield from _fixes_to_try(console, report.fixes_to_try, large, budget)
        elif section is Section.TO_LOOK_UP:
            yield from _to_look_up(console, report.not_sure, large, budget)
        elif section is Section.NEXT_STEP and report.next_step:
            yield Text()
            line = Text("Next step: ", style="bold")
            line.append(report.next_step.sentence)
            yield line
            if report.next_step.command:
                yield _Unbroken(report.next_step.command, 2)


def _fixes_to_try(console: Console, to_try: tuple[CheckRow, ...], large: bool,
                  budget: _Budget) -> Iterator[RenderableType]:
    yield Text()
    yield Text(wording.FIXES_TO_TRY, style="bold")
    if large:
        yield _plain_fixes(to_try)
        return
    for number, row in enumerate(to_try, start=1):
        yield Text()
        title = f"{number}. {row.title}"
        yield Text(reflow(title, console.width) if isinstance(console, PlainConsole)
                   else title, style="bold")
        yield from _reasons(row, 3)
        yield from _fix(console, row.fixes, 3, budget)


def _reason_lines(row: CheckRow) -> Iterator[tuple[str, str]]:
    """Why a check failed, a line each: its lead, and what follows it."""
    for reason in row.reasons:
        said = (f"{reason.question} {reason.answer}" if reason.question is not None
                else reason.answer)
        yield reason.lead, said


def _reasons(row: CheckRow, left: int) -> Iterator[RenderableType]:
    """Why a check failed: the answer that failed it (the answer in bold), or what the
    iPhone's reading found."""
    for reason in row.reasons:
        line = Text(reason.lead, style="italic")
        if reason.question is not None:
            line.append(f"{reason.question} ")
            line.append(reason.answer, style="bold")
        else:
            line.append(reason.answer)
        yield _indent(line, left)


def _fixes_tried(tried: tuple[FixTried, ...], large: bool) -> Iterator[RenderableType]:
    """Each fix the person tried, whether it helped, and why its check failed."""
    yield Text()
    yield Text(wording.FIXES_TRIED, style="bold")
    if large:
        yield _Literal("\n".join(
            f"  {t.check.title}: {t.words}"
            + "".join(f"\n    {lead}{said}" for lead, said in _reason_lines(t.check))
            for t in tried), 0, keep_bold=True, strip=False)
        return
    for t in tried:
        line = Text(f"{t.check.title}: ")
        line.append(t.words, style="bold")
        yield _indent(line, 2)
        yield from _reasons(t.check, 4)


def _to_look_up(console: Console, questions: tuple[LookUp, ...], large: bool,
                budget: _Budget) -> Iterator[RenderableType]:
    """Each question answered "not sure", with where to look for its answer."""
    yield Text()
    yield Text(wording.TO_LOOK_UP, style="bold")
    for q in questions:
        unanswered = " (not answered)" if q.unanswered else ""
        prompt = f"{q.prompt}{unanswered}"
        if large:
            yield _Literal(f"  {prompt}" + (f"\n{textwrap.indent(q.where, '    ')}"
                                            if q.where else ""), 0, strip=False)
            continue
        yield _indent(Text(prompt, style="bold"), 2)
        if q.where:
            part = _markdown(console, q.where, budget, 4)
            yield part if isinstance(part, _Literal) else _indent(part, 4)


# Past this many checks the table and the fixes are drawn as plain text: rich's
# table and groups cost about a millisecond a check, 8 s for a flow of 7,000.
LARGE_REPORT = 100


def _plain_table(console: Console, report: Report) -> _Literal:
    """The summary table as plain lines: number, status, then the title, so that the
    status stays in its column however long a title is."""
    labels = [status_label(console, row.status).plain for row in report.checks]
    number_width = len(str(len(report.checks)))
    label_width = max(len(label) for label in labels)
    lines = [f"{'#':>{number_width}}  {'Status':<{label_width}}  Check"]
    lines += [f"{row.number:>{number_width}}  {label:<{label_width}}  {row.title}"
              for row, label in zip(report.checks, labels, strict=True)]
    return _Literal("\n".join(lines), 0, keep_bold=True, strip=False)


def _plain_fixes(to_try: tuple[CheckRow, ...]) -> _Literal:
    """Every fix to try as one plain text (bold marks dropped, cut to the width), laid
    out as the drawn ones are: a blank line, the numbered check, its texts indented."""
    checks = []
    for number, row in enumerate(to_try, start=1):
        why = "\n".join(f"{lead}{said}" for lead, said in _reason_lines(row))
        texts = [why] if why else []
        for fix in row.fixes:
            texts.append(fix.text.strip())
            if fix.verify:
                texts.append(f"How to tell it worked: {fix.verify}")
        checks.append(f"{number}. {row.title}\n"
                      + textwrap.indent("\n\n".join(texts), "   "))
    return _Literal("\n" + "\n\n".join(checks), 0, strip=False)


def print_flow(console: Console, flow: Flow) -> None:
    """Every triage question, check and question id, for script authors."""
    width = max(console.width, 20)
    pieces: list[tuple[str, str | None]] = [
        (f"{flow.title} ({flow.id} {flow.version})\n", "bold")]
    if flow.checked_against:
        pieces.append((_wrap(f"Wording checked against: {flow.checked_against}", 0, width),
                       "dim"))
    if flow.triage:
        pieces.append(("\nBefore the checks\n", "bold"))
        for q in flow.triage:
            _list_question(pieces, q, width)
    for number, check in enumerate(flow.checks, start=1):
        pieces.append((f"\n{number}. {check.title}  [{check.id}]\n", "bold"))
        for q in check.questions:
            _list_question(pieces, q, width)
    if len(flow.checks) > LARGE_REPORT:
        # Plain text, written as it is: rich's cost is per line and style, 2 s for a
        # flow of 7,000 checks. The lines are wrapped to the width already.
        console.file.write("".join(text for text, _ in pieces))
        console.file.flush()
        return
    # One Text for the whole listing: rich's cost is per print.
    out = Text()
    for text, style in pieces:
        out.append(text, style=style)
    console.print(out, soft_wrap=True, end="")


def _list_question(pieces: list[tuple[str, str | None]], q: Question, width: int) -> None:
    from icloud_fix.flowfile.variants import adapt_question

    q = adapt_question(q, None)  # as asked when no iPhone is read: every variant
    from icloud_fix import kinds

    kind = kinds.of(q)
    rule = None if kind.informational(q) else kind.pass_rule(q)
    passes = f"passes {rule}" if rule else "informational"
    pieces += [("   ", None), (q.id, "cyan"), (f"  ({passes})\n", None)]
    if q.when:
        cond = ", ".join(f"{c.question}={'|'.join(c.answers)}" for c in q.when)
        pieces.append((_wrap(f"asked only when {cond}", 6, width), "dim"))
    pieces.append((_wrap(q.prompt.strip(), 6, width), None))
    for line in kind.listing(q):
        pieces.append((_wrap(line, 8, width), None))


def _wrap(text: str, indent: int, width: int) -> str:
    pad = " " * indent
    lines = textwrap.wrap(text, width=max(width - indent, 10), break_on_hyphens=False)
    return "".join(f"{pad}{line}\n" for line in lines or [""])
