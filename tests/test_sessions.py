"""Sessions that can be shared, resumed and reproduced, through the installed command."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import pexpect
import pytest

from helpers import (
    PASSING,
    answer,
    answer_flags,
    installed_command,
    invoke,
    read_to_the_end,
    start_installed,
    statuses,
    write_flow,
)

CTRL_C = "\x03"


def start(cwd: Path, *args: str) -> pexpect.spawn:
    return start_installed(args, cwd, columns=200)


def finish(child: pexpect.spawn) -> tuple[int, str]:
    rest = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", read_to_the_end(child))
    child.close()
    return child.exitstatus, rest


def replay(printed: str, cwd: Path) -> dict:
    """Run the command a session printed, as a script would, and return its report."""
    line = printed.split("without questions):")[1].strip().splitlines()[0]
    words = shlex.split(line)
    assert words[:2] == ["icloud-fix", "--non-interactive"]
    run = subprocess.run([installed_command(), *words[1:], "--format", "json"], cwd=cwd,
                         capture_output=True, text=True, check=False)
    report = json.loads(run.stdout)
    report["exit_code"] = run.returncode
    return report


def same_result(session: dict, replayed: dict, given_by: str = "flag") -> None:
    assert replayed["outcome"] == session["outcome"]
    assert replayed["resolved_by"] == session["resolved_by"]
    assert statuses(replayed) == statuses(session)
    # The session's answers were typed (or settled by a typed choice); the replay's come
    # from flags.
    assert {q["source"] for c in session["checks"] for q in c["questions"]} <= {
        "prompt", "choice", None}
    assert {q["source"] for c in replayed["checks"] for q in c["questions"]} <= {
        given_by, "choice", None}
    # What was said of each fix tried, and what to do next, come back the same.
    assert [c.get("fix_tried") for c in replayed["checks"]] == \
        [c.get("fix_tried") for c in session["checks"]]
    assert replayed["next_step"] == session["next_step"]
    assert replayed["escalation"] == session["escalation"]


# Each session: the keys typed in order (question by question), and the exit code. The
# first key picks the photos-status choice: 5 (iCloud storage full) sends the session to
# icloud-storage first, 1 (up to date) keeps the usual order.
SESSIONS = {
    # 5 (iCloud storage full) answers "is iCloud full?" itself: its fix comes at once.
    "problems-found": (["5", "n",  # icloud-storage fails; "sync now?" no
                        "n", "n", "n", "y", "y", "y", "y", "n", "y",  # connectivity, on cellular
                        "y", "n", "y", "y", "y", "n", "y",  # apple-id, photos on icloud.com
                        "n", "s", "y", "y", "n", "n"], 1),  # ..., left overnight: no
    "resolved": (["1", "y", "n", "n", "y", "n", "n", "y", "n",  # Low Power Mode on
                  "y", "n", "y", "n", "n", "n", "y"], 0),  # another account; "sync now?" yes
    "all-passed": (["1", "n", "n", "n", "y", "n", "n", "y",
                    "y", "n", "y", "n", "y", "y", "y",  # with a Shared Library
                    "n", "n", "y", "y", "y", "y"], 0),
}


@pytest.mark.parametrize("name", SESSIONS)
def test_the_printed_command_replays_the_session(tmp_path: Path, name: str) -> None:
    keys, code = SESSIONS[name]
    child = start(tmp_path, "--output", "session.json", "--save-answers", "answers.yaml")
    for key in keys:
        child.expect(r"\? ")  # every prompt, flow question or "sync now?", starts so
        child.send(key)
    exit_code, out = finish(child)
    assert exit_code == code
    session = json.loads((tmp_path / "session.json").read_text(encoding="utf-8"))
    if name == "resolved":
        # Nothing left to do: no command to run again is shown.
        assert "without questions" not in out and "--non-interactive" not in out
    else:
        replayed = replay(out, tmp_path)
        assert replayed["exit_code"] == code
        same_result(session, replayed)
    # The saved answers, fixes tried and "resolved by" included, replay it as well.
    run = subprocess.run([installed_command(), "--non-interactive", "--answers",
                          "answers.yaml", "--format", "json"], cwd=tmp_path,
                         capture_output=True, text=True, check=False)
    assert run.returncode == code, run.stderr
    same_result(session, json.loads(run.stdout), given_by="file")


def test_replay_of_a_custom_flow_and_only(tmp_path: Path) -> None:
    write_flow(tmp_path, """
        format: 1
        id: printer
        title: Printer
        version: "1"
        checks:
          - id: paper
            title: Paper
            questions:
              - id: paper-in
                prompt: Paper in the tray?
                pass_answer: "yes"
                remediation: Add paper.
          - id: ink
            title: Ink
            questions:
              - id: ink-left
                prompt: Ink left?
                pass_answer: "yes"
                remediation: Change the cartridge.
    """, name="my flow.yaml")
    child = start(tmp_path, "--steps", "my flow.yaml", "--only", "ink", "--output", "s.json")
    answer(child, "Ink left?", "n")
    answer(child, "Is the problem solved now?", "n")
    exit_code, out = finish(child)
    assert exit_code == 1
    assert "--steps 'my flow.yaml' --only ink" in out
    session = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    # Checks are listed in the order asked, then those not run.
    assert [(c["id"], c["status"]) for c in session["checks"]] == [
        ("ink", "failed"), ("paper", "not_run")]
    same_result(session, replay(out, tmp_path))


def test_interrupted_session_is_kept_and_resumed(tmp_path: Path, icloud_fix_home: Path) -> None:
    child = start(tmp_path)
    answer(child, "What does the iCloud status line", "8")  # nothing shown: apple-id first
    for key in ["n", "n", "y", "n", "n", "y", "n"]:  # iCloud Photos off; "sync now?" no
        child.expect(r"\? ")
        child.send(key)
    answer(child, "Check 2 of 7", CTRL_C)
    code, out = finish(child)
    assert code == 130
    assert "Your answers are kept" in out
    assert ("--answer=photos-status=nothing-shown --answer=apple-id-sync-on=no "
            "--answer=apple-id-banner=no") in out
    saved = list((icloud_fix_home / "sessions").iterdir())
    assert len(saved) == 1

    child = start(tmp_path)
    answer(child, "after 7 answers. Continue where you stopped?", "y")
    # Check 1 is not asked again, and its fix is not offered again.
    child.expect_exact("Check 2 of 7")
    assert "Check 1 of 7" not in child.before and "sync now" not in child.before
    for key in ["n", "n", "n", "y", "n", "n", "y", "n", "n", "y", "y", "y", "y"]:
        child.expect(r"\? ")
        child.send(key)
    code, out = finish(child)
    assert code == 1
    assert "Apple Account and iCloud Photos" in out and "FAILED" in out
    assert list((icloud_fix_home / "sessions").iterdir()) == []  # finished: cleared


def interrupted_after_first_check(cwd: Path, *args: str) -> None:
    child = start(cwd, *args)
    answer(child, "Check 1 of", "y")
    answer(child, "Check 2 of", CTRL_C)
    assert finish(child)[0] == 130


TWO_CHECKS = """
    format: 1
    id: two
    title: Two
    version: "1"
    checks:
      - id: one
        title: One
        questions:
          - {id: one-ok, prompt: One fine?, pass_answer: "yes", remediation: Fix one.}
      - id: two
        title: Two
        questions:
          - {id: two-ok, prompt: Two fine?, pass_answer: "yes", remediation: Fix two.}
