"""The dashboard in headless chromium: load offline, step, play/pause, preset, culture slider,
compare mode, isolation between two browser contexts, screenshots."""

from __future__ import annotations

import os
import re
import shutil
import time

import pytest

from sim.cli.dashboard import REPO_ROOT

pytestmark = pytest.mark.browser


def text_includes(selector: str, text: str, upper: bool = False) -> str:
    """A null-safe JS predicate: the element exists and its text includes ``text``.

    Solara re-renders replace elements, so a plain ``querySelector(...).innerText`` can hit a
    moment where the element is absent; Playwright would raise instead of polling again.
    """
    value = "el.innerText.toUpperCase()" if upper else "el.innerText"
    return (
        f"() => {{ const el = document.querySelector('{selector}'); "
        f"return el !== null && {value}.includes('{text}'); }}"
    )


def week(page) -> int:
    return int(re.search(r"Week (\d+)", page.locator(".sc-week").inner_text()).group(1))


def open_page(context, url):
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    page.locator(".sc-week").wait_for(timeout=90_000)
    page.locator(".sc-pyramid .js-plotly-plot").first.wait_for(timeout=60_000)
    return page, requests


def wait_week(page, n: int, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and week(page) != n:
        time.sleep(0.1)
    assert week(page) == n


def test_dashboard_end_to_end(browser, dashboard_url, artifacts):
    ctx = browser.new_context(viewport={"width": 1600, "height": 1300})
    page, requests = open_page(ctx, dashboard_url)
    # Offline: everything the page loaded came from the local server.
    foreign = [u for u in requests if not u.startswith(("http://127.0.0.1", "blob:", "data:"))]
    assert foreign == []
    assert week(page) == 0
    chain0 = page.locator(".sc-link-morale_mean .sc-link-value").inner_text()
    caption0 = page.locator(".sc-pyramid-caption").first.inner_text()

    page.locator(".sc-step").click()
    wait_week(page, 1)
    page.locator(".sc-play").click()
    time.sleep(3.0)
    page.locator(".sc-play").click()
    try:
        page.wait_for_function(
            text_includes(".sc-play", "PLAY", upper=True),
            timeout=20_000,
        )
    finally:
        page.screenshot(path=str(artifacts / "dashboard_after_pause.png"))
    time.sleep(1.5)  # the last frames reach the browser
    played = week(page)
    # Default speed is 12 weeks/s: at least 10 weeks/s over the 3 s of Play.
    assert played >= 1 + 30, f"Play reached week {played} in 3 s (< 10 weeks/s)"
    time.sleep(1.0)
    assert week(page) == played  # paused
    assert page.locator(".sc-link-morale_mean .sc-link-value").inner_text() != chain0 or (
        page.locator(".sc-pyramid-caption").first.inner_text() != caption0
    )
    assert page.locator(".sc-weakest").count() == 1
    page.screenshot(path=str(artifacts / "dashboard_played.png"), full_page=False)
    if os.environ.get("SERVICECHAIN_UPDATE_SCREENSHOT"):
        # The README's screenshot: refreshed on request so that `make test` leaves the tree clean.
        docs = REPO_ROOT / "docs" / "images"
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(artifacts / "dashboard_played.png", docs / "dashboard.png")

    # Culture slider to the inverted end: the culture in force changes, the pyramid flips.
    thumb = page.locator(".sc-culture .v-slider__thumb-container").first
    thumb.focus()
    page.keyboard.press("End")
    page.wait_for_function(
        text_includes(".sc-culture-value", "+1.00"),
        timeout=20_000,
    )
    page.locator(".sc-step").click()
    wait_week(page, played + 1)
    assert "customers on top" in page.locator(".sc-pyramid-caption").first.inner_text()
    page.screenshot(path=str(artifacts / "dashboard_inverted.png"))

    # Switch preset: a new run at week 0, its culture on the slider.
    page.locator(".sc-preset .v-select").click()
    page.locator(".v-menu__content .v-list-item", has_text="two_way").first.click()
    wait_week(page, 0)
    page.wait_for_function(
        text_includes(".sc-culture-value", "+0.00"),
        timeout=20_000,
    )

    # Compare mode: pyramid versus two-way in one click, stepped in lockstep.
    page.locator(".sc-tab-compare").click()
    page.locator(".sc-compare-go").click()
    page.locator(".sc-compare-status").wait_for(timeout=30_000)
    page.locator(".sc-compare-run").nth(1).wait_for(timeout=30_000)
    assert page.locator(".sc-compare-run").count() == 2
    page.locator(".sc-runto input").fill("8")
    page.locator(".sc-runto input").press("Enter")
    page.locator(".sc-runto-go").click()
    wait_week(page, 8)
    page.wait_for_function(
        text_includes(".sc-compare-status", "week 8"),
        timeout=20_000,
    )
    page.locator(".sc-diff .js-plotly-plot").wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts / "dashboard_compare.png"), full_page=True)
    ctx.close()


def test_two_contexts_do_not_share_state(browser, dashboard_url):
    a = browser.new_context()
    b = browser.new_context()
    pa, _ = open_page(a, dashboard_url)
    pb, _ = open_page(b, dashboard_url)
    for _ in range(3):
        pa.locator(".sc-step").click()
    wait_week(pa, 3)
    pb.reload()
    pb.locator(".sc-week").wait_for(timeout=60_000)
    assert week(pb) == 0
    assert week(pa) == 3
    a.close()
    b.close()
