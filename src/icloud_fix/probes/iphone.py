"""Readings from an iPhone connected by USB, through libimobiledevice's ideviceinfo.

Running ideviceinfo as a separate program keeps icloud-fix's own dependencies small
and its MIT licence clean. Nothing here raises: a missing tool, no device, a locked
or untrusted device all come back as a DeviceUnavailable with a one-line reason.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from icloud_fix import verbose
from icloud_fix.probes.readings.base import ALWAYS, INTERNATIONAL, MODEL, VERSION, Source
from icloud_fix.safe_text import one_line, shorten

# One budget for every command a reading of the iPhone runs, in seconds.
TIMEOUT = 3.0
# What ideviceinfo gives for a real iPhone: "17.5.1", "iPhone15,2".
_VERSION = re.compile(r"\d{1,2}(?:\.\d{1,3}){0,3}")
_MODEL = re.compile(r"iPhone\d{1,3},\d{1,3}")

@dataclass(frozen=True)
class Output:
    """What one ideviceinfo printed (bounded, decoded leniently), and this computer's
    clock (time.time()) when it was started and when it ended: the phone's answer was
    given in between."""

    code: int
    text: str
    started: float
    ended: float


@dataclass(frozen=True)
class DeviceReading:
    """What the connected iPhone reported: what every session uses, parsed and made
    harmless, and each source's answer, for the readings to judge."""

    product_version: str | None  # iOS version, e.g. 17.5.1
    product_type: str | None  # model id, e.g. iPhone15,2
    # The phone's region and language settings (com.apple.international), e.g. en_GB
    # and en-GB: what its menus call mobile data follows them.
    locale: str | None = None
    language: str | None = None
    outputs: Mapping[Source, Output] = field(default_factory=dict, repr=False)

    def output(self, source: Source) -> Output | None:
        """The answer to this source, when the command ended well (exit 0)."""
        found = self.outputs.get(source)
        return found if found is not None and found.code == 0 else None

    def value(self, source: Source) -> str | None:
        """A key's value, stripped: one line, or None (not read, an error, or text
        that is no value, such as a "Key: value" list)."""
        found = self.output(source)
        text = found.text.strip() if found is not None else ""
        if not text or "\n" in text or ":" in text:
            return None
        return text

    def fields(self, source: Source) -> dict[str, str]:
        """A domain's "Key: value" lines, stripped ({} when it was not read)."""
        found = self.output(source)
        return _fields(found.text) if found is not None else {}


@dataclass(frozen=True)
class DeviceUnavailable:
    reason: str
    # No device tool: nothing to tell a person who did not ask (--verbose says it).
    tool_missing: bool = False


# What is read from ideviceinfo at most: its real answers are a few KiB.
MAX_OUTPUT = 256 * 1024


def _run(args: list[str], timeout: float) -> Output:
    """How a command ended and what it printed (stdout and stderr), read for
    ``timeout`` seconds and ``MAX_OUTPUT`` bytes at most, decoded leniently; never
    raises. With --verbose, says how it ended: exit code, bytes read, time taken."""
    step = verbose.begin(" ".join([os.path.basename(args[0]), *args[1:]]))
    started = time.time()
    code, output, size, ended = _run_and_read(args, timeout)
    result = Output(code, output, started, time.time())
    step.done(f"{ended}, {size:,} bytes read")
    return result


