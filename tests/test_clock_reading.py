"""The phone's clock (clock-off-minutes): lockdown's TimeIntervalSince1970 and TimeZone
compared with this computer's clock, with the recorded ideviceinfo; and the readings
asked side by side, within one time budget."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from helpers import PASSING, answer_flags, installed_command, invoke
from hostile import TRICKS
from icloud_fix.flow import Suggest
from icloud_fix.probes import iphone
from icloud_fix.probes.readings import READINGS, all_sources
from icloud_fix.probes.readings.base import ALWAYS
from icloud_fix.probes.readings.clock import TIME, ZONE

FAKES = Path(__file__).parent / "fakes"
RULE = Suggest("clock-off-minutes", yes_below=5)
# Every answer but the date-and-time question's: the clock answers it, or nothing does.
OTHERS = {q: a for q, a in PASSING.items() if q != "connectivity-date-time"}
RULE_SAID = "less than 5 minutes apart counts as right."
COMMANDS = "(ideviceinfo -k TimeIntervalSince1970, ideviceinfo -k TimeZone)."


@pytest.fixture
def iphone_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The recorded ideviceinfo first on PATH."""
    monkeypatch.setenv("PATH", f"{FAKES}{os.pathsep}{os.environ['PATH']}")


def phone(clock: str, zone: str = "Europe/London", asked: float = 1_764_589_200.0,
          took: float = 0.0) -> iphone.DeviceReading:
    """A reading whose clock command was started at ``asked`` (this computer's time)
    and took ``took`` seconds."""
    outputs = {TIME: iphone.Output(0, f"{clock}\n", asked, asked + took),
               ZONE: iphone.Output(0, f"{zone}\n", asked, asked + took)}
    return iphone.DeviceReading("17.5.1", "iPhone15,2", outputs=outputs)


def judge(reading: iphone.DeviceReading) -> tuple[bool, str] | None:
    verdict = READINGS["clock-off-minutes"].judge(RULE, reading, lambda model: None)
    return None if verdict is None else (verdict.yes, verdict.said)


# -- the judge ----------------------------------------------------------------------------

NOW = 1_764_589_200.0


@pytest.mark.parametrize(("clock", "right", "said"), [
    (NOW - 47 * 60, False, "Your iPhone's clock is 47 minutes behind this computer's"),
    (NOW + 47 * 60, False, "Your iPhone's clock is 47 minutes ahead of this computer's"),
    (NOW - 4 * 60, True, "Your iPhone's clock is 4 minutes behind this computer's"),
    (NOW + 20, True, "Your iPhone's clock agrees with this computer's to within a minute"),
    (NOW - 1 * 60, True, "Your iPhone's clock is 1 minute behind this computer's"),
    (NOW + 5 * 3600 + 12 * 60, False, "Your iPhone's clock is 5 hours and 12 minutes ahead "
     "of this computer's"),
    (NOW - 3 * 3600, False, "Your iPhone's clock is 3 hours behind this computer's"),
    (NOW - 3 * 86_400, False, "Your iPhone's clock is about 3 days behind this computer's"),
    # A phone whose clock went back to 1970, as one that lost power can.
    (0, False, "Your iPhone's clock is about 56 years behind this computer's"),
])
def test_how_far_the_clock_is_said(clock: float, right: bool, said: str) -> None:
    assert judge(phone(f"{clock:.6f}")) == (
        right, f"{said}; {RULE_SAID} Its time zone is set to Europe/London.")


def test_the_time_the_phone_gave_is_compared_with_the_middle_of_its_command() -> None:
    # Asked at NOW, answered 4 s later: the phone's NOW + 2 s is this computer's then.
    verdict = READINGS["clock-off-minutes"].judge(
        RULE, phone(f"{NOW + 2:.6f}", took=4.0), lambda model: None)
    assert verdict is not None and verdict.yes
    assert verdict.detail == (
        "Your iPhone's clock agrees with this computer's to within a minute (0 s apart); "
        f"{RULE_SAID[:-1]}; its time zone is Europe/London {COMMANDS}")
    # Judged long after the reading (the question comes later): still the reading's time.
    late = READINGS["clock-off-minutes"].judge(
        RULE, phone(f"{NOW - 47 * 60:.6f}", asked=NOW), lambda model: None)
    assert late is not None and "47 minutes (2,820 s) behind" in late.detail


