"""Files named on the command line, when they are hostile or odd: an existing report's
mode, owner and hard links; two options naming one file; an answers pipe nobody
writes to; file names and folders with control or invisible characters in them."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import PASSING, answer_flags, installed_command, invoke, start_installed, write_flow
from icloud_fix import atomic_file as files
from icloud_fix.flowfile import located_yaml
from icloud_fix.safe_text import shell_word, visible

FAILING = {**PASSING, "icloud-storage-full": "yes"}
FLOW = """
    format: 1
    id: tiny
    title: Tiny
    version: "1"
    checks:
      - id: one
        title: One
        questions:
          - {id: one-ok, prompt: One fine?, pass_answer: "yes", remediation: Fix one.}
"""
# ESC and BEL (an OSC title sequence), a right-to-left override and a zero-width space.
HOSTILE = "evil\x1b]0;x\x07\u202e\u200b"
SHOWN = "evil\\x1b]0;x\\x07\\u202e\\u200b"


def scripted(*extra: str):
    return invoke("--non-interactive", *answer_flags(FAILING), *extra)


def shown_safely(*texts: str) -> None:
    """No control or invisible character reaches the terminal: visible() changes nothing."""
    for text in texts:
        assert visible(text) == text, repr(text)


@pytest.fixture
def umask() -> Iterator[None]:
    mask = os.umask(0o022)
    yield
    os.umask(mask)


# -- an existing file keeps its mode, owner and links ---------------------------------

def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    for name in ("report.json", "answers.yaml"):
        (tmp_path / name).write_text("old", encoding="utf-8")
        (tmp_path / name).chmod(0o640)
    result = scripted("--output", str(tmp_path / "report.json"),
                      "--save-answers", str(tmp_path / "answers.yaml"))
    assert result.exit_code == 1
    for name in ("report.json", "answers.yaml"):
        assert (tmp_path / name).stat().st_mode & 0o7777 == 0o640
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["outcome"] \
        == "problems_found"


def test_a_set_user_id_bit_is_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o4750)
    scripted("--output", str(path))
    assert path.stat().st_mode & 0o7777 == 0o750


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file away")
def test_root_keeps_the_owner_and_group(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("old", encoding="utf-8")
    os.chown(path, 4321, 4322)
    scripted("--output", str(path))
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4322)
    assert path.read_text(encoding="utf-8").startswith("Summary:")


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file away")
def test_an_owner_that_cannot_be_kept_is_no_reason_to_fail(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "report.txt"
    path.write_text("old", encoding="utf-8")
    os.chown(path, 4321, 4322)
    path.chmod(0o604)

    def refused(*args: object) -> None:  # as for anyone but root
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(files.os, "chown", refused)
    files.write_atomically(path, "new report")
    assert path.read_text(encoding="utf-8") == "new report"
    assert path.stat().st_mode & 0o7777 == 0o604
    assert path.stat().st_uid == os.getuid()


def test_a_hard_linked_file_is_rewritten_for_every_link(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("old report, longer than nothing" * 1000, encoding="utf-8")
    other = tmp_path / "published.json"
    os.link(path, other)
    result = scripted("--output", str(path))
    assert result.exit_code == 1
    # Still one file under two names, and the other name shows the new report whole.
    assert path.stat().st_ino == other.stat().st_ino and other.stat().st_nlink == 2
    assert json.loads(other.read_text(encoding="utf-8"))["outcome"] == "problems_found"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["published.json", "report.json"]


def test_hard_linked_answers_are_rewritten_too(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("old", encoding="utf-8")
    os.link(path, tmp_path / "copy.yaml")
    scripted("--save-answers", str(path))
    assert "icloud-storage-full: yes\n" in (tmp_path / "copy.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path: Path, umask: None, mask: int,
                                                   mode: int) -> None:
    os.umask(mask)
    scripted("--output", str(tmp_path / "report.md"),
             "--save-answers", str(tmp_path / "answers.yaml"))
    assert (tmp_path / "report.md").stat().st_mode & 0o7777 == mode
    assert (tmp_path / "answers.yaml").stat().st_mode & 0o7777 == mode


# -- two options naming one file --------------------------------------------------------

def _same_file_cases(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    steps = write_flow(tmp_path, FLOW)
    given = tmp_path / "given.yaml"
    given.write_text("one-ok: yes\n", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(steps)
    os.link(given, tmp_path / "hard.yaml")
    (tmp_path / "sub").mkdir()
    out = str(tmp_path / "out.txt")
    return {
        "output-and-save-answers": (
            ["--output", out, "--save-answers", out],
            f"--output and --save-answers both name {out}; give each its own file"),
        "output-is-the-flow": (
            ["--steps", str(steps), "--output", str(steps)],
            f"--steps and --output both name {steps}; give each its own file"),
        "output-links-to-the-flow": (
            ["--steps", str(steps), "--output", str(tmp_path / "link.yaml")],
            f"--steps and --output name the same file ({steps} and {tmp_path / 'link.yaml'}); "
            "give each its own file"),
        "save-answers-is-a-hard-link-of-answers": (
            ["--steps", str(steps), "--answers", str(given),
             "--save-answers", str(tmp_path / "hard.yaml")],
            f"--answers and --save-answers name the same file ({given} and "
            f"{tmp_path / 'hard.yaml'}); give each its own file"),
        "answers-is-the-flow": (
            ["--steps", str(steps), "--answers", str(tmp_path / "sub" / ".." / "flow.yaml")],
            f"--steps and --answers name the same file ({steps} and "
            f"{tmp_path / 'sub' / '..' / 'flow.yaml'}); give each its own file"),
        "both-read-stdin": (
            ["--steps", "-", "--answers", "-"],
            "--steps and --answers both read stdin ('-'), which can be read once; give one "
            "of them a file"),
    }


@pytest.mark.parametrize("case", ["output-and-save-answers", "output-is-the-flow",
                                  "output-links-to-the-flow",
                                  "save-answers-is-a-hard-link-of-answers",
                                  "answers-is-the-flow", "both-read-stdin"])
def test_two_options_naming_one_file_are_refused(tmp_path: Path, case: str) -> None:
    args, message = _same_file_cases(tmp_path)[case]
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    result = invoke("--non-interactive", "--answer", "one-ok=yes", *args)
    assert result.exit_code == 2
    assert result.stderr == f"icloud-fix: {message}\n"
    assert result.stdout == ""
    # Nothing written, nothing replaced.
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_refused_before_the_first_question(tmp_path: Path) -> None:

    steps = write_flow(tmp_path, FLOW)
    child = start_installed(["--steps", str(steps), "--output", str(steps)], tmp_path,
                            columns=200)
    seen = child.read()
    child.close()
    assert child.exitstatus == 2
    assert seen == (f"icloud-fix: --steps and --output both name {steps}; give each its own "
                    "file\r\n")
    assert steps.read_text(encoding="utf-8").startswith("format: 1")


def test_devices_may_be_named_twice(tmp_path: Path) -> None:
    result = scripted("--output", "/dev/null", "--save-answers", "/dev/null")
    assert result.exit_code == 1
    assert result.stderr == "Answers written to /dev/null\nReport written to /dev/null\n"


# -- an answers pipe ----------------------------------------------------------------------

@pytest.fixture
def pipe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(located_yaml, "PIPE_WAIT", 0.5)
    path = tmp_path / "answers-pipe"
    os.mkfifo(path)
    return path


def _write_later(path: Path, data: bytes, delay: float) -> threading.Thread:
    def write() -> None:
        time.sleep(delay)
        try:
            with path.open("wb") as stream:
                stream.write(data)
        except BrokenPipeError:
            pass  # the reader had enough

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def test_a_pipe_nobody_writes_to_is_not_waited_on_forever(pipe: Path) -> None:
    began = time.monotonic()
    result = invoke("--non-interactive", "--answers", str(pipe))
    assert time.monotonic() - began < 5
    assert result.exit_code == 2
    assert result.stderr == (f"icloud-fix: {pipe}: no one wrote to this pipe within 0.5 s; "
                             "start the program that writes it first, or give a file\n")


def test_a_flow_pipe_nobody_writes_to_is_not_waited_on_forever(pipe: Path) -> None:
    result = invoke("--non-interactive", "--steps", str(pipe))
    assert result.exit_code == 2
    assert result.stderr == (f"icloud-fix: {pipe}: no one wrote to this pipe within 0.5 s; "
                             "start the program that writes it first, or give a file\n")


def test_a_pipe_with_a_writer_is_read(pipe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The writer comes after the reader has looked a few times, and writes in two parts.
    # The reader waits its usual 10 s: the fixture's half second could run out on a busy
    # machine before the writer's thread even starts.
    monkeypatch.setattr(located_yaml, "PIPE_WAIT", 10.0)
    text = "".join(f"{qid}: {value}\n" for qid, value in FAILING.items()).encode()
    writer = _write_later(pipe, text, 0.2)
    result = invoke("--non-interactive", "--answers", str(pipe), "--format", "json")
    writer.join(5)
    assert result.exit_code == 1, result.stderr
    assert json.loads(result.stdout)["outcome"] == "problems_found"


def test_a_pipe_that_writes_too_much_is_stopped_while_reading(pipe: Path) -> None:
    # A writer that never ends; a process of its own, so SIGPIPE ends it and not pytest.
    writer = subprocess.Popen(["sh", "-c", 'exec cat /dev/zero > "$0"', str(pipe)])
    result = invoke("--non-interactive", "--answers", str(pipe))
    assert writer.wait(10) != 0  # stopped by the closed pipe
    assert result.exit_code == 2
    assert result.stderr == (f"icloud-fix: {pipe}: is larger than 4 MiB; icloud-fix reads no "
                             "file that big\n")


def test_process_substitution_works(tmp_path: Path) -> None:
    given = tmp_path / "given.yaml"
    given.write_text("".join(f"{q}: {v}\n" for q, v in FAILING.items()), encoding="utf-8")
    # <(...) is /dev/fd/N, a pipe; the writer here takes its time to start.
    run = subprocess.run(["bash", "-c", '"$0" --answers <(sleep 0.3; cat "$1") --format json',
                          installed_command(), str(given)], capture_output=True, text=True,
                         check=False, timeout=30)
    assert run.returncode == 1, run.stderr
    assert json.loads(run.stdout)["outcome"] == "problems_found"


@pytest.mark.parametrize(("name", "message"), [
    ("/dev/zero", "/dev/zero: is a device, not a file; give a YAML or JSON file, a pipe, "
                  "or - for stdin"),
    ("/dev/null", "/dev/null: is a device, not a file; give a YAML or JSON file, a pipe, "
                  "or - for stdin"),
])
def test_a_device_is_no_answers_file(name: str, message: str) -> None:
    result = invoke("--non-interactive", "--answers", name)
    assert result.exit_code == 2
    assert result.stderr == f"icloud-fix: {message}\n"


def test_a_folder_is_no_answers_file(tmp_path: Path) -> None:
    result = invoke("--non-interactive", "--answers", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"icloud-fix: {tmp_path}: is a folder, not a file\n"


# -- names with control and invisible characters ------------------------------------------

@pytest.fixture
def hostile_flow(tmp_path: Path) -> Path:
    return write_flow(tmp_path, FLOW, name=HOSTILE + ".yaml")


def test_validate_spells_the_name_out(hostile_flow: Path) -> None:
    result = invoke("validate", str(hostile_flow))
    assert result.exit_code == 0
    assert result.stdout == f"{hostile_flow.parent}/{SHOWN}.yaml: valid (1 check, 1 question)\n"
    broken = hostile_flow.with_name(HOSTILE + "-broken.yaml")
    broken.write_text("format: 1\n", encoding="utf-8")
    result = invoke("validate", str(broken))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"icloud-fix: {broken.parent}/{SHOWN}-broken.yaml:1: ")
    shown_safely(result.stdout, result.stderr)


def test_list_spells_the_name_out(hostile_flow: Path) -> None:
    result = invoke("list", "--steps", str(hostile_flow))
    assert result.exit_code == 0
    shown_safely(result.stdout, result.stderr)
    missing = hostile_flow.with_name(HOSTILE + "-missing.yaml")
    result = invoke("list", "--steps", str(missing))
    assert result.exit_code == 2
    assert result.stderr == f"icloud-fix: {missing.parent}/{SHOWN}-missing.yaml: no such file\n"


def test_the_replay_command_spells_the_name_out_and_still_names_the_file(
        hostile_flow: Path) -> None:
    # --plain reads the command out only with --verbose.
    run = subprocess.run([installed_command(), "--plain", "--verbose", "--steps",
                          hostile_flow.name], input="n\nn\n", capture_output=True, text=True,
                         check=False, cwd=hostile_flow.parent, timeout=30)
    assert run.returncode == 1, run.stderr
    shown_safely(run.stdout, run.stderr)
    command = run.stdout.split("without questions):\n")[1].splitlines()[0].strip()
    assert command == (f"icloud-fix --non-interactive --steps $'{SHOWN}.yaml' "
                       "--answer=one-ok=no --fix-tried=one=no")
    # Pasted into a shell, it runs the same flow file: $'...' gives back the very name.
    again = subprocess.run(["bash", "-c", command.replace("icloud-fix", '"$0"', 1),
                            installed_command()], capture_output=True, text=True,
                           check=False, cwd=hostile_flow.parent, timeout=30)
    assert again.returncode == 1, again.stderr
    assert "Problems found: 1 check failed ('One')." in again.stdout


def test_the_reports_spell_the_name_out(hostile_flow: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSON report's source, and the next step naming the flow file."""
    monkeypatch.chdir(hostile_flow.parent)
    result = invoke("--steps", hostile_flow.name, "--answer", "one-ok=no", "-f", "json")
    assert result.exit_code == 1
    shown_safely(result.stdout)
    assert json.loads(result.stdout)["flow"]["source"] == f"{SHOWN}.yaml"
    # A second check that passes: the next step asks again only the open one, by a
    # command of its own line that names the file.
    hostile_flow.write_text(hostile_flow.read_text(encoding="utf-8") + (
        "  - id: two\n    title: Two\n    questions:\n"
        '      - {id: two-ok, prompt: Two fine?, pass_answer: "yes", remediation: Fix two.}\n'),
        encoding="utf-8")
    result = invoke("--steps", hostile_flow.name, "--answer", "one-ok=skip", "--answer",
                    "two-ok=yes")
    assert result.exit_code == 3
    shown_safely(result.stdout, result.stderr)
    assert "then run those checks again:\n" in result.stdout
    assert f"\n  icloud-fix --steps $'{SHOWN}.yaml' --only one\n" in result.stdout


