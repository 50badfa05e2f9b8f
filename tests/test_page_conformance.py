"""The page and the Python engine agree: the same answers, given in the page in a real
browser and to `icloud-fix --non-interactive --answers FILE`, give the same outcome,
the same status for every check, and the same JSON and Markdown reports, apart from
the time, the tool's version, and where each answer came from ("prompt" in the page,
"file" in the replay). And the answers file the page shows gives that report too.

The answer sets: every triage choice of the built-in flow (with passing answers, and
with failing ones), the README's examples, a flow with a number question and a
choice that settles later questions, and flows the Hypothesis strategy generates."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import (
    NUMBER_FLOW,
    PASSING,
    Told,
    answer_in_page,
    flows,
    invoke,
    replay,
    same_reports,
    scripted,
    write_flow,
)
from icloud_fix import kinds
from icloud_fix.flowfile.loader import load_builtin, load_file

README = Path(__file__).parent.parent / "README.md"


@pytest.fixture(scope="module")
def builtin_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page") / "icloud-photos.html"
    result = invoke("page", "--output", str(path))
    assert result.exit_code == 0, result.output
    return path


def failing_answers(flow) -> dict[str, str]:
    """Each question with an answer that fails it (the passing one where none fails)."""
    failing = {}
    for question in flow.all_questions():
        values = [o.value for o in kinds.asking(question).options]
        fails = [v for v in values if kinds.judge(question, v) is False]
        failing[question.id] = fails[0] if fails else PASSING.get(question.id, "skip")
    return failing


BUILTIN = load_builtin()
TRIAGE = BUILTIN.triage[0]
CHOICES = [o.value for o in kinds.asking(TRIAGE).options]


@pytest.mark.parametrize("choice", CHOICES)
def test_every_triage_choice_with_passing_answers(browser, builtin_page: Path,
                                                  choice: str) -> None:
    told, report = answer_in_page(browser, builtin_page,
                                  Told({**PASSING, TRIAGE.id: choice}))
    expected_json, expected_md = scripted(told)
    same_reports(report, expected_json, expected_md, f"{TRIAGE.id}={choice}, passing")


@pytest.mark.parametrize("choice", CHOICES)
def test_every_triage_choice_with_failing_answers(browser, builtin_page: Path,
                                                  choice: str) -> None:
    # Every fix tried and not helping, but the third one's, which takes time.
    failing = failing_answers(BUILTIN)
    fixes = {c.id: "no" for c in BUILTIN.checks}
    fixes[BUILTIN.checks[2].id] = "not_yet"
    told, report = answer_in_page(browser, builtin_page,
                                  Told({**failing, TRIAGE.id: choice}, fixes))
    assert json.loads(report["json"])["outcome"] == "problems_found"
    expected_json, expected_md = scripted(told)
    same_reports(report, expected_json, expected_md, f"{TRIAGE.id}={choice}, failing")


@pytest.mark.parametrize("name,told", [
    ("not sure of anything", Told({})),
    ("resolved by the second fix", Told(failing_answers(BUILTIN), {
        BUILTIN.checks[0].id: "no", BUILTIN.checks[1].id: "worked"})),
    ("one failure, its fix tried in vain", Told({**PASSING, "restart-done": "no"},
                                                {"restart": "no"})),
])
def test_the_other_outcomes(browser, builtin_page: Path, name: str, told: Told) -> None:
    said, report = answer_in_page(browser, builtin_page, told)
    expected_json, expected_md = scripted(said)
    same_reports(report, expected_json, expected_md, name)


def test_the_answers_file_the_page_shows_replays_to_the_same_report(
        browser, builtin_page: Path, tmp_path: Path) -> None:
    failing = failing_answers(BUILTIN)
    told = Told({**failing, TRIAGE.id: "paused-low-power", "restart-done": "skip"},
                {BUILTIN.checks[0].id: "not_yet", BUILTIN.checks[3].id: "no"})
    _, report = answer_in_page(browser, builtin_page, told)
    answers = tmp_path / "answers.yaml"
    answers.write_text(report["answers"], encoding="utf-8")
    expected_json, expected_md = replay(answers)
    same_reports(report, expected_json, expected_md, "the page's answers file")
    assert report["answers"].startswith(
        "# icloud-fix answers, from the page. Replay them with:\n"
        "#   icloud-fix --non-interactive --answers answers.yaml\n")
    assert "fixes_tried:\n" in report["answers"]


def readme_examples() -> list[tuple[str, dict[str, str]]]:
    """The README's scripted examples: the --answer flags, the answers file, and the
    file with a flag that wins over it."""
    text = README.read_text("utf-8")
    flags = re.search(r"icloud-fix --non-interactive \\\n((?:  --answer .*\n)+)", text)
    assert flags, "the README's --answer example moved"
    from_flags = dict(re.findall(r"--answer ([a-z0-9-]+)=([a-z0-9-]+)", flags[1]))
    heredoc = re.search(r"cat > answers.yaml <<'YAML'\n(.*?)\nYAML\n(icloud-fix .*)\n", text,
                        re.S)
    assert heredoc, "the README's answers file example moved"
    from_file = {k: str(v).lower() if isinstance(v, bool) else str(v)
                 for k, v in yaml.safe_load(heredoc[1]).items()}
    from_file = {k: {"true": "yes", "false": "no"}.get(v, v) for k, v in from_file.items()}
    override = dict(re.findall(r"--answer ([a-z0-9-]+)=([a-z0-9-]+)", heredoc[2]))
    return [("flags", from_flags), ("file", from_file),
            ("file and flag", {**from_file, **override})]


@pytest.mark.parametrize("name,answers", readme_examples(),
                         ids=[n for n, _ in readme_examples()])
def test_the_readmes_examples(browser, builtin_page: Path, name: str,
                              answers: dict[str, str]) -> None:
    told, report = answer_in_page(browser, builtin_page, Told(answers))
    # The page asked nothing the example does not answer.
    assert set(told.answers) <= set(answers), set(told.answers) - set(answers)
    expected_json, expected_md = scripted(told)
    same_reports(report, expected_json, expected_md, f"README example ({name})")




@pytest.mark.parametrize("told", [
    Told({"status": "fine", "charged": "yes", "space-full": "no", "free-gb": "12.50"}),
    Told({"status": "space", "charged": "no", "space-full": "no", "free-gb": "0.5"},
         {"power": "not_yet", "space": "no"}),
    Told({"status": "full", "charged": "yes"}, {"space": "worked"}),
    Told({"status": "fine", "charged": "yes", "space-full": "no", "free-gb": "skip"}),
    Told({"status": "skip", "charged": "yes", "space-full": "skip"}),
    Told({"status": "fine", "charged": "yes", "space-full": "no", "free-gb": "002"}),
], ids=["passing", "routed-failing", "settled-resolved", "number-not-sure",
        "not-sure-rules-out", "number-at-the-limit"])
def test_numbers_and_settled_answers(browser, tmp_path: Path, told: Told) -> None:
    flow = write_flow(tmp_path, NUMBER_FLOW)
    page = tmp_path / "page.html"
    assert invoke("page", "--steps", str(flow), "--output", str(page)).exit_code == 0
    said, report = answer_in_page(browser, page, told)
    expected_json, expected_md = scripted(said, "--steps", str(flow))
    same_reports(report, expected_json, expected_md, repr(told))


def _told(flow_path: Path, data: st.DataObject) -> Told:
    flow = load_file(flow_path)
    answers = {q.id: data.draw(st.sampled_from(
        [o.value for o in kinds.asking(q).options] + ["skip"])) for q in flow.all_questions()}
    fixes = {c.id: data.draw(st.sampled_from(["no", "not_yet", "worked"]))
             for c in flow.checks}
    return Told(answers, fixes)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(document=flows(fmt=2, rich=True), data=st.data())
def test_generated_flows(browser, document: dict[str, Any], data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        flow = Path(folder) / "flow.yaml"
        flow.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        page = Path(folder) / "page.html"
        built = invoke("page", "--steps", str(flow), "--output", str(page))
        assert built.exit_code == 0, built.output
        said, report = answer_in_page(browser, page, _told(flow, data))
        expected_json, expected_md = scripted(said, "--steps", str(flow))
        same_reports(report, expected_json, expected_md, f"generated flow\n{document}")


# Titles and labels whose Markdown depends on what counts as a letter or a digit: a
# letter newer than some Python's Unicode tables next to an underscore, an Arabic-Indic
# "1." at the start, a heading mark, and Unicode spaces the two languages split apart
# differently unless told.
TRICKY = ["\ua7cc_mode and \U0003135c_x", "\u0661. first", "# not a heading",
          "snake_case and _edge_", "wide\u3000space\u00a0here", "a & b &amp; c |pipe|"]


def test_titles_whose_markdown_depends_on_unicode(browser, tmp_path: Path) -> None:
    checks = [{"id": f"c-{i}", "title": title, "questions": [
        {"id": f"q-{i}", "prompt": f"{title}?", "pass_answer": "yes",
         "remediation": f"Fix {title}."}]} for i, title in enumerate(TRICKY)]
    document = {"format": 1, "id": "tricky", "title": TRICKY[0], "version": TRICKY[1],
                "checks": checks}
    flow = tmp_path / "flow.yaml"
    flow.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    page = tmp_path / "page.html"
    assert invoke("page", "--steps", str(flow), "--output", str(page)).exit_code == 0
    for answer in ("no", "yes"):
        said, report = answer_in_page(browser, page, Told(
            {f"q-{i}": answer for i in range(len(TRICKY))}))
        expected_json, expected_md = scripted(said, "--steps", str(flow))
        same_reports(report, expected_json, expected_md, f"tricky titles, {answer}")


@pytest.mark.parametrize("then,outcome", [("worked", "resolved"),
                                          ("did_not_work", "problems_found")])
def test_a_fix_that_takes_time_is_asked_about_again(browser, builtin_page: Path,
                                                    tmp_path: Path, then: str,
                                                    outcome: str) -> None:
    """As the terminal asks in its next session: the first fix left waiting solved it
    (later checks are not reached), or none of them helped."""
    failing = failing_answers(BUILTIN)
    fixes = {c.id: "no" for c in BUILTIN.checks}
    fixes[BUILTIN.checks[1].id] = fixes[BUILTIN.checks[3].id] = "not_yet"
    _, first = answer_in_page(browser, builtin_page, Told(failing, fixes))
    assert json.loads(first["json"])["waiting"] == [BUILTIN.checks[1].id,
                                                    BUILTIN.checks[3].id]
    titles = [c.title for c in BUILTIN.checks]
    assert browser.wait_for(".part-waiting p").text == (
        f"The fixes for \u2018{titles[1]}\u2019 and \u2018{titles[3]}\u2019 take time to "
        "show. Once it has had that time:")
    # Asked in the flow's own words, as the terminal asks it.
    assert browser.wait_for("#waiting-question").text.endswith("Do your photos sync now?")
    next_step = browser.wait_for(".part-next-step p").text
    assert next_step.startswith("Give the fixes that take time what they need (each says "
                                "how long), then come back to this page")
    button = {"worked": "waited-worked", "did_not_work": "waited-did-not-work"}[then]
    browser.wait_for(f'button[data-answer="{button}"]').click()
    browser.wait_until(f"window.icloudFixReport && JSON.parse(window.icloudFixReport.json)"
                       f".outcome === '{outcome}'")
    report = browser.js("return window.icloudFixReport")
    document = json.loads(report["json"])
    if then == "worked":
        assert document["resolved_by"] == BUILTIN.checks[1].id
        assert [c["status"] for c in document["checks"]][2:] == ["not_reached"] * 5
        assert f"resolved_by: {BUILTIN.checks[1].id}\n" in report["answers"]
    else:
        assert document["waiting"] == []
        assert f"  {BUILTIN.checks[3].id}: no\n" in report["answers"]
    answers = tmp_path / "answers.yaml"
    answers.write_text(report["answers"], encoding="utf-8")
    expected_json, expected_md = replay(answers)
    same_reports(report, expected_json, expected_md, f"a waiting fix, then {then}")
    # Back takes the answer back: waiting again, every later answer kept.
    browser.wait_for("nav.steps button").click()
    browser.wait_until("window.icloudFixReport && JSON.parse(window.icloudFixReport.json)"
                       ".outcome === 'problems_found'")
    assert json.loads(browser.js("return window.icloudFixReport.json")) == \
        json.loads(first["json"])


def test_a_resolved_session_asks_nothing_more(browser, builtin_page: Path) -> None:
    """A fix left waiting, then a later one that worked: resolved, as the terminal has
    it, and nothing is asked about the one waiting."""
    failing = failing_answers(BUILTIN)
    fixes = {c.id: "no" for c in BUILTIN.checks}
    fixes[BUILTIN.checks[0].id] = "not_yet"
    fixes[BUILTIN.checks[1].id] = "worked"
    said, report = answer_in_page(browser, builtin_page, Told(failing, fixes))
    assert json.loads(report["json"])["resolved_by"] == BUILTIN.checks[1].id
    assert browser.js("return document.querySelector('.part-waiting')") is None
    expected_json, expected_md = scripted(said)
    same_reports(report, expected_json, expected_md, "waiting, then resolved")
