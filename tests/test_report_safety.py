"""Hostile text in reports (issue 11): links that show one address and go to another,
HTML, images and structure in the Markdown report, and the largest report a flow can
ask for. Flow text and answers come from third parties; the reports must show them as
the text they are, and in bounded time and memory."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.cells import cell_len
from rich.console import Console
from test_hostile import CONTROL, assert_sane, run

from helpers import invoke, start_installed, write_flow
from hostile import huge_report_flow
from icloud_fix.answers import ScriptedAnswers, parse_flags
from icloud_fix.engine import SessionResult
from icloud_fix.engine import run as run_session
from icloud_fix.flowfile.loader import load_builtin, load_text
from icloud_fix.prompts import drawing
from icloud_fix.report import markdown, model
from icloud_fix.report import terminal as text

DISGUISED = "[https://appleid.apple.com](https://evil.example/phish)"
OSC = "\x1b]"  # OSC 8 hyperlinks (and any other operating-system command)


def words(output: str) -> str:
    """What a person reads: no escape sequences, each run of white space one space."""
    return " ".join(re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", output).split())


def one_fix(remediation: str, verify: str | None = None, checks: int = 1) -> str:
    """A flow of checks c0, c1... whose one question (q0, q1...) fails on "no"; "{i}"
    in the fix stands for the number of its check."""
    lines = ['format: 2', 'id: demo', 'title: Demo', 'version: "1"', 'checks:']
    for i in range(checks):
        lines += [f"  - id: c{i}", f"    title: Check {i}", "    questions:",
                  f"      - id: q{i}", "        prompt: Is it on?",
                  '        pass_answer: "yes"',
                  f"        remediation: {json.dumps(remediation.replace('{i}', str(i)))}"]
        if verify:
            lines.append(f"        verify: {json.dumps(verify)}")
    return "\n".join(lines) + "\n"


def failed(flow_text: str) -> SessionResult:
    flow = load_text(flow_text, "demo.yaml")
    answers = [f"{q.id}=no" for q in flow.all_questions()]
    return run_session(flow, ScriptedAnswers(parse_flags(answers, flow)))


def terminal(width: int = 100) -> Console:
    """A console as icloud-fix makes one for a colour terminal: rich would write OSC 8
    hyperlinks to it (no_color does not stop them)."""
    return Console(file=io.StringIO(), force_terminal=True, color_system="truecolor",
                   no_color=True, width=width, highlight=False)


def fix_as_shown(console: Console, result: SessionResult) -> str:
    """The fix as the interactive prompters show it, the moment the check fails."""
    with console.capture() as captured:
        text.print_fix(console, result.checks[0])
    return captured.get()


# -- 1. links in the text report and the prompters ------------------------------------

@pytest.mark.parametrize(("source", "shown"), [
    (f"Sign in at {DISGUISED}.",
     "Sign in at https://appleid.apple.com (https://evil.example/phish)."),
    ("Sign in at [https://appleid.apple.com](https://appleid.apple.com).",
     "Sign in at https://appleid.apple.com."),
    ("Sign in at <https://appleid.apple.com>.", "Sign in at https://appleid.apple.com."),
    ("Sign in at [Apple](https://evil.example/x 'https://appleid.apple.com').",
     "Sign in at Apple (https://evil.example/x)."),
    ("Sign in at [Apple][r].\n\n[r]: https://evil.example/ref",
     "Sign in at Apple (https://evil.example/ref)."),
    # A look-alike host (a Cyrillic a) is shown as the address it really is.
    ("Sign in at <https://\u0430pple.com>.",
     "Sign in at https://\u0430pple.com (https://xn--pple-43d.com)."),
    ("See ![https://appleid.apple.com](https://evil.example/t.png).",
     "See https://appleid.apple.com (https://evil.example/t.png)."),
    ("See ![](https://evil.example/t.png).", "See https://evil.example/t.png."),
    ("See [![Apple](https://evil.example/i.png)](https://evil.example/x).",
     "See Apple (https://evil.example/i.png) (https://evil.example/x)."),
], ids=["disguised", "same-target", "autolink", "title", "reference", "look-alike",
        "image", "image-no-text", "linked-image"])
def test_a_link_in_a_fix_shows_where_it_goes_and_is_no_hyperlink(source: str,
                                                                 shown: str) -> None:
    result = failed(one_fix(source, verify=source))
    for output in (text.draw(model.build(result), terminal()), fix_as_shown(terminal(), result)):
        assert OSC not in output
        assert shown in words(output)
        assert f"How to tell it worked: {shown}" in words(output)


@pytest.mark.parametrize(("no_color", "flags"), [("1", []), (None, ["--no-color"]),
                                                (None, [])],
                         ids=["NO_COLOR", "--no-color", "colour"])
def test_a_disguised_link_in_a_terminal(tmp_path: Path, no_color: str | None,
                                        flags: list[str]) -> None:
    """The issue's case end to end: the installed command writing to a terminal."""
    write_flow(tmp_path, one_fix(f"Sign in at {DISGUISED} to check."))
    child = start_installed(["--steps", "flow.yaml", "--non-interactive", "--answer", "q0=no",
                             *flags], tmp_path, columns=100, env={"NO_COLOR": no_color})
    output = child.read()
    child.close()
    assert child.exitstatus == 1, output
    assert OSC not in output
    assert ("Sign in at https://appleid.apple.com (https://evil.example/phish) to check."
            in words(output))


