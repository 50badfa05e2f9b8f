"""The HTML report (issue 18): one self-contained page, read with a real HTML parser as
a browser would: its outline in the report's order, a row per check with its status in
words, the fixes, nothing that runs or loads, and hostile flow text shown inert."""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import installed_command, write_flow
from icloud_fix import report
from icloud_fix.engine import Outage

FLOW = """
    format: 2
    id: demo
    title: Demo sync
    version: "3"
    escalation: Call the demo help desk at 555-0100.
    checks:
      - id: alpha
        title: Alpha
        questions:
          - {id: alpha-ok, prompt: Is alpha fine?, pass_answer: "yes",
             remediation: "Fix **alpha** now.", verify: The alpha lamp is green.}
      - id: beta
        title: Beta
        questions:
          - {id: beta-ok, prompt: Is beta fine?, pass_answer: "yes", remediation: Fix beta.}
"""


class Page(HTMLParser):
    """What a browser would build from the page: every element with its attributes,
    the headings and table rows with their text, and the text a reader sees."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[str, str]] = []
        self.rows: list[list[str]] = []
        self.shown: list[str] = []
        self._heading: tuple[str, list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_style = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("h1", "h2", "h3"):
            self._heading = (tag, [])
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3") and self._heading:
            self.headings.append((self._heading[0], "".join(self._heading[1])))
            self._heading = None
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            return
        self.shown.append(data)
        if self._heading:
            self._heading[1].append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.shown).split())


def run_html(tmp_path: Path, flow: str, *args: str, output: str | None = None
             ) -> subprocess.CompletedProcess[str]:
    steps = write_flow(tmp_path, flow)
    extra = ["--output", str(tmp_path / output)] if output else ["--format", "html"]
    return subprocess.run([installed_command(), "--steps", str(steps), "--non-interactive",
                           *args, *extra], capture_output=True, text=True, check=False,
                          stdin=subprocess.DEVNULL)


def assert_self_contained(page: Page) -> None:
    tags = [tag for tag, _ in page.elements]
    assert "script" not in tags
    # Nothing loaded from anywhere: no resource tag, no attribute naming one, no link.
    assert not set(tags) & {"img", "link", "iframe", "object", "embed", "a", "base",
                            "form", "video", "audio", "source", "svg"}
    for tag, attrs in page.elements:
        assert not set(attrs) & {"src", "href", "srcset", "action", "background", "poster",
                                 "style"}, tag
        assert not any(name.startswith("on") for name in attrs), tag


def test_a_failed_check_as_html_from_the_installed_command(tmp_path: Path) -> None:
    run = run_html(tmp_path, FLOW, "--answer", "alpha-ok=no", "--answer", "beta-ok=yes")
    assert run.returncode == 1, run.stderr
    page = Page(run.stdout)
    assert run.stdout.startswith("<!DOCTYPE html>\n")
    assert ("html", {"lang": "en"}) in page.elements
    assert ("meta", {"charset": "utf-8"}) in page.elements
    assert_self_contained(page)
    assert "@media print" in run.stdout
    # The outline, in the report's order: help last, as no fix was tried.
    assert page.headings == [
        ("h1", "Demo sync: troubleshooting report"), ("h2", "Outcome"), ("h2", "Checks"),
        ("h2", "Answers"), ("h3", "Alpha"), ("h3", "Beta"),
        ("h2", "Fixes to try, in order"), ("h3", "1. Alpha"), ("h2", "Next step"),
        ("h2", "Where to get help")]
    # A row per check, its status in words.
    assert page.rows == [["#", "Check", "Status"], ["1", "Alpha", "✗ failed"],
                         ["2", "Beta", "✓ passed"]]
    assert "Problems found: 1 check failed ('Alpha')." in page.text
    assert "You answered: Is alpha fine? no Fix alpha now." in page.text
    assert "How to tell it worked: The alpha lamp is green." in page.text
    assert "Call the demo help desk at 555-0100." in page.text
    # The flow's bold is the only markup it gets.
    assert ("strong", {}) in page.elements and "**" not in page.text


def test_help_comes_first_when_a_tried_fix_did_not_help(tmp_path: Path) -> None:
    run = run_html(tmp_path, FLOW, "--answer", "alpha-ok=no", "--answer", "beta-ok=no",
                   "--fix-tried", "alpha=no")
    page = Page(run.stdout)
    assert [h for tag, h in page.headings if tag == "h2"] == [
        "Outcome", "Where to get help", "Checks", "Answers", "Fixes already tried",
        "Fixes to try, in order", "Next step"]
    assert "Alpha Result: did not help." in page.text


@pytest.mark.parametrize("name", ["report.html", "REPORT.HTM"])
def test_output_by_extension_writes_html(tmp_path: Path, name: str) -> None:
    run = run_html(tmp_path, FLOW, "--answer", "alpha-ok=yes", "--answer", "beta-ok=yes",
                   output=name)
    assert run.returncode == 0, run.stderr
    written = (tmp_path / name).read_text(encoding="utf-8")
    page = Page(written)
    assert page.rows[1:] == [["1", "Alpha", "✓ passed"], ["2", "Beta", "✓ passed"]]
    assert "Every check passed." in page.text
    # The terminal still shows the text summary.
    assert "Summary: Demo sync" in run.stdout and "<html" not in run.stdout


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[click](javascript:alert(1)) and <a href='https://evil.example'>here</a>",
    "\x1b]52;c;ZXZpbA==\x07 and \x1b[2J",
    "\u202eevil\u202c and zero\u200bwidth",
    "&lt;b&gt; &#x202e;",
    "<style>body{background:url(https://evil.example/t.png)}</style>",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_flow_text_is_shown_inert(tmp_path: Path, hostile: str) -> None:
    import json

    quoted = json.dumps(hostile)  # YAML reads a JSON string as it is
    flow = f"""
        format: 2
        id: demo
        title: {quoted}
        version: "1"
        escalation: {quoted}
        checks:
          - id: alpha
            title: {quoted}
            questions:
              - id: alpha-ok
                prompt: {quoted}
                pass_answer: "yes"
                remediation: {quoted}
    """
    run = run_html(tmp_path, flow, "--answer", "alpha-ok=no")
    assert run.returncode == 1, run.stderr
    page = Page(run.stdout)
    assert_self_contained(page)
    assert [tag for tag, _ in page.elements].count("style") == 1
    # No control or invisible character reaches the page: each is spelled out.
    assert not any(c in run.stdout for c in "\x1b\x07\u202e\u202c\u200b")
    shown = " ".join(hostile.replace("\x1b", "\\x1b").replace("\x07", "\\x07")
                     .replace("\u202e", "\\u202e").replace("\u202c", "\\u202c")
                     .replace("\u200b", "\\u200b").split())
    # The text as it is written, as the title, the row and the fix.
    assert ("h1", f"{shown}: troubleshooting report") in page.headings
    assert ["1", shown, "✗ failed"] in page.rows
    assert page.text.count(shown) >= 4


def test_outages_come_first(tmp_path: Path) -> None:
    import dataclasses

    from helpers import PASSING
    from icloud_fix.answers import ScriptedAnswers, parse_flags
    from icloud_fix.engine import run as run_session
    from icloud_fix.flowfile.loader import load_builtin

    flow = load_builtin()
    given = parse_flags([f"{k}={v}" for k, v in PASSING.items()], flow)
    result = dataclasses.replace(
        run_session(flow, ScriptedAnswers(given)),
        outages=(Outage("Photos", "<b>Some users</b> are affected.", "10:00"),))
    page = Page(report.render(result, "html"))
    assert [h for tag, h in page.headings if tag == "h2"][:2] == [
        "Apple's System Status", "Outcome"]
    assert "Photos (since 10:00): <b>Some users</b> are affected." in page.text
