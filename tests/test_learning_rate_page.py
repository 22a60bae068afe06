"""AppTest checks of the learning-rate lab: it runs, every lesson runs, widgets change the runs,
links round-trip and bad links are explained; what the linked views draw for the lessons."""

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lessons.learning_rate import CATALOG as LESSONS
from optimizers.schedules import CATALOG as SCHEDULES
from tests.live import headings, page_test, tables
from ui.lab_sections import wrapped
from viz.lr_lab import log_axis

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "learning_rate.py")


def open_page(query: dict[str, str] | None = None) -> AppTest:
    at = page_test(PAGE)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def linked_args(at: AppTest) -> dict:
    """The arguments the linked-steps component received (its figure, markers, steps)."""
    element = next(e for e in at.get("component_instance"))
    return element.proto


def link(at: AppTest) -> dict[str, str]:
    return {key: at.query_params[key] for key in at.query_params}


def test_page_opens_on_the_first_lesson():
    at = open_page()
    assert not at.exception
    assert "Constant rate vs decay under noise" in at.info[0].value
    assert link(at)["lesson"] == "decay_under_noise"


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_lesson_runs_with_its_runs(key):
    at = open_page()
    at.button(key=f"lesson.{key}").click().run()
    assert not at.exception
    assert LESSONS[key].title in at.info[0].value
    assert at.session_state["lab.n_runs"] == len(LESSONS[key].runs)
    table = tables(at)[0]
    assert list(table["run"]) == [run.label for run in LESSONS[key].runs]


def test_the_clipping_lesson_reports_the_divergence_and_shows_gradient_norms():
    at = open_page()
    at.button(key="lesson.clipping").click().run()
    assert any("diverged at step 1" in w.value for w in at.warning)
    assert any("Gradient norm" in h for h in headings(at))


def test_changing_the_schedule_changes_the_learning_rate_curve():
    at = open_page()
    before = linked_args(at).json_args
    at.selectbox(key="lab.0.sched").set_value("cosine").run()
    assert not at.exception
    after = linked_args(at).json_args
    assert after != before
    assert "lesson" not in link(at)
    assert "cosine" in link(at)["sched"]


def test_a_link_restores_the_same_runs():
    at = open_page()
    at.button(key="lesson.batch_size").click().run()
    shared = link(at)
    again = open_page(shared)
    assert not again.exception
    assert link(again) == shared
    assert list(tables(again)[0]["run"]) == list(tables(at)[0]["run"])


@pytest.mark.parametrize(
    "query",
    [
        {"land": "ravine", "opt": "sgd(learning_rate=nan)"},
        {"land": "ravine", "opt": "sgd", "r1": "steps=99999"},
        {"land": "ravine", "opt": "sgd,adam"},
        {"land": "atlantis", "opt": "sgd"},
    ],
)
def test_a_bad_link_shows_a_message_and_a_lesson(query):
    at = open_page(query)
    assert not at.exception
    assert "This link could not be read" in at.warning[0].value


def lesson_page(key: str) -> AppTest:
    at = open_page()
    at.button(key=f"lesson.{key}").click().run()
    assert not at.exception
    return at


def linked(at: AppTest) -> tuple[dict, dict]:
    """The linked component's arguments and its figure."""
    args = json.loads(linked_args(at).json_args)
    return args, json.loads(args["figure"])


