"""Flow Markdown as the page shows it: a small tree of blocks and spans, built into the
page by its script with ``textContent`` (never as HTML).

The page keeps what the Markdown report keeps (``report/markdown.py``): paragraphs,
numbered and bulleted lists (nested by indent), emphasis, code spans and indented
code. Anything else (HTML, links, images, headings, quotes, tables, fences, rules)
shows the characters it is written with, as the report does. Every text has its
control and invisible characters spelled out (``safe_text.visible``).

The tree, as JSON:
- a block is ``{"p": SPANS}``, ``{"ol": [ITEM, ...], "start": N}``, ``{"ul": [ITEM, ...]}``
  or ``{"pre": TEXT}``;
- an item is ``{"s": SPANS, "b": [BLOCK, ...]}`` (its text, then the blocks under it);
- SPANS is a list of strings (plain text) and ``[TAG, TEXT]`` pairs, TAG one of
  ``strong``, ``em``, ``code``.
"""

from __future__ import annotations

import re
from typing import Any

from icloud_fix.safe_text import visible

Spans = list[Any]
Block = dict[str, Any]

_ITEM = re.compile(r"([ \t]*)(\d{1,9}[.)]|[-*+])[ \t]+(.*)")
# Emphasis and code spans, as CommonMark pairs them in the simple cases a flow writes:
# **strong**, __strong__, *em*, _em_ (not inside a word), `code`.
_SPAN = re.compile(
    r"(?P<code>(?<!`)(?P<ticks>`+)(?P<code_text>[^`]+?)(?P=ticks)(?!`))"
    r"|\*\*(?P<strong>\S(?:.*?\S)?)\*\*"
    r"|(?<![\w])__(?P<strong2>\S(?:.*?\S)?)__(?![\w])"
    r"|(?<![*\w])\*(?P<em>[^\s*](?:[^*]*?[^\s*])?)\*(?![*\w])"
    r"|(?<![\w])_(?P<em2>[^\s_](?:[^_]*?[^\s_])?)_(?![\w])")


def spans(text: str) -> Spans:
    """One paragraph's text (its lines joined) as plain text and emphasis."""
    out: Spans = []
    at = 0
    for match in _SPAN.finditer(text):
        if match.start() > at:
            out.append(visible(text[at:match.start()]))
        if match["code"]:
            out.append(["code", visible(match["code_text"])])
        elif match["strong"] or match["strong2"]:
            out.append(["strong", visible(match["strong"] or match["strong2"])])
        else:
            out.append(["em", visible(match["em"] or match["em2"])])
        at = match.end()
    if at < len(text):
        out.append(visible(text[at:]))
    return out


def _joined(lines: list[str]) -> str:
    """A paragraph's lines as Markdown reads them: one line, a space where each broke."""
    return " ".join(line.strip() for line in lines if line.strip())


class _Item:
    def __init__(self, content: int, marker: str, first: str) -> None:
        self.content = content  # where its text starts: deeper lines belong to it
        self.ordered = marker[0].isdigit()
        self.number = int(marker[:-1]) if self.ordered else 0
        self.lines = [first]
        self.children: list[str] = []  # the lines under it, their indent removed


def blocks(text: str | None) -> list[Block]:
    """Flow Markdown as blocks (see the module's docstring)."""
    if not text:
        return []
    return _blocks(text.expandtabs(4).strip("\n").splitlines())


def _blocks(lines: list[str]) -> list[Block]:
    out: list[Block] = []
    paragraph: list[str] = []
    items: list[_Item] = []
    code: list[str] = []

    def close_paragraph() -> None:
        if paragraph:
            out.append({"p": spans(_joined(paragraph))})
            paragraph.clear()

    def close_list() -> None:
        if items:
            ordered = items[0].ordered
            built = [{"s": spans(_joined(i.lines)), "b": _blocks(i.children)} for i in items]
            out.append({"ol": built, "start": items[0].number} if ordered else {"ul": built})
            items.clear()

    def close_code() -> None:
        if code:
            while code and not code[-1].strip():
                code.pop()
            out.append({"pre": visible("\n".join(code))})
            code.clear()

    blank = False
    for line in lines:
        if not line.strip():
            close_paragraph()
            if code:
                code.append("")
            blank = True
            continue
        indent = len(line) - len(line.lstrip(" "))
        if items and indent >= items[-1].content:
            # Under the last item: more of its text, or its own paragraphs and lists.
            inner = line[items[-1].content:]
            if not blank and not items[-1].children and not _ITEM.fullmatch(inner):
                items[-1].lines.append(inner)
                continue
            if blank:
                items[-1].children.append("")
            items[-1].children.append(inner)
            blank = False
            continue
        item = _ITEM.fullmatch(line)
        if item:
            _, marker, rest = item.groups()
            if items and marker[0].isdigit() != items[0].ordered:
                close_list()  # a list of the other kind begins
            close_paragraph()
            close_code()
            items.append(_Item(len(line) - len(rest), marker, rest))
            blank = False
            continue
        if items and not blank:
            items[-1].lines.append(line)  # the item's text, wrapped by hand
            continue
        close_list()
        if indent >= 4 and not paragraph:
            code.append(line[4:])
            blank = False
            continue
        close_code()
        paragraph.append(line)
        blank = False
    close_paragraph()
    close_list()
    close_code()
    return out
