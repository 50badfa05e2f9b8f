"""A Markdown report a person can paste into a support request.

Its text comes from the flow, from the answers and from Apple's feed: none of it may
become Markdown the report's author did not write. A ticket system renders the report,
so a prompt must not turn into a heading, a fake answer in bold, a table row, an image
that reports the ticket being read, or a link that shows one address and goes to
another.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from icloud_fix import __version__, kinds
from icloud_fix.engine import Outcome, SessionResult, Status
from icloud_fix.report import wording

STATUS_WORDS = {
    Status.PASSED: "passed",
    Status.FAILED: "failed",
    Status.FIXED: "fixed",
    Status.WAITING: "failed; fix tried, waiting to see whether it works",
    Status.SKIPPED: "skipped (not sure)",
    Status.IN_PROGRESS: "in progress when the session stopped",
    Status.NOT_REACHED: "not reached",
    Status.NOT_RUN: "not run",
}


# Characters that begin Markdown wherever they stand (in CommonMark, and in GitHub's
# tables and strikethrough): escapes, code, links, images and footnotes (each opens
# with "["), raw HTML and autolinks, table cells, and character references (which
# could spell invisible characters).
_SPECIAL = r"[\\`\[<|~]|&(?=#?[0-9A-Za-z]+;)"
# In one-line text, emphasis too; an underscore inside a word starts none.
_INLINE_SPECIAL = re.compile(rf"{_SPECIAL}|\*|(?<![^\W_])_|_(?![^\W_])")
# In flow Markdown, a code span is kept when nothing in it would mean anything outside
# a code span either: however a renderer pairs the backticks, no HTML or link comes of
# them. Any other backtick is escaped. (The lookahead first lets the search skip plain
# text several times faster: megabytes of fixes go through this.)
_BLOCK_SPECIAL = re.compile(rf"(?=[\\`\[<|~&])(?:(?<!`)(`+)[^`\n<\[|&\\~]+\1(?!`)|{_SPECIAL})")
# The start of a line: its indent and list markers ("- ", "1. ", "  * - ").
_MARKERS = r"^[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)*"
# After them, a heading or a quote.
_HEADING = re.compile(rf"({_MARKERS})([#>])", re.M)
# A thematic break or a setext heading's underline ("***", "- - -", "===", a lone "-"),
# also after a marker ("- ***"): the markers are read lazily, as "- - -" is a rule.
_RULE = re.compile(rf"({_MARKERS}?)(?=(?:([-*_])(?:[ \t]*\2){{2,}}|=+|-+)[ \t]*$)", re.M)


# What one-line text may start with that makes more of it than text (it often stands
# at the start of a list item): a heading, a quote, a list item, a thematic break.
_START = re.compile(r"^(?:#{1,6}(?= |$)|>|[-+](?= |$)|-(?=(?: ?-){2,} ?$))")
_START_NUMBER = re.compile(r"^(\d{1,9})([.)])(?= |$)")


def _escaped(match: re.Match[str]) -> str:
    kept_code_span = match[0][0] == "`" and len(match[0]) > 1
    return match[0] if kept_code_span else "\\" + match[0]


def _inline(text: str) -> str:
    """Text from the flow, an answer or Apple's feed as Markdown that shows exactly it,
    on one line, inside its table cell, list item or heading: nothing in it starts a
    construct, at the start of the line neither, and no "#" ends a heading early."""
    text = _INLINE_SPECIAL.sub(r"\\\g<0>", " ".join(text.split()))
    text = _START.sub(r"\\\g<0>", text)
    text = _START_NUMBER.sub(r"\1\\\2", text)
    return re.sub(r"(?<= )#(?=#*$)", r"\\#", text)


def _block(text: str) -> str:
    """Flow Markdown (a fix, how to tell it worked, where to get help) as far as a
    report keeps it: paragraphs, list items, emphasis, code spans and indented code.
    Anything else shows the characters it is written with: HTML, images, headings,
    quotes, tables, fenced code, rules, and links, which so show both their text and
    their target."""
    text = _BLOCK_SPECIAL.sub(_escaped, text)
    text = _HEADING.sub(r"\1\\\2", text)
    return _RULE.sub(r"\1\\", text)


def render(result: SessionResult, now: datetime | None = None) -> str:
    flow = result.flow
    when = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# {_inline(flow.title)}: troubleshooting report", ""]
    if result.outages:  # known from Apple: said first
        lines += ["**Apple reports an outage right now:**", ""]
        for o in result.outages:
            since = f" (since {_inline(o.started)})" if o.started else ""
            lines.append(f"- {_inline(o.service)}{since}: {_inline(o.message)}")
        lines += ["", f"While it lasts, no setting on the iPhone makes photos sync "
                  f"({wording.SYSTEM_STATUS}).", ""]
    lines += [
        f"**{_inline(wording.headline(result))}**",
        "",
        f"- Date: {when}",
        f"- Flow: {flow.id} {_inline(flow.version)}",
        *([f"- Wording checked against: {_inline(flow.checked_against)}"]
          if flow.checked_against else []),
        f"- Tool: icloud-fix {__version__}",
        f"- Outcome: {result.outcome.value}",
    ]
    if result.resolved_by is not None:
        title = next(c.check.title for c in result.checks if c.check.id == result.resolved_by)
        lines.append(f"- Resolved: yes, by the fix for {_inline(title)} ({result.resolved_by})")
    elif result.outcome is not Outcome.INTERRUPTED:
        lines.append("- Resolved: no")
    if result.tried_in_vain and wording.needs_escalation(result):
        # Fixes were tried and did not help: where to go next comes first.
        lines += ["", "## Where to get help", "", _block(wording.escalation(result)), ""]
    lines += ["", "## Checks", "", "| # | Check | Status |", "|---|---|---|"]
    for number, c in enumerate(result.checks, start=1):
        lines.append(f"| {number} | {_inline(c.check.title)} | {STATUS_WORDS[c.status]} |")
    lines += ["", "## Answers", ""]
    triage = [q for q in result.triage if q.answer is not None]
    if triage:
        lines += ["### Before the checks", ""]
        for q in triage:
            assert q.answer is not None
            lines.append(f"- {_inline(q.question.prompt)} "
                         f"**{_inline(kinds.label(q.question, q.answer))}**")
        lines.append("")
    for c in result.checks:
        answered = [q for q in c.questions if q.answer is not None]
        if not answered:
            continue
        lines.append(f"### {_inline(c.check.title)}")
        lines.append("")
        for q in answered:
            assert q.answer is not None
            lines.append(f"- {_inline(q.question.prompt)} "
                         f"**{_inline(kinds.label(q.question, q.answer))}**")
        lines.append("")
    shown = [c for c in result.checks if c.status in (Status.FAILED, Status.WAITING,
                                                       Status.FIXED)]
    if shown:
        lines += ["## Fixes shown", ""]
        for c in shown:
            lines += [f"### {_inline(c.check.title)}", ""]
            for q in c.questions:
                if q.passed is False and q.question.remediation:
                    lines += [_block(q.question.remediation.rstrip()), ""]
                    if q.question.verify:
                        lines += [f"How to tell it worked: {_block(q.question.verify.strip())}",
                                  ""]
    step = wording.next_step(result)
    if step:
        lines += ["## Next step", "", _inline(step), ""]
    if wording.needs_escalation(result) and not result.tried_in_vain:
        lines += ["## Where to get help", "", _block(wording.escalation(result)), ""]
    return "\n".join(lines).rstrip() + "\n"
