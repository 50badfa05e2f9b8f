"""The built-in flow's content: triage first, causes routed to their checks, readings on
the questions they settle, a fix and a way to tell it worked for every failing answer,
and today's names for Apple's settings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import PASSING, answer_flags, invoke
from icloud_fix import kinds
from icloud_fix.flow import Condition, Flow, Question
from icloud_fix.flowfile.loader import load_builtin
from icloud_fix.flowfile.variants import Phone, adapt
from icloud_fix.probes.readings import READINGS

FLOW: Flow = load_builtin()
SOURCE = (Path(__file__).parent.parent / "steps" / "icloud-photos.yaml").read_text(
    encoding="utf-8")

# Each photos-status choice and the check it sends the session to first (None: no cause
# named, the usual order).
ROUTES = {
    "synced": None,
    "paused-low-power": "connectivity",
    "paused-low-battery": "connectivity",
    "paused-low-data": "connectivity",
    "icloud-full": "icloud-storage",
    "waiting": "connectivity",
    "uploading": "charging-wifi",
    "nothing-shown": "apple-id",
    # Statuses Photos shows besides (docs/icloud-photos-sources.md names a source for each).
    "optimizing": "charging-wifi",
    "poor-network": "connectivity",
    "needs-cool-down": "charging-wifi",
    "upload-paused": "charging-wifi",
    "unable-to-upload": "icloud-storage",
    "battery-message-stays": "restart",
}

# Choices that need a fix of their own: the question, in the check they send the session
# to, that is asked only after that choice.
OWN_FIX = {
    "needs-cool-down": "charging-wifi-cooled-down",
    "upload-paused": "charging-wifi-resumed",
}

# Each question that a reading from a connected iPhone may answer, with that reading.
# plugged-in says whether the iPhone charges *now*, so it settles only the "right now"
# question, never the one about the past (left overnight since the problem began).
SUGGESTED_BY = {
    "device-storage-full": "free-space-gb",
    "ios-update-current": "ios-up-to-date",
    "charging-wifi-plugged-in": "plugged-in",
    "connectivity-date-time": "clock-off-minutes",
}


def flat(text: str | None) -> str:
    """Text as read: Markdown bold marks dropped, line breaks and runs of spaces as one."""
    return " ".join((text or "").replace("**", "").split())


def texts(phone: Phone | None = None) -> Iterator[tuple[str, str]]:
    """Every text a person may see, with where it is: as shown for phone (an iPhone
    read), or without a reading."""
    for key in ("title", "description", "after_fix_question", "escalation",
                "checked_against"):
        yield key, flat(adapt(getattr(FLOW, key), phone))
    for check in FLOW.checks:
        yield check.id, flat(check.title)
    for question in FLOW.all_questions():
        for key in ("prompt", "help", "remediation", "verify"):
            yield f"{question.id}.{key}", flat(adapt(getattr(question, key), phone))
        for choice in getattr(question.spec, "choices", ()):
            yield f"{question.id}.{choice.id}", flat(adapt(
                f"{choice.label} {choice.help or ''}", phone))


def failing(question: Question) -> bool:
    return not kinds.informational(question)


def test_photos_status_is_the_first_question_and_a_triage_choice() -> None:
    first = next(FLOW.all_questions())
    assert first.id == "photos-status"
    assert [q.id for q in FLOW.triage] == ["photos-status"]
    assert first.kind == "choice"
    assert {c.id: c.check for c in first.spec.choices} == ROUTES


@pytest.mark.parametrize("choice", [c for c, check in ROUTES.items() if check])
def test_a_named_cause_sends_the_session_to_its_check_first(choice: str) -> None:
    # A status that settles a question (answers:) fails its check: that is the cause.
    status = FLOW.question("photos-status")
    assert status is not None
    settled = dict(status.spec.choice(choice).answers)  # type: ignore[union-attr]
    answers = {q: a for q, a in PASSING.items() if q not in settled}
    result = invoke("--non-interactive", *answer_flags({**answers, "photos-status": choice}),
                    "--format", "json")
    assert result.exit_code == (1 if settled else 0), result.stderr
    report = json.loads(result.stdout)
    assert report["triage"][0]["answer"] == choice
    answered = {q["id"]: q for c in report["checks"] for q in c["questions"]}
    for qid, answer in settled.items():
        assert (answered[qid]["answer"], answered[qid]["source"]) == (answer, "choice")
    order = [c["id"] for c in report["checks"]]
    assert order[0] == ROUTES[choice]
    assert sorted(order) == sorted(FLOW.check_ids())


@pytest.mark.parametrize(("choice", "question"), sorted(OWN_FIX.items()))
def test_a_status_with_its_own_fix_asks_for_it_in_the_check_it_sends_to(
        choice: str, question: str) -> None:
    asked = FLOW.question(question)
    assert asked is not None and asked.when == (Condition("photos-status", (choice,)),)
    check = next(c for c, q in FLOW.questions() if q.id == question)
    assert check.id == ROUTES[choice]
    answers = {**PASSING, "photos-status": choice, question: "no"}
    report = json.loads(invoke("--non-interactive", *answer_flags(answers),
                               "--format", "json").stdout)
    first = report["checks"][0]
    assert first["id"] == ROUTES[choice] and first["status"] == "failed"
    assert question in [q["id"] for q in first["questions"]]


def test_new_choices_come_last_and_have_ids_and_labels_a_person_can_use() -> None:
    triage = FLOW.question("photos-status")
    assert triage is not None
    # A typed number picks a choice by its place: the first eight keep theirs.
    assert [c.id for c in triage.spec.choices][:8] == list(ROUTES)[:8]
    for choice in triage.spec.choices:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", choice.id), choice.id
        assert choice.id not in {"s", "h", "b", "skip", "back"}
        assert len(choice.label) <= 200, choice.id


def test_saving_cellular_data_is_not_only_low_data_mode() -> None:
    triage = FLOW.question("photos-status")
    assert triage is not None
    low_data = next(c for c in triage.spec.choices if c.id == "paused-low-data")
    assert "Saving Cellular Data" in low_data.label
    assert "Not only Low Data Mode" in flat(low_data.help)


def test_up_to_date_keeps_the_usual_order() -> None:
    report = json.loads(invoke("--non-interactive", *answer_flags(PASSING),
                               "--format", "json").stdout)
    assert [c["id"] for c in report["checks"]] == FLOW.check_ids()


def test_quick_common_causes_first_and_leave_it_overnight_last() -> None:
    assert FLOW.check_ids() == ["connectivity", "apple-id", "icloud-storage", "device-storage",
                                "restart", "ios-update", "charging-wifi"]
    connectivity = FLOW.check("connectivity")
    assert connectivity is not None
    assert [q.id for q in connectivity.questions][:3] == [
        "connectivity-low-power-mode", "connectivity-low-battery", "connectivity-low-data-mode"]
    ios = FLOW.question("ios-update-current")
    assert ios is not None and "30 minutes" in flat(ios.remediation)
    assert FLOW.question_ids()[-1] == "charging-wifi-left-to-sync"


def test_question_ids_say_which_check_they_are_in() -> None:
    for check, question in FLOW.questions():
        assert question.id.startswith(f"{check.id}-"), question.id


def test_each_suggestion_uses_the_reading_that_settles_that_question() -> None:
    suggested = {q.id: s.reading for q in FLOW.all_questions() if (s := kinds.suggested_by(q))}
    assert suggested == SUGGESTED_BY
    assert set(suggested.values()) <= set(READINGS)
    for question in FLOW.all_questions():
        suggest = kinds.suggested_by(question)
        if suggest and suggest.reading == "plugged-in":
            assert "right now" in question.prompt, question.id
    overnight = FLOW.question("charging-wifi-left-to-sync")
    assert overnight is not None and kinds.suggested_by(overnight) is None
    assert "since the problem began" in overnight.prompt.lower()


def test_the_ios_question_counts_only_an_update_of_the_version_it_has() -> None:
    # As the ios-up-to-date reading does: a new major version is an option, not the fix.
    ios = FLOW.question("ios-update-current")
    assert ios is not None and ios.spec.pass_answer == "yes"
    assert "newest update of the iOS version it has" in flat(ios.prompt)
    assert "An upgrade to a new version listed separately" in flat(ios.help)
    assert "is optional" in flat(ios.help)
    assert "not the fix" in flat(ios.remediation)


def test_every_failing_answer_has_numbered_steps_and_a_way_to_tell_it_worked() -> None:
    for _, question in FLOW.questions():
        if not failing(question):
            assert kinds.informational(question), question.id
            continue
        assert question.verify and question.verify.strip(), question.id
        assert re.search(r"^\s*1\. \S", question.remediation or "", re.M), question.id


@pytest.mark.parametrize("old", ["Apple ID", "iPhone 8"])
def test_no_old_names(old: str) -> None:
    # "Apple ID" is "Apple Account" now; the iPhone 8 no longer runs current iOS.
    assert old not in SOURCE
    for where, text in texts():
        assert old not in text, where


def test_settings_paths_use_ios_18_names() -> None:
    everything = " ".join(text for _, text in texts())
    assert "Settings > Apps > Photos" in everything
    # The iOS 17 names may only be given as such: right after "iOS 17".
    for old in ("Settings > Photos", "Show All"):
        for where, text in texts():
            for found in re.finditer(re.escape(old), text):
                before = text[max(0, found.start() - 40):found.start()]
                assert re.search(r"iOS (1[56] (to|and) )?1[67]", before), (where, old)


def test_checked_against_says_what_each_ios_version_was_checked_against() -> None:
    checked = flat(FLOW.checked_against)
    assert checked.startswith("iOS 17: Apple's article")
    assert "iOS 18 and iOS 26: published descriptions" in checked
    assert "iOS 27 (September 2026): published descriptions" in checked
    assert "not yet seen on a device" in checked


# Every step that sends a person to Sync Now (or Resume) says where it is on each
# version the flow covers.
WHERE_THE_STATUS_LINE_IS = {26: "Collections, then your profile picture",
                            18: "Your profile picture at the top right",
                            17: "Library > All Photos, at the bottom"}
LABELS = {26: "On iOS 26 and later: ", 18: "On iOS 18: ", 17: "On iOS 15 to 17: "}


def test_every_sync_now_step_says_where_it_is_on_each_ios_version() -> None:
    found = 0
    for where, text in texts():
        if where.endswith(".remediation") and ("Sync Now" in text or "Resume" in text):
            found += 1
            for version, place in WHERE_THE_STATUS_LINE_IS.items():
                assert LABELS[version] + place in text, (where, place)
    assert found >= 6
    after = flat(adapt(FLOW.after_fix_question, None))
    assert "On iOS 26 and later: Tap Collections, then your profile picture." in after
    assert "On iOS 18: Tap your profile picture." in after
    assert "On iOS 15 to 17: Open Library > All Photos" in after


@pytest.mark.parametrize("version", [27, 26, 18, 17, 16, 15])
def test_an_iphone_read_sees_only_its_own_place(version: int) -> None:
    own = WHERE_THE_STATUS_LINE_IS[26 if version >= 26 else 17 if version <= 17 else version]
    others = [p for v, p in WHERE_THE_STATUS_LINE_IS.items() if p != own]
    for where, text in texts(Phone(version, False)):
        if where.endswith(".remediation") and ("Sync Now" in text or "Resume" in text):
            assert own in text and not any(other in text for other in others), where
            assert "On iOS" not in text and "[iOS" not in text, where
    after = flat(adapt(FLOW.after_fix_question, Phone(version, False)))
    assert after.count("Tap ") + after.count("Open Library") == 1


def test_the_mobile_data_settings_are_named_both_ways() -> None:
    # "Cellular" in some regions, "Mobile Data" in others: until the phone's region is
    # read, the flow names both wherever it names the setting.
    # (Saving Cellular Data is a status Photos shows, not a setting.)
    for where, text in texts():
        if re.search(r"Settings > Cellular|> Cellular Data|Tap Cellular Data", text):
            assert "Mobile Data" in text, where


@pytest.mark.parametrize(("version", "switch", "other"), [
    (16, '"iCloud Photos"', '"Sync this iPhone"'), (15, '"iCloud Photos"', '"Sync this iPhone"'),
    (17, '"Sync this iPhone"', '"iCloud Photos"'), (26, '"Sync this iPhone"', '"iCloud Photos"')])
def test_the_icloud_photos_switch_has_the_name_of_the_ios_in_hand(
        version: int, switch: str, other: str) -> None:
    shown = dict(texts(Phone(version, None)))
    assert switch in shown["apple-id-sync-on.prompt"]
    assert other not in shown["apple-id-sync-on.prompt"]
    assert switch.replace('"', "") in shown["apple-id-sync-on.remediation"]
    apps = "Settings > Apps > Photos"
    assert (apps in shown["connectivity-mobile-data-on.prompt"]) is (version >= 18)


@pytest.mark.parametrize(("mobile_data", "word", "other"), [(True, "Mobile Data", "Cellular"),
                                                          (False, "Cellular", "Mobile Data")])
def test_the_mobile_data_settings_use_the_word_of_the_iphone_read(
        mobile_data: bool, word: str, other: str) -> None:
    shown = dict(texts(Phone(26, mobile_data)))
    fix = shown["connectivity-photos-app-cellular.remediation"]
    assert f"Open Settings > {word}" in fix and f"Settings > {other}" not in fix
    assert f"Tap {word}" in shown["connectivity-mobile-data-on.remediation"]


def test_signing_out_comes_after_what_does_no_harm_and_after_the_safeguard() -> None:
    question = FLOW.question("apple-id-same-account")
    assert question is not None
    fix = flat(question.remediation)
    sign_out = fix.index("Sign Out")
    # First what changes nothing: which account holds the photos, and which one each
    # device uses.
    assert fix.index("icloud.com/photos") < sign_out
    assert fix.index("System Settings > [your name]") < sign_out
    # Then Apple's safeguard, and why.
    safeguard = fix.index("Download and Keep Originals")
    assert safeguard < sign_out
    assert "plugged in and on Wi-Fi until the download has finished" in fix[safeguard:sign_out]
    assert "Import the photos to a computer" in fix[:sign_out]
    assert "Optimize iPhone Storage" in fix[:safeguard]
    assert "turns iCloud Photos off" in fix[:safeguard]
    # No promise that keeping "a copy on this iPhone" keeps the photos.
    assert "choose to keep a copy" not in fix
    assert "does not promise to keep your photos" in fix


@pytest.mark.parametrize(("question_id", "warning", "action"), [
    # Resetting the network settings also removes VPN configurations (the next
    # question asks about a VPN).
    ("connectivity-internet-works", "VPN configurations", "Reset Network Settings"),
    # A deleted backup is gone, and deleting this iPhone's stops its backups.
    ("icloud-storage-full", "cannot be brought back", "Delete Backup"),
    # Deleting photos deletes them everywhere.
    ("icloud-storage-full", "deletes them from iCloud", "Do not delete photos"),
    ("device-storage-full", "deletes them from iCloud", "Do not delete photos"),
    # Before an update: how to keep the photos safe.
    ("ios-update-current", "Import them to a computer", "Update Now"),
    ("ios-update-current", "Download and Keep Originals", "Update Now"),
    # A profile from a school or employer: ask them.
    ("connectivity-vpn", "do not remove it yourself", "VPN & Device Management"),
])
def test_each_risky_step_comes_with_apple_s_warning_first(question_id: str, warning: str,
                                                          action: str) -> None:
    question = FLOW.question(question_id)
    assert question is not None
    fix = flat(question.remediation)
    assert warning in fix and action in fix
    assert fix.index(warning) < fix.rindex(action) or action.startswith("Do not")


def test_optimize_storage_is_not_the_fix_for_a_full_iphone() -> None:
    question = FLOW.question("device-storage-full")
    assert question is not None
    fix = flat(question.remediation)
    assert not fix.split("2.")[0].count("Optimize iPhone Storage")
    assert "while uploads are stuck it frees nothing" in fix
    assert "the tool's own rule of thumb" in flat(question.help)


def test_smaller_facts() -> None:
    low_data = FLOW.question("connectivity-low-data-mode")
    restart = FLOW.question("restart-done")
    vpn = FLOW.question("connectivity-vpn")
    photos_switch = FLOW.question("connectivity-photos-app-cellular")
    assert low_data and restart and vpn and photos_switch
    # Dual SIM: Low Data Mode is set for each line.
    assert "Dual SIM" in flat(low_data.help) and "each line" in flat(low_data.remediation)
    # The iPhone SE (1st generation) has its button on top.
    assert "iPhone SE 1st generation: the top button" in flat(restart.remediation)
    # Safari's content blockers do not affect iCloud; a VPN, DNS filter or profile can.
    assert "Safari content blockers) do not affect iCloud" in flat(vpn.help)
    assert all(word in flat(vpn.help) for word in ("VPN", "DNS filter", "profile"))
    # Photos' own switch in the list of apps under Settings > Cellular, asked on cellular.
    assert photos_switch.when == (Condition("connectivity-on-cellular", ("yes",)),)
    assert "the switch next to Photos" in flat(photos_switch.prompt)


def test_the_versions_the_wording_was_checked_against_are_shown() -> None:
    from helpers import invoke

    listing = invoke("list")
    assert "Wording checked against: iOS 17" in " ".join(listing.stdout.split())
    document = json.loads(invoke("list", "--format", "json").stdout)
    assert document["flow"]["checked_against"].startswith("iOS 17")


def test_a_run_of_chosen_checks_keeps_the_status_line_given_ahead() -> None:
    from helpers import invoke

    # --only asks no triage, but an answer given for it still counts: the question
    # about the first upload is asked only when the status line says "uploading".
    result = invoke("--non-interactive", "--only", "charging-wifi", "--format", "json",
                    "-a", "photos-status=uploading", "-a", "charging-wifi-first-upload=no",
                    "-a", "charging-wifi-plugged-in=yes", "-a", "charging-wifi-left-to-sync=yes")
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert report["triage"][0]["answer"] == "uploading"
    charging = next(c for c in report["checks"] if c["id"] == "charging-wifi")
    assert charging["status"] == "failed"
    assert charging["questions"][0] == {
        "id": "charging-wifi-first-upload", "text": 'Has the number in "Uploading N items" '
        "gone down since you first looked? (If you only just looked, check again in an "
        'hour.)', "answer": "no", "passed": False, "source": "flag"}
