"""Start-up, size and memory benchmarks for icloud-fix, as ratios against the import floor.

Run from the project root with the environment icloud-fix is installed in:

    python benchmarks/run.py            # about a minute
    python benchmarks/run.py --runs 21  # steadier medians

F, the import floor, is the wall time of `python -c "import typer, questionary, yaml,
rich.console"`: what the dependencies cost before icloud-fix does anything. Every
figure is measured in the same run, as the median of several runs after a warm-up,
and compared with its target. The exit code is 1 when a target is missed.

The warm-up runs also leave the parsed built-in flow in icloud-fix's cache (see
icloud_fix/flowfile/cache.py), so the start-up rows are those of every run but the
first after installing or changing the flow; the load rows read generated files,
which are never cached.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FLOOR = "import typer, questionary, yaml, rich.console"
ANSWERS = {
    "photos-status": "synced",
    "connectivity-low-power-mode": "no",
    "connectivity-low-battery": "no",
    "connectivity-low-data-mode": "no",
    "connectivity-internet-works": "yes",
    "connectivity-on-cellular": "no",
    "connectivity-mobile-data-on": "yes",
    "connectivity-vpn": "no",
    "connectivity-date-time": "yes",
    "apple-id-sync-on": "yes",
    "apple-id-banner": "no",
    "apple-id-screen-time": "yes",
    "apple-id-icloud-com": "no",
    "apple-id-other-device": "yes",
    "apple-id-shared-library": "no",
    "apple-id-both-libraries": "yes",
    "apple-id-same-account": "yes",
    "icloud-storage-full": "yes",
    "device-storage-full": "no",
    "restart-done": "yes",
    "ios-update-current": "yes",
    "charging-wifi-first-upload": "yes",
    "charging-wifi-plugged-in": "yes",
    "charging-wifi-left-to-sync": "yes",
}


def wall(command: list[str]) -> Callable[[], float]:
    def measure() -> float:
        start = time.perf_counter()
        subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        return time.perf_counter() - start

    return measure


# A child starts as a copy of its parent, and the kernel's peak-memory figure counts
# that copy; a small Python in between keeps this process's own size out of it.
MEASURE = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)\n"
    "_, _, usage = os.wait4(p.pid, 0)\n"
    "print(usage.ru_maxrss)\n"
)


def peak_memory_mib(command: list[str]) -> float:
    """Peak resident memory of one run of command, from the kernel's own accounting."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                         text=True, check=True).stdout
    return int(out) / 1024


