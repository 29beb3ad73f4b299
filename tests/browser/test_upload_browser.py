"""Your own organization in the browser (issue 15 item 6): upload a broken and a valid chart.

A broken chart shows the command line's message under the picker (file, row, employee id) and
leaves the run as it was; a valid one opens as the live run, with that organization's pyramid.
Neither logs an error on the server or the page.
"""

from __future__ import annotations

import re

import pytest

from sim.shipped import EXAMPLE_CLIENT_DIR
from tests.browser.conftest import server_errors, server_log_size
from tests.browser.test_dashboard_browser import Watched

pytestmark = pytest.mark.browser

CHART = EXAMPLE_CLIENT_DIR / "chart.csv"
BROKEN = (
    "employee_id,manager_id,department,frontline\nA,,exec,false\nB,A,front,true\nB,A,front,true\n"
)


def test_upload_a_broken_then_a_valid_org_chart(browser, dashboard_url, tmp_path, artifacts):
    log0 = server_log_size()
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    w = Watched(ctx, dashboard_url)
    page = w.page
    picker = w.upload_picker()

    broken = tmp_path / "broken.csv"
    broken.write_text(BROKEN)
    picker.set_input_files(str(broken))
    error = page.locator(".sc-upload-error")
    error.wait_for(timeout=30_000)
    text = " ".join(error.inner_text().split())
    assert "broken.csv: row 4 (employee_id 'B', also on row 3): duplicate employee_id" in text
    assert "Traceback" not in page.locator("body").inner_text()
    caption = page.locator(".sc-pyramid").first
    assert "pyramid" in caption.inner_text().split("·")[0]  # the live run did not change

    picker.set_input_files(str(CHART))
    ok = page.locator(".sc-upload-ok")
    ok.wait_for(timeout=60_000)
    assert "Opened chart: 385 people, 8 levels" in ok.inner_text()
    page.wait_for_function(
        "() => document.querySelector('.sc-pyramid').innerText.includes('chart')",
        timeout=30_000,
    )
    people, vacant = re.search(r"([\d,]+) people, ([\d,]+) vacant", caption.inner_text()).groups()
    assert int(people.replace(",", "")) + int(vacant.replace(",", "")) == 385  # seats = people
    page.screenshot(path=str(artifacts / "upload_chart_1280x720.png"))
    # The sidebar's organization picker re-renders after the pyramid: wait for it too.
    page.wait_for_function(
        "() => document.querySelector('.sc-preset').innerText.includes('chart')",
        timeout=30_000,
    )
    w.assert_clean()
    assert server_errors(log0) == []
    ctx.close()
