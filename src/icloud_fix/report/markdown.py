"""A Markdown report a person can paste into a support request."""

from __future__ import annotations

from datetime import datetime, timezone

from icloud_fix import __version__, kinds
from icloud_fix.engine import Outcome, SessionResult, Status

STATUS_WORDS = {
    Status.PASSED: "passed",
    Status.FAILED: "failed",
    Status.SKIPPED: "skipped (not sure)",
    Status.NOT_REACHED: "not reached",
}
OUTCOME_WORDS = {
    Outcome.NO_PROBLEM_FOUND: "No problem found by these checks.",
    Outcome.PROBLEMS_FOUND: "Problems found; the fixes are below.",
    Outcome.RESOLVED: "Resolved.",
    Outcome.INTERRUPTED: "Interrupted before the end; the answers so far are below.",
}


def _inline(text: str) -> str:
    """Text from the flow, kept on one line and inside its table cell or list item."""
    return " ".join(text.split()).replace("|", "\\|")


def render(result: SessionResult, now: datetime | None = None) -> str:
    flow = result.flow
    when = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# {_inline(flow.title)}: troubleshooting report",
        "",
        f"- Date: {when}",
        f"- Flow: {flow.id} {_inline(flow.version)}",
        f"- Tool: icloud-fix {__version__}",
        f"- Outcome: {OUTCOME_WORDS[result.outcome]}",
    ]
    if result.resolved_by is not None:
        title = next(c.check.title for c in result.checks if c.check.id == result.resolved_by)
        lines.append(f"- Resolved: yes, by the fix for {_inline(title)} ({result.resolved_by})")
    elif result.outcome is not Outcome.INTERRUPTED:
        lines.append("- Resolved: no")
    lines += ["", "## Checks", "", "| # | Check | Status |", "|---|---|---|"]
    for number, c in enumerate(result.checks, start=1):
        lines.append(f"| {number} | {_inline(c.check.title)} | {STATUS_WORDS[c.status]} |")
    lines += ["", "## Answers", ""]
    triage = [q for q in result.triage if q.answer is not None]
    if triage:
        lines += ["### Before the checks", ""]
        for q in triage:
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
    if result.failed:
        lines += ["## Fixes shown", ""]
        for c in result.failed:
            lines += [f"### {_inline(c.check.title)}", ""]
            for text in c.remediation:
                lines += [text.rstrip(), ""]
    elif result.outcome is Outcome.NO_PROBLEM_FOUND and flow.escalation:
        lines += ["## Next step", "", flow.escalation.rstrip(), ""]
    return "\n".join(lines).rstrip() + "\n"
