"""What the page's script is given: the flow, as a session without an iPhone read sees
it, with every text ready for where it goes.

The page runs the same walk as the engine and writes the same reports as
``report/json.py`` and ``report/markdown.py``. So that it never has to make flow text
safe itself, each text comes here in the forms it is used in:
- as it is, for the JSON report (the same strings the JSON report holds);
- Markdown-escaped by the Markdown report's own functions, for the Markdown report;
- as blocks and spans (``markup``) or spelled-out text (``visible``), for the screen.

What decides a question (whether an answer passes, where a choice sends the session,
what it settles, an answer's words) is asked of the question's kind here, for each
answer a person can pick: the page looks it up. A typed answer (a number) is taken by
the page itself, as the kind describes (``QuestionKind.page_typed``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from icloud_fix import __version__, kinds
from icloud_fix.flow import Flow, Question
from icloud_fix.page.markup import blocks
from icloud_fix.report import markdown, wording
from icloud_fix.report.json import SCHEMA_VERSION, flow_summary
from icloud_fix.report.model import Section
from icloud_fix.safe_text import one_line, visible


def _for_no_iphone(flow: Flow) -> Flow:
    """The flow with every text as a session that read no iPhone shows it: each
    version's variant, and both names of mobile data."""
    from icloud_fix.flowfile.variants import adapt, adapt_question

    return dataclasses.replace(
        flow, escalation=adapt(flow.escalation, None),
        description=adapt(flow.description, None),
        after_fix_question=adapt(flow.after_fix_question, None) or "",
        triage=tuple(adapt_question(q, None) for q in flow.triage),
        checks=tuple(dataclasses.replace(c, questions=tuple(adapt_question(q, None)
                                                            for q in c.questions))
                     for c in flow.checks))


def _text(text: str, md: str, key: str = "text") -> dict[str, str]:
    """A one-line text as the JSON report has it, as the screen shows it and as the
    Markdown report writes it; the last two only when they differ from the first."""
    out = {key: text}
    shown = visible(" ".join(text.split()))
    if shown != text:
        out["show"] = shown
    if md != text:
        out["md"] = md
    return out


def _question(question: Question, raw: Question) -> dict[str, Any]:
    """One question (``raw``: as the engine has it, before its texts were adapted)."""
    kind = kinds.of(question)
    asking = kinds.asking(question)
    raw_labels = {o.value: o.label for o in kinds.asking(raw).options}
    where = wording.where_to_look(question)
    options = []
    for option in asking.options:
        routes = kind.routes_to(question, option.value)
        settles = kind.settles(question, option.value)
        label = kinds.label(question, option.value)
        options.append({
            "v": option.value, "key": option.key,
            **_text(label, markdown.inline(label), "label"),
            # What the button says, where the report's word differs ("Yes" for yes).
            **({"button": visible(option.label)} if option.label != label else {}),
            "passed": kinds.judge(question, option.value),
            **({"to": routes} if routes else {}),
            **({"settles": [list(pair) for pair in settles],
                # The reason a question it settles gives, as the Markdown report has it.
                "lead_md": markdown.inline(
                    f"From your answer '{one_line(raw_labels[option.value].strip())}': "),
                "lead": visible(f"From your answer '{raw_labels[option.value].strip()}':")}
               if settles else {}),
            **({"help": blocks(option.help)} if option.help else {}),
        })
    verify = question.verify.strip() if question.verify else None
    return {
        "id": question.id,
        **_text(question.prompt.strip(), markdown.inline(question.prompt)),
        "style": asking.style.value,
        **({"hint": visible(asking.hint)} if asking.hint else {}),
        "options": options,
        **({"typed": typed} if (typed := kind.page_typed(question)) else {}),
        "info": kinds.informational(question),
        "when": [[c.question, list(c.answers)] for c in question.when],
        **({"help": blocks(question.help)} if question.help else {}),
        **({"where": where, "where_md": markdown.block(where)} if where else {}),
        **({"fix": blocks(question.remediation), "fix_raw": question.remediation,
            "fix_md": markdown.block(question.remediation.rstrip())}
           if question.remediation else {}),
        **({"verify": blocks(verify), "verify_md": markdown.block(verify)} if verify else {}),
    }


def page_data(flow: Flow) -> dict[str, Any]:
    """Everything the page's script reads, as JSON-ready data."""
    shown = _for_no_iphone(flow)
    raw = {q.id: q for q in flow.all_questions()}
    escalation = (shown.escalation or wording.DEFAULT_ESCALATION).strip()
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "icloud-fix", "version": __version__},
        "flow": flow_summary(flow),
        "title": visible(" ".join(flow.title.split())),
        "description": blocks(shown.description),
        "after_fix": blocks(shown.after_fix_question),
        "escalation": {"raw": escalation, "md": markdown.block(escalation),
                       "show": blocks(escalation)},
        # The command that runs this flow, as the reports' next steps write it.
        "command": wording.flow_command(flow),
        "md": {
            "title": f"# {markdown.inline(flow.title)}: troubleshooting report",
            "flow": f"- Flow: {flow.id} {markdown.inline(flow.version)}",
            "checked": (f"- Wording checked against: {markdown.inline(flow.checked_against)}"
                        if flow.checked_against else None),
        },
        "words": {
            "status": {s.value: w.words for s, w in wording.STATUS.items()},
            "symbol": {s.value: w.symbol for s, w in wording.STATUS.items()},
            "tone": {s.value: w.tone for s, w in wording.STATUS.items()},
            "ruled_out": wording.RULED_OUT.words,
            "helped": {h.value: w for h, w in wording.HELPED.items()},
            "sections": {s.name: s.value for s in Section},
        },
        "triage": [_question(q, raw[q.id]) for q in shown.triage],
        "checks": [{**_text(c.title, markdown.inline(c.title), "title"), "id": c.id,
                    "questions": [_question(q, raw[q.id]) for q in c.questions]}
                   for c in shown.checks],
    }
    # Progress kept in the browser belongs to these very questions: another version of
    # the flow starts afresh (the page's own version, or where the flow file was, does
    # not matter).
    asked = {"triage": data["triage"], "checks": data["checks"]}
    digest = hashlib.sha256(json.dumps(asked, sort_keys=True).encode("utf-8", "surrogatepass"))
    data["storage_key"] = f"icloud-fix:{flow.id}:{digest.hexdigest()[:16]}"
    return data
