"""JSON documents for scripts: one session report, or the list of checks and questions."""

from __future__ import annotations

import json
from typing import Any

from icloud_fix import __version__
from icloud_fix.engine import SessionResult
from icloud_fix.flow import Flow

SCHEMA_VERSION = 1


def flow_summary(flow: Flow) -> dict[str, Any]:
    return {"id": flow.id, "title": flow.title, "version": flow.version, "source": flow.source}


def session_document(
    result: SessionResult, service_status: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "icloud-fix", "version": __version__},
        "flow": flow_summary(result.flow),
        # Apple's System Status for the flow's services; null when not looked at.
        "service_status": service_status,
        "outcome": result.outcome.value,
        "resolved_by": result.resolved_by,
        "checks": [
            {
                "id": c.check.id,
                "title": c.check.title,
                "status": c.status.value,
                "questions": [
                    {
                        "id": q.question.id,
                        "answer": q.answer.value if q.answer else None,
                        "passed": q.passed,
                        "source": q.source,
                        **({"evidence": q.evidence} if q.evidence else {}),
                    }
                    for q in c.questions
                ],
                "remediation": list(c.remediation),
            }
            for c in result.checks
        ],
    }


def flow_document(flow: Flow) -> dict[str, Any]:
    return {
        "flow": flow_summary(flow),
        "checks": [
            {
                "id": check.id,
                "title": check.title,
                "questions": [
                    {
                        "id": q.id,
                        "prompt": q.prompt,
                        "pass_answer": q.pass_answer.value if q.pass_answer else None,
                        "when": {qid: answer.value for qid, answer in q.when} or None,
                    }
                    for q in check.questions
                ],
            }
            for check in flow.checks
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
