"""The command line: parses options, calls one function, maps errors to exit codes."""

# No ``from __future__ import annotations`` here: typer reads the options from the
# annotations, and evaluated ones spare it compiling a hundred strings on every run.
import contextlib
import enum
import os
import signal
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from icloud_fix import __version__, stopping
from icloud_fix.errors import (
    ERROR_PREFIX,
    EXIT_BROKEN_PIPE,
    EXIT_INPUT_ERROR,
    EXIT_INTERNAL_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT_ERROR,
    IcloudFixError,
    InputFileError,
    Terminated,
    error_lines,
)
from icloud_fix.flow import ACCEPTED_ANSWERS, Flow
from icloud_fix.flowfile import loader
from icloud_fix.report import Format, format_help, output_help
from icloud_fix.safe_text import one_line


class ListFormat(str, enum.Enum):
    text = "text"
    json = "json"


class Unanswered(str, enum.Enum):
    """What a scripted run does with a question that nothing answered."""

    error = "error"
    skip = "skip"


app = typer.Typer(
    name="icloud-fix",
    help=(
        "Find out why iCloud Photos stopped syncing on your iPhone, and how to fix it.\n\n"
        "Run with no options in a terminal to be asked one question at a time. "
        "Scripts pass answers with --answer or --answers and get a report "
        "(--format json) and an exit code: 0 resolved, or every check run passed; "
        "1 a check failed, or Apple reports an outage; 2 bad input; 3 inconclusive (no "
        "check failed, but some were not sure or not reached); 130 interrupted."
    ),
    # click keeps the line breaks of a paragraph that starts with a \b line.
    epilog=(
        "Examples:\n\n"
        "\b\n"
        "  Be asked one question at a time, in a terminal:\n"
        "    icloud-fix\n\n"
        "\b\n"
        "  A script checks one thing, answered by flags (exit 1: it failed):\n"
        "    icloud-fix --non-interactive --only restart --answer restart-done=no\n\n"
        "\b\n"
        "  Answers from a file ('icloud-fix list' shows the ids):\n"
        "    icloud-fix --answers answers.yaml\n\n"
        "\b\n"
        "  A JSON report to attach to a help-desk ticket:\n"
        "    icloud-fix --answers answers.yaml --format json > ticket.json\n\n"
        "\b\n"
        "  Your own flow file, checked first:\n"
        "    icloud-fix validate printer.yaml && icloud-fix --steps printer.yaml\n\n"
        "\b\n"
        "  The same flow as one web page, for people without a terminal:\n"
        "    icloud-fix page --output icloud-photos.html"
    ),
    # --install-completion and --show-completion, for bash, zsh and fish (completion.py).
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain click output: usage errors in a few plain lines, not a box drawn by rich,
    # and --help without loading rich.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _fail(message: str, code: int = EXIT_INPUT_ERROR) -> NoReturn:
    sys.stderr.write(error_lines(message))
    raise typer.Exit(code)


def _verbose(on: bool) -> None:
    """--verbose or not, for this run. Off, the module is not even imported (a scripted
    run must not pay for it), unless an earlier run in this process turned it on."""
    if on:
        from icloud_fix import verbose

        verbose.turn_on()
    elif "icloud_fix.verbose" in sys.modules:
        sys.modules["icloud_fix.verbose"].turn_off()


# Shell completion: the work, and its imports, happen in completion.py, only when a
# shell asks (typer wants the functions themselves when the options are declared).
def _complete_check_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    from icloud_fix import completion

    return completion.check_ids(ctx, incomplete)


def _complete_check_id_list(ctx: typer.Context, incomplete: str) -> list[str]:
    from icloud_fix import completion

    return completion.check_id_list(ctx, incomplete)


def _complete_question_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    from icloud_fix import completion

    return completion.question_ids(ctx, incomplete)


def _show_version(ctx: typer.Context, value: bool) -> None:
    # A shell completing a line that holds --version parses it too: print nothing then.
    if value and not ctx.resilient_parsing:
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
# In list, validate and schema, the details of a bug: the internal error asks for them.
VerboseDetailsOption = Annotated[
    bool,
    typer.Option("--verbose", help="If icloud-fix fails with an internal error, print its "
                 "details, to attach to a report of it."),
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
            help=f"Answer a question ahead of time; repeatable. VALUE: {ACCEPTED_ANSWERS}; "
            "for a question with a list (such as photos-status), one of its choice ids, "
            "e.g. photos-status=paused-low-power. 'icloud-fix list' shows the ids.",
            show_default=False,
            autocompletion=_complete_question_ids,
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
            help=format_help(),
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
            help=output_help(),
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
            autocompletion=_complete_check_id_list,
        ),
    ] = None,
    from_id: Annotated[
        str | None,
        typer.Option("--from", metavar="ID", help="Start at this check and run the rest.",
                     show_default=False, autocompletion=_complete_check_ids),
    ] = None,
    resolved_by: Annotated[
        str | None,
        typer.Option(
            "--resolved-by",
            metavar="ID",
            help="The fix for this check solved the problem: the run ends there, as "
            "resolved. Used by the command printed at the end of a session.",
            show_default=False,
            autocompletion=_complete_check_ids,
        ),
    ] = None,
    fix_tried: Annotated[
        list[str] | None,
        typer.Option(
            "--fix-tried",
            metavar="ID=no|not_yet",
            help="The fix for this check was already tried: no = it did not help, not_yet "
            "= it takes time to show. Repeatable; the report lists it under 'Fixes "
            "already tried'. Used by the command printed at the end of a session.",
            show_default=False,
        ),
    ] = None,
    unanswered: Annotated[
        Unanswered,
        typer.Option(
            "--unanswered",
            help="What a scripted run does with a question nothing answered: error "
            "(exit 2, naming every missing id) or skip (take it as 'not sure', so a "
            "partial call still gives an honest inconclusive report).",
            case_sensitive=False,
        ),
    ] = Unanswered.error,
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
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            help="Say on stderr what the readings did: each ideviceinfo command and "
            "each feed of Apple's, how it ended and how long it took (and, after an "
            "internal error, its details).",
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
    _verbose(verbose)
    if ctx.invoked_subcommand is not None:
        given_here = [name for name, value in (
            ("--steps", steps), ("--answer", answer), ("--answers", answers_file),
            ("--non-interactive", non_interactive), ("--format", output_format),
            ("--output", output), ("--save-answers", save_answers),
            ("--no-color", no_color), ("--plain", plain), ("--only", only_ids),
            ("--from", from_id), ("--resolved-by", resolved_by), ("--fix-tried", fix_tried),
            ("--unanswered", unanswered is not Unanswered.error), ("--resume", resume),
            ("--fresh", fresh), ("--auto", auto), ("--offline", offline),
            ("--verbose", verbose)) if value]
        if given_here:
            # Silently dropping them would list or check the wrong thing.
            _fail(f"{', '.join(given_here)} must come after '{ctx.invoked_subcommand}': "
                  f"icloud-fix {ctx.invoked_subcommand} [OPTIONS]; see "
                  f"'icloud-fix {ctx.invoked_subcommand} --help'")
        return
    from icloud_fix import session  # not needed by list, validate or schema

    options = session.SessionOptions(
        steps=steps, answer_flags=tuple(answer or ()), answers_file=answers_file,
        non_interactive=non_interactive, output_format=output_format, output=output,
        save_answers=save_answers, only_ids=only_ids, from_id=from_id,
        resolved_by=resolved_by, fix_flags=tuple(fix_tried or ()),
        unanswered_skip=unanswered is Unanswered.skip, auto=auto, offline=offline,
        resume=resume, fresh=fresh, no_color=no_color, plain=plain, verbose=verbose,
    )
    try:
        code = session.run(options)
    except IcloudFixError as exc:
        if verbose:
            from icloud_fix import verbose as verbose_lines

            verbose_lines.finish()  # what the readings did, before the error
        _fail(exc.message)
    except Terminated as exc:
        # A signal before the first question or after the last one: nothing to stop.
        with contextlib.suppress(OSError):
            sys.stderr.write(f"\nStopped: {exc.reason}.\n")
        code = exc.exit_code
    raise typer.Exit(code)


