"""The report model (issue 18): the section order and the help-first rule are decided
once, and every format says them the same way; --help lists every registered format."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser

from test_report_content import GOOD, session

from helpers import installed_command
from icloud_fix import report
from icloud_fix.engine import Status
from icloud_fix.report import FORMATS, model, wording


def markdown_h2(text: str) -> list[str]:
    return re.findall(r"^## (.+)$", text, re.M)


def html_h2(text: str) -> list[str]:
    found: list[str] = []

    class Parser(HTMLParser):
        inside = False

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.inside = tag == "h2"
            if self.inside:
                found.append("")

        def handle_endtag(self, tag: str) -> None:
            self.inside = False

        def handle_data(self, data: str) -> None:
            if self.inside:
                found[-1] += data

    Parser().feed(text)
    return found


def text_order(shown: str) -> list[str]:
    """Where the text report's headings stand, in order (it draws no 'Checks' or
    'Outcome' heading: the table and the headline stand for them)."""
    marks = {r"^Summary: ": "Outcome", r"^#\s+Check\s+Status$": "Checks",
             f"^{wording.FIXES_TRIED}$": wording.FIXES_TRIED,
             f"^{wording.FIXES_TO_TRY}$": wording.FIXES_TO_TRY,
             "^Next step: ": "Next step",
             f"^{wording.WHERE_TO_GET_HELP}$": wording.WHERE_TO_GET_HELP}
    found = [(match.start(), name) for mark, name in marks.items()
             for match in [re.search(mark, shown, re.M)] if match]
    return [name for _, name in sorted(found)]


def test_help_comes_first_in_every_format_when_a_tried_fix_did_not_help() -> None:
    result = session({**GOOD, "alpha-ok": "no", "spare-ok": "yes", "beta-ok": "no"},
                     not_fixed=["alpha"])
    built = model.build(result)
    assert [s.value for s in built.sections] == [
        "Outcome", "Where to get help", "Checks", "Answers", "Fixes already tried",
        "Fixes to try, in order", "Next step"]
    assert built.help_first
    assert markdown_h2(report.render(result, "markdown")) == [
        s.value for s in built.sections if s.value not in ("Outcome",)]
    assert html_h2(report.render(result, "html")) == [s.value for s in built.sections]
    assert text_order(report.render(result, "text")) == [
        "Outcome", "Where to get help", "Checks", "Fixes already tried",
        "Fixes to try, in order", "Next step"]


def test_help_comes_last_when_no_tried_fix_failed() -> None:
    result = session({**GOOD, "beta-ok": "no"})
    built = model.build(result)
    assert [s.value for s in built.sections] == [
        "Outcome", "Checks", "Answers", "Fixes to try, in order", "Next step",
        "Where to get help"]
    assert not built.help_first
    assert html_h2(report.render(result, "html")) == [s.value for s in built.sections]
    assert text_order(report.render(result, "text"))[-3:] == [
        "Fixes to try, in order", "Next step", "Where to get help"]
    assert markdown_h2(report.render(result, "markdown"))[-2:] == [
        "Next step", "Where to get help"]


def test_one_status_wording_in_every_format() -> None:
    result = session({**GOOD, "beta-ok": "no"}, waiting=["beta"])
    assert result.checks[1].status is Status.WAITING
    words = wording.STATUS[Status.WAITING].words
    assert words == "fix tried, waiting"
    assert f"| 2 | Beta | {words} |" in report.render(result, "markdown")
    assert f"<td class=\"open\">… {words}</td>" in report.render(result, "html")
    assert re.search(rf"2\s+Beta\s+[…~] {words}", report.render(result, "text"))


def test_help_lists_every_registered_format() -> None:
    run = subprocess.run([installed_command(), "--help"], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stderr
    # As a person reads it: lines joined again, a word broken at its hyphen whole.
    shown = re.sub(r"(?<=\w)- (?=\w)", "-", " ".join(run.stdout.split()))
    for f in FORMATS.values():
        assert f"{f.name}: {f.help}" in shown
        for extension in f.extensions:
            assert f"{extension} {f.name}" in shown
    assert f"--format <{'|'.join(FORMATS)}>" in shown
