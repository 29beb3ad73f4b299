"""The dashboard a client and a classroom can read (issue 29), in Debian chromium at 1280x720.

Each test is the check that would have caught one of the issue's problems: text cut off in the
cards and labels (normal and presentation layout, live and compare), numbers an audience misreads
("791.866" beside "1,464"), Pause that keeps drawing weeks on a busy machine, a preset change
with no feedback and a lost Play click, lever and culture changes without a mark on the charts,
an empty "recent weeks" chart, code names on screen, y axes that zoom noise into drama and
repeat their tick labels, and a slider bubble over the culture label at 1920x1080.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from tests.browser.conftest import server_errors, server_log_size
from tests.browser.test_dashboard_browser import Watched, open_tab

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_server_errors")]


@pytest.fixture
def no_server_errors():
    """The test's flows log no traceback on the server."""
    log0 = server_log_size()
    yield
    assert server_errors(log0) == []


# Every card and label a person reads, checked for text cut off at the side.
CARDS_AND_LABELS = (
    ".sc-link",
    ".sc-link-label",
    ".sc-link-value",
    ".sc-link-trend",
    ".sc-diff-card",
    ".sc-diff-card > div",
    ".sc-headline-title",
    ".sc-week",
    ".sc-pyramid-caption",
    ".sc-legend",
    ".sc-causes",
    ".sc-param-head",
    ".sc-param-label",
    ".sc-param-value",
    ".sc-culture-value",
    ".sc-compare-item",
    ".sc-loading",
    ".v-tab",
    ".sc-timecontrols .v-btn",
    ".sc-compare-controls .v-btn",
    ".sc-employee-state td",
)
CLIPPED = """(selectors) => {
  const out = [];
  for (const sel of selectors) {
    for (const el of document.querySelectorAll(sel)) {
      const st = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      if (st.display === 'inline' || st.visibility === 'hidden' || r.width === 0
          || r.height === 0 || r.right < 0 || r.left > window.innerWidth) continue;
      if (el.scrollWidth > el.clientWidth + 1)
        out.push(`${sel} "${el.innerText.slice(0, 40)}" ${el.scrollWidth} > ${el.clientWidth}`);
    }
  }
  return out;
}"""
# The text of the page as read: HTML text and the text drawn in the charts (SVG).
PAGE_TEXT = """() => document.body.innerText + '\\n' +
  [...document.querySelectorAll('svg text')].map(t => t.textContent).join('\\n')"""
# A number read as thousands: three decimals after a non-zero integer part, or decimals after a
# thousands separator (the rule of sim.kpis.format_kpi; tests/test_format.py).
MISREAD = re.compile(r"(?<![\d.])-?[1-9]\d*\.\d{3}(?!\d)|\d,\d{3}\.\d")
# Names of the code: a spec with @, snake_case identifiers, Sphinx roles, phase numbers.
CODE_NAMES = re.compile(r"@|\b[a-z]+_[a-z_]+\b|:mod:|:func:|\bPhase \d|service_direction")


def clipped(page) -> list[str]:
    return page.evaluate(CLIPPED, list(CARDS_AND_LABELS))


def choose_preset(page, title: str) -> None:
    page.locator(".sc-preset .v-select").click()
    page.locator(".v-menu__content .v-list-item", has_text=title).first.click()


def start_compare(w: Watched) -> None:
    open_tab(w.page, "compare")
    w.page.locator(".sc-compare-go").click()
    w.page.locator(".sc-compare-run").nth(1).wait_for(timeout=60_000)
    w.page.locator(".sc-loading").first.wait_for(state="detached", timeout=60_000)