def _load(steps: Path | None) -> Flow:
    """The flow of --steps, or the built-in one; a flow that cannot be used ends the run
    with its problems and exit 2."""
    try:
        return loader.load_builtin() if steps is None else loader.load_file(steps)
    except IcloudFixError as exc:
        _fail(exc.message)


@app.command("list", short_help="List the checks and question ids, and what passes them.")
def list_checks(
    steps: StepsOption = None,
    output_format: Annotated[
        ListFormat,
        typer.Option("--format", "-f", help="text for people, json for scripts.",
                     case_sensitive=False),
    ] = ListFormat.text,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour in the output.")] = False,
    verbose: VerboseDetailsOption = False,
) -> None:
    """List every check and question id, its passing answer and its condition."""
    _verbose(verbose)
    flow = _load(steps)
    if output_format is ListFormat.json:
        from icloud_fix.report import json as render_json

        sys.stdout.write(render_json.dumps(render_json.flow_document(flow)))
        return
    from icloud_fix.report import terminal

    terminal.print_flow(terminal.make_console(no_color=no_color), flow)


@app.command(short_help="Check flow files: FILE:LINE: message for each problem.")
def validate(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE...", help="Flow files to check.", show_default=False),
    ],
    verbose: VerboseDetailsOption = False,
) -> None:
    """Check flow files; print FILE:LINE: message for each problem (exit 2 if any)."""
    _verbose(verbose)
    failed = False
    for path in files:
        try:
            flow = loader.load_file(path)
        except InputFileError as exc:
            failed = True
            sys.stderr.write(error_lines(exc.message))
            continue
        questions = sum(1 for _ in flow.all_questions())
        sys.stdout.write(f"{one_line(str(path))}: valid ({_count(len(flow.checks), 'check')}, "
                         f"{_count(questions, 'question')})\n")
    if failed:
        raise typer.Exit(EXIT_INPUT_ERROR)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@app.command("page", short_help="The flow as one web page, for people without a terminal.")
