"""`icloud-fix page` without a browser: the file it writes, what it refuses, and that no
flow text (hostile ones included) becomes markup or script in the page.

What the page does in a browser is in test_page_browser.py and
test_page_conformance.py."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_hostile import assert_sane, run

from helpers import installed_command, start_installed, write_flow
from hostile import FLOW_CASES

# The built-in flow's page stays a page a phone opens at once, and mails.
SIZE_LIMIT = 200 * 1024


def page(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([installed_command(), "page", *args], capture_output=True,
                          cwd=cwd, timeout=60, check=False)


class Elements(HTMLParser):
    """Every element of a document, with its attributes, and each script's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((dict(attrs), ""))

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def parse(text: str) -> Elements:
    elements = Elements()
    elements.feed(text)
    elements.close()
    return elements


def csp(text: str) -> dict[str, list[str]]:
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', text)
    assert match, "no Content-Security-Policy"
    return {part.split()[0]: part.split()[1:] for part in match[1].split("; ")}


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# The elements the page's own template has: anything else came from a flow.
TEMPLATE_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "p", "button",
                 "main", "div", "h1", "noscript", "script"}


def test_writes_one_page_under_the_size_limit(tmp_path: Path) -> None:
    result = page("--output", "photos.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "photos.html"
    size = written.stat().st_size
    assert size < SIZE_LIMIT, f"the built-in flow's page is {size:,} bytes"
    assert result.stderr.decode() == (f"Page written to photos.html ({size / 1024:.0f} KB): "
                                      f"open it in a browser, mail it, or put it on a web "
                                      f"server.\n")
    assert result.stdout == b""
    text = written.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<title>iCloud Photos not syncing on iPhone</title>" in text


def test_to_standard_output_when_it_is_not_a_terminal(tmp_path: Path) -> None:
    result = page()
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("<!DOCTYPE html>")
    assert result.stderr == b""


def test_refuses_to_pour_html_into_a_terminal(tmp_path: Path) -> None:
    child = start_installed(["page"], tmp_path)
    child.expect("--output FILE")
    child.expect_exact("icloud-fix page > page.html")
    child.expect(r"\$ *$|$")
    child.wait()
    assert child.exitstatus == 2
    assert not list(tmp_path.iterdir())


def test_a_bad_flow_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, "format: 1\nid: demo\ntitle: Demo\nversion: \"1\"\n")
    result = page("--steps", str(flow), "--output", str(tmp_path / "page.html"))
    assert result.returncode == 2
    assert result.stderr.decode().startswith(f"icloud-fix: {flow}:1: ")
    assert len(result.stderr.decode().splitlines()) == 1, result.stderr
    assert not (tmp_path / "page.html").exists()


def test_an_output_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = page("--output", str(tmp_path / "no-folder" / "page.html"))
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert stderr.startswith(f"icloud-fix: {tmp_path / 'no-folder' / 'page.html'}: "
                             "cannot be written: the folder")
    assert len(stderr.splitlines()) == 1, stderr
    folder = page("--output", str(tmp_path))
    assert folder.returncode == 2
    assert "is a folder" in folder.stderr.decode()


