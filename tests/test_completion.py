"""Shell completion, through the installed command: bash runs the very script that
--install-completion installs, and zsh's and fish's requests are made as their
scripts make them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from helpers import installed_command, write_flow
from icloud_fix.flowfile.loader import load_builtin

BIN = str(Path(installed_command()).parent)
CHECKS = load_builtin().check_ids()

# Bash asks for completions as it would at a Tab after `icloud-fix WORDS...`, the last
# word being the one under the cursor; the completion function is the installed one.
COMPLETE = r"""
source "$HOME/.bashrc"
COMP_WORDS=("$@")
COMP_CWORD=$(( $# - 1 ))
COMPREPLY=()
_icloud_fix_completion icloud-fix
printf '%s\n' "${COMPREPLY[@]}"
"""


def shell_env(home: Path) -> dict[str, str]:
    return {**os.environ, "HOME": str(home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home folder where `icloud-fix --install-completion` was run from bash."""
    home = tmp_path_factory.mktemp("home")
    # Not one simple command, so that bash stays icloud-fix's parent: typer asks the
    # process tree which shell to install for.
    run = subprocess.run(["bash", "--norc", "-c", 'icloud-fix --install-completion; exit $?'],
                         env=shell_env(home), capture_output=True, text=True, check=False,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    script = home / ".bash_completions" / "icloud-fix.sh"
    assert run.stdout.splitlines() == [
        f"bash completion installed in {script}",
        "Completion will take effect once you restart the terminal"]
    assert f"source '{script}'" in (home / ".bashrc").read_text(encoding="utf-8")
    return home


def complete(home: Path, *words: str, cwd: Path | None = None) -> list[str]:
    """What bash offers at a Tab after `icloud-fix WORDS`; nothing may go to stderr."""
    run = subprocess.run(["bash", "--norc", "-c", COMPLETE, "bash", "icloud-fix", *words],
                         env=shell_env(home), capture_output=True, text=True, check=False,
                         cwd=cwd, timeout=60)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    return [line for line in run.stdout.splitlines() if line]


def test_option_names(home: Path) -> None:
    assert complete(home, "--on") == ["--only"]
    assert complete(home, "--ver") == ["--verbose", "--version"]
    assert complete(home, "list", "--st") == ["--steps"]
    # An option that acts at once (prints, then exits) does nothing in a completion.
    assert complete(home, "--version", "--on") == ["--only"]


def test_only_offers_the_check_ids(home: Path) -> None:
    assert complete(home, "--only", "") == CHECKS
    assert complete(home, "--only", "i") == ["icloud-storage", "ios-update"]


def test_only_completes_the_id_after_the_last_comma(home: Path) -> None:
    # The ids already given are not offered again.
    assert complete(home, "--only", "connectivity,") == [
        f"connectivity,{check}" for check in CHECKS if check != "connectivity"]
    assert complete(home, "--only", "connectivity,apple-id,re") == [
        "connectivity,apple-id,restart"]


def test_from_and_resolved_by_offer_the_check_ids(home: Path) -> None:
    assert complete(home, "--from", "ios") == ["ios-update"]
    assert complete(home, "--resolved-by", "") == CHECKS


def test_answer_offers_the_question_ids_ready_for_a_value(home: Path) -> None:
    assert complete(home, "--answer", "photos") == ["photos-status="]
    assert complete(home, "-a", "restart") == ["restart-done="]
    assert complete(home, "--answer", "") == [
        f"{question}=" for question in load_builtin().question_ids()]


def test_the_ids_of_the_flow_given_by_steps(home: Path, tmp_path: Path) -> None:
    write_flow(tmp_path, """
        format: 1
        id: printer
        title: Printer will not print
        version: "1"
        checks:
          - id: paper
            title: Paper
            questions:
              - {id: paper-loaded, prompt: Paper?, pass_answer: "yes", remediation: Load it.}
              - {id: paper-dry, prompt: Dry?, pass_answer: "yes", remediation: Dry it.}
          - id: power
            title: Power
            questions:
              - {id: power-on, prompt: On?, pass_answer: "yes", remediation: Switch it on.}
    """, name="custom.yaml")
    assert complete(home, "--steps", "custom.yaml", "--answer", "", cwd=tmp_path) == [
        "paper-loaded=", "paper-dry=", "power-on="]
    assert complete(home, "--steps", "custom.yaml", "--only", "paper,", cwd=tmp_path) == [
        "paper,power"]


@pytest.mark.parametrize("steps", ["missing.yaml", "broken.yaml", "a-folder", "-",
                                   "a-pipe"])
def test_a_flow_that_cannot_be_read_offers_nothing_and_says_nothing(
        home: Path, tmp_path: Path, steps: str) -> None:
    (tmp_path / "broken.yaml").write_text("format: 1\nchecks: [\n", encoding="utf-8")
    (tmp_path / "a-folder").mkdir()
    os.mkfifo(tmp_path / "a-pipe")  # nobody writes to it: it must not be waited on
    assert complete(home, "--steps", steps, "--only", "", cwd=tmp_path) == []
    assert complete(home, "--steps", steps, "--answer", "p", cwd=tmp_path) == []


def test_show_completion_prints_the_script_of_the_shell_it_runs_in() -> None:
    run = subprocess.run(["bash", "--norc", "-c", '"$0" --show-completion; exit $?',
                          installed_command()], capture_output=True, text=True, check=False,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert "complete -o default -F _icloud_fix_completion icloud-fix" in run.stdout


@pytest.mark.parametrize(("shell", "line"), [
    ("zsh", "compdef _icloud_fix_completion icloud-fix"),
    ("fish", "complete --command icloud-fix --no-files"),
])
def test_zsh_and_fish_scripts(shell: str, line: str) -> None:
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    run = subprocess.run([installed_command(), "--show-completion", shell], env=env,
                         capture_output=True, text=True, check=False, timeout=60)
    assert run.returncode == 0, run.stderr
    assert line in run.stdout


def asked_by(shell: str, line: str, **env: str) -> subprocess.CompletedProcess[str]:
    """icloud-fix asked for completions as the zsh or fish script asks, at the end of
    the command line ``line``."""
    return subprocess.run([installed_command()], env={
        **os.environ, "_ICLOUD_FIX_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line,
        **env}, capture_output=True, text=True, check=False, timeout=60)


def test_zsh_completes_the_ids() -> None:
    run = asked_by("zsh", "icloud-fix --only connectivity,apple-id,re")
    assert (run.returncode, run.stdout, run.stderr) == (
        0, "_arguments '*: :((\"connectivity,apple-id,restart\"))'\n", "")
    run = asked_by("zsh", "icloud-fix --answer photos")
    assert run.stdout == "_arguments '*: :((\"photos-status=\"))'\n"


def test_fish_completes_the_ids() -> None:
    run = asked_by("fish", "icloud-fix --from ios", _TYPER_COMPLETE_FISH_ACTION="get-args")
    assert (run.returncode, run.stdout, run.stderr) == (0, "ios-update\n", "")
    run = asked_by("fish", "icloud-fix --answer restart", _TYPER_COMPLETE_FISH_ACTION="get-args")
    assert run.stdout == "restart-done=\n"


def test_completion_options_are_built_only_where_they_can_be_used(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """They look up the parent shell when built (about 13 ms): a scripted run skips them;
    --help, the two options themselves and a shell asking for completions get them."""
    from icloud_fix.cli import _completion_options_wanted

    monkeypatch.delenv("_ICLOUD_FIX_COMPLETE", raising=False)
    assert not _completion_options_wanted(["icloud-fix", "--non-interactive", "-a", "x=yes"])
    for argv in (["icloud-fix", "--help"], ["icloud-fix", "list", "-h"],
                 ["icloud-fix", "--install-completion", "bash"],
                 ["icloud-fix", "--show-completion=zsh"]):
        assert _completion_options_wanted(argv), argv
    monkeypatch.setenv("_ICLOUD_FIX_COMPLETE", "complete_bash")
    assert _completion_options_wanted(["icloud-fix"])