def test_no_card_or_label_is_cut_off_at_1280(browser, dashboard_url, artifacts):
    """Problem 1 and 5: every visible card and label fits, normal and presentation, live and
    compare, with the main parameters open."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    w = Watched(ctx, dashboard_url)
    page = w.page
    page.get_by_text("Main parameters and seed").click()
    w.run_to(20)
    time.sleep(1.0)
    found = {"live": clipped(page)}
    page.keyboard.press("p")
    time.sleep(1.0)
    found["live, presentation"] = clipped(page)
    page.keyboard.press("p")
    start_compare(w)
    w.run_to(20)
    page.locator(".sc-headline .sc-diff-card").first.wait_for(timeout=15_000)
    time.sleep(1.0)
    found["compare"] = clipped(page)
    page.keyboard.press("p")
    time.sleep(1.0)
    found["compare, presentation"] = clipped(page)
    page.screenshot(path=str(artifacts / "compare_present_1280x720.png"))
    assert {k: v for k, v in found.items() if v} == {}
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    w.assert_clean()
    ctx.close()


def test_no_rendered_number_reads_as_thousands(browser, dashboard_url):
    """Problem 4: no value on screen has three decimals beside a thousands separator (chain,
    compare cards, charts' ticks and labels, the employee table)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    w = Watched(ctx, dashboard_url)
    page = w.page
    w.run_to(16)
    dot = page.locator(".sc-pyramid-plot .scatterlayer .trace").first.locator(".point").nth(5)
    box = dot.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(".sc-employee-state").wait_for(timeout=30_000)
    time.sleep(1.0)
    texts = [page.evaluate(PAGE_TEXT)]
    start_compare(w)
    w.run_to(16)
    page.locator(".sc-headline .sc-diff-card").first.wait_for(timeout=15_000)
    time.sleep(1.0)
    texts.append(page.evaluate(PAGE_TEXT))
    strip = page.locator(".sc-compare-run .sc-chain").first.inner_text()
    assert re.search(r"\d", strip)
    for text in texts:
        assert MISREAD.findall(text) == []
    w.assert_clean()
    ctx.close()


WATCH_WEEK = """() => {
  window.__weeks = []; window.__clicks = [];
  const el = document.querySelector('.sc-week');
  new MutationObserver(() => window.__weeks.push([performance.now(), el.innerText]))
    .observe(el, {subtree: true, childList: true, characterData: true});
  document.addEventListener('click', e => {
    if (e.target.closest('.sc-play')) window.__clicks.push(performance.now());
  }, true);
}"""
HOG = "while True: pass"
PAUSE_BOUND_S = 0.3


@pytest.fixture
def cpu_hog():
    """Two busy processes, one per core of this machine, for the duration of a test."""
    hogs = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(2)]
    yield
    for h in hogs:
        h.kill()
        h.wait()


def test_pause_stops_the_drawn_week_within_0_3_s_with_both_cores_busy(
    browser, dashboard_url, cpu_hog
):
    """Problem 7: from the Pause click to the last change of the week on screen, at most 0.3 s,
    with a CPU hog on both cores; then the week stays."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    w = Watched(ctx, dashboard_url)
    page = w.page
    page.evaluate(WATCH_WEEK)
    latencies = []
    for _ in range(3):
        page.locator(".sc-play").click()
        w.wait_label("PAUSE")
        time.sleep(2.0)
        page.evaluate("() => { window.__weeks = []; window.__clicks = []; }")
        page.locator(".sc-play").click()
        time.sleep(2.0)
        clicks = page.evaluate("() => window.__clicks")
        changes = page.evaluate("() => window.__weeks")
        after = [t - clicks[0] for t, _ in changes if t >= clicks[0]]
        latencies.append(max(after, default=0.0) / 1000.0)
        paused = w.week()
        time.sleep(1.0)
        assert w.week() == paused, "the week stays once paused"
        assert w.play_label() == "PLAY"
    print(f"Pause, click to the last drawn week, CPU hog on both cores: {latencies} s")
    assert max(latencies) <= PAUSE_BOUND_S, latencies
    ctx.close()


WATCH_LOADING = """() => {
  window.__seen = {};
  const mark = () => {
    const t = performance.now();
    const play = document.querySelector('.sc-play');
    if (document.querySelector('.sc-loading') && !window.__seen.loading) window.__seen.loading = t;
    if (play && play.disabled && !window.__seen.disabled) window.__seen.disabled = t;
  };
  new MutationObserver(mark).observe(document.body,
    {subtree: true, childList: true, attributes: true});
  document.addEventListener('click', e => {
    if (e.target.closest('.v-menu__content .v-list-item')) window.__seen.click = performance.now();
  }, true);
}"""


def test_a_preset_change_shows_a_loading_state_at_once_and_play_waits(browser, dashboard_url):
    """Problem 3: within 300 ms of choosing a preset the page says it is opening and Play is
    off; Space meanwhile says why instead of doing nothing; then the new organization shows."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    w = Watched(ctx, dashboard_url)
    page = w.page
    page.evaluate(WATCH_LOADING)
    choose_preset(page, "Insurance claims centre")
    page.locator(".sc-loading").first.wait_for(timeout=5_000)
    seen = page.evaluate("() => window.__seen")
    print(f"preset change to loading state: {seen['loading'] - seen['click']:.0f} ms")
    assert seen["loading"] - seen["click"] <= 300
    assert seen["disabled"] - seen["click"] <= 300
    assert "Insurance claims centre" in page.locator(".sc-loading").first.inner_text()
    server = page.locator(".sc-loading:not(.sc-loading-local)")
    server.wait_for(timeout=30_000)  # the server's own loading state takes over
    assert "Insurance claims centre" in server.inner_text()
    page.locator(".sc-week").click()  # out of the picker, whose field keeps the keys
    page.keyboard.press(" ")  # Play while it loads: told, not dropped
    page.locator(".sc-error").wait_for(timeout=5_000)
    assert "waits" in page.locator(".sc-error").inner_text()
    page.locator(".sc-loading").first.wait_for(state="detached", timeout=60_000)
    assert page.locator(".sc-play").is_enabled()
    page.wait_for_function(
        "() => document.querySelector('.sc-pyramid-caption').innerText.includes('Insurance')",
        timeout=15_000,
    )
    assert w.week() == 0
    w.assert_clean()
    ctx.close()


