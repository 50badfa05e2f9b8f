"""Helpers the tests share: flows written next to the test that uses them, CLI runners,
and where the example flows live."""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from typer.testing import CliRunner

from icloud_fix import kinds
from icloud_fix.cli import app
from icloud_fix.flow import Flow
from icloud_fix.flowfile.loader import load_builtin
from icloud_fix.probes.readings import READINGS


def passing_answers(flow: Flow) -> dict[str, str]:
    """Each question of a flow, in flow order, with the first answer that passes it; an
    informational or triage question with the first answer that asks nothing more (no
    condition names it, it routes nowhere and settles nothing)."""
    named = {(c.question, a) for q in flow.all_questions() for c in q.when for a in c.answers}
    passing: dict[str, str] = {}
    for question in flow.all_questions():
        kind = kinds.of(question)
        values = [option.value for option in kind.asking(question).options]
        passes = [v for v in values if kinds.judge(question, v)]
        quiet = [v for v in values if (question.id, v) not in named
                 and not kind.routes_to(question, v) and not kind.settles(question, v)]
        passing[question.id] = (passes or quiet)[0]
    return passing


# The built-in flow's question ids, each with the answer that passes it (photos-status
# with the "all is well" choice): read from the flow, so a question added to it is
# answered here too.
PASSING = passing_answers(load_builtin())
# The built-in flow's questions a reading from a connected iPhone may answer.
SUGGESTED = tuple(q.id for q in load_builtin().all_questions() if kinds.suggested_by(q) is not None)


def answer_flags(answers: dict[str, str]) -> list[str]:
    flags: list[str] = []
    for qid, value in answers.items():
        flags += ["--answer", f"{qid}={value}"]
    return flags


