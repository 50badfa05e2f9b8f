"""Shell completion of the ids a flow defines: check ids for --only, --from and
--resolved-by, question ids for --answer.

typer's --install-completion and --show-completion set up bash, zsh or fish; the
shell then runs icloud-fix with _ICLOUD_FIX_COMPLETE set, and these functions name
the candidates. The ids come from the flow that --steps names earlier on the command
line, or the built-in one. This module is imported only then, never by a run.

A completion runs at every Tab: whatever goes wrong (an unreadable or invalid flow,
a pipe, a bug) gives no candidates, never an error or a traceback in the middle of
the command line being typed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import click

    from icloud_fix.flow import Flow


def check_ids(ctx: click.Context, incomplete: str) -> list[str]:
    """The check ids that start with what was typed."""
    flow = _flow(ctx)
    if flow is None:
        return []
    return [check for check in flow.check_ids() if check.startswith(incomplete)]


def check_id_list(ctx: click.Context, incomplete: str) -> list[str]:
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


def question_ids(ctx: click.Context, incomplete: str) -> list[str]:
    """For --answer ID=VALUE: each question id that starts with what was typed, as
    ``ID=`` ready for its answer."""
    flow = _flow(ctx)
    if flow is None:
        return []
    return [f"{question.id}=" for question in flow.all_questions()
            if question.id.startswith(incomplete)]


def _flow(ctx: click.Context) -> Flow | None:
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
