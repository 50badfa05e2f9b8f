"""Flow text that follows the iPhone in hand: only its iOS version's path when it was
read (every path, labelled, when not), and "Mobile Data" or "Cellular" as its region
says (both names without a reading)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from helpers import installed_command, invoke, write_flow
from icloud_fix.flowfile.variants import Phone, adapt, both, mobile_data

BOTH = both("{cellular}")

FAKES = Path(__file__).parent / "fakes"

FIX = """\
Show the upload status:

1. Open **Photos**.
2. [iOS 26+] Tap **Collections**, then your profile picture.
2. [iOS 18-25] Tap your profile picture at the top of **Library**.
   It is at the top right.
2. [iOS 15-17] Scroll to the bottom of **Library**.
3. Turn on {cellular} for Photos.
"""


@pytest.mark.parametrize(("phone", "expected"), [
    (Phone(26, False), "1. Open **Photos**.\n2. Tap **Collections**, then your profile "
     "picture.\n3. Turn on Cellular for Photos."),
    (Phone(18, True), "1. Open **Photos**.\n2. Tap your profile picture at the top of "
     "**Library**.\n   It is at the top right.\n3. Turn on Mobile Data for Photos."),
    (Phone(16, None), "1. Open **Photos**.\n2. Scroll to the bottom of **Library**.\n"
     f"3. Turn on {BOTH} for Photos."),
    (None, "1. Open **Photos**.\n2. On iOS 26 and later: Tap **Collections**, then your "
     "profile picture.\n2. On iOS 18 to 25: Tap your profile picture at the top of "
     "**Library**.\n   It is at the top right.\n2. On iOS 15 to 17: Scroll to the bottom of "
     f"**Library**.\n3. Turn on {BOTH} for Photos."),
])
def test_only_the_path_of_the_version_in_hand(phone: Phone | None, expected: str) -> None:
    shown = adapt(FIX, phone)
    assert shown is not None
    assert shown.split("\n\n", 1)[1].strip() == expected


@pytest.mark.parametrize(("locale", "language", "says_mobile_data"), [
    ("en_US", "en-US", False), ("en_GB", "en-GB", True), ("en_AU", "en", True),
    ("en_CA", "en-CA", False), ("fr_FR", "fr-FR", None), (None, None, None),
    ("en", "en", None),
])
def test_mobile_data_where_the_phone_says_so(locale: str | None, language: str | None,
                                              says_mobile_data: bool | None) -> None:
    assert mobile_data(locale, language) is says_mobile_data


FLOW = """
    format: 2
    id: photos
    title: Photos
    version: "1"
    checks:
      - id: status
        title: Upload status
        questions:
          - id: status-ok
            prompt: Is the status line in Photos fine?
            pass_answer: "yes"
            remediation: |
              1. Open **Photos**.
              2. [iOS 26+] Tap **Collections**, then your profile picture.
              2. [iOS 18-25] Tap your profile picture at the top of **Library**.
              3. Turn on {cellular} for Photos.
          - id: almost-full
            prompt: Is the iPhone almost full?
            pass_answer: "no"
            suggest: {reading: free-space-gb, yes_below: 1}
            remediation: Free some space.
"""


def scripted(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    flow = write_flow(tmp_path, FLOW)
    environment = {**os.environ, "PATH": f"{FAKES}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run([installed_command(), "--steps", str(flow), "--offline",
                           "--answer", "status-ok=no", *args], capture_output=True,
                          text=True, cwd=tmp_path, env=environment, check=False)


def test_a_report_for_a_read_iphone_gives_its_path_and_its_word(tmp_path: Path) -> None:
    # --auto: the storage question is answered from the iPhone, which is read for it.
    run = scripted(tmp_path, "--auto", "--format", "markdown",
                   FAKE_IDEVICE_VERSION="26.1", FAKE_IDEVICE_LOCALE="en_GB",
                   FAKE_IDEVICE_MODEL="iPhone17,1")
    assert run.returncode == 1, run.stderr
    assert "2. Tap **Collections**, then your profile picture." in run.stdout
    assert "Library" not in run.stdout and "iOS 18" not in run.stdout
    assert "3. Turn on Mobile Data for Photos." in run.stdout
    run = scripted(tmp_path, "--auto", "--format", "json",
                   FAKE_IDEVICE_VERSION="18.6", FAKE_IDEVICE_LOCALE="en_US")
    fix = json.loads(run.stdout)["checks"][0]["remediation"][0]
    assert "2. Tap your profile picture at the top of **Library**." in fix
    assert "Collections" not in fix and "3. Turn on Cellular for Photos." in fix


def test_without_a_reading_every_path_is_given_current_first(tmp_path: Path) -> None:
    run = scripted(tmp_path, "--answer", "almost-full=no", "--format", "markdown")
    assert run.returncode == 1, run.stderr
    shown = run.stdout
    assert shown.index("On iOS 26 and later: Tap **Collections**") < \
        shown.index("On iOS 18 to 25: Tap your profile picture")
    assert f"Turn on {BOTH} for Photos." in shown
    assert "[iOS" not in shown and "{cellular}" not in shown


@pytest.mark.parametrize(("text", "message"), [
    ("[iOS26+] Tap it.", "'[iOS26+]' is no version tag"),
    ("Tap it [iOS 26+].", "'[iOS 26+]' is no version tag"),
    ("[ios 18 to 25] Tap it.", "'[ios 18 to 25]' is no version tag"),
    ("[iOS 25-18] Tap it.", "the version tag '[iOS 25-18]' ends before it starts"),
])
def test_validate_refuses_a_tag_it_cannot_read(tmp_path: Path, text: str, message: str) -> None:
    flow = write_flow(tmp_path, f"""
        format: 2
        id: photos
        title: Photos
        version: "1"
        checks:
          - id: status
            title: Status
            questions:
              - id: status-ok
                prompt: Fine?
                pass_answer: "yes"
                remediation: "{text}"
    """)
    result = invoke("validate", str(flow))
    assert result.exit_code == 2
    assert f"{flow}:12: 'remediation': {message}" in result.stderr


def test_list_shows_the_wording_of_no_reading() -> None:
    run = subprocess.run([installed_command(), "list"], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0
    assert "{cellular" not in run.stdout and "[iOS" not in run.stdout
    assert "On iOS 18 and later: (Settings > Apps > Photos > Cellular Data" in \
        " ".join(run.stdout.split())


@pytest.mark.parametrize(("state", "version"), [("connected", "garbage\x1b[2J"),
                                                ("binary", "17.5")])
def test_output_that_is_no_iphone_is_not_reported_as_the_iphone_read(
        tmp_path: Path, state: str, version: str) -> None:
    run = scripted(tmp_path, "--auto", "--unanswered", "skip", "--format", "json",
                   FAKE_IDEVICE=state, FAKE_IDEVICE_VERSION=version)
    assert json.loads(run.stdout)["device"] is None
