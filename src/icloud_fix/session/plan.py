"""A session's plan: its options checked, the flow loaded, the answers given ahead
gathered, and what an earlier session kept looked up. Nothing is printed, asked or
written here; bad input raises IcloudFixError, before any of that."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from icloud_fix import answers
from icloud_fix.answers import GivenAnswers
from icloud_fix.errors import IcloudFixError
from icloud_fix.flow import Flow
from icloud_fix.flowfile import loader
from icloud_fix.report import Format
from icloud_fix.safe_text import one_line, shorten
from icloud_fix.session.options import PromptMode, SessionOptions, prompt_mode
from icloud_fix.spelling import did_you_mean

if TYPE_CHECKING:
    from icloud_fix.resume import Kept


@dataclass(frozen=True)
class Plan:
    """What one session will do, decided before it says or asks anything."""

    options: SessionOptions
    flow: Flow
    given: GivenAnswers  # from --answers, then --answer and --fix-tried flags, which win
    only: frozenset[str] | None  # the checks --only or --from select; None: all
    mode: PromptMode
    # With --output, the file gets the report and the terminal the usual summary.
    stdout_format: Format
    # What an earlier session of the flow kept; None when this one does not look (a
    # scripted run without --resume).
    kept: Kept | None
    started: datetime  # UTC, to the second

    @property
    def asks(self) -> bool:
        return self.mode is not PromptMode.NONE

    @property
    def steps_word(self) -> str | None:
        """--steps as the replay command gives it."""
        return str(self.options.steps) if self.options.steps is not None else None


def load_flow(steps: Path | None) -> Flow:
    return loader.load_builtin() if steps is None else loader.load_file(steps)


def make_plan(options: SessionOptions) -> Plan:
    """The plan of a session; raises IcloudFixError for bad input (in the order a person
    would fix it: files first, then the flow, the answers, the checks, the options)."""
    _check_distinct_files(options)  # before anything is read, asked or written
    flow = load_flow(options.steps)
    given = _given_answers(options, flow)
    only = _selected_checks(flow, options.only_ids, options.from_id)
    if options.resume and options.fresh:
        raise IcloudFixError("--resume and --fresh contradict each other; give one")
    mode = prompt_mode(options.non_interactive, options.plain)
    if mode is PromptMode.PLAIN and sys.stdin is None:
        raise IcloudFixError("--plain reads answers from stdin, and stdin is closed")
    kept = None
    if mode is not PromptMode.NONE or options.resume:
        from icloud_fix import resume  # a scripted run has nothing to continue

        kept = resume.look(flow, fresh=options.fresh)
    return Plan(
        options=options, flow=flow, given=given, only=only, mode=mode,
        stdout_format=(Format.text if options.output is not None
                       else options.output_format or Format.text),
        kept=kept, started=datetime.now(timezone.utc).replace(microsecond=0))


def _given_answers(options: SessionOptions, flow: Flow) -> GivenAnswers:
    """Answers from --answers, then --answer flags, which win."""
    from_file = (answers.load_file(options.answers_file, flow)
                 if options.answers_file else GivenAnswers())
    return (from_file | answers.parse_flags(list(options.answer_flags), flow)
            | answers.parse_fix_flags(list(options.fix_flags), options.resolved_by, flow))


def _check_distinct_files(options: SessionOptions) -> None:
    """Refuse two options naming one file: the report would overwrite the flow or the
    answers it was made from, or the answers the report (a link or a hard link too)."""
    named = [(option, path) for option, path in (
        ("--steps", options.steps), ("--answers", options.answers_file),
        ("--output", options.output), ("--save-answers", options.save_answers))
        if path is not None]
    if len(named) < 2:
        return
    from icloud_fix.atomic_file import same_file  # tempfile costs a few ms: only if needed

    def stdin(option: str, path: Path) -> bool:  # "-" is stdin for the two inputs
        return option in ("--steps", "--answers") and str(path) == "-"

    for i, (first, one) in enumerate(named):
        for second, two in named[i + 1:]:
            if stdin(first, one) and stdin(second, two):
                raise IcloudFixError(f"{first} and {second} both read stdin ('-'), which "
                                     f"can be read once; give one of them a file")
            if stdin(first, one) or stdin(second, two) or not same_file(one, two):
                continue
            names = (f"both name {one_line(str(one))}" if str(one) == str(two) else
                     f"name the same file ({one_line(str(one))} and {one_line(str(two))})")
            raise IcloudFixError(f"{first} and {second} {names}; give each its own file")


def _check_ids(flow: Flow, ids: list[str], option: str) -> None:
    known = flow.check_ids()
    for check in ids:
        if check not in known:
            raise IcloudFixError(
                f"{option}: unknown check id '{shorten(check)}'{did_you_mean(check, known)}; "
                f"the checks are {', '.join(known)}"
            )


def _selected_checks(flow: Flow, only_ids: str | None, from_id: str | None
                     ) -> frozenset[str] | None:
    """The checks --only or --from select, or None for all of them."""
    if only_ids is not None and from_id is not None:
        raise IcloudFixError("give --only or --from, not both")
    if only_ids is not None:
        wanted = [word.strip() for word in only_ids.split(",") if word.strip()]
        if not wanted:
            raise IcloudFixError("--only needs at least one check id, e.g. --only "
                                 f"{flow.check_ids()[0]}")
        _check_ids(flow, wanted, "--only")
        return frozenset(wanted)
    if from_id is not None:
        _check_ids(flow, [from_id], "--from")
        ids = flow.check_ids()
        return frozenset(ids[ids.index(from_id):])
    return None