@pytest.mark.parametrize("clock", [
    "nan", "inf", "-inf", "1" + "0" * 400, "9" * 5000, "-1", "-1764589200", "1e9",
    "1764589200.5e3", "99999999999", "4102444800", "soon", "", " ", "1764589200,5",
    "1764589200.5" + TRICKS, TRICKS, "0x6930F510", "TimeIntervalSince1970: 1764589200",
    "1764589200\n1764589200", "+1764589200", "1764589200.1234567890123",
])
def test_a_clock_that_cannot_be_read_is_no_reading(clock: str) -> None:
    assert judge(phone(clock)) is None


def test_a_clock_command_that_failed_is_no_reading() -> None:
    failed = iphone.DeviceReading("17.5.1", "iPhone15,2", outputs={
        TIME: iphone.Output(255, f"{NOW}\n", NOW, NOW)})
    assert judge(failed) is None
    assert judge(iphone.DeviceReading("17.5.1", "iPhone15,2")) is None


@pytest.mark.parametrize("zone", ["", "Europe/London" + TRICKS, "x" * 400, "../../etc",
                                  "Europe/London\nUTC", "Time Zone: UTC", "\u202eUTC"])
def test_a_time_zone_that_is_not_one_is_not_named(zone: str) -> None:
    assert judge(phone(f"{NOW - 47 * 60:.6f}", zone=zone)) == (
        False, f"Your iPhone's clock is 47 minutes behind this computer's; {RULE_SAID}")


@pytest.mark.parametrize("zone", ["UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+5"])
def test_time_zones_are_named(zone: str) -> None:
    verdict = judge(phone(f"{NOW:.6f}", zone=zone))
    assert verdict is not None and verdict[1].endswith(f" Its time zone is set to {zone}.")


# -- through the recorded ideviceinfo ------------------------------------------------------

def questions(report: dict) -> dict[str, dict]:
    return {q["id"]: q for c in report["checks"] for q in c["questions"]}


