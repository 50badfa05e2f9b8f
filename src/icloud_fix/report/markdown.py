"""A Markdown report a person can paste into a support request."""

from __future__ import annotations

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


def _inline(text: str) -> str:
    """Text from the flow, kept on one line and inside its table cell or list item."""
    return " ".join(text.split()).replace("|", "\\|")


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
        lines += ["", "## Where to get help", "", wording.escalation(result), ""]
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
                    lines += [q.question.remediation.rstrip(), ""]
                    if q.question.verify:
                        lines += [f"How to tell it worked: {q.question.verify.strip()}", ""]
    step = wording.next_step(result)
    if step:
        lines += ["## Next step", "", step, ""]
    if wording.needs_escalation(result) and not result.tried_in_vain:
        lines += ["## Where to get help", "", wording.escalation(result), ""]
    return "\n".join(lines).rstrip() + "\n"
