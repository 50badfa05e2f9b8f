"""Headless Chromium for the tests of the page `icloud-fix page` writes: the system's
Chromium, driven by Selenium through Debian's chromedriver, and a local web server.

The browser is the one installed on the machine (Debian's chromium and
chromium-driver; .ci/run installs them as root): the driver is given by path and
Chromium by binary_location, so Selenium Manager, which would look for both on the
network, never runs. The fixtures `browser` (one Chromium a test module) and
`http_server` are defined here and made available to every test by tests/conftest.py.

A test module shares its browser: what one test sets (viewport, colour scheme, the
page open) is what the next one finds. A test sets what it depends on, or calls
Browser.reset() first.

Selenium is imported when a browser starts, not when this module is imported, so
the tests that never use a browser do not pay for it.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement

# Where Debian puts them; PATH is looked at first.
CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMIUM_DEFAULT = "/usr/bin/chromium"
CHROMEDRIVER_DEFAULT = "/usr/bin/chromedriver"
INSTALL_HINT = ".ci/run installs them when run as root (Debian packages chromium, chromium-driver)"

# The viewport a browser starts with, and reset() goes back to: a desktop window.
DESKTOP = (1280, 900)
# Narrower than this, set_viewport emulates a phone (mobile, device scale factor 2).
MOBILE_BELOW = 600

# Roles a person acts on: each needs a name a screen reader can say.
INTERACTIVE_ROLES = frozenset({
    "button", "link", "textbox", "checkbox", "radio", "combobox", "listbox", "menuitem",
    "switch", "spinbutton", "tab", "option",
})


class BrowserUnavailable(Exception):
    """Chromium or chromedriver is missing, or they would not start; the message says
    which, and how to install them."""


class Overflowing(NamedTuple):
    """An element whose box reaches past the right edge of the viewport."""
    tag: str
    cls: str
    text: str
    right: float


class ContrastProblem(NamedTuple):
    """Text whose contrast with its background is below what WCAG 2 asks (1.4.3)."""
    text: str
    ratio: float
    color: str
    background: str


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    return CHROMIUM_DEFAULT if Path(CHROMIUM_DEFAULT).is_file() else None


def find_chromedriver() -> str | None:
    if found := shutil.which("chromedriver"):
        return found
    return CHROMEDRIVER_DEFAULT if Path(CHROMEDRIVER_DEFAULT).is_file() else None


def start_browser() -> Browser:
    """A new headless Chromium with a fresh profile of its own, at the DESKTOP viewport.

    Raises BrowserUnavailable when Chromium or chromedriver is missing or does not
    start."""
    chromium, chromedriver = find_chromium(), find_chromedriver()
    if chromium is None:
        raise BrowserUnavailable(
            f"Chromium is not installed (no {' or '.join(CHROMIUM_NAMES)} on PATH, nor "
            f"{CHROMIUM_DEFAULT}); {INSTALL_HINT}")
    if chromedriver is None:
        raise BrowserUnavailable(
            f"chromedriver is not installed (not on PATH, nor {CHROMEDRIVER_DEFAULT}); "
            f"{INSTALL_HINT}")

    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.TemporaryDirectory(prefix="icloud-fix-chromium-",
                                          ignore_cleanup_errors=True)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", f"--user-data-dir={profile.name}",
                     f"--window-size={DESKTOP[0]},{DESKTOP[1]}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(executable_path=chromedriver),
                                  options=options)
    except (WebDriverException, OSError) as error:
        profile.cleanup()
        first_line = (getattr(error, "msg", None) or str(error)).strip().splitlines()[0:1]
        raise BrowserUnavailable(
            f"Chromium ({chromium}) did not start through chromedriver ({chromedriver}): "
            f"{first_line[0] if first_line else type(error).__name__} (a chromedriver of "
            f"another version than Chromium's is the usual cause); {INSTALL_HINT}"
        ) from error
    browser = Browser(driver, profile)
    try:
        # --window-size is the window's size; in headless mode Chromium takes some of
        # it for browser UI it does not draw, so the page's viewport is set exactly.
        browser.set_viewport(*DESKTOP)
    except BaseException:
        browser.quit()
        raise
    return browser


class Browser:
    """A started Chromium, with what the page's tests ask of it. `driver` is the
    Selenium WebDriver, for anything else."""

    def __init__(self, driver: WebDriver, profile: tempfile.TemporaryDirectory[str]) -> None:
        self.driver = driver
        self._profile = profile
        self._requests: list[str] = []
        self._viewport = DESKTOP

    # -- pages -----------------------------------------------------------------------

    def open(self, target: Path | str) -> None:
        """Opens a file (a Path, as a file:// URI) or a URL, and waits until the page's
        document.readyState is "complete". requests() starts again from here."""
        url = target.resolve().as_uri() if isinstance(target, Path) else target
        self.driver.get_log("performance")  # what was requested before
        self._requests = []
        self.driver.get(url)
        self.wait_until('document.readyState === "complete"')

    def wait_for(self, css: str, timeout: float = 10) -> WebElement:
        """The first element matching css, once it is displayed."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout).until(
            expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css)),
            f"no element matching {css!r} was displayed within {timeout} s")

    def wait_until(self, js_expression: str, timeout: float = 10) -> Any:
        """Waits until a JavaScript expression is truthy in the page; returns its value."""
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout).until(
            lambda driver: driver.execute_script(f"return ({js_expression});"),
            f"{js_expression!r} was not true within {timeout} s")

    def js(self, script: str, *args: Any) -> Any:
        """Runs script in the page (Selenium's execute_script: `return` gives a value,
        `arguments[i]` the args)."""
        return self.driver.execute_script(script, *args)

    def local_storage(self) -> dict[str, str]:
        """The page's window.localStorage, as a dict."""
        return dict(self.js(
            "const s = window.localStorage, o = {};"
            "for (let i = 0; i < s.length; i++) { o[s.key(i)] = s.getItem(s.key(i)); }"
            "return o;"))

    # -- emulation -------------------------------------------------------------------

    def set_viewport(self, width: int, height: int = DESKTOP[1]) -> None:
        """Sets the CSS viewport to width x height pixels. Below MOBILE_BELOW wide it
        is a phone's: mobile, with 2 device pixels a CSS pixel.

        As on a phone, a mobile viewport is `width` CSS pixels wide only for a page
        whose <meta name="viewport"> says width=device-width; a page without one is
        laid out 980 pixels wide, and shrunk. Stays set for the pages opened after."""
        mobile = width < MOBILE_BELOW
        self._viewport = (width, height)
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 2 if mobile else 1,
            "mobile": mobile})

    def set_color_scheme(self, scheme: str | None) -> None:
        """Makes the page see prefers-color-scheme as "dark" or "light" (None: as the
        system has it). Stays set for the pages opened after."""
        if scheme not in ("dark", "light", None):
            raise ValueError(f'color scheme must be "dark", "light" or None, not {scheme!r}')
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": scheme or ""}]})

    def reset(self) -> None:
        """Back to how the browser started: the DESKTOP viewport and the system's colour
        scheme. The page open and the logs are left as they are."""
        self.set_viewport(*DESKTOP)
        self.set_color_scheme(None)

    # -- what the page did -----------------------------------------------------------

    def requests(self) -> list[str]:
        """The URL of every request the page made since the last open(), the page's own
        first, in order: what it loaded and what it fetched. A request its
        Content-Security-Policy blocked is here too (the page tried). Over http, a page
        that names no icon has Chromium ask for /favicon.ico, unless its CSP forbids it
        (<link rel="icon" href="data:,"> asks for nothing)."""
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                self._requests.append(message["params"]["request"]["url"])
        return list(self._requests)

    def console_errors(self) -> list[str]:
        """The messages of the browser log's SEVERE entries since the last call: errors
        in the page's scripts, failed loads, and Content-Security-Policy violations."""
        return [entry["message"] for entry in self.driver.get_log("browser")
                if entry.get("level") == "SEVERE"]

    # -- checks ----------------------------------------------------------------------

    def horizontal_overflow(self) -> tuple[int, list[Overflowing]]:
        """How far the page scrolls sideways (scrollWidth - clientWidth of the root) and
        up to 5 elements, outermost first, whose box reaches past the viewport's right
        edge (not counting those cut off by an ancestor's overflow). (0, []) is fine."""
        overflow, elements = self.js(_OVERFLOW_JS)
        return int(overflow), [Overflowing(*element) for element in elements]

    def accessibility_problems(self) -> list[str]:
        """Each element a person acts on (INTERACTIVE_ROLES) that is in the accessibility
        tree but has no accessible name (no text, label, aria-label, title...): what a
        screen reader would announce as just "button". [] is fine."""
        nodes = self.driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
        problems = []
        for node in nodes:
            role = (node.get("role") or {}).get("value")
            name = str((node.get("name") or {}).get("value") or "").strip()
            if role in INTERACTIVE_ROLES and not node.get("ignored") and not name:
                problems.append(f"{role} with no accessible name: "
                                f"{self._describe(node.get('backendDOMNodeId'))}")
        return problems

    def _describe(self, backend_node_id: int | None) -> str:
        """An element as a start tag: <button class="x" id="y">."""
        if backend_node_id is None:
            return "(no element)"
        from selenium.common.exceptions import WebDriverException

        try:
            node = self.driver.execute_cdp_cmd(
                "DOM.describeNode", {"backendNodeId": backend_node_id})["node"]
        except WebDriverException:
            return f"(element {backend_node_id})"
        attributes = node.get("attributes", [])
        pairs = "".join(f' {attributes[i]}="{attributes[i + 1]}"'
                        for i in range(0, len(attributes) - 1, 2))
        return f"<{node.get('localName') or node.get('nodeName', '?').lower()}{pairs}>"

    def contrast_problems(self, level: float = 4.5, large: float = 3.0
                          ) -> list[ContrastProblem]:
        """Visible text whose WCAG 2 contrast ratio with its background is below level
        (large text: below large; large is 24 px, or 18.66 px and bold).

        Each element with text of its own is checked: its computed colour (alpha
        blended) against the background colours of it and its ancestors, composited
        up to the first opaque one, over the page's canvas colour (white, unless the
        root's color-scheme makes it dark). Text over a background image or gradient
        is skipped, as is text in form fields (not a text node). [] is fine."""
        return [ContrastProblem(*problem) for problem in self.js(_CONTRAST_JS, level, large)]

    def screenshot(self, path: Path | str, full_page: bool = False) -> Path:
        """Saves a PNG of the viewport, or of the whole page (its content: without a
        desktop viewport's scrollbar), at device pixels: a 375-pixel viewport at device
        scale factor 2 is 750 pixels wide. Returns the path."""
        arguments: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
            arguments.update(captureBeyondViewport=True, clip={
                "x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        data = self.driver.execute_cdp_cmd("Page.captureScreenshot", arguments)["data"]
        if full_page:
            # Capturing beyond the viewport leaves the page laid out without its
            # scrollbar until the viewport changes: it is set again.
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            self.set_viewport(*self._viewport)
        path = Path(path)
        path.write_bytes(base64.b64decode(data))
        return path

    def quit(self) -> None:
        """Ends Chromium and chromedriver, and removes the browser's profile."""
        try:
            self.driver.quit()
        finally:
            self._profile.cleanup()


# Run by horizontal_overflow(): [overflow, [[tag, class, text, right], ...]].
_OVERFLOW_JS = r"""
const root = document.documentElement, width = root.clientWidth;
const found = [];
const clipped = (element) => {
  for (let a = element.parentElement; a && a !== document.body && a !== root;
       a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== "visible"
        && a.getBoundingClientRect().right + scrollX <= width + 0.5) return true;
  }
  return false;
};
for (const element of document.body ? document.body.querySelectorAll("*") : []) {
  if (found.length >= 5) break;
  const box = element.getBoundingClientRect();
  if (box.width === 0 && box.height === 0) continue;
  const right = box.right + scrollX;
  if (right <= width + 0.5 || clipped(element)) continue;
  found.push([element.localName, element.getAttribute("class") || "",
              (element.textContent || "").replace(/\s+/g, " ").trim().slice(0, 40),
              Math.round(right * 10) / 10]);
}
return [root.scrollWidth - root.clientWidth, found];
"""

# Run by contrast_problems(level, large): [[text, ratio, color, background], ...].
_CONTRAST_JS = r"""
const [level, large] = arguments;
const canvas = document.createElement("canvas");
canvas.width = canvas.height = 1;
const context = canvas.getContext("2d", {willReadFrequently: true});
const cache = new Map();
// Any CSS colour (rgb(), oklch(), color(srgb ...)...) as sRGB [r, g, b, alpha 0-1].
const rgba = (css) => {
  if (!cache.has(css)) {
    context.clearRect(0, 0, 1, 1);
    context.fillStyle = "#000";
    context.fillStyle = css;
    context.fillRect(0, 0, 1, 1);
    const d = context.getImageData(0, 0, 1, 1).data;
    cache.set(css, [d[0], d[1], d[2], d[3] / 255]);
  }
  return cache.get(css);
};
const over = (top, bottom) => [0, 1, 2].map(
  (i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
const luminance = (c) => {
  const [r, g, b] = c.slice(0, 3).map((v) => {
    v /= 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const show = (c) => `rgb(${c.slice(0, 3).map(Math.round).join(", ")})`;
// The colour under everything: the root's Canvas system colour (its color-scheme).
const probe = document.createElement("div");
probe.style.cssText = "background-color: Canvas; position: absolute; width: 0; height: 0";
document.documentElement.appendChild(probe);
const canvasColour = rgba(getComputedStyle(probe).backgroundColor);
probe.remove();
const background = (element) => {
  const layers = [];
  for (let e = element; e; e = e.parentElement) {
    const style = getComputedStyle(e);
    if (style.backgroundImage !== "none") return null;
    const colour = rgba(style.backgroundColor);
    if (colour[3] > 0) layers.push(colour);
    if (colour[3] >= 1) break;
  }
  return layers.reduceRight((below, layer) => over(layer, below), canvasColour);
};
const problems = [];
for (const element of document.querySelectorAll("body *")) {
  const text = Array.from(element.childNodes)
    .filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.data).join(" ")
    .replace(/\s+/g, " ").trim();
  if (!text) continue;
  const visible = element.checkVisibility
    ? element.checkVisibility({visibilityProperty: true, opacityProperty: true})
    : element.getClientRects().length > 0;
  if (!visible) continue;
  const style = getComputedStyle(element);
  const back = background(element);
  if (back === null) continue;
  const fore = over(rgba(style.color), back);
  const [lighter, darker] = [luminance(fore), luminance(back)].sort((a, b) => b - a);
  const ratio = (lighter + 0.05) / (darker + 0.05);
  const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
  const needed = size >= 24 || (size >= 18.66 && bold) ? large : level;
  if (ratio < needed) {
    problems.push([text.slice(0, 40), Math.round(ratio * 100) / 100, style.color, show(back)]);
  }
}
return problems;
"""


class Server:
    """A folder served over HTTP on 127.0.0.1 (a port of its own)."""

    def __init__(self, directory: Path | str) -> None:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.address = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name=f"http-server {directory}")
        self._thread.start()

    def url(self, name: str = "") -> str:
        """The URL of a file in the folder, by its path relative to the folder."""
        return f"{self.address}/{name.lstrip('/')}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:  # each request it served: not wanted
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """A headless Chromium for the test module (Browser); the tests are skipped, saying
    what is missing, when Chromium or chromedriver is not installed or will not start."""
    try:
        started = start_browser()
    except BrowserUnavailable as unavailable:
        pytest.skip(str(unavailable))
    yield started
    started.quit()


@pytest.fixture(scope="module")
def http_server() -> Iterator[Callable[[Path | str], Server]]:
    """serve(folder) -> a Server of that folder (server.url("page.html")); every server
    started is shut down at the end of the test module."""
    servers: list[Server] = []

    def serve(directory: Path | str) -> Server:
        servers.append(Server(directory))
        return servers[-1]

    yield serve
    for server in servers:
        with contextlib.suppress(OSError):
            server.close()