@pytest.mark.usefixtures("iphone_on_path")
def test_a_clock_47_minutes_behind_is_suggested_as_wrong_with_evidence(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_IDEVICE_CLOCK_OFFSET", str(-47 * 60))
    result = invoke("--non-interactive", "--auto", "--offline", *answer_flags(OTHERS),
                    "--format", "json")
    assert result.exit_code == 1, result.stderr  # the date-and-time check fails
    report = json.loads(result.stdout)
    found = questions(report)["connectivity-date-time"]
    assert (found["answer"], found["passed"], found["source"]) == ("no", False, "probe")
    # Seconds as measured (the fake's own start-up blurs the last one).
    assert re.fullmatch(
        r"Your iPhone's clock is 47 minutes \(2,8(19|20|21) s\) behind this computer's; "
        + re.escape(f"{RULE_SAID[:-1]}; its time zone is Europe/London {COMMANDS}"),
        found["evidence"]), found["evidence"]
    [connectivity] = [c for c in report["checks"] if c["id"] == "connectivity"]
    assert connectivity["status"] == "failed"


@pytest.mark.usefixtures("iphone_on_path")
def test_a_clock_that_is_right_is_suggested_as_right() -> None:
    result = invoke("--non-interactive", "--auto", "--offline", *answer_flags(OTHERS),
                    "--format", "json")
    assert result.exit_code == 0, result.stderr
    found = questions(json.loads(result.stdout))["connectivity-date-time"]
    assert (found["answer"], found["passed"], found["source"]) == ("yes", True, "probe")
    assert found["evidence"].startswith(
        "Your iPhone's clock agrees with this computer's to within a minute (")


@pytest.mark.usefixtures("iphone_on_path")
@pytest.mark.parametrize("clock", ["nan", "1" + "0" * 400, "-99999999999999", TRICKS,
                                   "1e999"])
def test_a_hostile_clock_is_no_reading_and_no_crash(monkeypatch: pytest.MonkeyPatch,
                                                    clock: str) -> None:
    monkeypatch.setenv("FAKE_IDEVICE_TIME", clock)
    monkeypatch.setenv("FAKE_IDEVICE_TIMEZONE", "Europe/London" + TRICKS)
    result = invoke("--non-interactive", "--auto", "--offline", *answer_flags(OTHERS))
    # Nothing settles the question, so a script without its answer stops, as it would
    # with no iPhone at all; the other readings still answer theirs.
    assert result.exit_code == 2
    assert result.stderr.startswith("icloud-fix: no answer for connectivity-date-time;")
    assert "\x1b" not in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def plain(tmp_path: Path, typed: str, **env: str) -> tuple[int, str]:
    """icloud-fix --plain with the recorded ideviceinfo, every answer given but the
    date-and-time question's, ``typed`` piped in."""
    flags = [f"--answer={q}={a}" for q, a in OTHERS.items()]
    run = subprocess.run(
        [installed_command(), "--plain", "--offline", *flags, "--output", "r.json"],
        input=typed, capture_output=True, text=True, cwd=tmp_path, check=False, timeout=60,
        env={**os.environ, "PATH": f"{FAKES}{os.pathsep}{os.environ['PATH']}",
             "COLUMNS": "300", **env})
    assert "Traceback" not in run.stderr, run.stderr
    return run.returncode, run.stdout


def test_plain_session_shows_how_far_behind_and_takes_it_on_enter(tmp_path: Path) -> None:
    # Enter takes the suggested "no"; n to "do your photos sync now?".
    code, out = plain(tmp_path, "\nn\n", FAKE_IDEVICE_CLOCK_OFFSET=str(-47 * 60))
    assert code == 1
    assert ("  From your iPhone: Your iPhone's clock is 47 minutes behind this computer's; "
            f"{RULE_SAID} Its time zone is set to Europe/London. Suggested answer: no.\n"
            ) in out
    assert ('Does the iPhone show the right date and time? (Settings > General > Date & '
            'Time; "Set Automatically" there keeps them right.) (Enter = no as suggested) '
            ) in out
    assert "  2. Turn on Set Automatically.\n" in out  # the flow's fix, shown
    found = questions(json.loads((tmp_path / "r.json").read_text(encoding="utf-8")))
    assert (found["connectivity-date-time"]["answer"],
            found["connectivity-date-time"]["source"]) == ("no", "probe")
    assert "ideviceinfo" not in out and "TimeIntervalSince1970" not in out


def test_plain_session_with_a_right_clock_suggests_yes(tmp_path: Path) -> None:
    code, out = plain(tmp_path, "\n")
    assert code == 0
    assert ("  From your iPhone: Your iPhone's clock agrees with this computer's to within "
            f"a minute; {RULE_SAID} Its time zone is set to Europe/London. Suggested "
            "answer: yes.\n") in out


def test_plain_session_with_a_hostile_clock_asks_as_before(tmp_path: Path) -> None:
    code, out = plain(tmp_path, "y\n", FAKE_IDEVICE_TIME="1" + "0" * 400 + TRICKS,
                      FAKE_IDEVICE_TIMEZONE=TRICKS)
    assert code == 0
    assert "Does the iPhone show the right date and time?" in out
    assert "Suggested answer" not in out and "Enter =" not in out
    assert "\x1b" not in out and "\u202e" not in out


# -- side by side, within one budget ------------------------------------------------------

@pytest.mark.usefixtures("iphone_on_path")
def test_the_sources_are_asked_side_by_side(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    # Each command after the first waits until all of them have started: asked one
    # after another, the first would wait out the whole budget and nothing would be read.
    rest = len(set(ALWAYS) | set(all_sources())) - 1
    monkeypatch.setenv("FAKE_IDEVICE_GATHER", f"{tmp_path}:{rest}")
    reading = iphone.read(timeout=30)
    assert isinstance(reading, iphone.DeviceReading)
    assert len(reading.outputs) == rest + 1
    assert all(output.code == 0 for output in reading.outputs.values()), reading.outputs
    assert len(os.listdir(tmp_path)) == rest
    assert reading.product_type == "iPhone15,2" and reading.locale == "en_US"


@pytest.mark.usefixtures("iphone_on_path")
def test_one_budget_for_every_command(monkeypatch: pytest.MonkeyPatch) -> None:
    # The iPhone answers its version and then nothing: every other command runs out of
    # the same budget. One after another, each with its own, would take 6 budgets.
    monkeypatch.setenv("FAKE_IDEVICE", "slow-after-version")
    began = time.monotonic()
    reading = iphone.read(timeout=1.0)
    took = time.monotonic() - began
    assert isinstance(reading, iphone.DeviceReading)
    assert reading.product_version == "17.5.1" and reading.product_type is None
    assert judge(reading) is None
    assert took < 4.0, took  # generous: one budget, plus starting the commands
