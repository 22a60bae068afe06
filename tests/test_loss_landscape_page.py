"""The loss-landscape page: each lesson's sentence on its own numbers, the page, its link."""

import base64
import io
from functools import cache
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from lessons.loss_landscape import CATALOG as LESSONS
from networks.mlp import NetConfig
from networks.train import Run, TrainConfig
from tests.live import charts, page_test, tables
from ui import loss_landscape_view as view
from ui.landscape_pictures import landscape_pictures
from ui.loss_landscape_view import LandscapeConfig
from viz import palette
from viz.background import CONTOUR_SHADE
from viz.loss_landscape import log_ticks

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "loss_landscape.py")


@cache
def result(key: str):
    """The page's own cached computation (AppTest runs in this process and reuses it)."""
    return landscape_pictures(LESSONS[key].config).result


def test_without_skips_more_strict_minima_and_twice_the_total_variation():
    plain, residual = result("skips").pictures
    assert plain.name == "without skips" and residual.name == "with skips"
    assert plain.train.local_minima > residual.train.local_minima
    assert plain.train.total_variation >= 2 * residual.train.total_variation
    assert residual.train.local_minima <= 1, "one smooth bowl"


def test_the_small_batch_basin_is_at_least_twice_as_wide():
    landscape_ = result("sharp_flat")
    small, large = landscape_.lines
    assert np.all(landscape_.histories[0].val_accuracy[:, -1] >= 0.95), "both fit the spirals"
    assert small.width >= 2 * large.width
    # The 2-D slices at the same span: the region where L < 2 L(θ) is wider.
    centre = LESSONS["sharp_flat"].config.n // 2
    valley = [
        int((p.grid.losses.train_loss < 2 * p.grid.losses.train_loss[centre, centre]).sum())
        for p in landscape_.pictures
    ]
    assert valley[0] >= 2 * valley[1]


def test_straight_segment_falls_without_barrier_and_the_path_bends_off_its_plane():
    landscape_ = result("straight")
    segment = landscape_.lines[0].segment
    alpha, loss = segment.alpha, segment.losses.train_loss
    inside = (alpha >= -1e-6) & (alpha <= 1 + 1e-6)
    assert np.all(np.diff(loss[inside]) < 0), "falls at every point from θ₀ to θ"
    assert loss[0] > loss[inside][0] and loss[-1] > loss[inside][-1], "rises beyond both ends"
    path = landscape_.pictures[0].paths[0]
    chord = path.coords[-1] - path.coords[0]
    offsets = path.coords - path.coords[0]
    bend = np.abs(chord[0] * offsets[:, 1] - chord[1] * offsets[:, 0]) / np.linalg.norm(chord)
    assert bend.max() > 0.1 * np.linalg.norm(chord), "the path is not the straight segment"
    assert path.off_plane[0] > 0.05, "θ₀ lies partly off the PCA plane"


def test_three_optimizers_momentum_follows_sgd_and_adam_goes_nearly_twice_as_far():
    landscape_ = result("three_optimizers")
    history = landscape_.histories[0]
    moves = history.final_params - history.snapshots[:, 0]
    sgd, momentum, adam = np.linalg.norm(moves, axis=1)
    cosine = moves[0] @ moves[1] / (sgd * momentum)
    assert cosine > 0.95, "momentum ends in nearly the same direction as SGD"
    assert 1.8 * max(sgd, momentum) <= adam <= 2.2 * min(sgd, momentum)
    for path in landscape_.pictures[0].paths:
        assert path.off_plane[1] > 0.5, f"{path.name}: first step mostly off the plane"
    ends = [p.off_plane[-1] for p in landscape_.pictures[0].paths]
    assert ends[0] < 1e-6 and ends[2] < 1e-6, "SGD's and Adam's ends span the plane"


def test_log_ticks_one_label_per_decade_at_most():
    values, labels = log_ticks(-3.2, 0.4)
    assert labels == ["10⁻³", "10⁻²", "10⁻¹", "1"] and values == [-3.0, -2.0, -1.0, 0.0]
    values, labels = log_ticks(-1.5, -0.6)  # less than a decade: 1-2-5 steps
    assert labels == ["0.05", "0.1", "0.2"]
    values, _ = log_ticks(-20.0, 1.0)
    assert len(values) <= 6