def write_flow(tmp_path: Path, text: str, name: str = "flow.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def invoke(*args: str):
    """Run the CLI in-process; stdin is not a terminal, so it never prompts."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def installed_command() -> str:
    """The icloud-fix installed beside the Python running the tests."""
    found = shutil.which("icloud-fix", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("icloud-fix is not installed in this environment: pip install '.[test]'")
    return found


INVALID = sorted((Path(__file__).parent / "flows" / "invalid").glob("*.yaml"))
STEPS = sorted((Path(__file__).parent.parent / "steps").glob("*.yaml"))


def statuses(report: dict) -> list:
    """Each check's status and answers, leaving out where the answers came from."""
    return [(c["id"], c["status"], [(q["id"], q["answer"], q["passed"]) for q in c["questions"]])
            for c in report["checks"]]


# -- generated flows (hypothesis strategies shared by the property tests) -------------

# yes and no as flow files may write them: YAML booleans, or the words in any case.
YES_NO_WORDS: list[Any] = ["yes", "no", True, False, "Yes", "NO", "true", "False"]
# Choice ids, some of them words YAML 1.1 would read as booleans unquoted (a number
# alone is no choice id: a typed number picks a choice by its place).
CHOICE_IDS = ["wifi", "mobile-data", "low-power", "a", "b-2", "off", "on", "yes", "true",
              "2026-model"]
# Any text that is not blank: a letter, then anything at all.
texts = st.text(max_size=20).map(lambda s: "T " + s)


def suggestions() -> st.SearchStrategy[dict[str, Any]]:
    """A valid suggest block: a number reading with yes_below, or a yes/no one with yes_when."""
    below = st.one_of(st.integers(1, 100_000),
                      st.floats(0, 100_000, exclude_min=True, allow_nan=False))
    numbers = sorted(name for name, reading in READINGS.items() if reading.numeric)
    yes_no = sorted(name for name, reading in READINGS.items() if not reading.numeric)
    return st.one_of(
        st.fixed_dictionaries({"reading": st.sampled_from(numbers), "yes_below": below}),
        st.fixed_dictionaries({"reading": st.sampled_from(yes_no), "yes_when": st.booleans()}),
    )


def _condition(choice_ids: list[str] | None, rich: bool) -> st.SearchStrategy[Any]:
    """A `when` value that fits the question it names."""
    if choice_ids is None:
        return st.sampled_from(YES_NO_WORDS if rich else ["yes", "no"])
    return st.one_of(st.sampled_from(choice_ids),
                     st.lists(st.sampled_from(choice_ids), min_size=1, unique=True))


@st.composite
def flows(draw: st.DrawFn, fmt: int = 1, rich: bool = False) -> dict[str, Any]:
    """A valid flow as Python data, its references consistent: ids unique, every `when`
    naming an earlier question with answers it can get, every choice check a check.

    Plain: format-1 yes/no questions with pass answers, informational ones and
    conditions. With ``rich``, also the optional keys (help, suggest, description, ...)
    and, in format 2, triage questions and choice questions with pass_choices, checks
    to route to, and conditions on choice ids."""
    check_ids = [f"c-{c}" for c in range(draw(st.integers(1, 4)))]
    earlier: list[str] = []
    choices_of: dict[str, list[str]] = {}  # choice question id -> its choice ids

    def question(triage: bool) -> dict[str, Any]:
        qid = f"q-{len(earlier)}"
        question: dict[str, Any] = {"id": qid, "prompt": f"Question {qid}?"}
        choice_ids: list[str] = []
        if rich:
            question["prompt"] = draw(texts)
            if draw(st.booleans()):
                question["help"] = draw(texts)
            if fmt >= 2 and draw(st.booleans()):
                choice_ids = draw(st.lists(st.sampled_from(CHOICE_IDS), min_size=2,
                                           max_size=4, unique=True))
                question["kind"] = "choice"
                question["choices"] = [
                    {"id": cid, "label": draw(texts),
                     **({"help": draw(texts)} if draw(st.booleans()) else {}),
                     **({"check": draw(st.sampled_from(check_ids))}
                        if draw(st.booleans()) else {})}
                    for cid in choice_ids]
            elif fmt >= 2 and draw(st.booleans()):
                question["kind"] = "yes_no"
            if not choice_ids and draw(st.booleans()):
                question["suggest"] = draw(suggestions())
        if triage:
            pass  # triage questions neither pass nor fail
        elif draw(st.booleans()) and draw(st.booleans()):
            question["informational"] = True
        else:
            if choice_ids:
                question["pass_choices"] = draw(st.lists(st.sampled_from(choice_ids),
                                                         min_size=1, unique=True))
            else:
                question["pass_answer"] = draw(st.sampled_from(YES_NO_WORDS if rich
                                                               else ["yes", "no"]))
            question["remediation"] = f"Fix {qid}."
            if rich and draw(st.booleans()):
                question["informational"] = False
        if earlier:
            names = draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True))
            if names:
                question["when"] = {n: draw(_condition(choices_of.get(n), rich))
                                    for n in names}
        earlier.append(qid)
        if choice_ids:
            choices_of[qid] = choice_ids
        return question

    document: dict[str, Any] = {"format": fmt, "id": "generated", "title": "Generated",
                                "version": "1"}
    if rich:
        document["version"] = draw(st.one_of(texts, st.integers(),
                                             st.floats(allow_nan=False, allow_infinity=False)))
        for key in ("description", "after_fix_question", "escalation"):
            if draw(st.booleans()):
                document[key] = draw(texts)
        if draw(st.booleans()):
            document["service_status"] = draw(st.lists(texts, min_size=1, max_size=3))
        if fmt >= 2 and draw(st.booleans()):
            document["triage"] = [question(True) for _ in range(draw(st.integers(1, 3)))]
    document["checks"] = [
        {"id": cid, "title": f"Check {c}",
         "questions": [question(False) for _ in range(draw(st.integers(1, 3)))]}
        for c, cid in enumerate(check_ids)]
    _route_only_where_conditions_are_known(document)
    return document


def _route_only_where_conditions_are_known(document: dict[str, Any]) -> None:
    """Leave out a choice's check when a question of that check has a condition on a
    question not yet asked when the choice sends the session there (validate refuses
    such a flow: the question could never be asked)."""
    checks = document["checks"]
    order = [c["id"] for c in checks]
    of_check = {q["id"]: c["id"] for c in checks for q in c["questions"]}
    homes = [(q, None) for q in document.get("triage", [])]
    homes += [(q, c["id"]) for c in checks for q in c["questions"]]
    for question, home in homes:
        asked = set(order[:order.index(home) + 1]) if home is not None else set()
        for choice in question.get("choices", ()):
            target = choice.get("check")
            if target is None:
                continue
            target_questions = next(c["questions"] for c in checks if c["id"] == target)
            named = {of_check.get(name) for q in target_questions for name in q.get("when", {})}
            if named - {None, target, *asked}:
                del choice["check"]


