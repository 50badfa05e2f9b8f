"""Readings from an iPhone connected by USB, through libimobiledevice's ideviceinfo.

Running ideviceinfo as a separate program keeps icloud-fix's own dependencies small
and its MIT licence clean. Nothing here raises: a missing tool, no device, a locked
or untrusted device all come back as a DeviceUnavailable with a one-line reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from icloud_fix import verbose
from icloud_fix.safe_text import one_line, shorten

TIMEOUT = 3.0
# What ideviceinfo gives for a real iPhone: "17.5.1", "iPhone15,2".
_VERSION = re.compile(r"\d{1,2}(?:\.\d{1,3}){0,3}")
_MODEL = re.compile(r"iPhone\d{1,3},\d{1,3}")


@dataclass(frozen=True)
class DeviceReading:
    product_version: str | None  # iOS version, e.g. 17.5.1
    product_type: str | None  # model id, e.g. iPhone15,2
    free_bytes: int | None
    capacity_bytes: int | None
    battery_percent: int | None
    charging: bool | None
    external_power: bool | None
    # The phone's region and language settings (com.apple.international), e.g. en_GB
    # and en-GB: what its menus call mobile data follows them.
    locale: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class DeviceUnavailable:
    reason: str
    # No device tool: nothing to tell a person who did not ask (--verbose says it).
    tool_missing: bool = False


# What is read from ideviceinfo at most: its real answers are a few KiB.
MAX_OUTPUT = 256 * 1024


def _run(args: list[str], timeout: float) -> tuple[int, str]:
    """The exit code and output (stdout and stderr) of a command, read for ``timeout``
    seconds and ``MAX_OUTPUT`` bytes at most, decoded leniently; never raises. With
    --verbose, says how it ended: exit code, bytes read, time taken."""
    step = verbose.begin(" ".join([os.path.basename(args[0]), *args[1:]]))
    code, output, size, ended = _run_and_read(args, timeout)
    step.done(f"{ended}, {size:,} bytes read")
    return code, output


def _run_and_read(args: list[str], timeout: float) -> tuple[int, str, int, str]:
    """_run's exit code and output, with the bytes read and how the command ended."""
    import select
    import time

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
        assert child.stdout is not None
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


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _bool(value: str | None) -> bool | None:
    return {"true": True, "false": False}.get((value or "").lower())


def read(timeout: float = TIMEOUT) -> DeviceReading | DeviceUnavailable:
    """What the connected iPhone reports, or why nothing could be read."""
    tool = shutil.which("ideviceinfo")
    if tool is None:
        verbose.say("ideviceinfo: not installed (libimobiledevice), so no readings from "
                    "an iPhone")
        return DeviceUnavailable("ideviceinfo is not installed (libimobiledevice)",
                                 tool_missing=True)
    import time

    deadline = time.monotonic() + timeout  # one budget for every command
    code, version = _run([tool, "-k", "ProductVersion"], timeout)
    if code != 0 or not version.strip() or ":" in version:
        return DeviceUnavailable(_why(version))
    if not _VERSION.fullmatch(version.strip()):
        # Not an iOS version: nothing it says can be trusted to be the iPhone's.
        return DeviceUnavailable("ideviceinfo gave no iOS version it can read")
    # The iPhone answers; the rest is asked side by side, in what is left of the budget.
    model, disk, battery, international = _side_by_side(
        [[tool, *args] for args in (("-k", "ProductType"), ("-q", "com.apple.disk_usage"),
                                    ("-q", "com.apple.mobile.battery"),
                                    ("-q", "com.apple.international"))],
        max(deadline - time.monotonic(), 0.1))
    disk_fields, battery_fields = _fields(disk), _fields(battery)
    international_fields = _fields(international)
    model_line = model.strip().splitlines()[0] if model.strip() and ":" not in model else None
    if model_line is not None and not _MODEL.fullmatch(model_line):
        model_line = None  # not an identifier such as iPhone15,2
    return DeviceReading(
        # What another program printed is shown as harmless text.
        product_version=one_line(shorten(version.strip().splitlines()[0], 30)),
        product_type=one_line(shorten(model_line, 30)) if model_line else None,
        free_bytes=_int(disk_fields.get("TotalDataAvailable")),
        capacity_bytes=_int(disk_fields.get("TotalDataCapacity")),
        battery_percent=_int(battery_fields.get("BatteryCurrentCapacity")),
        charging=_bool(battery_fields.get("BatteryIsCharging")),
        external_power=_bool(battery_fields.get("ExternalConnected")),
        locale=_code(international_fields.get("Locale")),
        language=_code(international_fields.get("Language")),
    )


def _side_by_side(commands: list[list[str]], timeout: float) -> list[str]:
    """The output of each command (empty when it failed), run at once, each within
    timeout seconds."""
    import threading

    outputs = [""] * len(commands)

    def one(index: int) -> None:
        outputs[index] = _run(commands[index], timeout)[1]

    threads = [threading.Thread(target=one, args=(i,), daemon=True)
               for i in range(len(commands))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout + 1)  # _run never takes longer than its timeout
    return outputs


def _code(value: str | None) -> str | None:
    """A locale or language code as ideviceinfo gives it ("en_GB", "en-GB"), or None
    for anything else."""
    if value is None or not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}", value):
        return None
    return value
