"""An HTML report: one self-contained file to open, print or attach.

Everything it needs is inside it: the style is inline (with a print style), there is no
script, and it loads nothing: no stylesheet, font, image or frame from anywhere. Every
text from the flow, the answers, the iPhone and Apple's feed is escaped, and its
control and invisible characters (escape sequences, bidirectional overrides,
zero-width characters) are spelled out, as in every other report. A link in the flow is
shown as the text it is written with, never as a link: a report is read by someone
who did not write the flow, and an address shown is an address they can judge.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from icloud_fix import __version__

if TYPE_CHECKING:  # the model is imported when a report is made, not when listed
    from icloud_fix.report.model import AnswerRow, CheckRow, Report, Section
from icloud_fix.safe_text import visible

_STYLE = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f;
       max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #d2d2d7;
         vertical-align: top; }
td.number { text-align: right; }
.good { color: #1b7f37; } .bad { color: #b3261e; font-weight: bold; }
.open { color: #8a5a00; } .quiet { color: #6e6e73; }
.headline { font-size: 1.1rem; font-weight: bold; }
.reason { font-style: italic; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f5f5f7;
      padding: .5rem; }
p, li, td, th, h1, h2, h3, dd { overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; }
dt { font-weight: bold; } dd { margin: 0; }
@media print {
  body { font-size: 11pt; max-width: none; margin: 0; color: #000; }
  h2, h3 { break-after: avoid; } tr, li, pre { break-inside: avoid; }
  pre { background: none; border: 1px solid #999; }
  .good, .bad, .open, .quiet { color: #000; }
}
"""


def _text(text: str) -> str:
    """Text from outside as HTML that shows exactly it: escaped, its control and
    invisible characters spelled out."""
    import html  # with its table of entities: only when a page is made

    return html.escape(visible(text), quote=True)


def _line(text: str) -> str:
    """One-line text from outside (a title, a prompt, an answer): white space joined."""
    return _text(" ".join(text.split()))


_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)


