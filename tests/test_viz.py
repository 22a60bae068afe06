"""The figure builders keep their promises: frames without background, fixed axes, ✕ at the
divergence step, heads where the engine's points are, and a small enough payload."""

import base64
import itertools

import numpy as np
import plotly.graph_objects as go
import pytest

import landscapes
from components.live_figures import figure_bytes
from landscapes.grid import evaluate_grid
from lessons.race import CATALOG as PRESETS
from lessons.starts import grid
from optimizers.analysis import divergence_edge, regions
from optimizers.run_config import RunConfig
from optimizers.simulate import simulate
from viz import (
    Grid,
    basins_figure,
    curves_figure,
    inspector_figure,
    inspector_rows,
    race_figure,
    surface_figure,
)
from viz.background import probe_grid
from viz.lr_lab import linked_figure
from viz.race import Drawing, drawing, drawn_steps, exit_point

MEGABYTE = 1_000_000


def grid_of(key: str) -> Grid:
    land = landscapes.CATALOG[key]
    xs, ys, values = evaluate_grid(land, 80)
    return Grid(xs, ys, values, land.log_levels, min(f for _, f in land.minima))


def race_of(config: RunConfig, names=None) -> tuple[go.Figure, object]:
    land = landscapes.CATALOG[config.landscape]
    run = simulate(config)
    names = names or [key for key, _ in config.optimizers]
    spec = race_figure(
        grid_of(land.key),
        names,
        run.points,
        run.diverged_at,
        [p for p, _ in land.minima],
        list(land.saddles),
        land.domain,
    )
    return go.Figure(spec), run  # validates the unvalidated figure dict


def decoded(values) -> np.ndarray:
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


def long_race() -> RunConfig:
    return PRESETS["zigzag"].config.replace(steps=1000)


def test_a_long_race_has_at_most_300_frames_and_none_carries_the_landscape():
    figure, _ = race_of(long_race())
    assert 2 <= len(figure.frames) <= 300
    for frame in figure.frames:
        assert all(trace.type == "scatter" for trace in frame.data)
    assert len(figure.layout.images) == 1
    assert not any(isinstance(trace, go.Heatmap | go.Contour) for trace in figure.data)


def test_the_map_probe_reads_the_landscape_values():
    figure, _ = race_of(PRESETS["rosenbrock"].config)
    probe = figure.layout.meta["probe"]
    xs, ys, f = np.array(probe["x"]), np.array(probe["y"]), np.array(probe["f"])
    (x0, x1), (y0, y1) = landscapes.CATALOG["rosenbrock"].domain
    assert (xs[0], xs[-1], ys[0], ys[-1]) == pytest.approx((x0, x1, y0, y1))
    assert f.shape == (len(ys), len(xs)) and len(xs) <= 49
    rosenbrock = (1 - xs[None, :]) ** 2 + 100 * (ys[:, None] - xs[None, :] ** 2) ** 2
    np.testing.assert_allclose(f, rosenbrock, rtol=2e-3, atol=1e-6)


def test_four_optimizers_over_1000_steps_send_under_a_megabyte():
    figure, _ = race_of(long_race())
    assert len(figure_bytes(figure, displayModeBar=False)) < MEGABYTE


def big_grid_race() -> RunConfig:
    """Issue 13's large run: 6 optimizers × 12 × 12 starts × 2000 steps."""
    land = landscapes.CATALOG["himmelblau"]
    optimizers = tuple(
        (k, {}) for k in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
    )
    return RunConfig(land.key, optimizers, grid(land.domain, 12), 2000)


def test_a_large_race_is_drawn_within_its_budget_with_exact_heads_and_steps():
    config = big_grid_race()
    figure, run = race_of(config)
    assert len(figure_bytes(figure, displayModeBar=False)) < 1.6 * MEGABYTE  # 79 MB undrawn
    budget = drawing(6 * 144, 2000)
    assert budget.reduced and len(figure.frames) == budget.frames
    steps = [int(frame.name.split(".")[1]) for frame in figure.frames]
    assert steps[0] == 0 and steps[-1] == 2000 and steps == sorted(steps)
    labels = [int(step.label) for step in figure.layout.sliders[0].steps]
    assert set(labels) <= set(steps) and labels[-1] == 2000
    heads = [t for t in figure.data if t.marker.symbol == "circle"]
    assert (run.diverged_at < 0).sum() > 100
    final = figure.frames[-1]
    for o, trace in enumerate(heads):
        on = run.diverged_at[o] < 0  # a diverged start's head is gone, its ✕ marks the end
        np.testing.assert_allclose(decoded(trace.x)[on], run.points[o, on, -1, 0], atol=1e-5)
        data = final.data[list(final.traces).index(figure.data.index(trace))]
        np.testing.assert_allclose(decoded(data.y)[on], run.points[o, on, -1, 1], atol=1e-5)


