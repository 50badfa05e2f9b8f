"""Apple's public feeds: System Status (is iCloud Photos down?) and the latest iOS
for a model. Every call has a short timeout; nothing here raises: a feed that is
unreachable, slow, malformed or behind a certificate we cannot verify is None."""

from __future__ import annotations

import json
import os
import re
from typing import Any

from icloud_fix import verbose
from icloud_fix.engine import Outage
from icloud_fix.probes.ios_versions import newest_of, version_key
from icloud_fix.safe_text import one_line, shorten

STATUS_URL = "https://www.apple.com/support/systemstatus/data/system_status_en_US.js"
VERSIONS_URL = "https://gdmf.apple.com/v2/pmv"
TIMEOUT = 3.0
# What is read of a feed at most: Apple's are a few hundred KiB.
MAX_FEED = 2_000_000
# Apple lists one or two events a service; a feed listing thousands would bury the
# report (Apple's status page, which the report links to, has them all).
MAX_OUTAGES = 5


def _get(url: str, timeout: float) -> str | None:
    step = verbose.begin(f"GET {url}")
    # Imported here: urllib.request costs more than the rest of a scripted run's imports,
    # and only these background lookups need it.
    import urllib.request

    try:
        # Certificates are always verified: a failure means "not reachable".
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read(MAX_FEED)
            status = getattr(response, "status", None)
    except Exception as exc:  # any network, TLS or HTTP failure: the feed is not reachable
        step.done(f"not reachable ({_failure(exc, timeout)})")
        return None
    cut = " (the most read)" if len(body) >= MAX_FEED else ""
    step.done(f"HTTP {status}, {len(body):,} bytes{cut}")
    return str(body.decode("utf-8", "replace"))


def _failure(exc: Exception, timeout: float) -> str:
    """Why a feed could not be read, in a few words, for --verbose."""
    import urllib.error

    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {shorten(str(exc.reason), 60)}"
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):  # socket.timeout too
        return f"no answer within {timeout:g} s"
    if isinstance(reason, str):
        return shorten(reason, 120)
    return shorten(f"{type(reason).__name__}: {reason}", 120)


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


def parse_ios_versions(text: str, product_type: str) -> tuple[str, ...] | None:
    """Every iOS version Apple offers this model, or None when the feed lists none (or
    cannot be read)."""
    try:
        assets = json.loads(text)["PublicAssetSets"]["iOS"]
        versions = [_text(a["ProductVersion"], 30) for a in assets
                    if product_type in (a.get("SupportedDevices") or [])]
        versions = [v for v in versions if version_key(v)]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return tuple(versions) or None


def parse_latest_ios(text: str, product_type: str) -> str | None:
    """The highest iOS version Apple lists for this model, or None."""
    versions = parse_ios_versions(text, product_type)
    return newest_of(versions) if versions else None


def ios_versions(product_type: str, timeout: float = TIMEOUT) -> tuple[str, ...] | None:
    url = os.environ.get("ICLOUD_FIX_VERSIONS_URL", VERSIONS_URL)
    text = _get(url, timeout)
    return None if text is None else parse_ios_versions(text, product_type)


