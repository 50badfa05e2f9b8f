"""The session's parts apart: a plan made without printing anything, a delivery made
without writing anything, and a session that leaves the process as it found it."""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from helpers import PASSING, answer_flags, invoke
from icloud_fix.errors import IcloudFixError
from icloud_fix.report import Format
from icloud_fix.session import SessionOptions, make_plan
from icloud_fix.session.conversation import Conversation
from icloud_fix.session.delivery import carry_out, make_delivery

FLAGS = tuple(f"{qid}={answer}" for qid, answer in PASSING.items())


def test_the_plan_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    plan = make_plan(SessionOptions(answer_flags=FLAGS, non_interactive=True,
                                    only_ids="restart"))
    assert plan.only == {"restart"} and not plan.asks and plan.kept is None
    assert plan.given.answers == PASSING
    with pytest.raises(IcloudFixError, match="give --only or --from, not both"):
        make_plan(SessionOptions(non_interactive=True, only_ids="restart", from_id="restart"))
    assert capsys.readouterr() == ("", "")


def test_the_delivery_is_made_before_anything_is_written(tmp_path: Path) -> None:
    output, saved = tmp_path / "report.json", tmp_path / "answers.yaml"
    plan = make_plan(SessionOptions(answer_flags=FLAGS, non_interactive=True,
                                    output=output, save_answers=saved))
    conversation = Conversation(plan)
    talk = conversation.run()
    delivery = make_delivery(plan, talk, None, None, None, conversation.state_token)
    assert not output.exists() and not saved.exists()
    assert [(f.what, f.path) for f in delivery.files] == [("Answers", saved),
                                                          ("Report", output)]
    assert delivery.exit_code == 0 and delivery.keeping is None and delivery.offer is None
    assert carry_out(delivery, conversation) == 0
    assert json.loads(output.read_text())["outcome"] == "no_problem_found"
    assert plan.stdout_format is Format.text


def _process_state() -> tuple[object, ...]:
    loggers = tuple((tuple(logging.getLogger(n).handlers), logging.getLogger(n).propagate)
                    for n in ("asyncio", "prompt_toolkit"))
    handlers = tuple(signal.getsignal(getattr(signal, n)) for n in
                     ("SIGINT", "SIGTERM", "SIGHUP", "SIGPIPE") if hasattr(signal, n))
    return sys.unraisablehook, tuple(warnings.filters), loggers, handlers


def test_a_session_puts_the_process_back_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    from icloud_fix.prompts import rich_prompter

    run = Conversation.run

    def changing(self: Conversation):  # what a rich prompter does to the process
        rich_prompter._quiet_loggers()
        rich_prompter._quiet_half_built_loop()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        return run(self)

    monkeypatch.setattr(Conversation, "run", changing)
    before = _process_state()
    result = invoke("--non-interactive", *answer_flags(PASSING))
    assert result.exit_code == 0
    assert _process_state() == before


IMPORT_ALL = """
import importlib, logging, pkgutil, signal, sys, warnings
before = (sys.unraisablehook, list(warnings.filters), signal.getsignal(signal.SIGINT))
import icloud_fix
for module in pkgutil.walk_packages(icloud_fix.__path__, "icloud_fix."):
    if not module.name.endswith("__main__"):  # which runs the command
        importlib.import_module(module.name)
after = (sys.unraisablehook, list(warnings.filters), signal.getsignal(signal.SIGINT))
loggers = [(logging.getLogger(n).handlers, logging.getLogger(n).propagate)
           for n in ("asyncio", "prompt_toolkit")]
print(before == after, loggers == [([], True), ([], True)])
"""


def test_importing_icloud_fix_changes_no_hook_logging_or_signal() -> None:
    run = subprocess.run([sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True,
                         check=True)
    assert run.stdout.split() == ["True", "True"]


def test_each_run_makes_its_own_stop_state_and_leaves_the_caller_s(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """cli.main makes the run's stop state (its first signal, where it finds the run) and
    puts the caller's back: a signal one run took never decides another's exit code."""
    from icloud_fix import cli, stopping

    before = stopping.active()
    seen: list[stopping.Stops] = []
    monkeypatch.setattr(cli, "_run", lambda: seen.append(stopping.active()))
    cli.main()
    cli.main()
    assert len(seen) == 2 and seen[0] is not seen[1] and before not in seen
    assert stopping.active() is before