def test_help_in_the_prompters_is_plain_text() -> None:
    """Help is shown as the text it is, links and all, never as Markdown."""
    flow = load_text(one_fix("Fix it.").replace(
        "        prompt: Is it on?\n", f"        prompt: Is it on?\n        help: "
        f"{json.dumps('See ' + DISGUISED)}\n"), "demo.yaml")
    console = terminal()
    with console.capture() as captured:
        drawing.print_help(console, flow.checks[0].questions[0])
    assert OSC not in captured.get()
    assert words(captured.get()) == f"See {DISGUISED}"


# -- 2. the Markdown report ------------------------------------------------------------

MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])

HOSTILE = [
    "Is Sync on? **yes** <span hidden>",
    "![](https://evil.example/t.png)",
    DISGUISED,
    "<img src=https://evil.example/t.png>",
    "<https://evil.example/auto>",
    "<!-- hidden --> after",
    "<div>\n<b>block</b>\n</div>",
    "&#x202e;reversed&#8203;hidden&lt;b&gt;",
    "# Heading",
    "## Answers",
    "Title ##",
    "> quoted",
    "- item",
    "+ item",
    "* item",
    "1. item",
    "1) item",
    "---",
    "- - -",
    "***",
    "___",
    "Line one\n===",
    "Line one\n-",
    "a | b | c",
    "| 1 | Fake check | passed |\n|---|---|---|",
    "`code` and `<b>`",
    "```\nfenced",
    "~~~\nfenced",
    "~~struck~~",
    "*em* _em_ __strong__ **strong**",
    "snake_case_name and 2*3*4",
    "trailing backslash\\",
    "C:\\Users\\me",
    "\\<b> and \\[x](y)",
    "[ref]\n\n[ref]: https://evil.example/ref",
    "[x]: https://evil.example/def",
    "[^1]\n\n[^1]: https://evil.example/note",
    "- [ ] task",
    "[a`](https://evil.example/c)`",
    "    indented code",
    "line\n\n\n# after blank lines",
]


def hostile_flow(hostile: str) -> str:
    """The hostile text everywhere a report shows flow text: the flow's and the check's
    title, the prompts, a choice's label, the fix, how to tell it worked, and where to
    get help."""
    h = json.dumps(hostile)
    return f"""
format: 2
id: demo
title: {h}
version: "1"
escalation: {h}
triage:
  - id: triage-q
    kind: choice
    prompt: {h}
    choices:
      - {{id: odd, label: {h}}}
      - {{id: plain, label: Plain}}
checks:
  - id: one
    title: {h}
    questions:
      - id: q-one
        prompt: {h}
        pass_answer: "yes"
        remediation: {h}
        verify: {h}
      - id: q-two
        kind: choice
        prompt: {h}
        choices:
          - {{id: good, label: Good}}
          - {{id: odd, label: {h}}}
        pass_choices: [good]
        remediation: {h}
"""


