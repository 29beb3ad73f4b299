"""The "Lessons" tab: five guided lessons, each predict -> run -> what happened -> why.

The lessons themselves (questions, runs, how the outcome is read) are ``dashboards.lessons``;
this tab shows one at a time, keeps the student's predictions (the session's
:class:`~dashboards.lessons.LessonBook`, also kept in the browser's session storage), runs a
lesson's simulations in a background process when asked, and offers the class handout.
"""

from __future__ import annotations

import html

import solara

from dashboards.components.context import Ui, tab_index
from dashboards.components.plot import FigureBox, Plot
from dashboards.lessons import LESSONS, SEED, Lesson, figure, handout_html


@solara.component
def LessonsPanel(ui: Ui) -> None:
    """The lesson picker, the lesson open and the teacher's handout."""
    book = ui.lessons
    _ = ui.lessons_tick.value  # redraw as runs progress and predictions change
    current = solara.use_reactive(0)
    with solara.Div(classes=["sc-lessons"]):
        solara.Text(
            "Five short lessons: read the question, choose what you expect, run the model, "
            "then see what happened and why. Your answers stay while this tab is open.",
            classes=["sc-note"],
        )
        with solara.Div(classes=["sc-lessons-nav"]):
            for i, lesson in enumerate(LESSONS):
                done = lesson.key in book.seen and book.state(lesson.key) == "ready"
                solara.Button(
                    f"{i + 1}. {lesson.title}" + (" ✓" if done else ""),
                    on_click=lambda i=i: current.set(i),
                    color="primary" if i == current.value else None,
                    outlined=i != current.value,
                    small=True,
                    classes=["sc-lesson-pick", f"sc-lesson-pick-{lesson.key}"],
                )
        LessonView(ui, LESSONS[current.value], current.value, ui.lessons_tick.value)
        with solara.Div(classes=["sc-lesson-footer"]):
            if current.value < len(LESSONS) - 1:
                solara.Button(
                    "Next lesson",
                    icon_name="mdi-chevron-right",
                    on_click=lambda: current.set(current.value + 1),
                    small=True,
                    classes=["sc-lesson-next"],
                )
            Handout(ui, ui.lessons_tick.value)


@solara.component
def LessonView(ui: Ui, lesson: Lesson, index: int, tick: int) -> None:
    """One lesson: the question and its terms, the prediction, the run, what happened, why."""
    book = ui.lessons
    predicted = book.predictions.get(lesson.key)
    state = book.state(lesson.key)
    shown = lesson.key in book.seen and state == "ready"

    def run() -> None:
        book.run(lesson.key)
        book.mark_seen(lesson.key)

    with solara.Div(classes=["sc-lesson", f"sc-lesson-{lesson.key}"]):
        with solara.Div(classes=["sc-lesson-col"]):
            solara.HTML(
                tag="h3",
                unsafe_innerHTML=f"Lesson {index + 1}: {html.escape(lesson.title)}",
                classes=["sc-lesson-title"],
            )
            solara.HTML(
                tag="p", unsafe_innerHTML=html.escape(lesson.question), classes=["sc-question"]
            )
            terms = "".join(
                f"<dt>{html.escape(t)}</dt><dd>{html.escape(d)}</dd>" for t, d in lesson.terms
            )
            solara.HTML(tag="dl", unsafe_innerHTML=terms, classes=["sc-terms"])
            solara.HTML(tag="div", unsafe_innerHTML="<b>1. Your prediction</b>")
            solara.v.RadioGroup(
                v_model=predicted,
                on_v_model=lambda choice: book.predict(lesson.key, choice),
                dense=True,
                hide_details=True,
                disabled=shown,
                class_="sc-choices",
                children=[
                    solara.v.Radio(label=c.text, value=c.key, class_=f"sc-choice-{c.key}")
                    for c in lesson.choices
                ],
            )
            solara.HTML(tag="div", unsafe_innerHTML="<b>2. The run that tests it</b>")
            solara.Text(lesson.setup, classes=["sc-lesson-setup"])
            with solara.Div(classes=["sc-lesson-run"]):
                solara.Button(
                    "Run it and see" if not shown else "Shown on the right",
                    on_click=run,
                    disabled=predicted is None or shown or state == "running",
                    color="primary",
                    small=True,
                    classes=["sc-lesson-go"],
                )
                if predicted is None:
                    solara.Text("Choose a prediction first.", classes=["sc-note"])
                elif state == "running":
                    done, total = book.progress(lesson.key)
                    solara.HTML(tag="span", unsafe_innerHTML="", classes=["sc-spinner"])
                    solara.Text(
                        "Waiting for a free worker (other runs on this server)…"
                        if book.waiting(lesson.key)
                        else f"Running the model: {done} of {total} runs done…",
                        classes=["sc-lesson-progress"],
                    )
                elif state == "error":
                    solara.Error(f"The run failed: {book.error(lesson.key)}", dense=True)
        with solara.Div(classes=["sc-lesson-col"]):
            if shown:
                Outcome(ui, lesson, predicted)
            else:
                solara.Text(
                    "What happened and why appear here once you have made your prediction and "
                    "run the model.",
                    classes=["sc-note", "sc-lesson-waiting"],
                )


