"""Signals at a prompt, through the installed command in a pseudo-terminal.

Every ordered pair of SIGINT, SIGTERM and SIGHUP, sent back to back, at three moments
of a session, twice each (ten times each in a stress run: --stress): the run ends with
the code of the signal that stopped it, says so with the summary of the answers so
far, keeps them for --resume and puts the terminal back, every time. Also: Ctrl-Z and
`fg` in a job-control shell, a SIGPIPE from outside, and the --plain prompts.

Which code for a pair: the first signal the process takes starts the stop and decides
the code (stopping.py); another that comes while it stops is ignored. Two sent back to
back are both pending when the process next runs, and the kernel hands them over lowest
number first, to whichever of its threads runs first: no process can tell which was
sent first. So either may be the one taken first, and the test requires the exit code
to be the code of the one the "Stopped:" line names.

A run's time is mostly starting Python and importing the prompt libraries, so the
trials of a case start together and are driven one after the other while the rest
start.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pytest

from helpers import answer, installed_command, start_installed, write_flow

# How many times each case is tried: (on every run, in a stress run). A case whose
# trials differ (delays) is a case of its own each time, and always tried in full.
TRIALS = (2, 10)
SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")
PAIRS = [(first, second) for first in SIGNALS for second in SIGNALS]
# What the "Stopped:" line says for each signal.
REASONS = {
    "SIGINT": "interrupted (Ctrl-C)",
    "SIGTERM": "stopped by SIGTERM",
    "SIGHUP": "the terminal was closed (SIGHUP)",
    "SIGPIPE": "stopped by SIGPIPE",
}


def number(name: str) -> int:
    return int(getattr(signal, name))


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", text).replace("\r", "")


# -- starting and driving the command ------------------------------------------------

@pytest.fixture(scope="module")
def flow_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in flow as a run parses and keeps it ($ICLOUD_FIX_HOME/cache): copied
    into each trial's state folder, it spares every run parsing the YAML again, as it
    spares a person's second run (a tenth of a run's time here)."""
    home = tmp_path_factory.mktemp("warm")
    subprocess.run([installed_command(), "list"], env={**os.environ, "ICLOUD_FIX_HOME": str(home)},
                   stdout=subprocess.DEVNULL, check=True)
    return home / "cache"


def spawn(home: Path, *args: str, cache: Path | None = None) -> pexpect.spawn:
    """icloud-fix in a pty of its own, with its own state folder (ten trials at once
    must not see each other's kept answers)."""
    home.mkdir(parents=True, exist_ok=True)
    if cache is not None and cache.is_dir():
        shutil.copytree(cache, home / cache.name)
    # Every prompt here reads keys typed ahead: no pause before each key.
    return start_installed(args, home, columns=100, timeout=60,
                           env={"ICLOUD_FIX_HOME": str(home)}, delay_before_send=None)


@dataclass(frozen=True)
class Moment:
    """Where in a session the signals come: ``drive`` answers up to a question and
    returns once it is on the screen."""

    args: tuple[str, ...]
    drive: Callable[[pexpect.spawn], None]
    kept: bool  # answers were given, so the stop keeps them for --resume


TRIAGE = "What does the iCloud status line"


def first_prompt(child: pexpect.spawn) -> None:
    # The triage question's last choice: the whole question is drawn, and the iPhone
    # and Apple's feeds start being read in the background as it is.
    child.expect_exact("h) Explain this question")


def mid_check(child: pexpect.spawn) -> None:
    answer(child, TRIAGE, "1")  # up to date: the checks in their usual order
    answer(child, "Is Low Power Mode on?", "n")
    answer(child, "Is the battery low", "n")
    child.expect_exact("Is Low Data Mode turned on")


def after_fix(child: pexpect.spawn) -> None:
    # Not enough iCloud storage: that check comes first, and the status already says
    # iCloud is full (the flow's answers:), so it fails without a question.
    answer(child, TRIAGE, "5")
    child.expect_exact("How to fix: iCloud storage")
    # "... Do your photos sync now?" (the flow's after_fix_question, maybe wrapped), then
    # its last choice.
    child.expect_exact("w) Not yet (this fix takes time")


