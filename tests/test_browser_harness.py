"""The browser harness (tests/browser.py) the page's tests use, tested on small pages
written here: each check is shown to find what it looks for, and to find nothing on
a page without it, so a green page test means something."""

from __future__ import annotations

import struct
import textwrap
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.support.ui import WebDriverWait

import browser as browser_module
from browser import Browser, BrowserUnavailable, Overflowing, start_browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def write_page(folder: Path, body: str, head: str = "", name: str = "page.html",
               viewport: bool = True) -> Path:
    """A page in folder: body and head as given, with a phone's viewport meta (as the
    real page has) unless viewport is False."""
    meta = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    path = folder / name
    path.write_text(textwrap.dedent(f"""\
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">{meta if viewport else ""}
        <title>harness</title>{head}</head>
        <body>{body}</body></html>
        """), encoding="utf-8")
    return path


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def wait_for_value(chromium: Browser, read, timeout: float = 10):
    """Waits until read() is truthy (polling, as WebDriverWait does); returns it."""
    return WebDriverWait(chromium.driver, timeout).until(lambda _: read())


@pytest.fixture
def chromium(browser: Browser) -> Browser:
    """The module's browser, as it started: desktop viewport, system colour scheme."""
    browser.reset()
    return browser


# -- starting --------------------------------------------------------------------------

def test_missing_chromium_is_a_reason_to_skip_that_names_the_packages(monkeypatch):
    monkeypatch.setattr(browser_module.shutil, "which", lambda name: None)
    monkeypatch.setattr(browser_module, "CHROMIUM_DEFAULT", "/nonexistent/chromium")
    with pytest.raises(BrowserUnavailable, match=r"Chromium is not installed") as missing:
        start_browser()
    assert ".ci/run" in str(missing.value) and "chromium-driver" in str(missing.value)


