"""The learning-rate lab's figures are plain dicts that Plotly accepts, built once per input, and
a slider move (a run's rate, the start, inside the page's fragment) redraws what it changes."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

import landscapes
from lessons.learning_rate import CATALOG as LESSONS
from optimizers.analysis import divergence_edge, regions
from optimizers.params import Params
from optimizers.simulate import simulate
from tests.live import page_test, tables
from ui.cached import range_test
from ui.lab_figures import range_config, range_title
from ui.race_figures import landscape_grid
from viz.lr_lab import gradient_norm_figure, linked_figure, lr_range_figure, spread_figure

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "learning_rate.py")
RATE = "lab.0.hp.sgd.learning_rate"


def lesson_figures(key: str) -> dict[str, dict]:
    """Every figure the lab draws for a lesson, as the builders return them."""
    lesson = LESSONS[key]
    configs = [run.config for run in lesson.runs]
    labels = [run.label for run in lesson.runs]
    land = landscapes.lookup(configs[0].landscape)
    grid = landscape_grid(land)
    runs = [simulate(c) for c in configs]
    points = np.stack([t.points[0, 0] for t in runs])
    diverged_at = np.array([t.diverged_at[0, 0] for t in runs])
    linked, _ = linked_figure(
        grid, labels, points, np.stack([t.loss[0, 0] for t in runs]),
        np.stack([t.lr[0] for t in runs]), diverged_at, [p for p, _ in land.minima],
        land.domain, ["a pit", "a bowl"][: len(land.minima)],
    )  # fmt: skip
    rates, final, diverged = range_test(configs[0])
    gap = final - grid.minimum
    raw = np.stack([np.linalg.norm(t.grads[0, 0], axis=-1) for t in runs])
    return {
        "linked": linked,
        "spread": spread_figure(labels, [1.0] * len(labels), diverged_at, configs[0].steps),
        "range": lr_range_figure(
            rates,
            gap,
            diverged,
            regions(rates, gap, diverged),
            divergence_edge(rates, diverged),
            range_title(configs[0]),
        ),
        "gradient": gradient_norm_figure(labels, raw, raw / 2, [c.clip_norm for c in configs]),
    }


@pytest.mark.parametrize("key", list(LESSONS))
def test_every_figure_of_every_lesson_is_a_valid_plotly_figure(key):
    for name, spec in lesson_figures(key).items():
        assert isinstance(spec, dict), name
        checked = go.Figure(spec)  # validates: raises on any property Plotly does not know
        assert len(checked.data) == len(spec["data"]), name
        assert checked.layout.template.layout.plot_bgcolor == "white", name


def test_the_range_test_is_one_figure_for_every_rate_of_run_1():
    config = LESSONS["decay_under_noise"].runs[0].config
    key, hp = config.optimizers[0]
    faster = replace(config, optimizers=((key, Params(dict(hp) | {"learning_rate": 0.05})),))
    assert range_config(config) == range_config(faster)
    assert range_title(config) == range_title(faster)
    moved = replace(config, starts=((1.0, 1.0),))
    assert range_config(moved) != range_config(config)


# --- the page: the fragment's sliders redraw what they change -------------------------------


def open_page() -> AppTest:
    return page_test(PAGE).run()


def frame_args(at: AppTest, key: str) -> dict:
    """The arguments of the component drawn with `key`."""
    frames = [e.proto for e in at.get("component_instance") if e.proto.id.endswith(key)]
    assert len(frames) == 1, key
    return json.loads(frames[0].json_args)


def linked_args(at: AppTest) -> dict:
    return frame_args(at, "lab_linked")


def range_spec(at: AppTest) -> str:
    return frame_args(at, "lab_range")["figure"]


def test_run_1s_rate_redraws_the_runs_and_the_link_and_keeps_the_range_test():
    at = open_page()
    before, test_before = linked_args(at), range_spec(at)
    at.select_slider(key=RATE).set_value(0.25).run()
    assert not at.exception
    after = linked_args(at)
    assert after["figure"] != before["figure"]
    assert "Constant η = 0.5" not in after["figure"], "the lesson's labels went with the lesson"
    assert at.query_params["opt"] == "sgd(learning_rate=0.25)"
    assert "lesson" not in at.query_params and not at.info
    assert tables(at)[0]["run"][0].startswith("η=0.25")
    assert range_spec(at) == test_before, "the range test sweeps every rate of run 1"


def test_the_start_redraws_the_runs_the_range_test_and_the_link():
    at = open_page()
    before, test_before = linked_args(at), range_spec(at)
    at.slider(key="lab.sx").set_value(-5.0).run()
    assert not at.exception
    assert linked_args(at)["figure"] != before["figure"]
    assert range_spec(at) != test_before
    assert at.query_params["start"] == "-5.0,2.0"
    assert "starts at (-5, 2)" in at.caption[0].value


def test_the_charts_a_slider_changes_are_drawn_in_frames_that_plotly_updates_in_place():
    """st.plotly_chart would build a new chart for every change; the frames keep theirs."""
    at = open_page()
    at.button(key="lesson.clipping").click().run()
    assert not at.exception and not at.get("plotly_chart")
    spread = json.loads(frame_args(at, "lab_spread")["figure"])
    assert [t["type"] for t in spread["data"]] == ["bar"] * len(LESSONS["clipping"].runs)
    gradient = frame_args(at, "lab_gradient")
    assert gradient["steps"] is None and gradient["config"]["downloadSVG"] == "lab-gradient-norm"
    assert json.loads(range_spec(at))["layout"]["title"]["text"].startswith("<b>Run 1 (")


def test_the_next_step_follows_the_slider_moved_last():
    """A rate moved up is prepared one option further up, for that run only; a start moved
    left, one step further left for every run; past a slider's end, nothing."""
    from optimizers import CATALOG as OPTIMIZERS
    from optimizers.params import Params
    from ui.controls import start_step
    from ui.lab_figures import next_configs
    from ui.sliders import log_options

    configs = tuple(run.config for run in LESSONS["decay_under_noise"].runs)
    domain = landscapes.lookup(configs[0].landscape).domain
    key, hp = configs[1].optimizers[0]
    spec = OPTIMIZERS[key].hyperparam("learning_rate")
    options = log_options(spec.min, spec.max, hp["learning_rate"])
    k = options.index(hp["learning_rate"])

    def with_rate(rate):
        slot = ((key, Params(dict(hp) | {"learning_rate": rate})),)
        return (configs[0], replace(configs[1], optimizers=slot), *configs[2:])

    ahead = next_configs(with_rate(options[k]), with_rate(options[k - 1]), domain)
    assert ahead == with_rate(options[k + 1])
    assert next_configs(with_rate(options[-1]), with_rate(options[-2]), domain) is None

    (x, y), step = configs[0].starts[0], start_step(*domain[0])
    left = tuple(replace(c, starts=((x - step, y),)) for c in configs)
    ahead = next_configs(left, configs, domain)
    assert [c.starts[0] for c in ahead] == [pytest.approx((x - 2 * step, y))] * len(configs)
    assert [replace(c, starts=()) for c in ahead] == [replace(c, starts=()) for c in configs]


def test_presentation_mode_enlarges_the_linked_views_and_their_controls():
    """With ?present=1 the figure's fonts and the Play button, step label and step slider grow
    by the lecture factor; without it they stay at desk size."""
    from ui.lecture import PRESENT_FACTOR

    desk = linked_args(open_page())
    at = page_test(PAGE)
    at.query_params["present"] = "1"
    shown = linked_args(at.run())
    assert desk["scale"] == 1 and shown["scale"] == PRESENT_FACTOR
    size = lambda args: json.loads(args["figure"])["layout"]["font"]["size"]  # noqa: E731
    assert size(shown) == pytest.approx(PRESENT_FACTOR * size(desk))
