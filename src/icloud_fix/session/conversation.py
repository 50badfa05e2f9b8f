"""The conversation: the engine asking through the prompter (or, in a script, through
the answers given ahead), from the introduction to the last answer. What it ends with
is a Talk; what is then reported, written and kept is the delivery's."""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from icloud_fix import engine
from icloud_fix.answers import GivenAnswers, ScriptedAnswers
from icloud_fix.engine import GoBack, SessionInterrupted, SessionResult
from icloud_fix.report import Format
from icloud_fix.session.options import TIMEOUT, PromptMode

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 (a type only)

    from icloud_fix.probes.background import BackgroundReadings
    from icloud_fix.prompts.asking import Asking
    from icloud_fix.prompts.base import Prompter
    from icloud_fix.resume import SavedSession
    from icloud_fix.session.plan import Plan


@dataclass(frozen=True)
class Talk:
    """How the conversation ended: its result (what was known when it stopped, for an
    interrupted one), and what the answer source knows beyond it."""

    result: SessionResult
    not_fixed: frozenset[str]  # fixes said (ahead or now) not to help
    waiting: frozenset[str]  # fixes that take time ("not yet")
    missing: tuple[str, ...]  # questions nothing answered (a scripted run)
    stopped: SessionInterrupted | None = None  # why it stopped before its end