def _annotations(page, selector: str) -> str:
    return page.evaluate(
        "sel => [...document.querySelectorAll(sel + ' .annotation-text')]"
        ".map(t => t.textContent).join(' | ')",
        selector,
    )


def test_lever_and_culture_changes_are_marked_on_the_charts(browser, dashboard_url):
    """Problem 6: a lever's dose and the culture changed mid-run leave a labelled marker."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    w = Watched(ctx, dashboard_url)
    page = w.page
    w.run_to(4)
    training = page.locator(".sc-param-interventions-training-intensity")
    training.locator(".v-slider__thumb-container").first.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.sc-param-interventions-training-intensity "
        ".sc-param-value').innerText.includes('1.0')",
        timeout=30_000,
    )
    page.locator(".sc-step").click()
    w.wait_week(5)
    page.locator(".sc-culture .v-slider__thumb-container").first.focus()
    page.keyboard.press("End")
    page.locator(".sc-step").click()
    w.wait_week(6)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.sc-kpis .annotation-text')]"
        ".some(el => el.textContent.includes('Culture: inverted'))",
        timeout=15_000,
    )
    texts = _annotations(page, ".sc-kpis")
    assert "Training: 1.0" in texts and "Culture: inverted pyramid" in texts, texts
    w.assert_clean()
    ctx.close()


EMPLOYEE_WEEKS = """() => {
  const plot = document.querySelector('.sc-employee .js-plotly-plot');
  const line = plot && plot.data && plot.data[0];
  return line ? line.x.filter((x, i) => line.y[i] !== null).length : 0;
}"""


def test_the_employee_chart_has_a_line_after_5_weeks(browser, dashboard_url):
    """Problem 10: a person clicked at week 0 has a line after 5 weeks; one clicked later shows
    their recent weeks at once."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    w = Watched(ctx, dashboard_url)
    page = w.page
    dot = page.locator(".sc-pyramid-plot .scatterlayer .trace").first.locator(".point").nth(8)
    box = dot.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(".sc-employee-state").wait_for(timeout=30_000)
    w.run_to(5)
    page.wait_for_function(f"() => ({EMPLOYEE_WEEKS})() >= 6", timeout=15_000)  # weeks 0-5
    assert page.locator(".sc-employee .js-line").count() >= 3  # morale, mindset, skill
    w.run_to(30)
    page.locator(".sc-seat-input input").fill("3")
    page.locator(".sc-seat-input input").press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.sc-employee-state').innerText.includes('Seat 3')",
        timeout=30_000,
    )
    page.wait_for_function(f"() => ({EMPLOYEE_WEEKS})() >= 31", timeout=15_000)
    w.assert_clean()
    ctx.close()