def page(
    steps: StepsOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", show_default=False,
                     help="Write the page to FILE (e.g. icloud-photos.html) instead of "
                     "standard output."),
    ] = None,
    verbose: VerboseDetailsOption = False,
) -> None:
    """Write the flow as one self-contained web page: the same questions, fixes and
    reports, for people who will never open a terminal.

    Open it from a file, mail it, or publish it on any web server: it loads nothing
    and sends nothing anywhere. Progress is kept in the browser. At the end the person
    copies the Markdown report, downloads the JSON report, or shows an answers file
    that gives the same report with 'icloud-fix --non-interactive --answers FILE'."""
    _verbose(verbose)
    flow = _load(steps)
    if output is None and sys.stdout.isatty():
        _fail("the page is HTML, not for a terminal: give --output FILE (for example "
              "--output icloud-photos.html), or redirect it: icloud-fix page > page.html")
    from icloud_fix import page as web_page

    text = web_page.build(flow)
    if output is None:
        # The page says it is UTF-8: so are its bytes, whatever the terminal's or the
        # system's encoding (a redirect on Windows would write cp1252).
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(text)
        else:
            buffer.write(text.encode("utf-8", "backslashreplace"))
        return
    from icloud_fix import atomic_file

    try:
        atomic_file.write_atomically(output, text)
    except IcloudFixError as exc:
        _fail(exc.message, exc.exit_code)
    size = len(text.encode("utf-8", "surrogateescape"))
    sys.stderr.write(f"Page written to {one_line(str(output))} ({size / 1024:.0f} KB): open "
                     f"it in a browser, mail it, or put it on a web server.\n")


@app.command("schema")
def print_schema(verbose: VerboseDetailsOption = False) -> None:
    """Print the JSON Schema of flow files (for editor completion)."""
    _verbose(verbose)
    from icloud_fix.flowfile import declaration
    from icloud_fix.report import json as render_json

    sys.stdout.write(render_json.dumps(declaration.json_schema()))


