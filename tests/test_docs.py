"""The README's examples and every command's help stay true."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import typer

from helpers import invoke, write_flow
from icloud_fix.cli import app
from icloud_fix.flowfile.loader import load_file

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def test_readme_flow_example_is_valid(tmp_path: Path) -> None:
    example = next(b for b in code_blocks("yaml") if "format: 2" in b)
    path = write_flow(tmp_path, example)
    flow = load_file(path)
    assert [q.id for q in flow.all_questions()] == [
        "printer-light", "power-on", "paper-state", "paper-cover", "on-wifi", "wifi-light"]
    # As the README says: the blinking light sends the session to the paper check first.
    result = invoke("--steps", str(path), "--format", "json", "-a", "printer-light=blinking",
                    "-a", "paper-state=jammed", "-a", "paper-cover=no", "-a", "on-wifi=no",
                    "-a", "power-on=yes")
    report = json.loads(result.stdout)
    assert [(c["id"], c["status"]) for c in report["checks"]] == [
        ("paper", "failed"), ("power", "passed")]
    assert report["triage"][0]["answer"] == "blinking"


def test_readme_answers_file_example_runs(tmp_path: Path) -> None:
    script = next(b for b in code_blocks("sh") if "answers.yaml" in b)
    body = re.search(r"<<'YAML'\n(.*?)YAML\n", script, re.S)
    assert body
    path = tmp_path / "answers.yaml"
    path.write_text(body.group(1), encoding="utf-8")
    result = invoke("--answers", str(path), "--answer", "icloud-storage-full=yes",
                    "--format", "markdown")
    assert result.exit_code == 1
    assert "| 3 | iCloud storage | failed |" in result.stdout


def test_readme_scripted_example_runs() -> None:
    script = next(b for b in code_blocks("sh") if "--non-interactive" in b)
    flags = re.findall(r"--answer ([a-z-]+=[a-z]+)", script)
    args = ["--non-interactive", "--format", "json"]
    for flag in flags:
        args += ["--answer", flag]
    result = invoke(*args)
    assert result.exit_code == 1  # icloud-storage-full=yes fails


COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]


def test_the_commands() -> None:
    assert sorted(COMMANDS) == ["list", "page", "schema", "validate"]


@pytest.mark.parametrize("name", [None, *sorted(COMMANDS)])
def test_every_command_and_option_has_help(name: str | None) -> None:
    command = typer.main.get_command(app) if name is None else COMMANDS[name]
    assert (command.help or "").strip(), f"{name} has no help text"
    for param in command.params:
        if param.param_type_name == "option":
            assert (param.help or "").strip(), f"{name} {param.opts} has no help text"
    result = invoke(*([] if name is None else [name]), "--help")
    assert result.exit_code == 0 and "Usage:" in result.stdout


def main_help(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "80")
    result = invoke("--help")
    assert result.exit_code == 0
    return result.stdout


def test_help_lists_the_commands_without_cutting_them_short(
        monkeypatch: pytest.MonkeyPatch) -> None:
    listing = main_help(monkeypatch).split("\nCommands:\n")[1].split("\n\n")[0]
    assert listing.splitlines() == [
        "  list      List the checks and question ids, and what passes them.",
        "  validate  Check flow files: FILE:LINE: message for each problem.",
        "  page      The flow as one web page, for people without a terminal.",
        "  schema    Print the JSON Schema of flow files (for editor completion).",
    ]


def help_examples(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The examples at the end of --help, as (what, command) lines."""
    text = main_help(monkeypatch)
    assert max(len(line) for line in text.splitlines()) <= 80
    return [line for line in text.split("\n  Examples:\n\n")[1].splitlines() if line]


def test_help_ends_with_examples_one_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    examples = help_examples(monkeypatch)
    assert examples[:4] == [
        "    Be asked one question at a time, in a terminal:",
        "      icloud-fix",
        "    A script checks one thing, answered by flags (exit 1: it failed):",
        "      icloud-fix --non-interactive --only restart --answer restart-done=no",
    ]
    assert len(examples) == 12
    # As it says: the scripted example runs, and its one check fails.
    result = invoke(*shlex.split(examples[3])[1:])
    assert result.exit_code == 1, result.stderr


def test_readme_shows_the_examples_of_help(monkeypatch: pytest.MonkeyPatch) -> None:
    block = next(b for b in code_blocks("text") if "Be asked one question" in b)
    assert block.splitlines() == [line[4:] for line in help_examples(monkeypatch)]


def test_readme_reliability_counts_are_true() -> None:
    from collections import Counter

    from test_hostile_interactive import CASES
    from test_properties import SETTINGS

    from hostile import ANSWER_CASES, ESCAPES, FLOW_CASES, SCENARIOS, SURROUNDINGS

    loading = sum(case.valid for case in FLOW_CASES)
    runs = 3 * len(FLOW_CASES) + loading + len(ANSWER_CASES) + len(SURROUNDINGS)
    text = " ".join(README.split())  # as the words read, whatever the line breaks
    assert f"**{runs} hostile-input runs**" in text
    assert f"{len(FLOW_CASES)} hostile flow files" in text
    assert f"(and the {loading} that load, through a Markdown report too)" in text
    assert f"{len(ANSWER_CASES)} hostile answer files" in text
    assert f"{len(SURROUNDINGS)} hostile surroundings" in text
    scenario_runs = sum(len(case.steps) for case in SCENARIOS)
    assert f"**{scenario_runs} more runs in {len(SCENARIOS)} hostile scenarios**" in text
    classes = Counter(case.name.split("-")[0] for case in SCENARIOS)
    for count, words in ((classes["plain"], "lines typed to `--plain`"),
                         (classes["only"], "`--only` runs"),
                         (classes["not"], "flow, report and answers file names"),
                         (classes["completion"], "completion requests"),
                         (classes["forged"], "forged flow caches"),
                         (classes["columns"], "huge `COLUMNS`"),
                         (classes["json"], "`--format json` runs"),
                         (classes["full"], "reports or answers written to a full disk")):
        assert f"{count} {words}" in text
    terminal_runs = len(CASES) + 4  # and the two-session tests' 4 runs in a terminal
    assert f"**{terminal_runs} runs of the arrow-key prompter in a pseudo-terminal**" in text
    assert f"the {len(ESCAPES)} escape flows above" in text
    properties = 4
    examples = SETTINGS.max_examples
    assert f"**{properties * examples} generated cases** (hypothesis, {examples} per" in README


def test_readme_picture_is_drawn_by_the_current_renderer() -> None:
    # Regenerate with: python scripts/readme_image.py
    import subprocess
    import sys

    script = Path(__file__).parent.parent / "scripts" / "readme_image.py"
    run = subprocess.run([sys.executable, str(script), "--check"], capture_output=True,
                         text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "![" in README and "(docs/session.svg)" in README


def test_readme_transcript_is_what_a_session_shows() -> None:
    # Print the whole session with: python scripts/readme_transcript.py
    import subprocess
    import sys

    script = Path(__file__).parent.parent / "scripts" / "readme_transcript.py"
    run = subprocess.run([sys.executable, str(script), "--check"], capture_output=True,
                         text=True, check=False, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
