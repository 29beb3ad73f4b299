"""The Organization tab in headless chromium (issue 28): spans and layers of the open
organization, a layer removed at the next week, a plan's front opened from a file, and a click
on a point that opens a compare run of that portfolio against the organization as it is."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from sim.studies.plan import plan_spec, run_plan, write_outputs
from tests.browser.conftest import server_errors, server_log_size
from tests.browser.test_dashboard_browser import Watched, open_tab

pytestmark = pytest.mark.browser


# What the page shows once a click on a point has been taken: the loading state of the
# comparison, or the comparison itself.
STARTED = (
    "() => document.body.innerText.includes('Starting the comparison')"
    " || document.querySelectorAll('.sc-compare-run').length > 0"
)


def _click_until_the_comparison_starts(page, dot, attempts: int = 3) -> None:
    """Click a point of the front until the comparison starts. On a loaded machine the figure
    can still be redrawn (and the point moved) when the first click lands; a click that was taken
    is never repeated (a second one would be refused as busy)."""
    for _ in range(attempts):
        page.locator(".sc-org-front").scroll_into_view_if_needed()
        page.wait_for_timeout(500)  # the figure settles before the click
        box = dot.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        try:
            page.wait_for_function(STARTED, timeout=15_000)
            return
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"{attempts} clicks on a point of the front did not start a comparison")


@pytest.fixture(scope="module")
def front_file(tmp_path_factory):
    """A real plan's front.csv (a tiny plan: 3 trials of 6 weeks)."""
    folder = tmp_path_factory.mktemp("plan")
    spec = plan_spec("pyramid", 400_000, weeks=6, reps=2)
    write_outputs(run_plan(spec, trials=3), folder)
    return folder / "front.csv"


def test_organization_tab(browser, dashboard_url, artifacts, front_file):
    log0 = server_log_size()
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    w = Watched(ctx, dashboard_url)
    page = w.page
    open_tab(page, "organization")
    page.locator(".sc-org-metrics table").wait_for(timeout=20_000)
    heading = page.locator(".sc-organization .sc-heading").first
    assert "4 layers" in heading.inner_text()
    assert "organization" in page.locator(".sc-org-metrics").inner_text()

    # Remove a layer: it acts at the next week, and the tab shows one layer fewer.
    page.locator(".sc-org-delayer").click()
    page.locator(".sc-step").click()
    w.wait_week(1)
    page.wait_for_function(
        "() => document.querySelector('.sc-organization').innerText.includes('3 layers')",
        timeout=20_000,
    )

    # A plan's front from a file; a click on a point compares it with the organization as is.
    page.locator(".sc-org-plan-open input[type=file]").set_input_files(str(front_file))
    page.locator(".sc-org-front .js-plotly-plot").wait_for(timeout=20_000)
    dot = page.locator(".sc-org-front .scatterlayer .trace").first.locator(".point").last
    dot.wait_for(timeout=20_000)
    _click_until_the_comparison_starts(page, dot)
    # Building the two runs of compare mode (a warm-up each) takes a while on a busy machine.
    page.locator(".sc-compare-run").nth(1).wait_for(timeout=180_000)
    page.wait_for_function(
        "() => document.querySelector('.sc-main').innerText.includes(' point ')", timeout=30_000
    )
    page.screenshot(path=str(artifacts / "dashboard_organization.png"))
    w.assert_clean()
    assert server_errors(log0) == []
    ctx.close()
