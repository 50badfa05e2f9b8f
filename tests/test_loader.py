"""The flow loader: the shipped flow loads; each kind of mistake is refused with its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import INVALID, STEPS, write_flow
from icloud_fix import kinds
from icloud_fix.errors import InputFileError
from icloud_fix.flow import Answer, Condition
from icloud_fix.flowfile.loader import builtin_flow_path, load_builtin, load_file


def expectation(path: Path) -> tuple[int, str]:
    header = path.read_text(encoding="utf-8")
    line = re.search(r"^# expect-line: (\d+)$", header, re.M)
    message = re.search(r"^# expect: (.+)$", header, re.M)
    assert line and message, f"{path.name} needs '# expect-line:' and '# expect:' headers"
    return int(line.group(1)), message.group(1)


@pytest.mark.parametrize("path", STEPS, ids=lambda p: p.name)
def test_every_shipped_flow_loads(path: Path) -> None:
    flow = load_file(path)
    assert flow.checks


def test_builtin_flow_ships_inside_the_package() -> None:
    # importlib.resources finds it in the installed package, not in the checkout.
    assert "site-packages" in str(builtin_flow_path())
    flow = load_builtin()
    assert [c.id for c in flow.checks] == [
        "connectivity",
        "apple-id",
        "icloud-storage",
        "device-storage",
        "restart",
        "ios-update",
        "charging-wifi",
    ]


def test_builtin_flow_asks_mobile_data_only_on_cellular() -> None:
    flow = load_builtin()
    questions = {q.id: q for _, q in flow.questions()}
    assert kinds.informational(questions["connectivity-on-cellular"])
    assert questions["connectivity-mobile-data-on"].when == (
        Condition("connectivity-on-cellular", (Answer.YES,)),
    )


def test_every_failing_answer_comes_with_numbered_steps() -> None:
    for _, question in load_builtin().questions():
        if not kinds.informational(question):
            assert question.remediation and "1. " in question.remediation, question.id


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_flow_is_refused_with_file_line_and_message(path: Path) -> None:
    line, message = expectation(path)
    with pytest.raises(InputFileError) as caught:
        load_file(path)
    first = caught.value.problems[0]
    assert (first.source, first.line) == (str(path), line)
    assert message in first.message
    assert str(first).startswith(f"{path}:{line}: ")


def test_yaml_booleans_are_taken_as_answers_deliberately(tmp_path: Path) -> None:
    # Unquoted yes/no are booleans in YAML 1.1; the loader reads them as answers.
    path = write_flow(
        tmp_path,
        """
        format: 1
        id: demo
        title: Demo
        version: 1.10
        checks:
          - id: power
            title: Power
            questions:
              - id: power-on
                prompt: Is it on?
                pass_answer: yes
                remediation: Turn it on.
              - id: power-smoke
                prompt: Is there smoke?
                pass_answer: no
                remediation: Unplug it.
        """,
    )
    flow = load_file(path)
    assert [q.spec.pass_answer for _, q in flow.questions()] == [Answer.YES, Answer.NO]
    assert flow.version == "1.10"  # as written, not the float 1.1


def test_on_is_not_taken_for_yes(tmp_path: Path) -> None:
    path = write_flow(
        tmp_path,
        """
        format: 1
        id: demo
        title: Demo
        version: "1"
        checks:
          - id: power
            title: Power
            questions:
              - id: power-on
                prompt: Is it on?
                pass_answer: on
                remediation: Turn it on.
        """,
    )
    with pytest.raises(InputFileError, match=r"flow.yaml:11: 'pass_answer' must be yes or no"):
        load_file(path)


def test_every_problem_in_a_file_is_reported(tmp_path: Path) -> None:
    path = write_flow(
        tmp_path,
        """
        format: 1
        id: demo
        titel: Demo
        version: "1"
        checks:
          - id: power
            title: 7
            questions:
              - id: power-on
                prompt: Is it on?
                pass_answer: "yes"
        """,
    )
    with pytest.raises(InputFileError) as caught:
        load_file(path)
    assert [(p.line, p.message.split(";")[0]) for p in caught.value.problems] == [
        (1, "the flow is missing the required key 'title'"),
        (3, "unknown key 'titel' in the flow (did you mean 'title'?)"),
        (7, "'title' must be text, found the number 7 (put it in quotes)"),
        (9, "question 'power-on' needs 'remediation', or 'informational: true' if it only "
            "sets up later questions"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"# only a comment\n", "is empty"),
        (b"\xff\xfe\x00\x00", "is not UTF-8 text"),
        (b"just a sentence\n", "the flow must be a mapping of keys, found text"),
    ],
)
def test_files_that_are_not_flows(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "odd.yaml"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=re.escape(message)):
        load_file(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"nope\.yaml: no such file"):
        load_file(tmp_path / "nope.yaml")
    with pytest.raises(InputFileError, match="is a folder, not a file"):
        load_file(tmp_path)


def test_pure_python_yaml_gives_the_same_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    # Where PyYAML was built without libyaml, the pure-Python parser is used.
    import yaml

    from icloud_fix.flowfile import yaml_loader

    class PureLoader(yaml_loader.ComposeOnly, yaml.SafeLoader):
        pass

    monkeypatch.setattr(yaml_loader, "Loader", PureLoader)
    monkeypatch.setattr(yaml_loader, "WANTS_BYTES", False)
    assert load_builtin().check_ids()[0] == "connectivity"
    for path in INVALID:
        line, message = expectation(path)
        with pytest.raises(InputFileError) as caught:
            load_file(path)
        first = caught.value.problems[0]
        assert (first.line, path.name) == (line, path.name)
        assert message in first.message


def test_a_file_with_thousands_of_mistakes_says_the_first_hundred(tmp_path: Path) -> None:
    keys = "\n".join(f"unknown-{n}: 1" for n in range(5000))
    path = write_flow(tmp_path, f"format: 1\nid: demo\ntitle: Demo\nversion: '1'\n"
                                f"checks: []\n{keys}\n")
    with pytest.raises(InputFileError) as caught:
        load_file(path)
    lines = caught.value.message.splitlines()
    assert len(caught.value.problems) > 5000
    assert len(lines) == 101
    assert lines[-1] == f"{path}: ... and {len(caught.value.problems) - 100:,} more problems; " \
        "fix these first"
