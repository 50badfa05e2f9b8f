"""What a session delivers once the conversation is over: one frozen Delivery (the
report, the files to write, the state to keep, the notes, the exit code), made by a
pure function, then carried out and printed in one place, ``carry_out``."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from icloud_fix import answers, report
from icloud_fix.engine import AppleStatus, Device, Outcome, PromptUnavailable, SessionResult
from icloud_fix.errors import EXIT_INPUT_ERROR, IcloudFixError, error_lines
from icloud_fix.flow import ACCEPTED_ANSWERS, Flow
from icloud_fix.report import EXTENSIONS, Format
from icloud_fix.safe_text import one_line
from icloud_fix.session.options import PromptMode

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 (a type only)

    from icloud_fix.resume import Keeping
    from icloud_fix.session.conversation import Conversation, Talk
    from icloud_fix.session.plan import Plan


@dataclass(frozen=True)
class FileToWrite:
    what: str  # "Answers" or "Report", as the line that says it was written names it
    path: Path
    text: str


@dataclass(frozen=True)
class Delivery:
    """Everything a session ends with, before any of it is written or printed."""

    result: SessionResult  # with what is known from outside the flow
    notes: tuple[str, ...]  # for stderr, first of all
    files: tuple[FileToWrite, ...]  # --save-answers, --output
    screen_notes: tuple[str, ...]  # said on the screen just before the report
    report: str  # for stdout
    keeping: Keeping | None  # what to leave for the next session (a person's)
    replay: str | None  # the session as one command, after the report
    offer: str | None  # a Markdown report offered to save in this folder
    exit_code: int  # when every file could be written
    # Stopped before its end: what was answered is kept before the report is printed,
    # which may find the terminal gone (SIGHUP).
    interrupted: bool = False
    # Where a file that cannot be written is printed instead: stdout, unless stdout
    # carries a JSON or Markdown report, which stays that one document.
    spill_to_stdout: bool = True


def check_missing(plan: Plan, talk: Talk) -> None:
    """A scripted run that left questions unanswered: an error naming them all, or with
    --unanswered skip, each taken as "not sure" (and reported as unanswered)."""
    if talk.stopped is None and talk.missing and not plan.options.unanswered_skip:
        raise IcloudFixError(_missing_message(plan.flow, list(talk.missing),
                                              plan.given.answers,
                                              plan.options.non_interactive))


def make_delivery(plan: Plan, talk: Talk, status: AppleStatus | None, device: Device | None,
                  console: Console | None, state_token: str,
                  screen_notes: tuple[str, ...] = ()) -> Delivery:
    """What the session delivers: a function of what it was asked to do, how the
    conversation ended, and what is known from outside the flow (Apple's status, the
    iPhone read); ``console`` gives the text report its width and colours."""
    from icloud_fix import resume

    o = plan.options
    stopped = talk.stopped
    result = dataclasses.replace(talk.result, started=plan.started, device=device)
    if status is not None and status.outages:
        result = dataclasses.replace(result, outages=status.outages)
    notes: list[str] = []
    if stopped is not None:
        notes.append(f"\nStopped: {stopped.reason}. Here is what you answered so far.\n")
    else:
        notes += [error_lines(note) for note in resume.unused_fixes(plan.given, result)]
    files = []
    if o.save_answers is not None:
        files.append(FileToWrite("Answers", o.save_answers, answers.dump(result)))
    if o.output is not None:
        fmt = o.output_format or EXTENSIONS.get(o.output.suffix.lower(), Format.text)
        files.append(FileToWrite("Report", o.output, report.render(result, fmt, status)))
    keeping = (resume.keeping(result, talk.not_fixed, talk.waiting, state_token)
               if plan.asks else None)
    replay = None
    if plan.asks and (stopped is None or result.answers()):
        replay = _replay(plan, result, console, finished=stopped is None)
    offer = None
    if (plan.asks and (stopped is None or result.stopped_for_outage)
            and o.output is None
            and result.outcome not in (Outcome.RESOLVED, Outcome.INTERRUPTED)):
        offer = report.render(result, Format.markdown, status)
    # Stopped by the person: their way of stopping says the code; for an outage, the
    # outcome does.
    code = (stopped.exit_code if stopped is not None and not result.stopped_for_outage
            else result.exit_code)
    return Delivery(
        result=result, notes=tuple(notes), files=tuple(files), screen_notes=screen_notes,
        report=report.render(result, plan.stdout_format, status, console),
        keeping=keeping, replay=replay, offer=offer, exit_code=code,
        interrupted=stopped is not None,
        spill_to_stdout=plan.stdout_format is Format.text)


def _replay(plan: Plan, result: SessionResult, console: Console | None, finished: bool
            ) -> str | None:
    """The same session as one scripted command, to share or run again: once, after
    the report, and only when the session did not end resolved; --plain (a screen
    reader would read it out, character by character) only with --verbose."""
    if result.resolved_by is not None or not result.answers():
        return None
    if plan.mode is PromptMode.PLAIN and not plan.options.verbose:
        return None
    command = answers.replay_command(result, plan.steps_word, plan.only, scripted=finished)
    intro = ("The same answers as one command (to share, or to run again without "
             "questions):" if finished else "To start again from these answers:")
    if console is not None:
        from icloud_fix.report.paragraphs import reflow

        # Wrapped like everything else on the screen; the command is not, so that it
        # can be copied whole.
        intro = reflow(intro, console.width)
    return f"\n{intro}\n  {command}\n"


# -- carried out ----------------------------------------------------------------------

def carry_out(delivery: Delivery, conversation: Conversation) -> int:
    """Write, keep, print and offer what the delivery says, in the order a person reads
    it; returns the exit code (that of a file that could not be written, if one)."""
    from icloud_fix import resume

    flow = delivery.result.flow
    for note in delivery.notes:
        with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
            sys.stderr.write(note)
    code = _write_files(delivery)
    if delivery.interrupted and delivery.keeping is not None:
        _say(resume.keep(flow, delivery.result, delivery.keeping))
    if conversation.asking is not None and delivery.screen_notes:
        conversation.asking.print_notes(list(delivery.screen_notes))
    stream = sys.stdout if delivery.spill_to_stdout else sys.stderr
    with contextlib.suppress(OSError) if delivery.interrupted else contextlib.nullcontext():
        if conversation.readings is not None:
            from icloud_fix import verbose

            verbose.finish()  # --verbose: the readings' lines come before the report
        sys.stdout.write(delivery.report)
        if not delivery.interrupted and delivery.keeping is not None:
            _say(resume.keep(flow, delivery.result, delivery.keeping))
        if delivery.replay is not None:
            stream.write(delivery.replay)
        if delivery.offer is not None and conversation.prompter is not None:
            _offer_to_save(delivery.offer, conversation)
    return code if code is not None else delivery.exit_code


def _write_files(delivery: Delivery) -> int | None:
    """Write --save-answers and --output files. What cannot be written is printed to
    stdout instead, so nothing is lost; returns the exit code of the worst failure (2
    for a name that cannot be used, 74 for a disk that is full), None when none."""
    failed = None
    for file in delivery.files:
        from icloud_fix import atomic_file  # tempfile costs a few ms: only to write

        try:
            atomic_file.write_atomically(file.path, file.text)
        except IcloudFixError as exc:
            failed = max(failed or EXIT_INPUT_ERROR, exc.exit_code)
            sys.stderr.write(error_lines(exc.message + "; here it is instead:"))
            (sys.stdout if delivery.spill_to_stdout else sys.stderr).write(file.text)
            continue
        sys.stderr.write(f"{file.what} written to {one_line(str(file.path))}\n")
    return failed


def _offer_to_save(text: str, conversation: Conversation) -> None:
    """After a session that did not end resolved (every check passed included: the
    problem may go on), offer the report as a file to hand to Apple Support or a help
    desk, so that nobody has to answer again."""
    from datetime import datetime

    assert conversation.prompter is not None
    stem = f"icloud-fix-report-{datetime.now().strftime('%Y-%m-%d-%H%M')}"
    name = _free_name(stem, ".md")
    try:
        if not conversation.prompter.confirm(f"Save this report as {name} in this folder, "
                                             f"to hand to whoever helps you next?", True):
            return
    except PromptUnavailable:
        return  # left at the question: nothing to save
    from icloud_fix import atomic_file

    try:
        # Created anew, never over another report (one saved in the same minute, or
        # meanwhile by another session): the next free name is taken instead.
        path = atomic_file.write_new(stem, ".md", text)
    except IcloudFixError as exc:
        sys.stderr.write(error_lines(exc.message))
        return
    sys.stderr.write(f"Report saved: {one_line(str(path.resolve()))}\n")


def _say(line: str | None) -> None:
    if line is not None:
        with contextlib.suppress(OSError):
            sys.stderr.write(line)


def _free_name(stem: str, suffix: str) -> str:
    """stem + suffix, or stem-2 + suffix and so on: a name no file has yet."""
    number = 1
    while True:
        name = f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}"
        if not os.path.lexists(name):
            return name
        number += 1


def _missing_message(flow: Flow, missing: list[str], given: dict[str, str], asked: bool
                     ) -> str:
    why = "with --non-interactive" if asked else "without a terminal to ask in"
    if not given:
        return (
            f"no answers given, and {why} every question needs one: run icloud-fix in a "
            f"terminal, or pass --answer ID=VALUE ({_values(flow, None)}) or --answers FILE; "
            f"'icloud-fix list' shows every question id"
        )
    return (
        f"no answer for {', '.join(missing)}; {why} every question reached needs one: "
        f"add --answer ID=VALUE ({_values(flow, missing)}) or put it in --answers FILE"
    )


def _values(flow: Flow, missing: list[str] | None) -> str:
    """The answers the missing questions take: yes/no words, and a choice question's ids
    (it takes no yes or no)."""
    from icloud_fix import kinds
    from icloud_fix.kinds import Style

    questions = [q for q in flow.all_questions() if missing is None or q.id in missing]
    choices = [q for q in questions if kinds.asking(q).style is not Style.YES_OR_NO]
    if not choices:
        return ACCEPTED_ANSWERS
    if missing is None:
        typed = "; ".join(f"{q.id} takes {kinds.asking(q).accepts}" for q in choices
                          if kinds.asking(q).style is Style.TYPED)
        return (f"{ACCEPTED_ANSWERS}; a choice question takes one of its choice ids"
                + (f"; {typed}" if typed else ""))
    said = "; ".join(f"{q.id} takes {kinds.asking(q).accepts}" for q in choices)
    if len(choices) < len(questions):
        said += f"; the others {ACCEPTED_ANSWERS}"
    return said
