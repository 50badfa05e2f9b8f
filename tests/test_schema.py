"""The published JSON Schema is the loader's schema, and both judge files alike."""

from __future__ import annotations

import json
import re
import unicodedata
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml
from jsonschema import Draft202012Validator

from helpers import INVALID, STEPS
from icloud_fix.flowfile.declaration import json_schema
from icloud_fix.flowfile.loader import load_text

PUBLISHED = Path(__file__).parent.parent / "steps" / "flow.schema.json"


def test_published_schema_is_generated_from_the_loader_tables() -> None:
    # Regenerate with: icloud-fix schema > steps/flow.schema.json
    assert json.loads(PUBLISHED.read_text(encoding="utf-8")) == json_schema()


def test_schema_ships_in_the_package() -> None:
    shipped = resources.files("icloud_fix") / "steps" / "flow.schema.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == json_schema()


def test_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema())


@pytest.mark.parametrize("path", STEPS, ids=lambda p: p.name)
def test_schema_accepts_the_shipped_flows(path: Path) -> None:
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), json_schema())


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_schema_and_loader_agree_on_invalid_examples(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    verdict = re.search(r"^# json-schema: (\w+)$", text, re.M)
    assert verdict, f"{path.name} needs a '# json-schema: rejects|accepts|unparsable' header"
    if verdict.group(1) == "unparsable":
        with pytest.raises(yaml.YAMLError):
            yaml.safe_load(text)
        return
    errors = list(jsonschema.Draft202012Validator(json_schema()).iter_errors(yaml.safe_load(text)))
    if verdict.group(1) == "rejects":
        assert errors, "the loader refuses this file, so the JSON Schema must too"
    else:
        # Only checks a JSON Schema cannot express (ids unique across the file,
        # conditions on earlier questions, duplicate keys, aliases) may pass it.
        assert not errors


# ECMA-262's \s: its WhiteSpace (tab, VT, FF, space, NBSP, U+FEFF and Unicode's Zs) and
# LineTerminator (LF, CR, U+2028, U+2029).
ECMA_SPACE = {0x09, 0x0B, 0x0C, 0x20, 0xA0, 0xFEFF, 0x0A, 0x0D, 0x2028, 0x2029}
ECMA_SPACE |= {c for c in range(0x10000) if unicodedata.category(chr(c)) == "Zs"}


def test_blank_is_blank_to_python_and_to_ecma_alike() -> None:
    from icloud_fix.flowfile.fields import BLANK_RANGES
    from icloud_fix.safe_text import UNSAFE_CHARACTERS

    blank = {c for first, last in BLANK_RANGES for c in range(first, last + 1)}
    python_space = {c for c in range(0x10000) if chr(c).isspace()}
    # Lone surrogates are no text a flow file can hold (YAML refuses them), and in the
    # UTF-16 of ECMA-262 they would make every character beyond the BMP blank.
    invisible = {ord(c) for c in UNSAFE_CHARACTERS
                 if ord(c) < 0x10000 and not 0xD800 <= ord(c) < 0xE000}
    assert blank == python_space | ECMA_SPACE | invisible


def test_no_pattern_of_the_schema_reads_differently_in_ecma() -> None:
    """\\s, \\d, \\w and \\b mean other characters in ECMA-262 than in Python's re (which
    the loader and the jsonschema package use); only [\\s\\S], any character, is the same."""
    patterns: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            patterns.extend(v for k, v in node.items() if k == "pattern")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json_schema())
    assert patterns
    for pattern in patterns:
        assert not re.search(r"\\[sSdDwWbB]", pattern.replace(r"[\s\S]", "")), pattern


@pytest.mark.parametrize("title", ["\ufeff", "\x1c", "\u0085", "\u200b", "\u3000\u2028",
                                   "\u202e\u2066", "\x00 \x7f", "\ufeff\x1c\u00ad"])
def test_a_title_of_blanks_is_refused_by_validate_and_the_schema(
        tmp_path: Path, title: str) -> None:
    import subprocess

    from helpers import installed_command

    document = {"format": 1, "id": "x", "title": title, "version": "1", "checks": [
        {"id": "a", "title": "A", "questions": [
            {"id": "q", "prompt": "Q?", "pass_answer": "yes", "remediation": "Fix."}]}]}
    path = tmp_path / "flow.yaml"
    path.write_text(json.dumps(document), encoding="utf-8")
    run = subprocess.run([installed_command(), "validate", str(path)], capture_output=True,
                         text=True, check=False, timeout=30)
    assert (run.returncode, run.stderr) == (
        2, f"icloud-fix: {path}:1: 'title' must not be empty\n"), run.stderr
    assert list(Draft202012Validator(json_schema()).iter_errors(document))


@pytest.mark.parametrize("title", ["\U000e0041", "é", "\u2003x", "-"])
def test_a_title_with_one_character_that_shows_is_taken_by_both(
        tmp_path: Path, title: str) -> None:
    document = {"format": 1, "id": "x", "title": title, "version": "1", "checks": [
        {"id": "a", "title": "A", "questions": [
            {"id": "q", "prompt": "Q?", "pass_answer": "yes", "remediation": "Fix."}]}]}
    load_text(json.dumps(document, ensure_ascii=False), "flow.yaml")
    assert not list(Draft202012Validator(json_schema()).iter_errors(document))
