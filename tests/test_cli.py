"""Scripted runs through the CLI, in-process: what a script sees and relies on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import PASSING, answer_flags, invoke, write_flow
from icloud_fix import __version__
from icloud_fix.flowfile.loader import load_builtin


def scripted(answers: dict[str, str], *extra: str):
    return invoke("--non-interactive", *answer_flags(answers), *extra)


def test_all_pass_exits_0_and_points_to_apple_support() -> None:
    result = scripted(PASSING)
    assert result.exit_code == 0
    assert "Every check passed." in result.stdout
    assert "https://getsupport.apple.com" in result.stdout
    assert "https://www.apple.com/retail/geniusbar/" in result.stdout


def test_a_failed_check_exits_1_and_shows_its_exact_fix() -> None:
    result = scripted({**PASSING, "icloud-storage-full": "yes"}, "--no-color")
    assert result.exit_code == 1
    out = result.stdout
    assert "iCloud storage" in out and "FAILED" in out
    assert "Fixes to try, in order" in out
    assert "Manage Account Storage" in out
    assert "Change Storage Plan" in out
    # Only the failed check's fix is shown.
    assert "Optimize iPhone Storage" not in out


def test_json_report_shape() -> None:
    answers = {**PASSING, "connectivity-on-cellular": "yes", "connectivity-mobile-data-on": "no",
               "restart-done": "skip"}
    result = scripted(answers, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)  # stdout holds exactly one JSON document
    assert report["schema_version"] == 2
    assert report["flow"]["id"] == "icloud-photos"
    assert report["outcome"] == "problems_found"
    checks = {c["id"]: c for c in report["checks"]}
    assert list(checks) == ["connectivity", "apple-id", "icloud-storage", "device-storage",
                            "restart", "ios-update", "charging-wifi"]
    assert {c["status"] for c in report["checks"]} == {"passed", "failed", "skipped"}
    connectivity = checks["connectivity"]
    assert connectivity["status"] == "failed"
    # Each question's text beside its id, as it was asked.
    mobile_data = ("Is Photos allowed to use mobile data? On iOS 18 and later: (Settings > "
                   "Apps > Photos > Cellular Data (Mobile Data in some regions) is on.) On iOS "
                   "15 to 17: (Settings > Photos > Cellular Data (Mobile Data in some regions) "
                   "is on.)")
    assert {"id": "connectivity-mobile-data-on", "text": mobile_data, "answer": "no",
            "passed": False, "source": "flag"} in (
        connectivity["questions"])
    assert {"id": "connectivity-on-cellular", "text": "Is this iPhone using mobile data "
            "(cellular) rather than Wi-Fi at the moment?", "answer": "yes", "passed": None,
            "source": "flag"} in (
        connectivity["questions"])
    assert len(connectivity["remediation"]) == 1
    assert "Settings > Apps > Photos" in connectivity["remediation"][0]
    assert "Unlimited Updates" in connectivity["remediation"][0]
    assert checks["restart"]["status"] == "skipped"
    assert checks["apple-id"]["remediation"] == []


def test_json_no_problem_found() -> None:
    result = scripted(PASSING, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["outcome"] == "no_problem_found"


def test_unreached_conditional_question_is_null_in_json() -> None:
    report = json.loads(scripted(PASSING, "--format", "json").stdout)
    connectivity = next(c for c in report["checks"] if c["id"] == "connectivity")
    assert {"id": "connectivity-mobile-data-on", "text": "Is Photos allowed to use mobile "
            "data? On iOS 18 and later: (Settings > Apps > Photos > Cellular Data (Mobile "
            "Data in some regions) is on.) On iOS 15 to 17: (Settings > Photos > Cellular "
            "Data (Mobile Data in some regions) is on.)",
            "answer": None,
            "passed": None, "source": None} in (
        connectivity["questions"])


def test_markdown_report_for_a_support_request() -> None:
    result = scripted({**PASSING, "restart-done": "no"}, "--format", "markdown")
    assert result.exit_code == 1
    out = result.stdout
    assert out.startswith("# iCloud Photos not syncing on iPhone: troubleshooting report")
    assert f"- Tool: icloud-fix {__version__}" in out
    assert "| 5 | Restart | failed |" in out
    assert "## Fixes to try, in order" in out and "Settings > General > Shut Down" in out


def test_missing_answers_name_every_id_and_the_flags() -> None:
    answers = dict(PASSING)
    del answers["restart-done"], answers["ios-update-current"]
    result = scripted(answers)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("icloud-fix: no answer for restart-done, ios-update-current;")
    assert "--answer ID=VALUE" in result.stderr and "--answers FILE" in result.stderr


def test_no_answers_and_no_terminal_never_hangs() -> None:
    result = invoke()
    assert result.exit_code == 2
    assert result.stderr.startswith("icloud-fix: no answers given")
    assert "'icloud-fix list'" in result.stderr


def test_unknown_id_suggests_the_closest() -> None:
    result = scripted({**PASSING, "restart-dne": "yes"})
    assert result.exit_code == 2
    assert result.stderr == ("icloud-fix: --answer: unknown question id 'restart-dne' (did you "
                             "mean 'restart-done'?); 'icloud-fix list' shows every question id\n")


@pytest.mark.parametrize("value", ["maybe", "", "on", "1"])
def test_bad_value_names_the_accepted_values(value: str) -> None:
    result = scripted({**PASSING, "restart-done": value})
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"icloud-fix: --answer: '{value}' is not an answer for 'restart-done'")
    assert "yes, no, y, n, true, false or skip" in result.stderr


@pytest.mark.parametrize("value", ["YES", "Y", "True", "n", "FALSE", "Skip"])
def test_values_in_any_case(value: str) -> None:
    result = scripted({**PASSING, "restart-done": value}, "--format", "json")
    restart = next(c for c in json.loads(result.stdout)["checks"] if c["id"] == "restart")
    meant = {"YES": "yes", "Y": "yes", "True": "yes", "n": "no", "FALSE": "no",
             "Skip": "skip"}[value]
    assert restart["questions"][0]["answer"] == meant
    # Not sure about a check is not "no problem found": it is inconclusive (exit 3).
    assert result.exit_code == {"yes": 0, "no": 1, "skip": 3}[meant]


def test_answers_file_yaml_with_booleans_and_flags_win(tmp_path: Path) -> None:
    lines = [f"{qid}: {value}" for qid, value in PASSING.items()]
    path = tmp_path / "answers.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert invoke("--answers", str(path), "--format", "json").exit_code == 0
    result = invoke("--answers", str(path), "--answer", "device-storage-full=yes",
                    "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [c["id"] for c in report["checks"] if c["status"] == "failed"] == ["device-storage"]


def test_answers_file_json(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({**PASSING, "icloud-storage-full": True}), encoding="utf-8")
    result = invoke("--answers", str(path), "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["checks"][2]["status"] == "failed"


def test_answers_file_errors_have_lines(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("restart-done: yes\nrestart-dnoe: no\nios-update-current: maybe\n")
    result = invoke("--answers", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"icloud-fix: {path}:2: unknown question id 'restart-dnoe' (did you mean "
        "'restart-done'?); 'icloud-fix list' shows every question id",
        f"icloud-fix: {path}:3: 'maybe' is not an answer for 'ios-update-current'; "
        "use yes, no, y, n, true, false or skip",
    ]


def test_answers_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("- restart-done\n")
    result = invoke("--answers", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"icloud-fix: {path}:1: must be a mapping of question id to answer")


def test_missing_answers_file() -> None:
    result = invoke("--answers", "no-such-answers.yaml")
    assert result.exit_code == 2
    assert result.stderr == "icloud-fix: no-such-answers.yaml: no such file\n"


def test_list_json_for_script_authors() -> None:
    result = invoke("list", "--format", "json")
    assert result.exit_code == 0
    listing = json.loads(result.stdout)
    flow = load_builtin()
    assert [c["id"] for c in listing["checks"]] == flow.check_ids()
    questions = {q["id"]: q for c in listing["checks"] for q in c["questions"]}
    assert [q["id"] for q in listing["triage"]] + list(questions) == flow.question_ids()
    assert questions["icloud-storage-full"]["pass_answer"] == "no"
    assert questions["connectivity-on-cellular"]["pass_answer"] is None
    assert questions["connectivity-mobile-data-on"]["when"] == {"connectivity-on-cellular": "yes"}
    assert questions["restart-done"]["prompt"].startswith("Have you restarted")


def test_list_text_shows_every_id() -> None:
    result = invoke("list")
    assert result.exit_code == 0
    for qid in load_builtin().question_ids():
        assert qid in result.stdout
    assert "asked only when connectivity-on-cellular=yes" in result.stdout


def test_validate_good_and_bad_files(tmp_path: Path) -> None:
    good = Path(__file__).parent.parent / "steps" / "icloud-photos.yaml"
    bad = Path(__file__).parent / "flows" / "invalid" / "unknown-key.yaml"
    result = invoke("validate", str(good), str(bad))
    assert result.exit_code == 2
    assert f"{good}: valid (7 checks, 27 questions)" in result.stdout
    assert result.stderr.startswith(f"icloud-fix: {bad}:13: unknown key 'promt'")
    assert invoke("validate", str(good)).exit_code == 0


def test_custom_flow_with_steps(tmp_path: Path) -> None:
    path = write_flow(tmp_path, """
        format: 1
        id: printer
        title: Printer will not print
        version: "1"
        checks:
          - id: paper
            title: Paper
            questions:
              - id: paper-loaded
                prompt: Is there paper in the tray?
                pass_answer: "yes"
                remediation: "1. Put paper in the tray."
    """)
    result = invoke("--steps", str(path), "--answer", "paper-loaded=no", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["flow"]["id"] == "printer"
    assert report["checks"][0]["remediation"] == ["1. Put paper in the tray."]
    listing = invoke("list", "--steps", str(path), "--format", "json")
    assert json.loads(listing.stdout)["checks"][0]["id"] == "paper"


def test_bad_steps_file_is_exit_2_with_file_and_line(tmp_path: Path) -> None:
    path = write_flow(tmp_path, "format: 1\nid: x\ntitle: [\n")
    result = invoke("--steps", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"icloud-fix: {path}:")
    assert "YAML syntax error" in result.stderr


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout == f"icloud-fix {__version__}\n"


def test_python_dash_m_and_the_installed_command() -> None:
    run = subprocess.run([sys.executable, "-m", "icloud_fix", "--version"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0 and run.stdout == f"icloud-fix {__version__}\n"


def test_no_color_and_not_a_terminal_have_no_escape_codes() -> None:
    result = scripted({**PASSING, "restart-done": "no"})
    assert "\x1b[" not in result.stdout


@pytest.mark.parametrize("command", ["list", "validate"])
def test_options_before_a_command_are_not_silently_dropped(command: str) -> None:
    result = invoke("--steps", "other.yaml", command)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"icloud-fix: --steps must come after '{command}'")


def test_long_values_are_shortened_in_messages() -> None:
    result = scripted({**PASSING, "restart-done": "x" * 100_000})
    assert result.exit_code == 2
    assert len(result.stderr) < 300 and "'xxxxxxxx" in result.stderr


def test_answers_from_stdin_with_a_dash() -> None:
    from typer.testing import CliRunner

    from icloud_fix.cli import app

    text = "".join(f"{qid}: {value}\n" for qid, value in PASSING.items())
    result = CliRunner().invoke(app, ["--answers", "-", "--format", "json"], input=text)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["outcome"] == "no_problem_found"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("restart-done: yes\n---\nios-update-current: yes\n",
         ":2: holds more than one YAML document (---); only one is allowed"),
        ("restart-done: yes\nios-update-current: \0\n",
         ":2: contains the character U+0000, which YAML does not allow"),
        ("- restart-done\n", ":1: must be a mapping of question id to answer, such as "
         "'photos-status: synced'; found a list"),
    ],
    ids=["two-documents", "nul", "a-list"],
)
def test_answer_file_messages(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(content, encoding="utf-8")
    result = invoke("--answers", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"icloud-fix: {path}{message}\n"


def run_installed(*args: str, **kwargs) -> subprocess.CompletedProcess:
    from helpers import installed_command

    return subprocess.run(f'"{installed_command()}" ' + " ".join(args), shell=True,
                          capture_output=True, text=True, check=False, **kwargs)


def test_closed_stdin_means_no_terminal() -> None:
    flags = " ".join(f"--answer {q}={a}" for q, a in PASSING.items())
    run = run_installed(flags, "<&-")
    assert run.returncode == 0 and "Every check passed." in run.stdout
    plain = run_installed("--plain", "<&-")
    assert plain.returncode == 2
    assert plain.stderr == "icloud-fix: --plain reads answers from stdin, and stdin is closed\n"


def test_closed_or_full_stdout() -> None:
    flags = " ".join(f"--answer {q}={a}" for q, a in {**PASSING, "restart-done": "no"}.items())
    closed = run_installed(flags, ">&-")
    assert closed.returncode == 1 and closed.stderr == ""  # the result still counts
    full = run_installed(flags, ">/dev/full")
    assert full.returncode == 74
    assert full.stderr == "icloud-fix: cannot write the output: No space left on device\n"


def test_validate_counts_in_words(tmp_path: Path) -> None:
    path = write_flow(tmp_path, """
        format: +1
        id: demo
        title: Demo
        version: "1"
        checks:
          - id: one
            title: One
            questions:
              - id: one-q
                prompt: Fine?
                pass_answer: "Yes"
                remediation: Fix it.
    """)
    result = invoke("validate", str(path))
    assert result.exit_code == 0
    assert result.stdout == f"{path}: valid (1 check, 1 question)\n"


def test_markdown_keeps_flow_text_in_its_place(tmp_path: Path) -> None:
    path = write_flow(tmp_path, """
        format: 1
        id: demo
        title: "Pipes | and\\n# headings"
        version: "1"
        checks:
          - id: one
            title: "A | B"
            questions:
              - id: one-q
                prompt: "Line one\\n# not a heading"
                pass_answer: "yes"
                remediation: Fix it.
    """)
    out = invoke("--steps", str(path), "--answer", "one-q=no", "--format", "markdown").stdout
    assert out.startswith("# Pipes \\| and # headings: troubleshooting report\n")
    assert "| 1 | A \\| B | failed |" in out
    assert "- Line one # not a heading **no**" in out
    assert "\n# not a heading" not in out


def test_plain_mode_reads_answers_from_a_pipe() -> None:
    from helpers import installed_command

    # photos-status: synced; then each question of the seven checks, passing.
    keys = "synced\nn\nn\nn\nyes\nn\nn\ny\ny\nn\ny\nn\nn\ny\nN\nn\ny\ny\ny\ny\n"
    run = subprocess.run([installed_command(), "--plain"], input=keys, capture_output=True,
                         text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "Check 7 of 7 - Time to catch up on power and Wi-Fi" in run.stdout
    assert "Every check passed." in run.stdout
    assert "\x1b" not in run.stdout  # no colour, no cursor movement
    assert "+ passed" in run.stdout and "─" not in run.stdout  # words, no box drawing


def test_markdown_report_says_whether_it_was_resolved() -> None:
    answers = {**PASSING, "restart-done": "no"}
    out = invoke("--non-interactive", *answer_flags(answers), "--resolved-by", "restart",
                 "--format", "markdown").stdout
    assert "- Resolved: yes, by the fix for Restart (restart)" in out
    assert "### Restart" in out and "Settings > General > Shut Down" in out
    out = invoke("--non-interactive", *answer_flags(answers), "--format", "markdown").stdout
    assert "- Resolved: no" in out


@pytest.mark.parametrize(("args", "line"), [
    (["--format", "xml"], "icloud-fix: Invalid value for '--format' / '-f': 'xml' is not one "
     "of 'text', 'json', 'markdown', 'html'. (see 'icloud-fix --help')"),
    (["validate"], "icloud-fix: Missing argument 'FILE...'. (see 'icloud-fix validate --help')"),
    (["list", "--zzzz"], "icloud-fix: No such option: --zzzz (see "
     "'icloud-fix list --help')"),
])
def test_usage_errors_are_one_line_like_every_error(args: list[str], line: str) -> None:
    import subprocess

    from helpers import installed_command

    run = subprocess.run([installed_command(), *args], capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, check=False, timeout=30)
    assert run.returncode == 2
    assert run.stderr == line + "\n"
    assert run.stdout == ""
