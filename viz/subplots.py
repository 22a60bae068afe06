"""A grid of subplots as a plain layout dict: what `plotly.subplots.make_subplots` lays out
(the same domains and title annotations), without building a `go.Figure`, which costs tens of
milliseconds a figure in plotly.py's property machinery."""

TITLE_SIZE = 16  # make_subplots' subplot title font


def _spans(count: int, spacing: float) -> list[tuple[float, float]]:
    width = (1 - spacing * (count - 1)) / count
    return [(i * (width + spacing), i * (width + spacing) + width) for i in range(count)]


def cell_name(kind: str, index: int) -> str:
    """Plotly's name of the index-th (from 0) axis, scene or trace reference: "xaxis",
    "xaxis2", "scene3", "y2" …"""
    return f"{kind}{index + 1 if index else ''}"


def grid_layout(
    rows: int,
    cols: int,
    titles: list[str],
    horizontal_spacing: float,
    vertical_spacing: float = 0.0,
    scenes: bool = False,
) -> dict:
    """Layout entries of a rows × cols grid, cells numbered left to right from the top: x/y axis
    pairs (or 3-D scenes) with their domains, and each title centred above its cell."""
    xs, ys = _spans(cols, horizontal_spacing), _spans(rows, vertical_spacing)[::-1]
    layout, annotations = {}, []
    for i in range(rows * cols):
        x, y = xs[i % cols], ys[i // cols]
        if scenes:
            layout[cell_name("scene", i)] = dict(domain=dict(x=list(x), y=list(y)))
        else:
            layout[cell_name("xaxis", i)] = dict(anchor=cell_name("y", i), domain=list(x))
            layout[cell_name("yaxis", i)] = dict(anchor=cell_name("x", i), domain=list(y))
        if i < len(titles):
            annotations.append(
                dict(
                    text=titles[i],
                    x=(x[0] + x[1]) / 2,
                    y=y[1],
                    xref="paper",
                    yref="paper",
                    xanchor="center",
                    yanchor="bottom",
                    showarrow=False,
                    font=dict(size=TITLE_SIZE),
                )
            )
    return layout | dict(annotations=annotations)
