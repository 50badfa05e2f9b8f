"""Every hostile file through the installed command: it loads, or exit 2 with a one-line
message naming the file; never a traceback, never more than 2 s of CPU or 200 MiB."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import PASSING, SUGGESTED, installed_command
from hostile import (
    ANSWER_CASES,
    FLOW_CASES,
    SCENARIOS,
    SURROUNDINGS,
    Case,
    Scenario,
    Surroundings,
    _builtin_passing,
)

FAKES = Path(__file__).parent / "fakes"

CPU_SECONDS = 2.0
MEMORY_MIB = 200
# The exit codes the README documents; 70 (internal error) is never one of them.
EXIT_CODES = {0, 1, 2, 3, 74, 129, 130, 141, 143}


def _unseen() -> re.Pattern[str]:
    """Anything a terminal acts on or a reader cannot see: C0 and C1 controls (not
    newline), and Unicode's format characters (bidi overrides, zero-width characters,
    the BOM) and line and paragraph separators."""
    codes = [c for c in range(0x110000) if c != 0x0A and unicodedata.category(chr(c))
             in ("Cc", "Cf", "Zl", "Zp")]
    return re.compile("[" + "".join(re.escape(chr(c)) for c in codes) + "]")


CONTROL = _unseen()


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


def run(*args: str, cwd: Path, env: Mapping[str, str | None] | None = None,
        stdin: bytes = b"", shell: str = "") -> Run:
    """Run icloud-fix and measure the CPU time and peak memory of that process alone.
    ``env`` adds to (None: removes from) the environment; ``stdin`` is typed to it;
    with ``shell``, bash runs that script with "$0" icloud-fix and "$@" the args, and
    the script ends by exec'ing it (the same process, so the figures are its own)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.TemporaryFile() as typed:
        typed.write(stdin)
        typed.seek(0)
        environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", **(env or {})}
        command = [installed_command(), *args]
        if shell:
            command = ["/bin/bash", "-c", shell, *command]
        read_end, write_end = os.pipe()
        subprocess.run([sys.executable, "-c", MEASURE, str(write_end), *command],
                       stdin=typed if stdin else subprocess.DEVNULL, stdout=out, stderr=err,
                       cwd=cwd, env={k: v for k, v in environment.items() if v is not None},
                       pass_fds=(write_end,), check=False)
        os.close(write_end)
        with os.fdopen(read_end) as figures:
            code, cpu, rss = figures.read().split()
        out.seek(0)
        err.seek(0)
        return Run(int(code), out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"), float(cpu), int(rss) / 1024)


def assert_sane(result: Run) -> None:
    assert result.code in EXIT_CODES, f"exit {result.code}: {result.stderr[-2000:]}"
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream and "Exception ignored" not in stream
        assert "internal error" not in stream
    assert result.cpu < CPU_SECONDS, f"took {result.cpu:.2f} s of CPU"
    assert result.rss_mib < MEMORY_MIB, f"peaked at {result.rss_mib:.0f} MiB"
    for name, stream in (("stdout", result.stdout), ("stderr", result.stderr)):
        found = CONTROL.search(stream)
        assert not found, f"{found.group()!r} reached {name}: {stream[:found.start()][-200:]}"


def assert_refused(result: Run, path: Path, case: Case) -> None:
    assert result.code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines, "no message"
    assert all(line.startswith(f"icloud-fix: {path.name}") for line in lines), lines
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


def failing_answers(path: Path, folder: Path) -> Path:
    """An answers file failing every question of a flow, so every fix (where hostile
    text lives) is in the report."""
    answers_file = folder / f"{path.stem}.answers.json"
    if not answers_file.exists():
        listing = json.loads(run("list", "--steps", path.name, "--format", "json",
                                 cwd=folder).stdout)
        answers = {q["id"]: "no" if q["pass_answer"] == "yes" else "yes"
                   for c in listing["checks"] for q in c["questions"]}
        answers_file.write_text(json.dumps(answers), encoding="utf-8")
    return answers_file


@pytest.mark.parametrize("case", FLOW_CASES, ids=lambda c: c.name)
def test_hostile_flow_scripted_run(case: Case, corpus: Path) -> None:
    path = materialise(case, corpus)
    args = ["--steps", path.name, "--non-interactive"]
    if case.valid:
        args += ["--answers", failing_answers(path, corpus).name]
    result = run(*args, cwd=corpus)
    assert_sane(result)
    if case.valid:
        assert result.code == 1, result.stderr
        assert "Fixes to try, in order" in result.stdout
    else:
        assert_refused(result, path, case)


@pytest.mark.parametrize("case", [c for c in FLOW_CASES if c.valid], ids=lambda c: c.name)
def test_hostile_flow_markdown_report(case: Case, corpus: Path) -> None:
    """The Markdown report (pasted into help-desk tickets) of every loadable hostile flow."""
    path = materialise(case, corpus)
    result = run("--steps", path.name, "--non-interactive", "--format", "markdown",
                 "--answers", failing_answers(path, corpus).name, cwd=corpus)
    assert_sane(result)
    assert result.code == 1, result.stderr
    assert "## Fixes to try, in order" in result.stdout


@pytest.fixture(scope="module")
def answers_without_readings(corpus: Path) -> Path:
    """The built-in flow's passing answers, except those an iPhone's readings give, and
    a photos status that walks every check."""
    answers = {q: a for q, a in PASSING.items() if q not in SUGGESTED}
    path = corpus / "answers-without-readings.json"
    path.write_text(json.dumps({**answers, "photos-status": "nothing-shown"}), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", SURROUNDINGS, ids=lambda c: c.name)
def test_hostile_surroundings(case: Surroundings, corpus: Path,
                              answers_without_readings: Path) -> None:
    """An iPhone, a feed or a state folder that misbehaves: the run still ends with one
    of its codes, in bounded time and memory, and shows nothing raw, not even in what
    --verbose says of each command and feed."""
    here = corpus / case.name
    here.mkdir(exist_ok=True)
    for name, body in case.files.items():
        (here / name).write_bytes(body)
    feeds = Path(__file__).parent / "feeds"
    env = {"PATH": f"{FAKES}{os.pathsep}{os.environ['PATH']}",
           "ICLOUD_FIX_STATUS_URL": (feeds / "status-outage.js").as_uri(),
           "ICLOUD_FIX_VERSIONS_URL": (feeds / "pmv.json").as_uri(),
           **{key: value.replace("{here}", str(here)) for key, value in case.env.items()}}
    result = run("--auto", "--non-interactive", "--verbose", "--answers",
                 str(answers_without_readings), cwd=here, env=env)
    assert_sane(result)
    assert result.code in (0, 1, 2, 3), result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("icloud-fix: verbose: ") for line in lines), lines
    assert all(line.startswith("icloud-fix: ") for line in lines), lines


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


def _words(word: str, here: Path, home: Path) -> list[str]:
    """One word of a scenario, {here}, {home} and {passing} (the built-in flow's passing
    answers, as flags) filled in."""
    if word == "{passing}":
        return _builtin_passing()
    return [word.replace("{here}", str(here)).replace("{home}", str(home))]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name, marks=[pytest.mark.xfail(
    strict=True, reason=c.defect)] if c.defect else []) for c in SCENARIOS])