def array(value) -> np.ndarray:
    """A figure's data array, whether a list or Plotly's typed-array encoding."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def test_the_linked_views_start_at_the_last_step_with_the_minima_drawn_on_top():
    args, figure = linked(open_page())
    assert args["start_step"] == args["steps"] == LESSONS["decay_under_noise"].runs[0].config.steps
    stars = [i for i, t in enumerate(figure["data"]) if t.get("name") == "minimum"]
    assert stars and min(stars) > max(m["trace"] for m in args["markers"])


def test_a_diverged_run_stops_at_its_divergence_step_with_a_cross():
    args, figure = linked(lesson_page("clipping"))
    label = LESSONS["clipping"].runs[0].label
    lines = [t for t in figure["data"] if t.get("name") == label and "lines" in t["mode"]]
    assert len(lines) == 3 and all(len(array(t["y"])) == 1 for t in lines)  # step 0 only
    crosses = [t for t in figure["data"] if t.get("marker", {}).get("symbol") == "x"]
    assert len(crosses) == 3
    assert [array(t["x"])[0] for t in crosses if t["xaxis"] != "x"] == [1, 1]
    texts = [a["text"] for a in figure["layout"]["annotations"]]
    assert sum("diverged at step 1" in text for text in texts) == 2
    assert all(len(array(figure["data"][m["lines"][0]]["y"])) == 1 for m in args["markers"])


def test_equal_learning_rate_lines_are_told_apart_by_dashes():
    _, figure = linked(lesson_page("batch_size"))
    rate_lines = {
        t["name"]: t["line"]["dash"]
        for t in figure["data"]
        if t.get("xaxis") == "x2" and t["mode"] == "lines"
    }
    same = [rate_lines[f"B = {b}, η = 0.01"] for b in (1, 8, 64)]
    assert len(set(same)) == 3
    assert figure["layout"]["yaxis2"]["type"] == "log"  # 0.01 … 0.64: one decade per label


def test_the_sharp_flat_table_and_map_name_the_minimum_each_run_ends_in():
    at = lesson_page("sharp_flat")
    table = tables(at)[0]
    assert list(table.columns[:2]) == ["run", "ends in"]
    assert list(table["ends in"]) == ["sharp pit (1, 0)"] + ["flat bowl (−1, 0)"] * 3
    _, figure = linked(at)
    texts = [a["text"] for a in figure["layout"]["annotations"]]
    assert any(t.startswith("sharp pit, λ = 50") and t.count("●") == 1 for t in texts)
    assert any(t.startswith("flat bowl, λ = 1") and t.count("●") == 3 for t in texts)


@pytest.mark.parametrize(
    ("values", "length_px"), [((1e-12, 1e2), 230), ((1e-3, 2e-1), 230), ((0.5, 3.0), 400)]
)
def test_log_axes_label_at_most_one_tick_per_decade_and_per_34_px(values, length_px):
    axis = log_axis(np.array([*values, 0.0, np.nan]), length_px)
    low, high = axis["range"]
    labels = [k for k in range(-20, 20) if low <= k <= high and k % axis["dtick"] == 0]
    assert isinstance(axis["dtick"], int) and axis["dtick"] >= 1 and axis["tick0"] == 0
    assert len(labels) >= 2
    assert length_px / (high - low) * axis["dtick"] >= 34  # px between two labels
    assert low <= np.log10(values[0]) and np.log10(values[1]) <= high


def test_long_schedule_formulas_wrap_at_their_top_level_parts():
    latex = wrapped(SCHEDULES["cosine_restarts"].latex)
    assert latex.startswith(r"\begin{gathered}") and latex.count(r"\\") == 2
    assert wrapped(SCHEDULES["constant"].latex) == SCHEDULES["constant"].latex


def test_the_lab_prepares_the_next_start_on_the_worker():
    """After a start move, the runs one start step further the same way are built in the
    background (runs, linked views, range test): once ready, the press there is a cache hit."""
    import time
    from dataclasses import replace

    import landscapes
    from optimizers.lab_config import LabConfig
    from ui import lab_figures
    from ui.controls import start_ahead

    at = open_page()
    deadline = time.monotonic() + 60
    while lab_figures._AHEAD.busy() and time.monotonic() < deadline:
        time.sleep(0.1)  # a job an earlier page left there: one at a time
    slider = at.slider(key="lab.sx")
    at.slider(key="lab.sx").set_value(slider.value - float(slider.step)).run()  # leftwards
    assert not at.exception
    runs = LabConfig.from_query(link(at)).runs
    x, y = runs[0].starts[0]
    ahead = start_ahead((x, y), landscapes.lookup(runs[0].landscape).domain, x + 1)
    assert ahead[0] < x, "the way the slider moved"
    moved = tuple(replace(config, starts=(ahead,)) for config in runs)
    while not lab_figures._AHEAD.ready(repr(moved)) and time.monotonic() < deadline + 60:
        time.sleep(0.1)
    assert lab_figures._AHEAD.ready(repr(moved))
