"""One run of icloud-fix: load the flow, gather the answers given ahead, ask the rest
(or not), and report. cli.py parses the options into SessionOptions and calls run()."""

from __future__ import annotations

import contextlib
import enum
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icloud_fix import answers, engine, report
from icloud_fix.answers import GivenAnswers, ScriptedAnswers
from icloud_fix.engine import (
    Device,
    GoBack,
    Helped,
    PromptUnavailable,
    SessionInterrupted,
    SessionResult,
)
from icloud_fix.errors import EXIT_INPUT_ERROR, IcloudFixError, error_lines
from icloud_fix.flow import ACCEPTED_ANSWERS, Flow
from icloud_fix.flowfile import loader
from icloud_fix.report import EXTENSIONS, Format
from icloud_fix.safe_text import one_line, shorten
from icloud_fix.spelling import did_you_mean

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 (a type only)

    from icloud_fix.probes.background import BackgroundReadings
    from icloud_fix.prompts.asking import Asking
    from icloud_fix.prompts.base import Prompter
    from icloud_fix.resume import SavedSession


# How long a scripted run waits for Apple's feeds (apple_feeds.TIMEOUT, kept here so a
# run that reads nothing does not import the feeds).
TIMEOUT = 3.0


class PromptMode(str, enum.Enum):
    RICH = "rich"  # arrow-key prompts
    PLAIN = "plain"  # one line of text per question
    NONE = "none"  # never ask: a scripted run


@dataclass(frozen=True)
class SessionOptions:
    """Everything the session's command-line options say, as plain values."""

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
    fix_flags: tuple[str, ...] = ()  # --fix-tried CHECK=no|not_yet
    unanswered_skip: bool = False  # --unanswered skip: take them as "not sure"
    auto: bool = False
    offline: bool = False
    resume: bool = False
    fresh: bool = False
    no_color: bool = False
    plain: bool = False
    verbose: bool = False


def load_flow(steps: Path | None) -> Flow:
    return loader.load_builtin() if steps is None else loader.load_file(steps)


def run(options: SessionOptions) -> int:
    """Run one session; returns the exit code. Raises IcloudFixError for bad input."""
    try:
        return _Session(options).run()
    except PromptUnavailable as exc:  # left at "continue where you stopped?" or the like
        with contextlib.suppress(OSError):
            sys.stderr.write(f"\nStopped: {exc.reason}. Nothing was changed: what you answered "
                             f"before is still kept.\n")
        return exc.exit_code


