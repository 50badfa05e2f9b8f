"""The command line: parses options, calls one function, maps errors to exit codes."""

from __future__ import annotations

import contextlib
import enum
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from icloud_fix import __version__, answers, engine, loader, render_json, schema
from icloud_fix.apple_feeds import TIMEOUT
from icloud_fix.errors import (
    EXIT_BROKEN_PIPE,
    EXIT_INPUT_ERROR,
    EXIT_INTERNAL_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT_ERROR,
    IcloudFixError,
    InputFileError,
    PromptUnavailable,
    SessionInterrupted,
    Terminated,
)
from icloud_fix.flow import ACCEPTED_ANSWERS, Flow

if TYPE_CHECKING:
    from icloud_fix.line_prompter import LinePrompter
    from icloud_fix.lookout import Lookout
    from icloud_fix.prompter import Prompter
from icloud_fix.loader import did_you_mean
from icloud_fix.visible import shorten, visible


class Format(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class ListFormat(str, enum.Enum):
    text = "text"
    json = "json"


app = typer.Typer(
    name="icloud-fix",
    help=(
        "Find out why iCloud Photos stopped syncing on your iPhone, and how to fix it.\n\n"
        "Run with no options in a terminal to be asked one yes/no question at a time. "
        "Scripts pass answers with --answer or --answers and get a report "
        "(--format json) and an exit code: 0 no check failed or resolved, "
        "1 a check failed, 2 bad input, 130 interrupted."
    ),
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click output: usage errors in a few plain lines, not a box drawn by rich,
    # and --help without loading rich.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _fail(message: str, code: int = EXIT_INPUT_ERROR) -> NoReturn:
    # Messages quote what the user gave; spell out any control characters in it.
    sys.stderr.write("\n".join(visible(line) for line in message.splitlines()) + "\n")
    raise typer.Exit(code)


def _load_flow(steps: Path | None) -> Flow:
    return loader.load_builtin() if steps is None else loader.load_file(steps)


def _show_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"icloud-fix {__version__}\n")
        raise typer.Exit(EXIT_OK)


StepsOption = Annotated[
    Path | None,
    typer.Option(
        "--steps",
        metavar="FILE",
        help="Run this flow file instead of the built-in iCloud Photos checks.",
        show_default=False,
    ),
]


@app.callback(invoke_without_command=True)
def wizard(
    ctx: typer.Context,
    steps: StepsOption = None,
    answer: Annotated[
        list[str] | None,
        typer.Option(
            "--answer",
            "-a",
            metavar="ID=VALUE",
            help=f"Answer a question ahead of time; repeatable. VALUE: {ACCEPTED_ANSWERS}. "
            "'icloud-fix list' shows the ids.",
            show_default=False,
        ),
    ] = None,
    answers_file: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            metavar="FILE",
            help="YAML or JSON mapping of question id to answer. --answer flags win over it.",
            show_default=False,
        ),
    ] = None,
    non_interactive: Annotated[
        bool,
        typer.Option(
            "--non-interactive",
            help="Never prompt: every question reached must be answered by --answer or "
            "--answers. Implied when stdin or stdout is not a terminal.",
        ),
    ] = False,
    output_format: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help="How to print the report: text (default), json or markdown.",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Also write the report to FILE, in the --format given or else by the "
            "extension (.json, .md, .txt); the terminal still shows the summary.",
            show_default=False,
        ),
    ] = None,
    save_answers: Annotated[
        Path | None,
        typer.Option(
            "--save-answers",
            metavar="FILE",
            help="Write the answers given to FILE (YAML, readable by --answers), even "
            "when the session is interrupted.",
            show_default=False,
        ),
    ] = None,
    only_ids: Annotated[
        str | None,
        typer.Option(
            "--only",
            metavar="ID[,ID...]",
            help="Run just these checks (for a help desk that knows the cause); "
            "'icloud-fix list' shows the check ids.",
            show_default=False,
        ),
    ] = None,
    from_id: Annotated[
        str | None,
        typer.Option("--from", metavar="ID", help="Start at this check and run the rest.",
                     show_default=False),
    ] = None,
    resolved_by: Annotated[
        str | None,
        typer.Option(
            "--resolved-by",
            metavar="ID",
            help="The fix for this check solved the problem: the run ends there, as "
            "resolved. Used by the command printed at the end of a session.",
            show_default=False,
        ),
    ] = None,
    auto: Annotated[
        bool,
        typer.Option(
            "--auto",
            help="Without a prompt: answer what flags and files leave open from a connected "
            "iPhone's readings (ideviceinfo), where the flow says a reading settles it.",
        ),
    ] = False,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="No network: skip Apple's System Status and the latest-iOS lookup.",
        ),
    ] = False,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Continue an interrupted session without asking."),
    ] = False,
    fresh: Annotated[
        bool,
        typer.Option("--fresh", help="Start over, forgetting an interrupted session."),
    ] = False,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour in the output (NO_COLOR=1 works too).")
    ] = False,
    plain: Annotated[
        bool,
        typer.Option(
            "--plain",
            help="One line of text per question, answered with y, n or s and Enter: no "
            "arrow keys, colour or box drawing; works with screen readers and reads "
            "answers from a pipe. Automatic when TERM=dumb.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Walk through the checks, show the fix for each one that fails."""
    if ctx.invoked_subcommand is not None:
        given_here = [name for name, value in (
            ("--steps", steps), ("--answer", answer), ("--answers", answers_file),
            ("--non-interactive", non_interactive), ("--format", output_format),
            ("--output", output), ("--save-answers", save_answers),
            ("--no-color", no_color), ("--plain", plain), ("--only", only_ids),
            ("--from", from_id), ("--resolved-by", resolved_by), ("--resume", resume),
            ("--fresh", fresh), ("--auto", auto), ("--offline", offline)) if value]
        if given_here:
            # Silently dropping them would list or check the wrong thing.
            _fail(f"{', '.join(given_here)} must come after '{ctx.invoked_subcommand}': "
                  f"icloud-fix {ctx.invoked_subcommand} [OPTIONS]; see "
                  f"'icloud-fix {ctx.invoked_subcommand} --help'")
        return
    try:
        flow = _load_flow(steps)
        given = answers.load_file(answers_file, flow) if answers_file else {}
        origins = dict.fromkeys(given, "file")
        flagged = answers.parse_flags(answer or [], flow)
        given.update(flagged)
        origins.update(dict.fromkeys(flagged, "flag"))
        only = _selected_checks(flow, only_ids, from_id)
        if resolved_by is not None:
            _check_ids(flow, [resolved_by], "--resolved-by")
        if resume and fresh:
            raise IcloudFixError("--resume and --fresh contradict each other; give one")
    except IcloudFixError as exc:
        _fail(exc.message)

    mode = _prompt_mode(non_interactive, plain)
    # With --output, the file gets the report and the terminal the usual summary.
    stdout_format = Format.text if output is not None else (output_format or Format.text)
    console = None
    if mode is not None or stdout_format is Format.text:
        from icloud_fix import render_text

        console = render_text.make_console(no_color=no_color, plain=mode == "plain")
    source = answers.ScriptedAnswers(given, resolved_by=resolved_by, origins=origins)
    lookout = None
    if mode is not None or auto:
        from icloud_fix.lookout import Lookout

        # Reads the iPhone and Apple's feeds in the background, from when it starts.
        lookout = Lookout(flow, offline)
        if mode is None:
            lookout.start()
            source.suggest = lambda question: lookout.suggestion(question, wait=2 * TIMEOUT)
    if mode is not None:
        assert console is not None
        render_text.print_intro(console, flow)
        if mode == "plain":
            from icloud_fix.line_prompter import LinePrompter

            if sys.stdin is None:
                _fail("--plain reads answers from stdin, and stdin is closed")
            prompter: LinePrompter | Prompter = LinePrompter(flow, console, sys.stdin, lookout)
        else:
            from icloud_fix.prompter import Prompter

            prompter = Prompter(flow, console, no_color=no_color, lookout=lookout)
        source.fallback = prompter
        holding: contextlib.AbstractContextManager[None] = prompter.holding_terminal()
    else:
        holding = contextlib.nullcontext()

    steps_word = str(steps) if steps is not None else None
    try:
        with holding:
            if mode is not None or resume:
                _offer_to_resume(flow, source, source.fallback, resume, fresh)
            result = engine.run(flow, source, only)
    except SessionInterrupted as exc:
        with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
            sys.stderr.write(f"\nStopped: {exc.reason}. Here is what you answered so far.\n")
        status = _status_document(lookout, 0)
        saved = _save(exc.partial, save_answers, output, output_format, status)
        if mode is not None:
            _keep_session(flow, exc.partial, source)
        with contextlib.suppress(OSError):
            _print_report(exc.partial, stdout_format, console, status)
            if mode is not None and exc.partial.answers():
                _print_replay(answers.replay_command(exc.partial, steps_word, only,
                                                     scripted=False),
                              stdout_format is Format.text, finished=False)
        raise typer.Exit(exc.exit_code if saved else EXIT_INPUT_ERROR) from None

    if source.missing:
        _fail(_missing_message(source.missing, given, non_interactive))
    # A scripted run waits for the feed (3 s at most); a person has waited long enough.
    status = _status_document(lookout, 0 if mode is not None else TIMEOUT)
    saved = _save(result, save_answers, output, output_format, status)
    _print_report(result, stdout_format, console, status)
    if mode is not None:
        from icloud_fix import sessions

        sessions.clear(flow)  # finished: nothing left to continue
        _print_replay(answers.replay_command(result, steps_word, only),
                      stdout_format is Format.text, finished=True)
    raise typer.Exit(result.exit_code if saved else EXIT_INPUT_ERROR)


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
    from icloud_fix import sessions

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
        try:
            resume = prompter.confirm(question, default=True)  # type: ignore[attr-defined]
        except PromptUnavailable as exc:
            raise typer.Exit(exc.exit_code) from None
        if not resume:
            sessions.clear(flow)
            return
    source.origins = {**dict.fromkeys(saved.answers, "prompt"), **source.origins}
    source.given = {**saved.answers, **source.given}
    source.not_fixed |= saved.not_fixed


def _keep_session(flow: Flow, partial: engine.SessionResult,
                  source: answers.ScriptedAnswers) -> None:
    from icloud_fix import sessions

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
    from icloud_fix import files

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
        from icloud_fix import render_markdown

        return render_markdown.render(result)
    from icloud_fix import render_text

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
        from icloud_fix import render_markdown

        sys.stdout.write(render_markdown.render(result))
    else:
        from icloud_fix import render_text

        assert console is not None
        render_text.print_summary(console, result)  # type: ignore[arg-type]


@app.command("list")
def list_checks(
    steps: StepsOption = None,
    output_format: Annotated[
        ListFormat,
        typer.Option("--format", "-f", help="text for people, json for scripts.",
                     case_sensitive=False),
    ] = ListFormat.text,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour in the output.")] = False,
) -> None:
    """List every check and question id, its passing answer and its condition."""
    try:
        flow = _load_flow(steps)
    except IcloudFixError as exc:
        _fail(exc.message)
    if output_format is ListFormat.json:
        sys.stdout.write(render_json.dumps(render_json.flow_document(flow)))
        return
    from icloud_fix import render_text

    render_text.print_flow(render_text.make_console(no_color=no_color), flow)


@app.command()
def validate(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE...", help="Flow files to check.", show_default=False),
    ],
) -> None:
    """Check flow files; print FILE:LINE: message for each problem (exit 2 if any)."""
    failed = False
    for path in files:
        try:
            flow = loader.load_file(path)
        except InputFileError as exc:
            failed = True
            sys.stderr.write(exc.message + "\n")
            continue
        questions = sum(len(c.questions) for c in flow.checks)
        sys.stdout.write(f"{path}: valid ({_count(len(flow.checks), 'check')}, "
                         f"{_count(questions, 'question')})\n")
    if failed:
        raise typer.Exit(EXIT_INPUT_ERROR)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@app.command("schema")
def print_schema() -> None:
    """Print the JSON Schema of flow files (for editor completion)."""
    sys.stdout.write(render_json.dumps(schema.json_schema()))


def _silence_stdout() -> None:
    """stdout cannot be written: drop the rest, so the exit does not fail on it again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated(signum, signal.Signals(signum).name)


def main() -> None:
    """Entry point of the icloud-fix command."""
    # SIGTERM and SIGHUP end a session the way Ctrl-C does, so the prompt library
    # restores the terminal and the answers so far are kept.
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _raise_terminated)
    # A reader that went away (| head, | true) ends us quietly with 141, as it
    # would any Unix tool, instead of a BrokenPipeError or a misleading exit 1.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # Streams the caller closed (>&-): write into nothing rather than crash.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115
    # A terminal that cannot show a check mark gets a '?' rather than a crash.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        try:
            app()
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except OSError as exc:
        # stdout or stderr could not be written (a full disk, a closed stream).
        _silence_stdout()
        with contextlib.suppress(OSError):
            sys.stderr.write(f"icloud-fix: cannot write the output: {exc.strerror or exc}\n")
        sys.exit(EXIT_OUTPUT_ERROR)
    except KeyboardInterrupt as exc:
        code = getattr(exc, "exit_code", EXIT_INTERRUPTED)
        with contextlib.suppress(OSError):
            sys.stderr.write("\nInterrupted.\n")
        sys.exit(code)
    except Exception as exc:
        # A bug, not a user's mistake: one line instead of a traceback, unless asked.
        if os.environ.get("ICLOUD_FIX_DEBUG"):
            raise
        sys.stderr.write(
            f"icloud-fix: internal error: {type(exc).__name__}: {exc}. Please report it; "
            "set ICLOUD_FIX_DEBUG=1 to see the details.\n"
        )
        sys.exit(EXIT_INTERNAL_ERROR)