def _run_and_read(args: list[str], timeout: float) -> tuple[int, str, int, str]:
    """_run's exit code and output, with the bytes read and how the command ended."""
    import select

    try:
        child = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT)
    except OSError as exc:
        return 1, str(exc), 0, f"could not be started ({exc})"
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    late = (1, "ideviceinfo did not answer in time")
    try:
        assert isinstance(child.stdout, io.BufferedReader)  # what PIPE gives, unbuffered=False
        while size <= MAX_OUTPUT:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([child.stdout], [], [], left)[0]:
                return *late, size, f"no answer within {timeout:g} s, stopped"
            chunk = child.stdout.read1(65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_OUTPUT:
            return (1, "ideviceinfo printed far more than expected", size,
                    f"printed more than {MAX_OUTPUT:,} bytes, stopped")
        code = child.wait(max(deadline - time.monotonic(), 0.01))
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return *late, size, f"no answer within {timeout:g} s, stopped"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
    return code, b"".join(chunks).decode("utf-8", "replace"), size, f"exit {code}"


def _fields(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            values[key.strip()] = value.strip()
    return values


def _why(output: str) -> str:
    text = output.lower()
    if "no device" in text:
        return "no iPhone is connected by USB"
    if "pairing" in text or "trust" in text:
        return "the iPhone has not trusted this computer yet (tap Trust on the iPhone)"
    if "password" in text or "passcode" in text or "locked" in text:
        return "the iPhone is locked: unlock it and keep it unlocked"
    first = output.strip().splitlines()[0] if output.strip() else "no answer"
    # What another program printed is shown as harmless text.
    return f"ideviceinfo could not read the iPhone ({one_line(shorten(first, 80))})"


def read(timeout: float = TIMEOUT, sources: Iterable[Source] | None = None
         ) -> DeviceReading | DeviceUnavailable:
    """What the connected iPhone reports, or why nothing could be read: ALWAYS and
    ``sources`` (by default, what every registered reading reads), one ideviceinfo each,
    all within one ``timeout``."""
    tool = shutil.which("ideviceinfo")
    if tool is None:
        verbose.say("ideviceinfo: not installed (libimobiledevice), so no readings from "
                    "an iPhone")
        return DeviceUnavailable("ideviceinfo is not installed (libimobiledevice)",
                                 tool_missing=True)
    if sources is None:
        from icloud_fix.probes.readings import all_sources

        sources = all_sources()
    deadline = time.monotonic() + timeout  # one budget for every command
    # Is an iPhone there, trusting this computer and unlocked? One command says; with
    # none, nothing more is run (one reason, not one failure for each source).
    first = _run([tool, *VERSION.args()], timeout)
    version = first.text
    if first.code != 0 or not version.strip() or ":" in version:
        return DeviceUnavailable(_why(version))
    if not _VERSION.fullmatch(version.strip()):
        # Not an iOS version: nothing it says can be trusted to be the iPhone's.
        return DeviceUnavailable("ideviceinfo gave no iOS version it can read")
    # The iPhone answers; the rest is asked side by side, in what is left of the budget.
    rest = list(dict.fromkeys(s for s in (*ALWAYS, *sources) if s != VERSION))
    answers = {VERSION: first, **dict(zip(rest, _side_by_side(
        [[tool, *s.args()] for s in rest], max(deadline - time.monotonic(), 0.1)),
        strict=True))}
    reading = DeviceReading(None, None, outputs=answers)
    model = reading.value(MODEL)
    international = reading.fields(INTERNATIONAL)
    return DeviceReading(
        # What another program printed is shown as harmless text.
        product_version=one_line(shorten(version.strip(), 30)),
        product_type=model if model is not None and _MODEL.fullmatch(model) else None,
        locale=_code(international.get("Locale")),
        language=_code(international.get("Language")),
        outputs=answers,
    )


def _side_by_side(commands: list[list[str]], timeout: float) -> list[Output]:
    """Each command's answer (a failure when it could not be run), all run at once,
    each within timeout seconds."""
    import threading

    now = time.time()
    answers = [Output(1, "", now, now)] * len(commands)

    def one(index: int) -> None:
        answers[index] = _run(commands[index], timeout)

    threads = [threading.Thread(target=one, args=(i,), daemon=True)
               for i in range(len(commands))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout + 1)  # _run never takes longer than its timeout
    return answers


def _code(value: str | None) -> str | None:
    """A locale or language code as ideviceinfo gives it ("en_GB", "en-GB"), or None
    for anything else."""
    if value is None or not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}", value):
        return None
    return value
