"""The race page's figures, from a config and its trajectory.

No Streamlit here: pages/race.py caches these, benchmarks/page.py times the very same code.
"""

import numpy as np

from landscapes import Landscape, lookup
from landscapes.expression import is_formula_key
from landscapes.grid import evaluate_grid
from optimizers import CATALOG as OPTIMIZERS
from optimizers.analysis import distance_to_nearest
from optimizers.run_config import RunConfig
from optimizers.simulate import Trajectory
from viz import (
    Grid,
    curves_figure,
    inspector_figure,
    inspector_rows,
    optimizer_styles,
    race_figure,
    surface_figure,
)

GRID_RESOLUTION = 160
SAME_PATH = 0.01
SAME_SHARE = 0.8
SAME_PATH_STEPS = 250


def landscape_grid(land: Landscape) -> Grid:
    """The landscape on a grid, with its lowest known value as the floor of the bands."""
    xs, ys, values = evaluate_grid(land, GRID_RESOLUTION)
    floor = min([f for _, f in land.minima] + [float(values.min())])
    return Grid(xs=xs, ys=ys, values=values, log_levels=land.log_levels, minimum=floor)


def legend_names(config: RunConfig) -> list[str]:
    return slot_names([key for key, _ in config.optimizers], config.noise_std, config.noisy)


def slot_names(keys: list[str], noise_std: float, noisy: tuple[bool, ...]) -> list[str]:
    """Each optimizer's name, "+ noise" where only some of them get the noise, numbered when a
    name repeats."""
    names = [OPTIMIZERS[key].name for key in keys]
    if noise_std > 0 and not all(noisy):
        names = [f"{n} + noise" if on else n for n, on in zip(names, noisy, strict=True)]
    return [f"{n} ({i + 1})" if names.count(n) > 1 else n for i, n in enumerate(names)]


def runs_on_top(path: np.ndarray, earlier: np.ndarray, tolerance: float) -> bool:
    """Whether a path [start, step, 2] runs on an earlier one: within `tolerance` of it at
    SAME_SHARE of the steps where either is still on its way (more than `tolerance` from its
    end). Paths that converge to one point are not the same path. Judged on at most
    SAME_PATH_STEPS steps evenly spread over the run."""
    every = max(1, path.shape[1] // SAME_PATH_STEPS)
    end, earlier_end = path[:, -1:], earlier[:, -1:]
    path, earlier = path[:, ::every], earlier[:, ::every]
    moving = (np.linalg.norm(path - end, axis=-1) > tolerance) | (
        np.linalg.norm(earlier - earlier_end, axis=-1) > tolerance
    )
    close = np.linalg.norm(path - earlier, axis=-1) < tolerance
    return bool(moving.any()) and float(close[moving].mean()) >= SAME_SHARE


def line_styles(config: RunConfig, trajectory: Trajectory) -> list[dict]:
    """Each optimizer's colour and dash: a path that runs on top of an earlier one is dashed,
    so both stay visible."""
    (x0, x1), _ = lookup(config.landscape).domain
    points, tolerance = trajectory.points, SAME_PATH * (x1 - x0)
    same = [
        any(runs_on_top(points[o], points[e], tolerance) for e in range(o))
        for o in range(len(points))
    ]
    return optimizer_styles([key for key, _ in config.optimizers], same)


def race_view(config: RunConfig, trajectory: Trajectory, grid: Grid):
    land = lookup(config.landscape)
    return race_figure(
        grid,
        legend_names(config),
        trajectory.points,
        trajectory.diverged_at,
        [p for p, _ in land.minima],
        list(land.saddles),
        land.domain,
        styles=line_styles(config, trajectory),
    )


def curves_view(config: RunConfig, trajectory: Trajectory, grid: Grid):
    """The curves; on a typed landscape, whose minima were searched for rather than known,
    the distance is to the nearest stationary point found (minimum or saddle)."""
    land = lookup(config.landscape)
    targets = [p for p, _ in land.minima]
    distance_to = "the nearest minimum"
    if is_formula_key(config.landscape):
        targets += list(land.saddles)
        distance_to = "the nearest stationary point found"
    return curves_figure(
        legend_names(config),
        trajectory.loss,
        distance_to_nearest(trajectory.points, np.array(targets).reshape(-1, 2)),
        trajectory.lr,
        np.linalg.norm(trajectory.grads, axis=-1),
        trajectory.diverged_at,
        grid.minimum,
        styles=line_styles(config, trajectory),
        distance_to=distance_to,
    )


def surface_view(config: RunConfig, trajectory: Trajectory, grid: Grid):
    styles = line_styles(config, trajectory)
    return surface_figure(grid, legend_names(config), trajectory.points, trajectory.loss, styles)


def inspector_view(config: RunConfig, trajectory: Trajectory, grid: Grid, k: int):
    """The inspector's figure and table at step k, for the first start."""
    names = legend_names(config)
    grads, updates = trajectory.grads[:, 0, k], trajectory.updates[:, 0, k]
    figure = inspector_figure(
        grid,
        names,
        trajectory.points[:, 0, k],
        -trajectory.lr[:, k, None] * grads,
        updates,
        lookup(config.landscape).domain,
        styles=line_styles(config, trajectory),
    )
    rows = inspector_rows(names, np.linalg.norm(grads, axis=-1), np.linalg.norm(updates, axis=-1))
    return figure, rows
