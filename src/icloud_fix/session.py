"""One run of the wizard: load the flow, gather the answers given ahead, ask the rest
(or not), and report. cli.py parses the options into WizardOptions and calls run()."""

from __future__ import annotations

import contextlib
import enum
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from icloud_fix import answers, engine
from icloud_fix.errors import (
    EXIT_INPUT_ERROR,
    IcloudFixError,
    PromptUnavailable,
    SessionInterrupted,
)
from icloud_fix.flow import ACCEPTED_ANSWERS, Flow
from icloud_fix.flowfile import loader
from icloud_fix.flowfile.loader import did_you_mean
from icloud_fix.probes.apple_feeds import TIMEOUT
from icloud_fix.report import json as render_json
from icloud_fix.safe_text import shorten, visible

if TYPE_CHECKING:
    from icloud_fix.probes.background import Lookout
    from icloud_fix.prompts.plain_prompter import LinePrompter
    from icloud_fix.prompts.rich_prompter import Prompter


class Format(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


@dataclass(frozen=True)
class WizardOptions:
    """Everything the wizard's command-line options say, as plain values."""

    steps: Path | None = None
    answer_flags: tuple[str, ...] = ()
    answers_file: Path | None = None
    non_interactive: bool = False
    output_format: Format | None = None
    output: Path | None = None
    save_answers: Path | None = None
    only_ids: str | None = None
    from_id: str | None = None
    resolved_by: str | None = None
    auto: bool = False
    offline: bool = False
    resume: bool = False
    fresh: bool = False
    no_color: bool = False
    plain: bool = False


def load_flow(steps: Path | None) -> Flow:
    return loader.load_builtin() if steps is None else loader.load_file(steps)


def run(o: WizardOptions) -> int:
    """Run one session; returns the exit code. Raises IcloudFixError for bad input."""
    try:
        return _run(o)
    except PromptUnavailable as exc:  # left at the "continue where you stopped?" question
        return exc.exit_code


def _run(o: WizardOptions) -> int:
    flow = load_flow(o.steps)
    given = answers.load_file(o.answers_file, flow) if o.answers_file else {}
    origins = dict.fromkeys(given, "file")
    flagged = answers.parse_flags(list(o.answer_flags), flow)
    given.update(flagged)
    origins.update(dict.fromkeys(flagged, "flag"))
    only = _selected_checks(flow, o.only_ids, o.from_id)
    if o.resolved_by is not None:
        _check_ids(flow, [o.resolved_by], "--resolved-by")
    if o.resume and o.fresh:
        raise IcloudFixError("--resume and --fresh contradict each other; give one")

    mode = _prompt_mode(o.non_interactive, o.plain)
    # With --output, the file gets the report and the terminal the usual summary.
    stdout_format = Format.text if o.output is not None else (o.output_format or Format.text)
    console = None
    if mode is not None or stdout_format is Format.text:
        from icloud_fix.report import text as render_text

        console = render_text.make_console(no_color=o.no_color, plain=mode == "plain")
    source = answers.ScriptedAnswers(given, resolved_by=o.resolved_by, origins=origins)
    lookout = None
    if mode is not None or o.auto:
        from icloud_fix.probes.background import Lookout

        # Reads the iPhone and Apple's feeds in the background, from when it starts.
        lookout = Lookout(flow, o.offline)
        if mode is None:
            lookout.start()
            source.suggest = lambda question: lookout.suggestion(question, wait=2 * TIMEOUT)
    if mode is not None:
        assert console is not None
        render_text.print_intro(console, flow)
        if mode == "plain":
            from icloud_fix.prompts.plain_prompter import LinePrompter

            if sys.stdin is None:
                raise IcloudFixError("--plain reads answers from stdin, and stdin is closed")
            prompter: LinePrompter | Prompter = LinePrompter(flow, console, sys.stdin, lookout)
        else:
            from icloud_fix.prompts.rich_prompter import Prompter

            prompter = Prompter(flow, console, no_color=o.no_color, lookout=lookout)
        source.fallback = prompter
        holding: contextlib.AbstractContextManager[None] = prompter.holding_terminal()
    else:
        holding = contextlib.nullcontext()

    steps_word = str(o.steps) if o.steps is not None else None
    try:
        with holding:
            if mode is not None or o.resume:
                _offer_to_resume(flow, source, source.fallback, o.resume, o.fresh)
            result = engine.run(flow, source, only)
    except SessionInterrupted as exc:
        with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
            sys.stderr.write(f"\nStopped: {exc.reason}. Here is what you answered so far.\n")
        status = _status_document(lookout, 0)
        saved = _save(exc.partial, o.save_answers, o.output, o.output_format, status)
        if mode is not None:
            _keep_session(flow, exc.partial, source)
        with contextlib.suppress(OSError):
            _print_report(exc.partial, stdout_format, console, status)
            if mode is not None and exc.partial.answers():
                _print_replay(answers.replay_command(exc.partial, steps_word, only,
                                                     scripted=False),
                              stdout_format is Format.text, finished=False)
        return exc.exit_code if saved else EXIT_INPUT_ERROR

    if source.missing:
        raise IcloudFixError(_missing_message(source.missing, given, o.non_interactive))
    # A scripted run waits for the feed (3 s at most); a person has waited long enough.
    status = _status_document(lookout, 0 if mode is not None else TIMEOUT)
    saved = _save(result, o.save_answers, o.output, o.output_format, status)
    _print_report(result, stdout_format, console, status)
    if mode is not None:
        from icloud_fix import resume as sessions

        sessions.clear(flow)  # finished: nothing left to continue
        _print_replay(answers.replay_command(result, steps_word, only),
                      stdout_format is Format.text, finished=True)
    return result.exit_code if saved else EXIT_INPUT_ERROR


def _check_ids(flow: Flow, ids: list[str], option: str) -> None:
    known = flow.check_ids()
    for check in ids:
        if check not in known:
            raise IcloudFixError(
                f"{option}: unknown check id '{shorten(check)}'{did_you_mean(check, known)}; "
                f"the checks are {', '.join(known)}"
            )


def _selected_checks(flow: Flow, only_ids: str | None, from_id: str | None) -> set[str] | None:
    """The checks --only or --from select, or None for all of them."""
    if only_ids is not None and from_id is not None:
        raise IcloudFixError("give --only or --from, not both")
    if only_ids is not None:
        wanted = [word.strip() for word in only_ids.split(",") if word.strip()]
        if not wanted:
            raise IcloudFixError("--only needs at least one check id, e.g. --only "
                                 f"{flow.check_ids()[0]}")
        _check_ids(flow, wanted, "--only")
        return set(wanted)
    if from_id is not None:
        _check_ids(flow, [from_id], "--from")
        ids = flow.check_ids()
        return set(ids[ids.index(from_id):])
    return None


def _offer_to_resume(
    flow: Flow, source: answers.ScriptedAnswers, prompter: object, resume: bool, fresh: bool
) -> None:
    """Continue an interrupted session of this flow: with --resume, or if the person
    says so. Answers given by flags or files still win over the saved ones."""
    from icloud_fix import resume as sessions

    if fresh:
        sessions.clear(flow)
        return
    saved = sessions.load(flow)
    if saved is None:
        return
    if not resume:
        count = len(saved.answers)
        question = (f"You stopped in the middle last time, after {count} "
                    f"answer{'s' if count != 1 else ''}. Continue where you stopped?")
        resume = prompter.confirm(question, default=True)  # type: ignore[attr-defined]
        if not resume:
            sessions.clear(flow)
            return
    source.origins = {**dict.fromkeys(saved.answers, "prompt"), **source.origins}
    source.given = {**saved.answers, **source.given}
    source.not_fixed |= saved.not_fixed


def _keep_session(flow: Flow, partial: engine.SessionResult,
                  source: answers.ScriptedAnswers) -> None:
    from icloud_fix import resume as sessions

    if not partial.answers():
        return
    try:
        sessions.save(flow, partial, source.not_fixed)
    except (IcloudFixError, OSError):
        return  # the answers are still printed below and in the replay command
    with contextlib.suppress(OSError):
        sys.stderr.write("Your answers are kept: run icloud-fix again to continue where "
                         "you stopped (--fresh starts over).\n")


def _print_replay(command: str, to_stdout: bool, finished: bool) -> None:
    """The same session as one scripted command, to share or run again."""
    intro = ("The same answers as one command (to share, or to run again without "
             "questions):" if finished else "To start again from these answers:")
    stream = sys.stdout if to_stdout else sys.stderr
    stream.write(f"\n{intro}\n  {command}\n")


def _is_terminal(stream: object) -> bool:
    # A stream closed by the caller (<&-) is None: not a terminal.
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _prompt_mode(non_interactive: bool, plain: bool) -> str | None:
    """'plain' (one line per question), 'rich' (arrow-key prompts) or None (never ask)."""
    if non_interactive:
        return None
    if plain:
        return "plain"  # reads stdin lines even from a pipe: it was asked for by name
    if not (_is_terminal(sys.stdin) and _is_terminal(sys.stdout)):
        return None
    return "plain" if os.environ.get("TERM") == "dumb" else "rich"


_EXTENSIONS = {".json": Format.json, ".md": Format.markdown, ".markdown": Format.markdown}


def _status_document(lookout: Lookout | None, wait: float) -> dict[str, object] | None:
    """Apple's System Status as the JSON report gives it; None when not looked at."""
    if lookout is None or not lookout.checks_status:
        return None
    known, outages = lookout.status(wait)
    return {
        "reachable": known and outages is not None,
        "outages": [{"service": o.service, "message": o.message, "started": o.started}
                    for o in outages or []],
    }


def _save(
    result: engine.SessionResult,
    answers_path: Path | None,
    report_path: Path | None,
    output_format: Format | None,
    status: dict[str, object] | None = None,
) -> bool:
    """Write --save-answers and --output files. What cannot be written is printed to
    stdout instead, so nothing is lost; returns False when something could not be."""
    from icloud_fix import atomic_file as files

    ok = True
    writes = []
    if answers_path is not None:
        writes.append((answers_path, answers.dump(result)))
    if report_path is not None:
        file_format = output_format or _EXTENSIONS.get(report_path.suffix.lower(), Format.text)
        writes.append((report_path, _render(result, file_format, status)))
    for path, text in writes:
        try:
            files.write_atomically(path, text)
        except IcloudFixError as exc:
            ok = False
            sys.stderr.write(visible(exc.message) + "; here it is instead:\n")
            sys.stdout.write(text)
    return ok


def _render(result: engine.SessionResult, file_format: Format,
            status: dict[str, object] | None = None) -> str:
    if file_format is Format.json:
        return render_json.dumps(render_json.session_document(result, status))
    if file_format is Format.markdown:
        from icloud_fix.report import markdown as render_markdown

        return render_markdown.render(result)
    from icloud_fix.report import text as render_text

    return render_text.summary_as_text(result)


def _missing_message(missing: list[str], given: dict[str, object], asked: bool) -> str:
    why = "with --non-interactive" if asked else "without a terminal to ask in"
    if not given:
        return (
            f"no answers given, and {why} every question needs one: run icloud-fix in a "
            f"terminal, or pass --answer ID=VALUE ({ACCEPTED_ANSWERS}) or --answers FILE; "
            f"'icloud-fix list' shows every question id"
        )
    return (
        f"no answer for {', '.join(missing)}; {why} every question reached needs one: "
        f"add --answer ID=VALUE ({ACCEPTED_ANSWERS}) or put it in --answers FILE"
    )


def _print_report(result: engine.SessionResult, output_format: Format, console: object,
                  status: dict[str, object] | None = None) -> None:
    if output_format is Format.json:
        sys.stdout.write(render_json.dumps(render_json.session_document(result, status)))
    elif output_format is Format.markdown:
        from icloud_fix.report import markdown as render_markdown

        sys.stdout.write(render_markdown.render(result))
    else:
        from icloud_fix.report import text as render_text

        assert console is not None
        render_text.print_summary(console, result)  # type: ignore[arg-type]
