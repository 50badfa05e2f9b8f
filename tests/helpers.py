"""Helpers the tests share: flows written next to the test that uses them, CLI runners,
and where the example flows live."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icloud_fix.cli import app

# The built-in flow's question ids, each with the answer that passes it.
PASSING = {
    "apple-id-same-account": "yes",
    "apple-id-sync-on": "yes",
    "connectivity-internet-works": "yes",
    "connectivity-on-cellular": "no",
    "connectivity-low-data-mode": "no",
    "icloud-storage-full": "no",
    "device-storage-full": "no",
    "restart-done": "yes",
    "ios-update-current": "yes",
    "charging-wifi-left-to-sync": "yes",
    "charging-wifi-low-power-mode": "no",
}


def answer_flags(answers: dict[str, str]) -> list[str]:
    flags: list[str] = []
    for qid, value in answers.items():
        flags += ["--answer", f"{qid}={value}"]
    return flags


def write_flow(tmp_path: Path, text: str, name: str = "flow.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def invoke(*args: str):
    """Run the CLI in-process; stdin is not a terminal, so it never prompts."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def installed_command() -> str:
    """The icloud-fix installed beside the Python running the tests."""
    found = shutil.which("icloud-fix", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("icloud-fix is not installed in this environment: pip install '.[test]'")
    return found


INVALID = sorted((Path(__file__).parent / "flows" / "invalid").glob("*.yaml"))
STEPS = sorted((Path(__file__).parent.parent / "steps").glob("*.yaml"))


def statuses(report: dict) -> list:
    """Each check's status and answers, leaving out where the answers came from."""
    return [(c["id"], c["status"], [(q["id"], q["answer"], q["passed"]) for q in c["questions"]])
            for c in report["checks"]]
