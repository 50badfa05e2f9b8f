"""End to end: the installed icloud-fix in a real pseudo-terminal, driven by keystrokes."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import termios
from pathlib import Path

import pexpect
import pytest

from helpers import PASSING, answer, installed_command, read_to_the_end, start_installed

CTRL_C = "\x03"
CTRL_D = "\x04"


@pytest.fixture
def session(tmp_path):
    """Start icloud-fix in a pty; yields a function that starts it with extra args.

    Everything the terminal received is kept in child.screen_log; stderr can be
    sent to a file instead (stderr_to=) to look for tracebacks after a hang-up.
    """
    children: list[pexpect.spawn] = []

    def start(*args: str, columns: int = 120, stderr_to: Path | None = None,
              **env_extra: str) -> pexpect.spawn:
        child = start_installed(args, tmp_path, columns=columns, env=env_extra,
                                stderr_to=stderr_to)
        children.append(child)
        return child

    yield start
    for child in children:
        with contextlib.suppress(OSError):  # a test may have closed the terminal itself
            child.close(force=True)


def finish(child: pexpect.spawn) -> tuple[int, str]:
    rest = read_to_the_end(child)  # until the program exits
    child.close()
    return child.exitstatus, rest


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", text)


# photos-status, the triage question asked first; its keys pick a choice.
TRIAGE = "What does the iCloud status line"
SYNCED = "1"  # "Up to date": no check first, the usual order
ICLOUD_FULL = "5"  # sends the session to the icloud-storage check first
NOTHING_SHOWN = "8"  # sends the session to the apple-id check first


def apple_id_first(child: pexpect.spawn, sync_on: str, same_account: str = "y") -> None:
    """Triage "nothing shown", so Apple Account is check 1: sync_on answers its first
    question, same_account its last, the ones between pass."""
    answer(child, TRIAGE, NOTHING_SHOWN)
    answer(child, "Check 1 of 7 - Apple Account and iCloud Photos", sync_on)
    answer(child, "At the top of Settings", "n")
    answer(child, "Can you tap your name", "y")
    answer(child, "On a computer, sign in", "n")
    answer(child, "Do you use an iCloud Shared Library", "n")
    answer(child, "Is this iPhone signed in", same_account)


def test_a_whole_session_shows_the_fix_and_the_summary(session) -> None:
    child = session()
    answer(child, TRIAGE, SYNCED)
    answer(child, "Check 1 of 7 - Low Power Mode, Low Data Mode and the internet connection", "n")
    answer(child, "Is the battery low", "n")
    answer(child, "Is Low Data Mode turned on", "n")
    answer(child, "Do other apps work online", "y")
    answer(child, "mobile data (cellular)", "y")  # on cellular: the Mobile Data question follows
    answer(child, "Settings > Apps > Photos > Cellular Data", "y")
    answer(child, "the switch next to Photos", "y")
    answer(child, "Is a VPN", "n")
    answer(child, "Set Automatically", "y")
    answer(child, "Check 2 of 7 - Apple Account and iCloud Photos", "y")
    answer(child, "At the top of Settings", "n")
    answer(child, "Can you tap your name", "y")
    answer(child, "On a computer, sign in", "n")
    answer(child, "Do you use an iCloud Shared Library", "n")
    answer(child, "Is this iPhone signed in", "y")
    answer(child, "Check 3 of 7 - iCloud storage", "y")  # storage full: fails
    child.expect_exact("How to fix: iCloud storage")
    answer(child, "Do your photos sync now?", "n")
    answer(child, "Check 4 of 7 - iPhone storage", "n")
    answer(child, "Check 5 of 7 - Restart", "s")
    answer(child, "Check 6 of 7 - iOS update", "y")
    answer(child, "Check 7 of 7", "y")
    answer(child, "Since the problem began", "y")
    code, rest = finish(child)
    out = plain(rest)
    assert code == 1
    assert "Summary: iCloud Photos not syncing on iPhone" in out
    assert "FAILED" in out and "skipped (not sure)" in out
    # The storage fix was tried and did not help: it is named, and where to get help
    # comes first, before the table.
    said = " ".join(out.split())
    assert "Fixes already tried iCloud storage: did not help You answered: In Settings >" \
        in said
    assert out.index("Where to get help") < out.index("FAILED")
    assert "getsupport.apple.com" in out
    assert "Traceback" not in out


def test_yes_to_sync_now_ends_resolved(session) -> None:
    child = session()
    apple_id_first(child, sync_on="n")
    child.expect_exact("How to fix: Apple Account and iCloud Photos")
    answer(child, "Do your photos sync now?", "y")
    code, rest = finish(child)
    assert code == 0
    assert ("Resolved: the fix for 'Apple Account and iCloud Photos' solved the problem."
            in plain(rest))


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
def test_leaving_mid_flow_keeps_the_answers_and_exits_130(session, key: str) -> None:
    child = session()
    apple_id_first(child, sync_on="n")
    answer(child, "Do your photos sync now?", "n")
    answer(child, "Check 2 of 7", key)
    code, rest = finish(child)
    out = plain(rest)
    assert code == 130
    assert "Stopped:" in out and "what you answered so far" in out
    assert "Apple Account and iCloud Photos" in out and "FAILED" in out and "not reached" in out
    assert "Traceback" not in out


def test_ctrl_c_at_the_first_prompt(session) -> None:
    child = session()
    answer(child, TRIAGE, CTRL_C)
    code, rest = finish(child)
    assert code == 130
    assert "Traceback" not in rest


def test_given_answers_are_not_asked(session) -> None:
    connectivity = [q for q in PASSING if q.startswith("connectivity-")]
    child = session("--answer", "photos-status=synced",
                    *[f"--answer={q}={PASSING[q]}" for q in connectivity])
    child.expect_exact("Check 2 of 7 - Apple Account and iCloud Photos")
    before = plain(child.before)
    assert TRIAGE not in before and "Is Low Power Mode on?" not in before
    child.send(CTRL_C)
    assert finish(child)[0] == 130


def terminal_is_usable(child: pexpect.spawn) -> None:
    """Line editing and echo are back, and the cursor was shown again after hiding."""
    lflag = termios.tcgetattr(child.child_fd)[3]
    assert lflag & termios.ICANON and lflag & termios.ECHO, "left in raw mode"
    screen = child.screen_log.getvalue()
    hidden = screen.rfind("\x1b[?25l")
    assert hidden == -1 or screen.find("\x1b[?25h", hidden) != -1, "cursor left hidden"


def end(child: pexpect.spawn) -> tuple[int, str]:
    """Read to the end (saying no to the offer to save the report), check the terminal,
    then reap the process."""
    rest = read_to_the_end(child)
    terminal_is_usable(child)
    child.close()
    code = child.exitstatus if child.exitstatus is not None else 128 + child.signalstatus
    return code, plain(rest)


def test_ctrl_c_at_the_sync_now_question(session) -> None:
    child = session()
    apple_id_first(child, sync_on="n")
    answer(child, "Do your photos sync now?", CTRL_C)
    code, out = end(child)
    assert code == 130
    assert "Apple Account and iCloud Photos" in out and "FAILED" in out
    assert "Traceback" not in out


@pytest.mark.parametrize(("signame", "code"), [("SIGTERM", 143), ("SIGHUP", 129)])
def test_signals_end_the_session_like_ctrl_c(session, signame: str, code: int) -> None:
    child = session()
    apple_id_first(child, sync_on="n", same_account="n")
    answer(child, "Do your photos sync now?", "n")
    child.expect_exact("Check 2 of 7")
    child.expect_exact("Yes")
    os.kill(child.pid, getattr(signal, signame))
    exit_code, out = end(child)
    assert exit_code == code
    assert "Stopped:" in out and "FAILED" in out and "not reached" in out
    assert "Traceback" not in out


def test_closing_the_terminal_keeps_quiet(session, tmp_path: Path) -> None:
    errors = tmp_path / "stderr.txt"
    child = session(stderr_to=errors)
    answer(child, TRIAGE, SYNCED)
    answer(child, "Check 1 of 7", "n")
    child.expect_exact("Is the battery low")
    os.close(child.child_fd)  # the terminal window is gone
    child.child_fd = -1
    child.closed = True
    _, status = os.waitpid(child.pid, 0)
    child.terminated = True
    assert os.waitstatus_to_exitcode(status) == 129
    assert "Traceback" not in errors.read_text(encoding="utf-8")


def test_cursor_and_line_mode_come_back_after_a_whole_session(session) -> None:
    last = "charging-wifi-left-to-sync"
    child = session(*[f"--answer={q}={a}" for q, a in PASSING.items() if q != last])
    answer(child, "Since the problem began", "y")
    code, out = end(child)
    assert code == 0 and "Every check passed." in out


def test_dumb_terminal_asks_one_line_at_a_time(session) -> None:
    child = session(TERM="dumb")
    # The keys are said once, before the first question, and not after each one.
    child.expect_exact("How to answer: type y for yes or n for no")
    answer(child, "Photos app say? ", NOTHING_SHOWN + "\r")
    # "Sync this iPhone" (iOS 17 and later), or "iCloud Photos" (iOS 15 and 16), is on.
    child.expect_exact("On iOS 15 to 16:")
    answer(child, "green)? ", "y\r")
    answer(child, "At the top of Settings", "maybe\r")
    answer(child, "Please type y (yes), n (no), s (not sure), h (help) or b (back one "
                  "question).", "y\r")  # fails
    answer(child, "Can you tap your name", "y\r")
    answer(child, "On a computer, sign in", "n\r")
    answer(child, "Do you use an iCloud Shared Library", "n\r")
    answer(child, "Is this iPhone signed in", "y\r")
    answer(child, "for not yet): ", "y\r")
    code, out = end(child)
    assert code == 0
    assert "Resolved: the fix for 'Apple Account and iCloud Photos'" in out
    assert "\x1b" not in child.screen_log.getvalue()  # no colour, no cursor movement


@pytest.mark.parametrize(
    "env",
    [{"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}, {"NO_COLOR": "1"},
     {"COLUMNS": "20"}, {"COLUMNS": "400"}],
    ids=["ascii-locale", "no-color", "columns-20", "columns-400"],
)
def test_odd_terminals_still_complete(session, env: dict[str, str]) -> None:
    columns = int(env.pop("COLUMNS", "100"))
    child = session(columns=columns, **env)
    answer(child, "What does", ICLOUD_FULL)
    answer(child, "Check 1 of 7", "y")  # iCloud storage, sent first by the triage: full
    child.expect_exact("How to fix")
    answer(child, "Not yet", "y")  # "Do your photos sync now?" may be broken over two lines
    code, out = end(child)
    assert code == 0
    assert "Resolved" in out and "Traceback" not in out and "Error" not in out
    if "PYTHONIOENCODING" in env:
        assert "+ fixed" in out  # ASCII status marks instead of check marks


@pytest.mark.parametrize(
    "args",
    [["list"], ["list", "--format", "json"], ["--help"], ["validate", "STEPS"],
     ["--non-interactive", "--answers", "ANSWERS", "--format", "json"]],
    ids=["list", "list-json", "help", "validate", "run-json"],
)
def test_output_to_a_closed_pipe_is_quiet(args: list[str], tmp_path: Path) -> None:
    steps = Path(__file__).parent.parent / "steps" / "icloud-photos.yaml"
    answers = tmp_path / "answers.yaml"
    answers.write_text("".join(f"{q}: {a}\n" for q, a in PASSING.items()), encoding="utf-8")
    argv = [str(steps) if a == "STEPS" else str(answers) if a == "ANSWERS" else a for a in args]
    # `true` exits without reading, so every write meets a closed pipe.
    script = 'sleep 0.2 | true; "$@" | true; echo "${PIPESTATUS[0]}" >&2'
    run = subprocess.run(["bash", "-c", script, "sh", installed_command(), *argv],
                         capture_output=True, text=True, check=False)
    assert run.stderr.strip() in ("141", "0"), run.stderr  # killed by SIGPIPE, or done first
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr


COLOUR = re.compile(r"\x1b\[[0-9;]*(?:38;|48;|3[0-7]m|3[0-7];|9[0-7]m)")


@pytest.mark.parametrize(
    ("args", "env"), [([], {}), (["--no-color"], {}), ([], {"NO_COLOR": "1"})],
    ids=["colour", "--no-color", "NO_COLOR"],
)
def test_no_color_reaches_every_part_of_the_screen(session, args, env) -> None:
    os_env = env or {"NO_COLOR": ""}  # the fixture sets NO_COLOR=1 by default
    child = session(*args, **os_env)
    child.expect_exact("Explain this question")
    child.send(CTRL_C)
    end(child)
    coloured = bool(COLOUR.search(child.screen_log.getvalue()))
    assert coloured == (not args and not env)