class TerminalScreen:
    """A prompt_toolkit output drawn on a terminal emulator (pyte): what a prompt shows,
    as a person sees it. Pass ``output`` to a prompter; read ``lines()``."""

    encoding = "utf-8"

    def __init__(self, columns: int = 80, rows: int = 40) -> None:
        import pyte
        from prompt_toolkit.data_structures import Size
        from prompt_toolkit.output.vt100 import Vt100_Output

        self.screen = pyte.Screen(columns, rows)
        self._stream = pyte.Stream(self.screen)
        self.output = Vt100_Output(
            self, lambda: Size(rows=self.screen.lines, columns=self.screen.columns),
            term="xterm", enable_cpr=False)  # nothing here would answer a position request

    def write(self, data: str) -> int:
        self._stream.feed(data)
        return len(data)

    def flush(self) -> None:
        pass

    def lines(self) -> list[str]:
        """The screen's lines, without the spaces that end them or the empty ones below."""
        lines = [line.rstrip() for line in self.screen.display]
        while lines and not lines[-1]:
            lines.pop()
        return lines


# -- the installed command in a pseudo-terminal -------------------------------------------

# What a person's terminal gives the command, whatever the terminal running the tests
# has: a capable TERM, no colour (the tests read words, not escape codes), and no
# cursor-position requests (pexpect does not answer them as a terminal would).
TERMINAL = {"TERM": "xterm-256color", "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1"}


def start_installed(args: Sequence[str], cwd: Path, *, columns: int = 120, rows: int = 40,
                    env: Mapping[str, str | None] | None = None, timeout: float = 15,
                    size_from_terminal: bool = False, stderr_to: Path | None = None,
                    text: bool = True, delay_before_send: float | None = 0.05) -> Any:
    """The installed icloud-fix in a pseudo-terminal of ``columns`` x ``rows``, run in
    ``cwd``: the one way every test starts it in a terminal. Everything the terminal
    received is kept in ``child.screen_log`` (with ``text``; otherwise bytes, for a
    terminal emulator to read).

    ``env`` adds to (or, with None, removes from) this environment. The size is also
    in COLUMNS and LINES, unless ``size_from_terminal``: then only the terminal says
    it, as in a person's window. ``stderr_to`` sends stderr to a file (a traceback
    after a hang-up is looked for there). ``delay_before_send``: pexpect waits this long
    before each key, for programs slow to take their keys; None types ahead."""
    import io

    import pexpect

    environment: dict[str, str | None] = {**os.environ, **TERMINAL}
    if size_from_terminal:
        environment.update(COLUMNS=None, LINES=None)
    else:
        environment.update(COLUMNS=str(columns), LINES=str(rows))
    environment.update(env or {})
    command, argv = installed_command(), list(args)
    if stderr_to is not None:
        argv = ["-c", 'exec "$0" "$@" 2>"$ERR"', command, *argv]
        command, environment["ERR"] = "/bin/bash", str(stderr_to)
    child = pexpect.spawn(command, argv, cwd=str(cwd), dimensions=(rows, columns),
                          env={k: v for k, v in environment.items() if v is not None},
                          encoding="utf-8" if text else None, timeout=timeout)
    child.delaybeforesend = delay_before_send
    if text:
        child.screen_log = io.StringIO()
        child.logfile_read = child.screen_log
    return child


def answer(child: Any, expected: str, key: str) -> None:
    """Wait for ``expected`` on the screen, then press ``key``."""
    child.expect_exact(expected)
    child.send(key)


def without_escapes(text: str) -> str:
    """What a terminal showed, without its escape sequences."""
    return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", text)


def read_to_the_end(child, save_report: str = "n") -> str:
    """Everything a pexpect-driven session prints until it exits, answering the offer to
    save the report (made after a session that found problems) with ``save_report``."""
    import pexpect

    seen = ""
    if child.expect([pexpect.EOF, "Save this report as"]) == 1:
        seen = child.before + child.after
        child.send(save_report)
    else:
        return child.before
    return seen + child.read()


def background_done(pid: int, timeout: float = 30) -> None:
    """Return once the icloud-fix process ``pid`` runs no thread but its main one: what
    it was reading in the background (the iPhone, Apple's feeds) it has now read and
    understood. Call it once a reading has surely started (FeedServer.wait_served):
    a feed served is not yet a feed read. Where there is no /proc (not Linux), it
    returns at once."""
    import time

    tasks = Path(f"/proc/{pid}/task")
    if not tasks.is_dir():
        return
    deadline = time.monotonic() + timeout
    while len(list(tasks.iterdir())) > 1:
        if time.monotonic() > deadline:
            pytest.fail(f"icloud-fix still reading in the background after {timeout} s")
        time.sleep(0.01)


FEEDS = Path(__file__).parent / "feeds"


