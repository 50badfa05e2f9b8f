"""Fixtures every test gets: its own state folder, and no way to reach Apple."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import serve_feeds


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
    return home


@pytest.fixture(scope="module")
def feeds() -> Iterator[str]:
    """The base address of Apple's feeds as recorded in tests/feeds, served locally."""
    server, address = serve_feeds()
    yield address
    server.shutdown()
    server.server_close()
