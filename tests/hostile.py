"""A corpus of hostile flow files and answer files, generated at test time.

Each case is a name, the bytes of the file, and whether icloud-fix should load
it ("valid") or refuse it with exit 2 ("invalid"). Big cases are generated, not
stored, so the repository stays small.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field


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
