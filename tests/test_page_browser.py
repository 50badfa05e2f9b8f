"""The page in a real browser (Chromium, through tests/browser.py): what a person sees
and does. Keys are pressed and buttons clicked as a person would; every wait is for
something the page does (its session counter, an element shown, a file written)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import (
    NUMBER_FLOW,
    PASSING,
    Told,
    answer_in_page,
    invoke,
    mouse_click,
    start_afresh,
    write_flow,
)
from hostile import FLOW_CASES


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pages")
    assert invoke("page", "--output", str(folder / "photos.html")).exit_code == 0
    flow = write_flow(folder, NUMBER_FLOW, "numbers.yaml")
    assert invoke("page", "--steps", str(flow), "--output",
                  str(folder / "numbers.html")).exit_code == 0
    return folder


@pytest.fixture(autouse=True)
def as_started(browser) -> None:
    browser.reset()
    browser.console_errors()  # what earlier tests left


def begin(browser, page: Path | str) -> None:
    # A hostile flow's page is megabytes: given the time a loaded machine needs for it.
    start_afresh(browser, page, timeout=30)
    browser.wait_for("#start", timeout=30).click()
    browser.wait_until("document.body.dataset.screen === 'asking'", timeout=30)


def where(browser) -> tuple[str, str]:
    return tuple(browser.js("return [document.body.dataset.asking, "
                            "document.body.dataset.given]"))


def click(browser, css: str) -> None:
    """Click an answer with the mouse, and wait until the page has taken it."""
    given = browser.js("return document.body.dataset.given")
    mouse_click(browser, css)
    browser.wait_until(f"document.body.dataset.given !== '{given}'")


def press(browser, keys: str) -> None:
    """Keys typed to whatever has the focus, as a keyboard would."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser.driver).send_keys(keys).perform()


def text(browser, css: str) -> str:
    return browser.wait_for(css).text


# -- nothing loaded, nothing sent -----------------------------------------------------------


def test_from_a_file_it_loads_nothing_and_breaks_no_policy(browser, pages: Path) -> None:
    page = pages / "photos.html"
    _, report = answer_in_page(browser, page, Told({**PASSING, "restart-done": "no"}))
    assert json.loads(report["json"])["outcome"] == "problems_found"
    assert browser.requests() == [page.resolve().as_uri()]
    assert browser.console_errors() == []
    assert browser.js("return document.scripts.length") == 2


def test_from_a_web_server_it_loads_nothing_else(browser, pages: Path, http_server) -> None:
    url = http_server(pages).url("photos.html")
    _, report = answer_in_page(browser, url, Told(PASSING))
    assert json.loads(report["json"])["outcome"] == "no_problem_found"
    assert browser.requests() == [url]
    assert browser.console_errors() == []


# -- the session ----------------------------------------------------------------------------


def test_progress_is_kept_in_the_browser_and_start_over_clears_it(browser, pages: Path) -> None:
    page = pages / "photos.html"
    begin(browser, page)
    click(browser, 'button[data-answer="synced"]')
    click(browser, 'button[data-answer="no"]')
    asking, given = where(browser)
    assert given == "2"
    browser.open(page)  # closed halfway, opened again
    browser.wait_until("document.body.dataset.given === '2'")
    assert where(browser) == (asking, "2")
    kept = browser.local_storage()
    assert len(kept) == 1 and json.loads(next(iter(kept.values())))["log"] == [
        {"q": "photos-status", "a": "synced"}, {"q": "connectivity-low-power-mode", "a": "no"}]
    # Start over asks first, on the page: one press forgets nothing, and says so.
    button = browser.wait_for("#start-over")
    button.click()
    assert button.text == "Press again to forget every answer"
    assert text(browser, "#status") == ("Press \u201cStart over\u201d again to forget "
                                        "every answer and start again.")
    assert where(browser) == (asking, "2")
    assert any(k.startswith("icloud-fix:icloud-photos:") for k in browser.local_storage())
    # Anything else done in between, and it asks again.
    click(browser, 'button[data-answer="no"]')
    assert button.text == "Start over"
    button.click()
    assert where(browser)[1] == "3"
    button.click()
    browser.wait_until("document.body.dataset.screen === 'start'")
    assert not any(k.startswith("icloud-fix:icloud-photos:") for k in browser.local_storage())