def _block(text: str) -> str:
    """Flow Markdown (a fix, where to look, where to get help) as far as a printed page
    needs it: paragraphs, its lines as written (numbered steps stay a line each), and
    **bold**. Anything else shows the characters it is written with, links too."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text.strip()) if p.strip()]
    out = []
    for paragraph in paragraphs:
        # Escaped first: the bold marks are the only markup, and escaping leaves "*".
        shown = _BOLD.sub(r"<strong>\1</strong>", _text(paragraph))
        out.append("<p>" + shown.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def _answer(q: AnswerRow) -> str:
    line = f"{_line(q.prompt)} <strong>{_line(q.label)}</strong>"
    if q.reading:
        line += f" (read from the iPhone: {_line(q.reading)})"
    if q.unanswered:
        line += " (not answered)"
    return f"<li>{line}</li>"


def _reasons(row: CheckRow) -> list[str]:
    out = []
    for reason in row.reasons:
        said = (f"{_line(reason.question)} <strong>{_line(reason.answer)}</strong>"
                if reason.question is not None else _line(reason.answer))
        out.append(f'<p class="reason">{_line(reason.lead)} {said}</p>')
    return out


def _fixes(row: CheckRow) -> list[str]:
    out = []
    for fix in row.fixes:
        out.append(_block(fix.text))
        if fix.verify:
            out.append(_block(f"**How to tell it worked:** {fix.verify}"))
    return out


def _outcome(report: Report, now: datetime | None) -> list[str]:
    from icloud_fix.engine import Outcome
    from icloud_fix.report import wording
    flow = report.flow
    when = wording.utc(report.started or now or datetime.now(timezone.utc)).strftime(
        "%Y-%m-%d %H:%M UTC")
    facts = [("Date", _text(when))]
    if report.device:
        facts.append(("iPhone read", _line(report.device)))
    facts.append(("Flow", f"{_line(flow.id)} {_line(flow.version)}"))
    if flow.checked_against:
        facts.append(("Wording checked against", _line(flow.checked_against)))
    facts += [("Tool", f"icloud-fix {_text(__version__)}"),
              ("Outcome", _text(report.outcome.value))]
    if report.resolved_by is not None:
        facts.append(("Resolved", f"yes, by the fix for {_line(report.resolved_by.title)}"))
    elif report.outcome is not Outcome.INTERRUPTED:
        facts.append(("Resolved", "no"))
    tried = report.result.fixes_tried
    if tried:
        facts.append(("Fixes tried", ", ".join(
            f"{_line(c.check.title)} ({_text(wording.HELPED[helped])})"
            for c, helped in tried)))
    return [f'<p class="headline {report.tone}">{_line(report.headline)}</p>', "<dl>",
            *(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts), "</dl>"]


def _body(report: Report, section: Section) -> list[str]:
    """What a section holds, under its heading."""
    from icloud_fix.report import model, wording
    from icloud_fix.report.model import Section
    if section is Section.APPLE_STATUS:
        return [f"<p><strong>{_text(wording.OUTAGE_HEADING)}</strong></p>", "<ul>",
                *(f"<li>{_line(line)}</li>" for line in model.outage_lines(report.outages)),
                "</ul>", f"<p>{_text(wording.OUTAGE_MEANS)}</p>"]
    if section is Section.CHECKS:
        rows = [f'<tr><td class="number">{row.number}</td><td>{_line(row.title)}</td>'
                f'<td class="{row.status.tone}">{_text(row.status.symbol)} '
                f"{_text(row.status.words)}</td></tr>" for row in report.checks]
        return ["<table>", "<thead><tr><th>#</th><th>Check</th><th>Status</th></tr></thead>",
                "<tbody>", *rows, "</tbody>", "</table>"]
    if section is Section.ANSWERS:
        groups = [("Before the checks", report.triage)] if report.triage else []
        groups += [(row.title, row.answers) for row in report.checks if row.answers]
        return [part for title, answers in groups
                for part in (f"<h3>{_line(title)}</h3>", "<ul>",
                             *(_answer(q) for q in answers), "</ul>")]
    if section is Section.READINGS:
        return ["<ul>", *(f"<li>{_line(q.prompt)} <strong>{_line(q.label)}</strong>: "
                          f"{_line(q.reading or '')}</li>" for q in report.readings), "</ul>"]
    if section is Section.FIXES_TRIED:
        return [part for t in report.fixes_tried
                for part in (f"<h3>{_line(t.check.title)}</h3>",
                             f"<p>Result: <strong>{_text(t.words)}</strong>.</p>",
                             *_reasons(t.check), *_fixes(t.check))]
    if section is Section.FIXES_TO_TRY:
        return [part for number, row in enumerate(report.fixes_to_try, start=1)
                for part in (f"<h3>{number}. {_line(row.title)}</h3>", *_reasons(row),
                             *_fixes(row))]
    if section is Section.TO_LOOK_UP:
        return [part for q in report.not_sure
                for part in (f"<h3>{_line(q.prompt)}"
                             f"{' (not answered)' if q.unanswered else ''}</h3>",
                             *([_block(q.where)] if q.where else []))]
    if section is Section.NEXT_STEP and report.next_step:
        step = report.next_step
        # The command on a line of its own, kept whole, to copy as it is.
        return [f"<p>{_line(step.sentence)}</p>",
                *([f"<pre><code>{_text(step.command)}</code></pre>"] if step.command else [])]
    if section is Section.WHERE_TO_GET_HELP:
        return [_block(report.escalation or "")]
    return []


def render(report: Report, now: datetime | None = None) -> str:
    """The report as one HTML5 document: a title, then each section in the report's
    order under its own heading (the outcome under the title)."""
    from icloud_fix.report.model import Section
    title = f"{_line(report.flow.title)}: troubleshooting report"
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             # No referrer, nothing fetched: said to the browser too.
             '<meta name="referrer" content="no-referrer">',
             '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
             'style-src \'unsafe-inline\'">',
             f"<title>{title}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
             "<main>", f"<h1>{title}</h1>"]
    for section in report.sections:
        body = _body(report, section) if section is not Section.OUTCOME \
            else _outcome(report, now)
        parts += [f'<section class="{section.name.lower().replace("_", "-")}">',
                  f"<h2>{_text(section.value)}</h2>", *body, "</section>"]
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


class Html:
    name = "html"
    extensions = (".html", ".htm")
    help = "one self-contained page to open, print or attach"

    def render(self, report: Report, console: object = None) -> str:
        return render(report)


FORMAT = Html()
