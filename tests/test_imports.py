"""Scripted runs never load the prompt libraries (nor rich, for JSON): a deterministic
check that stands in for the start-up benchmark in CI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers import PASSING
from icloud_fix.flowfile.loader import builtin_flow_path

PROBE = """
import json, sys
from icloud_fix.cli import main
sys.argv = ["icloud-fix", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as exit:
    packages = {"questionary", "prompt_toolkit", "rich", "pydantic", "markdown_it", "pygments"}
    # And none of the network: the iPhone and Apple's feeds are looked at only when asked.
    modules = {"urllib.request", "http.client", "ssl", "icloud_fix.probes.background"}
    loaded = sorted({m.split(".")[0] for m in sys.modules} & packages | set(sys.modules) & modules)
    sys.stderr.write("\\nLOADED " + json.dumps({"code": exit.code, "modules": loaded}) + "\\n")
"""

FLAGS = [f"--answer={qid}={value}" for qid, value in PASSING.items()]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--non-interactive", *FLAGS, "--format", "json"], 0),
        (["--non-interactive", *FLAGS, "--format", "markdown"], 0),
        (["list", "--format", "json"], 0),
        (["validate", str(builtin_flow_path())], 0),
        (["--non-interactive", "--answer", "restart-dnoe=yes"], 2),
        (["page", "--output", os.devnull], 0),
    ],
    ids=["run-json", "run-markdown", "list-json", "validate", "input-error", "page"],
)
def test_scripted_paths_load_no_prompt_library_and_no_rich(args: list[str], code: int) -> None:
    run = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True,
                         text=True, stdin=subprocess.DEVNULL, check=False)
    report = json.loads(run.stderr.rsplit("LOADED ", 1)[1])
    assert report == {"code": code, "modules": []}


def test_text_output_loads_rich_but_no_prompt_library() -> None:
    run = subprocess.run([sys.executable, "-c", PROBE, json.dumps(["--non-interactive", *FLAGS])],
                         capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    modules = json.loads(run.stderr.rsplit("LOADED ", 1)[1])["modules"]
    assert "rich" in modules
    assert "questionary" not in modules and "prompt_toolkit" not in modules


def test_a_warm_cache_spares_reading_yaml() -> None:
    # The first run parses the built-in flow and keeps it; the next imports no PyYAML.
    args = json.dumps(["--non-interactive", *FLAGS, "--format", "json"])
    probe = PROBE.replace('"pygments"}', '"pygments", "yaml"}')
    for expected in (["yaml"], []):
        run = subprocess.run([sys.executable, "-c", probe, args], capture_output=True,
                             text=True, stdin=subprocess.DEVNULL, check=False)
        report = json.loads(run.stderr.rsplit("LOADED ", 1)[1])
        assert report == {"code": 0, "modules": expected}