class _Session:
    def __init__(self, options: SessionOptions) -> None:
        self.o = options
        _check_distinct_files(options)  # before anything is read, asked or written
        self.flow = load_flow(options.steps)
        self.given = self._given_answers()
        self.only = _selected_checks(self.flow, options.only_ids, options.from_id)
        self._check_options()
        self.mode = prompt_mode(options.non_interactive, options.plain)
        # With --output, the file gets the report and the terminal the usual summary.
        self.stdout_format = (Format.text if options.output is not None
                              else options.output_format or Format.text)
        self.console = self._console()
        self.readings = self._background_readings()
        self.prompter = self._prompter()
        self.asking: Asking | None = None  # the prompter as the engine asks it
        self.steps_word = str(options.steps) if options.steps is not None else None
        # Marks the state this session keeps, so that it clears only that (or the
        # state it continued), never what another session of the flow kept meanwhile.
        self.state_token = os.urandom(8).hex()
        from datetime import datetime, timezone

        self.started = datetime.now(timezone.utc).replace(microsecond=0)
        # The exit code of a file that could not be written: 2 for a name that cannot be
        # used, 74 for a disk that is full (errors.OutputError).
        self.write_failed = EXIT_INPUT_ERROR

    @property
    def asks(self) -> bool:
        return self.mode is not PromptMode.NONE

    def run(self) -> int:
        holding = (self.prompter.holding_terminal() if self.prompter is not None
                   else contextlib.nullcontext())
        try:
            with holding:
                saved = self._resumed()
                if saved is not None and saved.finished:
                    # Last time ended waiting on fixes that take time: did they work?
                    source = self._after_waiting(saved)
                else:
                    source = self._answer_source(saved)
                result = self._conversation(source)
        except SessionInterrupted as exc:
            return self._stopped(exc, source)
        return self._finished(result, source)

    def _conversation(self, source: ScriptedAnswers) -> SessionResult:
        """The engine asking through the prompter; when the person goes back a question,
        the session is walked again with what they said before it (nothing of it asked
        again), and the question asked anew: its new answer replaces the old one
        everywhere, routes and conditions included."""
        while True:
            try:
                return engine.run(self.flow, source, self.only)
            except GoBack:
                if not source.back() and self.console is not None:
                    from icloud_fix.prompts import drawing

                    drawing.print_note(self.console, "Nothing to go back to: this is the first "
                                    "question of this session.")

    # -- before the first question -------------------------------------------------------

    def _given_answers(self) -> GivenAnswers:
        """Answers from --answers, then --answer flags, which win."""
        from_file = (answers.load_file(self.o.answers_file, self.flow)
                     if self.o.answers_file else GivenAnswers())
        return (from_file | answers.parse_flags(list(self.o.answer_flags), self.flow)
                | answers.parse_fix_flags(list(self.o.fix_flags), self.o.resolved_by,
                                          self.flow))

    def _check_options(self) -> None:
        if self.o.resume and self.o.fresh:
            raise IcloudFixError("--resume and --fresh contradict each other; give one")

    def _console(self) -> Console | None:
        if not self.asks and self.stdout_format is not Format.text:
            return None
        from icloud_fix.report import terminal

        # With a JSON or Markdown report on stdout, the conversation goes to stderr.
        file = sys.stderr if self.stdout_format is not Format.text else None
        return terminal.make_console(file=file, no_color=self.o.no_color,
                                 plain=self.mode is PromptMode.PLAIN)

    def _background_readings(self) -> BackgroundReadings | None:
        """The iPhone and Apple's feeds, read in the background (a person is asked, or
        --auto answers from them)."""
        if not (self.asks or self.o.auto):
            return None
        from icloud_fix.probes.background import BackgroundReadings

        readings = BackgroundReadings(self.flow, self.o.offline)
        if not self.asks:
            readings.start()
        return readings

    def _prompter(self) -> Prompter | None:
        if not self.asks:
            return None
        from icloud_fix.prompts import drawing

        assert self.console is not None
        drawing.print_intro(self.console, self.flow, whole=self.only is None)
        if self.mode is PromptMode.PLAIN:
            from icloud_fix.prompts.plain_prompter import PlainPrompter

            if sys.stdin is None:
                raise IcloudFixError("--plain reads answers from stdin, and stdin is closed")
            # A line that is not in stdin's encoding (a stray byte, an é where ASCII is
            # expected) is a wrong answer to ask again, not the end of the session.
            with contextlib.suppress(AttributeError, ValueError, OSError):
                sys.stdin.reconfigure(errors="replace")  # type: ignore[union-attr]
            plain = PlainPrompter(self.flow, self.console, sys.stdin, self.readings)
            plain.explain_keys()  # once, here, rather than after every question
            return plain
        from icloud_fix.prompts.rich_prompter import RichPrompter

        return RichPrompter(self.flow, self.console, no_color=self.o.no_color,
                            readings=self.readings)

    def _resumed(self) -> SavedSession | None:
        """An interrupted session of this flow to continue: with --resume, or when the
        person says so."""
        if not (self.asks or self.o.resume):
            return None
        from icloud_fix import resume

        if self.o.fresh:
            self._forget_kept()
            return None
        try:
            saved = resume.load(self.flow)
        except resume.StateUnavailable as exc:
            with contextlib.suppress(OSError):
                sys.stderr.write(f"(Cannot use the folder of kept answers, {one_line(str(exc))}; "
                                 "going on without continuing an earlier session.)\n")
            return None
        if saved is None or self.o.resume or saved.finished:
            return self._continuing(saved)
        assert self.prompter is not None
        count = len(saved.answers)
        question = (f"You stopped in the middle last time, after {count} "
                    f"answer{'s' if count != 1 else ''}. Continue where you stopped?")
        if self.prompter.confirm(question, default=True):
            return self._continuing(saved)
        resume.clear(self.flow)
        return None

    def _forget_kept(self) -> None:
        """--fresh: say what is thrown away (answers, fixes waiting to be judged), then
        throw it away."""
        from icloud_fix import resume

        try:
            saved = resume.load(self.flow)
        except resume.StateUnavailable:
            saved = None
        if saved is not None:
            count = len(saved.answers)
            said = f"{count} answer{'s' if count != 1 else ''}"
            waiting = [c.title for c in self.flow.checks if c.id in saved.waiting]
            if waiting:
                said += (" and the fix" + ("es" if len(waiting) > 1 else "") + " you were "
                         "waiting on (" + _either([f"'{one_line(t)}'" for t in waiting],
                                                  "and") + ")")
            tried = [f"'{one_line(c.title)}'" for c in self.flow.checks
                     if c.id in saved.not_fixed]
            if tried:
                said += (", and that the fix" + ("es" if len(tried) > 1 else "") + " for "
                         + _either(tried, "and") + " did not help")
            with contextlib.suppress(OSError):
                sys.stderr.write(f"Starting over (--fresh): forgetting the {said}, kept from "
                                 f"your last session.\n")
        resume.clear(self.flow)

    def _continuing(self, saved: SavedSession | None) -> SavedSession | None:
        """Continue a kept session: its state becomes this session's to keep or clear."""
        if saved is not None:
            self.state_token = saved.session
        return saved

    def _answer_source(self, saved: SavedSession | None,
                       resolved_by: str | None = None) -> ScriptedAnswers:
        """Answers given ahead (flags and files win over a resumed session's), then the
        prompter, or in a script the iPhone's readings with --auto."""
        from icloud_fix.engine import Origin, Reply

        # What an earlier session kept: the person's own answers, and their fixes.
        kept = GivenAnswers() if saved is None else GivenAnswers(
            saved.answers, dict.fromkeys(saved.answers, Origin.PROMPT),
            {**dict.fromkeys(saved.not_fixed, Helped.NO),
             **dict.fromkeys(saved.waiting, Helped.NOT_YET)})
        suggest = None
        if self.readings is not None and not self.asks:
            readings = self.readings
            suggest = lambda question: readings.suggestion(question, wait=2 * TIMEOUT)  # noqa: E731
        self.asking = None
        if self.prompter is not None:
            from icloud_fix.prompts.asking import Asking

            assert self.console is not None
            # The prompter, saying where a check begins what the person should know first.
            self.asking = Asking(self.flow, self.prompter, self.console, self.readings,
                                 kept | self.given, self.only)
        source = ScriptedAnswers(self.given, fallback=self.asking, resolved_by=resolved_by,
                                 suggest=suggest)
        # Answers kept from an earlier session are the person's own, said in this order:
        # b can go back into them, as into this session's (flags and files still win).
        source.fixes = {**kept.fixes, **source.fixes}
        for qid, answer in kept.answers.items():
            if qid not in self.given.answers:
                source.said[qid] = Reply(answer, Origin.PROMPT)
                source.steps.append(("question", qid))
        return source

    def _after_waiting(self, saved: SavedSession) -> ScriptedAnswers:
        """Ask whether the fixes that take time worked, and play the last session back
        with that answer: resolved, not fixed (with where to get help), or still waiting."""
        import dataclasses

        from icloud_fix.engine import Fix

        if not saved.waiting or self.prompter is None:
            return self._answer_source(None)
        titles = " and ".join(f"'{c.title}'" for c in self.flow.checks if c.id in saved.waiting)
        from icloud_fix.prompts.base import after_fix_question

        question = after_fix_question(self.flow.after_fix_question, self.readings)
        fix = self.prompter.ask_fix(f"Last time you tried the fix for {titles}, which takes "
                                    f"time. {question}")
        if fix is Fix.WORKED:
            # Resolved by the first of them the walk meets again, in the order asked.
            source = self._answer_source(dataclasses.replace(saved, waiting=frozenset()))
            for check in saved.waiting:
                source.said_fixes[check] = Helped.YES
            return source
        source = self._answer_source(saved)
        if fix is Fix.DID_NOT_WORK:
            # Said in this session: kept (and reported) even if it stops at once.
            for check in saved.waiting:
                source.said_fixes[check] = Helped.NO
        return source

    # -- after the last question -----------------------------------------------------------

    def _stopped(self, exc: SessionInterrupted, source: ScriptedAnswers) -> int:
        """Interrupted: say so, keep what was answered, and report it."""
        with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
            sys.stderr.write(f"\nStopped: {exc.reason}. Here is what you answered so far.\n")
        status = self._status(wait=0)
        partial = self._with_outages(exc.partial)
        saved = self._write_files(partial, status)
        if self.asks:
            self._keep(partial, source)
        with contextlib.suppress(OSError):
            self._print_report(partial, status)
            if self.asks and exc.partial.answers():
                self._print_replay(exc.partial, finished=False)
            if partial.stopped_for_outage:
                self._offer_to_save(partial, status)
        code = partial.exit_code if partial.stopped_for_outage else exc.exit_code
        return code if saved else self.write_failed

    def _finished(self, result: SessionResult, source: ScriptedAnswers) -> int:
        self._missing(source)
        self._unused_fixes(result)
        # A scripted run waits for the feed (3 s at most); a person has waited long enough.
        status = self._status(wait=0 if self.asks else TIMEOUT)
        if self.readings is not None and self.o.auto and not self.asks:
            # --auto: the report names the iPhone and follows its iOS and region, even
            # when every answer was given (3 s at most, as for the feed).
            self.readings.start()
            self.readings.reading(TIMEOUT)
        result = self._with_outages(result)
        saved = self._write_files(result, status)
        if self.asking is not None:
            self.asking.finish()  # checks answered ahead, if no question has said so
        self._print_report(result, status)
        if self.asks:
            self._keep_waiting(result, source)
            self._print_replay(result, finished=True)
            self._offer_to_save(result, status)
        return result.exit_code if saved else self.write_failed

    def _unused_fixes(self, result: SessionResult) -> None:
        """Say so when a fix said to be tried (--fix-tried, --resolved-by, an answers file)
        belongs to a check that did not fail in this run: no fix of it was shown, so the
        report cannot list it, and a help desk should know."""
        unused = [c for c in self.given.fixes
                  if result.fix_tried(c) is None and c != result.resolved_by]
        for check in unused:
            status = next((c.status.value.replace("_", " ") for c in result.checks
                           if c.check.id == check), "not run")
            with contextlib.suppress(OSError):
                sys.stderr.write(error_lines(
                    f"note: the fix for '{check}' was said to be tried, but that check "
                    f"did not fail in this run ({status}), so the report does not list it"))

    def _missing(self, source: ScriptedAnswers) -> None:
        """A scripted run that left questions unanswered: an error naming them all, or
        with --unanswered skip, each taken as "not sure" (and reported as unanswered)."""
        if source.missing and not self.o.unanswered_skip:
            raise IcloudFixError(_missing_message(self.flow, source.missing, self.given.answers,
                                                  self.o.non_interactive))

    def _with_outages(self, result: SessionResult) -> SessionResult:
        """The result with what is known from outside the flow: when the session started,
        the iPhone that was read, and what Apple's System Status said, when it was
        looked at."""
        import dataclasses

        result = dataclasses.replace(result, started=self.started, device=self._device())
        readings = self.readings
        if readings is None or not readings.checks_status:
            return result
        known, outages = readings.status(0)
        if not known or not outages:
            return result
        return dataclasses.replace(result, outages=tuple(outages))

    def _device(self) -> Device | None:
        """The iPhone read during the session, if one was (never waits for it)."""
        return self.readings.device() if self.readings is not None else None

    def _keep(self, partial: SessionResult, source: ScriptedAnswers) -> None:
        from icloud_fix import resume

        if not (partial.answers() or source.not_fixed or source.waiting):
            return
        try:
            resume.save(self.flow, partial, source.not_fixed, source.waiting,
                        session=self.state_token)
        except (IcloudFixError, OSError):
            return  # the answers are still printed below and in the replay command
        with contextlib.suppress(OSError):
            sys.stderr.write("Your answers are kept: run icloud-fix again to continue where "
                             "you stopped (--fresh starts over).\n")

    def _keep_waiting(self, result: SessionResult, source: ScriptedAnswers) -> None:
        """A finished session is forgotten, unless fixes that take time are waiting: then
        the next run starts by asking whether they worked."""
        from icloud_fix import resume

        if not result.waiting or result.resolved_by is not None:
            # resolved: what was waiting no longer matters
            resume.clear(self.flow, session=self.state_token)
            return
        try:
            resume.save(self.flow, result, source.not_fixed, source.waiting, finished=True,
                        session=self.state_token)
        except (IcloudFixError, OSError):
            return
        with contextlib.suppress(OSError):  # the next step has said what comes next
            sys.stderr.write("Your answers are kept.\n")

    def _offer_to_save(self, result: SessionResult, status: dict[str, Any] | None) -> None:
        """After a session that did not end resolved (every check passed included: the
        problem may go on), offer the report as a file to hand to Apple Support or a help
        desk, so that nobody has to answer again."""
        from icloud_fix.engine import Outcome

        if (self.o.output is not None or self.prompter is None
                or result.outcome in (Outcome.RESOLVED, Outcome.INTERRUPTED)):
            return
        from datetime import datetime

        stem = f"icloud-fix-report-{datetime.now().strftime('%Y-%m-%d-%H%M')}"
        name = _free_name(stem, ".md")
        try:
            if not self.prompter.confirm(f"Save this report as {name} in this folder, to "
                                         f"hand to whoever helps you next?", True):
                return
        except PromptUnavailable:
            return  # left at the question: nothing to save
        from icloud_fix import atomic_file

        text = report.render(result, Format.markdown, status)
        try:
            # Created anew, never over another report (one saved in the same minute, or
            # meanwhile by another session): the next free name is taken instead.
            path = atomic_file.write_new(stem, ".md", text)
        except IcloudFixError as exc:
            sys.stderr.write(error_lines(exc.message))
            return
        sys.stderr.write(f"Report saved: {one_line(str(path.resolve()))}\n")

    def _status(self, wait: float) -> dict[str, Any] | None:
        """Apple's System Status as the JSON report gives it; None when not looked at."""
        readings = self.readings
        if readings is None or not readings.checks_status:
            return None
        known, outages = readings.status(wait)
        return {
            "reachable": known and outages is not None,
            "outages": [{"service": o.service, "message": o.message, "started": o.started}
                        for o in outages or []],
        }

    def _write_files(self, result: SessionResult, status: dict[str, Any] | None) -> bool:
        """Write --save-answers and --output files. What cannot be written is printed to
        stdout instead, so nothing is lost; returns False when something could not be."""
        writes = []
        if self.o.save_answers is not None:
            writes.append(("Answers", self.o.save_answers, answers.dump(result)))
        if self.o.output is not None:
            fmt = self.o.output_format or EXTENSIONS.get(self.o.output.suffix.lower(),
                                                         Format.text)
            writes.append(("Report", self.o.output, report.render(result, fmt, status)))
        ok = True
        for what, path, text in writes:
            from icloud_fix import atomic_file  # tempfile costs a few ms: only to write

            try:
                atomic_file.write_atomically(path, text)
            except IcloudFixError as exc:
                ok = False
                self.write_failed = max(self.write_failed, exc.exit_code)
                sys.stderr.write(error_lines(exc.message + "; here it is instead:"))
                # stdout carries a JSON or Markdown report: it stays that one document.
                (sys.stdout if self.stdout_format is Format.text else sys.stderr).write(text)
                continue
            sys.stderr.write(f"{what} written to {one_line(str(path))}\n")
        return ok

    def _print_report(self, result: SessionResult, status: dict[str, Any] | None) -> None:
        if self.readings is not None:
            from icloud_fix import verbose

            verbose.finish()  # --verbose: the readings' lines come before the report
        sys.stdout.write(report.render(result, self.stdout_format, status, self.console))

    def _print_replay(self, result: SessionResult, finished: bool) -> None:
        """The same session as one scripted command, to share or run again: once, after
        the report, and only when the session did not end resolved; --plain (a screen
        reader would read it out, character by character) only with --verbose."""
        if result.resolved_by is not None or not result.answers():
            return
        if self.mode is PromptMode.PLAIN and not self.o.verbose:
            return
        command = answers.replay_command(result, self.steps_word, self.only, scripted=finished)
        intro = ("The same answers as one command (to share, or to run again without "
                 "questions):" if finished else "To start again from these answers:")
        if self.console is not None:
            from icloud_fix.report.paragraphs import reflow

            # Wrapped like everything else on the screen; the command is not, so that it
            # can be copied whole.
            intro = reflow(intro, self.console.width)
        stream = sys.stdout if self.stdout_format is Format.text else sys.stderr
        stream.write(f"\n{intro}\n  {command}\n")


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


