"""Every hostile file through the installed command: it loads, or exit 2 with a one-line
message naming the file; never a traceback, never more than 2 s of CPU or 200 MiB."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import installed_command
from hostile import ANSWER_CASES, FLOW_CASES, Case

CPU_SECONDS = 2.0
MEMORY_MIB = 200
# Anything that a terminal would act on: C0 and C1 controls (not newline) and bidi overrides.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    cpu: float
    rss_mib: float


# A child starts as a copy of its parent (pytest, ~90 MiB here), and the kernel's
# peak-memory figure counts that copy: a small Python in between starts icloud-fix,
# so the figure is icloud-fix's own. It writes the exit code, CPU seconds and KiB to
# the file descriptor given as its first argument.
MEASURE = (
    "import os, subprocess, sys, threading\n"
    "p = subprocess.Popen(sys.argv[2:])\n"
    "timer = threading.Timer(30, p.kill)\n"
    "timer.daemon = True\n"
    "timer.start()\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "os.write(int(sys.argv[1]), f'{os.waitstatus_to_exitcode(status)} "
    "{usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}'.encode())\n"
)


def run(*args: str, cwd: Path) -> Run:
    """Run icloud-fix and measure the CPU time and peak memory of that process alone."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
        read_end, write_end = os.pipe()
        subprocess.run([sys.executable, "-c", MEASURE, str(write_end), installed_command(),
                        *args], stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=cwd,
                       env=env, pass_fds=(write_end,), check=False)
        os.close(write_end)
        with os.fdopen(read_end) as figures:
            code, cpu, rss = figures.read().split()
        out.seek(0)
        err.seek(0)
        return Run(int(code), out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"), float(cpu), int(rss) / 1024)


def assert_sane(result: Run) -> None:
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream and "Exception ignored" not in stream
        assert "internal error" not in stream
    assert result.cpu < CPU_SECONDS, f"took {result.cpu:.2f} s of CPU"
    assert result.rss_mib < MEMORY_MIB, f"peaked at {result.rss_mib:.0f} MiB"
    assert not CONTROL.search(result.stdout), "a control character reached stdout"
    assert not CONTROL.search(result.stderr.replace("\n", "")), "a control character in stderr"


def assert_refused(result: Run, path: Path, case: Case) -> None:
    assert result.code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines, "no message"
    assert all(line.startswith(f"{path.name}") for line in lines), lines
    assert case.message in lines[0]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


def materialise(case: Case, folder: Path) -> Path:
    path = folder / f"{case.name}.yaml"
    if not path.exists():
        path.write_bytes(case.make())
    return path


@pytest.mark.parametrize("command", [["validate", "{}"], ["list", "--steps", "{}"]],
                         ids=["validate", "list"])
@pytest.mark.parametrize("case", FLOW_CASES, ids=lambda c: c.name)
def test_hostile_flow_validate_and_list(case: Case, command: list[str], corpus: Path) -> None:
    path = materialise(case, corpus)
    result = run(*(word.format(path.name) for word in command), cwd=corpus)
    assert_sane(result)
    if case.valid:
        assert result.code == 0, result.stderr
    else:
        assert_refused(result, path, case)


@pytest.mark.parametrize("case", FLOW_CASES, ids=lambda c: c.name)
def test_hostile_flow_scripted_run(case: Case, corpus: Path) -> None:
    path = materialise(case, corpus)
    args = ["--steps", path.name, "--non-interactive"]
    if case.valid:
        # Fail every question, so every fix (where hostile text lives) is printed.
        listing = json.loads(run("list", "--steps", path.name, "--format", "json",
                                 cwd=corpus).stdout)
        answers = {q["id"]: "no" if q["pass_answer"] == "yes" else "yes"
                   for c in listing["checks"] for q in c["questions"]}
        answers_file = corpus / f"{case.name}.answers.json"
        answers_file.write_text(json.dumps(answers), encoding="utf-8")
        args += ["--answers", answers_file.name]
    result = run(*args, cwd=corpus)
    assert_sane(result)
    if case.valid:
        assert result.code == 1, result.stderr
        assert "Fixes to try, in order" in result.stdout
    else:
        assert_refused(result, path, case)


@pytest.mark.parametrize("case", ANSWER_CASES, ids=lambda c: c.name)
def test_hostile_answers_file(case: Case, corpus: Path) -> None:
    path = materialise(case, corpus)
    result = run("--answers", path.name, "--non-interactive", "--format", "json", cwd=corpus)
    assert_sane(result)
    if case.valid:
        # Loaded: the run then stops only because other answers are missing.
        assert result.code == 2 and "every question" in result.stderr, result.stderr
    else:
        assert_refused(result, path, case)


def test_escapes_are_shown_as_text(corpus: Path) -> None:
    case = next(c for c in FLOW_CASES if c.name == "escape-osc52-clipboard")
    path = materialise(case, corpus)
    result = run("list", "--steps", path.name, cwd=corpus)
    assert "\\x1b]52;c;cm0gLXJmIH4=\\x07" in result.stdout
