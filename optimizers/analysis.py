"""Pure NumPy measures of finished runs: distance to the nearest minimum, basin reached."""

import numpy as np

UNKNOWN_BASIN = -2
DIVERGED_BASIN = -1


def distance_to_nearest(points: np.ndarray, minima: np.ndarray) -> np.ndarray:
    """min_i ‖p − m_i‖ for every point (…, 2); all NaN when there is no known minimum."""
    if len(minima) == 0:
        return np.full(points.shape[:-1], np.nan)
    gaps = points[..., None, :] - np.asarray(minima, dtype=points.dtype)
    return np.linalg.norm(gaps, axis=-1).min(axis=-1)


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