def _silence_stdout() -> None:
    """stdout cannot be written: drop the rest, so the exit does not fail on it again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _show_click_error(self: Exception, file: object = None) -> None:
    """A usage error (an unknown option, a bad value) as one line like every other
    error, instead of click's usage block ending in "Error: ..."."""
    ctx = getattr(self, "ctx", None)
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    message = self.format_message()  # type: ignore[attr-defined]
    sys.stderr.write(error_lines(one_line(message) + hint))


def _one_line_usage_errors() -> None:
    # typer vendors click (typer<0.29) and prints its errors with show(); these two
    # classes are every error click reports.
    from typer._click import exceptions

    exceptions.ClickException.show = _show_click_error  # type: ignore[method-assign]
    exceptions.UsageError.show = _show_click_error  # type: ignore[method-assign]


def _completion_options_wanted(argv: list[str]) -> bool:
    """Whether this run may use typer's --install-completion / --show-completion (or
    show them in --help): building them looks up the parent shell, about 13 ms that a
    scripted run must not pay."""
    words = ("--install-completion", "--show-completion", "--help", "-h")
    return (any(arg.split("=", 1)[0] in words for arg in argv[1:])
            or "_ICLOUD_FIX_COMPLETE" in os.environ)


def main() -> None:
    """Entry point of the icloud-fix command."""
    app._add_completion = _completion_options_wanted(sys.argv)
    if "_ICLOUD_FIX_COMPLETE" in os.environ:
        from icloud_fix.completion import bad_request

        problem = bad_request(os.environ)
        if problem is not None:
            sys.stderr.write(error_lines(problem))
            sys.exit(EXIT_INPUT_ERROR)
    _one_line_usage_errors()
    # This run's stop (its first signal, and where it finds the run) is made here and
    # is the active one while the run lasts: an earlier run in the same process (a
    # test) leaves nothing behind for this one.
    with stopping.using(stopping.Stops()):
        _run()


def _run() -> None:
    """main, once the run's own state is made: run the app, and map how it ended to an
    exit code and at most one line."""
    # SIGINT, SIGTERM and SIGHUP end a session the way Ctrl-C does: the terminal is
    # restored and the answers so far are kept. The first signal decides the exit code.
    stopping.install()
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
        except SystemExit as exc:
            # A signal's code, whatever the session made of the stop (typer turns any
            # KeyboardInterrupt into 130); see stopping.exit_code. Signals from here on
            # would only land in Python's shutdown.
            code = stopping.exit_code(exc.code)
            stopping.ending()
            raise SystemExit(code) from None
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except OSError as exc:
        # stdout or stderr could not be written (a full disk, a closed stream).
        _silence_stdout()
        with contextlib.suppress(OSError):
            sys.stderr.write(f"icloud-fix: cannot write the output: "
                             f"{one_line(exc.strerror or str(exc))}\n")
        sys.exit(EXIT_OUTPUT_ERROR)
    except KeyboardInterrupt as exc:
        code = getattr(exc, "exit_code", EXIT_INTERRUPTED)
        with contextlib.suppress(OSError):
            sys.stderr.write("\nInterrupted.\n")
        sys.exit(code if isinstance(code, int) else EXIT_INTERRUPTED)
    except Exception as exc:
        # A bug, not a user's mistake: one line instead of a traceback, unless asked.
        if os.environ.get("ICLOUD_FIX_DEBUG"):
            raise
        from icloud_fix import verbose

        # No issue tracker yet: what a report of the bug needs is --verbose's output.
        advice = ("attach everything printed here; the details follow" if verbose.is_on()
                  else "run the same command again with --verbose and attach everything "
                  "it prints")
        with contextlib.suppress(OSError):
            sys.stderr.write(f"{ERROR_PREFIX}internal error: {type(exc).__name__}: "
                             f"{one_line(str(exc))}. This is a bug in icloud-fix: to report "
                             f"it, {advice}.\n")
            if verbose.is_on():
                verbose.details(exc)
        sys.exit(EXIT_INTERNAL_ERROR)
