"""Mesa's own SolaraViz drives ServiceCultureModel (issue 30, item 1).

``tests/browser/mesa_viz_app.py`` is what a Mesa user writes: ``SolaraViz(model, components=[...,
make_plot_component("morale_mean")], model_params={...})``. Served by ``solara run`` and opened
in headless chromium, it must render the parameter controls, advance ``model.steps`` on Step,
rebuild the model from ``model_params`` on Reset (Mesa 3.5 passes its own Scenario object
there) and log no error (Mesa's parameter check once failed with "Missing required model
parameter: params").
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, ERROR_MARKERS, _free_port, served

pytestmark = pytest.mark.browser

APP = Path(__file__).with_name("mesa_viz_app.py")


@pytest.fixture(scope="module")
def viz_url():
    """Serve the SolaraViz app on a free loopback port; yield (url, log path); stop it."""
    port = _free_port()
    log = ARTIFACTS / "mesa_viz_server.log"
    command = [
        sys.executable, "-m", "solara", "run", str(APP), "--host", "127.0.0.1",
        "--port", str(port), "--production", "--no-open", "--no-check-version",
        "--log-level", "warning",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    with served(command, log, url, "the SolaraViz app"):
        yield url, log


def steps_shown(page) -> int:
    text = page.get_by_text(re.compile(r"model\.steps = \d+")).inner_text()
    return int(re.search(r"model\.steps = (\d+)", text).group(1))


def wait_steps(page, n: int, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and steps_shown(page) != n:
        time.sleep(0.1)
    assert steps_shown(page) == n


def test_mesa_solaraviz_renders_controls_steps_and_resets_the_model(browser, viz_url):
    url, log = viz_url
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(url)
        page.get_by_text(re.compile(r"model\.steps = 0")).wait_for(timeout=60_000)
        # The controls: Mesa's run buttons and the model parameter from model_params.
        assert page.get_by_text("Culture (service direction)").count() >= 1
        for label in ("Reset", "Step"):
            assert page.get_by_role("button", name=label).count() == 1
        # Step advances model.steps (and the KPI read as a model attribute follows the model).
        page.get_by_role("button", name="Step").click()
        wait_steps(page, 1)
        page.get_by_role("button", name="Step").click()
        wait_steps(page, 2)
        # Mesa's own step display agrees (Mesa 3.3 shows "Step: n", 3.5 "Time: n").
        page.get_by_text(re.compile(r"^(Step|Time): 2(\.0)?$")).wait_for(timeout=30_000)
        # Reset rebuilds the model from model_params: back to step 0, no error.
        page.get_by_role("button", name="Reset").click()
        wait_steps(page, 0)
        page.get_by_role("button", name="Step").click()
        wait_steps(page, 1)
        page.screenshot(path=str(ARTIFACTS / "mesa_solaraviz.png"))
    finally:
        context.close()
    logged = [line for line in log.read_text().splitlines() if line.startswith(ERROR_MARKERS)]
    assert not errors and not logged, (errors, logged)
    assert "Missing required model parameter" not in log.read_text()