@solara.component
def Outcome(ui: Ui, lesson: Lesson, predicted: str | None) -> None:
    """What the runs showed, against the prediction, and the rule that explains it."""
    from dashboards.lessons import cached_runs

    book = ui.lessons
    reading = book.reading(lesson.key)
    runs = cached_runs(lesson.key)
    if reading is None or runs is None:
        return
    right = predicted == reading.observed
    verdict = (
        f"You predicted “{lesson.choice(predicted).text}”. "
        if predicted
        else "You made no prediction. "
    ) + f"The run shows: “{lesson.choice(reading.observed).text}”."
    solara.HTML(tag="div", unsafe_innerHTML="<b>3. What happened</b>")
    solara.HTML(
        tag="div",
        unsafe_innerHTML=html.escape(verdict),
        classes=["sc-lesson-verdict", "sc-right" if right else "sc-wrong"],
    )
    solara.Text(reading.sentence, classes=["sc-lesson-sentence"])
    head = "".join(f"<th>{html.escape(h)}</th>" for h in reading.header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>"
        for row in reading.table
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<table class='sc-table sc-lesson-table'><tr>{head}</tr>{body}</table>",
        classes=["sc-lesson-numbers"],
    )
    Plot(ui, FigureBox(lambda: figure(lesson.key, runs), ("lesson", lesson.key, SEED)))
    solara.HTML(tag="div", unsafe_innerHTML="<b>4. Why</b>")
    solara.Text(lesson.mechanism, classes=["sc-lesson-why"])
    solara.Button(
        "How much each channel carries: the Why tab",
        on_click=lambda: ui.tab.set(tab_index("Why")),
        small=True,
        text=True,
        classes=["sc-lesson-to-why"],
    )


@solara.component
def Handout(ui: Ui, tick: int) -> None:
    """For the teacher: the five lessons as one offline HTML page to print or share."""
    book = ui.lessons
    states = [book.state(lesson.key) for lesson in LESSONS]
    ready = sum(s == "ready" for s in states)
    with solara.Div(classes=["sc-handout"]):
        if ready == len(LESSONS):

            def page() -> str:
                return handout_html({k: book.reading(k) for k in (x.key for x in LESSONS)})

            with solara.Div(classes=["sc-handout-download"]):
                solara.FileDownload(
                    page,
                    filename="servicechain_lessons_handout.html",
                    label="Class handout (HTML)",
                    mime_type="text/html",
                )
        elif book.handout_requested:
            solara.Text(
                f"Preparing the class handout: {ready} of {len(LESSONS)} lessons run…",
                classes=["sc-note", "sc-handout-progress"],
            )
        else:
            solara.Button(
                "Prepare the class handout",
                icon_name="mdi-file-document-outline",
                on_click=book.run_all,
                small=True,
                outlined=True,
                classes=["sc-handout-prepare"],
            )
