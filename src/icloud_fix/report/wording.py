"""What every report says about a session, in the same words whatever its format: the
headline, what Apple reports, the next step, why a check failed, the fixes tried and
the headings the reports share. Pure text; the text, Markdown and JSON reports each lay
it out their own way."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timezone

from icloud_fix import kinds
from icloud_fix.engine import (
    CheckResult,
    Helped,
    Origin,
    Outcome,
    QuestionResult,
    SessionResult,
    Status,
)
from icloud_fix.flow import Answer, Flow, Question

SYSTEM_STATUS = "https://www.apple.com/support/systemstatus/"
# What an outage Apple reports means, before the outages and after them.
OUTAGE_HEADING = "Apple reports a problem with its own service right now:"
OUTAGE_MEANS = ("While this lasts, no setting on your iPhone will make photos sync. "
                f"{SYSTEM_STATUS}")
# Where to go when the fixes do not help, for a flow that does not say. A report may
# be read saved, by someone else: it tells nobody to run anything to make it.
DEFAULT_ESCALATION = (
    "If the fixes do not help, ask for help and hand over this report: it says what was "
    "checked, what was answered and which fixes were tried."
)

# The headings of the sections the text and Markdown reports share, in the order they
# come; a sentence that sends the reader to one ("see 'Where to get help'") names it
# exactly as it is here.
FIXES_TRIED = "Fixes already tried"
FIXES_TO_TRY = "Fixes to try, in order"
TO_LOOK_UP = "Questions to look up"
WHERE_TO_GET_HELP = "Where to get help"

@dataclass(frozen=True)
class StatusWording:
    """A check's status as every report says it: in words; the symbol (and a plain
    one for a terminal without Unicode) and the tone (how a format colours it) only
    repeat them."""

    symbol: str
    plain_symbol: str
    words: str
    tone: str  # "good", "bad", "open" or "quiet"


# The one table of what each status is called, in every format.
STATUS = {
    Status.PASSED: StatusWording("✓", "+", "passed", "good"),
    Status.FAILED: StatusWording("✗", "x", "failed", "bad"),
    Status.FIXED: StatusWording("✓", "+", "fixed", "good"),
    Status.WAITING: StatusWording("…", "~", "fix tried, waiting", "open"),
    Status.SKIPPED: StatusWording("?", "?", "skipped (not sure)", "open"),
    Status.IN_PROGRESS: StatusWording("…", "~", "in progress (stopped)", "open"),
    Status.NOT_REACHED: StatusWording("·", "-", "not reached", "quiet"),
    Status.NOT_RUN: StatusWording("·", "-", "not run", "quiet"),
}
# A check not run because no question of it applied: said so, not as one left out.
RULED_OUT = StatusWording("·", "-", "did not apply", "quiet")

# Whether a fix the person tried helped, in every format.
HELPED = {
    Helped.YES: "solved the problem",
    Helped.NO: "did not help",
    Helped.NOT_YET: "tried, takes time to show",
}


def utc(when: datetime) -> datetime:
    """A time in UTC; one without a zone is taken to be in UTC already."""
    if when.tzinfo is None:
        return when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _were(number: int) -> str:
    return "was" if number == 1 else "were"


def command(result: SessionResult, *words: str) -> str:
    """An icloud-fix command for this session's flow: --steps FILE unless it is the
    built-in one."""
    return flow_command(result.flow, *words)


def flow_command(flow: Flow, *words: str) -> str:
    """An icloud-fix command for a flow: --steps FILE unless it is the built-in one."""
    from icloud_fix.flowfile.loader import BUILTIN_FLOW
    from icloud_fix.safe_text import shell_word

    steps = [] if flow.source == BUILTIN_FLOW else ["--steps", flow.source]
    # A file name from outside is shown spelled out, and still names that file pasted.
    return " ".join(shell_word(w) for w in ("icloud-fix", *steps, *words))


# A headline is one sentence: a flow of thousands of checks names the first few.
_TITLES_NAMED = 5


def _titles(checks: tuple[CheckResult, ...] | list[CheckResult]) -> str:
    named = ", ".join(f"'{c.check.title}'" for c in checks[:_TITLES_NAMED])
    more = len(checks) - _TITLES_NAMED
    return f"{named} and {more:,} more" if more > 0 else named


def left_out(result: SessionResult) -> tuple[CheckResult, ...]:
    """The checks --only or --from left out: the ones another run may still ask."""
    return tuple(c for c in result.not_run if not c.ruled_out)


def ruled_out(result: SessionResult) -> tuple[CheckResult, ...]:
    """The checks not run because no question of them applied to the answers given."""
    return tuple(c for c in result.not_run if c.ruled_out)


def _run_note(result: SessionResult) -> str:
    """'; 2 checks were not run; 1 check did not apply', or nothing."""
    note = ""
    out, ruled = left_out(result), ruled_out(result)
    if out:
        note += f"; {_count(len(out), 'check')} {_were(len(out))} not run"
    if ruled:
        note += f"; {_count(len(ruled), 'check')} did not apply ({_titles(ruled)})"
    return note


def headline(result: SessionResult) -> str:
    """One sentence: what this session found, claiming no more than it knows."""
    outcome = result.outcome
    selected = result.selected
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
        return text + _run_note(result) + "."
    if outcome is Outcome.INCONCLUSIVE:
        if not selected:  # every check run was ruled out by earlier answers
            out = left_out(result)
            note = f"; {_count(len(out), 'check')} {_were(len(out))} not run" if out else ""
            return ("Inconclusive: no question of the checks run applied, so nothing was "
                    f"checked{note}.")
        open_checks = tuple(c for c in selected if c.status is not Status.PASSED)
        return (f"Inconclusive: no check failed, but {_count(len(open_checks), 'check')} of "
                f"the {len(selected)} run did not finish ({_titles(open_checks)}: not sure or "
                f"not reached){_run_note(result)}.")
    if outcome is Outcome.INTERRUPTED:
        done = sum(1 for c in selected if c.status not in (Status.NOT_REACHED,
                                                            Status.IN_PROGRESS))
        if selected and done == len(selected):
            # Stopped at the last "Do your photos sync now?": every check was answered.
            return ("Stopped before the end: every check was answered, but not whether the "
                    "last fix helped.")
        return f"Stopped before the end: {done} of {_count(len(selected), 'check')} done."
    if result.not_run:
        checks = "one check" if len(selected) == 1 else f"{len(selected)} checks"
        return f"The {checks} run passed{_run_note(result)}."
    return "Every check passed."


@dataclass(frozen=True)
class NextStep:
    """What to do now: a sentence, and the command it ends with, if any. A report shows
    the command on a line of its own that is never broken, so it pastes as one."""

    sentence: str
    command: str | None = None

    def __str__(self) -> str:
        return f"{self.sentence} {self.command}" if self.command else self.sentence


def next_step_parts(result: SessionResult) -> NextStep | None:
    """What to do now; None only for a resolved session."""
    outcome = result.outcome
    out = left_out(result)
    others = (",".join(c.check.id for c in out),) if out else ()
    if outcome is Outcome.RESOLVED:
        return None
    if outcome is Outcome.INTERRUPTED:
        return NextStep("Run icloud-fix again to continue where you stopped.")
    if outcome is Outcome.SERVICE_OUTAGE:
        return NextStep(
            f"Wait until Apple's System Status ({SYSTEM_STATUS}) shows the service as "
            f"available again, then open Photos; if your photos still do not sync, run "
            f"icloud-fix again.")
    if outcome is Outcome.PROBLEMS_FOUND:
        untried = [c for c in result.failed if c.check.id not in result.tried]
        if result.waiting:
            return NextStep(
                "Give the fixes that take time what they need (each says how long), then "
                "run icloud-fix again: it starts by asking whether they worked."
                + (" Meanwhile, try the other fixes in order." if untried else ""))
        if untried:
            return NextStep("Try the fixes in order; after each one, check whether the "
                            "problem is gone.")
        if others:
            return NextStep("The fixes you tried did not help. Run the other checks too:",
                            command(result, "--only", *others))
        return NextStep(f"The fixes you tried did not help: ask for help (see "
                        f"'{WHERE_TO_GET_HELP}') and hand over this report.")
    if outcome is Outcome.INCONCLUSIVE:
        if not result.selected:
            if others:
                return NextStep("Nothing was checked: no question applied to the answers "
                                "given. Run the other checks:",
                                command(result, "--only", *others))
            return NextStep(f"Nothing was checked: no question applied to the answers "
                            f"given. Ask for help (see '{WHERE_TO_GET_HELP}') and hand "
                            f"over this report.")
        # Each question answered "not sure" is listed with where to look; asking again
        # only the checks still open is shorter than the whole session, and a command
        # that asks every check again is no step forward.
        find_out = (f"Find out what you were not sure about (see '{TO_LOOK_UP}': each "
                    f"says where to look)" if not_sure(result)
                    else "Find out what was not decided")
        open_checks = [c for c in result.selected if c.status is not Status.PASSED]
        if len(open_checks) < len(result.selected):
            return NextStep(f"{find_out}, then run those checks again:",
                            command(result, "--only", ",".join(c.check.id
                                                               for c in open_checks)))
        # Nothing was decided in any check: asking every check again is no step forward.
        return NextStep(f"{find_out}. If you cannot find out, ask for help (see "
                        f"'{WHERE_TO_GET_HELP}') and hand over this report: it lists what "
                        f"is still open.")
    if others:
        return NextStep("Run the other checks too:", command(result, "--only", *others))
    passed = "Every check that applied passed" if result.not_run else "Every check passed"
    return NextStep(f"{passed}: see '{WHERE_TO_GET_HELP}' if the problem goes on.")


def next_step(result: SessionResult) -> str | None:
    """What to do now, in one line (the command last); None only for a resolved session."""
    step = next_step_parts(result)
    return None if step is None else str(step)


def needs_escalation(result: SessionResult) -> bool:
    """Where to go when the fixes do not help: said with a failed check, a known outage,
    when nothing could be decided, or when every check passed and the problem goes on."""
    return result.outcome in (Outcome.PROBLEMS_FOUND, Outcome.SERVICE_OUTAGE,
                              Outcome.INCONCLUSIVE) or (
        result.outcome is Outcome.NO_PROBLEM_FOUND and not left_out(result))


def escalation(result: SessionResult) -> str:
    return (result.flow.escalation or DEFAULT_ESCALATION).strip()


# -- why a check failed ----------------------------------------------------------------

@dataclass(frozen=True)
class Reason:
    """Why a check failed, one answer of it: 'You answered: ' then the question and the
    answer's label, or 'From your iPhone: ' then what the reading found."""

    lead: str
    question: str | None  # the question's prompt, for an answer
    answer: str  # the answer's label, or the reading in a person's words


