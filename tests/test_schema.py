"""The published JSON Schema is the loader's schema, and both judge files alike."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from helpers import INVALID, STEPS
from icloud_fix.flowfile.declaration import json_schema

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
