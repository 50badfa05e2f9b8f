"""The flow as one web page (``icloud-fix page``), for people who will never open a
terminal: a help desk publishes it, mails it, or opens it on the iPhone itself.

One self-contained HTML file: its style and script are inline, and its
Content-Security-Policy lets the browser run that one script and that one style (by
their hashes) and load nothing at all, from anywhere: no font, image, frame,
connection or form. It works opened from a file as well as from a web server.

The flow is in the page as data (``data.py``), inside a JSON block no browser runs;
the script (``page.js``) reads it, asks, keeps progress in the browser, and writes the
same Markdown and JSON reports a scripted run writes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from importlib import resources
from typing import Any

from icloud_fix.flow import Flow
from icloud_fix.safe_text import visible

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="icloud-fix {version}">
<title>{title}</title>
<style>{style}</style>
</head>
<body data-screen="start">
<header><p>{title}</p>
<button type="button" id="start-over" class="quiet">Start over</button></header>
<main>
<div id="screen"><h1>{title}</h1><noscript><p>This page asks its questions with JavaScript:
turn it on for this page, or ask whoever sent it for the terminal version.</p></noscript></div>
<p id="status" role="status" aria-live="polite"></p>
</main>
<script type="application/json" id="flow-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


# Inside a <script> element only "</script" (and "<!--") could end or change it: JSON
# spells "<", ">" and "&" as escapes instead, and a lone surrogate (a file name that is
# not UTF-8) as its escape, which JSON.parse reads back and UTF-8 can write.
_UNSAFE_IN_SCRIPT = re.compile(r"[<>&\ud800-\udfff]")


def _json_for_script(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _UNSAFE_IN_SCRIPT.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def build(flow: Flow) -> str:
    """The page of a flow: one HTML document, to write to a file."""
    import html

    from icloud_fix import __version__
    from icloud_fix.page.data import page_data

    here = resources.files(__package__)
    script = here.joinpath("page.js").read_text("utf-8")
    style = here.joinpath("page.css").read_text("utf-8")
    csp = ("default-src 'none'; "
           f"script-src {_hash(script)}; style-src {_hash(style)}; "
           "img-src 'none'; font-src 'none'; connect-src 'none'; media-src 'none'; "
           "object-src 'none'; frame-src 'none'; worker-src 'none'; manifest-src 'none'; "
           "form-action 'none'; base-uri 'none'")
    title = html.escape(visible(" ".join(flow.title.split())), quote=True)
    return _TEMPLATE.format(csp=csp, version=html.escape(__version__), title=title,
                            style=style, data=_json_for_script(page_data(flow)),
                            script=script)
