"""A corpus of hostile flow files and answer files, generated at test time.

Each case is a name, the bytes of the file, and whether icloud-fix should load
it ("valid") or refuse it with exit 2 ("invalid"). Big cases are generated, not
stored, so the repository stays small.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    valid: bool
    message: str = ""  # a part of the first error line, when invalid


def question(qid: str, prompt: str = "Is it on?", remediation: str = "Turn it on.",
             extra: str = "") -> str:
    return (f"      - id: {qid}\n        prompt: {prompt}\n        pass_answer: \"yes\"\n"
            f"        remediation: {remediation}\n{extra}")


def flow(*questions: str, head: str = "") -> str:
    body = "".join(questions) or question("q-one")
    return (f"format: 1\nid: demo\ntitle: Demo\nversion: \"1\"\n{head}checks:\n"
            f"  - id: check-one\n    title: Check one\n    questions:\n{body}")


GOOD = flow()


def many_checks(count: int) -> bytes:
    parts = ["format: 1\nid: big\ntitle: Big\nversion: \"1\"\nchecks:\n"]
    parts += [f"  - {{id: c-{i}, title: C, questions: [{{id: q-{i}, prompt: P, "
              f"pass_answer: \"yes\", remediation: R}}]}}\n" for i in range(count)]
    return "".join(parts).encode()


def billion_laughs() -> bytes:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return ("\n".join(lines) + "\n").encode()


def nested_mappings(depth: int) -> bytes:
    return ("".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "x\n").encode()


def nested_lists(depth: int) -> bytes:
    return ("[" * depth + "]" * depth + "\n").encode()


# Text that would act on a terminal if it were written to one as it is.
ESCAPES = {
    "csi-clear-screen": "\x1b[2J\x1b[H",
    "osc8-link": "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "osc52-clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "bell": "ding\x07",
    "carriage-return-overwrite": "Is it on?\r? Enter your Apple ID password:",
    "c1-csi": "\x9b31mred",
    "bidi-override": "\u202eno si rewsna",
    # Invisible format characters: they hide or reorder what the reader sees.
    "zero-width-space": "Turn\u200b it\u200c on\u200d",
    "byte-order-mark": "\ufeffTurn it on",
    "line-separator": "Turn it on\u2028? Enter your password:",
    "arabic-letter-mark": "Turn it on\u061c",
    # Markdown that would change what the report says or fetch from elsewhere.
    "markdown-html": "Is Sync on? **yes** <span hidden>no</span>",
    "markdown-image": "Turn it on ![](https://evil.example/t.png)",
    "markdown-table": "a | b |\n|---|---|\n| forged | row |",
    "disguised-link": "Go to [https://appleid.apple.com](https://evil.example/phish)",
}


def many_questions(line: Callable[[int], str], values: int) -> bytes:
    """As many questions of one check as fit in about ``values`` values."""
    head = ("format: 1\nid: big\ntitle: Big\nversion: \"1\"\nchecks:\n  - id: c\n"
            "    title: C\n    questions:\n")
    each = sum(line(0).count(c) for c in ",\n-:[{?")
    return (head + "".join(line(i) for i in range(values // each))).encode()


def unknown_when(i: int) -> str:
    return (f"      - {{id: q{i}, prompt: P, pass_answer: \"yes\", remediation: R, "
            f"when: {{z{i}: yes}}}}\n")


def misspelt_answers(count: int) -> bytes:
    return "".join(f"restart-dnoe-{i}: yes\n" for i in range(count)).encode()


def suggest_flow(yes_below: str) -> bytes:
    return flow(question("q-one", extra="        suggest: {reading: free-space-gb, "
                                        f"yes_below: {yes_below}}}\n")).encode()


def escape_flow(text: str) -> bytes:
    quoted = text.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    return flow(question("q-one", prompt=f'"{quoted}"', remediation=f'"{quoted}"')).encode()


FLOW_CASES: list[Case] = [
    Case("empty", lambda: b"", False, "is empty"),
    Case("only-comments", lambda: b"# nothing\n# here\n", False, "is empty"),
    Case("bare-scalar", lambda: b"hello\n", False, "must be a mapping"),
    Case("bare-list", lambda: b"- a\n- b\n", False, "must be a mapping"),
    Case("binary", lambda: bytes(range(256)) * 8, False, "is not UTF-8"),
    Case("invalid-utf8", lambda: GOOD.encode() + b"# \xc3\x28\n", False, "is not UTF-8"),
    Case("utf16-bom", lambda: b"\xff\xfe" + GOOD.encode("utf-16-le"), False, "is not UTF-8"),
    Case("utf8-bom", lambda: b"\xef\xbb\xbf" + GOOD.encode(), True),
    Case("crlf", lambda: GOOD.replace("\n", "\r\n").encode(), True),
    Case("tabs", lambda: GOOD.replace("    title", "\ttitle").encode(), False, "tab"),
    Case("nul-bytes", lambda: GOOD.encode().replace(b"Demo", b"De\x00mo"), False, ""),
    Case("billion-laughs", billion_laughs, False, "aliases"),
    # Past libyaml's nesting limit and Python's recursion limit (the pure-Python parser).
    Case("nested-mappings", lambda: nested_mappings(1500), False, "nest"),
    Case("nested-lists", lambda: nested_lists(100_000), False, "nest"),
    Case("20-mb", lambda: (GOOD + "#" + "x" * 20_000_000 + "\n").encode(), False, "larger than"),
    Case("100000-checks", lambda: many_checks(100_000), False, "larger than"),
    Case("100000-checks-compact", lambda: many_checks(100_000).replace(b" ", b"")[:4_000_000],
         False, "values"),
    Case("300-checks", lambda: many_checks(300), True),
    Case("python-object-tag",
         lambda: flow(question("q-one", prompt="!!python/object/apply:os.system [ls]")).encode(),
         False, "the tag !!python/object/apply:os.system is not allowed"),
    Case("python-name-tag", lambda: b"format: !!python/name:os.system\n", False, "is not allowed"),
    Case("local-tag", lambda: flow(question("q-one", prompt="!shout hi")).encode(), False,
         "the tag !shout is not allowed"),
    Case("merge-key", lambda: (flow(question("q-one", extra="        <<: {help: h}\n"))).encode(),
         False, "merge keys"),
    Case("anchors-reused", lambda: flow(
        question("q-one", remediation="&fix Turn it on."),
        question("q-two", remediation="*fix")).encode(), False, "aliases (*fix)"),
    Case("id-with-spaces", lambda: flow(question('"q one"')).encode(), False, "kebab-case"),
    Case("id-look-alike", lambda: flow(question("q-\u043ene")).encode(), False, "kebab-case"),
    Case("id-empty", lambda: flow(question('""')).encode(), False, "kebab-case"),
    Case("id-very-long", lambda: flow(question("q" * 5000)).encode(), False, "kebab-case"),
    Case("prompt-empty", lambda: flow(question("q-one", prompt='""')).encode(), False,
         "must not be empty"),
    Case("prompt-very-long", lambda: flow(question("q-one", prompt="a" * 1_000_000)).encode(),
         False, "longer than"),
    Case("prompt-list", lambda: flow(question("q-one", prompt="[a, b]")).encode(), False,
         "'prompt' must be text, found a list"),
    Case("prompt-number", lambda: flow(question("q-one", prompt="3.14")).encode(), False,
         "'prompt' must be text, found the number 3.14"),
    Case("prompt-null", lambda: flow(question("q-one", prompt="~")).encode(), False,
         "found nothing"),
    Case("checks-mapping", lambda: b'format: 1\nid: d\ntitle: D\nversion: "1"\nchecks: {a: 1}\n',
         False, "'checks' must be a list"),
    Case("check-is-a-string",
         lambda: b'format: 1\nid: d\ntitle: D\nversion: "1"\nchecks: [hello]\n', False,
         "a check must be a mapping"),
    Case("questions-number", lambda: (
        b'format: 1\nid: d\ntitle: D\nversion: "1"\nchecks:\n  - {id: c, title: C, questions: 7}\n'
    ), False, "'questions' must be a list"),
    Case("format-huge", lambda: flow().replace("format: 1", "format: 99999999999999999999")
         .encode(), False, "is not supported"),
    Case("format-text", lambda: flow().replace("format: 1", "format: one").encode(), False,
         "'format' must be a whole number"),
    Case("key-not-text", lambda: flow().replace("title: Demo", "[a]: Demo").encode(), False,
         "a key must be plain text"),
    Case("when-itself", lambda: flow(question("q-one", extra="        when: {q-one: yes}\n"))
         .encode(), False, "names the question 'q-one' itself"),
    Case("when-cycle", lambda: flow(
        question("q-one", extra="        when: {q-two: yes}\n"),
        question("q-two", extra="        when: {q-one: yes}\n")).encode(), False, "asked later"),
    Case("when-not-a-mapping", lambda: flow(question("q-one", extra="        when: q-two\n"))
         .encode(), False, "'when' must map earlier question ids"),
    Case("informational-with-remediation", lambda: flow(
        "      - id: q-one\n        prompt: P\n        informational: true\n"
        "        remediation: R\n").encode(), False, "is informational, so it cannot have"),
    Case("pass-fail-without-remediation", lambda: flow(
        "      - id: q-one\n        prompt: P\n        pass_answer: yes\n").encode(), False,
         "needs 'remediation'"),
    Case("rich-markup", lambda: flow(question(
        "q-one", prompt='"[bold red]Is it on?[/] [link=https://evil.example]x[/link]"',
        remediation='"[blink]Turn it on[/blink] :smiley:"')).encode(), True),
    *[Case(f"escape-{name}", lambda text=text: escape_flow(text), True)
      for name, text in ESCAPES.items()],
    # Cost bounded however many mistakes a file holds within the limits.
    Case("8000-unknown-conditions", lambda: many_questions(unknown_when, 124_000), False,
         "'when' names 'z0'"),
    Case("16000-unknown-conditions", lambda: many_questions(unknown_when, 250_000), False,
         "values"),
    Case("60000-unknown-keys", lambda: GOOD.encode() + "".join(
        f"k{i}: 1\n" for i in range(60_000)).encode(), False, "unknown key 'k0'"),
    Case("140000-unknown-keys", lambda: GOOD.encode() + "".join(
        f"k{i}: 1\n" for i in range(140_000)).encode(), False, "values"),
    # Numbers are read as YAML reads them; anything else is a problem, never a crash.
    *[Case(f"format-{name}", lambda text=text: GOOD.replace("format: 1", f"format: {text}")
           .encode(), False, "format") for name, text in (
        ("0x_", "0x_"), ("0b_", "0b_"), ("minus-0x_", "-0x_"), ("int-tag-flow", '!!int "{a: *b}"'),
        ("int-tag-deep", '!!int "' + "[" * 5000 + '"'))],
    *[Case(f"yes-below-{name}", lambda text=text: suggest_flow(text), valid, message)
      for name, text, valid, message in (
          ("hex", "0x10", True, ""), ("binary", "0b1", True, ""),
          ("sexagesimal", "1:30", True, ""), ("octal", "017", True, ""),
          ("inf", ".inf", False, "yes_below"), ("nan", ".NaN", False, "yes_below"),
          ("minus-inf", "-.inf", False, "yes_below"),
          ("float-tag-text", '!!float "abc"', False, "yes_below"))],
    # The largest reports a flow within the limits can ask for.
    Case("6000-failing-checks", lambda: many_checks(6000), True),
    Case("huge-report", lambda: huge_report_flow(), True),
    Case("id-trailing-newline", lambda: flow(question('"q-one\\n"')).encode(), False,
         "kebab-case"),
]

ANSWER_CASES: list[Case] = [
    Case("answers-empty", lambda: b"", True),
    Case("answers-list", lambda: b"- restart-done\n", False, "must be a mapping"),
    Case("answers-scalar", lambda: b"yes\n", False, "must be a mapping"),
    Case("answers-unknown-id", lambda: b"restart-dnoe: yes\n", False,
         "did you mean 'restart-done'"),
    Case("answers-number", lambda: b"restart-done: 1\n", False, "is not an answer"),
    Case("answers-list-value", lambda: b"restart-done: [yes]\n", False, "is not an answer"),
    Case("answers-on", lambda: b"restart-done: on\n", False, "'on' is not an answer"),
    Case("answers-null", lambda: b"restart-done:\n", False, "is not an answer"),
    Case("answers-billion-laughs", billion_laughs, False, "aliases"),
    Case("answers-invalid-utf8", lambda: b"restart-done: \xff\n", False, "is not UTF-8"),
    Case("answers-utf16", lambda: "restart-done: yes\n".encode("utf-16"), False, "is not UTF-8"),
    Case("answers-binary", lambda: bytes(range(256)), False, "is not UTF-8"),
    Case("answers-json-tabs", lambda: b'{\n\t"restart-done": "yes"\n}\n', True),
    Case("answers-escape-id", lambda: b'"\\e[2J\\e]52;c;eA==\\a": yes\n', False,
         "unknown question id"),
    Case("answers-python-tag", lambda: b"restart-done: !!python/object/apply:os.system [ls]\n",
         False, "is not allowed"),
    Case("answers-deep", lambda: nested_lists(100_000), False, "nest"),
    Case("answers-20-mb", lambda: b"restart-done: yes\n#" + b"x" * 20_000_000, False,
         "larger than"),
    Case("answers-30000-misspelt", lambda: misspelt_answers(30_000), False,
         "unknown question id 'restart-dnoe-0'"),
    Case("answers-70000-misspelt", lambda: misspelt_answers(70_000), False, "values"),
    Case("answers-id-trailing-newline", lambda: b'"restart-done\\n": yes\n', False,
         "unknown question id"),
    Case("answers-escape-value", lambda: b'restart-done: "\\e]8;;https://evil\\e\\\\yes"\n',
         False, "is not an answer"),
]


@dataclass(frozen=True)
class Surroundings:
    """What a run finds around it: an iPhone (the fake ideviceinfo's FAKE_* settings),
    Apple's feeds (files served as file:// addresses) and the state folder. In ``env``,
    {here} stands for the folder the run starts in, where ``files`` are written."""

    name: str
    env: dict[str, str]
    files: dict[str, bytes] = field(default_factory=dict)


def status_feed(*events: tuple[str, str]) -> bytes:
    """Apple's system status feed with ongoing Photos events (message, start date)."""
    body = {"services": [{"serviceName": "Photos", "events": [
        {"eventStatus": "ongoing", "message": message, "startDate": start}
        for message, start in events]}]}
    return f"jsonCallback({json.dumps(body)});".encode()


def versions_feed(version: str, devices: list[str] | None = None) -> bytes:
    return json.dumps({"PublicAssetSets": {"iOS": [{
        "ProductVersion": version, "SupportedDevices": devices or ["iPhone15,2"]}]}}).encode()


TRICKS = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\\x1b[2J\x07\u202e\u200b\ufeff"


def feed(name: str, body: bytes, which: str = "STATUS") -> Surroundings:
    return Surroundings(f"{which.lower()}-{name}", {
        f"ICLOUD_FIX_{which}_URL": f"file://{{here}}/{which.lower()}-{name}"},
        {f"{which.lower()}-{name}": body})


SURROUNDINGS: list[Surroundings] = [
    Surroundings("device-escapes-in-error", {"FAKE_IDEVICE": "hostile"}),
    Surroundings("device-not-utf8", {"FAKE_IDEVICE": "binary"}),
    Surroundings("device-100-mib", {"FAKE_IDEVICE": "flood"}),
    Surroundings("device-never-ends", {"FAKE_IDEVICE": "hang"}),
    Surroundings("device-escapes-in-version", {"FAKE_IDEVICE_VERSION": "17.5" + TRICKS}),
    Surroundings("device-escapes-in-model", {"FAKE_IDEVICE_MODEL": "iPhone15,2" + TRICKS}),
    Surroundings("device-free-space-huge", {"FAKE_IDEVICE_FREE": "9" * 5000}),
    Surroundings("device-free-space-text", {"FAKE_IDEVICE_FREE": "1e999" + TRICKS}),
    Surroundings("device-clock-400-digits", {"FAKE_IDEVICE_TIME": "1" + "0" * 400 + TRICKS}),
    Surroundings("device-clock-nan", {"FAKE_IDEVICE_TIME": "nan",
                                      "FAKE_IDEVICE_TIMEZONE": "UTC" + TRICKS}),
    feed("escapes-in-message", status_feed(("Photos" + TRICKS, "today" + TRICKS))),
    feed("10000-outages", status_feed(*[(f"outage {i}", "now") for i in range(10_000)])),
    feed("deep", b"[" * 400_000),
    feed("3-mb", b"jsonCallback(" + b" " * 3_000_000 + b"{});"),
    feed("not-utf8", b"jsonCallback(\xff\xfe{});"),
    feed("wrong-shape", b'{"services": {"Photos": 1}}'),
    feed("escapes-in-version", versions_feed("99.0" + TRICKS), "VERSIONS"),
    feed("wrong-shape", b'{"PublicAssetSets": {"iOS": [["x"]]}}', "VERSIONS"),
    feed("deep", b"[" * 400_000, "VERSIONS"),
    feed("huge-version", versions_feed("9" * 1_000_000), "VERSIONS"),
    # An address that --verbose repeats, and the reason it cannot be read.
    Surroundings("feed-address-with-escapes", {
        "ICLOUD_FIX_STATUS_URL": "file://{here}/status" + TRICKS}),
    Surroundings("home-under-a-file", {"ICLOUD_FIX_HOME": "{here}/a-file/state"},
                 {"a-file": b""}),
    Surroundings("home-name-too-long", {"ICLOUD_FIX_HOME": "{here}/" + "x" * 300}),
    Surroundings("home-escapes-in-name", {"ICLOUD_FIX_HOME": "{here}/evil" + TRICKS}),
]


def huge_report_flow() -> bytes:
    """200 checks of one question each (q0 to q199, passing on yes), each fix ~9,900
    characters of Markdown (numbered and bulleted steps, links, images, code, HTML, table
    rows, quoted headings) ending "End of fix N.", and as much text on how to tell it
    worked: ~4 MB, within the loader's limits, the largest report a flow can ask for."""
    steps = (
        "1. Open **Settings > [Apple Account](https://evil.example/x)** and tap `Sync`.\n"
        "   - Turn on *iCloud Photos*, then wait <b>10 minutes</b> &amp; look again.\n"
        "| Setting | What it should say | Where |\n"
        "> ## A quoted heading, and ![an image](https://evil.example/t.png)\n\n"
    )
    verify = ("Within a few minutes the status line in Photos no longer says Paused. "
              * 150)[:9_900]
    checks = []
    for i in range(200):
        end = f"\n\nEnd of fix {i}."
        remediation = (steps * (9_900 // len(steps) + 1))[:9_900 - len(end)] + end
        checks.append(f"  - id: c{i}\n    title: Check {i}\n    questions:\n"
                      f"      - id: q{i}\n        prompt: Is it on?\n"
                      f"        pass_answer: \"yes\"\n"
                      f"        remediation: {json.dumps(remediation)}\n"
                      f"        verify: {json.dumps(verify)}\n")
    return ('format: 2\nid: huge\ntitle: Huge\nversion: "1"\nchecks:\n'
            + "".join(checks)).encode()


# -- issue 19: each item's class, three variants or more of its own ------------------------

def routed_to_a_later_condition(when: str, between: str = "") -> bytes:
    """A triage choice sends the session to check 'power' first, whose question waits on
    a question of check 'net', asked only after it (``between``: more of 'net')."""
    return (
        'format: 2\nid: t\ntitle: T\nversion: "1"\ntriage:\n  - id: status\n'
        "    kind: choice\n    prompt: What does it say?\n    choices:\n"
        "      - {id: paused, label: Paused, check: power}\n      - {id: fine, label: Fine}\n"
        "checks:\n  - id: net\n    title: Net\n    questions:\n"
        "      - {id: on-cell, prompt: On cellular?, informational: true}\n"
        "      - id: kind\n        kind: choice\n        prompt: Which network?\n"
        "        informational: true\n        choices:\n"
        "          - {id: wifi, label: Wi-Fi}\n          - {id: cell, label: Cellular}\n"
        f"{between}"
        "  - id: power\n    title: Power\n    questions:\n"
        "      - id: low-data\n        prompt: Low Data Mode on?\n"
        f"        when: {when}\n        pass_answer: \"no\"\n        remediation: Turn it off.\n"
    ).encode()


def blank_title(text: str) -> bytes:
    quoted = text.encode("unicode_escape").decode("ascii")
    return GOOD.replace("title: Demo", f'title: "{quoted}"').encode()


# Item 3: a routed check whose condition is asked later; item 17: titles of nothing but
# Unicode white space or format characters, which the loader and the JSON Schema both
# find empty.
FLOW_CASES += [
    Case("routed-when-on-a-later-yes-no", lambda: routed_to_a_later_condition(
        "{on-cell: yes}"), False, "sends the session to check 'power'"),
    Case("routed-when-on-a-later-choice", lambda: routed_to_a_later_condition(
        "{kind: [wifi, cell]}"), False, "sends the session to check 'power'"),
    Case("routed-when-on-the-triage-and-a-later", lambda: routed_to_a_later_condition(
        "{status: paused, on-cell: \"YES\"}"), False, "sends the session to check 'power'"),
    Case("routed-when-two-checks-later", lambda: routed_to_a_later_condition(
        "{far: no}", between="  - id: far-check\n    title: Far\n    questions:\n"
        "      - {id: far, prompt: Far?, informational: true}\n"), False,
        "sends the session to check 'power'"),
    *[Case(f"title-only-{name}", lambda text=text: blank_title(text), False,
           "'title' must not be empty") for name, text in (
        ("bom", "\ufeff"), ("file-separator", "\x1c"), ("next-line", "\x85"),
        ("zero-widths", "\u200b\u2060\u200d"), ("ideographic-space", "\u3000\u2003"),
        ("mixed", " \ufeff\u0085\u200b\t"))],
]

# Item 2: a device reading whose value cannot be judged (no reading, never exit 70).
SURROUNDINGS += [
    Surroundings("device-free-space-1-and-400-zeros", {"FAKE_IDEVICE_FREE": "1" + "0" * 400}),
    Surroundings("device-free-space-minus-1e999", {"FAKE_IDEVICE_FREE": "-1e999"}),
    Surroundings("device-free-space-400-digit-decimal",
                 {"FAKE_IDEVICE_FREE": "9" * 400 + ".5"}),
    Surroundings("device-clock-minus-400-digits", {"FAKE_IDEVICE_TIME": "-" + "9" * 400}),
]


@dataclass(frozen=True)
class Step:
    """One run of the installed command. In ``args``, ``env`` and ``shell``, {here}
    stands for the folder it runs in and {home} for its state folder. With ``shell``,
    bash runs that script with "$0" the command and "$@" the args. ``codes``: the exit
    codes it may end with; ``shows``: text on stdout or stderr; ``hides``: text that
    must not be there; ``check(stdout, stderr)`` anything more."""

    args: tuple[str, ...] = ()
    stdin: bytes = b""
    env: dict[str, str | None] = field(default_factory=dict)
    codes: frozenset[int] = frozenset({0})
    shows: tuple[str, ...] = ()
    hides: tuple[str, ...] = ()
    check: Callable[[str, str], None] | None = None
    shell: str = ""


@dataclass(frozen=True)
class Scenario:
    """Runs one after another in one folder (holding ``files``) with one state folder;
    ``after(here, home)`` checks what they leave behind."""

    name: str
    steps: tuple[Step, ...]
    files: Callable[[], dict[str, bytes]] = dict
    after: Callable[[Any, Any], None] | None = None
    defect: str = ""  # a defect known and not yet fixed: the case is expected to fail


def _builtin_passing() -> list[str]:
    from helpers import PASSING
    return [f"--answer={q}={a}" for q, a in PASSING.items()]


def _two_checks(routed: str = "", third: bool = False) -> bytes:
    triage = ("triage:\n  - id: status\n    kind: choice\n    prompt: What does it say?\n"
              f"    choices:\n      - {{id: routed, label: Routed, check: {routed}}}\n"
              "      - {id: fine, label: Fine}\n") if routed else ""
    checks = ["alpha", "beta"] + (["gamma"] if third else [])
    return ('format: 2\nid: two\ntitle: Two\nversion: "1"\n' + triage + "checks:\n" + "".join(
        f"  - id: {c}\n    title: {c.title()}\n    questions:\n      - {{id: q-{c}, prompt: "
        f"{c.title()} fine?, pass_answer: \"yes\", remediation: Fix {c}.}}\n"
        for c in checks)).encode()


def _only_flow(when: str, second: str = "") -> bytes:
    """Check 'power', every question of it waiting on the triage."""
    return ('format: 2\nid: t\ntitle: T\nversion: "1"\ntriage:\n'
            "  - id: status\n    kind: choice\n    prompt: What does it say?\n    choices:\n"
            "      - {id: paused, label: Paused}\n      - {id: fine, label: Fine}\n"
            "  - {id: charging, prompt: Charging?}\n"
            "checks:\n  - id: power\n    title: Power\n    questions:\n"
            f"      - {{id: low-power, prompt: Low Power?, when: {when}, pass_answer: \"no\", "
            f"remediation: Turn it off.}}\n{second}").encode()


def _help_flow(place: int) -> bytes:
    """A choice question passed only by the choice with id 'help', at ``place`` of ten."""
    ids = [f"a{i}" for i in range(1, 10)]
    ids.insert(place - 1, "help")
    return ('format: 2\nid: t\ntitle: T\nversion: "1"\nchecks:\n  - id: power\n'
            "    title: Power\n    questions:\n      - id: mode\n        kind: choice\n"
            "        prompt: Which?\n        pass_choices: [help]\n        remediation: Fix.\n"
            "        choices:\n" + "".join(f"          - {{id: {c}, label: Label {c}}}\n"
                                           for c in ids)).encode()


def _failing_restart() -> bytes:
    """Answers to the built-in flow: every check passes but the restart."""
    from helpers import PASSING
    return json.dumps({**PASSING, "restart-done": "no"}).encode()


def _builtin_flow() -> bytes:
    from pathlib import Path
    return (Path(__file__).parent.parent / "steps" / "icloud-photos.yaml").read_bytes()


def _forged_cache(change: Callable[[Any], Any]) -> dict[str, bytes]:
    """A cache of the built-in flow with a valid checksum, holding ``change(flow)``."""
    import marshal
    import zlib

    from icloud_fix.flowfile import cache, loader
    text = _builtin_flow().decode("utf-8")
    flow = change(loader.load_text(text, loader.BUILTIN_FLOW))
    body = marshal.dumps((cache._key(), text, cache._encode(flow)))
    return {f"home/cache/{cache.FILE_NAME}":
            cache.MAGIC + zlib.crc32(body).to_bytes(4, "big") + body}


def _replace_first_question(flow: Any, **changes: Any) -> Any:
    import dataclasses
    check = flow.checks[0]
    question = dataclasses.replace(check.questions[0], **changes)
    check = dataclasses.replace(check, questions=(question, *check.questions[1:]))
    return dataclasses.replace(flow, checks=(check, *flow.checks[1:]))


def _replace(flow: Any, **changes: Any) -> Any:
    import dataclasses
    return dataclasses.replace(flow, **changes)


def _first_check_id(flow: Any, new: str) -> Any:
    import dataclasses
    return dataclasses.replace(flow, checks=(dataclasses.replace(flow.checks[0], id=new),
                                             *flow.checks[1:]))


def one_json_document(stdout: str, stderr: str) -> None:
    assert json.loads(stdout)["outcome"] == "no_problem_found", stdout[:500]


def one_line(stdout: str, stderr: str) -> None:
    assert stdout == "" and stderr.count("\n") == 1, stderr


def lines_at_most(width: int) -> Callable[[str, str], None]:
    def check(stdout: str, stderr: str) -> None:
        assert max(len(line) for line in stdout.splitlines()) <= width
    return check


def files_named(pattern: str, count: int, where: str = "here") -> Callable[[Any, Any], None]:
    """``count`` files whose names match ``pattern``, and nothing half-written."""
    import re

    def check(here: Any, home: Any) -> None:
        folder = here if where == "here" else home / "sessions"
        names = sorted(p.name for p in folder.iterdir())
        assert len([n for n in names if re.fullmatch(pattern, n)]) == count, names
        assert not [n for n in names if n.startswith(".") or n.endswith(".tmp")], names
    return check


NOT_UTF8_FLOW = os.fsdecode(b"fl\xffow.yaml")
PLAIN = ("--plain", "--offline")
# Two answers to the built-in flow's first questions, then the end of input.
TWO_ANSWERS = Step(PLAIN, b"synced\nn\n", codes=frozenset({130}),
                   shows=("Your answers are kept",))
CONTINUED = Step(PLAIN, b"y\nn\n", codes=frozenset({130}),
                 shows=("You stopped in the middle last time, after 2 answers.",))
SAVE = "Save this report as icloud-fix-report-"

SCENARIOS: list[Scenario] = [
    # Item 1: a --plain line that cannot be read is asked again, never exit 70.
    *[Scenario(f"plain-line-{name}", (Step(
        PLAIN, line + b"\nsynced\nn\n", env, frozenset({130}),
        ("Please type a number from 1 to", "Stopped: end of input")),))
      for name, line, env in (
          ("superscript-two", "²".encode(), {}), ("circled-one", "①".encode(), {}),
          ("5000-digits", b"5" * 5000, {}), ("not-utf8", b"\xff\xfe", {}),
          ("e-acute-under-ascii", "é".encode(), {"PYTHONIOENCODING": "ascii"}),
          ("arabic-indic-three", "٣".encode(), {}),
          ("number-past-floats", b"1e400", {"LC_ALL": "C"}))],
    # Not issue 19's, found by this corpus: --plain wrote back a line from a pipe as it
    # came; now spelled out.
    *[Scenario(f"plain-line-{name}", (Step(
        PLAIN, line + b"\nsynced\nn\n", codes=frozenset({130}),
        shows=("Please type a number from 1 to", "Stopped: end of input")),))
      for name, line in (("escape-sequence", b"\x1b]52;c;eA==\x07\x1b[2J"),
                         ("bidi-override", "a\u202eb".encode()), ("nul", b"1\x00"))],
    # Item 4: --only a check whose every question waits on the triage it skips.
    *[Scenario(f"only-{name}", (Step(
        ("--steps", "flow.yaml", "--only", "power", "--non-interactive", *extra),
        codes=frozenset({3}), shows=shows,
        hides=("+ passed", '"status": "passed"', "| passed |")),),
        lambda body=body: {"flow.yaml": body})
      for name, body, extra, shows in (
          ("on-a-triage-choice", _only_flow("{status: paused}"), (),
           ("Inconclusive", "did not apply")),
          ("on-a-triage-yes-no", _only_flow("{charging: no}"), ("--format", "markdown"),
           ("Inconclusive",)),
          ("on-both", _only_flow("{status: [paused, fine], charging: yes}",
                                 "      - {id: low-data, prompt: Low Data?, when: "
                                 "{charging: no}, pass_answer: \"no\", remediation: R.}\n"),
           ("--format", "json"), ('"status": "not_run"', '"outcome": "inconclusive"')))],
    # Item 5: file names that are not UTF-8, for a flow, a report and saved answers.
    Scenario("not-utf8-flow-name-validate-and-list", (
        Step(("validate", NOT_UTF8_FLOW), shows=("valid",)),
        Step(("list", "--steps", NOT_UTF8_FLOW), shows=("photos-status",))),
        lambda: {NOT_UTF8_FLOW: _builtin_flow()}),
    Scenario("not-utf8-flow-name-stops-and-resumes", (
        Step(("--steps", NOT_UTF8_FLOW, *PLAIN), b"synced\nn\n", codes=frozenset({130}),
             shows=("Your answers are kept",)),
        Step(("--steps", NOT_UTF8_FLOW, *PLAIN), b"y\nn\n", codes=frozenset({130}),
             shows=("You stopped in the middle last time, after 2 answers.",))),
        lambda: {NOT_UTF8_FLOW: _builtin_flow()}, files_named(r".*\.yaml", 1, "home")),
    *[Scenario(f"not-utf8-{name}", (Step(
        ("--steps", NOT_UTF8_FLOW, "--non-interactive", "--answers", "fail.yaml", *args),
        codes=frozenset({1})),), lambda: {NOT_UTF8_FLOW: _builtin_flow(),
                                          "fail.yaml": _failing_restart()},
        files_named(pattern, 1))
      for name, args, pattern in (
          ("report-name-markdown", ("--output", os.fsdecode(b"r\xfe.md")), r"r.\.md"),
          ("report-name-html", ("--format", "html", "--output", os.fsdecode(b"r\xfd.html")),
           r"r.\.html"),
          ("saved-answers-name", ("--save-answers", os.fsdecode(b"a\xfc.yaml")), r"a.\.yaml"))],
    # Item 6: fixes "not yet", then "yes, it syncs now": the fix asked first resolved it.
    *[Scenario(f"not-yet-then-synced-{name}", (
        Step(("--steps", "flow.yaml", *PLAIN), typed, codes=frozenset({1}),
             shows=("Your answers are kept",)),
        Step(("--steps", "flow.yaml", *PLAIN, "--format", "json"), b"y\n",
             shows=(f'"resolved_by": "{first}"', '"outcome": "resolved"'))),
        lambda body=body: {"flow.yaml": body})
      for name, body, typed, first in (
          ("routed-first", _two_checks("beta"), b"1\nn\nw\nn\nw\nn\n", "beta"),
          ("in-flow-order", _two_checks(), b"n\nw\nn\nw\nn\n", "alpha"),
          ("one-that-did-not-help-between", _two_checks("gamma", third=True),
           b"1\nn\nw\nn\nn\nn\nw\nn\n", "gamma"))],
    # Item 8: sessions in the same minute that save their reports: never one name.
    *[Scenario(f"reports-saved-{name}", tuple(
        Step(("--steps", "flow.yaml", *PLAIN, *args), b"n\nn\nn\nn\ny\n", codes=frozenset({1}),
             shows=("Report saved",)) for args in runs),
        lambda: {"flow.yaml": _two_checks()},
        files_named(r"icloud-fix-report-.*\.md", len(runs)))
      for name, runs in (("twice", ((), ())), ("three-times", ((), (), ())),
                         ("json-then-markdown", (("--format", "json"),
                                                 ("--format", "markdown"))))],
    # Item 10: a choice whose id is 'help' (a word the prompter reads itself) is picked.
    Scenario("help-choice-tenth-by-number", (Step(
        ("--steps", "flow.yaml", *PLAIN), b"10\n", shows=("Every check passed",)),),
        lambda: {"flow.yaml": _help_flow(10)}),
    Scenario("help-choice-by-its-id", (Step(
        ("--steps", "flow.yaml", *PLAIN), b"help\n", shows=("Every check passed",)),),
        lambda: {"flow.yaml": _help_flow(1)}),
    Scenario("help-choice-by-flag", (Step(
        ("--steps", "flow.yaml", "--non-interactive", "--answer", "mode=help"),
        shows=("Every check passed",)),), lambda: {"flow.yaml": _help_flow(5)}),
    # Item 11: the command that replays a session keeps "did not help" and "not yet".
    *[Scenario(f"replay-keeps-fixes-{name}", (Step(
        ("--steps", "flow.yaml", *PLAIN, "--verbose"), typed, codes=frozenset({code}),
        shows=(shows,)),), lambda body=body: {"flow.yaml": body})
      for name, body, typed, code, shows in (
          ("stopped", _two_checks("beta", third=True), b"1\nn\nw\nn\nn\n", 130,
           "--fix-tried=beta=not_yet --fix-tried=alpha=no"),
          ("finished", _two_checks("beta"), b"1\nn\nn\nn\nw\nn\n", 1,
           "--fix-tried=beta=no --fix-tried=alpha=not_yet"),
          ("all-not-yet", _two_checks(), b"n\nw\nn\nw\nn\n", 1,
           "--fix-tried=alpha=not_yet --fix-tried=beta=not_yet"))],
    # Item 12: a flow read from a pipe continues where it stopped, in one state file.
    *[Scenario(f"flow-from-{name}", (
        Step(PLAIN, b"synced\nn\n", codes=frozenset({130}), shows=("Your answers are kept",),
             shell=script),
        Step(PLAIN, b"y\nn\n", codes=frozenset({130}),
             shows=("You stopped in the middle last time, after 2 answers.",), shell=script),
        Step(PLAIN, b"y\nn\n", codes=frozenset({130}),
             shows=("You stopped in the middle last time, after 3 answers.",), shell=script)),
        lambda: {"flow.yaml": _builtin_flow()}, files_named(r".*\.yaml", 1, "home"))
      for name, script in (
          ("process-substitution", 'exec "$0" --steps <(cat flow.yaml) "$@"'),
          ("named-pipe", 'rm -f fifo; mkfifo fifo; cat flow.yaml > fifo & '
                         'exec "$0" --steps fifo "$@"'),
          ("inherited-descriptor", 'exec 3<flow.yaml; exec "$0" --steps /dev/fd/3 "$@"'))],
    # Item 13: completion requests no shell sends: one line, exit 2.
    *[Scenario(f"completion-{name}", (Step(env={
        "COMP_WORDS": "icloud-fix --only ", "COMP_CWORD": "2",
        "_ICLOUD_FIX_COMPLETE": "complete_bash", **env}, codes=frozenset({2}), check=one_line),))
      for name, env in (
          ("cword-letters", {"COMP_CWORD": "abc"}), ("cword-empty", {"COMP_CWORD": ""}),
          ("cword-unset", {"COMP_CWORD": None}), ("words-unset", {"COMP_WORDS": None}),
          ("cword-5000-digits", {"COMP_CWORD": "9" * 5000}),
          ("cword-arabic-indic", {"COMP_CWORD": "٣"}),
          ("unknown-request", {"_ICLOUD_FIX_COMPLETE": "complete_tcsh"}),
          ("request-with-escapes", {"_ICLOUD_FIX_COMPLETE": "\x1b]0;pwned\x07complete_bash"}))],
    # Item 14: a forged flow cache with a valid checksum: refused, the flow parsed.
    *[Scenario(f"forged-cache-{name}", (
        Step(("list",), shows=("iCloud Photos", "photos-status"), hides=("pwned", "Red")),
        Step(("--non-interactive", "{passing}"), shows=("Every check passed",),
             hides=("pwned", "Red"))),
        lambda change=change: _forged_cache(change))
      for name, change in (
          ("escape-in-a-check-id", lambda f: _first_check_id(f, "\x1b[2J\x1b]0;pwned\x07x")),
          ("escape-in-the-title", lambda f: _replace(f, title="\x1b[31mRed\x1b[0m")),
          ("bidi-in-a-prompt", lambda f: _replace_first_question(f, prompt="Is it \u202eon?")),
          ("a-number-for-the-title", lambda f: _replace(f, title=42)),
          ("text-for-the-conditions", lambda f: _replace_first_question(f, when="yes")))],
    # Item 15: a huge COLUMNS: bounded, and lines cut to a terminal's width.
    *[Scenario(f"columns-{name}", (Step(args, env={"COLUMNS": columns},
                                        check=lines_at_most(1000)),))
      for name, columns, args in (
          ("1e7", "10000000", ("--non-interactive", "{passing}")),
          ("1e9", "1000000000", ("--non-interactive", "{passing}")),
          ("past-64-bits", "9" * 30, ("--non-interactive", "{passing}")),
          ("1e9-markdown", "1000000000", ("--non-interactive", "{passing}", "--format",
                                          "markdown")),
          ("1e9-list", "1000000000", ("list",)))],
    # Item 16: --format json with answers that cannot be saved: stdout is one document.
    *[Scenario(f"json-and-unsavable-answers-{name}", (Step(
        ("--non-interactive", "{passing}", "--format", "json", "--save-answers", path),
        codes=frozenset({code}), shows=("photos-status: synced",), check=one_json_document),),
        lambda: {"a-file": b""})
      for name, path, code in (
          ("missing-folder", "{here}/no/such/a.yaml", 2), ("a-folder", "{here}", 2),
          ("under-a-file", "{here}/a-file/a.yaml", 2), ("full-disk", "/dev/full", 74))],
    # Item 18: a report to a full disk: exit 74, the report printed instead.
    *[Scenario(f"full-disk-{name}", (Step(
        ("--non-interactive", "{passing}", *args), codes=frozenset({74}),
        shows=("/dev/full: cannot be written: No space left",)),))
      for name, args in (
          ("text", ("--output", "/dev/full")),
          ("markdown", ("--format", "markdown", "--output", "/dev/full")),
          ("html", ("--format", "html", "--output", "/dev/full")),
          ("json", ("--format", "json", "--output", "/dev/full")),
          ("saved-answers", ("--save-answers", "/dev/full")))],
]