def plain_first_prompt(child: pexpect.spawn) -> None:
    child.expect_exact(TRIAGE)
    child.expect_exact("app say? ")  # the end of the prompt, which may be wrapped


MOMENTS = {
    "first-prompt": Moment((), first_prompt, kept=False),
    "mid-check": Moment((), mid_check, kept=True),
    "after-fix": Moment((), after_fix, kept=True),
}


# -- what every stop must look like ------------------------------------------------

def problems_of_a_stop(child: pexpect.spawn, sent: tuple[str, ...], moment: Moment) -> list[str]:
    """Read the run to its end; what is wrong with how it stopped (nothing, we hope)."""
    out = plain(child.read())
    lflag = termios.tcgetattr(child.child_fd)[3]
    screen = child.screen_log.getvalue()
    child.close()
    found: list[str] = []
    if child.signalstatus is not None:
        found.append(f"killed by signal {child.signalstatus}, no clean stop")
    code = child.exitstatus
    # Either signal may be the first taken (see the module's docstring).
    said = [name for name in set(sent) if f"Stopped: {REASONS[name]}. Here is what you "
            "answered so far." in out]
    if len(said) != 1:
        found.append(f"no single 'Stopped:' line for one of {sorted(set(sent))}")
    elif code != 128 + number(said[0]):
        found.append(f"exit {code}, but the stop was by {said[0]}")
    if "Summary: iCloud Photos not syncing on iPhone" not in out \
            or "Stopped before the end" not in out:
        found.append("no summary of the answers so far")
    if moment.kept and "Your answers are kept" not in out:
        found.append("the answers were not kept for --resume")
    for bad in ("Traceback", "internal error", "Exception ignored"):
        if bad in out:
            found.append(f"{bad!r} on the screen")
    for flag in ("ICANON", "ECHO", "ISIG"):
        if not lflag & getattr(termios, flag):
            found.append(f"terminal left without {flag}")
    hidden = screen.rfind("\x1b[?25l")
    if hidden != -1 and screen.find("\x1b[?25h", hidden) == -1:
        found.append("cursor left hidden")
    return [*found, f"--- the end of the screen ---\n{out[-1500:]}"] if found else []


def trials(stress: bool, in_stress: int = TRIALS[1]) -> int:
    """How many trials of a case: TRIALS[0] on every run, ``in_stress`` in a stress run."""
    return in_stress if stress else min(TRIALS[0], in_stress)


def run_trials(tmp_path: Path, cache: Path, moment: Moment, sent: tuple[str, ...],
               trials: int, delays: list[float] | None = None) -> None:
    """Start ``trials`` sessions at once, bring each to the moment and send it the
    signals (``delays[i]`` seconds apart for trial i, else back to back), then read
    each to its end."""
    children = [spawn(tmp_path / f"home-{i}", *moment.args, cache=cache)
                for i in range(trials)]
    try:
        for i, child in enumerate(children):
            moment.drive(child)
            for n, name in enumerate(sent):
                if n and delays:
                    time.sleep(delays[i])
                os.kill(child.pid, getattr(signal, name))
        found = {i: problems_of_a_stop(child, sent, moment) for i, child in enumerate(children)}
    finally:
        for child in children:
            child.close(force=True)
    failed = {i: problems for i, problems in found.items() if problems}
    assert not failed, f"{len(failed)} of {trials} trials:\n" + "\n".join(
        f"trial {i}: " + "\n".join(problems) for i, problems in failed.items())


# -- the pairs -----------------------------------------------------------------------

