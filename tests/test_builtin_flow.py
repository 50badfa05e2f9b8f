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
from icloud_fix.flow import Flow, Question
from icloud_fix.flowfile.loader import load_builtin
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
}

# Each question that a reading from a connected iPhone may answer, with that reading.
# plugged-in says whether the iPhone charges *now*, so it settles only the "right now"
# question, never the one about the past (left overnight since the problem began).
SUGGESTED_BY = {
    "device-storage-full": "free-space-gb",
    "ios-update-current": "ios-up-to-date",
    "charging-wifi-plugged-in": "plugged-in",
}


def flat(text: str | None) -> str:
    """Text as read: Markdown bold marks dropped, line breaks and runs of spaces as one."""
    return " ".join((text or "").replace("**", "").split())


def texts() -> Iterator[tuple[str, str]]:
    """Every text a person may see, with where it is."""
    for key in ("title", "description", "after_fix_question", "escalation",
                "checked_against"):
        yield key, flat(getattr(FLOW, key))
    for check in FLOW.checks:
        yield check.id, flat(check.title)
    for question in FLOW.all_questions():
        for key in ("prompt", "help", "remediation", "verify"):
            yield f"{question.id}.{key}", flat(getattr(question, key))
        for choice in question.choices:
            yield f"{question.id}.{choice.id}", flat(f"{choice.label} {choice.help or ''}")


def failing(question: Question) -> bool:
    return question.pass_answer is not None or bool(question.pass_choices)


def test_photos_status_is_the_first_question_and_a_triage_choice() -> None:
    first = next(FLOW.all_questions())
    assert first.id == "photos-status"
    assert [q.id for q in FLOW.triage] == ["photos-status"]
    assert first.kind == "choice"
    assert {c.id: c.check for c in first.choices} == ROUTES


@pytest.mark.parametrize("choice", [c for c, check in ROUTES.items() if check])
def test_a_named_cause_sends_the_session_to_its_check_first(choice: str) -> None:
    result = invoke("--non-interactive", *answer_flags({**PASSING, "photos-status": choice}),
                    "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["triage"][0]["answer"] == choice
    order = [c["id"] for c in report["checks"]]
    assert order[0] == ROUTES[choice]
    assert sorted(order) == sorted(FLOW.check_ids())


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
    suggested = {q.id: q.suggest.reading for q in FLOW.all_questions() if q.suggest}
    assert suggested == SUGGESTED_BY
    assert set(suggested.values()) <= set(READINGS)
    for question in FLOW.all_questions():
        if question.suggest and question.suggest.reading == "plugged-in":
            assert "right now" in question.prompt, question.id
    overnight = FLOW.question("charging-wifi-left-to-sync")
    assert overnight is not None and overnight.suggest is None
    assert "since the problem began" in overnight.prompt.lower()


def test_the_ios_question_counts_an_offered_upgrade_as_not_up_to_date() -> None:
    # As the ios-up-to-date reading does: it compares with the newest iOS for the model.
    ios = FLOW.question("ios-update-current")
    assert ios is not None and ios.pass_answer == "yes"
    assert "upgrade" in flat(ios.prompt).lower()
    assert "Answer no if" in flat(ios.help) and "upgrade" in flat(ios.help)


def test_every_failing_answer_has_numbered_steps_and_a_way_to_tell_it_worked() -> None:
    for _, question in FLOW.questions():
        if not failing(question):
            assert question.informational, question.id
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
                assert "iOS 17" in text[max(0, found.start() - 40):found.start()], (where, old)


def test_checked_against_names_the_ios_versions() -> None:
    checked = flat(FLOW.checked_against)
    assert checked
    for version in ("iOS 17", "iOS 18", "iOS 26"):
        assert version in checked
    assert "Not checked against iOS 27" in checked


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