def open_page(query=None) -> AppTest:
    at = page_test(PAGE, 300)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_lesson_opens_with_its_sentence_and_charts(key):
    result(key)
    at = open_page({"lesson": key})
    assert not at.exception
    assert LESSONS[key].title in at.info[0].value
    plane = LESSONS[key].config.view != "random"
    assert len(charts(at)) == (4 if plane else 3)
    assert any("off the plane" in w.value for w in at.warning) == plane
    assert len(tables(at)) == 2


def test_the_slices_are_banded_pictures_of_the_loss_with_the_loss_under_the_mouse():
    """Each map's picture: the lowest loss of all maps in the lightest band, the highest in the
    darkest (or on a contour line, a shade darker); the heatmap over it hovers L itself."""
    pictures = result("skips").pictures
    figure = landscape_pictures(LESSONS["skips"].config).figures["land.slices"]
    grids = [g for p in pictures for g in (p.grid.losses.train_loss, p.grid.losses.val_loss)]
    light, dark = palette.hex_to_rgb(palette.LANDSCAPE_COLOURS[0]), (0xAB,) * 3
    lowest, highest = min(g.min() for g in grids), max(g.max() for g in grids)
    assert np.log10(highest / lowest) <= 10, "within the 10 decades the bands resolve"
    hovers = [t for t in figure["data"] if t["type"] == "heatmap"]
    for grid, image, hover in zip(grids, figure["layout"]["images"], hovers, strict=True):
        np.testing.assert_allclose(hover["z"], grid, rtol=5e-4)
        png = base64.b64decode(image["source"].split(",", 1)[1])
        pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
        size = pixels.shape[0] - 1
        for value, colour in ((lowest, light), (highest, dark)):
            if value not in grid:
                continue
            i, j = np.argwhere(grid == value)[0]
            row, column = (
                round((len(grid) - 1 - i) / (len(grid) - 1) * size),
                round(j / (len(grid) - 1) * size),
            )
            seen = tuple(int(c) for c in pixels[row, column])
            shaded = tuple(round(c * CONTOUR_SHADE) for c in colour)
            assert max(abs(a - b) for a, b in zip(seen, colour, strict=True)) <= 1 or (
                seen == shaded
            ), (value, seen)


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_figure_is_a_valid_plotly_figure(key):
    """The figures are built as dicts: plotly.py validates them (an unknown property raises)."""
    for name, spec in landscape_pictures(LESSONS[key].config).figures.items():
        figure = go.Figure(spec)
        assert figure.data, name


def test_a_link_round_trips_and_a_bad_one_shows_its_message_and_the_first_lesson():
    result("straight")
    at = open_page({"lesson": "straight"})
    link = {k: at.query_params[k] for k in at.query_params}
    assert link["lesson"] == "straight"
    settings_ = {k: v for k, v in link.items() if k != "lesson"}
    assert LandscapeConfig.from_query(settings_) == LESSONS["straight"].config
    again = open_page(link)
    assert {k: again.query_params[k] for k in again.query_params} == link
    result("skips")
    bad = open_page({"data": "moons", "grid": "30"})
    assert not bad.exception
    assert "could not be read" in bad.warning[0].value and "odd" in bad.warning[0].value
    assert LESSONS["skips"].title in bad.info[0].value


@pytest.mark.parametrize(
    "query, message",
    [
        ({"zoom": "2"}, "does not know: 'zoom'"),
        ({"view": "hessian"}, "Unknown view"),
        ({"alpha": "0.5,1.5"}, "must contain [0, 1]"),
        ({"alpha": "1"}, "two numbers"),
        ({"skips": "yes"}, "skips= is 0 or 1"),
        ({"span": "nan"}, "finite"),
        ({"view": "shared"}, "two or more runs"),
    ],
)
def test_bad_links_are_refused_with_a_readable_message(query, message):
    with pytest.raises(ValueError, match=None) as error:
        LandscapeConfig.from_query(query)
    assert message in str(error.value)