def every_token(tokens: list[Token]) -> list[Token]:
    found = []
    for token in tokens:
        found.append(token)
        found += every_token(token.children or [])
    return found


def inline_text(token: Token) -> str:
    """The text an inline token shows, without its styles."""
    return "".join(" " if t.type in ("softbreak", "hardbreak") else t.content
                   for t in token.children or [] if t.type in ("text", "code_inline",
                                                               "softbreak", "hardbreak"))


def strong_texts(token: Token) -> list[str]:
    """The text of each bold part of an inline token."""
    texts: list[str] = []
    inside: str | None = None
    for child in token.children or []:
        if child.type == "strong_open":
            inside = ""
        elif child.type == "strong_close":
            texts.append(inside)
            inside = None
        elif inside is not None:
            inside += child.content
    return texts


def markdown_report(tmp_path: Path, hostile: str) -> str:
    path = write_flow(tmp_path, hostile_flow(hostile))
    result = invoke("--steps", str(path), "--non-interactive", "--answer", "triage-q=odd",
                    "--answer", "q-one=no", "--answer", "q-two=odd", "--format", "markdown")
    assert result.exit_code == 1, result.output
    return result.stdout


def assert_shown_as_text(report: str, hostile: str) -> None:
    """The Markdown report of hostile_flow(hostile), as CommonMark (with GitHub's tables
    and strikethrough) renders it, shows the hostile text as text, in the report's own
    structure."""
    tokens = MARKDOWN.parse(report)
    everything = every_token(tokens)
    one_line = " ".join(hostile.split())

    # No HTML, no image: nothing that a ticket system would run or fetch.
    kinds = {t.type for t in everything}
    assert not kinds & {"html_inline", "html_block", "image"}, kinds
    # No link that shows other than where it goes.
    for i, token in enumerate(everything):
        if token.type == "link_open":
            end = next(j for j in range(i, len(everything))
                       if everything[j].type == "link_close")
            assert "".join(t.content for t in everything[i + 1:end]) == token.attrs["href"]
    # No character reference spelling an invisible character (a tab is the flow's own).
    shown = "".join(t.content for t in everything if t.type in ("text", "code_inline"))
    assert not CONTROL.search(shown.replace("\t", " "))

    # The report's own outline, with the flow's text inside its headings as it is.
    headings = [(t.tag, inline_text(tokens[i + 1])) for i, t in enumerate(tokens)
                if t.type == "heading_open"]
    assert headings == [("h1", f"{one_line}: troubleshooting report"), ("h2", "Checks"),
                        ("h2", "Answers"), ("h3", "Before the checks"), ("h3", one_line),
                        ("h2", "Fixes to try, in order"), ("h3", one_line), ("h2", "Next step"),
                        ("h2", "Where to get help")]
    # The headline in bold, the title in it as it is.
    first_paragraph = next(i for i, t in enumerate(tokens) if t.type == "paragraph_open")
    assert strong_texts(tokens[first_paragraph + 1]) == [
        " ".join(f"Problems found: 1 check failed ('{hostile}').".split())]

    # One table: a header and one row of three cells, whatever pipes the title holds.
    rows: list[list[str]] = []
    for i, token in enumerate(tokens):
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            rows[-1].append(inline_text(tokens[i + 1]))
    assert sum(t.type == "table_open" for t in tokens) == 1
    assert rows == [["#", "Check", "Status"], ["1", one_line, "failed"]]

    # Each answer: the prompt as it is, then the answer in bold, and nothing else bold.
    start = next(i for i, t in enumerate(tokens) if t.type == "heading_open"
                 and inline_text(tokens[i + 1]) == "Answers")
    end = next(i for i, t in enumerate(tokens) if t.type == "heading_open"
               and inline_text(tokens[i + 1]) == "Fixes to try, in order")
    answers = [t for t in tokens[start:end] if t.type == "inline" and t.level > 1]
    assert [(inline_text(t), strong_texts(t)) for t in answers] == [
        (f"{one_line} {one_line}", [one_line]),
        (f"{one_line} no", ["no"]),
        (f"{one_line} {one_line}", [one_line])]

    # Every address in the fixes is shown (a link's target is not hidden).
    for address in re.findall(r"https://[^\s)>\]'\"]+", hostile):
        assert address in shown


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_markdown_report_shows_hostile_text_as_text(tmp_path: Path, hostile: str) -> None:
    assert_shown_as_text(markdown_report(tmp_path, hostile), hostile)