def test_people_read_words_not_code_names(browser, dashboard_url):
    """Problem 8: runs, legends, cards, the sidebar and the Explain panel in plain words."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    w = Watched(ctx, dashboard_url)
    page = w.page
    choose_preset(page, "Airline")
    page.locator(".sc-loading").first.wait_for(state="detached", timeout=60_000)
    page.get_by_text("Main parameters and seed").click()
    w.run_to(10)
    time.sleep(1.0)
    texts = {"live": page.evaluate(PAGE_TEXT)}
    start_compare(w)
    w.run_to(10)
    page.locator(".sc-headline .sc-diff-card").first.wait_for(timeout=15_000)
    time.sleep(1.0)
    texts["compare"] = page.evaluate(PAGE_TEXT)
    assert "Airline · two-way street" in texts["compare"]
    assert "Airline · two-way street" in page.locator(".sc-compare-pick").inner_text()
    open_tab(page, "explain")
    for header in page.locator(".sc-explain .v-expansion-panel-header").all():
        header.click()
    time.sleep(1.0)
    texts["explain"] = page.locator(".sc-explain").inner_text()
    found = {k: sorted(set(CODE_NAMES.findall(v))) for k, v in texts.items()}
    assert {k: v for k, v in found.items() if v} == {}
    w.assert_clean()
    ctx.close()


TICKS = """() => {
  const axes = {};
  for (const plot of document.querySelectorAll('.sc-kpis .js-plotly-plot')) {
    for (const t of plot.querySelectorAll('.yaxislayer-above .ytick text, '
        + '.yaxislayer-above [class^="y"][class$="tick"] text')) {
      const key = t.parentNode.getAttribute('class');
      (axes[key] = axes[key] || []).push(t.textContent);
    }
  }
  return axes;
}"""


def test_chart_axes_do_not_zoom_noise_or_repeat_ticks(browser, dashboard_url):
    """Problem 9: at week 0 no share axis reads above 100% (it read 200%); no axis repeats a
    tick label; the weekly profit difference is smoothed and says so; bands are labelled."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    w = Watched(ctx, dashboard_url)
    page = w.page
    time.sleep(1.0)
    for ticks in (page.evaluate(TICKS), None):
        if ticks is None:
            w.run_to(30)
            time.sleep(1.5)
            ticks = page.evaluate(TICKS)
        assert ticks, "the charts have y ticks"
        for axis, labels in ticks.items():
            assert len(labels) == len(set(labels)), (axis, labels)
            percents = [float(x.rstrip("%")) for x in labels if x.endswith("%")]
            assert all(0 <= p <= 100 for p in percents), (axis, labels)
    start_compare(w)
    w.run_to(30)
    page.locator(".sc-diff .js-plotly-plot").wait_for(timeout=15_000)
    time.sleep(1.0)
    title = page.evaluate("() => document.querySelector('.sc-diff .gtitle').textContent")
    assert "Difference in profit" in title and "8-week average" in title
    w.assert_clean()
    ctx.close()


def test_slider_values_show_and_no_bubble_covers_the_culture_label_at_1920(browser, dashboard_url):
    """Problems 5 and 10: every slider shows its value and unit; dragging the culture slider
    shows no value bubble over the label above it."""
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    w = Watched(ctx, dashboard_url)
    page = w.page
    for value in page.locator(".sc-levers .sc-param-value").all_inner_texts():
        assert value.strip(), "every lever shows its value"
    thumb = page.locator(".sc-culture .v-slider__thumb").first
    box = thumb.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + box["height"] / 2, steps=5)
    label = page.locator(".sc-culture-value").bounding_box()
    bubbles = [
        b
        for b in (el.bounding_box() for el in page.locator(".v-slider__thumb-label").all())
        if b and b["width"] > 0
    ]
    page.mouse.up()
    overlapping = [
        b
        for b in bubbles
        if b["x"] < label["x"] + label["width"]
        and label["x"] < b["x"] + b["width"]
        and b["y"] < label["y"] + label["height"]
        and label["y"] < b["y"] + b["height"]
    ]
    assert overlapping == []
    page.wait_for_function(
        "() => !document.querySelector('.sc-culture-value').innerText.includes('-1.00')",
        timeout=30_000,
    )
    w.assert_clean()
    ctx.close()


LABEL_BOXES = """() => [...document.querySelectorAll('.sc-pyramid-plot .annotation')]
  .filter(a => a.textContent.includes('customers'))
  .map(a => { const r = a.getBoundingClientRect();
              return {text: a.textContent, x: r.x, y: r.y, w: r.width, h: r.height}; })"""


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["x"] < b["x"] + b["w"]
                and b["x"] < a["x"] + a["w"]
                and a["y"] < b["y"] + b["h"]
                and b["y"] < a["y"] + a["h"]
            ):
                out.append((a["text"], b["text"]))
    return out


@pytest.mark.parametrize("width", [1280, 1920])
def test_the_clients_department_labels_do_not_overlap(browser, dashboard_url, artifacts, width):
    """Problem 10: the customer groups of the example client (examples/client/) are labelled
    without one name running into another ("contact ce" under "field service")."""
    from tests.browser.test_upload_browser import CHART

    ctx = browser.new_context(viewport={"width": width, "height": 720 if width == 1280 else 1080})
    w = Watched(ctx, dashboard_url)
    page = w.page
    picker = w.upload_picker()
    picker.set_input_files(str(CHART))
    page.locator(".sc-upload-ok").wait_for(timeout=60_000)
    page.wait_for_function(
        "() => document.querySelector('.sc-pyramid-caption').innerText.startsWith('chart')",
        timeout=30_000,
    )
    time.sleep(1.5)
    page.locator(".sc-pyramid").first.screenshot(path=str(artifacts / f"client_{width}.png"))
    boxes = page.evaluate(LABEL_BOXES)
    assert len(boxes) == 3, boxes  # contact centre, field service, sales
    assert _overlaps(boxes) == [], boxes
    w.assert_clean()
    ctx.close()
