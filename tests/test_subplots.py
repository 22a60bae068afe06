"""viz.subplots lays out a grid as plotly.subplots.make_subplots does (the reference)."""

import pytest
from plotly.subplots import make_subplots

from viz.subplots import grid_layout


@pytest.mark.parametrize(
    ("rows", "cols", "h", "v", "scenes"),
    [(1, 2, 0.1, 0.0, False), (2, 4, 0.025, 0.12, False), (3, 2, 0.07, 0.12, False),
     (1, 1, 0.02, 0.0, True), (1, 3, 0.02, 0.0, True)],
)  # fmt: skip
def test_domains_and_titles_as_make_subplots(rows, cols, h, v, scenes):
    titles = [f"panel {i}" for i in range(rows * cols)]
    specs = [[{"type": "surface"} if scenes else {}] * cols for _ in range(rows)]
    reference = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=titles,
        horizontal_spacing=h,
        vertical_spacing=v or None,
        specs=specs,
    ).layout.to_plotly_json()
    reference.pop("template")
    ours = grid_layout(rows, cols, titles, h, v, scenes=scenes)
    assert ours.keys() == reference.keys()
    for key, value in reference.items():
        if key == "annotations":
            for mine, theirs in zip(ours[key], value, strict=True):
                assert mine.keys() == theirs.keys()
                for field in ("x", "y"):
                    assert mine[field] == pytest.approx(theirs[field])
                assert {k: v for k, v in mine.items() if k not in "xy"} == {
                    k: v for k, v in theirs.items() if k not in "xy"
                }
        elif scenes:
            for axis in ("x", "y"):
                assert ours[key]["domain"][axis] == pytest.approx(value["domain"][axis])
        else:
            assert ours[key]["anchor"] == value["anchor"]
            assert ours[key]["domain"] == pytest.approx(value["domain"])
