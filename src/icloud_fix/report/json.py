"""JSON documents for scripts: one session report, or the list of checks and questions."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from icloud_fix import __version__, kinds
from icloud_fix.flow import Flow, Question
from icloud_fix.safe_text import one_line

if TYPE_CHECKING:
    from icloud_fix.engine import QuestionResult
    from icloud_fix.report.model import Report

# 2: a check none of whose questions applied is "not_run" with "ruled_out": true (it was
# "passed"), and a run that checked nothing is "inconclusive"; added "started",
# "device", each question's "text" and each check's "fix_tried" and "ruled_out".
SCHEMA_VERSION = 2


def flow_summary(flow: Flow) -> dict[str, Any]:
    return {"id": flow.id, "title": flow.title, "version": flow.version,
            # A file name from outside, spelled out like every text a flow gives.
            "source": one_line(flow.source),
            "checked_against": flow.checked_against}


def _answered(q: QuestionResult) -> dict[str, Any]:
    return {
        "id": q.question.id,
        # The question as it was asked, so a report reads without the flow file.
        "text": q.question.prompt.strip(),
        # yes, no, skip, or a choice id; null when not asked.
        "answer": q.answer,
        "passed": q.passed,
        "source": q.source.value if q.source is not None else None,
        **({"evidence": q.evidence} if q.evidence else {}),
    }


def session_document(report: Report) -> dict[str, Any]:
    """The report for scripts: its sentences from the report model, and every machine
    field (ids, statuses, sources, raw answers) from the session it was built from."""
    from icloud_fix.report import wording  # not needed to list a flow

    result = report.result
    device = result.device
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "icloud-fix", "version": __version__},
        "flow": flow_summary(result.flow),
        # When the session started, in UTC; null when not known (a report made from a
        # result by a library caller).
        "started": _utc(result.started),
        # The iPhone read during the session (--auto); null when none was.
        "device": None if device is None else {
            "identifier": device.identifier, "name": device.name, "ios": device.ios},
        # Apple's System Status for the flow's services; null when not looked at.
        # Apple's System Status as the JSON report gives it; null when not looked at.
        "service_status": None if report.service_status is None else {
            "reachable": report.service_status.reachable,
            "outages": [{"service": o.service, "message": o.message, "started": o.started}
                        for o in report.service_status.outages]},
        "outcome": result.outcome.value,
        "headline": report.headline,
        "resolved_by": result.resolved_by,
        # Checks whose fix was tried and takes time to show ("not yet").
        "waiting": [c.check.id for c in result.waiting],
        "triage": [_answered(q) for q in result.triage],
        # In the order they were asked, then those never reached, in flow order.
        "checks": [
            {
                "id": c.check.id,
                "title": c.check.title,
                "status": c.status.value,
                # not_run because no question of it applied to the answers given (true),
                # or because --only or --from left it out (false).
                "ruled_out": c.ruled_out,
                "questions": [_answered(q) for q in c.questions],
                "remediation": list(c.remediation),
                # Whether the person tried its fix and it helped (yes: it solved the
                # problem, no, not_yet: it takes time to show); null when not tried.
                "fix_tried": None if row.helped is None else {"helped": row.helped.value},
            }
            for row in report.checks for c in [row.result]
        ],
        # The questions answered "not sure" (or left unanswered), with where to look
        # for each answer (the question's help, Markdown; null when it has none).
        "to_look_up": [{"id": q.question.id, "text": q.question.prompt.strip(),
                        "help": wording.where_to_look(q.question)}
                       for q in wording.not_sure(result)],
        # What to do now (null when resolved), and where to go when fixes do not help.
        "next_step": None if report.next_step is None else str(report.next_step),
        "escalation": report.escalation,
    }


def _utc(when: datetime | None) -> str | None:
    from icloud_fix.report.wording import utc

    return None if when is None else utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def _question(q: Question) -> dict[str, Any]:
    from icloud_fix.flowfile.variants import adapt_question

    q = adapt_question(q, None)  # as asked when no iPhone is read: every variant
    return {
        "id": q.id,
        "kind": q.kind,
        "prompt": q.prompt,
        **kinds.of(q).describe(q),
        "when": {c.question: (c.answers[0] if len(c.answers) == 1 else list(c.answers))
                 for c in q.when} or None,
        "informational": kinds.informational(q),
        "asking": kinds.asking(q).describe(),
    }


def flow_document(flow: Flow) -> dict[str, Any]:
    return {
        "flow": flow_summary(flow),
        "triage": [_question(q) for q in flow.triage],
        "checks": [
            {"id": check.id, "title": check.title,
             "questions": [_question(q) for q in check.questions]}
            for check in flow.checks
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


class Json:
    name = "json"
    extensions = (".json",)
    help = "for scripts and help desks (fields documented in the README)"

    def render(self, report: Report, console: object = None) -> str:
        return dumps(session_document(report))


FORMAT = Json()
