"""The cache of the parsed built-in flow: used only for the very same text, never
trusted when damaged, never fatal when it cannot be written."""

from __future__ import annotations

import dataclasses
import marshal
import os
import zlib
from pathlib import Path

import pytest

from icloud_fix.flowfile import cache, loader
from icloud_fix.flowfile.loader import builtin_flow_path, load_builtin, load_file, load_text


def builtin_text() -> str:
    return builtin_flow_path().read_text(encoding="utf-8")


def parsed_builtin() -> object:
    """The built-in flow as parsing it gives it, cache or not."""
    flow = load_text(builtin_text(), loader.BUILTIN_FLOW)
    return dataclasses.replace(flow, location=str(builtin_flow_path().resolve()))


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every flow parsed (instead of read from the cache)."""
    parsed: list[str] = []
    real = loader.load_text

    def recording(text: str, source: str):  # type: ignore[no-untyped-def]
        parsed.append(source)
        return real(text, source)

    monkeypatch.setattr(loader, "load_text", recording)
    return parsed


def cache_file(home: Path) -> Path:
    return home / "cache" / cache.FILE_NAME


def test_the_second_load_comes_from_the_cache_and_equals_a_parse(
        icloud_fix_home: Path, no_parsing: list[str]) -> None:
    first = load_builtin()
    assert no_parsing == [loader.BUILTIN_FLOW]
    assert cache_file(icloud_fix_home).is_file()
    second = load_builtin()
    assert no_parsing == [loader.BUILTIN_FLOW]  # not parsed again
    assert second == first == parsed_builtin()


def test_validate_of_the_builtin_file_uses_the_cache_with_its_own_name(
        icloud_fix_home: Path, no_parsing: list[str]) -> None:
    load_builtin()
    flow = load_file(builtin_flow_path())
    assert len(no_parsing) == 1
    assert flow.source == str(builtin_flow_path())
    assert flow.location == str(builtin_flow_path().resolve())


def test_other_files_are_never_cached(tmp_path: Path, icloud_fix_home: Path,
                                      no_parsing: list[str]) -> None:
    copy = tmp_path / "copy.yaml"
    copy.write_text(builtin_text(), encoding="utf-8")
    load_file(copy)
    load_file(copy)
    assert len(no_parsing) == 2
    assert not cache_file(icloud_fix_home).exists()


def test_the_cache_is_keyed_by_the_text(icloud_fix_home: Path) -> None:
    text = builtin_text()
    flow = load_text(text, "x")
    assert cache.write(text, flow)
    assert cache.read(text) == flow
    assert cache.read(text + "\n") is None
    assert cache.read(text.replace("iCloud", "iCIoud", 1)) is None


def test_a_cache_of_another_version_is_not_used(icloud_fix_home: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    text = builtin_text()
    assert cache.write(text, load_text(text, "x"))
    monkeypatch.setattr(cache, "__version__", "0.0.0-other")
    assert cache.read(text) is None


def _damage_variants(data: bytes) -> list[bytes]:
    body_start = len(cache.MAGIC) + 4
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x40
    return [
        b"",
        data[: len(data) // 2],  # cut short
        bytes(flipped),  # one bit flipped: the checksum no longer fits
        b"x" + data[1:],  # not our file at all
        data[:body_start] + b"\0" * (len(data) - body_start),
    ]


def _with_checksum(body: bytes) -> bytes:
    return cache.MAGIC + zlib.crc32(body).to_bytes(4, "big") + body


@pytest.mark.parametrize("variant", range(5))
def test_a_damaged_cache_is_ignored_and_replaced(variant: int, icloud_fix_home: Path,
                                                no_parsing: list[str]) -> None:
    load_builtin()
    path = cache_file(icloud_fix_home)
    path.write_bytes(_damage_variants(path.read_bytes())[variant])
    assert load_builtin() == parsed_builtin()
    assert len(no_parsing) == 2  # parsed again
    assert cache.read(builtin_text()) == load_text(builtin_text(), loader.BUILTIN_FLOW)


@pytest.mark.parametrize("payload", [
    {"not": "a flow"},  # a dict is never part of the model
    [0, "too", "few", "fields"],
    [99, "no such class"],
    [1, "a check", "where a flow belongs", (), 3],
    (lambda: None).__code__,  # marshal can hold code; it is never run, and refused
], ids=["dict", "few-fields", "unknown-class", "wrong-class", "code"])
def test_well_formed_data_that_is_not_a_flow_is_refused(
        payload: object, icloud_fix_home: Path, no_parsing: list[str]) -> None:
    text = builtin_text()
    load_builtin()
    body = marshal.dumps((cache._key(), text, payload))
    cache_file(icloud_fix_home).write_bytes(_with_checksum(body))
    assert cache.read(text) is None
    assert load_builtin() == parsed_builtin()
    assert len(no_parsing) == 2


def test_a_cache_that_cannot_be_written_is_no_problem(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_parsing: list[str]) -> None:
    blocker = tmp_path / "home"
    blocker.write_text("a file where the folder would be", encoding="utf-8")
    monkeypatch.setenv("ICLOUD_FIX_HOME", str(blocker))
    assert load_builtin() == parsed_builtin()
    assert load_builtin() == parsed_builtin()
    assert len(no_parsing) == 2
    assert blocker.read_text(encoding="utf-8") == "a file where the folder would be"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes into read-only folders")
def test_a_read_only_cache_folder_is_left_alone(icloud_fix_home: Path) -> None:
    folder = icloud_fix_home / "cache"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert load_builtin() == parsed_builtin()
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_an_unreadable_cache_is_ignored(icloud_fix_home: Path, no_parsing: list[str]) -> None:
    cache_file(icloud_fix_home).mkdir(parents=True)  # a folder where the file would be
    assert load_builtin() == parsed_builtin()
    assert load_builtin() == parsed_builtin()
    assert len(no_parsing) == 2


def test_no_temporary_file_is_left(icloud_fix_home: Path) -> None:
    load_builtin()
    assert [p.name for p in (icloud_fix_home / "cache").iterdir()] == [cache.FILE_NAME]


def test_the_cache_folder_without_icloud_fix_home(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.delenv("ICLOUD_FIX_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    if os.name == "posix":
        assert cache.directory() == tmp_path / "icloud-fix"


# -- a cache is untrusted input: anyone who can write the folder can forge a checksum ----

def _forged(change) -> bytes:  # change: Flow -> Flow
    text = builtin_text()
    flow = change(load_text(text, loader.BUILTIN_FLOW))
    return _with_checksum(marshal.dumps((cache._key(), text, cache._encode(flow))))


def _first_question(flow, **changes):  # type: ignore[no-untyped-def]
    check = flow.checks[0]
    question = dataclasses.replace(check.questions[0], **changes)
    check = dataclasses.replace(check, questions=(question, *check.questions[1:]))
    return dataclasses.replace(flow, checks=(check, *flow.checks[1:]))


FORGERIES = {
    "escape-in-an-id": lambda f: dataclasses.replace(
        f, checks=(dataclasses.replace(f.checks[0], id="\x1b[2J\x1b]0;pwned\x07x"),
                   *f.checks[1:])),
    "escape-in-a-title": lambda f: dataclasses.replace(f, title="\x1b[31mRed\x1b[0m"),
    "bidi-in-a-prompt": lambda f: _first_question(f, prompt="Is it \u202eon?"),
    "osc8-link-in-a-fix": lambda f: _first_question(
        f, remediation="\x1b]8;;https://evil.example\x1b\\Tap here\x1b]8;;\x1b\\"),
    "a-number-for-a-title": lambda f: dataclasses.replace(f, title=42),
    "a-list-for-a-prompt": lambda f: _first_question(f, prompt=("a", "b")),
    "a-bool-for-a-line": lambda f: _first_question(f, line=True),
    "text-for-the-conditions": lambda f: _first_question(f, when="yes"),
    "a-float-for-the-format": lambda f: dataclasses.replace(f, format=2.0),
}


@pytest.mark.parametrize("change", FORGERIES.values(), ids=FORGERIES)
def test_a_forged_cache_with_a_valid_checksum_is_refused(
        change, icloud_fix_home: Path, no_parsing: list[str]) -> None:  # type: ignore[no-untyped-def]
    load_builtin()
    cache_file(icloud_fix_home).write_bytes(_forged(change))
    assert cache.read(builtin_text()) is None
    assert load_builtin() == parsed_builtin()  # parsed, and the cache made anew
    assert cache.read(builtin_text()) == load_text(builtin_text(), loader.BUILTIN_FLOW)


@pytest.mark.parametrize("name", ["escape-in-an-id", "escape-in-a-title",
                                  "a-number-for-a-title", "text-for-the-conditions"])
def test_the_installed_command_shows_nothing_of_a_forged_cache(
        name: str, icloud_fix_home: Path) -> None:
    import subprocess

    from helpers import PASSING, installed_command

    cache_file(icloud_fix_home).parent.mkdir(parents=True, exist_ok=True)
    cache_file(icloud_fix_home).write_bytes(_forged(FORGERIES[name]))
    flags = [f"--answer={q}={a}" for q, a in PASSING.items()]
    for args in (["list"], ["--non-interactive", *flags]):
        run = subprocess.run([installed_command(), *args], capture_output=True, text=True,
                             check=False, timeout=60,
                             env={**os.environ, "ICLOUD_FIX_HOME": str(icloud_fix_home)})
        assert run.returncode == 0, run.stderr
        assert "\x1b" not in run.stdout + run.stderr
        assert "Red" not in run.stdout and "pwned" not in run.stdout
        assert "iCloud Photos" in run.stdout
