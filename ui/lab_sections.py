"""Sections of the learning-rate lab below its linked views: which minimum each run ends in,
how far each run wanders at the end, and the gradient norms of the clipping runs."""

import jax
import jax.numpy as jnp
import numpy as np
import streamlit as st

import landscapes
from optimizers.analysis import lab_table
from optimizers.schedules import CATALOG as SCHEDULES
from ui.lab_frames import framed
from ui.tables import static_table
from viz import colour
from viz.lr_lab import gradient_norm_figure, spread_figure, tail_distance

SHARPER = 4.0  # minima whose curvatures differ by this factor are called sharp and flat


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


def ends_in(end, diverged: bool, land) -> int | None:
    """The index of the known minimum a run's last point `end` lies in: nearer to it than half
    its distance to any other minimum or saddle; None when it diverged or lies in none."""
    minima = np.array([xy for xy, _ in land.minima], dtype=np.float64).reshape(-1, 2)
    if diverged or not len(minima):
        return None
    landmarks = np.concatenate([minima, np.reshape(land.saddles, (-1, 2))])
    distance = np.linalg.norm(minima - np.asarray(end), axis=1)
    i = int(np.argmin(distance))
    others = np.linalg.norm(np.delete(landmarks, i, axis=0) - minima[i], axis=1)
    return i if not len(others) or distance[i] < others.min() / 2 else None


def _ends(trajectories, land) -> list[int | None]:
    return [ends_in(t.points[0, 0, -1], t.diverged_at[0, 0] >= 0, land) for t in trajectories]


def map_names(land, trajectories) -> list[str]:
    """Beside each of several minima: its name and a dot in the colour of each run ending there."""
    names, ends = minimum_names(land), _ends(trajectories, land)
    dots = [
        "".join(f" <span style='color:{colour(r)}'>●</span>" for r, e in enumerate(ends) if e == i)
        for i in range(len(names))
    ]
    return [n + ("<br>ends here:" + d if d else "") for n, d in zip(names, dots, strict=True)]


def table_section(labels, configs, trajectories, land, floor: float) -> None:
    """The lab's table; with several minima its second column names the one each run ends in
    (f − f* cannot tell minima of equal depth apart)."""
    rows = lab_table(labels, configs, trajectories, land, floor)
    names = minimum_names(land)
    if names:
        for i, (row, end) in enumerate(zip(rows, _ends(trajectories, land), strict=True)):
            where = "diverged" if row["diverged at"] is not None else "between minima"
            if end is not None:
                where = f"{names[end].split(',')[0]} {_point(land.minima[end][0])}"
            rows[i] = {"run": row.pop("run"), "ends in": where} | row
    short = {"distance to nearest minimum": "to nearest min.", "noise σ/√B": "σ/√B"}
    static_table([{short.get(k, k): v for k, v in row.items()} for row in rows])


def wrapped(latex: str) -> str:
    r"""A schedule's formula with its top-level parts (split at `,\quad`) on lines of their own,
    so that a long one (SGDR's) wraps instead of running off the screen."""
    parts = latex.replace(r"\quad (", r",\quad (").split(r",\quad")
    if len(parts) == 1:
        return latex
    return r"\begin{gathered}" + r" \\ ".join(p.strip() for p in parts) + r"\end{gathered}"


def schedule_formulas(schedules) -> None:
    """One row per schedule in use (`schedules`: each run's, None for the constant rate), in
    the order of first use: the swatches of the runs that use it (the runs' colours), its name
    and its formula. They depend on the schedules alone, so a page draws them outside its
    fragment, once, not on every slider move."""
    keys = [schedule[0] if schedule else "constant" for schedule in schedules]
    for key in dict.fromkeys(keys):
        name, formula = st.columns([2, 3], vertical_alignment="center")
        swatches = "".join(
            f"<span style='color:{colour(r)}'>■</span>" for r, k in enumerate(keys) if k == key
        )
        name.markdown(
            f"<span style='font-size:1.4rem'>{swatches}</span> **{SCHEDULES[key].name}**",
            unsafe_allow_html=True,
        )
        formula.latex(wrapped(SCHEDULES[key].latex))


SPREAD_TITLE = "How far each run wanders at the end"
SPREAD_NOTE = (
    "The noise cloud of each run: its root-mean-square distance from the minimum it is nearest "
    "to, over its last steps (the ball a constant rate hovers in)."
)
GRADIENT_TITLE = "Gradient norm, raw and clipped"
GRADIENT_NOTE = (
    "Solid: ‖∇f‖ at the current point. Dotted: the norm of the gradient the optimizer was given, "
    "after noise and clipping; clipping caps it at c (dashed) however steep the wall."
)


def spread_chart(labels, points: np.ndarray, diverged_at: np.ndarray, land) -> None:
    """A bar per run: how far it wanders from the minimum over its last steps (under the
    heading SPREAD_TITLE and SPREAD_NOTE)."""
    minima = [xy for xy, _ in land.minima]
    distances = [
        tail_distance(points[r, : k if k >= 0 else None], minima) for r, k in enumerate(diverged_at)
    ]
    figure = spread_figure(labels, distances, diverged_at, points.shape[1] - 1)
    framed(figure, "lab_spread", "lab-spread")


def gradient_norm_chart(labels, configs, trajectories, diverged_at: np.ndarray) -> None:
    """‖∇f‖ and the clipped gradient's norm per run, up to each run's divergence (under the
    heading GRADIENT_TITLE and GRADIENT_NOTE)."""
    raw, applied = (
        np.stack([np.linalg.norm(getattr(t, name)[0, 0], axis=-1) for t in trajectories])
        for name in ("grads", "applied_grads")
    )
    after = (
        np.arange(raw.shape[1]) >= np.where(diverged_at >= 0, diverged_at, raw.shape[1])[:, None]
    )
    raw[after] = applied[after] = np.nan
    clips = [c.clip_norm for c in configs]
    framed(gradient_norm_figure(labels, raw, applied, clips), "lab_gradient", "lab-gradient-norm")
