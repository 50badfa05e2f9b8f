"""Shell completion of the ids a flow defines: check ids for --only, --from and
--resolved-by, question ids for --answer.

typer's --install-completion and --show-completion set up bash, zsh or fish; the
shell then runs icloud-fix with _ICLOUD_FIX_COMPLETE set, and these functions name
the candidates. The ids come from the flow that --steps names earlier on the command
line, or the built-in one. This module is imported only then, never by a run.

A completion runs at every Tab: whatever goes wrong with the flow (an unreadable or
invalid file, a pipe, a bug) gives no candidates, never an error or a traceback in
the middle of the command line being typed. A request no shell's completion script
sends (an unknown _ICLOUD_FIX_COMPLETE, a COMP_CWORD that is not a word number) is
refused with one line and exit 2 before typer reads it (``bad_request``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from icloud_fix.safe_text import shorten

if TYPE_CHECKING:
    import typer

    from icloud_fix.flow import Flow


COMPLETE_VARIABLE = "_ICLOUD_FIX_COMPLETE"
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
_REQUEST = re.compile(r"(source|complete)_(" + "|".join(SHELLS) + ")")


def bad_request(environ: Mapping[str, str]) -> str | None:
    """Why the completion request in the environment is none a shell sends, in one line
    naming the variable and what it takes; None when it is fine, or no request."""
    request = environ.get(COMPLETE_VARIABLE)
    if request is None:
        return None
    if not _REQUEST.fullmatch(request):
        return (f"{COMPLETE_VARIABLE}: {shorten(repr(request), 60)} is not a completion "
                f"request; the completion script that --install-completion sets up sends "
                f"complete_SHELL or source_SHELL, SHELL one of {', '.join(SHELLS)}")
    if request != "complete_bash":
        return None  # the others read _TYPER_COMPLETE_ARGS, and take any text there
    if "COMP_WORDS" not in environ:
        return "COMP_WORDS is not set; bash's completion sets it to the words typed"
    word = environ.get("COMP_CWORD", "")
    if not (word.isascii() and word.isdigit() and len(word) <= 6):
        return (f"COMP_CWORD: {shorten(repr(word), 60)} is not a word number; bash's "
                f"completion sets it to the number of the word being completed (0 or more)")
    return None


def check_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """The check ids that start with what was typed."""
    flow = _flow(ctx)
    if flow is None:
        return []
    return [check for check in flow.check_ids() if check.startswith(incomplete)]


def check_id_list(ctx: typer.Context, incomplete: str) -> list[str]:
    """For --only ID[,ID...]: the ids given so far, then each check id not yet given
    that starts with what follows the last comma."""
    flow = _flow(ctx)
    if flow is None:
        return []
    given, _, last = incomplete.rpartition(",")
    before = given.split(",") if given else []
    head = f"{given}," if given else ""
    return [head + check for check in flow.check_ids()
            if check.startswith(last) and check not in before]


def question_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """For --answer ID=VALUE: each question id that starts with what was typed, as
    ``ID=`` ready for its answer."""
    flow = _flow(ctx)
    if flow is None:
        return []
    return [f"{question.id}=" for question in flow.all_questions()
            if question.id.startswith(incomplete)]


def _flow(ctx: typer.Context) -> Flow | None:
    """The flow the command line runs, or None when it cannot be read quietly."""
    try:
        from icloud_fix.flowfile import loader

        steps = ctx.params.get("steps")
        if steps is None:
            return loader.load_builtin()
        path = Path(steps)
        # Only a plain file: "-" would read the terminal, and a named pipe would wait
        # for a writer in the middle of a Tab.
        if not path.is_file():
            return None
        return loader.load_file(path)
    except Exception:  # any failure: no candidates, said nowhere (see the docstring)
        return None
