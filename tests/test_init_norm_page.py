"""The initialization and normalization page: each lesson's sentence on its own numbers (with
closed forms where there are any), every lesson opening with its charts, and the link."""

import math
from functools import cache
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from lessons.init_norm import CATALOG as LESSONS
from networks.mlp import ACTIVATIONS, INITIALIZERS, NORMS
from networks.statistics import SYMMETRY_NET, statistics, symmetry
from networks.train import train
from optimizers.compilations import count_compilations
from tests.live import charts, page_test
from ui.init_norm_view import BATCH, CLASSES, InitNormConfig
from viz.init_norm import layer_statistics_figure

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "init_norm.py")
BASE_CHARTS = 6  # statistics, batch statistics, two axes drawings, two input-normalization races


@cache
def measured(config: InitNormConfig, seed: int | None = None):
    """The page's engine call for a config (another seed if asked)."""
    net = config.net
    return statistics(net, net.width, BATCH, CLASSES, config.seed if seed is None else seed)


def lesson(key: str, **changes) -> InitNormConfig:
    return InitNormConfig(**{**LESSONS[key].config.__dict__, **changes})


def compared(key: str):
    config = LESSONS[key].config
    return measured(lesson(key, init=config.compare, sigma=1.0))


@cache
def symmetry_runs():
    return symmetry(SYMMETRY_NET), symmetry(SYMMETRY_NET.replace(init="xavier"))


@cache
def rescue():
    config = LESSONS["bn_rescue"].config
    return train(config.training("none")), train(config.training("batch"))


def test_all_zeros_leaves_every_unit_identical():
    stats = measured(LESSONS["zeros"].config)
    np.testing.assert_allclose(stats.mean, 0.5, atol=1e-6)  # sigmoid(0) = ½ in every unit
    assert stats.std.max() < 1e-6
    np.testing.assert_array_equal(stats.grad_norm, 0.0)
    zeros, random = symmetry_runs()
    np.testing.assert_allclose(zeros.first, zeros.second, rtol=1e-6, atol=1e-9)
    assert np.abs(zeros.first[-1] - zeros.first[0]).max() > 0.1, "the weights do move"
    assert np.abs(random.first[-1] - random.second[-1]).max() > 0.1, "a random start parts them"


def test_too_small_collapses_activations_and_gradients():
    config = LESSONS["too_small"].config
    second = measured(config).second_moment
    s = config.width * config.sigma**2  # Var z of layer 1
    assert second[0] == pytest.approx(s - 2 * s**2, rel=0.05)  # E[tanh(z)²] for small s
    assert 0.015 < second[0] < 0.03, "about 0.02 at layer 1"
    np.testing.assert_allclose(second[1:5] / second[:4], s, rtol=0.15)
    assert s == pytest.approx(0.026, abs=5e-4)
    assert second[4] < 1e-7, "below 10⁻⁷ by layer 5"
    assert measured(config).grad_norm.max() < 1e-10
    xavier = compared("too_small").grad_norm
    assert np.all((xavier > 0.03) & (xavier < 0.3)), "Xavier's: about 0.1"


def test_too_large_saturates_and_the_weight_gradients_explode_towards_the_input():
    config = LESSONS["too_large"].config
    stats = measured(config)
    assert np.all(stats.saturated > 0.85)
    grads = stats.grad_norm
    assert np.all(np.diff(np.log(grads)) < 0), "larger at every step towards the input"
    per_layer = (grads[0] / grads[-1]) ** (1 / (config.depth - 1))
    assert 2.0 < per_layer < 4.5, "about 3× per layer"
    assert 0.5 < grads[-1] < 10, "a few units at layer 20"
    assert grads[0] > 1e8
    xavier_std = math.sqrt(2 / (config.width + config.width))
    assert config.sigma / xavier_std == pytest.approx(16)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_xavier_tanh_variance_falls_like_one_over_the_layer(seed):
    stats = measured(LESSONS["xavier_tanh"].config, seed)
    variance = stats.std**2
    assert 0.3 < variance[0] < 0.5 and 0.035 < variance[9] < 0.07
    assert 0.017 < variance[19] < 0.035
    layer = np.arange(1, len(variance) + 1)
    assert np.all(np.diff(variance) < 0)
    assert np.all((layer * variance / variance[0])[4:] > 0.5)
    assert np.all((layer * variance / variance[0])[4:] < 3)
    # layer 1: z ~ N(0, n · 2/(n + n)) = N(0, 1), saturated where |z| > atanh 0.9
    beyond = math.erfc(math.atanh(0.9) / math.sqrt(2))
    assert stats.saturated[0] == pytest.approx(beyond, abs=0.01)
    assert 1 / 8 < beyond < 1 / 6, "one activation in seven"
    assert stats.saturated[1:].max() < 0.03, "deeper layers hardly at all"
    assert stats.grad_norm.max() < 2 * stats.grad_norm.min()


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_he_keeps_relu_second_moment_where_xavier_halves_it(seed):
    config = LESSONS["he_relu"].config
    he = measured(config, seed)
    xavier = measured(lesson("he_relu", init="xavier"), seed)
    ratio = he.second_moment / he.second_moment[0]
    assert np.all((ratio > 1 / 3) & (ratio < 3)), "about the same through all layers"
    # layer 1: E[relu(z)²] = ½ Var z = ½ · n · Var W for inputs with E[x²] = 1
    assert he.second_moment[0] == pytest.approx(0.5 * config.width * 2 / config.width, rel=0.05)
    assert xavier.second_moment[0] == pytest.approx(0.5 * he.second_moment[0], rel=0.05)
    per_layer = (xavier.second_moment[-1] / xavier.second_moment[0]) ** (1 / (config.depth - 1))
    assert 0.4 < per_layer < 0.6
    assert 1e-7 < xavier.second_moment[-1] < 1e-5, "about 10⁻⁶ by layer 20"
    assert np.all(xavier.grad_norm < 1e-2 * he.grad_norm)