# Pieces of Markdown, and of what escapes it, to put together at random.
PIECES = st.sampled_from([
    *"\\`*_[]()<>|~&#!-+=.:1a \n\t", "&amp;", "&#x202e;", "https://evil.example/x",
    "    ", "```", "~~~", "---", "***", "1. ", "- ", "> ", "# ", "<b>", "[a](b)",
    "![a](b)", "<https://a.example>", "[r]: https://evil.example/r\n", "`a`", "``a``",
    "**b**", "\\`",
])


@settings(max_examples=300, deadline=None)
# At most 200 characters: the text also goes into a check title and a choice label.
@given(st.lists(PIECES, min_size=1, max_size=20).map("".join)
       .filter(lambda text: text.strip() and len(text) <= 200))
def test_any_markdown_in_the_flow_is_shown_as_text(hostile: str) -> None:
    flow = load_text(hostile_flow(hostile), "demo.yaml")
    answers = parse_flags(["triage-q=odd", "q-one=no", "q-two=odd"], flow)
    result = run_session(flow, ScriptedAnswers(answers))
    assert_shown_as_text(markdown.render(model.build(result)), hostile)


def test_the_issue_example_in_the_markdown_report(tmp_path: Path) -> None:
    report = markdown_report(tmp_path, "Is Sync on? **yes** <span hidden>")
    assert "- Is Sync on? \\*\\*yes\\*\\* \\<span hidden> **no**\n" in report
    assert ("<li>Is Sync on? **yes** &lt;span hidden&gt; <strong>no</strong></li>"
            in MARKDOWN.render(report))


def test_a_fix_keeps_its_steps_emphasis_and_code_in_the_markdown_report(
        tmp_path: Path) -> None:
    """Flow authors write their fixes in Markdown: the safe part of it is kept."""
    fix = ("Turn off Low Power Mode:\n\n1. Open **Settings > Battery**.\n"
           "2. Turn off *Low Power Mode*.\n   Then wait.\n\n- Or run `sync now`.")
    path = write_flow(tmp_path, one_fix(fix))
    report = invoke("--steps", str(path), "--answer", "q0=no", "--format",
                    "markdown").stdout
    fixes = report.split("## Fixes to try, in order\n")[1].split("## Next step")[0]
    assert MARKDOWN.render(fixes) == (
        "<h3>Check 0</h3>\n<p>You answered: Is it on? <strong>no</strong></p>\n"
        "<p>Turn off Low Power Mode:</p>\n<ol>\n"
        "<li>Open <strong>Settings &gt; Battery</strong>.</li>\n"
        "<li>Turn off <em>Low Power Mode</em>.\nThen wait.</li>\n</ol>\n"
        "<ul>\n<li>Or run <code>sync now</code>.</li>\n</ul>\n")


# -- 3. the largest report --------------------------------------------------------------

