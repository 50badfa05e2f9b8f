"""Hostile input, round three (issue 19): what used to end in exit 70, lose answers or
break the one-document stdout, through the installed command."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

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
