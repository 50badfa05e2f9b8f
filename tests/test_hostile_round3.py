"""Hostile input, round three (issue 19): what used to end in exit 70, lose answers or
break the one-document stdout, through the installed command."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pexpect
import pytest

from helpers import PASSING, installed_command

FAKES = Path(__file__).parent / "fakes"


def plain(typed: bytes, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([installed_command(), "--plain", "--offline"], input=typed,
                          capture_output=True, check=False, env={**os.environ, **env},
                          timeout=60)


@pytest.mark.parametrize(("line", "env"), [
    ("²".encode(), {}), ("①".encode(), {}), (b"5" * 5000, {}),
    (b"\xff\xfe", {"PYTHONIOENCODING": "utf-8"}), (b"\xff", {"LC_ALL": "C.UTF-8"}),
    ("é".encode(), {"PYTHONIOENCODING": "ascii"}),
])
def test_a_plain_line_it_cannot_read_is_asked_again(line: bytes, env: dict[str, str]) -> None:
    run = plain(line + b"\nsynced\nn\n", **env)
    assert run.returncode == 130, run.stderr  # end of input after two answers
    out = run.stdout.decode("utf-8", "replace")
    assert "Traceback" not in out + run.stderr.decode("utf-8", "replace")
    assert "Please type a number from 1 to" in out  # the bad line: asked again
    assert "Stopped: end of input" in run.stderr.decode() + out
    assert "Up to date, or syncing normally" in out  # the next line was taken


def test_a_wide_columns_is_cut_to_a_terminal_width() -> None:
    flags = [f"--answer={q}={a}" for q, a in PASSING.items()]
    run = subprocess.run([installed_command(), "--non-interactive", *flags],
                         capture_output=True, text=True, check=False, timeout=30,
                         env={**os.environ, "COLUMNS": "10000000"})
    assert run.returncode == 0, run.stderr
    assert max(len(line) for line in run.stdout.splitlines()) <= 1000


def test_json_on_stdout_stays_one_document_when_answers_cannot_be_saved(
        tmp_path: Path) -> None:
    flags = [f"--answer={q}={a}" for q, a in PASSING.items()]
    run = subprocess.run([installed_command(), "--non-interactive", *flags, "--format", "json",
                          "--save-answers", str(tmp_path / "no" / "such" / "a.yaml")],
                         capture_output=True, text=True, check=False, timeout=30)
    assert run.returncode == 2
    assert json.loads(run.stdout)["outcome"] == "no_problem_found"
    assert "photos-status: synced" in run.stderr  # the answers, not lost


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_full_disk_is_exit_74() -> None:
    flags = [f"--answer={q}={a}" for q, a in PASSING.items()]
    run = subprocess.run([installed_command(), "--non-interactive", *flags, "--output",
                          "/dev/full"], capture_output=True, text=True, check=False,
                         timeout=30)
    assert run.returncode == 74
    assert run.stderr.startswith("icloud-fix: /dev/full: cannot be written: No space left")
    assert "Every check passed." in run.stdout  # the report, printed instead


@pytest.mark.parametrize("free", ["1" + "0" * 400, "9" * 5000, "-1e999"])
def test_a_reading_that_cannot_be_judged_is_no_reading(free: str) -> None:
    open_questions = ("device-storage-full",)
    flags = [f"--answer={q}={a}" for q, a in PASSING.items() if q not in open_questions]
    run = subprocess.run([installed_command(), "--non-interactive", "--auto", "--offline",
                          *flags, "--format", "json"], capture_output=True, text=True,
                         check=False, timeout=30,
                         env={**os.environ, "PATH": f"{FAKES}{os.pathsep}{os.environ['PATH']}",
                              "FAKE_IDEVICE_FREE": free})
    # No reading to answer with: the question is missing (exit 2), never exit 70.
    assert run.returncode == 2, run.stderr
    assert "no answer for device-storage-full" in run.stderr
    assert "Traceback" not in run.stderr


def completion(**env: str | None) -> subprocess.CompletedProcess:
    environ = {**os.environ, "COMP_WORDS": "icloud-fix --only ", "COMP_CWORD": "2",
               "_ICLOUD_FIX_COMPLETE": "complete_bash", **env}
    return subprocess.run([installed_command()], capture_output=True, text=True, check=False,
                          timeout=30, env={k: v for k, v in environ.items() if v is not None})


@pytest.mark.parametrize(("env", "message"), [
    ({"COMP_CWORD": "abc"}, "icloud-fix: COMP_CWORD: 'abc' is not a word number; bash's "
                            "completion sets it to the number of the word being completed"),
    ({"COMP_CWORD": ""}, "icloud-fix: COMP_CWORD: '' is not a word number"),
    ({"COMP_CWORD": "-1"}, "icloud-fix: COMP_CWORD: '-1' is not a word number"),
    ({"COMP_CWORD": "9" * 5000}, "icloud-fix: COMP_CWORD: '99999999"),
    ({"COMP_CWORD": None}, "icloud-fix: COMP_CWORD: '' is not a word number"),
    ({"COMP_WORDS": None}, "icloud-fix: COMP_WORDS is not set; bash's completion sets it"),
    ({"_ICLOUD_FIX_COMPLETE": "zzz"}, "icloud-fix: _ICLOUD_FIX_COMPLETE: 'zzz' is not a "
                                      "completion request; the completion script that "
                                      "--install-completion sets up sends complete_SHELL"),
    ({"_ICLOUD_FIX_COMPLETE": "complete_tcsh"}, "icloud-fix: _ICLOUD_FIX_COMPLETE: "
                                                "'complete_tcsh' is not a completion request"),
    ({"_ICLOUD_FIX_COMPLETE": "\x1b]8;;x\x07complete_bash"}, "icloud-fix: "
                                                            "_ICLOUD_FIX_COMPLETE: '\\x1b]8;;x"),
])
def test_a_completion_request_no_shell_sends_is_one_line_and_exit_2(
        env: dict[str, str | None], message: str) -> None:
    run = completion(**env)
    assert (run.returncode, run.stdout) == (2, ""), run.stderr
    assert run.stderr.startswith(message), run.stderr
    assert run.stderr.count("\n") == 1 and "\x1b" not in run.stderr


def test_a_completion_request_a_shell_sends_still_completes() -> None:
    run = completion(COMP_WORDS="icloud-fix --only ios", COMP_CWORD="2")
    assert (run.returncode, run.stdout, run.stderr) == (0, "ios-update\n", "")
    run = completion(COMP_WORDS="icloud-fix --only ", COMP_CWORD="99")  # past the words
    assert (run.returncode, run.stderr) == (0, "")


ROUTED = """\
format: 2
id: t
title: T
version: 1
triage:
  - id: status
    kind: choice
    prompt: What does it say?
    choices:
      - {id: paused, label: Paused, check: power}
      - {id: fine, label: Fine}
