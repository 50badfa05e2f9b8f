"""What every report says about a session, in the same words whatever its format: the
headline, what Apple reports, and the next step. Pure text; the text, Markdown and
JSON reports each lay it out their own way."""

from __future__ import annotations

from icloud_fix.engine import Outcome, SessionResult, Status

SYSTEM_STATUS = "https://www.apple.com/support/systemstatus/"
# Where to go when the fixes do not help, for a flow that does not say.
DEFAULT_ESCALATION = (
    "If the fixes do not help, ask for help and hand over this report: run icloud-fix "
    "again with `--output report.md` and attach the file."
)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _command(result: SessionResult, *words: str) -> str:
    """An icloud-fix command for this flow: --steps FILE unless it is the built-in one."""
    from icloud_fix.flowfile.loader import BUILTIN_FLOW
    from icloud_fix.safe_text import shell_word

    flow = result.flow
    steps = [] if flow.source == BUILTIN_FLOW else ["--steps", flow.source]
    # A file name from outside is shown spelled out, and still names that file pasted.
    return " ".join(shell_word(w) for w in ("icloud-fix", *steps, *words))


# A headline is one sentence: a flow of thousands of checks names the first few.
_TITLES_NAMED = 5


def _titles(checks: tuple) -> str:
    named = ", ".join(f"'{c.check.title}'" for c in checks[:_TITLES_NAMED])
    more = len(checks) - _TITLES_NAMED
    return f"{named} and {more:,} more" if more > 0 else named


def headline(result: SessionResult) -> str:
    """One sentence: what this session found, claiming no more than it knows."""
    outcome = result.outcome
    selected = result.selected
    not_run = result.not_run
    run_note = f"; {_count(len(not_run), 'check')} {'was' if len(not_run) == 1 else 'were'} " \
        f"not run" if not_run else ""
    if outcome is Outcome.RESOLVED:
        title = next(c.check.title for c in result.checks if c.check.id == result.resolved_by)
        return f"Resolved: the fix for '{title}' solved the problem."
    if outcome is Outcome.SERVICE_OUTAGE:
        services = ", ".join(sorted({o.service for o in result.outages})) or "iCloud"
        if result.stopped_for_outage:
            return (f"Stopped: Apple reports an outage of {services}. No setting on your "
                    f"iPhone can fix that.")
        return (f"Apple reports an outage of {services}, and no check failed: the outage is "
                f"the likely cause.")
    if outcome is Outcome.PROBLEMS_FOUND:
        failed = result.failed
        waiting = result.waiting
        text = f"Problems found: {_count(len(failed), 'check')} failed ({_titles(failed)})"
        if waiting:
            text += f"; the fix for {_titles(waiting)} takes time to show"
        return text + run_note + "."
    if outcome is Outcome.INCONCLUSIVE:
        open_checks = tuple(c for c in selected if c.status is not Status.PASSED)
        return (f"Inconclusive: no check failed, but {_count(len(open_checks), 'check')} of "
                f"the {len(selected)} run did not finish ({_titles(open_checks)}: not sure or "
                f"not reached){run_note}.")
    if outcome is Outcome.INTERRUPTED:
        done = sum(1 for c in selected if c.status not in (Status.NOT_REACHED,
                                                            Status.IN_PROGRESS))
        return f"Stopped before the end: {done} of {_count(len(selected), 'check')} done."
    if not_run:
        checks = "one check" if len(selected) == 1 else f"{len(selected)} checks"
        return f"The {checks} run passed{run_note}."
    return "Every check passed."


def next_step(result: SessionResult, only_hint: str | None = None) -> str | None:
    """What to do now; None only for a resolved session."""
    outcome = result.outcome
    if outcome is Outcome.RESOLVED:
        return None
    if outcome is Outcome.INTERRUPTED:
        return "Run icloud-fix again to continue where you stopped."
    if outcome is Outcome.SERVICE_OUTAGE:
        return (f"Wait until Apple's System Status ({SYSTEM_STATUS}) shows the service as "
                f"available again, then open Photos; if your photos still do not sync, run "
                f"icloud-fix again.")
    if outcome is Outcome.PROBLEMS_FOUND:
        untried = [c for c in result.failed if c.check.id not in result.tried]
        if result.waiting:
            return ("Give the fixes that take time what they need (each says how long), "
                    "then run icloud-fix again: it starts by asking whether they worked."
                    + (" Meanwhile, try the other fixes in order." if untried else ""))
        if untried:
            return "Try the fixes in order; after each one, check whether the problem is gone."
        if result.not_run:
            ids = ",".join(c.check.id for c in result.not_run)
            return (f"The fixes you tried did not help. Run the other checks too: "
                    f"{_command(result, '--only', ids)}")
        return ("The fixes you tried did not help: ask for help (see 'If this does not "
                "help') and hand over this report.")
    if outcome is Outcome.INCONCLUSIVE:
        open_ids = ",".join(c.check.id for c in result.selected
                            if c.status is not Status.PASSED)
        return (f"Find out what you were not sure about (the help of each question says "
                f"where to look), then run those checks again: "
                f"{_command(result, '--only', open_ids)}")
    if result.not_run:
        ids = ",".join(c.check.id for c in result.not_run)
        return f"Run the other checks too: {_command(result, '--only', ids)}"
    return "Every check passed: see where to get help if the problem goes on."


def needs_escalation(result: SessionResult) -> bool:
    """Where to go when the fixes do not help: said with a failed check, a known outage,
    or when every check passed and the problem goes on."""
    return result.outcome in (Outcome.PROBLEMS_FOUND, Outcome.SERVICE_OUTAGE) or (
        result.outcome is Outcome.NO_PROBLEM_FOUND and not result.not_run)


def escalation(result: SessionResult) -> str:
    return (result.flow.escalation or DEFAULT_ESCALATION).strip()
