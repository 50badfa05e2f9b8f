"""What a session is asked to do: the command line's options, as plain values, and how
it will ask (or not)."""

from __future__ import annotations

import enum
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from icloud_fix.report import Format

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