def test_back_goes_back_one_question(browser, pages: Path) -> None:
    begin(browser, pages / "photos.html")
    assert browser.wait_for("nav.steps button").get_attribute("disabled") is not None
    first = text(browser, "#question")
    click(browser, 'button[data-answer="synced"]')
    assert text(browser, "#question") != first
    click(browser, "nav.steps button")
    assert text(browser, "#question") == first
    assert where(browser) == ("photos-status", "0")


def test_help_is_a_disclosure_opened_with_h(browser, pages: Path) -> None:
    begin(browser, pages / "photos.html")
    click(browser, 'button[data-answer="synced"]')  # Is Low Power Mode on?
    details = browser.wait_for("details")
    assert details.get_attribute("open") is None
    press(browser, "h")
    browser.wait_until("document.querySelector('details').open")
    assert "Low Power Mode saves battery" in details.text


def test_keyboard_only(browser, pages: Path) -> None:
    start_afresh(browser, pages / "numbers.html")
    press(browser, "\ue007")  # Enter starts
    browser.wait_until("document.body.dataset.asking === 'status'")
    press(browser, "1")  # the first choice, by its key
    browser.wait_until("document.body.dataset.asking === 'charged'")
    # Tab to "No" and press Enter, as without shortcuts.
    focused = ""
    for _ in range(10):
        press(browser, "\ue004")
        focused = browser.js("return document.activeElement.dataset.answer || ''")
        if focused == "no":
            break
    assert focused == "no"
    press(browser, "\ue007")
    browser.wait_until("document.body.dataset.asking === 'fix:power'")
    press(browser, "n")
    browser.wait_until("document.body.dataset.asking === 'space-full'")
    press(browser, "n")
    browser.wait_until("document.body.dataset.asking === 'free-gb'")
    # The number field has the focus: a wrong number is refused, with why.
    assert browser.js("return document.activeElement.id") == "typed"
    press(browser, "lots\ue007")
    problem = browser.wait_for("#typed-problem")
    assert problem.text.startswith("Type a number such as 12 or 0.5")
    assert browser.wait_for("#typed").get_attribute("aria-invalid") == "true"
    assert where(browser) == ("free-gb", "4")
    press(browser, "\ue003" * 4 + "0.5\ue007")  # four Backspaces, then the number
    browser.wait_until("document.body.dataset.asking === 'fix:space'")
    press(browser, "w")
    browser.wait_until("document.body.dataset.screen === 'outcome'")
    report = json.loads(browser.js("return window.icloudFixReport.json"))
    assert report["outcome"] == "problems_found"
    assert report["waiting"] == ["space"]
    assert [q["answer"] for q in report["checks"][1]["questions"]] == ["no", "0.5"]


def test_a_failed_check_shows_its_fix_and_asks_whether_photos_sync(browser,
                                                                  pages: Path) -> None:
    begin(browser, pages / "numbers.html")
    for answer in ("fine", "yes", "no"):
        click(browser, f'button[data-answer="{answer}"]')
    press(browser, "0.5\ue007")
    browser.wait_until("document.body.dataset.asking === 'fix:space'")
    assert text(browser, "h1") == "This check failed: Space"
    assert text(browser, ".reason") == "You answered: How much space is free? 0.5 GB"
    steps = browser.js("return [...document.querySelectorAll('.fix ol > li')]"
                       ".map(li => li.textContent)")
    assert steps == ["Open Settings > General > iPhone Storage.",
                     "Delete what you do not need."]
    assert browser.js("return document.querySelector('.fix strong').textContent") == \
        "Settings > General > iPhone Storage"
    assert "How to tell it worked\nTwo GB or more are free." in browser.wait_for("main").text
    assert text(browser, "#after-fix") == "Is the problem solved now?"  # the default
    assert browser.js("return [...document.querySelectorAll('.answers button')]"
                      ".map(b => b.dataset.answer)") == ["worked", "did_not_work", "not_yet"]


