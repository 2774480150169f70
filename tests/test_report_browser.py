"""The HTML report in real headless Chromium (Debian's ``chromium``, driven by Playwright).

Checks what a reader's browser does with it: it makes no request but the page itself, every chart
loads, hostile names and posts stay inert text (with the CSP switched off too, so the escaping is
tested on its own), and the page raises no CSP violation.

Skipped when Chromium is not installed, except under CI (``CI=true``), where that is a failure:
``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from _report_fixture import FORMULA, IMG, SCRIPT, accounts, report_data

from detector.ops.report import ReportPaths, write_report

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("DETECTOR_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Tries to break out of an attribute and of the text: a name only a file (not X) could carry.
BREAKOUT = '"><svg onload="window.__pwned=1">'

# Collects CSP violations; Playwright's init scripts run outside the page's CSP.
WATCH_CSP = "window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"


@pytest.fixture(scope="module")
def browser() -> Any:
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: .ci/run must install the Debian 'chromium' package")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportPaths, ReportPaths]:
    """Two reports in one folder, so the second shows "what changed" with hostile names in it."""
    out = tmp_path_factory.mktemp("reports")
    first = write_report(report_data(), out)
    acc = accounts()
    acc.loc[acc["account_id"] == "Freida_Hw", ["score", "label"]] = [0.41, "uncertain"]
    newcomer = {"account_id": "900006", "screen_name": BREAKOUT, "name": SCRIPT, "score": 0.97, "label": "suspicious", "reasons": [IMG, FORMULA]}
    acc = pd.concat([acc, pd.DataFrame([newcomer])], ignore_index=True)
    second = write_report(report_data(accounts=acc, until=datetime(2015, 8, 11, 6, 0, tzinfo=UTC)), out)
    return first, second


def open_report(browser: Any, path: Path, *, bypass_csp: bool) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(bypass_csp=bypass_csp, viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    # Anything that is not a file: URL would go to the network: record it and refuse it.
    context.route(lambda url: not url.startswith("file:"), lambda route: (requests.append(route.request.url), route.abort()))
    page = context.new_page()
    page.add_init_script(WATCH_CSP)
    page.goto(path.as_uri(), wait_until="load")
    return context, page, requests


def check_page(page: Any, requests: list[str], path: Path) -> None:
    # The only request is the page itself: charts are data: URIs, nothing else is fetched.
    assert [u for u in requests if not u.startswith("data:")] == [path.as_uri()]
    imgs = page.evaluate(
        "Array.from(document.images).map(i => ({src: i.src.slice(0, 22), complete: i.complete, w: i.naturalWidth, h: i.naturalHeight}))"
    )
    assert len(imgs) == 2  # the score distribution and the timeline, nothing injected
    for img in imgs:
        assert img["src"] == "data:image/png;base64,"
        assert img["complete"] and img["w"] > 0 and img["h"] > 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.querySelectorAll('svg, iframe, object, embed').length") == 0
    # The only links are the page's own numbered anchors, and each leads somewhere on the page.
    hrefs = page.evaluate("Array.from(document.links).map(a => a.getAttribute('href'))")
    assert all(re.fullmatch(r"#(account|cluster)-\d+", h) for h in hrefs), hrefs
    assert all(page.evaluate(f"document.getElementById('{h[1:]}') !== null") for h in hrefs)
    text = page.evaluate("document.body.innerText")
    for hostile in (SCRIPT, IMG, FORMULA):
        assert hostile in text  # shown as the text it is


@pytest.mark.parametrize("bypass_csp", [True, False], ids=["escaping-alone", "with-csp"])
def test_report_in_chromium(browser: Any, reports: tuple[ReportPaths, ReportPaths], bypass_csp: bool, tmp_path: Path) -> None:
    for paths in reports:
        context, page, requests = open_report(browser, paths.html, bypass_csp=bypass_csp)
        try:
            check_page(page, requests, paths.html)
            assert page.evaluate("window.__csp") == []  # nothing even tried to run or load
            shot = tmp_path / (paths.html.stem + ".png")
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        finally:
            context.close()


def test_what_changed_shows_hostile_names_as_text(browser: Any, reports: tuple[ReportPaths, ReportPaths]) -> None:
    context, page, requests = open_report(browser, reports[1].html, bypass_csp=True)
    try:
        changes = page.locator("#changes + p + .changes").inner_text()
        assert "Newly flagged accounts (1)" in changes
        assert BREAKOUT in changes and "@" + BREAKOUT not in changes  # a name with a space is no handle: no "@" (h78)
        assert "No longer flagged (1)" in changes and "@Freida_Hw" in changes
        assert page.evaluate("typeof window.__pwned") == "undefined"
        # The caveat a reader needs before acting on a name is on the page.
        assert "not a verdict" in page.locator(".caveat").inner_text()
    finally:
        context.close()


def test_each_flagged_account_is_one_click_from_the_table(browser: Any, reports: tuple[ReportPaths, ReportPaths]) -> None:
    context, page, requests = open_report(browser, reports[0].html, bypass_csp=False)
    try:
        row = page.locator("#accounts + table tbody tr").nth(2)
        assert "@Ann1eMcconnell" in row.inner_text()
        row.locator("a").click()
        assert page.evaluate("location.hash") == "#account-3"
        entry = page.locator("#account-3")
        assert entry.is_visible() and page.evaluate("document.getElementById('account-3').getBoundingClientRect().top") < 5
        text = entry.inner_text()
        assert text.startswith("3. @Ann1eMcconnell")
        assert "posted the same text as 3 other accounts within 1 minute" in text and "account younger than 30 days" in text
        assert "with @Barry_mill, @Greg_GreGG_, @bobbychandlerr" in text
        assert entry.locator("tbody tr").count() == 5  # her five posts in the window
        entry.locator("a").first.click()  # to her cluster
        assert page.evaluate("location.hash") == "#cluster-1" and "Cluster c1" in page.locator("#cluster-1").inner_text()
        assert [u for u in requests if not u.startswith("data:")] == [reports[0].html.as_uri()]  # in-page moves only
    finally:
        context.close()


def test_what_changed_shows_the_new_calls(browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Day 2's cron report of the real IRA example (tests/test_runner.py's texit_two_days) shows its six
    new calls in "What changed", each with what/when/where, its scores and its author."""
    from test_runner import texit_two_days

    monkeypatch.setenv("DETECTOR_HOME", str(tmp_path / "data"))
    _, second = texit_two_days(tmp_path)
    html = second.with_suffix(".html")
    context, page, requests = open_report(browser, html, bypass_csp=False)
    try:
        new = page.locator("#new-calls")
        assert "New calls to action (6)" in new.inner_text()
        assert "Every call of the previous report is still in this window." in new.inner_text()
        rows = new.locator("tr.new-call")
        assert rows.count() == 6
        # In test_runner's order (session 14's call model scores the first two 0.99; the one-post reply is first).
        first, second = rows.nth(0).inner_text(), rows.nth(1).inner_text()
        assert "@carolcentral65 Hey, Carol! Hope you're doing fine!" in first and "5 posts" not in first
        assert "what: rally" in first and "when: Nov. 5 → the day starting 2016-11-05 00:00:00 UTC" in first
        assert "0.99" in first and "0.36" in first and "@ITSTIMETOSECEDE" in first
        assert "@TexasGovernor1 Hey! Hope you're doing fine!" in second and "5 posts" in second
        assert "0.99" in second and "0.55" in second and "@ITSTIMETOSECEDE" in second
        assert page.evaluate("window.__csp") == [] and requests == [html.as_uri()]
    finally:
        context.close()