def black_hole() -> str:
    """A URL whose server takes the connection and never answers, like a network that
    drops every packet: a client waits for its whole timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    BLACK_HOLES.append(listener)  # kept open, never accepted, until the run ends
    return f"http://127.0.0.1:{listener.getsockname()[1]}/feed"


BLACK_HOLES: list[socket.socket] = []


def first_prompt(command: str, **env_extra: str) -> Callable[[], float]:
    """Time from start until the first question is drawn in a pseudo-terminal."""
    import pexpect

    # An empty state folder: no interrupted session of the person's to offer.
    env = {**os.environ, "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1",
           "ICLOUD_FIX_HOME": tempfile.mkdtemp(), **env_extra}

    def measure() -> float:
        start = time.perf_counter()
        child = pexpect.spawn(command, env=env, dimensions=(40, 120), timeout=30)
        child.expect_exact(b"Explain this question")
        elapsed = time.perf_counter() - start
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
        child.close()
        return elapsed

    return measure


def generated_flow(checks: int) -> str:
    parts = ['format: 1\nid: generated\ntitle: Generated\nversion: "1"\nchecks:\n']
    for i in range(checks):
        parts.append(
            f"  - id: check-{i}\n    title: Check number {i}\n    questions:\n"
            f"      - id: check-{i}-ok\n        prompt: Is part {i} working as it should?\n"
            f"        help: Look at part {i}.\n        pass_answer: \"yes\"\n"
            f"        remediation: |\n          1. Open part {i}.\n          2. Fix it.\n"
        )
    return "".join(parts)


def load_time(path: Path) -> Callable[[], float]:
    from icloud_fix.flowfile.loader import load_file

    def measure() -> float:
        gc.collect()  # the previous run's garbage is not this run's cost
        start = time.perf_counter()
        load_file(path)
        return time.perf_counter() - start

    return measure


def interleaved(runs: int, measures: dict[Any, Callable[[], float]],
                warmup: int = 2) -> dict[Any, float]:
    """Medians of several measures taken in turn, round after round, so that the
    machine slowing down or speeding up meanwhile touches every figure alike."""
    for _ in range(warmup):
        for measure in measures.values():
            measure()
    samples: dict[Any, list[float]] = {name: [] for name in measures}
    for _ in range(runs):
        for name, measure in measures.items():
            samples[name].append(measure())
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="runs per figure (median)")
    args = parser.parse_args()
    runs = args.runs

    python = sys.executable
    command = shutil.which("icloud-fix", path=str(Path(python).parent))
    if command is None:
        sys.exit("icloud-fix is not installed beside this Python: pip install '.[test]'")
    from icloud_fix.flowfile.loader import builtin_flow_path

    flags = [f"--answer={qid}={value}" for qid, value in ANSWERS.items()]
    scripted = [command, "--non-interactive", *flags, "--format", "json"]

    # Memory first, while this process is still small.
    memory = max(peak_memory_mib(scripted) for _ in range(3))

    timings = interleaved(runs, {
        "floor": wall([python, "-c", FLOOR]),
        "scripted": wall(scripted),
        "list": wall([command, "list", "--format", "json"]),
        "validate": wall([command, "validate", str(builtin_flow_path())]),
        "prompt": first_prompt(command),
        "prompt, network black-holed": first_prompt(
            command, ICLOUD_FIX_STATUS_URL=black_hole(), ICLOUD_FIX_VERSIONS_URL=black_hole()),
    })
    floor = timings["floor"]
    rows: list[tuple[str, str, float, str, bool]] = []

    def against_floor(name: str, seconds: float, target: float) -> None:
        ratio = seconds / floor
        rows.append((name, f"{seconds * 1000:.0f} ms", ratio, f"<= {target} F", ratio <= target))

    against_floor("scripted run, --format json", timings["scripted"], 0.45)
    against_floor("list --format json", timings["list"], 0.45)
    against_floor("validate (built-in flow)", timings["validate"], 0.45)
    against_floor("first question drawn (pty)", timings["prompt"], 1.15)
    against_floor("  ... network black-holed", timings["prompt, network black-holed"], 1.15)

    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for checks in (100, 1000, 5000):
            paths[checks] = Path(folder) / f"flow-{checks}.yaml"
            paths[checks].write_text(generated_flow(checks), encoding="utf-8")
        sizes = interleaved(max(5, runs // 2), {n: load_time(p) for n, p in paths.items()},
                            warmup=1)
    against_floor("load + validate 1,000 checks", sizes[1000], 0.5)
    growth = sizes[5000] / sizes[1000]
    rows.append(("load 5,000 / 1,000 checks", f"{sizes[5000] * 1000:.0f} ms", growth,
                 "<= 5.5 x", growth <= 5.5))
    rows.append(("load 1,000 / 100 checks", f"{sizes[1000] * 1000:.0f} ms",
                 sizes[1000] / sizes[100], "(linear: ~10 x)", True))

    rows.append(("peak memory, scripted run", f"{memory:.1f} MiB", memory / 45, "<= 45 MiB",
                 memory <= 45))

    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.system()} {platform.release()}")
    print(f"Import floor F ({FLOOR}): {floor * 1000:.0f} ms; median of {runs} runs\n")
    print(f"| {'figure':<30} | {'median':>9} | {'ratio':>6} | {'target':<15} | ok  |")
    print(f"|{'-' * 32}|{'-' * 11}|{'-' * 8}|{'-' * 17}|-----|")
    for name, value, ratio, target, ok in rows:
        verdict = "yes" if ok else "NO"
        print(f"| {name:<30} | {value:>9} | {ratio:>6.2f} | {target:<15} | {verdict:<3} |")
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