def test_the_outcome_gives_both_reports_and_the_answers_file(browser, pages: Path,
                                                             tmp_path: Path) -> None:
    browser.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {
        "behavior": "allow", "downloadPath": str(tmp_path), "eventsEnabled": True})
    _, report = answer_in_page(browser, pages / "photos.html",
                               Told({**PASSING, "restart-done": "no"}, {"restart": "no"}))
    document = json.loads(report["json"])
    assert text(browser, "#outcome") == document["headline"]
    assert browser.js("return document.getElementById('report-markdown').value") == \
        report["markdown"]
    browser.wait_for("#json-details summary").click()
    assert json.loads(browser.wait_for("#report-json").get_attribute("value")) == document
    browser.wait_for("#download-json").click()
    downloaded = tmp_path / "icloud-fix-report.json"
    wait_for_file(downloaded)
    assert json.loads(downloaded.read_text("utf-8")) == document
    browser.wait_for("#copy-markdown").click()
    status = browser.wait_until("document.getElementById('status').textContent")
    assert status in ("Copied.", "Select the text and copy it (Ctrl+C, or Cmd+C on a Mac).")
    browser.wait_for("#answers-details summary").click()
    answers = browser.wait_for("#answers-file")
    assert answers.get_attribute("value") == report["answers"]
    assert "restart-done: no\n" in report["answers"]
    assert "fixes_tried:\n  restart: no\n" in report["answers"]
    # Where to get help comes first when the fixes tried did not help.
    headings = browser.js("return [...document.querySelectorAll('main h2')]"
                          ".map(h => h.textContent)")
    assert headings[:2] == ["Where to get help", "Checks"]


def wait_for_file(path: Path, timeout: float = 10) -> None:
    """Until the browser has written path (a download): watched, not slept on."""
    import time

    end = time.monotonic() + timeout
    while not (path.exists() and path.stat().st_size > 0):
        if time.monotonic() > end:
            pytest.fail(f"{path.name} was not downloaded within {timeout} s")
        time.sleep(0.05)


# -- what a person sees -----------------------------------------------------------------------


def screens(browser, page: Path) -> Iterator[str]:
    """Go through the page's kinds of screen, checking each: the start, a long list of
    choices, a question with help, a fix, and the outcome."""
    start_afresh(browser, page)
    yield "start"
    browser.wait_for("#start").click()
    yield "choices"
    click(browser, 'button[data-answer="paused-low-power"]')
    yield "question"
    click(browser, 'button[data-answer="yes"]')
    while not browser.js("return document.body.dataset.asking.startsWith('fix:')"):
        click(browser, 'button[data-answer="skip"]')
    yield "fix"
    click(browser, 'button[data-answer="not_yet"]')  # the outcome asks about it again
    while browser.js("return document.body.dataset.screen") != "outcome":
        click(browser, 'button[data-answer="skip"], button[data-answer="did_not_work"]')
    browser.wait_for("#answers-details summary").click()
    assert browser.wait_for(".part-waiting")
    yield "outcome"


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_screen_fits_reads_and_names_its_controls(browser, pages: Path, width: int,
                                                        scheme: str) -> None:
    browser.set_viewport(width, 800)
    browser.set_color_scheme(scheme)
    checked = []
    for screen in screens(browser, pages / "photos.html"):
        overflow, wide = browser.horizontal_overflow()
        assert (overflow, wide) == (0, []), f"{screen} at {width} px"
        assert browser.contrast_problems() == [], f"{screen} in {scheme} mode"
        assert browser.accessibility_problems() == [], screen
        checked.append(screen)
    assert checked == ["start", "choices", "question", "fix", "outcome"]
    dark = browser.js("return getComputedStyle(document.body).backgroundColor")
    assert dark == ("rgb(22, 22, 23)" if scheme == "dark" else "rgb(255, 255, 255)")


# -- hostile flows ------------------------------------------------------------------------------

HOSTILE = [c for c in FLOW_CASES if c.valid]


