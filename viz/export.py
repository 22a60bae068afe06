"""Exports that need no server: the runs as CSV, the race as one HTML file that plays offline.

`runs_csv` writes one row per (optimizer, start, step) of a 2-D race:

    step,optimizer,start,x,y,f,grad_norm,lr

`step` counts from 0 (the start point), `optimizer` is the legend name, `start` counts from 1 as
in the race's hover labels, `grad_norm` is ‖∇f(x, y)‖ and `lr` the rate η s(t) that took the step
from this point to the next. The last point of a run has no step after it, so its `grad_norm` and
`lr` are empty. A run that diverged at step k (its point k was not finite or left the bounds) has
rows for steps 0 … k − 1 only: the engine freezes it from there on, and those copies are left
out. Rows go run by run (every step of the first optimizer's first start, then its second start,
…). Numbers are the engine's float32 values in their shortest exact decimal form, so they read
back bit for bit; `grad_norm` is computed from the float32 gradient in float64 and then rounded to
float32.

`race_html` wraps the race figure (`viz.race.race_figure`, a plain dict with frames) and the
plotly.js that ships with plotly.py into one self-contained page: no network, ▶ Play and the
step slider work from a file:// link, and the mode bar downloads the picture as PNG or SVG.
"""

import html
import json
from pathlib import Path

import numpy as np
import plotly.io as pio
from plotly.offline import get_plotlyjs

CSV_HEADER = ("step", "optimizer", "start", "x", "y", "f", "grad_norm", "lr")

SVG_BUTTON_JS = (Path(__file__).resolve().parents[1] / "components" / "svg_button.js").read_text()
"""JavaScript shared with the components (components/svg_button.js): `withSvgButton(config)`
turns a config's "downloadSVG": filename into an extra mode-bar button (a JSON config cannot hold
the function)."""


def _shortest(values: np.ndarray) -> list[str]:
    """Each float32 value in its shortest decimal form that reads back to the same float32."""
    return np.asarray(values, dtype=np.float32).astype(str).tolist()


def _csv_field(text: str) -> str:
    """A field quoted as RFC 4180 asks when it holds a comma, a quote or a line break."""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def runs_csv(
    names: list[str],
    points: np.ndarray,
    loss: np.ndarray,
    grads: np.ndarray,
    lr: np.ndarray,
    diverged_at: np.ndarray,
) -> str:
    """The runs of a race as CSV text (module docstring), from a `Trajectory`'s arrays:
    points[opt, start, step, 2], loss[opt, start, step], grads[opt, start, step − 1, 2] (one
    step fewer), lr[opt, step − 1], diverged_at[opt, start] (−1 for a run that never diverged).
    """
    points = np.asarray(points, dtype=np.float32)
    loss = np.asarray(loss, dtype=np.float32)
    grads = np.asarray(grads, dtype=np.float32)
    lr = np.asarray(lr, dtype=np.float32)
    diverged_at = np.asarray(diverged_at, dtype=int)
    n_opt, n_starts, n_points, _ = points.shape
    norms = np.linalg.norm(grads.astype(np.float64), axis=-1)
    lines = [",".join(CSV_HEADER)]
    for o in range(n_opt):
        name = _csv_field(names[o])
        rates = [*_shortest(lr[o]), ""]
        for s in range(n_starts):
            k = int(diverged_at[o, s])
            end = k if k >= 0 else n_points
            columns = (
                map(str, range(end)),
                _shortest(points[o, s, :end, 0]),
                _shortest(points[o, s, :end, 1]),
                _shortest(loss[o, s, :end]),
                [*_shortest(norms[o, s]), ""][:end],
                rates[:end],
            )
            prefix = f",{name},{s + 1},"
            lines += [step + prefix + ",".join(rest) for step, *rest in zip(*columns, strict=True)]
    return "\n".join(lines) + "\n"


def _script_json(value) -> str:
    """JSON that is safe inside a <script> element: no '</script>' or '<!--' can appear."""
    text = value if isinstance(value, str) else pio.to_json(value, validate=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def race_html(
    figure: dict,
    title: str = "OptiScape race",
    caption: str = "",
    config: dict | None = None,
) -> str:
    """The race `figure` (a figure dict with frames, as `viz.race.race_figure` builds it) as one
    self-contained HTML page with plotly.js inlined (~4.7 MB): it opens from a file:// link with
    the network off, ▶ Play and the step slider animate it, and the mode bar downloads the
    picture (PNG with the camera, SVG with the disk; see `SVG_BUTTON_JS`).

    `config` is the Plotly config (the figure's own "config" key, if any, is replaced); by
    default a responsive chart with both download buttons. `title` heads the page and names the
    downloads; `caption` is a line of plain text under it.
    """
    spec = {key: figure[key] for key in ("data", "layout", "frames") if key in figure}
    stem = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-") or "race"
    config = config or dict(
        responsive=True,
        displaylogo=False,
        toImageButtonOptions=dict(format="png", filename=stem, scale=2),
        downloadSVG=stem,
        modeBarButtonsToRemove=["sendChartToCloud"],  # it would upload the chart
    )
    caption_html = f'<p class="caption">{html.escape(caption)}</p>' if caption else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="OptiScape">
<title>{html.escape(title)}</title>
<style>
  body {{ margin: 12px 20px; font-family: Arial, Helvetica, sans-serif; color: #222; }}
  h1 {{ font-size: 24px; font-weight: normal; margin: 0 0 4px; }}
  .caption {{ font-size: 16px; margin: 0 0 8px; color: #444; }}
</style>
<script>{get_plotlyjs()}</script>
</head>
<body>
<h1>{html.escape(title)}</h1>
{caption_html}
<div id="race"></div>
<script>
{SVG_BUTTON_JS}
const figure = {_script_json(spec)};
figure.config = withSvgButton({_script_json(json.dumps(config))});
const chart = document.getElementById("race");
Plotly.newPlot(chart, figure).then(() => {{ document.body.dataset.ready = "1"; }});
</script>
</body>
</html>
"""