def test_missing_chromedriver_is_a_reason_to_skip(monkeypatch):
    monkeypatch.setattr(browser_module, "find_chromium", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(browser_module.shutil, "which", lambda name: None)
    monkeypatch.setattr(browser_module, "CHROMEDRIVER_DEFAULT", "/nonexistent/chromedriver")
    with pytest.raises(BrowserUnavailable, match=r"chromedriver is not installed"):
        start_browser()


def test_starts_without_selenium_manager(browser, monkeypatch):
    # Selenium Manager would look for a driver and a browser on the network: with it
    # made impossible to run, a browser still starts.
    monkeypatch.setenv("SE_MANAGER_PATH", "/nonexistent/selenium-manager")
    started = start_browser()
    try:
        assert started.js("return navigator.userAgent").find("HeadlessChrome") >= 0
    finally:
        started.quit()


# -- pages and waiting -----------------------------------------------------------------

def test_open_takes_a_path_or_a_url(chromium, tmp_path, http_server):
    page = write_page(tmp_path, "<p>here</p>")
    chromium.open(page)
    assert chromium.js("return location.href") == page.resolve().as_uri()
    url = http_server(tmp_path).url("page.html")
    chromium.open(url)
    assert chromium.js("return location.href") == url
    assert chromium.js("return document.readyState") == "complete"


def test_wait_for_waits_until_the_element_is_displayed(chromium, tmp_path):
    chromium.open(write_page(tmp_path, """
        <p id="later" hidden>later</p>
        <script>setTimeout(() => { document.getElementById("later").hidden = false; }, 300)
        </script>"""))
    assert chromium.wait_for("#later").text == "later"
    with pytest.raises(TimeoutException, match="#never"):
        chromium.wait_for("#never", timeout=0.3)


def test_wait_until_returns_the_value_once_truthy(chromium, tmp_path):
    chromium.open(write_page(tmp_path, """
        <script>setTimeout(() => { window.answer = 42; }, 300)</script>"""))
    assert chromium.wait_until("window.answer") == 42
    with pytest.raises(TimeoutException, match=r"window\.never"):
        chromium.wait_until("window.never", timeout=0.3)


def test_js_passes_arguments(chromium, tmp_path):
    chromium.open(write_page(tmp_path, "<p>x</p>"))
    assert chromium.js("return arguments[0] + arguments[1]", 2, 3) == 5


# -- viewport and colour scheme ----------------------------------------------------------

def test_the_browser_starts_at_a_desktop_viewport(chromium, tmp_path):
    chromium.open(write_page(tmp_path, "<p>x</p>"))
    assert chromium.js("return [document.documentElement.clientWidth, innerHeight, "
                       "devicePixelRatio]") == [1280, 900, 1]


def test_a_narrow_viewport_is_a_phone(chromium, tmp_path):
    chromium.set_viewport(375)
    chromium.open(write_page(tmp_path, "<p>x</p>"))
    assert chromium.js("return [document.documentElement.clientWidth, devicePixelRatio]"
                       ) == [375, 2]
    chromium.set_viewport(800, 600)
    assert chromium.js("return [document.documentElement.clientWidth, innerHeight, "
                       "devicePixelRatio]") == [800, 600, 1]


def test_a_page_without_a_viewport_meta_is_laid_out_wider_than_the_phone(chromium, tmp_path):
    # As on a real phone: what the page's viewport meta is there for.
    chromium.set_viewport(375)
    chromium.open(write_page(tmp_path, "<p>x</p>", viewport=False))
    assert chromium.js("return document.documentElement.clientWidth") == 980


def test_color_scheme_is_what_prefers_color_scheme_sees(chromium, tmp_path):
    chromium.open(write_page(tmp_path, "<p>x</p>"))
    dark = "return matchMedia('(prefers-color-scheme: dark)').matches"
    chromium.set_color_scheme("dark")
    assert chromium.js(dark) is True
    chromium.open(write_page(tmp_path, "<p>y</p>"))  # and it stays for the next page
    assert chromium.js(dark) is True
    chromium.set_color_scheme("light")
    assert chromium.js(dark) is False
    with pytest.raises(ValueError):
        chromium.set_color_scheme("sepia")


# -- horizontal overflow -----------------------------------------------------------------

def test_a_box_wider_than_the_phone_overflows(chromium, tmp_path):
    chromium.set_viewport(375)
    chromium.open(write_page(tmp_path, '<div class="wide" style="width:600px">too wide</div>'))
    overflow, elements = chromium.horizontal_overflow()
    assert overflow > 0
    assert elements[0][:3] == ("div", "wide", "too wide")
    assert isinstance(elements[0], Overflowing) and elements[0].right > 375


def test_a_box_kept_within_the_phone_does_not(chromium, tmp_path):
    chromium.set_viewport(375)
    chromium.open(write_page(
        tmp_path, '<div class="wide" style="width:600px; max-width:100%">fits</div>'))
    assert chromium.horizontal_overflow() == (0, [])


def test_what_scrolls_inside_its_own_box_does_not_overflow_the_page(chromium, tmp_path):
    chromium.set_viewport(375)
    chromium.open(write_page(tmp_path, """
        <div style="overflow-x:auto"><pre style="width:900px">a long line</pre></div>"""))
    assert chromium.horizontal_overflow() == (0, [])


# -- accessibility -----------------------------------------------------------------------

def test_a_button_with_no_name_is_a_problem(chromium, tmp_path):
    chromium.open(write_page(tmp_path, '<button class="icon"></button>'))
    problems = chromium.accessibility_problems()
    assert len(problems) == 1
    assert problems[0].startswith("button with no accessible name")
    assert 'class="icon"' in problems[0]


@pytest.mark.parametrize("control", [
    "<button>Continue</button>",
    '<button aria-label="Close"></button>',
    '<label>Name <input type="text"></label>',
    '<a href="#next">Next</a>',
    '<button hidden></button>',  # not shown, so not in the accessibility tree
])
def test_named_controls_are_not(chromium, tmp_path, control):
    chromium.open(write_page(tmp_path, control))
    assert chromium.accessibility_problems() == []


def test_an_unlabelled_text_field_and_link_are_problems(chromium, tmp_path):
    chromium.open(write_page(tmp_path, '<input type="text"><a href="#x"></a>'))
    problems = chromium.accessibility_problems()
    assert [problem.split()[0] for problem in problems] == ["textbox", "link"]


# -- contrast ----------------------------------------------------------------------------

def test_grey_text_on_white_is_a_contrast_problem(chromium, tmp_path):
    chromium.open(write_page(tmp_path, '<p style="color:#999">faint</p>'))
    [problem] = chromium.contrast_problems()
    assert problem.text == "faint"
    assert problem.ratio == pytest.approx(2.85, abs=0.01)
    assert problem.color == "rgb(153, 153, 153)"
    assert problem.background == "rgb(255, 255, 255)"


def test_dark_grey_text_on_white_is_not(chromium, tmp_path):
    chromium.open(write_page(tmp_path, '<p style="color:#333">clear</p>'))
    assert chromium.contrast_problems() == []


def test_large_text_needs_less_contrast(chromium, tmp_path):
    # #888 on white is 3.54: enough for large text, not for body text.
    chromium.open(write_page(tmp_path, """
        <p style="color:#888; font-size:24px">large</p>
        <p style="color:#888; font-size:19px; font-weight:700">bold</p>
        <p style="color:#888; font-size:19px">small</p>"""))
    assert [problem.text for problem in chromium.contrast_problems()] == ["small"]
    assert [p.text for p in chromium.contrast_problems(level=3.0)] == []


def test_a_translucent_colour_is_blended_over_its_background(chromium, tmp_path):
    # Black at 30 % over white is a light grey (ratio about 2.3), not black.
    chromium.open(write_page(tmp_path, """
        <div style="background:#fff"><p style="color:rgba(0,0,0,0.3)">see-through</p></div>"""))
    [problem] = chromium.contrast_problems()
    assert problem.ratio < 3


def test_the_background_is_found_on_an_ancestor(chromium, tmp_path):
    # White on a dark section is fine; the same text on the white page is not.
    chromium.open(write_page(tmp_path, """
        <section style="background:#222"><div><p style="color:#fff">on dark</p></div></section>
        <p style="color:#fff">on white</p>"""))
    assert [problem.text for problem in chromium.contrast_problems()] == ["on white"]


def test_a_dark_scheme_is_checked_as_it_is_shown(chromium, tmp_path):
    chromium.open(write_page(tmp_path, "<p>words</p>", head="""
        <style>@media (prefers-color-scheme: dark) {
          body { background: #111; color: #333; } }</style>"""))
    chromium.set_color_scheme("light")
    assert chromium.contrast_problems() == []
    chromium.set_color_scheme("dark")
    [problem] = chromium.contrast_problems()
    assert problem.background == "rgb(17, 17, 17)"


def test_a_page_left_to_the_browser_s_dark_colours_is_checked_against_them(chromium,
                                                                          tmp_path):
    # No background anywhere: under a dark color-scheme the canvas is dark, not white.
    chromium.open(write_page(tmp_path, '<p style="color:#333">dark on dark</p>',
                             head='<meta name="color-scheme" content="light dark">'))
    chromium.set_color_scheme("light")
    assert chromium.contrast_problems() == []
    chromium.set_color_scheme("dark")
    [problem] = chromium.contrast_problems()
    assert problem.text == "dark on dark" and problem.background != "rgb(255, 255, 255)"


def test_hidden_text_is_not_checked(chromium, tmp_path):
    chromium.open(write_page(tmp_path, '<p style="color:#eee" hidden>hidden</p>'
                                       '<p style="color:#eee; visibility:hidden">unseen</p>'))
    assert chromium.contrast_problems() == []


# -- requests and console ----------------------------------------------------------------

def test_a_request_off_the_page_is_seen(chromium, tmp_path):
    page = write_page(tmp_path, '<img alt="" src="http://127.0.0.1:9/x.png">')
    chromium.open(page)
    requested = wait_for_value(
        chromium, lambda: "http://127.0.0.1:9/x.png" in chromium.requests()
        and chromium.requests())
    assert requested[0] == page.resolve().as_uri()


def test_a_page_that_loads_nothing_requests_only_itself(chromium, tmp_path, http_server):
    page = write_page(tmp_path, "<p>self-contained</p>")
    chromium.open(page)
    assert chromium.requests() == [page.resolve().as_uri()]
    write_page(tmp_path, "<p>self-contained</p>", name="csp.html", head="""
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'">""")
    url = http_server(tmp_path).url("csp.html")
    chromium.open(url)
    assert chromium.requests() == [url]


def test_a_served_page_that_names_no_icon_requests_favicon_ico(chromium, tmp_path,
                                                               http_server):
    # Chromium asks for one on the page's behalf: a request the page's CSP forbids
    # (above), as does naming a data: icon.
    write_page(tmp_path, "<p>no icon</p>")
    server = http_server(tmp_path)
    chromium.open(server.url("page.html"))
    requested = wait_for_value(
        chromium, lambda: server.url("favicon.ico") in chromium.requests()
        and chromium.requests())
    assert requested == [server.url("page.html"), server.url("favicon.ico")]
    write_page(tmp_path, "<p>icon</p>", name="icon.html",
               head='<link rel="icon" href="data:,">')
    chromium.open(server.url("icon.html"))
    assert chromium.requests() == [server.url("icon.html")]


def test_requests_start_again_at_each_open(chromium, tmp_path):
    chromium.open(write_page(tmp_path, '<img alt="" src="http://127.0.0.1:9/old.png">'))
    wait_for_value(chromium, lambda: "http://127.0.0.1:9/old.png" in chromium.requests())
    page = write_page(tmp_path, "<p>new</p>", name="new.html")
    chromium.open(page)
    assert chromium.requests() == [page.resolve().as_uri()]


def test_a_content_security_policy_violation_is_a_console_error(chromium, tmp_path):
    chromium.console_errors()  # what earlier pages logged
    chromium.open(write_page(tmp_path, "<script>window.ran = true</script>", head="""
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'">"""))
    errors = wait_for_value(chromium, chromium.console_errors)
    assert len(errors) == 1 and "Content Security Policy" in errors[0]
    assert chromium.js("return window.ran === undefined")
    assert chromium.console_errors() == []  # read once


def test_a_page_without_errors_logs_none(chromium, tmp_path):
    chromium.console_errors()  # what earlier pages logged
    chromium.open(write_page(tmp_path, "<script>window.ran = true</script>", head="""
        <meta http-equiv="Content-Security-Policy" content="default-src 'none';
              script-src 'unsafe-inline'">"""))
    assert chromium.js("return window.ran") is True
    assert chromium.console_errors() == []


def test_a_script_error_is_a_console_error(chromium, tmp_path):
    chromium.console_errors()
    chromium.open(write_page(tmp_path, "<script>undefinedFunction()</script>"))
    errors = wait_for_value(chromium, chromium.console_errors)
    assert any("undefinedFunction" in error for error in errors)


# -- storage -----------------------------------------------------------------------------

def test_local_storage_on_a_file_page(chromium, tmp_path):
    page = write_page(tmp_path, "<script>localStorage.setItem('answer', 'yes')</script>",
                      name="storing.html")
    chromium.open(page)
    assert chromium.local_storage().get("answer") == "yes"


def test_local_storage_on_a_served_page_lasts_to_the_next_visit(chromium, tmp_path,
                                                                http_server):
    write_page(tmp_path, """<script>
        localStorage.setItem('visits', String(Number(localStorage.getItem('visits')) + 1))
        </script>""")
    url = http_server(tmp_path).url("page.html")
    chromium.open(url)
    chromium.open(url)
    assert chromium.local_storage()["visits"] == "2"
    chromium.js("localStorage.clear()")
    assert chromium.local_storage() == {}


# -- screenshots -------------------------------------------------------------------------

def test_a_screenshot_of_a_phone_is_at_device_pixels(chromium, tmp_path):
    chromium.set_viewport(375)
    chromium.open(write_page(tmp_path, "<p>phone</p>"))
    shot = chromium.screenshot(tmp_path / "phone.png")
    assert png_size(shot) == (750, 1800)  # 375 x 900 CSS pixels, 2 device pixels each


def test_a_desktop_screenshot_and_a_full_page_one(chromium, tmp_path):
    chromium.open(write_page(tmp_path, '<div style="height:3000px">tall</div>'))
    assert png_size(chromium.screenshot(tmp_path / "view.png")) == (1280, 900)
    # The whole page is its content: as wide as the viewport less the scrollbar.
    content = "return [document.documentElement.scrollWidth, " \
              "document.documentElement.scrollHeight]"
    before = tuple(chromium.js(content))
    assert before[0] < 1280 and before[1] > 3000
    assert png_size(chromium.screenshot(tmp_path / "all.png", full_page=True)) == before
    assert tuple(chromium.js(content)) == before  # laid out as it was
