"""Fixtures every test gets: its own state folder, no way to reach Apple, and readings
that are waited for; the stress setting, Hypothesis's profiles, and what running in
parallel (pytest-xdist, in pyproject.toml's addopts) needs. The browser and the web
server for the page's tests are in tests/browser.py."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from browser import browser, http_server  # noqa: F401 (fixtures: tests/browser.py)
from helpers import FeedServer, start_installed

# -- Hypothesis: derandomized in CI ------------------------------------------------------
# The property tests set their own example counts (the README gives them); a profile
# bounds those that do not. In CI (the CI variable set, as .ci/run and CI services do)
# the examples are the same on every run, so a red CI is a finding and never luck, and
# nothing is stored between runs; elsewhere they are new each run, and a failure found
# is replayed first the next time (.hypothesis/).
settings.register_profile(
    "ci", derandomize=True, database=None, max_examples=150, deadline=None,
    print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "dev", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI") else "dev"))

# Environment variables a terminal sets, as pytest itself found them: pytest-xdist's
# workers would otherwise get COLUMNS=80 and LINES=24, which importing readline in the
# main process exports behind os.environ's back, and rich would then draw a session at
# 80 columns in a pseudo-terminal of 200.
TERMINAL_SIZE = ("COLUMNS", "LINES")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--stress", action="store_true", default=os.environ.get("ICLOUD_FIX_STRESS") == "1",
        help="repeat the trials of timing-dependent tests (signals) as many times as a "
             "stress run does: 10 of each pair instead of 2 (also ICLOUD_FIX_STRESS=1)")


def pytest_configure(config: pytest.Config) -> None:
    worker = getattr(config, "workerinput", None)
    if worker is not None:
        for name, value in worker["terminal_size"].items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:  # node: pytest-xdist's WorkerController
    node.workerinput["terminal_size"] = {name: os.environ.get(name) for name in TERMINAL_SIZE}


@pytest.fixture(scope="session")
def stress(pytestconfig: pytest.Config) -> bool:
    """Whether this is a stress run (--stress, or ICLOUD_FIX_STRESS=1)."""
    return bool(pytestconfig.getoption("stress"))


@pytest.fixture(autouse=True)
def one_at_a_time_if_serial(request: pytest.FixtureRequest,
                            tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A test marked serial runs while no other test runs in any pytest-xdist worker.

    Every test holds a shared lock on a file of this test run while it runs; a serial
    test holds it alone. To come in, a test first takes a second lock, the gate, for a
    moment; a serial test keeps the gate until it is done, so the tests that come
    after it wait at the gate and cannot keep it from ever running."""
    if "PYTEST_XDIST_WORKER" not in os.environ:  # not in parallel (-n 0, or -p no:xdist)
        yield
        return
    serial = request.node.get_closest_marker("serial") is not None
    # The run's own temporary folder, which holds each worker's (popen-gw0, ...).
    folder = tmp_path_factory.getbasetemp().parent
    with open(folder / "serial.gate", "a") as gate, open(folder / "serial.lock", "a") as lock:
        fcntl.flock(gate, fcntl.LOCK_EX)
        fcntl.flock(lock, fcntl.LOCK_EX if serial else fcntl.LOCK_SH)
        if not serial:
            fcntl.flock(gate, fcntl.LOCK_UN)
        yield  # the files close, and their locks go, when the test is done


@pytest.fixture(autouse=True)
def icloud_fix_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
                    ) -> Path:
    """Every test gets its own, empty state folder (interrupted sessions are kept there)
    and Apple's feeds at an address that refuses."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ICLOUD_FIX_HOME", str(home))
    # No test reaches Apple: port 9 on this machine refuses at once.
    monkeypatch.setenv("ICLOUD_FIX_STATUS_URL", "http://127.0.0.1:9/status.js")
    monkeypatch.setenv("ICLOUD_FIX_VERSIONS_URL", "http://127.0.0.1:9/pmv")
    # A session may save a report in the folder it runs in: never in the checkout.
    work = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(work)
    # A question a reading settles waits for the reading to end (each reading has its
    # own 3 s timeout), not the second a person gets: on a busy machine that second can
    # run out first, and the screen would depend on which won. A test of the wait
    # running out sets its own.
    monkeypatch.setenv("ICLOUD_FIX_READING_WAIT", "60")
    return home


@pytest.fixture
def pty(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """start(*args, cwd=tmp_path, **options) -> the installed icloud-fix in a pseudo-
    terminal (helpers.start_installed); every terminal started is closed after the test."""
    children: list[Any] = []

    def start(*args: str, cwd: Path | None = None, **options: Any) -> Any:
        child = start_installed(args, cwd if cwd is not None else tmp_path, **options)
        children.append(child)
        return child

    yield start
    for child in children:
        with contextlib.suppress(OSError):  # a test may have closed it itself
            child.close(force=True)


@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServer]:
    """Apple's feeds as recorded in tests/feeds, served locally; a test can wait until
    a feed was served (FeedServer.wait_served)."""
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def feeds(feed_server: FeedServer) -> str:
    """The base address of Apple's feeds as recorded in tests/feeds, served locally."""
    return feed_server.address