def test_shell_word_quotes_every_awkward_character() -> None:
    for word in ["plain.yaml", "it's here.yaml", "back\\slash\x1b'.yaml", HOSTILE,
                 "tab\there\nnewline\x85\U000e0041"]:
        quoted = shell_word(word)
        shown_safely(quoted)
        assert "\n" not in quoted and "\t" not in quoted
        echoed = subprocess.run(["bash", "-c", f"printf %s {quoted}"], capture_output=True,
                                check=False).stdout
        assert echoed.decode("utf-8") == word


def test_an_output_name_is_spelled_out(tmp_path: Path) -> None:
    path = tmp_path / (HOSTILE + ".txt")
    result = scripted("--output", str(path))
    assert result.exit_code == 1
    assert path.read_text(encoding="utf-8").startswith("Summary:")
    assert result.stderr == f"Report written to {tmp_path}/{SHOWN}.txt\n"
    shown_safely(result.stdout, result.stderr)
    result = scripted("--output", str(tmp_path / (HOSTILE + "-folder") / "report.txt"))
    assert result.exit_code == 2
    assert result.stderr == (f"icloud-fix: {tmp_path}/{SHOWN}-folder/report.txt: cannot be "
                             f"written: the folder '{tmp_path}/{SHOWN}-folder' does not "
                             "exist; here it is instead:\n")
    shown_safely(result.stdout, result.stderr)


