"""Reports and answers written to files: by format or extension, atomically, never lost."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from helpers import PASSING, answer_flags, invoke, statuses
from icloud_fix import atomic_file as files

FAILING = {**PASSING, "icloud-storage-full": "yes"}


def scripted(*extra: str):
    return invoke("--non-interactive", *answer_flags(FAILING), *extra)


@pytest.mark.parametrize(
    ("name", "start"),
    [("report.json", "{"), ("report.md", "# iCloud Photos not syncing on iPhone"),
     ("report.txt", "Summary: iCloud Photos not syncing on iPhone")],
)
def test_output_format_follows_the_extension(tmp_path: Path, name: str, start: str) -> None:
    path = tmp_path / name
    result = scripted("--output", str(path))
    assert result.exit_code == 1
    assert path.read_text(encoding="utf-8").startswith(start)
    # The terminal still shows the summary.
    assert "Summary: iCloud Photos not syncing on iPhone" in result.stdout


def test_format_wins_over_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    scripted("--output", str(path), "--format", "json")
    assert json.loads(path.read_text(encoding="utf-8"))["outcome"] == "problems_found"


def test_saved_answers_replay_to_the_same_result(tmp_path: Path) -> None:
    saved = tmp_path / "answers.yaml"
    first = scripted("--save-answers", str(saved), "--format", "json")
    # Two comment lines, then one line per question asked: the follow-ups whose `when`
    # is not met (such as connectivity-mobile-data-on) are not asked, so not saved.
    asked = [q for part in ("triage", "checks") for q in json.loads(first.stdout)[part]
             for q in ([q] if part == "triage" else q["questions"]) if q["answer"] is not None]
    assert saved.read_text(encoding="utf-8").count("\n") == len(asked) + 2
    again = invoke("--answers", str(saved), "--format", "json")
    assert again.exit_code == first.exit_code == 1
    assert statuses(json.loads(again.stdout)) == statuses(json.loads(first.stdout))
    sources = {q["source"] for c in json.loads(again.stdout)["checks"] for q in c["questions"]}
    assert sources == {"file", None}


def test_an_existing_file_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("old report", encoding="utf-8")
    os.chmod(path, 0o640)
    scripted("--output", str(path))
    assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == 2
    assert oct(path.stat().st_mode & 0o777) == oct(0o640)
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "report.json"
    path.write_text("old report", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(Exception, match="cannot be written: No space left on device"):
        files.write_atomically(path, "new report")
    assert path.read_text(encoding="utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def unwritable_folder(tmp_path: Path) -> Path:
    if os.geteuid() == 0:
        return Path("/sys")  # root writes anywhere but on a read-only file system
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


@pytest.mark.parametrize("where", ["missing-folder", "read-only-folder", "a-folder"])
def test_unwritable_output_is_exit_2_and_the_report_is_printed(tmp_path: Path,
                                                              where: str) -> None:
    path = {
        "missing-folder": tmp_path / "no-such-folder" / "report.json",
        "read-only-folder": unwritable_folder(tmp_path) / "report.json",
        "a-folder": tmp_path,
    }[where]
    result = scripted("--output", str(path), "--format", "json")
    assert result.exit_code == 2
    message = result.stderr.splitlines()[0]
    assert message.startswith(f"icloud-fix: {path}: ")
    assert {"missing-folder": "does not exist", "read-only-folder": "cannot be written",
            "a-folder": "is a folder"}[where] in message
    # Nothing lost: the report that could not be written is on stdout.
    assert '"schema_version": 2' in result.stdout


def test_unwritable_answers_file_prints_the_answers(tmp_path: Path) -> None:
    result = scripted("--save-answers", str(tmp_path / "nope" / "answers.yaml"))
    assert result.exit_code == 2
    assert "icloud-storage-full: yes" in result.stdout


def test_a_link_is_written_through(tmp_path: Path) -> None:
    target = tmp_path / "target.json"
    link = tmp_path / "link.json"
    link.symlink_to(target)
    scripted("--output", str(link))
    assert link.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["schema_version"] == 2


def test_a_device_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    result = scripted("--output", str(fifo), "--format", "json")
    reader.join(10)
    assert result.exit_code == 1
    assert fifo.exists() and not fifo.is_file()  # still the pipe
    assert json.loads(received[0])["outcome"] == "problems_found"


def test_a_file_name_too_long(tmp_path: Path) -> None:
    path = tmp_path / ("x" * 300 + ".json")
    result = scripted("--output", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"icloud-fix: {path}: cannot be written: File name too long")