def test_batch_norm_keeps_the_spread_and_trains_where_the_bare_net_stalls():
    stats = measured(LESSONS["bn_rescue"].config)
    z = np.linspace(-8, 8, 16_001)  # E[tanh(z)²] for z ~ N(0, 1), by quadrature
    expected = np.trapezoid(np.tanh(z) ** 2 * np.exp(-(z**2) / 2), z) / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(stats.second_moment, expected, rtol=0.05)
    assert 0.35 < expected < 0.45, "near 0.4"
    bare, normalized = rescue()
    assert np.all(np.abs(bare.train_loss[0] - math.log(2)) < 0.02), "a coin toss all the way"
    assert bare.val_accuracy[0, -1] < 0.6
    assert normalized.train_loss[0, -1] < 0.1
    assert normalized.val_accuracy[0, -1] >= 0.95
    assert np.all(bare.diverged_at < 0) and np.all(normalized.diverged_at < 0)


def test_a_sigma_or_seed_change_never_recompiles():
    config = LESSONS["too_small"].config
    measured(config)

    def slide():
        for i, sigma in enumerate((0.02, 0.1, 1.5)):
            measured(InitNormConfig(**{**config.__dict__, "sigma": sigma, "seed": 7 + i}))

    assert count_compilations(slide) == 0


def open_page(query=None) -> AppTest:
    at = page_test(PAGE, 300)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_lesson_opens_with_its_sentence_and_charts(key):
    at = open_page({"lesson": key})
    assert not at.exception
    assert LESSONS[key].title in at.info[0].value
    extra = int(key in ("zeros", "bn_rescue"))  # the symmetry or the training curves
    assert len(charts(at)) == BASE_CHARTS + extra
    assert at.query_params["lesson"] == key


def test_a_link_round_trips_and_a_bad_one_shows_its_message_and_the_first_lesson():
    at = open_page({"lesson": "he_relu"})
    link = {k: at.query_params[k] for k in at.query_params}
    assert InitNormConfig.from_query({k: v for k, v in link.items() if k != "lesson"}) == (
        LESSONS["he_relu"].config
    )
    again = open_page(link)
    assert {k: again.query_params[k] for k in again.query_params} == link
    bad = open_page({"depth": "99"})
    assert not bad.exception
    assert "could not be read" in bad.warning[0].value and "depth" in bad.warning[0].value
    assert LESSONS["zeros"].title in bad.info[0].value


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"rate": "0.1"}, "unknown key 'rate'"),
        ({"depth": "0"}, "depth must be a whole number from 1 to 20"),
        ({"width": "wide"}, "width must be a number"),
        ({"act": "swish"}, "Unknown activation 'swish'"),
        ({"init": "lecun"}, "Unknown initialization 'lecun'"),
        ({"cmp": "lecun"}, "compare 'lecun'"),
        ({"sigma": "0"}, "σ must be in"),
        ({"sigma": "nan"}, "σ must be a finite number"),
        ({"mom": "1"}, "momentum must be in"),
        ({"B": "1"}, "batch size B"),
        ({"train": "yes"}, "train= is 0 or 1"),
    ],
)
def test_a_malformed_link_is_refused_with_a_readable_message(query, message):
    with pytest.raises(ValueError, match=message):
        InitNormConfig.from_query(query)


configs = st.builds(
    InitNormConfig,
    depth=st.integers(1, 20),
    width=st.integers(2, 256),
    activation=st.sampled_from(list(ACTIVATIONS)),
    init=st.sampled_from(list(INITIALIZERS)),
    sigma=st.floats(0.001, 10.0),
    norm=st.sampled_from(NORMS),
    compare=st.sampled_from(["none", *INITIALIZERS]),
    seed=st.integers(0, 2**31 - 1),
    train=st.booleans(),
    momentum=st.floats(0.0, 0.999),
    batch=st.integers(2, 256),
    rate=st.floats(0.001, 1.5),
)


@settings(max_examples=200, deadline=None)
@given(configs)
def test_any_config_round_trips_through_its_link(config):
    assert InitNormConfig.from_query(config.to_query()) == config


def main_figure(at: AppTest) -> dict:
    return charts(at)[0]


def test_sigma_reruns_its_fragment_with_a_new_figure_a_new_link_and_no_lesson():
    """σ and what it changes rerun as one fragment; the figure, the link and the lesson's note
    still follow it, and the sections below stay."""
    at = open_page({"lesson": "too_small"})
    before = main_figure(at)
    count = len(charts(at))
    at.select_slider(key="in.sigma").set_value(0.1).run()
    assert not at.exception
    assert at.query_params["sigma"] == "0.1"
    assert "lesson" not in at.query_params
    assert not at.info
    after = main_figure(at)
    assert after["data"][2]["y"] != before["data"][2]["y"]  # E[a²] per layer
    assert "σ = 0.1" in after["layout"]["annotations"][0]["text"]
    assert len(charts(at)) == count


def test_the_layer_statistics_figure_is_a_valid_plotly_figure():
    config = LESSONS["too_small"].config
    stats = statistics(config.net, config.width, BATCH, CLASSES, config.seed)
    figure = go.Figure(layer_statistics_figure(stats, "normal", stats, "again", "a title"))
    assert figure.layout.annotations[0].text == "a title"
    assert figure.layout.yaxis2.type == "log"
    assert len(figure.data) == 2 + 2 * 2 + 2