"""


def test_resume_and_fresh_without_asking(tmp_path: Path) -> None:
    steps = write_flow(tmp_path, TWO_CHECKS)
    interrupted_after_first_check(tmp_path, "--steps", str(steps))
    child = start(tmp_path, "--steps", str(steps), "--resume")
    child.expect_exact("Check 2 of 2")
    assert "Continue where" not in child.before and "Check 1 of 2" not in child.before
    child.send(CTRL_C)
    finish(child)
    child = start(tmp_path, "--steps", str(steps), "--fresh")
    child.expect_exact("Check 1 of 2")
    assert "Continue where" not in child.before
    child.send(CTRL_C)
    finish(child)


def test_a_session_that_finishes_leaves_another_sessions_answers(
        tmp_path: Path, icloud_fix_home: Path) -> None:
    steps = write_flow(tmp_path, TWO_CHECKS)
    first = start(tmp_path, "--steps", str(steps))
    answer(first, "Check 1 of 2", "y")
    first.expect_exact("Check 2 of 2")
    # A second session of the same flow, in another terminal, before the first stops.
    second = start(tmp_path, "--steps", str(steps))
    second.expect_exact("Check 1 of 2")
    first.send(CTRL_C)
    code, out = finish(first)
    assert code == 130 and "Your answers are kept" in out
    kept = list((icloud_fix_home / "sessions").iterdir())
    assert len(kept) == 1
    second.send("y")
    answer(second, "Check 2 of 2", "y")
    assert finish(second)[0] == 0
    # The second session did not clear what the first one said it kept.
    assert list((icloud_fix_home / "sessions").iterdir()) == kept
    resumed = start(tmp_path, "--steps", str(steps), "--resume")
    answer(resumed, "Check 2 of 2", "y")
    assert "Check 1 of 2" not in resumed.before
    assert finish(resumed)[0] == 0
    # The session that continued it and finished clears it.
    assert list((icloud_fix_home / "sessions").iterdir()) == []


def test_clear_only_what_the_session_wrote(tmp_path: Path, icloud_fix_home: Path) -> None:
    from icloud_fix import resume
    from icloud_fix.answers import GivenAnswers, ScriptedAnswers
    from icloud_fix.engine import run
    from icloud_fix.flowfile.loader import load_file

    flow = load_file(write_flow(tmp_path, TWO_CHECKS))
    result = run(flow, ScriptedAnswers(GivenAnswers({"one-ok": "yes"})), None)
    path = resume.save(flow, result, set(), session="mine")
    assert resume.load(flow).session == "mine"
    resume.clear(flow, session="another")
    assert path.exists()
    resume.clear(flow, session="mine")
    assert not path.exists()
    # A file from before tokens is the state of whoever continues it ("").
    resume.save(flow, result, set())
    resume.clear(flow, session="0123abcd")
    assert path.exists()
    resume.clear(flow, session=resume.load(flow).session)
    assert not path.exists()
    # Without a session (--fresh, or "do not continue"), it is cleared whoever wrote it.
    resume.save(flow, result, set(), session="someone")
    resume.clear(flow)
    assert not path.exists()


def test_a_changed_flow_resumes_what_still_applies(tmp_path: Path) -> None:
    text = """
        format: 1
        id: changing
        title: Changing
        version: "1"
        checks:
          - id: first
            title: First
            questions:
              - {id: kept, prompt: Kept question?, pass_answer: "yes", remediation: Fix.}
              - {id: removed, prompt: Removed question?, pass_answer: "yes", remediation: Fix.}
          - id: second
            title: Second
            questions:
              - {id: later, prompt: Later question?, pass_answer: "yes", remediation: Fix.}
    """
    steps = write_flow(tmp_path, text)
    child = start(tmp_path, "--steps", str(steps))
    answer(child, "Kept question?", "y")
    answer(child, "Removed question?", "y")
    answer(child, "Later question?", CTRL_C)
    assert finish(child)[0] == 130
    write_flow(tmp_path, text.replace(
        "{id: removed, prompt: Removed question?, pass_answer: \"yes\", remediation: Fix.}",
        "{id: added, prompt: Added question?, pass_answer: \"yes\", remediation: Fix.}"))
    child = start(tmp_path, "--steps", str(steps))
    answer(child, "after 1 answer. Continue where you stopped?", "y")
    answer(child, "Added question?", "y")
    assert "Kept question?" not in child.before
    answer(child, "Later question?", "y")
    code, _ = finish(child)
    assert code == 0


def test_only_and_from(tmp_path: Path) -> None:
    # The triage question (photos-status) comes before any check, so it is asked too.
    result = invoke("--non-interactive", "--only", "restart,ios-update", "--format", "json",
                    "--answer", "photos-status=synced",
                    "--answer", "restart-done=no", "--answer", "ios-update-current=yes")
    assert result.exit_code == 1
    statuses = {c["id"]: c["status"] for c in json.loads(result.stdout)["checks"]}
    # Checks left out by --only are "not run", never "not reached".
    assert statuses == {"apple-id": "not_run", "connectivity": "not_run",
                        "icloud-storage": "not_run", "device-storage": "not_run",
                        "restart": "failed", "ios-update": "passed",
                        "charging-wifi": "not_run"}
    result = invoke("--non-interactive", "--from", "ios-update", "--format", "json",
                    "--answer", "photos-status=synced",
                    "--answer", "ios-update-current=yes", "--answer",
                    "charging-wifi-plugged-in=yes", "--answer",
                    "charging-wifi-left-to-sync=yes")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    statuses = [c["status"] for c in report["checks"]]
    assert statuses == ["passed", "passed"] + ["not_run"] * 5
    # Two checks passed: not "Every check passed".
    assert report["outcome"] == "no_problem_found"
    assert report["headline"] == "The 2 checks run passed; 5 checks were not run."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "restrat"], "--only: unknown check id 'restrat' (did you mean 'restart'?)"),
        (["--from", "icloud"],
         "--from: unknown check id 'icloud' (did you mean 'icloud-storage'?)"),
        (["--only", "restart", "--from", "restart"], "give --only or --from, not both"),
        (["--resolved-by", "apple"], "--resolved-by: unknown check id 'apple'"),
        (["--resume", "--fresh"], "--resume and --fresh contradict each other"),
    ],
)
def test_selection_errors(args: list[str], message: str) -> None:
    result = invoke("--non-interactive", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"icloud-fix: {message}")


def test_resolved_by_ends_the_run_resolved() -> None:
    answers = {**PASSING, "icloud-storage-full": "yes"}
    result = invoke("--non-interactive", *answer_flags(answers), "--resolved-by",
                    "icloud-storage", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["outcome"] == "resolved" and report["resolved_by"] == "icloud-storage"
    assert [c["status"] for c in report["checks"]][3:] == ["not_reached"] * 4


def test_a_state_folder_that_cannot_be_used_does_not_stop_the_session(tmp_path: Path) -> None:
    # A name too long for the file system: the folder of kept answers cannot be looked at.
    home = tmp_path / ("x" * 300)
    env = {**os.environ, "ICLOUD_FIX_HOME": str(home)}
    run = subprocess.run([installed_command(), "--plain"], input="1\n", env=env,
                         capture_output=True, text=True, check=False, cwd=tmp_path)
    # The first question was asked and answered; the session ended only for want of input.
    assert run.returncode == 130
    assert "Check 1 of 7" in run.stdout
    notes = [line for line in run.stderr.splitlines() if "folder of kept answers" in line]
    assert notes == [f"(Cannot use the folder of kept answers, {home}: File name too long; "
                     "going on without continuing an earlier session.)"]
    assert "Traceback" not in run.stderr
    scripted = subprocess.run([installed_command(), "--resume", "--non-interactive",
                               *answer_flags(PASSING)], env=env, capture_output=True,
                              text=True, check=False, cwd=tmp_path)
    assert scripted.returncode == 0, scripted.stderr