checks:
  - id: net
    title: Net
    questions:
      - id: on-cell
        prompt: On cellular?
        informational: true
  - id: power
    title: Power
    questions:
      - id: low-data
        prompt: Low Data Mode on?
        when: {on-cell: WHEN}
        pass_answer: "no"
        remediation: Turn it off.
"""


@pytest.mark.parametrize("when", ["yes", "no", "\"YES\""])
def test_a_routed_check_whose_condition_is_asked_later_is_refused(
        tmp_path: Path, when: str) -> None:
    """Sent to 'power' first, 'low-data' would wait on 'on-cell', asked only after: it
    was never asked and 'power' passed, exit 0 one way and 1 the other."""
    path = tmp_path / "flow.yaml"
    path.write_text(ROUTED.replace("WHEN", when), encoding="utf-8")
    for args in (["validate", str(path)],
                 ["--steps", str(path), "--non-interactive", "-a", "status=paused",
                  "-a", "on-cell=yes", "-a", "low-data=yes"]):
        run = subprocess.run([installed_command(), *args], capture_output=True, text=True,
                             check=False, timeout=30)
        assert (run.returncode, run.stdout) == (2, ""), run.stdout
        assert run.stderr == (
            f"icloud-fix: {path}:10: choice 'paused' sends the session to check 'power' "
            "next, but its question 'low-data' is asked only when 'on-cell' has an answer, "
            "and 'on-cell' (check 'net') is not asked by then; ask 'on-cell' in the triage "
            "or in 'power', or leave out this 'check'\n")


def test_a_routed_check_whose_condition_is_its_own_or_the_triage_is_fine(
        tmp_path: Path) -> None:
    text = ROUTED.replace("when: {on-cell: WHEN}", "when: {status: paused}")
    path = tmp_path / "flow.yaml"
    path.write_text(text, encoding="utf-8")
    run = subprocess.run([installed_command(), "--steps", str(path), "--non-interactive",
                          "-a", "status=paused", "-a", "on-cell=yes", "-a", "low-data=yes"],
                         capture_output=True, text=True, check=False, timeout=30)
    assert run.returncode == 1, run.stderr  # asked, and failed


# -- a flow file (or output) whose name is not UTF-8 ------------------------------------

NOT_UTF8 = os.fsdecode(b"fl\xffow.yaml")


@pytest.fixture
def oddly_named_flow(tmp_path: Path) -> Path:
    path = tmp_path / NOT_UTF8
    path.write_bytes((Path(__file__).parent.parent / "steps" / "icloud-photos.yaml").read_bytes())
    return path


def test_a_flow_whose_name_is_not_utf8_is_kept_and_resumed(
        oddly_named_flow: Path, tmp_path: Path) -> None:
    def plain_run(typed: str) -> subprocess.CompletedProcess:
        return subprocess.run([installed_command(), "--plain", "--offline", "--verbose",
                               "--steps", str(oddly_named_flow)], input=typed.encode(),
                              capture_output=True, check=False, timeout=60, cwd=tmp_path)

    first = plain_run("synced\nn\n")  # two answers, then the end of input
    out = first.stdout.decode("utf-8", "replace") + first.stderr.decode("utf-8", "replace")
    assert first.returncode == 130, out
    assert "Traceback" not in out and "internal error" not in out
    assert "Your answers are kept" in out
    # The command to run it again names the very file, byte for byte, in bash's $'...'.
    assert re.search(r"icloud-fix --steps \$'[^' ]*/fl\\xffow\.yaml' --answer=photos-status=synced",
                     out), out
    second = plain_run("y\n")  # continue where it stopped
    out = second.stdout.decode("utf-8", "replace")
    assert "You stopped in the middle last time, after 2 answers." in out


def test_a_report_to_a_name_that_is_not_utf8_is_written_whole(
        oddly_named_flow: Path, tmp_path: Path) -> None:
    output = tmp_path / os.fsdecode(b"r\xfe.json")
    flags = [f"--answer={q}={a}" for q, a in {**PASSING, "restart-done": "no"}.items()]
    run = subprocess.run([installed_command(), "--steps", str(oddly_named_flow),
                          "--non-interactive", *flags, "--output", str(output)],
                         capture_output=True, text=True, check=False, timeout=60)
    assert run.returncode == 1, run.stderr
    report = json.loads(output.read_text(encoding="utf-8"))
    assert report["outcome"] == "problems_found"
    assert report["flow"]["source"].endswith("/fl\\xffow.yaml")  # the name, as its bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([NOT_UTF8, output.name])


@pytest.mark.skipif(not Path("/bin/bash").exists(), reason="needs bash for <(...)")
def test_a_flow_piped_in_continues_and_keeps_one_state_file(
        tmp_path: Path, icloud_fix_home: Path) -> None:
    flow = Path(__file__).parent.parent / "steps" / "icloud-photos.yaml"
    command = 'exec "$0" --plain --offline --steps <(cat "$1")'

    def run(typed: str) -> str:
        done = subprocess.run(["/bin/bash", "-c", command, installed_command(), str(flow)],
                              input=typed, capture_output=True, text=True, check=False,
                              timeout=60, cwd=tmp_path)
        assert done.returncode == 130, done.stderr
        return done.stdout + done.stderr

    assert "Your answers are kept" in run("synced\nn\n")
    for answers in (2, 3):  # each run continues, and answers one more
        out = run("y\nn\n")
        assert f"You stopped in the middle last time, after {answers} answers." in out
        assert "Your answers are kept" in out
    assert len(list((icloud_fix_home / "sessions").iterdir())) == 1


def test_two_sessions_that_both_stop_keep_both_their_answers(
        pty, tmp_path: Path, icloud_fix_home: Path) -> None:  # type: ignore[no-untyped-def]
    """B starts, A runs and stops (2 answers kept), then B stops (3 answers): B used to
    write over A's answers, though A had been told they were kept."""
    def plain_run(typed: str) -> str:
        done = subprocess.run([installed_command(), "--plain", "--offline"], input=typed,
                              capture_output=True, text=True, check=False, timeout=60,
                              cwd=tmp_path)
        return done.stdout + done.stderr

    second = pty("--plain", "--offline")
    second.expect_exact("What does the iCloud status line in the Photos app say?")
    assert "Your answers are kept" in plain_run("synced\nn\n")
    for line in ("synced", "n", "n"):
        second.sendline(line)
    second.expect_exact("Is Low Data Mode turned on")  # the fourth question
    second.sendcontrol("c")
    second.expect_exact("both are kept, and each run continues the latest")
    second.expect(pexpect.EOF)
    assert len(list((icloud_fix_home / "sessions").iterdir())) == 2
    # The latest first (B's, 3 answers); told not to continue, it is forgotten...
    out = plain_run("n\n")
    assert "You stopped in the middle last time, after 3 answers." in out
    # ...and the next run finds A's, still there.
    assert "You stopped in the middle last time, after 2 answers." in plain_run("y\n")


@pytest.mark.parametrize("line", [b"\x1b]52;c;eA==\x07\x1b[2J", "a\u202eb".encode(), b"x\x00y",
                                  "\u200bsynced".encode()])
def test_a_plain_line_from_a_pipe_is_echoed_spelled_out(line: bytes) -> None:
    """--plain shows what it read from a pipe after the question, as a terminal would
    have echoed it; it wrote the line as it was, escape sequences and all."""
    run = plain(line + b"\nsynced\nn\n")
    out = run.stdout.decode("utf-8", "replace")
    assert run.returncode == 130, run.stderr
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202e]", out), out
    assert "Up to date, or syncing normally" in out