def test_hostile_flows_run_no_script_and_load_nothing(browser, tmp_path: Path) -> None:
    """Every flow of the corpus that loads: its page, asked through to the first fix (or
    the end), runs only its own script, loads nothing, and shows no markup of the flow's."""
    for case in HOSTILE:
        flow = tmp_path / f"{case.name}.yaml"
        flow.write_bytes(case.make())
        page = tmp_path / f"{case.name}.html"
        built = invoke("page", "--steps", str(flow), "--output", str(page))
        assert built.exit_code == 0, (case.name, built.output)
        begin(browser, page)
        for _ in range(3):
            if browser.js("return document.body.dataset.screen") != "asking":
                break
            click(browser, '.answers button')
        assert browser.requests() == [page.resolve().as_uri()], case.name
        assert browser.console_errors() == [], case.name
        assert browser.js(
            "return [document.scripts.length, document.querySelectorAll("
            "'a, img, iframe, object, embed, link, form[action], svg, math, base').length,"
            "[...document.querySelectorAll('*')].some(e => [...e.attributes].some("
            "a => a.name.startsWith('on')))]") == [2, 0, False], case.name


def test_the_terminals_keys_skip_and_go_back(browser, pages: Path) -> None:
    begin(browser, pages / "photos.html")
    press(browser, "1")  # the first choice
    browser.wait_until("document.body.dataset.given === '1'")
    asked = where(browser)[0]
    press(browser, "s")  # not sure
    browser.wait_until("document.body.dataset.given === '2'")
    assert where(browser)[0] != asked
    press(browser, "b")  # back one question
    browser.wait_until("document.body.dataset.given === '1'")
    assert where(browser) == (asked, "1")


# -- the README's picture -----------------------------------------------------------------


def test_the_readme_picture_is_the_page_as_it_is_now(browser, pages: Path,
                                                     tmp_path: Path) -> None:
    import importlib.util

    script = Path(__file__).parent.parent / "scripts" / "readme_page_picture.py"
    spec = importlib.util.spec_from_file_location("readme_page_picture", script)
    assert spec is not None and spec.loader is not None
    picture = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(picture)
    now = tmp_path / "now.png"
    picture.draw(browser, pages / "photos.html", now)
    why = picture.difference(picture.PICTURE.read_bytes(), now.read_bytes())
    assert why is None, f"{why}: run python scripts/readme_page_picture.py"
    # The comparison sees a change: the same screen a step later is another picture.
    browser.wait_for('button[data-answer="did_not_work"]').click()
    browser.wait_until("!document.body.dataset.asking.startsWith('fix:')")
    later = tmp_path / "later.png"
    browser.screenshot(later)
    assert picture.difference(picture.PICTURE.read_bytes(), later.read_bytes())
    assert "(docs/page.png)" in (Path(__file__).parent.parent / "README.md").read_text()



def test_the_outcome_shows_every_section_with_its_content(browser, pages: Path) -> None:
    _, report = answer_in_page(browser, pages / "numbers.html", Told(
        {"status": "fine", "charged": "no", "space-full": "skip"}, {"power": "no"}))
    shown = browser.wait_for("main").text
    assert "[object" not in shown
    parts = browser.js("return [...document.querySelectorAll('section.part')].map("
                       "s => [s.className, s.querySelector('h2').textContent, s.innerText])")
    headings = [heading for _, heading, _ in parts]
    assert headings == ["Where to get help", "Checks", "Answers", "Fixes already tried",
                        "Next step", "Your report"]
    texts = {heading: text for _, heading, text in parts}
    assert "Is it charged?\nno" in texts["Answers"] or "Is it charged? no" in texts["Answers"]
    assert "Charge it." in texts["Fixes already tried"]
    assert "Result: did not help." in texts["Fixes already tried"]
    # The Answers section is a section, not a row of buttons, on screen and on paper.
    answers = "document.querySelector('section.part-answers')"
    assert browser.js(f"return getComputedStyle({answers}).display") == "block"
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert browser.js(f"return getComputedStyle({answers}).display") == "block"
        assert browser.js("return getComputedStyle(document.querySelector("
                          "'.part-report .answers')).display") == "none"
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert json.loads(report["json"])["outcome"] == "problems_found"


