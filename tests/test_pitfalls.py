"""The "Adam's weaknesses" page: each lesson's sentence on its own numbers, the link, the page."""

from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from lessons.adam_pitfalls import CATALOG as LESSONS
from optimizers.pitfalls import LANDSCAPES, PARTS, PitfallConfig, online_runs, run_pitfall
from tests.live import charts
from viz.pitfalls import online_figure

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "adam_pitfalls.py")


def run(key: str):
    return run_pitfall(LESSONS[key].config)


def by_key(key: str, result) -> dict:
    return dict(zip(online_runs(LESSONS[key].config), range(len(result.x)), strict=True))


def test_reddi_adam_settles_near_plus_one_and_amsgrad_at_minus_one():
    result = run("reddi")
    o = by_key("reddi", result)
    assert result.x_star == -1.0
    assert result.x[o["adam"], -1] > 0.85
    assert result.x[o["amsgrad_reddi"], -1] < -0.95 and result.x[o["amsgrad"], -1] < -0.95
    regret = result.average_regret
    assert regret[o["adam"], -1] > 0.5
    for key in ("amsgrad_reddi", "amsgrad"):
        assert regret[o[key], -1] < 0.1 < regret[o[key], len(result.steps) // 20]


def test_reddi_with_large_momentum_adam_finds_the_minimum():
    config = LESSONS["reddi_b1"].config
    assert config.b1 > np.sqrt(config.b2)
    result = run("reddi_b1")
    assert result.x[by_key("reddi_b1", result)["adam"], -1] < -0.95


def test_reddi_online_a_million_steps():
    result = run("reddi_online")
    o = by_key("reddi_online", result)
    adam = result.x[o["adam"]]
    passes = result.steps[np.argmax(adam > 0.9)]
    assert 7_000 < passes < 13_000 and np.all(adam[result.steps > 20_000] > 0.9)
    regret = result.average_regret[:, -1]
    assert 0.18 < regret[o["adam"]] < 0.28
    assert regret[o["amsgrad"]] < 0.01 and regret[o["amsgrad_reddi"]] < 0.05
    assert result.x[o["amsgrad"], -1] < -0.95 and result.x[o["amsgrad_reddi"], -1] < -0.95


def test_reddi_stochastic_adam_drifts_up_and_amsgrad_down():
    result = run("reddi_stochastic")
    o = by_key("reddi_stochastic", result)
    assert result.x[o["adam"], -1] > 0.9
    assert result.x[o["amsgrad"], -1] < -0.9 and result.x[o["amsgrad_reddi"], -1] < -0.9


def test_wilson_gd_gets_every_fresh_point_right_and_adam_calls_them_all_plus_one():
    result = run("wilson")
    gd, adam, rmsprop = range(3)
    assert result.test_error[gd, -1] == 0.0
    np.testing.assert_allclose(result.weights[gd, -1], result.min_norm, atol=1e-3)
    for o in (adam, rmsprop):
        w = result.weights[o, -1]
        np.testing.assert_allclose(w[:3], 0.25, atol=2e-3)
        assert np.all(result.test_predictions[o] > 0)
        assert result.test_error[o, -1] > 0.2


def test_swats_switches_part_way_and_sgd_finishes_the_run():
    result = run("swats")
    k = result.switch_step
    assert k > 1 and 0.1 < result.sgd_rate < 0.3
    start, end = result.points[0], result.points[-1]
    left = np.linalg.norm(result.points[k] - end) / np.linalg.norm(start - end)
    assert 0.2 < left < 0.45
    assert result.loss[-1] < 1e-6


def test_adagrad_stalls_while_rmsprop_reaches_the_minimum():
    result = run("adagrad_stall")
    adagrad, rmsprop = range(2)
    along = result.rates[adagrad, :, 0]
    assert along[0] > 0.12 and along[-1] < 0.01
    assert np.all(np.diff(along) <= 1e-7)
    assert abs(result.points[adagrad, -1, 0]) > 1.0
    assert np.linalg.norm(result.points[rmsprop, -1]) < 0.1
    assert result.rates[rmsprop, -1, 0] > result.rates[rmsprop, 10, 0]


def test_adam_seems_to_settle_then_hovers_around_the_minimum():
    x = np.abs(run("adam_cycle").x)
    assert x[300:900].min() < 1e-10
    late = x[-1000:]
    assert 1e-4 < np.median(late) < 1e-2
    signs = np.sign(run("adam_cycle").x[-40:])
    assert np.sum(signs[1:] != signs[:-1]) >= 20


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(PARTS),
    st.floats(1.0, 20.0),
    st.floats(0.0, 0.999),
    st.floats(0.01, 0.9999),
    st.floats(1e-4, 10.0),
    st.booleans(),
    st.integers(1, 20_000),
    st.sampled_from(LANDSCAPES),
)
def test_a_pitfall_link_round_trips(part, big, b1, b2, rate, sqrt, steps, land):
    config = PitfallConfig(part, big, b1, b2, rate, sqrt, steps, landscape=land)
    assert PitfallConfig.from_query(config.to_query()) == config


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"part": "reddi", "C": "nan"}, "finite"),
        ({"part": "reddi", "b2": "2"}, "β₂ must lie in"),
        ({"part": "wilson", "steps": "1000000"}, "at most 20,000"),
        ({"part": "nope"}, "The part must be one of"),
        ({"part": "reddi", "rate": "fast"}, "rate= is"),
        ({"part": "reddi", "lrr": "1"}, "does not know: 'lrr'"),
    ],
)
def test_a_bad_pitfall_link_says_why(query, message):
    with pytest.raises(ValueError, match=message):
        PitfallConfig.from_query(query)


def open_page(query=None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=200)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_lesson_opens_with_its_sentence(key):
    at = open_page({"lesson": key})
    assert not at.exception
    assert LESSONS[key].title in at.info[0].value
    assert charts(at)


def test_a_bad_link_shows_why_and_the_first_lesson():
    at = open_page({"part": "reddi", "b2": "7"})
    assert not at.exception
    assert "could not be read" in at.warning[0].value
    assert LESSONS["reddi"].title in at.info[0].value


def figure_data(at: AppTest) -> list:
    return charts(at)[0]["data"]


def test_beta2_reruns_its_fragment_with_new_curves_a_new_link_and_no_lesson():
    """β₂ and the figures it changes rerun as one fragment; the figure, the link and the
    lesson's note still follow it."""
    at = open_page({"lesson": "reddi"})
    before = figure_data(at)
    assert at.query_params["lesson"] == "reddi"
    at.slider(key="ap.b2").set_value(0.999).run()
    assert not at.exception
    assert at.query_params["b2"] == "0.999"
    assert "lesson" not in at.query_params
    assert not at.info
    assert figure_data(at) != before
    assert len(figure_data(at)) == 2 * len(online_runs(LESSONS["reddi"].config))


def test_the_online_figure_is_a_valid_plotly_figure():
    config = LESSONS["reddi_online"].config
    result = run_pitfall(config)
    names = list(online_runs(config))
    spec = online_figure(
        result.steps, result.x, result.average_regret, result.x_star, names,
        [dict(color="red")] * len(names), log_steps=True,
    )  # fmt: skip
    figure = go.Figure(spec)
    assert figure.layout.xaxis.type == "log"
    assert figure.layout.shapes[0].y0 == result.x_star
    assert len(figure.data) == 2 * len(names)
