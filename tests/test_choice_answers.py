"""A choice that settles later questions (`answers:`): what the person already said is
not asked again, and the reports say what answered it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from helpers import installed_command, read_to_the_end, start_installed, write_flow

FLOW = """
    format: 2
    id: photos
    title: Photos
    version: "1"
    triage:
      - id: status
        prompt: What does the status line say?
        kind: choice
        choices:
          - {id: synced, label: Up to date}
          - id: low-power
            label: "Paused: Low Power Mode"
            check: power
            answers: {power-saving: "yes"}
    checks:
      - id: power
        title: Power
        questions:
          - id: power-saving
            prompt: Is Low Power Mode on?
            pass_answer: "no"
            remediation: Turn off Low Power Mode.
          - id: power-battery
            prompt: Is the battery above 20%?
            pass_answer: "yes"
            remediation: Charge it.
"""


def scripted(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    flow = write_flow(tmp_path, FLOW)
    return subprocess.run([installed_command(), "--steps", str(flow), *args],
                          capture_output=True, text=True, cwd=tmp_path, check=False)


def test_a_settled_question_needs_no_answer_and_says_what_settled_it(tmp_path: Path) -> None:
    run = scripted(tmp_path, "--answer", "status=low-power", "--answer", "power-battery=yes",
                   "--format", "json")
    assert run.returncode == 1, run.stderr  # Low Power Mode on: the check fails
    report = json.loads(run.stdout)
    saving = report["checks"][0]["questions"][0]
    assert (saving["id"], saving["answer"], saving["passed"], saving["source"]) == (
        "power-saving", "yes", False, "choice")
    assert saving["evidence"] == "answered by status=low-power"
    # Another status leaves it to be asked.
    run = scripted(tmp_path, "--answer", "status=synced", "--answer", "power-battery=yes")
    assert run.returncode == 2 and "no answer for power-saving" in run.stderr


def test_the_settled_question_is_not_asked_in_a_terminal(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, FLOW)
    child = start_installed(["--offline", "--steps", str(flow), "--output", "r.json"],
                            tmp_path, columns=100)
    child.expect_exact("What does the status line say?")
    child.send("p")  # Paused: Low Power Mode (picked by its initial)
    child.expect_exact("Is the battery above 20%?")
    assert "Is Low Power Mode on?" not in child.before  # settled: not asked
    child.send("y")
    child.expect_exact("How to fix: Power")
    child.send("n")
    out = read_to_the_end(child)
    child.close()
    assert child.exitstatus == 1
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["checks"][0]["questions"][0]["source"] == "choice"
    # The replay names the triage answer, which settles the question again.
    command = " ".join(out.split()).split("without questions): ")[1]
    assert "--answer=status=low-power" in command and "power-saving" not in command


def test_list_shows_what_a_choice_answers(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, FLOW)
    run = subprocess.run([installed_command(), "list", "--steps", str(flow), "--format",
                          "json"], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    choices = json.loads(run.stdout)["triage"][0]["choices"]
    assert choices[1]["answers"] == {"power-saving": "yes"}
    assert "answers" not in choices[0]