def test_a_double_click_or_a_held_key_answers_one_question(browser, pages: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    begin(browser, pages / "photos.html")
    click(browser, 'button[data-answer="synced"]')
    given = where(browser)[1]
    ActionChains(browser.driver).double_click(
        browser.wait_for('button[data-answer="no"]')).perform()
    browser.wait_until(f"document.body.dataset.given !== '{given}'")
    assert where(browser)[1] == str(int(given) + 1)
    # A key held down: one press, then the keyboard's repeats.
    given = where(browser)[1]
    for repeat in (False, True, True):
        browser.driver.execute_cdp_cmd("Input.dispatchKeyEvent", {
            "type": "keyDown", "key": "n", "code": "KeyN", "text": "n",
            "windowsVirtualKeyCode": 78, "autoRepeat": repeat})
    browser.driver.execute_cdp_cmd("Input.dispatchKeyEvent", {
        "type": "keyUp", "key": "n", "code": "KeyN", "windowsVirtualKeyCode": 78})
    browser.wait_until(f"document.body.dataset.given !== '{given}'")
    assert where(browser)[1] == str(int(given) + 1)


def test_a_comma_is_a_decimal_mark_in_a_number(browser, pages: Path) -> None:
    _, report = answer_in_page(browser, pages / "numbers.html", Told(
        {"status": "fine", "charged": "yes", "space-full": "no", "free-gb": "2,5"}))
    questions = json.loads(report["json"])["checks"][1]["questions"]
    assert [(q["id"], q["answer"], q["passed"]) for q in questions] == [
        ("space-full", "no", True), ("free-gb", "2.5", True)]


def kept(browser, page: Path, value: object) -> None:
    """Open the page with value kept in the browser for it, as if a session had. Put
    there by the new document itself before the page's script runs (so no second
    document waits on what the first wrote)."""
    import re

    data = re.search(r'<script type="application/json" id="flow-data">(.*?)</script>',
                     page.read_text("utf-8"), re.S)
    assert data
    key = json.loads(data[1])["storage_key"]
    setting = browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {
        "source": f"window.localStorage.setItem({json.dumps(key)}, "
                  f"{json.dumps(json.dumps(value))});"})
    try:
        browser.open(page)
    finally:
        browser.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument",
                                       {"identifier": setting["identifier"]})
    browser.wait_until("document.body.dataset.screen")


@pytest.mark.parametrize("value,asking,given", [
    # Answers no question takes, a fix no fix takes: asked again from there.
    ({"log": [{"q": "status", "a": "fine"}, {"q": "charged", "a": "maybe"}],
      "started": "2026-12-01T10:00:00.000Z"}, "charged", "1"),
    ({"log": [{"q": "status", "a": "bogus"}], "started": "2026-12-01T10:00:00.000Z"},
     "status", "0"),
    ({"log": [{"q": "status", "a": "fine"}, {"q": "charged", "a": "no"},
              {"fix": "power", "a": "perhaps"}], "started": "2026-12-01T10:00:00.000Z"},
     "fix:power", "2"),
    # An answer to a later question, kept before the first was answered.
    ({"log": [{"q": "free-gb", "a": "1"}], "started": "2026-12-01T10:00:00.000Z"},
     "status", "0"),
])
def test_kept_progress_is_taken_only_as_far_as_it_answers_what_is_asked(
        browser, pages: Path, value: object, asking: str, given: str) -> None:
    kept(browser, pages / "numbers.html", value)
    browser.wait_until("document.body.dataset.screen === 'asking'")
    assert where(browser) == (asking, given)
    ours = [v for k, v in browser.local_storage().items() if k.startswith("icloud-fix:numbers:")]
    assert len(ours) == 1 and len(json.loads(ours[0])["log"]) == int(given)
    assert browser.console_errors() == []


