"""End to end: the installed icloud-fix in a real pseudo-terminal, driven by keystrokes."""

from __future__ import annotations

import os
import re

import pexpect
import pytest

from conftest import installed_command

CTRL_C = "\x03"
CTRL_D = "\x04"


@pytest.fixture
def session(tmp_path):
    """Start icloud-fix in a pty; yields a function that starts it with extra args."""
    children: list[pexpect.spawn] = []

    def start(*args: str) -> pexpect.spawn:
        env = {**os.environ, "TERM": "xterm-256color", "NO_COLOR": "1", "COLUMNS": "120",
               "LINES": "40",
               # pexpect does not answer cursor-position requests as a terminal would.
               "PROMPT_TOOLKIT_NO_CPR": "1"}
        child = pexpect.spawn(installed_command(), list(args), env=env, cwd=str(tmp_path),
                              dimensions=(40, 120), encoding="utf-8", timeout=15)
        children.append(child)
        return child

    yield start
    for child in children:
        child.close(force=True)


def answer(child: pexpect.spawn, expected: str, key: str) -> None:
    child.expect_exact(expected)
    child.send(key)


def finish(child: pexpect.spawn) -> tuple[int, str]:
    rest = child.read()  # until the program exits
    child.close()
    return child.exitstatus, rest


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", text)


def test_a_whole_session_shows_the_fix_and_the_summary(session) -> None:
    child = session()
    answer(child, "Check 1 of 7 - Apple ID and iCloud Photos", "y")
    answer(child, "Sync this iPhone", "y")
    answer(child, "Check 2 of 7 - Internet connection", "y")
    answer(child, "mobile data (cellular)", "y")  # on cellular: the Mobile Data question follows
    answer(child, "Settings > Photos > Mobile Data", "y")
    answer(child, "Low Data Mode", "n")
    answer(child, "Check 3 of 7 - iCloud storage", "y")  # storage full: fails
    child.expect_exact("How to fix: iCloud storage")
    answer(child, "Do your photos sync now?", "n")
    answer(child, "Check 4 of 7 - iPhone storage", "n")
    answer(child, "Check 5 of 7 - Restart", "s")
    answer(child, "Check 6 of 7 - iOS update", "y")
    answer(child, "Check 7 of 7", "y")
    answer(child, "Low Power Mode", "n")
    code, rest = finish(child)
    out = plain(rest)
    assert code == 1
    assert "Summary: iCloud Photos not syncing on iPhone" in out
    assert "FAILED" in out and "skipped (not sure)" in out
    assert "Fixes to try, in order" in out and "Change Storage Plan" in out
    assert "Traceback" not in out


def test_yes_to_sync_now_ends_resolved(session) -> None:
    child = session()
    answer(child, "Check 1 of 7", "n")
    answer(child, "Sync this iPhone", "y")
    child.expect_exact("How to fix: Apple ID and iCloud Photos")
    answer(child, "Do your photos sync now?", "y")
    code, rest = finish(child)
    assert code == 0
    assert "Resolved: the fix for check 'Apple ID and iCloud Photos' solved the problem." in (
        plain(rest))


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
def test_leaving_mid_flow_keeps_the_answers_and_exits_130(session, key: str) -> None:
    child = session()
    answer(child, "Check 1 of 7", "y")
    answer(child, "Sync this iPhone", "n")
    answer(child, "Do your photos sync now?", "n")
    answer(child, "Check 2 of 7", key)
    code, rest = finish(child)
    out = plain(rest)
    assert code == 130
    assert "Stopped:" in out and "what you answered so far" in out
    assert "Apple ID and iCloud Photos" in out and "FAILED" in out and "not reached" in out
    assert "Traceback" not in out


def test_ctrl_c_at_the_first_prompt(session) -> None:
    child = session()
    answer(child, "Check 1 of 7", CTRL_C)
    code, rest = finish(child)
    assert code == 130
    assert "Traceback" not in rest


def test_given_answers_are_not_asked(session) -> None:
    child = session("--answer", "apple-id-same-account=yes", "--answer", "apple-id-sync-on=yes")
    child.expect_exact("Check 2 of 7 - Internet connection")
    assert "Apple ID" not in plain(child.before)
    child.send(CTRL_C)
    assert finish(child)[0] == 130
