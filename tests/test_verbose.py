"""--verbose: one line on stderr for each command run and feed fetched, with its
timing; never cut into a question or after the report. And the internal error, which
asks for --verbose's output."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest

from helpers import PASSING, SUGGESTED, installed_command, start_installed, write_flow
from icloud_fix import verbose

FAKES = Path(__file__).parent / "fakes"
FEEDS = Path(__file__).parent / "feeds"
# The answers an iPhone's readings give, left to --auto.
OPEN = {k: v for k, v in PASSING.items()
        if k not in SUGGESTED}


def run(tmp_path: Path, *args: str, answers: dict[str, str] = OPEN, merged: bool = False,
        **env: str) -> subprocess.CompletedProcess[str]:
    """The installed icloud-fix answered from a file, with the recorded ideviceinfo
    first on PATH; with ``merged``, stderr into stdout, in the order they were written."""
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(json.dumps(answers), encoding="utf-8")
    environment = {**os.environ, "PATH": f"{FAKES}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run([installed_command(), "--non-interactive", "--answers",
                           str(answers_file), *args], env=environment, capture_output=not merged,
                          stdout=subprocess.PIPE if merged else None,
                          stderr=subprocess.STDOUT if merged else None,
                          text=True, check=False, cwd=tmp_path, timeout=60)


def timed(text: str) -> list[str]:
    """The lines, with each timing (which varies) as N."""
    return [re.sub(r"\b[\d,]+ ms\b", "N ms", line) for line in text.splitlines()]


def test_each_command_and_feed_in_one_line(tmp_path: Path, feeds: str) -> None:
    result = run(tmp_path, "--auto", "--verbose", "--format", "json",
                 ICLOUD_FIX_STATUS_URL=f"{feeds}/status-healthy.js",
                 ICLOUD_FIX_VERSIONS_URL=f"{feeds}/pmv.json")
    assert result.returncode == 1, result.stderr  # 0.6 GB free is almost full
    assert json.loads(result.stdout)["outcome"] == "problems_found"
    status = (FEEDS / "status-healthy.js").stat().st_size
    versions = (FEEDS / "pmv.json").stat().st_size
    # The feed and the iPhone are read side by side: in either order.
    assert sorted(timed(result.stderr)) == sorted([
        f"icloud-fix: verbose: GET {feeds}/status-healthy.js: HTTP 200, {status} bytes, N ms",
        "icloud-fix: verbose: ideviceinfo -k ProductVersion: exit 0, 7 bytes read, N ms",
        "icloud-fix: verbose: ideviceinfo -k ProductType: exit 0, 11 bytes read, N ms",
        "icloud-fix: verbose: ideviceinfo -q com.apple.disk_usage: exit 0, 146 bytes read, "
        "N ms",
        "icloud-fix: verbose: ideviceinfo -q com.apple.mobile.battery: exit 0, 123 bytes "
        "read, N ms",
        "icloud-fix: verbose: ideviceinfo -q com.apple.international: exit 0, 30 bytes "
        "read, N ms",
        "icloud-fix: verbose: ideviceinfo -k TimeIntervalSince1970: exit 0, 18 bytes read, "
        "N ms",
        "icloud-fix: verbose: ideviceinfo -k TimeZone: exit 0, 14 bytes read, N ms",
        f"icloud-fix: verbose: GET {feeds}/pmv.json: HTTP 200, {versions:,} bytes, N ms",
    ])
    # Is an iPhone there? Then the rest of it side by side, and the latest iOS once the
    # model is known.
    device = [line.split(": ")[2] for line in timed(result.stderr)
              if "ideviceinfo" in line or "pmv" in line]
    assert device[0] == "ideviceinfo -k ProductVersion"
    assert sorted(device[1:7]) == [
        "ideviceinfo -k ProductType", "ideviceinfo -k TimeIntervalSince1970",
        "ideviceinfo -k TimeZone", "ideviceinfo -q com.apple.disk_usage",
        "ideviceinfo -q com.apple.international", "ideviceinfo -q com.apple.mobile.battery"]
    assert device[7] == f"GET {feeds}/pmv.json"


def test_without_verbose_nothing_is_said(tmp_path: Path, feeds: str) -> None:
    result = run(tmp_path, "--auto", "--format", "json",
                 ICLOUD_FIX_STATUS_URL=f"{feeds}/status-healthy.js",
                 ICLOUD_FIX_VERSIONS_URL=f"{feeds}/pmv.json")
    assert (result.returncode, result.stderr) == (1, "")


def test_failures_say_how_they_ended(tmp_path: Path, feeds: str) -> None:
    result = run(tmp_path, "--auto", "--verbose", "--format", "json", FAKE_IDEVICE="hang",
                 ICLOUD_FIX_STATUS_URL=f"{feeds}/no-such-feed")
    assert result.returncode == 2
    assert timed(result.stderr) == [
        f"icloud-fix: verbose: GET {feeds}/no-such-feed: not reachable (HTTP 404 Not Found), "
        "N ms",
        "icloud-fix: verbose: ideviceinfo -k ProductVersion: no answer within 3 s, stopped, "
        "0 bytes read, N ms",
        f"icloud-fix: no answer for {', '.join(SUGGESTED)}; with --non-interactive every "
        "question reached needs one: add --answer ID=VALUE (yes, no, y, n, true, false or "
        "skip) or put it in --answers FILE",
    ]


def test_a_missing_device_tool_is_said_only_with_verbose(tmp_path: Path) -> None:
    # An empty PATH: no ideviceinfo anywhere (the command names its Python in full).
    nothing = tmp_path / "bin"
    nothing.mkdir()
    quiet = run(tmp_path, "--auto", "--offline", PATH=str(nothing))
    assert quiet.returncode == 2
    assert quiet.stderr.startswith(f"icloud-fix: no answer for {SUGGESTED[0]}")
    assert quiet.stderr.count("\n") == 1
    said = run(tmp_path, "--auto", "--offline", "--verbose", PATH=str(nothing))
    assert said.stderr.splitlines()[0] == ("icloud-fix: verbose: ideviceinfo: not installed "
                                           "(libimobiledevice), so no readings from an iPhone")
    assert said.stderr.splitlines()[1:] == quiet.stderr.splitlines()


def test_a_session_without_the_device_tool_has_no_note(tmp_path: Path) -> None:
    flow = space_flow(tmp_path)
    nothing = tmp_path / "bin"
    nothing.mkdir()
    for extra in ([], ["--verbose"]):
        session = subprocess.run([installed_command(), "--plain", "--offline", "--steps",
                                  str(flow), *extra], input="n\n", capture_output=True,
                                 text=True, env={**os.environ, "PATH": str(nothing)},
                                 check=False, timeout=30)
        assert session.returncode == 0, session.stderr
        assert "Is the iPhone almost full?" in session.stdout
        assert "No readings" not in session.stdout + session.stderr
        assert session.stderr == ("icloud-fix: verbose: ideviceinfo: not installed "
                                  "(libimobiledevice), so no readings from an iPhone\n"
                                  if extra else "")


def test_a_reading_still_running_is_said_before_the_report_and_nothing_after(
        tmp_path: Path, feeds: str) -> None:
    # Every answer given: with --auto the report still waits for the iPhone (to name it
    # and follow its iOS), 3 s at most, then says how the reading ended, before itself.
    result = run(tmp_path, "--auto", "--verbose", "--format", "json", answers=PASSING,
                 merged=True, FAKE_IDEVICE="hang",
                 ICLOUD_FIX_STATUS_URL=f"{feeds}/status-healthy.js")
    assert result.returncode == 0
    lines = timed(result.stdout)
    status = (FEEDS / "status-healthy.js").stat().st_size
    assert lines[:3] == [
        f"icloud-fix: verbose: GET {feeds}/status-healthy.js: HTTP 200, {status} bytes, N ms",
        "icloud-fix: verbose: ideviceinfo -k ProductVersion: no answer within 3 s, stopped, "
        "0 bytes read, N ms",
        "{"]
    assert json.loads("\n".join(lines[2:]))["outcome"] == "no_problem_found"


def space_flow(tmp_path: Path) -> Path:
    return write_flow(tmp_path, """
        format: 1
        id: space
        title: Space
        version: "1"
        checks:
          - id: storage
            title: Storage
            questions:
              - id: storage-full
                prompt: Is the iPhone almost full?
                suggest: {reading: free-space-gb, yes_below: 1}
                pass_answer: "no"
                remediation: Free some space.
    """, name="space.yaml")


def test_in_a_terminal_the_lines_wait_for_the_end_of_the_questions(tmp_path: Path) -> None:
    child = start_installed(["--plain", "--verbose", "--steps", str(space_flow(tmp_path))],
                            tmp_path, columns=200, env={
                                "PATH": f"{FAKES}{os.pathsep}{os.environ['PATH']}",
                                "FAKE_IDEVICE_FREE": "5000000000"})
    # The suggestion shown: every command has been run, and none was said yet.
    child.expect_exact("Enter = no as suggested")
    assert "verbose" not in child.before
    child.send("\r")
    child.expect_exact("icloud-fix: verbose: ideviceinfo -k ProductVersion: exit 0")
    child.expect_exact("icloud-fix: verbose: ideviceinfo -q com.apple.mobile.battery: exit 0")
    child.expect_exact("Summary: Space")
    child.expect_exact("Save this report as")  # offered after every check passed too
    assert "verbose" not in child.before
    child.send("n\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "verbose" not in child.before


# -- the module itself --------------------------------------------------------------------

class Recorder(io.StringIO):
    """A stderr that keeps each write apart, and says whether it is a terminal."""

    def __init__(self, terminal: bool) -> None:
        super().__init__()
        self.terminal = terminal
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return len(text)

    def isatty(self) -> bool:
        return self.terminal


@pytest.fixture
def record(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[bool], Recorder]]:
    """Puts a Recorder in place of stderr; called in the test itself, since pytest puts
    its own stderr back between a fixture and the test. --verbose is off again after."""

    def start(terminal: bool = False) -> Recorder:
        recorder = Recorder(terminal)
        monkeypatch.setattr(sys, "stderr", recorder)
        return recorder

    yield start
    verbose.turn_off()


def test_lines_from_threads_are_written_whole(record: Callable[[bool], Recorder]) -> None:
    stderr = record(False)
    verbose.turn_on()

    def chatter(n: int) -> None:
        for i in range(200):
            verbose.begin(f"thread {n} step {i}").done("exit 0")

    threads = [threading.Thread(target=chatter, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stderr.writes) == 1600
    assert all(re.fullmatch(r"icloud-fix: verbose: thread \d step \d+: exit 0, [\d,]+ ms\n", w)
               for w in stderr.writes)


def test_nothing_after_finish_and_outside_text_is_made_harmless(
        record: Callable[[bool], Recorder]) -> None:
    stderr = record(False)
    verbose.turn_on()
    verbose.say("GET http://x/\x1b[2J\nfake line")
    late = verbose.begin("ideviceinfo -k ProductVersion")
    verbose.finish()
    late.done("exit 0")
    verbose.say("too late")
    assert timed("".join(stderr.writes)) == [
        "icloud-fix: verbose: GET http://x/\\x1b[2J\\nfake line",
        "icloud-fix: verbose: ideviceinfo -k ProductVersion: still running, not waited for "
        "(N ms so far)"]


def test_in_a_terminal_lines_are_held_until_finish(record: Callable[[bool], Recorder]) -> None:
    stderr = record(True)
    verbose.turn_on()
    verbose.say("one")
    verbose.say("two")
    assert stderr.writes == []
    verbose.finish()
    assert stderr.writes == ["icloud-fix: verbose: one\n", "icloud-fix: verbose: two\n"]


def test_off_says_nothing(record: Callable[[bool], Recorder]) -> None:
    stderr = record(False)
    verbose.say("one")
    verbose.begin("two").done("exit 0")
    verbose.finish()
    assert stderr.writes == []


# -- the internal error -------------------------------------------------------------------

# A bug planted in the session, then the command's own entry point.
BUG = """
import sys
from icloud_fix import cli, session