def test_a_state_folder_name_is_spelled_out(tmp_path: Path) -> None:
    # A name too long for the file system, so that it is shown: it cannot be used.
    long = "x" * 300
    home = tmp_path / (HOSTILE + long)
    env = {**os.environ, "ICLOUD_FIX_HOME": str(home)}
    run = subprocess.run([installed_command(), "--plain", "--steps", str(write_flow(
        tmp_path, FLOW))], input="y\n", env=env, capture_output=True, text=True,
        check=False, cwd=tmp_path, timeout=30)
    assert run.returncode == 0, run.stderr
    shown_safely(run.stdout, run.stderr)
    assert (f"(Cannot use the folder of kept answers, {tmp_path}/{SHOWN}{long}: File name "
            "too long; going on without continuing an earlier session.)\n") in run.stderr
    # A state folder with such a name that can be used: the answers are kept there.
    env["ICLOUD_FIX_HOME"] = str(tmp_path / HOSTILE)
    two = write_flow(tmp_path, FLOW + """
      - id: two
        title: Two
        questions:
          - {id: two-ok, prompt: Two fine?, pass_answer: "yes", remediation: Fix two.}
    """, name="two.yaml")
    run = subprocess.run([installed_command(), "--plain", "--steps", str(two)], input="y\n",
                         env=env, capture_output=True, text=True, check=False, cwd=tmp_path,
                         timeout=30)
    assert run.returncode == 130
    assert "Your answers are kept" in run.stderr
    shown_safely(run.stdout, run.stderr)
    assert len(list((tmp_path / HOSTILE / "sessions").iterdir())) == 1