@pytest.mark.parametrize(("first", "second"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
@pytest.mark.parametrize("moment", list(MOMENTS), ids=list(MOMENTS))
def test_two_signals_back_to_back(tmp_path: Path, flow_cache: Path, stress: bool, moment: str,
                                  first: str, second: str) -> None:
    run_trials(tmp_path, flow_cache, MOMENTS[moment], (first, second), trials(stress))


@pytest.mark.parametrize(("first", "second"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_a_second_signal_a_moment_later(tmp_path: Path, flow_cache: Path, first: str,
                                        second: str) -> None:
    """2 ms apart (the first usually taken alone), and 30 ms (well into the stop, where
    the second is ignored)."""
    run_trials(tmp_path, flow_cache, MOMENTS["first-prompt"], (first, second), trials=2,
               delays=[0.002, 0.03])


@pytest.mark.parametrize("sent", [("SIGINT", "SIGTERM"), ("SIGTERM", "SIGHUP")],
                         ids="-".join)
def test_plain_prompts_stop_the_same_way(tmp_path: Path, flow_cache: Path, stress: bool,
                                        sent: tuple[str, str]) -> None:
    run_trials(tmp_path, flow_cache, Moment(("--plain",), plain_first_prompt, kept=False), sent,
               trials(stress, 5))


@pytest.mark.parametrize(("moment", "sent"), [
    ("first-prompt", ("SIGPIPE",)), ("after-fix", ("SIGPIPE",)),
    ("first-prompt", ("SIGPIPE", "SIGTERM"))], ids=["first-prompt", "after-fix", "then-SIGTERM"])
def test_an_outside_sigpipe_at_a_prompt(tmp_path: Path, flow_cache: Path, stress: bool,
                                        moment: str, sent: tuple[str, ...]) -> None:
    """`kill -PIPE` while a question is shown: 141, with the terminal back in line mode
    (the default action would end the process with the terminal still raw)."""
    run_trials(tmp_path, flow_cache, MOMENTS[moment], sent, trials(stress, 3))


# -- Ctrl-Z in a job-control shell ---------------------------------------------------

SMALL = """
    format: 1
    id: small
    title: Small
    version: "1"
    checks:
      - id: one
        title: One
        questions:
          - id: first
            prompt: First question?
            pass_answer: "yes"
            remediation: Fix the first.
          - id: second
            prompt: Second question?
            pass_answer: "yes"
            remediation: Fix the second.
"""
PS1 = "shell-ready$ "


def suspended(shell: pexpect.spawn) -> None:
    """The shell has the terminal again, in line mode with echo and signals, and the
    cursor shown. dash keeps the mode the stopped program left (bash would put its own
    back), so `stty -a` there says what icloud-fix left."""
    shell.expect(r"Stopped")
    shell.expect_exact(PS1)
    screen = shell.screen_log.getvalue()
    assert screen.rfind("\x1b[?25h") > screen.rfind("\x1b[?25l"), "cursor left hidden"
    shell.sendline("stty -a")
    shell.expect_exact(PS1)
    modes = set(shell.before.split())
    assert {"icanon", "echo", "isig"} <= modes, shell.before


def test_ctrl_z_suspends_and_fg_resumes(tmp_path: Path) -> None:
    dash = shutil.which("dash")
    if dash is None:
        pytest.skip("needs dash, a job-control shell that leaves the terminal as it is")
    steps = write_flow(tmp_path, SMALL)
    env = {**os.environ, "TERM": "xterm-256color", "NO_COLOR": "1", "PS1": PS1,
           "PROMPT_TOOLKIT_NO_CPR": "1", "ENV": ""}
    shell = pexpect.spawn(dash, ["-i"], env=env, cwd=str(tmp_path), dimensions=(40, 100),
                          encoding="utf-8", timeout=30)
    shell.screen_log = io.StringIO()
    shell.logfile_read = shell.screen_log
    try:
        shell.expect_exact(PS1)
        shell.sendline(f"'{installed_command()}' --steps '{steps}'")
        answer(shell, "First question?", "\x1a")  # Ctrl-Z at a prompt
        suspended(shell)
        shell.sendline("fg")
        answer(shell, "First question?", "y\x1a")  # drawn again; Ctrl-Z between prompts
        # The key waits for the next prompt, which is drawn and then suspends.
        shell.expect_exact("Second question?")
        suspended(shell)
        shell.sendline("fg")
        answer(shell, "Second question?", "y")
        shell.expect_exact("Every check passed.")
        answer(shell, "Save this report as", "n")  # offered after every ending but resolved
        shell.expect_exact(PS1)
        shell.sendline('echo "exit=$?"')  # of `fg`: the command's own
        shell.expect_exact("exit=0")
        assert "Traceback" not in plain(shell.screen_log.getvalue())
    finally:
        shell.close(force=True)