def test_hostile_scenario(case: Scenario, tmp_path: Path) -> None:
    """Issue 19's classes: lines typed to --plain, file names, sessions one after
    another, completion requests, a forged cache, the terminal's width and full disks;
    every run bounded and sane, and each showing what a person relies on."""
    here, home = tmp_path / "here", tmp_path / "home"
    here.mkdir()
    for name, body in case.files().items():
        path = tmp_path / name if name.startswith("home/") else here / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    for number, step in enumerate(case.steps, 1):
        args = [w for word in step.args for w in _words(word, here, home)]
        env = {"ICLOUD_FIX_HOME": str(home), **{
            key: None if value is None else value.replace("{here}", str(here))
            for key, value in step.env.items()}}
        result = run(*args, cwd=here, env=env, stdin=step.stdin, shell=step.shell)
        said = f"run {number}: exit {result.code}\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}"
        assert_sane(result)
        assert result.code in step.codes, said
        both = " ".join((result.stdout + "\n" + result.stderr).split())
        for text in step.shows:
            assert " ".join(text.split()) in both, f"{text!r} not shown; {said}"
        for text in step.hides:
            assert text not in both, f"{text!r} shown; {said}"
        if step.check is not None:
            step.check(result.stdout, result.stderr)
    if case.after is not None:
        case.after(here, home)