@pytest.mark.parametrize("value", [
    {"log": [], "started": "yesterday"}, {"log": "x", "started": "2026-12-01T10:00:00Z"},
    [1, 2], "not json", {"log": [None, 3, "q"], "started": "2026-12-01T10:00:00Z"},
])
def test_kept_progress_that_is_not_a_session_starts_afresh(browser, pages: Path,
                                                            value: object) -> None:
    kept(browser, pages / "numbers.html", value)
    screen = browser.js("return document.body.dataset.screen")
    assert screen in ("start", "asking")
    if screen == "asking":
        assert where(browser) == ("status", "0")
    assert browser.console_errors() == []


def test_a_second_tab_follows_the_first(browser, pages: Path) -> None:
    page = pages / "photos.html"
    begin(browser, page)
    first = browser.driver.current_window_handle
    browser.driver.switch_to.new_window("tab")
    try:
        browser.open(page)
        browser.wait_until("document.body.dataset.screen === 'asking'")
        assert where(browser) == ("photos-status", "0")
        second = browser.driver.current_window_handle
        browser.driver.switch_to.window(first)
        click(browser, 'button[data-answer="synced"]')
        browser.driver.switch_to.window(second)
        browser.wait_until("document.body.dataset.given === '1'")
        assert where(browser)[0] == "connectivity-low-power-mode"
    finally:
        browser.driver.close()
        browser.driver.switch_to.window(first)


def test_the_next_step_on_screen_is_for_the_person_at_the_page(browser, pages: Path) -> None:
    """The reports name a command for a help desk; the screen says what to do here."""
    _, report = answer_in_page(browser, pages / "photos.html",
                               Told({**PASSING, "restart-done": "skip"}))
    assert json.loads(report["json"])["outcome"] == "inconclusive"
    assert "then run those checks again:\n\n    icloud-fix --only restart\n" in \
        report["markdown"]
    said = browser.js("return [...document.querySelectorAll('.part-next-step p, "
                      ".part-next-step pre')].map(e => e.textContent)")
    assert said == [
        "Find out what you were not sure about (see 'Questions to look up': each says "
        "where to look), then go back to those questions (Back takes back one answer at a "
        "time) or start over.",
        "In a terminal, a help desk asks only those checks again with:",
        "icloud-fix --only restart"]



def test_start_over_is_not_pressed_twice_by_a_double_click_or_a_held_key(browser,
                                                                        pages: Path) -> None:
    begin(browser, pages / "photos.html")
    click(browser, 'button[data-answer="synced"]')
    where_ = browser.js("const r = document.getElementById('start-over')"
                        ".getBoundingClientRect(); return [r.left + r.width / 2, "
                        "r.top + r.height / 2]")
    for count in (1, 2):  # a double click: its second click has a count of 2
        for kind in ("mousePressed", "mouseReleased"):
            browser.driver.execute_cdp_cmd("Input.dispatchMouseEvent", {
                "type": kind, "x": where_[0], "y": where_[1], "button": "left",
                "clickCount": count})
    browser.wait_until("document.getElementById('start-over').textContent !== 'Start over'")
    assert where(browser) == ("connectivity-low-power-mode", "1")
    # Enter held on the button: its repeats press nothing.
    browser.js("document.getElementById('start-over').focus()")
    for repeat in (True, True, True):
        browser.driver.execute_cdp_cmd("Input.dispatchKeyEvent", {
            "type": "keyDown", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13,
            "autoRepeat": repeat, "text": "\r"})
    browser.driver.execute_cdp_cmd("Input.dispatchKeyEvent", {
        "type": "keyUp", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13})
    assert where(browser) == ("connectivity-low-power-mode", "1")
    # Opening the help in between: it asks again.
    browser.wait_for("details summary").click()
    assert browser.wait_for("#start-over").text == "Start over"


@pytest.mark.parametrize("width", [320, 375])
def test_start_over_asking_again_fits_a_phone(browser, pages: Path, width: int) -> None:
    browser.set_viewport(width, 700)
    begin(browser, pages / "photos.html")
    click(browser, 'button[data-answer="synced"]')
    browser.wait_for("#start-over").click()
    assert browser.wait_for("#start-over").text == "Press again to forget every answer"
    assert browser.horizontal_overflow() == (0, [])
    assert browser.js("return document.querySelector('header p').getBoundingClientRect()"
                      ".width") > width / 3