OPTIMIZER_RUNS = st.sampled_from(
    [
        (Run("adam", {"learning_rate": 0.01}, None, 32),),
        (Run("sgd", {"learning_rate": 0.3}, None, 8), Run("adam", {"learning_rate": 0.003})),
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    runs=OPTIMIZER_RUNS,
    dataset=st.sampled_from(["moons", "spirals", "circles"]),
    depth=st.integers(1, 20),
    residual=st.booleans(),
    steps=st.integers(1, 2000),
    view=st.sampled_from(["random", "pca", "shared"]),
    span=st.floats(0.05, 5.0),
    n=st.sampled_from([11, 21, 31, 41, 51]),
    seed=st.integers(0, 2**30 - 1),
    lo=st.floats(-2.0, 0.0),
    hi=st.floats(1.0, 3.0),
    skips=st.booleans(),
)
def test_any_config_round_trips_through_its_link(
    runs, dataset, depth, residual, steps, view, span, n, seed, lo, hi, skips
):
    if view == "shared" and (len(runs) < 2 or skips):
        skips, view = False, "random"
    config = LandscapeConfig(
        TrainConfig(
            dataset, 200, net=NetConfig(depth, 16, residual=residual), runs=runs, steps=steps
        ),
        view=view,
        span=span,
        n=n,
        seed=seed,
        alpha=(lo, hi),
        skips=skips,
    )
    assert LandscapeConfig.from_query(config.to_query()) == config


def test_the_span_reslices_without_training_and_updates_the_charts_and_the_link(monkeypatch):
    """The span and what it changes rerun as one fragment; the networks are not trained again."""
    at = open_page({"lesson": "skips"})
    before = charts(at)
    trainings = []
    monkeypatch.setattr(view, "train", lambda config: trainings.append(config))
    at.slider(key="land.span").set_value(0.5).run()
    assert not at.exception
    assert trainings == []
    assert at.query_params["span"] == "0.5"
    assert "lesson" not in at.query_params
    assert not at.info
    after = charts(at)
    assert after[0] != before[0], "the slices are sliced again"
    lines = [i for i, f in enumerate(after) if "basin width" in str(f["data"])]
    assert lines and all(after[i] == before[i] for i in lines), "the lines do not depend on it"
    surfaces = [i for i, f in enumerate(after) if "surface" in str(f["data"])]
    assert surfaces and all(after[i] == before[i] for i in surfaces), "nor the 3-D surfaces"


def test_the_3d_surfaces_span_li_et_al_s_window_at_every_span():
    config = LESSONS["skips"].config
    at = [landscape_pictures(config.replace(span=span)) for span in (0.5, 2.0)]
    surfaces = [p.figures["land.surfaces"] for p in at]
    assert surfaces[0] == surfaces[1]
    window = landscape_pictures(config.replace(span=view.SURFACE_SPAN)).result
    for trace, picture in zip(surfaces[0]["data"], window.pictures, strict=True):
        assert (trace["x"][0], trace["x"][-1]) == (-view.SURFACE_SPAN, view.SURFACE_SPAN)
        np.testing.assert_allclose(np.power(10.0, trace["z"]), picture.grid.losses.train_loss)


def test_the_lines_and_the_basin_width_are_the_same_at_every_span():
    config = LESSONS["sharp_flat"].config
    at = {span: landscape_pictures(config.replace(span=span)) for span in (0.05, 0.5, 2.0)}
    widths = {span: [line.width for line in p.result.lines] for span, p in at.items()}
    assert widths[0.05] == widths[0.5] == widths[2.0]
    assert max(widths[0.5]) > 2 * 0.05, "wider than the smallest span: it would have been cut"
    figures = [p.figures["land.lines"] for p in at.values()]
    assert figures[0] == figures[1] == figures[2]
    (alpha,) = {tuple(line.random.alpha[[0, -1]]) for line in at[0.5].result.lines}
    assert alpha == view.LINE_RANGE
