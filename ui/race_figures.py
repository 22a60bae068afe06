"""The race page's figures, from a config and its trajectory.

No Streamlit here: pages/race.py caches these, benchmarks/page.py times the very same code.
"""

import numpy as np

from landscapes import Landscape, lookup
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
    race_figure,
    surface_figure,
)

GRID_RESOLUTION = 160


def landscape_grid(land: Landscape) -> Grid:
    """The landscape on a grid, with its lowest known value as the floor of the bands."""
    xs, ys, values = evaluate_grid(land, GRID_RESOLUTION)
    floor = min([f for _, f in land.minima] + [float(values.min())])
    return Grid(xs=xs, ys=ys, values=values, log_levels=land.log_levels, minimum=floor)


def legend_names(config: RunConfig) -> list[str]:
    """Each optimizer's name, "+ noise" where only some of them get the noise, numbered when a
    name repeats."""
    names = [OPTIMIZERS[key].name for key, _ in config.optimizers]
    if config.noise_std > 0 and not all(config.noisy):
        names = [f"{n} + noise" if on else n for n, on in zip(names, config.noisy, strict=True)]
    return [f"{n} ({i + 1})" if names.count(n) > 1 else n for i, n in enumerate(names)]


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
    )


def curves_view(config: RunConfig, trajectory: Trajectory, grid: Grid):
    minima = np.array([p for p, _ in lookup(config.landscape).minima]).reshape(-1, 2)
    return curves_figure(
        legend_names(config),
        trajectory.loss,
        distance_to_nearest(trajectory.points, minima),
        trajectory.lr,
        np.linalg.norm(trajectory.grads, axis=-1),
        trajectory.diverged_at,
        grid.minimum,
    )


def surface_view(config: RunConfig, trajectory: Trajectory, grid: Grid):
    return surface_figure(grid, legend_names(config), trajectory.points, trajectory.loss)


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
    )
    rows = inspector_rows(names, np.linalg.norm(grads, axis=-1), np.linalg.norm(updates, axis=-1))
    return figure, rows