def reasons(result: CheckResult) -> tuple[Reason, ...]:
    """Each answer that failed the check, as a report says it."""
    return tuple(_reason(q) for q in result.failed_by)


def _reason(q: QuestionResult) -> Reason:
    assert q.answer is not None
    read = reading(q)
    if read:
        if read.startswith("Your "):  # "From your iPhone: your iPhone 14 Pro has ..."
            read = "y" + read[1:]
        return Reason("From your iPhone: ", None, read)
    if q.source is Origin.CHOICE and q.said:
        # Settled by an earlier choice (the flow's answers:): say which.
        from icloud_fix.safe_text import one_line

        return Reason(f"From your answer '{one_line(q.said.strip())}': ",
                      " ".join(q.question.prompt.split()), kinds.label(q.question, q.answer))
    return Reason("You answered: ", " ".join(q.question.prompt.split()),
                  kinds.label(q.question, q.answer))


def reading(q: QuestionResult) -> str | None:
    """What a reading from the iPhone found, for an answer that came from one: text
    from outside, so spelled out on one line."""
    read = q.said or q.evidence
    if q.source is not Origin.PROBE or not read:
        return None
    from icloud_fix.safe_text import one_line

    return one_line(read.strip())


def device(result: SessionResult, identifier: bool = True) -> str | None:
    """The iPhone read during the session, 'iPhone 14 Pro (iPhone15,2), iOS 17.5.1';
    without ``identifier``, by the name its owner knows ('iPhone 14 Pro, iOS 17.5.1'),
    Apple's identifier only when there is no name."""
    phone = result.device
    if phone is None:
        return None
    from icloud_fix.safe_text import one_line

    if not identifier and phone.name:
        phone = dataclasses.replace(phone, identifier=None)
    return one_line(phone.described)


# -- what was not known ----------------------------------------------------------------

def not_sure(result: SessionResult) -> tuple[QuestionResult, ...]:
    """The questions answered "not sure" (or left unanswered in a script told to take
    them so), in the order asked: what to look up."""
    asked = [*result.triage, *(q for c in result.checks for q in c.questions)]
    return tuple(q for q in asked if q.answer == Answer.SKIP)


def where_to_look(question: Question) -> str | None:
    """The question's help, then each choice's own ('label: help'), as flow Markdown."""
    parts = [question.help.strip()] if question.help else []
    parts += [f"{o.label}: {o.help.strip()}" for o in kinds.asking(question).options if o.help]
    return "\n\n".join(parts) or None
