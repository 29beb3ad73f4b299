"""The students' lessons without a browser (``dashboards.lessons``).

Each lesson's run, at the seed the class uses, must show the direction the lesson teaches: if
a change of the model's defaults turned one around, this test says so (a finding about the
model, not a wording to adjust). The texts are plain words, the numbers read right, the
progress survives a round trip through the browser's storage, and the handout is one offline
page.
"""

from __future__ import annotations

import html
import json
import re

import pytest

from dashboards.figures.common import to_json
from dashboards.lessons import (
    LESSON_BY_KEY,
    LESSONS,
    SEED,
    LessonBook,
    figure,
    handout_html,
    read,
    run_lesson,
)

MISREAD = re.compile(r"(?<![\d.])-?[1-9]\d*\.\d{3}(?!\d)|\d,\d{3}\.\d")
CODE_NAMES = re.compile(r"@|\b[a-z]+_[a-z_]+\b|:mod:|:func:|\bPhase \d|service_direction")


@pytest.fixture(scope="module")
def runs():
    return {lesson.key: run_lesson(lesson.key, SEED) for lesson in LESSONS}


def test_five_lessons_each_with_a_question_terms_and_three_choices():
    assert [lesson.key for lesson in LESSONS] == [
        "priority",
        "weakest",
        "surge",
        "dose",
        "customers",
    ]
    for lesson in LESSONS:
        assert lesson.question.endswith("?") and lesson.terms and len(lesson.choices) == 3
        assert lesson.teaches in {c.key for c in lesson.choices}
        words = " ".join(
            [lesson.title, lesson.question, lesson.setup, lesson.mechanism]
            + [t + " " + d for t, d in lesson.terms]
            + [c.text for c in lesson.choices]
        )
        assert not CODE_NAMES.search(words), CODE_NAMES.search(words).group(0)


@pytest.mark.parametrize("key", [lesson.key for lesson in LESSONS])
def test_each_lessons_run_shows_what_the_lesson_teaches(runs, key):
    reading = read(key, runs[key])
    assert reading.observed == LESSON_BY_KEY[key].teaches, reading.sentence
    assert not MISREAD.search(reading.sentence), reading.sentence
    for row in reading.table:
        assert len(row) == len(reading.header)
        assert not any(MISREAD.search(cell) for cell in row), row


def test_the_priority_lesson_shows_the_two_way_street_sharing_the_waiting(runs):
    table = read("priority", runs["priority"]).table
    gap = {row[0]: float(row[3].split()[0]) for row in table}
    assert gap["Two-way street"] < gap["Top-down pyramid"]


def test_the_dose_lessons_every_extra_dose_does_less(runs):
    lesson = LESSON_BY_KEY["dose"]
    half = lesson.weeks // 2 + 1
    waiting = [
        sum(v for w, v in zip(r["week"], r["backlog_hours"], strict=True) if w >= half)
        for r in runs["dose"]
    ]
    cuts = [waiting[0] - waiting[1], waiting[1] - waiting[2], (waiting[2] - waiting[3]) / 2]
    assert cuts[0] > cuts[1] > cuts[2] > 0  # per unit of dose: 0->1, 1->2, 2->4


def test_a_lessons_runs_are_reproducible():
    assert run_lesson("priority") == run_lesson("priority")


def test_the_figures_draw_every_run(runs):
    for lesson in LESSONS:
        fig = figure(lesson.key, runs[lesson.key])
        json.loads(to_json(fig))  # what the page receives
        traces = fig["data"]
        assert len(traces) == (1 if lesson.key == "dose" else len(lesson.arms))


def test_progress_survives_the_browsers_storage_and_ignores_junk():
    book = LessonBook()
    book.predict("surge", "lower")
    book.mark_seen("surge")
    again = LessonBook()
    again.load_json(book.to_json())
    assert again.predictions == {"surge": "lower"} and again.seen == {"surge"}
    for junk in ("", "not json", "[1, 2]", '{"predictions": {"surge": "maybe", "x": "y"}}'):
        fresh = LessonBook()
        fresh.load_json(junk)
        assert fresh.predictions == {} and fresh.seen == set()
    with pytest.raises(StopIteration):
        book.predict("surge", "maybe")


def test_the_handout_is_one_offline_page_with_every_lesson(runs):
    page = handout_html({k: read(k, r) for k, r in runs.items()})
    assert "<script" not in page and "http" not in page and "src=" not in page
    for lesson in LESSONS:
        assert html.escape(lesson.title) in page and html.escape(lesson.question) in page
        assert read(lesson.key, runs[lesson.key]).table[0][0] in page
    assert not MISREAD.search(re.sub(r"<[^>]+>", " ", page))
