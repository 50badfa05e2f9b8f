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
from icloud_fix.engine import CheckResult, Origin, Outcome, QuestionResult, SessionResult, Status
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


def _answer(q: QuestionResult) -> str:
    """'Is it on? **No**', and for a reading, what it found."""
    assert q.answer is not None
    line = f"{_inline(q.question.prompt)} **{_inline(kinds.label(q.question, q.answer))}**"
    read = wording.reading(q)
    if read:
        line += f" (read from the iPhone: {_inline(read)})"
    if q.source is Origin.UNANSWERED:
        line += " (not answered)"
    return line


def _reasons(c: CheckResult) -> list[str]:
    """Why the check failed, a paragraph each."""
    lines = []
    for reason in wording.reasons(c):
        said = (f"{_inline(reason.question)} **{_inline(reason.answer)}**"
                if reason.question is not None else _inline(reason.answer))
        # The lead may quote the flow (an earlier choice's label): escaped like the rest.
        lines += [f"{_inline(reason.lead)} {said}", ""]
    return lines


def _fixes(c: CheckResult) -> list[str]:
    lines = []
    for q in c.questions:
        if q.passed is False and q.question.remediation:
            lines += [_block(q.question.remediation.rstrip()), ""]
            if q.question.verify:
                lines += [f"How to tell it worked: {_block(q.question.verify.strip())}", ""]
    return lines


def _command(command: str) -> list[str]:
    """A command as an indented code block: one line, nothing in it taken for Markdown,
    and copied as it is."""
    return [f"    {command}", ""]


def render(result: SessionResult, now: datetime | None = None) -> str:
    flow = result.flow
    when = wording.utc(result.started or now or datetime.now(timezone.utc)).strftime(
        "%Y-%m-%d %H:%M UTC")
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
        *([f"- iPhone read: {_inline(phone)}"] if (phone := wording.device(result)) else []),
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
    tried = result.fixes_tried
    if tried:
        lines.append("- Fixes tried: " + ", ".join(
            f"{_inline(c.check.title)} ({wording.HELPED[helped]})" for c, helped in tried))
    help_first = result.tried_in_vain and wording.needs_escalation(result)
    if help_first:
        # Fixes were tried and did not help: where to go next comes first.
        lines += ["", f"## {wording.WHERE_TO_GET_HELP}", "",
                  _block(wording.escalation(result))]
    lines += ["", "## Checks", "", "| # | Check | Status |", "|---|---|---|"]
    for number, c in enumerate(result.checks, start=1):
        status = "did not apply" if c.ruled_out else STATUS_WORDS[c.status]
        lines.append(f"| {number} | {_inline(c.check.title)} | {status} |")
    lines += ["", "## Answers", ""]
    triage = [q for q in result.triage if q.answer is not None]
    if triage:
        lines += ["### Before the checks", ""]
        lines += [f"- {_answer(q)}" for q in triage]
        lines.append("")
    for c in result.checks:
        answered = [q for q in c.questions if q.answer is not None]
        if not answered:
            continue
        lines.append(f"### {_inline(c.check.title)}")
        lines.append("")
        lines += [f"- {_answer(q)}" for q in answered]
        lines.append("")
    if tried:
        # The person tried these: the fix, why the check failed and what came of it, so
        # whoever reads this does not ask for them again.
        lines += [f"## {wording.FIXES_TRIED}", ""]
        for c, helped in tried:
            lines += [f"### {_inline(c.check.title)}", "",
                      f"Result: {wording.HELPED[helped]}.", "", *_reasons(c), *_fixes(c)]
    to_try = [c for c in result.failed if result.fix_tried(c.check.id) is None]
    if to_try:
        lines += [f"## {wording.FIXES_TO_TRY}", ""]
        for c in to_try:
            lines += [f"### {_inline(c.check.title)}", "", *_reasons(c), *_fixes(c)]
    look_up = wording.not_sure(result) if result.outcome is Outcome.INCONCLUSIVE else ()
    if look_up:
        lines += [f"## {wording.TO_LOOK_UP}", ""]
        for q in look_up:
            where = wording.where_to_look(q.question)
            unanswered = " (not answered)" if q.source is Origin.UNANSWERED else ""
            lines += [f"### {_inline(q.question.prompt)}{unanswered}", ""]
            if where:
                lines += [_block(where), ""]
    step = wording.next_step_parts(result)
    if step:
        lines += ["## Next step", "", _inline(step.sentence), ""]
        if step.command:
            lines += _command(step.command)
    if wording.needs_escalation(result) and not help_first:
        lines += [f"## {wording.WHERE_TO_GET_HELP}", "", _block(wording.escalation(result)),
                  ""]
    return "\n".join(lines).rstrip() + "\n"
