"""Apple's public feeds: System Status (is iCloud Photos down?) and the latest iOS
for a model. Every call has a short timeout; nothing here raises: a feed that is
unreachable, slow, malformed or behind a certificate we cannot verify is None."""

from __future__ import annotations

import json
import os
import re
from typing import Any

from icloud_fix.engine import Outage
from icloud_fix.safe_text import one_line, shorten

STATUS_URL = "https://www.apple.com/support/systemstatus/data/system_status_en_US.js"
VERSIONS_URL = "https://gdmf.apple.com/v2/pmv"
TIMEOUT = 3.0
# Apple lists one or two events a service; a feed listing thousands would bury the
# report (Apple's status page, which the report links to, has them all).
MAX_OUTAGES = 5


def _get(url: str, timeout: float) -> str | None:
    # Imported here: urllib.request costs more than the rest of a scripted run's imports,
    # and only these background lookups need it.
    import urllib.request

    try:
        # Certificates are always verified: a failure means "not reachable".
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read(2_000_000).decode("utf-8", "replace")
    except Exception:  # any network, TLS or HTTP failure: the feed is not reachable
        return None


def parse_status(text: str, services: tuple[str, ...]) -> list[Outage] | None:
    """Ongoing events of the named services; None when the text is not the feed."""
    body = text.strip()
    wrapped = re.match(r"^[A-Za-z_$][\w$]*\((.*)\)\s*;?\s*$", body, re.S)
    if wrapped:
        body = wrapped.group(1)
    try:
        document: Any = json.loads(body)
        outages = []
        for service in document["services"]:
            if service.get("serviceName") not in services:
                continue
            for event in service.get("events") or []:
                if event.get("eventStatus") == "ongoing":
                    # What comes from the network is shown as harmless text.
                    outage = Outage(_text(service["serviceName"], 100),
                                    _text(event.get("message"), 500),
                                    _text(event.get("startDate"), 50))
                    if outage not in outages:
                        outages.append(outage)
                if len(outages) == MAX_OUTAGES:
                    return outages
        return outages
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


def _text(value: object, limit: int) -> str:
    return one_line(shorten(str(value or "").strip(), limit))


def service_status(services: tuple[str, ...], timeout: float = TIMEOUT) -> list[Outage] | None:
    url = os.environ.get("ICLOUD_FIX_STATUS_URL", STATUS_URL)
    text = _get(url, timeout)
    return None if text is None else parse_status(text, services)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def parse_latest_ios(text: str, product_type: str) -> str | None:
    """The highest iOS version Apple lists for this model, or None."""
    try:
        assets = json.loads(text)["PublicAssetSets"]["iOS"]
        versions = [_text(a["ProductVersion"], 30) for a in assets
                    if product_type in (a.get("SupportedDevices") or [])]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return max(versions, key=_version_key) if versions else None


def latest_ios(product_type: str, timeout: float = TIMEOUT) -> str | None:
    url = os.environ.get("ICLOUD_FIX_VERSIONS_URL", VERSIONS_URL)
    text = _get(url, timeout)
    return None if text is None else parse_latest_ios(text, product_type)


def newer(latest: str, current: str) -> bool:
    return _version_key(latest) > _version_key(current)