def _either(words: list[str], joiner: str) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def _free_name(stem: str, suffix: str) -> str:
    """stem + suffix, or stem-2 + suffix and so on: a name no file has yet."""
    number = 1
    while True:
        name = f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}"
        if not os.path.lexists(name):
            return name
        number += 1


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


def _is_terminal(stream: object) -> bool:
    # A stream closed by the caller (<&-) is None: not a terminal.
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def prompt_mode(non_interactive: bool, plain: bool) -> PromptMode:
    """How to ask: plain lines, arrow-key prompts, or not at all."""
    if non_interactive:
        return PromptMode.NONE
    if plain:
        return PromptMode.PLAIN  # reads stdin lines even from a pipe: asked for by name
    if not (_is_terminal(sys.stdin) and _is_terminal(sys.stdout)):
        return PromptMode.NONE
    return PromptMode.PLAIN if os.environ.get("TERM") == "dumb" else PromptMode.RICH


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

    questions = [q for q in flow.all_questions() if missing is None or q.id in missing]
    choices = [q for q in questions if q.kind != "yes_no"]
    if not choices:
        return ACCEPTED_ANSWERS
    if missing is None:
        return f"{ACCEPTED_ANSWERS}; a choice question takes one of its choice ids"
    said = "; ".join(f"{q.id} takes {kinds.of(q).accepted(q)}" for q in choices)
    if len(choices) < len(questions):
        said += f"; the others {ACCEPTED_ANSWERS}"
    return said
