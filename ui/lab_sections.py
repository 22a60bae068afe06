"""Sections of the learning-rate lab below its linked views: which minimum each run ends in,
how far each run wanders at the end, and the gradient norms of the clipping runs."""

import jax
import jax.numpy as jnp
import numpy as np
import streamlit as st

import landscapes
from optimizers.analysis import lab_table
from viz.lr_lab import gradient_norm_figure, spread_figure, tail_distance

SHARPER = 4.0  # minima whose curvatures differ by this factor are called sharp and flat
PLOT_CONFIG = {"displayModeBar": False}


@st.cache_data(max_entries=64, show_spinner=False)
def curvatures(landscape_key: str) -> list[float]:
    """λ_max of the Hessian of f at each known minimum of the landscape, in float64."""
    land = landscapes.lookup(landscape_key)
    with jax.enable_x64(True):
        hessian = jax.hessian(land.fn)
        return [
            float(np.linalg.eigvalsh(np.asarray(hessian(jnp.asarray(xy, jnp.float64)))).max())
            for xy, _ in land.minima
        ]


def _point(xy) -> str:
    return "(" + ", ".join(f"{v:.3g}".replace("-", "−") for v in xy) + ")"


def minimum_names(land) -> list[str]:
    """Names of the known minima that tell them apart: "sharp pit" for the most and "flat bowl"
    for the least curved when their λ_max differ by `SHARPER`; empty with fewer than two."""
    if len(land.minima) < 2:
        return []
    lam = curvatures(land.key)
    sharp, flat = int(np.argmax(lam)), int(np.argmin(lam))
    distinct = lam[flat] > 0 and lam[sharp] / lam[flat] >= SHARPER
    kinds = {sharp: "sharp pit", flat: "flat bowl"} if distinct else {}
    return [f"{kinds.get(i, 'minimum')}, λ = {lam[i]:.2g}" for i in range(len(land.minima))]


def ends_in(end, diverged: bool, land, names: list[str]) -> str:
    """The known minimum a run's last point `end` lies in: nearer to it than half its distance
    to any other minimum or saddle; else "between minima"."""
    if diverged:
        return "diverged"
    minima = np.array([xy for xy, _ in land.minima], dtype=np.float64)
    landmarks = np.concatenate([minima, np.reshape(land.saddles, (-1, 2))])
    distance = np.linalg.norm(minima - np.asarray(end), axis=1)
    i = int(np.argmin(distance))
    others = np.delete(landmarks, i, axis=0)
    if distance[i] < np.linalg.norm(others - minima[i], axis=1).min() / 2:
        return f"{names[i].split(',')[0]} {_point(minima[i])}"
    return "between minima"


def table(labels, configs, trajectories, land, floor: float) -> list[dict]:
    """The lab's table, with a column naming the minimum each run ends in when there are
    several (f − f* cannot tell minima of equal depth apart)."""
    rows = lab_table(labels, configs, trajectories, land, floor)
    names = minimum_names(land)
    if names:
        for row, t in zip(rows, trajectories, strict=True):
            row["ends in"] = ends_in(t.points[0, 0, -1], t.diverged_at[0, 0] >= 0, land, names)
    return rows


def spread_section(labels, points: np.ndarray, diverged_at: np.ndarray, land) -> None:
    """A bar per run: how far it wanders from the minimum over its last steps."""
    minima = [xy for xy, _ in land.minima]
    distances = [
        tail_distance(points[r, : k if k >= 0 else None], minima) for r, k in enumerate(diverged_at)
    ]
    st.subheader("How far each run wanders at the end")
    st.caption(
        "The noise cloud of each run: its root-mean-square distance from the minimum it is "
        "nearest to, over its last steps (the ball a constant rate hovers in)."
    )
    figure = spread_figure(labels, distances, diverged_at, points.shape[1] - 1)
    st.plotly_chart(figure, config=PLOT_CONFIG)


def gradient_norm_section(labels, configs, trajectories, diverged_at: np.ndarray) -> None:
    """‖∇f‖ and the clipped gradient's norm per run, up to each run's divergence."""
    st.subheader("Gradient norm, raw and clipped")
    st.caption(
        "Solid: ‖∇f‖ at the current point. Dotted: the norm of the gradient the optimizer was "
        "given, after noise and clipping; clipping caps it at c (dashed) however steep the wall."
    )
    raw, applied = (
        np.stack([np.linalg.norm(getattr(t, name)[0, 0], axis=-1) for t in trajectories])
        for name in ("grads", "applied_grads")
    )
    after = (
        np.arange(raw.shape[1]) >= np.where(diverged_at >= 0, diverged_at, raw.shape[1])[:, None]
    )
    raw[after] = applied[after] = np.nan
    clips = [c.clip_norm for c in configs]
    st.plotly_chart(gradient_norm_figure(labels, raw, applied, clips), config=PLOT_CONFIG)
