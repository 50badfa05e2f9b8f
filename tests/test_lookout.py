"""Looking before asking, with fakes: a recorded ideviceinfo on PATH and Apple's feeds
served from fixture files on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest

from helpers import (
    PASSING,
    SUGGESTED,
    FeedServer,
    answer_flags,
    background_done,
    installed_command,
    invoke,
    read_to_the_end,
    start_installed,
)
from icloud_fix.probes import apple_feeds
from icloud_fix.probes import iphone as device

FEEDS = Path(__file__).parent / "feeds"
FAKES = Path(__file__).parent / "fakes"
SERVICES = ("Photos", "iCloud Account & Sign In", "iCloud Storage Upgrades")




@pytest.fixture
def iphone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The recorded ideviceinfo first on PATH (FAKE_IDEVICE picks the situation)."""
    monkeypatch.setenv("PATH", f"{FAKES}{os.pathsep}{os.environ['PATH']}")


def use_feeds(monkeypatch: pytest.MonkeyPatch, feeds: str, status: str) -> None:
    monkeypatch.setenv("ICLOUD_FIX_STATUS_URL", f"{feeds}/{status}")
    monkeypatch.setenv("ICLOUD_FIX_VERSIONS_URL", f"{feeds}/pmv.json")


# -- the feeds, parsed ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["status-outage.js", "status-outage-unwrapped.json"])
def test_status_wrapped_and_unwrapped(name: str) -> None:
    outages = apple_feeds.parse_status((FEEDS / name).read_text(), SERVICES)
    # Only ongoing events of the services that matter: not the resolved sign-in
    # event, not Apple Music.
    assert outages == [apple_feeds.Outage(
        "Photos", "Users may be experiencing a problem with Photos syncing.",
        "11/25/2026 12:00 PST")]


def test_feed_text_cannot_drive_the_terminal() -> None:
    feed = json.dumps({"services": [{"serviceName": "Photos", "events": [{
        "eventStatus": "ongoing", "startDate": "\x1b]52;c;eA==\x07today",
        "message": "Down\x1b[2J\rEnter your Apple ID password:"}]}]})
    [outage] = apple_feeds.parse_status(feed, SERVICES)
    assert "\x1b" not in outage.message + outage.started and "\r" not in outage.message
    assert outage.message == "Down\\x1b[2J\\x0dEnter your Apple ID password:"


def test_status_healthy_and_malformed() -> None:
    assert apple_feeds.parse_status((FEEDS / "status-healthy.js").read_text(), SERVICES) == []
    assert apple_feeds.parse_status((FEEDS / "status-malformed.js").read_text(), SERVICES) is None


def test_latest_ios_for_a_model() -> None:
    text = (FEEDS / "pmv.json").read_text()
    assert apple_feeds.parse_latest_ios(text, "iPhone15,2") == "18.1"
    assert apple_feeds.parse_latest_ios(text, "iPhone17,1") == "19.0"
    assert apple_feeds.parse_latest_ios(text, "iPhone99,9") is None
    assert apple_feeds.parse_latest_ios("not json", "iPhone15,2") is None