@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("huge")
    (folder / "huge.yaml").write_bytes(huge_report_flow())
    (folder / "answers.json").write_text(json.dumps({f"q{i}": "no" for i in range(200)}),
                                         encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_the_largest_report_is_fast_and_small(huge: Path, fmt: str) -> None:
    """200 failing checks with fixes of ~10,000 characters each (a flow of ~4 MB): every
    fix is in the report, within 2 s of CPU and 200 MiB (assert_sane)."""
    result = run("--steps", "huge.yaml", "--non-interactive", "--answers", "answers.json",
                 "--format", fmt, cwd=huge)
    assert_sane(result)
    assert result.code == 1, result.stderr
    if fmt == "json":
        checks = json.loads(result.stdout)["checks"]
        assert [c["status"] for c in checks] == ["failed"] * 200
        assert checks[199]["remediation"][0].endswith("End of fix 199.")
    else:
        assert [int(n) for n in re.findall(r"End of fix (\d+)\.", result.stdout)] == list(
            range(200))
    if fmt == "markdown":
        assert "\\<b>10 minutes\\</b> &amp; look again" not in result.stdout
        assert "\\<b>10 minutes\\</b> \\&amp; look again" in result.stdout


def test_every_fix_of_the_built_in_flow_is_drawn_as_markdown() -> None:
    """A normal report looks as it always did: every check of the built-in flow failing
    still has each fix drawn by rich (steps numbered " 1 Open..."), none shown as
    written ("1. Open ..."), which is what the largest flows get."""
    flow = load_builtin()
    answers = ["photos-status=synced"]
    for q in flow.all_questions():
        spec = q.spec
        if getattr(spec, "pass_answer", None):
            answers.append(f"{q.id}={'no' if spec.pass_answer == 'yes' else 'yes'}")
        elif getattr(spec, "pass_choices", ()):
            other = next(c.id for c in spec.choices if c.id not in spec.pass_choices)
            answers.append(f"{q.id}={other}")
    result = run_session(flow, ScriptedAnswers(parse_flags(answers, flow)))
    report = text.summary_as_text(result)
    assert report.count("   How to tell it worked:") >= 10
    assert re.search(r"^   +\d+ \S", report, re.M)
    assert not re.search(r"^   +\d+\. \S", report, re.M)


def test_fixes_past_the_markdown_budget_are_shown_as_written() -> None:
    """Past what rich draws quickly, a fix is shown as its author wrote it (the first
    ones still as Markdown): every step there, cut to the width, indented under its
    check, and its links showing both text and target."""
    steps = "".join(f"{n}. Open **Settings** and tap the switch next to Photos, then "
                    f"wait a minute.\n" for n in range(1, 61))
    result = failed(one_fix(steps + "\nSee " + DISGUISED + ".\n\nEnd of fix {i}.",
                            checks=40))
    report = text.summary_as_text(result, width=60)
    assert [int(n) for n in re.findall(r"End of fix (\d+)\.", report)] == list(range(40))
    first, last = report.split("Fixes to try, in order")[1].split("\n40. Check 39\n")
    assert "\n     1 Open Settings and tap the switch" in first  # drawn by rich
    assert ("\n   60. Open Settings and tap the switch next to Photos, then\n"
            "   wait a minute.\n" in last)
    assert f"See {DISGUISED}." in words(last)
    assert all(cell_len(line) <= 60 for line in report.splitlines())
    assert OSC not in text.draw(model.build(result), terminal())


def test_wide_characters_past_the_budget_are_cut_by_their_width() -> None:
    line = "\u5199\u771f\u3092\u540c\u671f\u3059\u308b" * 1400  # "sync photos", no spaces
    result = failed(one_fix(line + "\n\nEnd of fix {i}.", checks=60))
    report = text.summary_as_text(result, width=50)
    assert report.count("End of fix") == 60
    assert all(cell_len(line) <= 50 for line in report.splitlines())
    assert report.count("\u5199") == 60 * 1400


def test_a_report_of_many_checks_is_drawn_as_plain_lines() -> None:
    """Past LARGE_REPORT checks, the table and the fixes are plain text (rich costs a
    millisecond a check): every check and fix is still there, the status in its column,
    and the headline names the first five failed checks and counts the rest."""
    result = failed(one_fix("Turn it **on**.\n\nEnd of fix {i}.",
                            checks=text.LARGE_REPORT + 50))
    report = text.summary_as_text(result, width=60)
    count = text.LARGE_REPORT + 50
    assert (f"Problems found: {count} checks failed ('Check 0', 'Check 1', 'Check 2', "
            f"'Check 3', 'Check 4' and {count - 5} more)") in " ".join(report.split())
    assert "\n  #  Status    Check\n  1  ✗ FAILED  Check 0\n" in report
    assert f"\n{count}  ✗ FAILED  Check {count - 1}\n" in report
    assert [int(n) for n in re.findall(r"End of fix (\d+)\.", report)] == list(range(count))
    # Each says why its check failed, then its fix.
    assert (f"\n{count}. Check {count - 1}\n   You answered: Is it on? no\n\n"
            f"   Turn it on.\n") in report
