"""The loss-landscape page's tables, as rows of text (`ui.tables.static_table`)."""

import numpy as np

from ui.loss_landscape_view import Landscape


def lines_rows(result: Landscape) -> list[dict]:
    """Per network: L at θ₀ and at θ on the straight segment, its largest rise between, and the
    basin width along d₁."""
    rows = []
    for line in result.lines:
        alpha, loss = line.segment.alpha, line.segment.losses.train_loss
        inside = (alpha >= 0) & (alpha <= 1)
        rows.append(
            {
                "network": line.name,
                "L at θ₀": f"{loss[np.argmin(np.abs(alpha))]:.3g}",
                "L at θ": f"{loss[np.argmin(np.abs(alpha - 1))]:.3g}",
                "largest rise from θ₀ to θ": f"{max(np.diff(loss[inside]).max(), 0.0):.3g}",
                "basin width along d₁": f"{line.width:.3f}",
            }
        )
    return rows


def roughness_rows(result: Landscape) -> list[dict]:
    """Per slice: its strict grid minima and the total variation of log L (train, val.)."""
    return [
        {
            "slice": picture.name,
            "strict minima (train, val.)": f"{picture.train.local_minima}, "
            f"{picture.val.local_minima}",
            "TV of log L (train, val.)": f"{picture.train.total_variation:.1f}, "
            f"{picture.val.total_variation:.1f}",
        }
        for picture in result.pictures
    ]
