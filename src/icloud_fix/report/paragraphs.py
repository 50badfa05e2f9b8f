"""Text as plain lines of a given width, for --plain and TERM=dumb: every paragraph and
list item joined again and wrapped at the width, and the later lines of a numbered step
(or a bullet) under its text, not under its number.

Flow files wrap their Markdown by hand, at 80 columns or so. Shown as it is written in a
narrower terminal, each of those lines wraps again on its own, and a step's second line
starts at the margin, where a screen reader or a reader's eye takes it for a new step.
No rich here: this is text in, text out, and cheap enough for every prompt.
"""

from __future__ import annotations

import re
import textwrap

# A list item: its indent, its marker (1. 1) - * +), the rest of the line.
_ITEM = re.compile(r"( *)(\d{1,4}[.)]|[-*+])( +)(\S.*)")
# Lines kept as they are written: a fenced block's, a table's, and a heading, which is
# a paragraph of its own.
_FENCE = re.compile(r" *(```|~~~)")
_TABLE = re.compile(r" *\|")
_HEADING = re.compile(r" *#{1,6} ")
# Below this many columns for the text, wrapping helps nobody; lines are cut at it.
_NARROWEST = 20


class _Block:
    """One paragraph or list item: its first line's prefix, the later lines' prefix,
    and its words."""

    def __init__(self, first: str, later: str, text: str) -> None:
        self.first = first
        self.later = later
        self.words = [text.strip()]

    def lines(self, width: int) -> list[str]:
        text = " ".join(w.strip() for w in self.words if w.strip())
        return textwrap.wrap(text, width=max(width, len(self.later) + _NARROWEST),
                             initial_indent=self.first, subsequent_indent=self.later,
                             break_on_hyphens=False) or [self.first.rstrip()]


def reflow(text: str, width: int, indent: int = 0) -> str:
    """text as lines of at most width columns, each indented by indent spaces. A word
    longer than a line (a long web address) is cut, as a terminal would; fenced code
    and table rows are kept as written."""
    lines: list[str] = []
    block: _Block | None = None
    fence: str | None = None

    def close() -> None:
        nonlocal block
        if block is not None:
            lines.extend(block.lines(width - indent))
            block = None

    for line in text.expandtabs(4).strip("\n").splitlines():
        line = line.rstrip()
        if fence is not None or _FENCE.match(line):
            close()
            lines.append(line)
            marker = _FENCE.match(line)
            if marker and (fence is None or marker[1] == fence):
                fence = marker[1] if fence is None else None
            continue
        if not line:
            close()
            if lines and lines[-1]:
                lines.append("")  # one blank line between blocks, as written
            continue
        if _TABLE.match(line) or _HEADING.match(line):
            close()
            lines.append(line.strip() if _HEADING.match(line) else line)
            continue
        item = _ITEM.fullmatch(line)
        if item:
            close()
            lead, bullet, space, rest = item.groups()
            first = f"{lead}{bullet}{' ' if len(space) > 4 else space}"
            block = _Block(first, " " * len(first), rest)
        elif block is not None:
            block.words.append(line)  # the same paragraph or item, wrapped by hand
        else:
            lead = " " * (len(line) - len(line.lstrip(" ")))
            block = _Block(lead, lead, line)
    close()
    while lines and not lines[-1]:
        lines.pop()
    pad = " " * indent
    return "\n".join(f"{pad}{line}" if line else "" for line in lines)