def test_unreachable_feed_is_none_within_the_timeout(feeds: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICLOUD_FIX_STATUS_URL", f"{feeds}/slow")
    assert apple_feeds.service_status(SERVICES, timeout=0.5) is None
    monkeypatch.setenv("ICLOUD_FIX_STATUS_URL", f"{feeds}/no-such-feed")
    assert apple_feeds.service_status(SERVICES) is None


# -- the iPhone, read --------------------------------------------------------------------

@pytest.mark.usefixtures("iphone")
@pytest.mark.parametrize(
    ("state", "reason"),
    [("not-connected", "no iPhone is connected by USB"),
     ("untrusted", "has not trusted this computer yet"),
     ("locked", "the iPhone is locked")],
)
def test_device_unavailable(monkeypatch: pytest.MonkeyPatch, state: str, reason: str) -> None:
    monkeypatch.setenv("FAKE_IDEVICE", state)
    reading = device.read()
    assert isinstance(reading, device.DeviceUnavailable) and reason in reading.reason


@pytest.mark.usefixtures("iphone")
def test_device_connected() -> None:
    from icloud_fix.probes.readings import READINGS, Source

    reading = device.read()
    assert isinstance(reading, device.DeviceReading)
    assert (reading.product_version, reading.product_type, reading.locale,
            reading.language) == ("17.5.1", "iPhone15,2", "en_US", "en-US")
    # One command for each source the registry's readings name, and the ones every
    # session needs: each read once.
    asked = [s.command() for s in reading.outputs]
    assert sorted(asked) == sorted(set(asked)) == [
        "ideviceinfo -k ProductType", "ideviceinfo -k ProductVersion",
        "ideviceinfo -k TimeIntervalSince1970", "ideviceinfo -k TimeZone",
        "ideviceinfo -q com.apple.disk_usage", "ideviceinfo -q com.apple.international",
        "ideviceinfo -q com.apple.mobile.battery"]
    assert {s for r in READINGS.values() for s in r.sources} <= set(reading.outputs)
    assert reading.fields(Source(domain="com.apple.disk_usage"))["TotalDataAvailable"] == (
        "600000000")
    assert reading.value(Source(key="TimeZone")) == "Europe/London"


def test_no_device_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert device.read() == device.DeviceUnavailable(
        "ideviceinfo is not installed (libimobiledevice)", tool_missing=True)


@pytest.mark.skipif(shutil.which("ideviceinfo") is None,
                    reason="Debian's libimobiledevice-utils is not installed")
def test_the_real_ideviceinfo_with_no_device() -> None:
    reading = device.read()
    assert isinstance(reading, device.DeviceUnavailable)


@pytest.mark.parametrize(("value", "wait"), [
    (None, 1.0), ("2.5", 2.5), (" 30 ", 30.0), ("0", 0.0), ("-1", 0.0), ("1e9", 60.0),
    ("", 1.0), ("soon", 1.0), ("1s", 1.0), ("nan", 1.0), ("inf", 1.0), ("-inf", 1.0)])
def test_how_long_a_question_waits_for_its_reading(monkeypatch: pytest.MonkeyPatch,
                                                   value: str | None, wait: float) -> None:
    """A second, unless ICLOUD_FIX_READING_WAIT says otherwise (the tests make it long);
    what is not a number is the second, and a number is kept between 0 and 60."""
    from icloud_fix.prompts.base import suggestion_wait

    if value is None:
        monkeypatch.delenv("ICLOUD_FIX_READING_WAIT", raising=False)
    else:
        monkeypatch.setenv("ICLOUD_FIX_READING_WAIT", value)
    assert suggestion_wait() == wait


# -- scripted: --auto, sources and evidence in the JSON report ----------------------------

# The questions a reading from the iPhone settles, left open for it.
OPEN = {k: v for k, v in PASSING.items()
        if k not in SUGGESTED}


def questions(report: dict) -> dict[str, dict]:
    return {q["id"]: q for c in report["checks"] for q in c["questions"]}


@pytest.mark.usefixtures("iphone")
def test_auto_answers_from_the_iphone_with_evidence(feeds: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    use_feeds(monkeypatch, feeds, "status-healthy.js")
    result = invoke("--non-interactive", "--auto", *answer_flags(OPEN), "--format", "json")
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    found = questions(report)
    assert found["device-storage-full"]["answer"] == "yes"  # 0.6 GB < 1 GB
    assert found["device-storage-full"]["source"] == "probe"
    assert found["device-storage-full"]["evidence"] == (
        "Your iPhone reports 0.6 GB free of 128 GB; below 1 GB counts as almost full "
        "(ideviceinfo -q com.apple.disk_usage).")
    assert found["ios-update-current"]["answer"] == "no"
    # 17.7.1 is out for the iOS 17 it has: an update is due. 18.1 is only an option.
    assert found["ios-update-current"]["evidence"].startswith(
        "Your iPhone reports iOS 17.5.1; the latest for iPhone15,2 is 17.7.1, and iOS 18.1 "
        "is offered as an upgrade")
    assert found["charging-wifi-plugged-in"]["answer"] == "yes"
    assert "plugged in and charging, battery at 54%" in (
        found["charging-wifi-plugged-in"]["evidence"])
    assert found["restart-done"]["source"] == "flag" and "evidence" not in found["restart-done"]
    assert report["service_status"] == {"reachable": True, "outages": []}


@pytest.mark.usefixtures("iphone")
def test_flags_win_over_readings(feeds: str, monkeypatch: pytest.MonkeyPatch) -> None:
    use_feeds(monkeypatch, feeds, "status-healthy.js")
    result = invoke("--non-interactive", "--auto", *answer_flags(PASSING), "--format", "json")
    assert result.exit_code == 0
    assert {q["source"] for q in questions(json.loads(result.stdout)).values()} <= {"flag", None}


@pytest.mark.usefixtures("iphone")
@pytest.mark.parametrize("state", ["not-connected", "untrusted", "locked"])
def test_without_a_readable_iphone_scripts_behave_as_before(
        state: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_IDEVICE", state)
    result = invoke("--non-interactive", "--auto", "--offline", *answer_flags(OPEN))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"icloud-fix: no answer for {', '.join(SUGGESTED)}; ")


@pytest.mark.usefixtures("iphone")
def test_offline_reads_the_iphone_but_not_the_network(feeds: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    use_feeds(monkeypatch, feeds, "status-outage.js")
    flags = answer_flags({**OPEN, "ios-update-current": "yes"})
    result = invoke("--non-interactive", "--auto", "--offline", *flags, "--format", "json")
    report = json.loads(result.stdout)
    assert report["service_status"] is None
    assert questions(report)["device-storage-full"]["source"] == "probe"
    assert questions(report)["ios-update-current"]["source"] == "flag"


@pytest.mark.parametrize(
    ("feed", "status"),
    [("status-outage.js", {"reachable": True, "outages": [{
        "service": "Photos", "message": "Users may be experiencing a problem with Photos "
        "syncing.", "started": "11/25/2026 12:00 PST"}]}),
     ("status-malformed.js", {"reachable": False, "outages": []}),
     ("slow", {"reachable": False, "outages": []})],
    ids=["ongoing-outage", "malformed", "slow"],
)
def test_service_status_in_the_json_report(feeds: str, monkeypatch: pytest.MonkeyPatch,
                                           feed: str, status: dict) -> None:
    use_feeds(monkeypatch, feeds, feed)
    result = invoke("--non-interactive", "--auto", *answer_flags(PASSING), "--format", "json")
    assert json.loads(result.stdout)["service_status"] == status


def test_without_auto_a_script_reads_nothing() -> None:
    report = json.loads(invoke("--non-interactive", *answer_flags(PASSING), "--format",
                               "json").stdout)
    assert report["service_status"] is None


# -- interactive, in a pseudo-terminal ------------------------------------------------------

def spawn(tmp_path: Path, feeds: str, status: str, *args: str, **env: str) -> pexpect.spawn:
    return start_installed(args, tmp_path, columns=200, env={
        "PATH": f"{FAKES}{os.pathsep}{os.environ['PATH']}",
        "ICLOUD_FIX_STATUS_URL": f"{feeds}/{status}",
        "ICLOUD_FIX_VERSIONS_URL": f"{feeds}/pmv.json", **env})


def test_an_outage_is_said_first_and_the_person_may_stop(
        tmp_path: Path, feeds: str, feed_server: FeedServer) -> None:
    status = feed_server.url("status-outage.js")
    child = spawn(tmp_path, feeds, "status-outage.js", ICLOUD_FIX_STATUS_URL=status)
    child.expect_exact("What does the iCloud status line")
    # The feed is read while the first question waits (never delaying it), and the
    # outage is said before the next one.
    child.expect_exact("Explain this question")
    # A person takes a moment to answer, and the feed (on 127.0.0.1) has come by then:
    # answered once it has been read. (Answering before, the outage would be said before
    # the question after the next.)
    feed_server.wait_served(status)
    background_done(child.pid)
    child.send("1")
    child.expect_exact("Apple reports a problem with its own service right now:")
    child.expect_exact("Photos (since 11/25/2026 12:00 PST): Users may be experiencing a "
                       "problem with Photos syncing.")
    child.expect_exact("Go on with the checks anyway?")
    child.send("n")
    out = read_to_the_end(child)
    child.close()
    # Stopping because Apple is down is an honest outcome, not a success.
    assert child.exitstatus == 1
    assert "Stopped: you chose to wait while Apple reports an outage" in out
    text = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", out)
    assert "Stopped: Apple reports an outage of Photos. No setting on your iPhone can fix " \
        "that." in " ".join(text.split())


def test_suggestions_are_shown_and_confirmed_with_enter(tmp_path: Path, feeds: str) -> None:
    flags = [f"--answer={q}={a}" for q, a in PASSING.items() if not q.startswith(
        ("device-storage", "restart", "ios-update", "charging-wifi"))]
    child = spawn(tmp_path, feeds, "status-healthy.js", *flags, "--output", "report.json")
    # Said once, where check 1 would have been: nothing was asked in the first three.
    child.expect_exact("Checks 1 to 3 answered from the command line.")
    child.expect_exact("Check 4 of 7 - iPhone storage")
    child.expect_exact("From your iPhone: Your iPhone reports 0.6 GB free of 128 GB; below "
                       "1 GB counts as almost full.")
    child.expect_exact("Suggested answer: yes.")
    child.expect_exact("Explain this question")
    child.send("\r")  # Enter: the pre-selected, suggested answer
    child.expect_exact("Do your photos sync now?")
    child.send("n")
    child.expect_exact("Check 5 of 7")
    child.send("y")
    # The model by the name its owner knows; Apple's identifier stays in the report.
    child.expect_exact("From your iPhone: Your iPhone 14 Pro has iOS 17.5.1; the latest for "
                       "it is 17.7.1 (iOS 18.1 is also offered, as an optional upgrade")
    child.expect_exact("Suggested answer: no.")
    child.expect_exact("Explain this question")
    child.send("y")  # overrides the suggested "no"
    child.expect_exact("Check 7 of 7")
    child.expect_exact("Suggested answer: yes.")
    child.expect_exact("Explain this question")
    child.send("\r")  # plugged in and charging right now, as suggested
    child.expect_exact("Since the problem began")  # the past: nothing to suggest
    assert "Suggested answer" not in child.before
    child.send("y")
    out = child.before + child.read()
    child.close()
    assert child.exitstatus == 1
    seen = child.screen_log.getvalue()
    assert seen.count("answered from the command line") == 1
    assert "iPhone15,2" not in seen and "com.apple" not in seen and "ideviceinfo" not in seen
    assert "Summary" in out
    found = questions(json.loads((tmp_path / "report.json").read_text(encoding="utf-8")))
    assert found["device-storage-full"]["source"] == "probe"
    assert found["device-storage-full"]["answer"] == "yes"
    assert found["device-storage-full"]["evidence"].endswith(
        "(ideviceinfo -q com.apple.disk_usage).")
    asked = {k: v for k, v in found["ios-update-current"].items() if k != "text"}
    assert asked == {"id": "ios-update-current", "answer": "yes", "passed": True,
                     "source": "prompt"}
    assert found["charging-wifi-plugged-in"]["source"] == "probe"
    assert found["charging-wifi-left-to-sync"]["source"] == "prompt"
    assert found["apple-id-same-account"]["source"] == "flag"


CONNECT = ("Connect your iPhone with a cable to let icloud-fix read its iOS version, "
           "battery, storage and clock.")
HEALTHY = "Apple reports no problem with iCloud Photos right now."


def notes_before(screen: str, heading: str) -> list[str]:
    """The notes said just before a check's heading: the indented lines between two
    blank lines above it, without terminal control sequences."""
    lines = [line.rstrip() for line in re.sub(
        r"\x1b\[[0-9;?]*[a-zA-Z]", "", screen).replace("\r", "").split("\n")]
    at = lines.index(heading)
    assert lines[at - 1] == "", "a blank line before the heading"
    notes: list[str] = []
    for line in reversed(lines[:at - 1]):
        if not line:
            return notes
        if not line.startswith("  "):
            return []  # the end of what came before: no notes
        notes.insert(0, line.strip())
    return notes


def test_no_iphone_is_said_once_before_the_first_check_it_concerns(
        tmp_path: Path, feeds: str, feed_server: FeedServer) -> None:
    flags = [f"--answer={q}={a}" for q, a in PASSING.items() if not q.startswith(
        ("photos-status", "device-storage", "ios-update", "charging-wifi", "restart"))]
    status = feed_server.url("status-healthy.js")
    child = spawn(tmp_path, feeds, "status-healthy.js", *flags, FAKE_IDEVICE="not-connected",
                  ICLOUD_FIX_STATUS_URL=status)
    child.expect_exact("What does the iCloud status line")
    child.expect_exact("Explain this question")
    # A person takes a moment: the iPhone and Apple's status are read meanwhile (from
    # when the first question is on the screen), and said at the next check: answered
    # once both have been read.
    feed_server.wait_served(status)
    background_done(child.pid)
    child.send("1")
    for heading in ("Check 4 of 7", "Check 5 of 7", "Check 6 of 7", "Check 7 of 7"):
        answer_once(child, heading, "y" if heading != "Check 4 of 7" else "n")
    answer_once(child, "Since the problem began", "y")
    read_to_the_end(child)
    child.close()
    assert child.exitstatus == 0
    screen = child.screen_log.getvalue()
    assert notes_before(screen, "Check 4 of 7 - iPhone storage") == [
        "Checks 1 to 3 answered from the command line.", HEALTHY, CONNECT]
    assert notes_before(screen, "Check 5 of 7 - Restart") == []
    assert notes_before(screen, "Check 6 of 7 - iOS update") == []
    assert notes_before(screen, "Check 7 of 7 - Time to catch up on power and Wi-Fi") == []
    # Each said once, in words: no tool, no identifier, no "readings".
    assert screen.count("Connect your iPhone") == screen.count(HEALTHY) == 1
    assert "ideviceinfo" not in screen and "No readings" not in screen


def answer_once(child: pexpect.spawn, expected: str, key: str) -> None:
    child.expect_exact(expected)
    child.send(key)


def test_plain_mode_offers_the_suggestion_on_enter(tmp_path: Path, feeds: str) -> None:
    import subprocess

    env = {**os.environ, "PATH": f"{FAKES}{os.pathsep}{os.environ['PATH']}",
           "ICLOUD_FIX_STATUS_URL": f"{feeds}/status-healthy.js",
           "ICLOUD_FIX_VERSIONS_URL": f"{feeds}/pmv.json", "COLUMNS": "300"}
    # The clock is answered by a flag: the keys below take the other readings' questions.
    flags = [f"--answer={q}={a}" for q, a in PASSING.items()
             if q not in SUGGESTED or q == "connectivity-date-time"]
    # "maybe" is no answer; Enter takes the suggestion (almost full), n to "sync now?",
    # Enter (not up to date) and n, then n overrides the suggested "yes" for plugged
    # in, and n.
    keys = "maybe\n\nn\n\nn\nn\nn\n"
    run = subprocess.run([installed_command(), "--plain", *flags, "--output", "r.json"],
                         input=keys, capture_output=True, text=True, env=env, cwd=tmp_path,
                         check=False)
    assert run.returncode == 1, run.stderr
    out = run.stdout
    assert ("  From your iPhone: Your iPhone reports 0.6 GB free of 128 GB; below 1 GB counts "
            "as almost full. Suggested answer: yes.\n") in out
    asked = ('Is this iPhone almost out of space (Settings > General > iPhone Storage shows '
             'the bar nearly full, or you saw "iPhone Storage Full")? (Enter = yes as '
             'suggested) ')
    # The reply names Enter too, the one key that takes the suggestion.
    assert (f"{asked}maybe\nPlease type y (yes), n (no), s (not sure), h (help), b (back one "
            f"question) or Enter (yes, as suggested).\n{asked}\n") in out
    assert ("  From your iPhone: Your iPhone 14 Pro has iOS 17.5.1; the latest for it is "
            "17.7.1 (iOS 18.1 is also offered, as an optional upgrade that syncing does not "
            "need). Suggested answer: no.\n") in out
    assert ("  From your iPhone: Your iPhone reports it is plugged in and charging, battery "
            "at 54%. Suggested answer: yes.\n") in out
    # The person reads the model's name and no command; the report keeps both.
    assert "iPhone15,2" not in out and "ideviceinfo" not in out and "com.apple" not in out
    found = questions(json.loads((tmp_path / "r.json").read_text(encoding="utf-8")))
    assert found["ios-update-current"]["evidence"] == (
        "Your iPhone reports iOS 17.5.1; the latest for iPhone15,2 is 17.7.1, and iOS 18.1 is "
        "offered as an upgrade (ideviceinfo -k ProductVersion, Apple's software update "
        "feed).")
    assert found["device-storage-full"]["evidence"] == (
        "Your iPhone reports 0.6 GB free of 128 GB; below 1 GB counts as almost full "
        "(ideviceinfo -q com.apple.disk_usage).")
    assert (found["device-storage-full"]["answer"], found["device-storage-full"]["source"]) == (
        "yes", "probe")
    assert (found["ios-update-current"]["answer"], found["ios-update-current"]["source"]) == (
        "no", "probe")
    assert (found["charging-wifi-plugged-in"]["answer"],
            found["charging-wifi-plugged-in"]["source"]) == ("no", "prompt")


# The checks a reading could answer (4, 6 and 7) left to ask; 1 to 3 answered ahead.
LEFT_TO_ASK = [f"--answer={q}={a}" for q, a in PASSING.items() if not q.startswith(
    ("device-storage", "ios-update", "charging-wifi", "restart"))]


def plain_session(tmp_path: Path, *args: str, typed: str = "n\n", later: str = "",
                  until: Callable[[], None] | None = None, **env: str) -> tuple[str, str]:
    """icloud-fix --plain with the recorded ideviceinfo, answers piped in: typed at once,
    then later, after a person's moment: once ``until()`` returns (when given) and the
    background readings are done."""
    import subprocess

    environment = {**os.environ, "PATH": f"{FAKES}{os.pathsep}{os.environ['PATH']}",
                   "COLUMNS": "200", **env}
    child = subprocess.Popen([installed_command(), "--plain", *args], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=environment, cwd=tmp_path)
    assert child.stdin is not None
    child.stdin.write(typed)
    child.stdin.flush()
    if later:
        if until is not None:
            until()
        background_done(child.pid)
        child.stdin.write(later)
    out, err = child.communicate(timeout=60)
    return out, err


@pytest.mark.parametrize(("state", "note"), [
    ("not-connected", CONNECT),
    ("untrusted", "Your iPhone has not trusted this computer yet: unlock it and tap Trust, "
                  "to let icloud-fix read its iOS version, battery, storage and clock."),
    ("locked", "Your iPhone is locked: unlock it, and keep it unlocked, to let icloud-fix "
               "read its iOS version, battery, storage and clock."),
    ("hostile", "icloud-fix could not read your iPhone, so it asks instead."),
])
def test_why_the_iphone_is_not_read_is_said_in_words_at_its_first_check(
        tmp_path: Path, state: str, note: str) -> None:
    # Every answer typed at once: check 4 waits for the iPhone's reading (the tests'
    # ICLOUD_FIX_READING_WAIT lets it wait until the reading ends).
    flags = [flag for flag in LEFT_TO_ASK if "photos-status" not in flag]
    out, _ = plain_session(tmp_path, "--offline", *flags,
                           typed="synced\nn\ny\nn\nn\ny\ny\n", FAKE_IDEVICE=state)
    assert notes_before(out, "Check 4 of 7 - iPhone storage") == [
        "Checks 1 to 3 answered from the command line.", note]
    assert out.count(note) == 1  # not again at checks 6 and 7, which a reading answers too
    assert notes_before(out, "Check 6 of 7 - iOS update") == []
    assert "\x1b" not in out and "ERROR" not in out


def test_without_a_device_tool_nothing_is_said_but_with_verbose(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()  # a PATH with no ideviceinfo, as on most computers
    out, err = plain_session(tmp_path, "--offline", *LEFT_TO_ASK, PATH=str(empty))
    assert notes_before(out, "Check 4 of 7 - iPhone storage") == [
        "Checks 1 to 3 answered from the command line."]
    assert "iPhone with a cable" not in out and "ideviceinfo" not in out + err
    out, err = plain_session(tmp_path, "--offline", "--verbose", *LEFT_TO_ASK,
                             PATH=str(empty))
    assert "ideviceinfo" in err and "ideviceinfo" not in out


@pytest.mark.parametrize(("status", "said"), [
    ("status-healthy.js", [HEALTHY]),
    ("status-outage.js", []),  # the outage is said instead, at the next question
    ("status-malformed.js", []),  # not known: nothing to say (--verbose says why)
    ("offline", []),
])
def test_a_healthy_apple_status_is_one_line(tmp_path: Path, feeds: str, feed_server: FeedServer,
                                           status: str, said: list[str]) -> None:
    args = ["--offline"] if status == "offline" else []
    url = feed_server.url(status)
    # The triage at once; check 1 (passing) once Apple's status has been read; then the
    # first question of check 2.
    out, _ = plain_session(tmp_path, *args, typed="synced\n",
                           later="n\nn\nn\ny\nn\nn\ny\n",
                           until=None if args else lambda: feed_server.wait_served(url),
                           ICLOUD_FIX_STATUS_URL=url,
                           ICLOUD_FIX_VERSIONS_URL=f"{feeds}/pmv.json")
    assert out.count(HEALTHY) == len(said)
    if status == "status-outage.js":
        # Said at the next question, which asks whether to go on (no: the session stops).
        assert "Apple reports a problem with its own service right now:" in out
        return
    assert notes_before(out, "Check 2 of 7 - Apple Account and iCloud Photos") == said


def test_evidence_in_words_for_a_model_the_table_does_not_know() -> None:
    from icloud_fix.flow import Suggest
    from icloud_fix.probes.readings import READINGS

    def reading(model: str, version: str) -> device.DeviceReading:
        return device.DeviceReading(version, model)

    judge = READINGS["ios-up-to-date"].judge
    rule = Suggest("ios-up-to-date", yes_when=True)
    due = judge(rule, reading("iPhone99,9", "18.0"), lambda model: ("18.0.1", "17.7"))
    assert due is not None and due.yes is False
    assert due.said == "Your iPhone (iPhone99,9) has iOS 18.0; the latest for it is 18.0.1."
    current = judge(rule, reading("iPhone17,1", "19.0"), lambda model: ("19.0",))
    assert current is not None and current.yes is True
    assert current.said == "Your iPhone 16 Pro has iOS 19.0, the latest for it."
    assert current.detail == ("Your iPhone reports iOS 19.0; the latest for iPhone17,1 is "
                              "19.0 (ideviceinfo -k ProductVersion, Apple's software update "
                              "feed).")


@pytest.mark.parametrize(("version", "offered", "up_to_date", "said"), [
    # A new major version is an option, never the fix: up to date.
    ("26.2", ("26.2", "27.1"), True, "Your iPhone 16 Pro has iOS 26.2, the latest iOS 26 for "
     "it; iOS 27.1 is also offered, as an optional upgrade that syncing does not need."),
    # An update of the iOS it has is due, whatever else is offered.
    ("26.1", ("26.2", "27.1"), False, "Your iPhone 16 Pro has iOS 26.1; the latest for it is "
     "26.2 (iOS 27.1 is also offered, as an optional upgrade that syncing does not need)."),
    # A phone that cannot leave its major version: the newest of it.
    ("18.6", ("18.7",), False, "Your iPhone 16 Pro has iOS 18.6; the latest for it is 18.7."),
    ("18.7", ("18.7",), True, "Your iPhone 16 Pro has iOS 18.7, the latest for it."),
    # A version the feed spells strangely is no reason to fail (1 and 400 zeros).
    ("1" + "0" * 400, ("18.7",), True, None),
])
def test_only_an_update_of_the_ios_it_has_is_due(version: str, offered: tuple[str, ...],
                                                 up_to_date: bool, said: str | None) -> None:
    from icloud_fix.flow import Suggest
    from icloud_fix.probes.readings import READINGS

    verdict = READINGS["ios-up-to-date"].judge(
        Suggest("ios-up-to-date", yes_when=True),
        device.DeviceReading(version, "iPhone17,1"),
        lambda model: offered)
    assert verdict is not None and verdict.yes is up_to_date
    if said is not None:
        assert verdict.said == said


@pytest.mark.parametrize("state", ["hostile", "binary", "flood"])
def test_ideviceinfo_output_never_reaches_the_terminal_raw(
        monkeypatch: pytest.MonkeyPatch, state: str) -> None:
    monkeypatch.setenv("PATH", f"{FAKES}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_IDEVICE", state)
    reading = device.read()
    # Whatever it printed, nothing is read from it, and the reason is harmless text.
    assert isinstance(reading, device.DeviceUnavailable) or (
        reading.product_version is not None and "\x1b" not in reading.product_version)
    reason = getattr(reading, "reason", "")
    assert "\x1b" not in reason and "\u200b" not in reason and "\x00" not in reason
    if state == "hostile":
        assert reason.startswith("ideviceinfo could not read the iPhone (ERROR: \\x1b]52;c;")


def test_feeds_that_cannot_be_understood_are_no_reading() -> None:
    assert apple_feeds.parse_status("[" * 400_000, SERVICES) is None
    assert apple_feeds.parse_latest_ios('{"PublicAssetSets":{"iOS":[["x"]]}}',
                                        "iPhone15,2") is None
    assert apple_feeds.parse_latest_ios("[" * 400_000, "iPhone15,2") is None


def test_a_feed_of_thousands_of_outages_shows_the_first_few() -> None:
    from hostile import status_feed

    feed = status_feed(*[(f"outage {i}", "now") for i in range(10_000)],
                       ("outage 0", "now")).decode()
    outages = apple_feeds.parse_status(feed, ("Photos",))
    assert outages is not None
    assert [o.message for o in outages] == [f"outage {i}" for i in range(5)]
    # The same event listed twice is said once.
    twice = apple_feeds.parse_status(status_feed(("down", "now"), ("down", "now")).decode(),
                                     ("Photos",))
    assert twice is not None and len(twice) == 1
