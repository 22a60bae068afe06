"""Pure NumPy measures of finished runs: distance to the nearest minimum, the basin reached,
the regions of an LR range test."""

import numpy as np

import landscapes
from optimizers.simulate import endpoints

UNKNOWN_BASIN = -2
DIVERGED_BASIN = -1
JUST_RIGHT_FACTOR = 10.0
TINY = 1e-12


def distance_to_nearest(points: np.ndarray, minima: np.ndarray) -> np.ndarray:
    """min_i ‖p − m_i‖ for every point (…, 2); all NaN when there is no known minimum."""
    if len(minima) == 0:
        return np.full(points.shape[:-1], np.nan)
    minima = np.asarray(minima, dtype=points.dtype)
    x, y = points[..., 0, None], points[..., 1, None]
    return np.sqrt(((x - minima[:, 0]) ** 2 + (y - minima[:, 1]) ** 2).min(axis=-1))


def basins_grid(config, slot: int, resolution: int):
    """Where optimizer `slot` of `config` ends from each of resolution² starts on the domain:
    the grid's xs, ys and a [resolution, resolution] array of `basin_labels` (tolerance 2 % of
    the domain's width)."""
    land = landscapes.lookup(config.landscape)
    (x0, x1), (y0, y1) = land.domain
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    starts = tuple((float(x), float(y)) for y in ys for x in xs)
    single = config.replace(
        optimizers=(config.optimizers[slot],), noisy=(config.noisy[slot],), starts=starts
    )
    ends = endpoints(single)
    minima = np.array([p for p, _ in land.minima]).reshape(-1, 2)
    tolerance = 0.02 * max(x1 - x0, y1 - y0)
    labels = basin_labels(ends.points[0], ends.diverged_at[0], minima, tolerance)
    return xs, ys, labels.reshape(resolution, resolution)


def basin_labels(
    final_points: np.ndarray, diverged_at: np.ndarray, minima: np.ndarray, tolerance: float
) -> np.ndarray:
    """Index of the minimum each run ended within `tolerance` of; −1 diverged, −2 none."""
    labels = np.full(final_points.shape[:-1], UNKNOWN_BASIN, dtype=np.int32)
    if len(minima):
        gaps = np.linalg.norm(final_points[..., None, :] - np.asarray(minima), axis=-1)
        nearest = gaps.argmin(axis=-1)
        labels = np.where(gaps.min(axis=-1) <= tolerance, nearest, labels)
    return np.where(diverged_at >= 0, DIVERGED_BASIN, labels).astype(np.int32)


def divergence_edge(rates: np.ndarray, diverged: np.ndarray) -> float | None:
    """The smallest rate above which every tried rate diverges (None when the largest does not)."""
    order = np.argsort(rates)
    rates, diverged = np.asarray(rates)[order], np.asarray(diverged)[order]
    if not diverged[-1]:
        return None
    stable = np.flatnonzero(~diverged)
    first = stable[-1] + 1 if len(stable) else 0
    return float(rates[first])


def regions(
    rates: np.ndarray, final_gap: np.ndarray, diverged: np.ndarray
) -> dict[str, tuple[float, float]]:
    """The LR range test's three regions on the rate axis.

    "just right": the stable rates whose final f − f* is within a factor 10 of the best; "too
    small": the stable rates below them; "diverges": from the divergence edge up.
    """
    order = np.argsort(rates)
    rates, gap, diverged = rates[order], final_gap[order], diverged[order]
    out = {}
    edge = divergence_edge(rates, diverged)
    stable = ~diverged & (rates < (edge if edge is not None else np.inf))
    if stable.any():
        best = gap[stable].min()
        good = np.flatnonzero(stable & (gap <= best * JUST_RIGHT_FACTOR + TINY))
        low, high = rates[good[0]], rates[good[-1]]
        if rates[0] < low:
            out["too small"] = (float(rates[0]), float(low))
        out["just right"] = (float(low), float(high))
    if edge is not None:
        out["diverges"] = (edge, float(rates[-1]))
    return out


def lab_table(labels, configs, trajectories, land, floor: float) -> list[dict]:
    """One row per single-run config: its rate, batch, noise σ/√B, final f − f*, distance from
    the end to the nearest known minimum (None when none is known) and divergence step."""
    minima = np.array([p for p, _ in land.minima]).reshape(-1, 2)
    rows = []
    for label, config, run in zip(labels, configs, trajectories, strict=True):
        distance = distance_to_nearest(run.points[0, 0, -1], minima)
        rows.append(
            {
                "run": label,
                "η": _three_digits(config.optimizers[0][1]["learning_rate"]),
                "batch B": config.batch_size,
                "noise σ/√B": _three_digits(config.gradient_noise),
                "final f − f*": _three_digits(max(run.loss[0, 0, -1] - floor, 0.0)),
                "distance to nearest minimum": None
                if np.isnan(distance)
                else _three_digits(distance),
                "diverged at": int(run.diverged_at[0, 0]) if run.diverged_at[0, 0] >= 0 else None,
            }
        )
    return rows


def _three_digits(value: float) -> float:
    return float(f"{value:.3g}")