def test_a_small_race_is_drawn_whole():
    assert drawing(4, 1000) == Drawing(stride=1, frames=300)
    np.testing.assert_array_equal(drawn_steps(10, 4), [0, 4, 8, 10])


def test_axes_stay_on_the_domain():
    figure, _ = race_of(long_race())
    (x0, x1), (y0, y1) = landscapes.CATALOG["ravine"].domain
    assert tuple(figure.layout.xaxis.range) == (x0, x1)
    assert tuple(figure.layout.yaxis.range) == (y0, y1)
    assert figure.layout.xaxis.autorange is False


def test_frame_heads_sit_on_the_engine_points_at_the_frame_step():
    config = PRESETS["himmelblau"].config
    figure, run = race_of(config)
    head_traces = [i for i, t in enumerate(figure.data) if t.marker.symbol == "circle"]
    assert len(head_traces) == len(config.optimizers)
    for frame in figure.frames[:: max(1, len(figure.frames) // 7)]:
        step = int(frame.name.split(".")[1])
        for o, trace in enumerate(head_traces):
            data = frame.data[list(frame.traces).index(trace)]
            np.testing.assert_allclose(decoded(data.x), run.points[o, :, step, 0], atol=1e-5)
            np.testing.assert_allclose(decoded(data.y), run.points[o, :, step, 1], atol=1e-5)


def test_a_diverged_run_ends_in_a_cross_labelled_with_its_step():
    config = RunConfig("ravine", (("sgd", {"learning_rate": 1.5}),), ((-7.0, 2.0),), steps=80)
    figure, run = race_of(config)
    k = int(run.diverged_at[0, 0])
    assert k > 0
    crosses = [t for t in figure.data if t.marker.symbol == "x"]
    assert len(crosses) == 1
    assert list(crosses[0].text) == [f"diverged at step {k}"]
    (x0, x1), (y0, y1) = config_domain = landscapes.CATALOG["ravine"].domain
    x, y = decoded(crosses[0].x)[0], decoded(crosses[0].y)[0]
    assert x0 <= x <= x1 and y0 <= y <= y1, config_domain


def test_exit_point_is_where_the_last_segment_leaves_the_domain():
    path = np.array([[0.0, 0.0], [0.5, 0.0], [3.0, 0.0]])
    np.testing.assert_allclose(exit_point(path, 2, ((-1, 1), (-1, 1))), [1.0, 0.0])
    np.testing.assert_allclose(exit_point(path, 1, ((-1, 1), (-1, 1))), [0.5, 0.0])


def test_curves_have_four_panels_with_log_loss_and_one_legend_entry_per_optimizer():
    config = PRESETS["zigzag"].config
    run = simulate(config)
    names = ["SGD", "Momentum", "AdaGrad", "Adam"]
    figure = go.Figure(
        curves_figure(
            names,
            run.loss,
            np.linalg.norm(run.points, axis=-1),
            run.lr,
            np.linalg.norm(run.grads, axis=-1),
            run.diverged_at,
            0.0,
        )
    )
    assert [t.name for t in figure.data if t.showlegend] == names
    assert figure.layout.yaxis.type == "log"
    spans_a_decade = run.lr.max() / run.lr.min() >= 10
    assert figure.layout.yaxis3.type == ("log" if spans_a_decade else "linear")
    for axis in (figure.layout.yaxis, figure.layout.yaxis3, figure.layout.yaxis4):
        assert axis.type == "linear" or axis.dtick >= 1, "at most one label per decade"
    assert len(figure.layout.annotations) == 4


def test_surface_and_inspector_build_for_a_log_landscape():
    config = PRESETS["rosenbrock"].config
    run = simulate(config)
    grid = grid_of("rosenbrock")
    names = [key for key, _ in config.optimizers]
    surface = surface_figure(grid, names, run.points, run.loss)
    assert isinstance(surface.data[0], go.Surface)
    assert np.all(np.isfinite(surface.data[0].z))
    heads = run.points[:, 0, 5]
    inspector = inspector_figure(
        grid, names, heads, -run.lr[:, 5, None] * run.grads[:, 0, 5], run.updates[:, 0, 5],
        landscapes.CATALOG["rosenbrock"].domain,
    )  # fmt: skip
    (x0, x1), (y0, y1) = inspector.layout.xaxis.range, inspector.layout.yaxis.range
    assert np.all((x0 <= heads[:, 0]) & (heads[:, 0] <= x1))
    assert np.all((y0 <= heads[:, 1]) & (heads[:, 1] <= y1))


def test_inspector_rows_give_the_effective_rate():
    rows = inspector_rows(["SGD", "flat"], np.array([2.0, 0.0]), np.array([0.5, 0.1]))
    assert rows[0]["‖Δx‖ / ‖∇f‖"] == "0.25"
    assert rows[1]["‖Δx‖ / ‖∇f‖"] == "nan"


@pytest.mark.parametrize("labels", [[[0, 1], [-1, -2]], [[0, 0], [0, 0]]])
def test_basins_legend_lists_only_the_outcomes_present(labels):
    labels = np.array(labels)
    figure = basins_figure(
        np.array([0.0, 1.0]), np.array([0.0, 1.0]), labels,
        [(0.0, 0.0), (1.0, 1.0)], ((0, 1), (0, 1)), "basins",
    )  # fmt: skip
    legend = [t.name for t in figure.data if t.type == "scatter" and t.showlegend is not False]
    assert len(legend) == len(np.unique(labels))


def test_lr_range_regions_split_the_rate_axis_at_the_best_rates_and_the_edge():
    rates = np.geomspace(1e-3, 10, 9)
    final_gap = np.array([1.0, 0.5, 0.1, 0.01, 0.005, 0.2, 0.0, 0.0, 0.0])
    diverged = np.array([False] * 6 + [True] * 3)
    assert divergence_edge(rates, diverged) == pytest.approx(rates[6])
    found = regions(rates, final_gap, diverged)
    assert found["too small"] == pytest.approx((rates[0], rates[3]))
    assert found["just right"] == pytest.approx((rates[3], rates[4]))
    assert found["diverges"] == pytest.approx((rates[6], rates[8]))


def test_no_edge_when_the_largest_rate_is_stable():
    assert divergence_edge(np.array([0.1, 1.0]), np.array([True, False])) is None


def test_linked_figure_lists_a_marker_trace_per_view_following_every_runs_line():
    config = PRESETS["zigzag"].config
    run = simulate(config)
    labels = ["a", "b", "c", "d"]
    figure, markers = linked_figure(
        grid_of("ravine"), labels, run.points[:, 0], run.loss[:, 0], run.lr, run.diverged_at[:, 0],
        [(0.0, 0.0)], landscapes.CATALOG["ravine"].domain,
    )  # fmt: skip
    assert len(markers) == 3 and all(len(m["lines"]) == len(labels) for m in markers)
    heads, rates = markers[0], markers[1]
    checked = go.Figure(figure)  # the dict is a valid figure
    assert checked.data[heads["trace"]].mode == "markers"
    assert len(checked.data[heads["trace"]].x) == len(labels)  # a head per run
    np.testing.assert_allclose(decoded(figure["data"][heads["lines"][0]]["x"]),
                               run.points[0, 0, :, 0], atol=1e-5)  # fmt: skip
    assert len(decoded(figure["data"][rates["lines"][0]]["y"])) == config.steps


def test_basins_legend_matches_the_colour_of_each_kind_of_start():
    """One start of each kind: ends at minimum 0, at minimum 1, diverged, near no known minimum."""
    labels = np.array([[0, 1], [-1, -2]])
    minima = [(0.0, 0.0), (1.0, 1.0)]
    figure = basins_figure(
        np.array([0.0, 1.0]), np.array([0.0, 1.0]), labels, minima, ((0, 1), (0, 1)), "basins"
    )
    heatmap = figure.data[0]
    scale, top = heatmap.colorscale, heatmap.zmax

    def drawn(z: float) -> str:
        position = z / top
        return next(c for (lo, c), (hi, _) in itertools.pairwise(scale) if lo <= position < hi)

    legend = {t.name: t.marker.color for t in figure.data if t.type == "scatter" and t.name}
    names = {0: "→ minimum (0, 0)", 1: "→ minimum (1, 1)", -1: "diverged", -2: "no known minimum"}
    for (i, j), label in np.ndenumerate(labels):
        assert drawn(heatmap.z[i][j]) == legend[names[label]], names[label]
    assert legend["diverged"] != legend["no known minimum"]


def test_a_path_on_top_of_another_is_told_apart_but_paths_that_only_meet_are_not():
    from ui.race_figures import runs_on_top

    t = np.linspace(0, 1, 50)[:, None]
    straight = np.hstack([t, 0 * t])[None]
    curved = np.hstack([t, 0.5 * np.sin(np.pi * t)])[None]
    assert runs_on_top(straight + 1e-4, straight, 0.01)
    assert not runs_on_top(curved, straight, 0.01)
    settled = np.concatenate([straight, np.repeat(straight[:, -1:], 200, axis=1)], axis=1)
    other = np.concatenate([curved, np.repeat(curved[:, -1:], 200, axis=1)], axis=1)
    assert not runs_on_top(other, settled, 0.01), "meeting at the end is not running on top"


def test_every_frame_shows_each_start_at_its_step_and_the_tip_up_to_it():
    """Frames cut from byte buffers (viz.race._Encoded) against the run's own points: heads at
    the frame's step (NaN once diverged), tips ending there with NaN between starts."""
    land = landscapes.lookup("himmelblau")
    config = RunConfig(land.key, (("sgd", {"learning_rate": 0.04}),), grid(land.domain, 3), 60)
    spec = race_of(config)[0].to_dict()
    run = simulate(config)
    assert (run.diverged_at >= 0).any() and (run.diverged_at < 0).any(), "both kinds of start"
    head_index = next(i for i, t in enumerate(spec["data"]) if "customdata" in t)  # the heads
    for frame in spec["frames"][1::7]:
        step = int(frame["name"].split(".")[1])
        head = frame["data"][frame["traces"].index(head_index)]
        gone = (run.diverged_at[0] >= 0) & (step >= run.diverged_at[0])
        expected = np.where(gone[:, None], np.nan, run.points[0, :, step]).astype(np.float32)
        got = np.stack([decoded(head["x"]), decoded(head["y"])], 1)
        np.testing.assert_array_equal(got, expected)
        tip = frame["data"][frame["traces"].index(head_index) - 1]
        x, starts = decoded(tip["x"]), len(config.starts)
        length = (len(x) + 1) // starts - 1
        assert len(x) == starts * (length + 1) - 1
        segments = np.append(x, np.float32(np.nan)).reshape(starts, length + 1)
        assert np.isnan(segments[:, -1]).all(), "starts separated by NaN"
        np.testing.assert_array_equal(segments[:, -2], run.points[0, :, step, 0].astype(np.float32))


def test_the_probe_follows_the_grid_even_when_its_values_repeat():
    """Two grids of equal values on different domains (a constant landscape, say) are probed
    at their own coordinates."""
    xs, ys, values = np.linspace(0, 1, 5), np.linspace(0, 1, 5), np.zeros((5, 5))
    near = probe_grid(Grid(xs, ys, values, False, 0.0))
    far = probe_grid(Grid(xs + 10, ys + 10, values, False, 0.0))
    assert near["x"][0] == 0.0 and far["x"][0] == 10.0


@pytest.mark.parametrize("classes", [2, 3])
def test_a_prediction_map_draws_each_cell_in_its_class_band_at_its_confidence(classes):
    """One byte per cell (viz.network.shades): the colour-scale band of every cell is the class
    with the largest probability, and its place in the band is the confidence within 1/256."""
    from viz.network import SHADES, class_colorscale, prediction_figure

    rng = np.random.default_rng(classes)
    logits = rng.normal(size=(2, 3, 9, 8, classes)) * 3
    logits[0, 0, 0, 0] = [50.0] + [0.0] * (classes - 1)  # sure of class 1
    probabilities = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    points, labels = rng.normal(size=(6, 2)), np.arange(6) % classes
    figure = prediction_figure(
        np.arange(8.0), np.arange(9.0), probabilities, np.array([0, 5, 9]), points, labels,
        ["a", "b"],
    )  # fmt: skip
    heatmap = figure.data[0]
    assert heatmap.zmax == SHADES and heatmap.colorscale == tuple(
        tuple(stop) for stop in class_colorscale(classes)
    )
    z = np.asarray(figure.frames[0].data[0].z)
    assert z.dtype == np.uint8
    position = z / SHADES  # where the colour scale is read
    chosen = probabilities[0, 0].argmax(-1)
    np.testing.assert_array_equal(np.floor(position * classes), chosen)
    sure = (probabilities[0, 0].max(-1) - 1 / classes) / (1 - 1 / classes)
    within = position * classes - chosen
    np.testing.assert_allclose(within, 0.999 * sure, atol=classes / SHADES)
    assert within[0, 0] > 0.99 - classes / SHADES