class Conversation:
    """The console, the readings and the prompter of one session, and the engine's
    walk through them."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.flow = plan.flow
        self.console = self._console()
        self.readings = self._background_readings()
        self.prompter = self._prompter()
        self.asking: Asking | None = None  # the prompter as the engine asks it
        # Marks the state this session keeps, so that it clears only that (or the
        # state it continued), never what another session of the flow kept meanwhile.
        self.state_token = os.urandom(8).hex()

    def run(self) -> Talk:
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
                result = self._walk(source)
        except SessionInterrupted as exc:
            return _talk(exc.partial, source, exc)
        return _talk(result, source)

    def _walk(self, source: ScriptedAnswers) -> SessionResult:
        """The engine asking through the prompter; when the person goes back a question,
        the session is walked again with what they said before it (nothing of it asked
        again), and the question asked anew: its new answer replaces the old one
        everywhere, routes and conditions included."""
        while True:
            try:
                return engine.run(self.flow, source, self.plan.only)
            except GoBack:
                if not source.back() and self.console is not None:
                    from icloud_fix.prompts import drawing

                    drawing.print_note(self.console, "Nothing to go back to: this is the first "
                                    "question of this session.")

    # -- before the first question -------------------------------------------------------

    def _console(self) -> Console | None:
        plan = self.plan
        if not plan.asks and plan.stdout_format is not Format.text:
            return None
        from icloud_fix.report import terminal

        # With a JSON or Markdown report on stdout, the conversation goes to stderr.
        file = sys.stderr if plan.stdout_format is not Format.text else None
        return terminal.make_console(file=file, no_color=plan.options.no_color,
                                 plain=plan.mode is PromptMode.PLAIN)

    def _background_readings(self) -> BackgroundReadings | None:
        """The iPhone and Apple's feeds, read in the background (a person is asked, or
        --auto answers from them)."""
        if not (self.plan.asks or self.plan.options.auto):
            return None
        from icloud_fix.probes.background import BackgroundReadings

        readings = BackgroundReadings(self.flow, self.plan.options.offline)
        if not self.plan.asks:
            readings.start()
        return readings

    def _prompter(self) -> Prompter | None:
        if not self.plan.asks:
            return None
        from icloud_fix.prompts import drawing

        assert self.console is not None
        drawing.print_intro(self.console, self.flow, whole=self.plan.only is None)
        if self.plan.mode is PromptMode.PLAIN:
            from icloud_fix.prompts.plain_prompter import PlainPrompter

            # A line that is not in stdin's encoding (a stray byte, an é where ASCII is
            # expected) is a wrong answer to ask again, not the end of the session.
            with contextlib.suppress(AttributeError, ValueError, OSError):
                sys.stdin.reconfigure(errors="replace")  # type: ignore[union-attr]
            plain = PlainPrompter(self.flow, self.console, sys.stdin, self.readings)
            plain.explain_keys()  # once, here, rather than after every question
            return plain
        from icloud_fix.prompts.rich_prompter import RichPrompter

        return RichPrompter(self.flow, self.console, no_color=self.plan.options.no_color,
                            readings=self.readings)

    def _resumed(self) -> SavedSession | None:
        """An interrupted session of this flow to continue: with --resume, or when the
        person says so. --fresh says what it forgets, and forgets it."""
        kept = self.plan.kept
        if kept is None:
            return None
        from icloud_fix import resume

        if kept.fresh:
            if kept.saved is not None:
                _say(resume.forgetting(self.flow, kept.saved))
            resume.clear(self.flow)
            return None
        if kept.unavailable is not None:
            _say(resume.unavailable_note(kept))
            return None
        saved = kept.saved
        if saved is None or self.plan.options.resume or saved.finished:
            return self._continuing(saved)
        assert self.prompter is not None
        if self.prompter.confirm(resume.continue_question(saved), default=True):
            return self._continuing(saved)
        resume.clear(self.flow)
        return None

    def _continuing(self, saved: SavedSession | None) -> SavedSession | None:
        """Continue a kept session: its state becomes this session's to keep or clear."""
        if saved is not None:
            self.state_token = saved.session
        return saved

    def _answer_source(self, saved: SavedSession | None) -> ScriptedAnswers:
        """Answers given ahead (flags and files win over a resumed session's), then the
        prompter, or in a script the iPhone's readings with --auto."""
        from icloud_fix import resume
        from icloud_fix.engine import Origin, Reply

        given = self.plan.given
        # What an earlier session kept: the person's own answers, and their fixes.
        kept = resume.kept_answers(saved) if saved is not None else GivenAnswers()
        suggest = None
        if self.readings is not None and not self.plan.asks:
            readings = self.readings
            suggest = lambda question: readings.suggestion(question, wait=2 * TIMEOUT)  # noqa: E731
        self.asking = None
        if self.prompter is not None:
            from icloud_fix.prompts.asking import Asking

            assert self.console is not None
            # The prompter, saying where a check begins what the person should know first.
            self.asking = Asking(self.flow, self.prompter, self.console, self.readings,
                                 kept | given, self.plan.only)
        source = ScriptedAnswers(given, fallback=self.asking, suggest=suggest)
        # Answers kept from an earlier session are the person's own, said in this order:
        # b can go back into them, as into this session's (flags and files still win).
        source.fixes = {**kept.fixes, **source.fixes}
        for qid, answer in kept.answers.items():
            if qid not in given.answers:
                source.said[qid] = Reply(answer, Origin.PROMPT)
                source.steps.append(("question", qid))
        return source

    def _after_waiting(self, saved: SavedSession) -> ScriptedAnswers:
        """Ask whether the fixes that take time worked, and play the last session back
        with that answer: resolved, not fixed (with where to get help), or still waiting."""
        from icloud_fix import resume

        if not saved.waiting or self.prompter is None:
            return self._answer_source(None)
        from icloud_fix.prompts.base import after_fix_question

        question = after_fix_question(self.flow.after_fix_question, self.readings)
        fix = self.prompter.ask_fix(resume.waiting_question(self.flow, saved, question))
        played_back, said = resume.after_fix(saved, fix)
        source = self._answer_source(played_back)
        source.said_fixes.update(said)
        return source


def _talk(result: SessionResult, source: ScriptedAnswers,
          stopped: SessionInterrupted | None = None) -> Talk:
    return Talk(result, frozenset(source.not_fixed), frozenset(source.waiting),
                tuple(source.missing), stopped)


def _say(line: str) -> None:
    with contextlib.suppress(OSError):
        sys.stderr.write(line)
