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
from typing import TYPE_CHECKING

from icloud_fix import __version__

if TYPE_CHECKING:  # the model is imported when a report is made, not when listed
    from icloud_fix.report.model import AnswerRow, CheckRow, Report, Section

# Characters that begin Markdown wherever they stand (in CommonMark, and in GitHub's
# tables and strikethrough): escapes, code, links, images and footnotes (each opens
# with "["), raw HTML and autolinks, table cells, and character references (which
# could spell invisible characters).
_SPECIAL = r"[\\`\[<|~]|&(?=#?[0-9A-Za-z]+;)"
# In one-line text, emphasis too; an underscore inside a word starts none. A word
# here is ASCII letters and digits: an underscore next to any other letter is escaped
# too (it shows the same), so that which characters are letters (Unicode's tables,
# which differ from one Python to the next and from a browser's) changes nothing: the
# web page (page/page.js) escapes exactly as this does.
_INLINE_SPECIAL = re.compile(rf"{_SPECIAL}|\*|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
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
# A list item's number is ASCII digits, in CommonMark as here (not Arabic-Indic): the same
# in every Python and in the web page.
_START_NUMBER = re.compile(r"^([0-9]{1,9})([.)])(?= |$)")


def _escaped(match: re.Match[str]) -> str:
    kept_code_span = match[0][0] == "`" and len(match[0]) > 1
    return match[0] if kept_code_span else "\\" + match[0]


def inline(text: str) -> str:
    """Text from the flow, an answer or Apple's feed as Markdown that shows exactly it,
    on one line, inside its table cell, list item or heading: nothing in it starts a
    construct, at the start of the line neither, and no "#" ends a heading early."""
    text = _INLINE_SPECIAL.sub(r"\\\g<0>", " ".join(text.split()))
    text = _START.sub(r"\\\g<0>", text)
    text = _START_NUMBER.sub(r"\1\\\2", text)
    return re.sub(r"(?<= )#(?=#*$)", r"\\#", text)


def block(text: str) -> str:
    """Flow Markdown (a fix, how to tell it worked, where to get help) as far as a
    report keeps it: paragraphs, list items, emphasis, code spans and indented code.
    Anything else shows the characters it is written with: HTML, images, headings,
    quotes, tables, fenced code, rules, and links, which so show both their text and
    their target."""
    text = _BLOCK_SPECIAL.sub(_escaped, text)
    text = _HEADING.sub(r"\1\\\2", text)
    return _RULE.sub(r"\1\\", text)


def _answer(q: AnswerRow) -> str:
    """'Is it on? **No**', and for a reading, what it found."""
    line = f"{inline(q.prompt)} **{inline(q.label)}**"
    if q.reading:
        line += f" (read from the iPhone: {inline(q.reading)})"
    if q.unanswered:
        line += " (not answered)"
    return line


def _reasons(row: CheckRow) -> list[str]:
    """Why the check failed, a paragraph each."""
    lines = []
    for reason in row.reasons:
        said = (f"{inline(reason.question)} **{inline(reason.answer)}**"
                if reason.question is not None else inline(reason.answer))
        # The lead may quote the flow (an earlier choice's label): escaped like the rest.
        lines += [f"{inline(reason.lead)} {said}", ""]
    return lines


def _fixes(row: CheckRow) -> list[str]:
    lines = []
    for fix in row.fixes:
        lines += [block(fix.text.rstrip()), ""]
        if fix.verify:
            lines += [f"How to tell it worked: {block(fix.verify)}", ""]
    return lines


def _command(command: str) -> list[str]:
    """A command as an indented code block: one line, nothing in it taken for Markdown,
    and copied as it is."""
    return [f"    {command}", ""]


def _outcome(report: Report, now: datetime | None) -> list[str]:
    """The headline in bold, then the facts of the session as a list."""
    from icloud_fix.engine import Outcome
    from icloud_fix.report import wording
    flow = report.flow
    when = wording.utc(report.started or now or datetime.now(timezone.utc)).strftime(
        "%Y-%m-%d %H:%M UTC")
    lines = [
        f"**{inline(report.headline)}**",
        "",
        f"- Date: {when}",
        *([f"- iPhone read: {inline(report.device)}"] if report.device else []),
        f"- Flow: {flow.id} {inline(flow.version)}",
        *([f"- Wording checked against: {inline(flow.checked_against)}"]
          if flow.checked_against else []),
        f"- Tool: icloud-fix {__version__}",
        f"- Outcome: {report.outcome.value}",
    ]
    if report.resolved_by is not None:
        lines.append(f"- Resolved: yes, by the fix for {inline(report.resolved_by.title)} "
                     f"({report.resolved_by.id})")
    elif report.outcome is not Outcome.INTERRUPTED:
        lines.append("- Resolved: no")
    # Every fix tried, the one that solved it too, so whoever reads this does not ask
    # for them again.
    tried = report.result.fixes_tried
    if tried:
        lines.append("- Fixes tried: " + ", ".join(
            f"{inline(c.check.title)} ({wording.HELPED[helped]})" for c, helped in tried))
    return lines


def _section(report: Report, section: Section, now: datetime | None) -> list[str]:
    """A section's lines, its heading first (the outcome and Apple's status have
    none: they open the report)."""
    from icloud_fix.report import model, wording
    from icloud_fix.report.model import Section
    if section is Section.APPLE_STATUS:
        return ["**Apple reports an outage right now:**", "",
                *(f"- {inline(line)}" for line in model.outage_lines(report.outages)),
                "", f"While it lasts, no setting on the iPhone makes photos sync "
                f"({wording.SYSTEM_STATUS})."]
    if section is Section.OUTCOME:
        return _outcome(report, now)
    lines = [f"## {section.value}", ""]
    if section is Section.CHECKS:
        lines += ["| # | Check | Status |", "|---|---|---|"]
        lines += [f"| {row.number} | {inline(row.title)} | {row.status.words} |"
                  for row in report.checks]
    elif section is Section.ANSWERS:
        if report.triage:
            lines += ["### Before the checks", "", *(f"- {_answer(q)}" for q in report.triage),
                      ""]
        for row in report.checks:
            if row.answers:
                lines += [f"### {inline(row.title)}", "",
                          *(f"- {_answer(q)}" for q in row.answers), ""]
    elif section is Section.READINGS:
        return []  # each answer read from the iPhone says so under Answers
    elif section is Section.FIXES_TRIED:
        # The fix, why the check failed and what came of it.
        for t in report.fixes_tried:
            lines += [f"### {inline(t.check.title)}", "", f"Result: {t.words}.", "",
                      *_reasons(t.check), *_fixes(t.check)]
    elif section is Section.FIXES_TO_TRY:
        for row in report.fixes_to_try:
            lines += [f"### {inline(row.title)}", "", *_reasons(row), *_fixes(row)]
    elif section is Section.TO_LOOK_UP:
        for q in report.not_sure:
            unanswered = " (not answered)" if q.unanswered else ""
            lines += [f"### {inline(q.prompt)}{unanswered}", ""]
            if q.where:
                lines += [block(q.where), ""]
    elif section is Section.NEXT_STEP and report.next_step:
        lines += [inline(report.next_step.sentence), ""]
        if report.next_step.command:
            lines += _command(report.next_step.command)
    elif section is Section.WHERE_TO_GET_HELP:
        lines += [block(report.escalation or ""), ""]
    return lines


def render(report: Report, now: datetime | None = None) -> str:
    """The report as Markdown: a title, then each section in the report's order."""
    lines = [f"# {inline(report.flow.title)}: troubleshooting report", ""]
    for section in report.sections:
        part = _section(report, section, now)
        while part and part[-1] == "":
            part.pop()
        if part:  # a blank line between sections
            lines += [*part, ""]
    return "\n".join(lines).rstrip() + "\n"


class Markdown:
    name = "markdown"
    extensions = (".md", ".markdown")
    help = "to paste into a support request or ticket"

    def render(self, report: Report, console: object = None) -> str:
        return render(report)


FORMAT = Markdown()