def broken(options):
    raise RuntimeError("boom\\x1b[2J")

session.run = broken
sys.argv = ["icloud-fix", *sys.argv[1:]]
cli.main()
"""


def test_an_internal_error_asks_for_the_verbose_output() -> None:
    run = subprocess.run([sys.executable, "-c", BUG, "--non-interactive"], capture_output=True,
                         text=True, check=False, timeout=60,
                         env={k: v for k, v in os.environ.items() if k != "ICLOUD_FIX_DEBUG"})
    assert run.returncode == 70
    assert run.stderr == (
        "icloud-fix: internal error: RuntimeError: boom\\x1b[2J. This is a bug in icloud-fix: "
        "to report it, run the same command again with --verbose and attach everything it "
        "prints.\n")


def test_with_verbose_an_internal_error_gives_its_details() -> None:
    from icloud_fix import __version__

    run = subprocess.run([sys.executable, "-c", BUG, "--non-interactive", "--verbose"],
                         capture_output=True, text=True, check=False, timeout=60,
                         env={k: v for k, v in os.environ.items() if k != "ICLOUD_FIX_DEBUG"})
    assert run.returncode == 70
    lines = run.stderr.splitlines()
    assert lines[0] == ("icloud-fix: internal error: RuntimeError: boom\\x1b[2J. This is a bug "
                        "in icloud-fix: to report it, attach everything printed here; the "
                        "details follow.")
    assert lines[1].startswith(f"icloud-fix: verbose: icloud-fix {__version__}, Python ")
    assert lines[2] == "icloud-fix: verbose: Traceback (most recent call last):"
    assert any(re.fullmatch(r'icloud-fix: verbose:   File "<string>", line \d+, in broken', line)
               for line in lines)
    assert lines[-1] == "icloud-fix: verbose: RuntimeError: boom\\x1b[2J"
    assert all(line.startswith("icloud-fix: verbose: ") for line in lines[1:])