def test_what_changed_shows_the_calls_pushed_by_new_accounts(browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Day 2's cron report of the real Mario Woods calls (tests/test_runner.py's mariowoods_two_days) shows both
    calls as pushed by new accounts: accounts then and now, and the new ones by name."""
    from test_runner import mariowoods_two_days

    monkeypatch.setenv("DETECTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DETECTOR_HOME", str(tmp_path / "data"))
    _, second = mariowoods_two_days(tmp_path)
    html = second.with_suffix(".html")
    context, page, requests = open_report(browser, html, bypass_csp=False)
    try:
        section = page.locator("#new-calls")
        assert "New calls to action (0)" in section.inner_text()
        assert "Calls pushed by new accounts (2)" in section.inner_text()
        rows = section.locator("tr.spreading-call")
        assert rows.count() == 2
        vigil = rows.nth(0).inner_text()
        assert "Vigil tonight for #MarioWoods" in vigil and "4 posts" in vigil and "what: vigil" in vigil
        assert "1 → 3 (+2)" in vigil and "@CoryNaeNae, @BLMSoldier" in vigil
        rally = rows.nth(1).inner_text()
        assert "#JusticeForMarioWoods Rally" in rally and "1 → 3 (+2)" in rally and "@AdamChapmanJR, @AntonHayHay" in rally
        assert page.evaluate("window.__csp") == [] and requests == [html.as_uri()]
    finally:
        context.close()