class FeedServer:
    """The recorded feeds in tests/feeds, served on 127.0.0.1; /slow answers after the
    3-second timeout. A test waits for a feed to have been served (``wait_served``)
    rather than sleeping and hoping: give each run its own address with ``url``."""

    def __init__(self) -> None:
        import http.server
        import itertools
        import threading
        import time
        import urllib.parse

        self._served: set[str] = set()
        self._changed = threading.Condition()
        self._tags = itertools.count()
        served, changed = self._served, self._changed

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                name = urllib.parse.urlsplit(self.path).path
                if name == "/slow":
                    time.sleep(6)  # past the 3 s timeout
                path = FEEDS / name.lstrip("/")
                if name == "/slow" or not path.is_file():
                    self.send_response(404)
                    self.end_headers()
                else:
                    body = path.read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                self.wfile.flush()
                with changed:
                    served.add(self.path)
                    changed.notify_all()

            def log_message(self, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.address = f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, name: str) -> str:
        """The address of a feed, unique to this call (a query the server ignores), so
        that wait_served waits for this run's request and no other's."""
        return f"{self.address}/{name}?run={next(self._tags)}"

    def wait_served(self, url: str, timeout: float = 30) -> None:
        """Return once the whole answer to a request for ``url`` has been sent."""
        path = url.removeprefix(self.address)
        with self._changed:
            if not self._changed.wait_for(lambda: path in self._served, timeout):
                pytest.fail(f"nothing asked the feed server for {path} in {timeout} s")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# -- the page in a browser (tests/browser.py starts the browser) -------------------------

@dataclass(frozen=True)
class Told:
    """What a person says in a session: an answer per question id (a choice id, yes, no,
    skip, or a number as typed), and per check whether its fix worked ("worked"), did
    not help ("no") or takes time ("not_yet")."""

    answers: dict[str, str]
    fixes: dict[str, str] = field(default_factory=dict)

    def answers_file(self) -> str:
        """The same as an answers file (answers.py reads it)."""
        import yaml

        document: dict[str, Any] = dict(self.answers)
        tried = {c: w for c, w in self.fixes.items() if w != "worked"}
        if tried:
            document["fixes_tried"] = tried
        worked = [c for c, w in self.fixes.items() if w == "worked"]
        if worked:
            document["resolved_by"] = worked[0]
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


# A flow with a number question, a choice that settles a later question, and one that
# sends the session to a check.
NUMBER_FLOW = """
    format: 2
    id: numbers
    title: Space and status
    version: "1"
    triage:
      - id: status
        prompt: What does the status line say?
        kind: choice
        choices:
          - {id: fine, label: Up to date}
          - {id: full, label: "Not enough *storage*", answers: {space-full: "yes"}}
          - {id: space, label: Something about space, check: space}
    checks:
      - id: power
        title: Power
        questions:
          - id: charged
            prompt: Is it charged?
            pass_answer: "yes"
            remediation: Charge it.
      - id: space
        title: Space
        questions:
          - id: space-full
            prompt: Is the storage full?
            pass_answer: "no"
            remediation: Free some space.
          - id: free-gb
            prompt: How much space is free?
            kind: number
            unit: GB
            pass_at_least: 2
            remediation: |
              1. Open **Settings > General > iPhone Storage**.
              2. Delete what you do not need.
            verify: Two GB or more are free.
            when: {space-full: "no"}
    """


def mouse_click(browser: Any, css: str) -> None:
    """A click of the left mouse button on the element css names, as the browser gets
    one from a mouse (its own input events, through DevTools): three times quicker than
    WebDriver's click, which checks and waits around it, and as real."""
    where = browser.js(
        "const e = document.querySelector(arguments[0]); if (!e) return null;"
        "e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
        "return [r.left + r.width / 2, r.top + r.height / 2]", css)
    if where is None:
        pytest.fail(f"nothing on the page matches {css}")
    for event in ("mousePressed", "mouseReleased"):
        browser.driver.execute_cdp_cmd("Input.dispatchMouseEvent", {
            "type": event, "x": where[0], "y": where[1], "button": "left", "clickCount": 1})


def start_afresh(browser: Any, page: Path | str, timeout: float = 10) -> None:
    """Open the page and, if it kept an earlier session, press "Start over": the start
    screen, whatever the browser kept (cleared from within the page, not raced against
    a second load)."""
    browser.open(page)
    screen = browser.wait_until("document.body.dataset.screen", timeout)
    if screen != "start":
        answered = int(browser.js("return document.body.dataset.given"))
        browser.wait_for("#start-over", timeout).click()
        if answered:  # the first press only asks for a second
            browser.wait_until("document.getElementById('start-over').textContent === "
                               "'Press again to forget every answer'", timeout)
            browser.wait_for("#start-over", timeout).click()
        browser.wait_until("document.body.dataset.screen === 'start'", timeout)