def test_help_says_what_the_page_is_for() -> None:
    result = subprocess.run([installed_command(), "page", "--help"], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0
    assert "for people who will never open a terminal" in " ".join(result.stdout.split())
    assert "the same report with 'icloud-fix" in " ".join(result.stdout.split())


def test_the_policy_runs_only_the_pages_own_script_and_loads_nothing(tmp_path: Path) -> None:
    result = page()
    text = result.stdout.decode()
    policy = csp(text)
    assert policy["default-src"] == ["'none'"]
    for directive in ("img-src", "font-src", "connect-src", "media-src", "object-src",
                      "frame-src", "form-action", "base-uri"):
        assert policy[directive] == ["'none'"], directive
    elements = parse(text)
    scripts = elements.scripts
    assert [attrs.get("type") for attrs, _ in scripts] == ["application/json", None]
    # The one script that runs is allowed by its hash, and nothing else is.
    assert policy["script-src"] == [sha256(scripts[1][1])]
    style = re.search(r"<style>(.*?)</style>", text, re.S)
    assert style is not None
    assert policy["style-src"] == [sha256(style[1])]
    assert {tag for tag, _ in elements.tags} <= TEMPLATE_TAGS
    # Nothing to fetch: no element names another document.
    for tag, attrs in elements.tags:
        assert not {"src", "href", "srcset", "action", "data", "poster"} & set(attrs), tag
    assert "http://" not in scripts[1][1] and "https://" not in scripts[1][1]


SCRIPT_TRICKS = ('</script><script>alert(1)</script> <!-- <img src=x onerror=alert(2)> '
                 '&lt;b&gt; \u2028 \x1b[2J \u202e')


def test_flow_text_cannot_end_the_data_or_become_markup(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, f"""
        format: 1
        id: demo
        title: {json.dumps(SCRIPT_TRICKS)}
        version: "1"
        checks:
          - id: check-one
            title: {json.dumps(SCRIPT_TRICKS)}
            questions:
              - id: q-one
                prompt: {json.dumps(SCRIPT_TRICKS)}
                pass_answer: "yes"
                remediation: {json.dumps(SCRIPT_TRICKS)}
        """)
    result = page("--steps", str(flow))
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    elements = parse(text)
    assert len(elements.scripts) == 2
    assert {tag for tag, _ in elements.tags} <= TEMPLATE_TAGS
    data = json.loads(elements.scripts[0][1])
    question = data["checks"][0]["questions"][0]
    # As the JSON report has it (the flow loader spells out the escape and the
    # override), and nowhere in the page raw.
    assert question["text"].startswith("</script><script>alert(1)</script> <!--")
    assert "\\x1b[2J" in question["text"] and "\\u202e" in question["text"]
    assert "\x1b" not in text and "\u202e" not in text and "\u2028" not in text
    # The Markdown report's own escaping: no HTML, no comment.
    assert "\\<" in question["md"] and "<" not in question["md"].replace("\\<", "")


VALID_HOSTILE = [case for case in FLOW_CASES if case.valid]


@pytest.mark.parametrize("case", VALID_HOSTILE, ids=[c.name for c in VALID_HOSTILE])
def test_every_hostile_flow_gives_a_page_with_no_markup_of_its_own(tmp_path: Path,
                                                                    case) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_bytes(case.make())
    result = run("page", "--steps", str(flow), "--output", "page.html", cwd=tmp_path)
    assert_sane(result)  # within the hostile corpus's bounds of CPU time and memory
    assert result.code == 0, result.stderr
    text = (tmp_path / "page.html").read_text("utf-8")
    elements = parse(text)
    assert {tag for tag, _ in elements.tags} <= TEMPLATE_TAGS
    assert [attrs.get("type") for attrs, _ in elements.scripts] == ["application/json", None]
    data = json.loads(elements.scripts[0][1])
    assert data["checks"], case.name
    shipped = (Path(__file__).parent.parent / "src" / "icloud_fix" / "page" / "page.js")
    assert elements.scripts[1][1] == shipped.read_text("utf-8")


INVALID_HOSTILE = [case for case in FLOW_CASES if not case.valid]


@pytest.mark.parametrize("case", INVALID_HOSTILE, ids=[c.name for c in INVALID_HOSTILE])
def test_a_hostile_flow_that_is_refused_writes_no_page(tmp_path: Path, case) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_bytes(case.make())
    result = run("page", "--steps", str(flow), "--output", "page.html", cwd=tmp_path)
    assert_sane(result)
    assert result.code == 2, result.stderr
    assert case.message in result.stderr
    assert not (tmp_path / "page.html").exists()


def test_standard_output_gets_utf8_whatever_the_systems_encoding(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, """
        format: 1
        id: cafe
        title: "Café storage ✓"
        version: "1"
        checks:
          - id: c
            title: Café
            questions:
              - {id: q, prompt: "Café?", pass_answer: "yes", remediation: Fix it.}
        """)
    import os

    result = subprocess.run([installed_command(), "page", "--steps", str(flow)],
                            capture_output=True, timeout=60, check=False,
                            env={**os.environ, "PYTHONIOENCODING": "cp1252"})
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("utf-8")  # as the page says it is
    assert '<meta charset="utf-8">' in text
    assert "<title>Café storage ✓</title>" in text


# What iPhones that the flow covers (iOS 15 and later, so Safari 15) cannot run. One of
# these in the page's script is a syntax error or a missing method there, and the page
# would show its title and nothing else; in its style, a rule Safari 15 drops whole.
# (Chromium, which the tests drive, runs them all: only reading the files finds them.)
NEWER_THAN_SAFARI_15 = {
    ("page.js", "regular expression lookbehind (Safari 16.4)"): r"\(\?<[=!]",
    ("page.js", "Array/String .at() (Safari 15.4)"): r"\.at\(",
    ("page.js", "structuredClone (Safari 15.4)"): r"\bstructuredClone\b",
    ("page.js", "Object.hasOwn (Safari 15.4)"): r"\bObject\.hasOwn\b",
    ("page.js", "findLast (Safari 15.4)"): r"\.findLast(Index)?\(",
    ("page.js", "class static blocks (Safari 16.4)"): r"\bstatic\s*\{",
    ("page.js", "toSorted, toReversed, toSpliced, with (Safari 16)"):
        r"\.(toSorted|toReversed|toSpliced|with)\(",
    ("page.js", "Object.groupBy / Map.groupBy (Safari 17.4)"): r"\b(Object|Map)\.groupBy\b",
    ("page.js", "regular expression v flag (Safari 17)"): r"/[dgimsuy]*v[dgimsuy]*[,;)\s]",
    ("page.css", ":has() (Safari 15.4)"): r":has\(",
    ("page.css", "container queries (Safari 16)"): r"@container",
    ("page.css", "cascade layers (Safari 15.4)"): r"@layer",
    ("page.css", "color-mix() (Safari 16.2)"): r"color-mix\(",
    ("page.css", "nesting (Safari 16.5)"): r"\{[^{}]*&[^{}]*\{",
    ("page.css", ":focus-visible with no fallback (Safari 15.4)"):
        r"^[^:{]*:focus-visible[^{]*\{",
}
# Comments may name them.
COMMENTS = {"page.js": re.compile(r"^\s*//.*$", re.M),
            "page.css": re.compile(r"/\*.*?\*/", re.S)}


@pytest.mark.parametrize("file,feature", sorted(NEWER_THAN_SAFARI_15))
def test_the_page_runs_on_the_iphones_the_flow_covers(file: str, feature: str) -> None:
    text = (Path(__file__).parent.parent / "src" / "icloud_fix" / "page" / file
            ).read_text("utf-8")
    code = COMMENTS[file].sub("", text)
    assert len(code) > len(text) / 2, "most of the file is code, not comments"
    found = re.search(NEWER_THAN_SAFARI_15[file, feature], code, re.M)
    assert found is None, f"{file} uses {feature}: {code[found.start() - 60:found.end() + 20]}"
