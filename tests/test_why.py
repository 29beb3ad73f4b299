"""The dashboard's "Why" panel without a browser (``dashboards.why``, ``dashboards.background``).

A small real decomposition (60 seats, short runs) checks what the panel reads out: the parts
add up to the whole difference, every number goes through ``format_kpi`` with a sign, the
sentence names the largest channel, the waterfall ends on the total. The runner works in
another process, caches, and stops at once when cancelled.
"""

from __future__ import annotations

import json
import os
import re
import time

import pytest

from dashboards.background import WORKER_NICE, Job
from dashboards.limits import MAX_BACKGROUND
from dashboards.why import (
    CHANNELS,
    REPLICATIONS,
    WhyRequest,
    WhyRunner,
    cached,
    change_text,
    figure,
    make_request,
    rows,
    runs_needed,
    summary,
)
from sim.studies.explain import CHANNEL_BY_NAME, explain

SMALL = {"org.headcount": 60, "warmup_weeks": 26}  # quick runs: the rules, not the numbers
# A number an audience reads as thousands (as tests/browser/test_legibility_browser.py).
MISREAD = re.compile(r"(?<![\d.])-?[1-9]\d*\.\d{3}(?!\d)|\d,\d{3}\.\d")
CODE_NAMES = re.compile(r"@|\b[a-z]+_[a-z_]+\b|:mod:|:func:|\bPhase \d|service_direction")


def _small(seed: int, weeks: int = 12, reps: int = 2, channels=("queue", "retention")):
    overrides = tuple(sorted((k, json.dumps(v)) for k, v in SMALL.items()))
    return WhyRequest(
        "pyramid",
        "two_way",
        "Top-down pyramid",
        "Two-way street",
        seed,
        overrides,
        reps,
        weeks,
        channels,
    )


@pytest.fixture(scope="module")
def result():
    return explain(
        "pyramid", "two_way", reps=2, weeks=12, channels=["queue", "retention"], overrides=SMALL
    )


def test_the_budget_is_the_culture_channels_and_who_stays():
    assert CHANNELS[:3] == ("queue", "care", "careers")
    assert all(CHANNEL_BY_NAME[c].culture for c in CHANNELS[:3])
    request = make_request("pyramid", "two_way", "a", "b", 0, {}, REPLICATIONS[0])
    assert runs_needed(request) == len(request.plan().tasks) == 36


def test_a_request_ignores_the_culture_and_horizon_and_keys_on_the_rest():
    base = dict(a="pyramid", b="two_way", title_a="x", title_b="y", seed=3)
    one = make_request(
        **base,
        overrides={"culture.service_direction": 0.0, "weeks": 300},
        ignore=("culture.service_direction", "weeks"),
    )
    two = make_request(**base, overrides={}, ignore=("culture.service_direction", "weeks"))
    assert one.key == two.key
    lever = make_request(**base, overrides={"interventions.training.intensity": 1.0})
    assert lever.key != two.key and lever.settings() == {"interventions.training.intensity": 1.0}
    assert make_request(**{**base, "seed": 4}, overrides={}).key != two.key


def test_the_parts_add_up_and_every_number_reads_right(result):
    for outcome in ("profit", "morale", "turnover", "customer_satisfaction"):
        lines = rows(result, outcome)
        total = next(r for r in lines if r.name == "total")
        parts = [r for r in lines if r.name != "total"]
        # care and careers differ too and are not switched here: "other" carries them
        assert [r.name for r in parts] == ["queue", "retention", "other"]
        assert sum(r.value for r in parts) == pytest.approx(total.value, abs=1e-9)
        for r in lines:
            assert not MISREAD.search(r.value_text), r.value_text
            assert r.value_text.startswith(("+", "-")) or r.value == 0
            assert not CODE_NAMES.search(r.label + " " + r.sentence)
    assert change_text(1234.5, "profit") == "+1,234"  # money: whole amounts (format_kpi)
    assert change_text(-0.0123, "turnover") == "-1.2 pts"


def test_the_sentence_names_the_largest_part(result):
    text = summary(result, "profit", "Top-down pyramid", "Two-way street")
    largest = max(
        (r for r in rows(result, "profit") if r.name != "total"), key=lambda r: abs(r.value)
    )
    assert largest.label in text and "Two-way street" in text and "Top-down pyramid" in text
    assert not MISREAD.search(text) and not CODE_NAMES.search(text)


def test_the_waterfall_ends_on_the_whole_difference(result):
    fig = figure(result, "profit", "Top-down pyramid", "Two-way street")
    bars = fig["data"][0]
    assert bars["type"] == "waterfall" and bars["measure"][-1] == "total"
    assert bars["y"][-1] == pytest.approx(sum(bars["y"][:-1]))
    assert bars["text"] == [r.value_text for r in rows(result, "profit")]
    low, high = fig["layout"]["yaxis"]["range"]
    ends = [sum(bars["y"][: i + 1]) for i in range(len(bars["y"]) - 1)]
    assert low <= min(0.0, *ends) and high >= max(0.0, *ends)


def test_the_runner_works_in_another_process_caches_and_redraws():
    updates = []
    runner = WhyRunner(on_update=lambda: updates.append(1))
    request = _small(seed=11, reps=1, channels=("queue",))
    runner.start(request)
    job = _started(runner._job)
    assert job.pid != os.getpid()
    assert job.wait(timeout=180)
    state = runner.state()
    assert state.state == "done" and state.done == state.total == runs_needed(request)
    assert cached(request) is not None and updates
    again = WhyRunner()
    again.start(request)
    assert again._job is None and again.state().state == "done"  # from the cache


def test_cancel_ends_the_worker_at_once_and_a_change_of_comparison_cancels():
    runner = WhyRunner()
    request = _small(seed=12, weeks=400, reps=4, channels=("queue", "care", "careers"))
    runner.start(request)
    job = _started(runner._job)
    lower = min(_nice(os.getpid()) + WORKER_NICE, 19)
    deadline = time.monotonic() + 30
    while _nice(job.pid) < lower and time.monotonic() < deadline:
        time.sleep(0.1)  # the worker lowers its priority once it has started
    assert _nice(job.pid) == lower
    started = time.monotonic()
    runner.cancel()
    assert time.monotonic() - started < 5
    assert not job._process.is_alive() and runner.state().state == "cancelled"
    runner.start(request)
    second = _started(runner._job)
    runner.keep_if(lambda r: r.key != request.key)  # the comparison on screen changed
    assert not second._process.is_alive() and runner.state() is None


def test_a_failing_task_is_an_error_message_not_a_traceback():
    job = Job([(divmod, (7, 2)), (int, ("seven",))])
    assert job.wait(timeout=60)
    assert job.state == "error" and "ValueError" in job.error and job.rows[0] == (3, 1)


def test_at_most_two_workers_run_at_once_and_the_rest_wait():
    jobs = [Job([(time.sleep, (20,))]) for _ in range(MAX_BACKGROUND + 1)]
    try:
        deadline = time.monotonic() + 30
        while sum(j.pid is not None for j in jobs) < MAX_BACKGROUND:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)
        assert [j.waiting for j in jobs] == [False] * MAX_BACKGROUND + [True]
        jobs[0].cancel()
        _started(jobs[-1])  # the freed slot goes to the job that waited
    finally:
        for j in jobs:
            j.cancel()
    assert all(j.wait(timeout=10) for j in jobs)


def _started(job: Job) -> Job:
    deadline = time.monotonic() + 30
    while job.pid is None:
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.02)
    return job


def _nice(pid: int) -> int:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[16])