_FIX_BUTTONS = {"worked": "worked", "no": "did_not_work", "not_yet": "not_yet"}


def answer_in_page(browser: Any, page: Path | str, told: Told) -> tuple[Told, dict[str, str]]:
    """Open the page afresh and answer what it asks as ``told`` says, with a click on
    the answer (a number typed, then Enter); a question not in ``told`` is answered
    "not sure", a fix not in it "no". Returns what the page was told, in the order it
    asked, and its report as shown (markdown, json, answers)."""
    start_afresh(browser, page)
    browser.wait_for("#start").click()
    answers: dict[str, str] = {}
    fixes: dict[str, str] = {}
    where = ("[document.body.dataset.screen, document.body.dataset.asking, "
             "document.body.dataset.given, !!document.getElementById('typed')]")
    screen, asking, given, typed = browser.js(f"return {where}")
    for _ in range(10_000):
        if screen == "outcome":
            break
        if asking.startswith("fix:"):
            check = asking.removeprefix("fix:")
            fixes[check] = told.fixes.get(check, "no")
            target = f'button[data-answer="{_FIX_BUTTONS[fixes[check]]}"]'
        else:
            answers[asking] = value = told.answers.get(asking, "skip")
            target = "#typed" if typed and value != "skip" else f'button[data-answer="{value}"]'
        if target == "#typed":
            browser.driver.find_element("css selector", target).send_keys(
                answers[asking] + "\n")
        else:
            mouse_click(browser, target)
        # Once the page has taken the answer: where it stands now.
        screen, asking, given, typed = browser.wait_until(
            f"document.body.dataset.given !== '{given}' && {where}")
    else:
        pytest.fail("the page never came to its outcome")
    report = browser.js("return window.icloudFixReport")
    return Told(answers, fixes), report


def scripted(told: Told, *args: str) -> tuple[dict[str, Any], str]:
    """The JSON and Markdown reports of a scripted run given what the page was told."""
    with tempfile.TemporaryDirectory() as folder:
        answers = Path(folder) / "answers.yaml"
        answers.write_text(told.answers_file(), encoding="utf-8")
        return replay(answers, *args)


def replay(answers: Path, *args: str) -> tuple[dict[str, Any], str]:
    runs = [invoke(*args, "--non-interactive", "--offline", "--answers", str(answers),
                   "--format", fmt) for fmt in ("json", "markdown")]
    for run in runs:
        assert run.exit_code in (0, 1, 3), run.output
    return json.loads(runs[0].stdout), runs[1].stdout


def _comparable_json(document: dict[str, Any]) -> dict[str, Any]:
    document = {k: v for k, v in document.items() if k not in ("started", "tool")}
    for question in [*document["triage"], *(q for c in document["checks"]
                                           for q in c["questions"])]:
        if question["source"] == "file":
            question["source"] = "prompt"
    return document


def _comparable_markdown(text: str) -> str:
    return re.sub(r"^- (Date|Tool): .*$", r"- \1: ...", text, flags=re.M)


def same_reports(page: dict[str, str], json_report: dict[str, Any], markdown: str,
                 what: str) -> None:
    """The page's reports equal the scripted run's; if not, fail with both."""
    shown = _comparable_json(json.loads(page["json"]))
    expected = _comparable_json(json_report)
    if shown != expected:
        a = json.dumps(expected, indent=1, ensure_ascii=False).splitlines()
        b = json.dumps(shown, indent=1, ensure_ascii=False).splitlines()
        diff = "\n".join(difflib.unified_diff(a, b, "scripted", "page", lineterm=""))
        pytest.fail(f"{what}: the JSON reports differ:\n{diff}\n\n--- scripted:\n"
                    f"{json.dumps(json_report, indent=1)}\n--- page:\n{page['json']}")
    shown_md, expected_md = _comparable_markdown(page["markdown"]), \
        _comparable_markdown(markdown)
    if shown_md != expected_md:
        diff = "\n".join(difflib.unified_diff(expected_md.splitlines(), shown_md.splitlines(),
                                              "scripted", "page", lineterm=""))
        pytest.fail(f"{what}: the Markdown reports differ:\n{diff}\n\n--- scripted:\n"
                    f"{markdown}\n--- page:\n{page['markdown']}")
