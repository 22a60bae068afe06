"""Presentation mode: `viz.present.enlarge` scales what is drawn in pixels and nothing else."""

import copy

import numpy as np
import pytest

from viz import palette
from viz.network import replay_marks
from viz.present import TITLE_STANDOFF, enlarge


def test_text_markers_lines_and_pixel_shapes_grow_by_the_factor_and_data_stays():
    x = np.broadcast_to(np.arange(5), (2, 5))
    panels = [("loss", np.linspace(1, 2, 10).reshape(2, 5))]
    shapes = replay_marks(x, panels, ["a", "b"], [{"color": "red"}, {"color": "blue"}],
                          np.array([-1, -1]), 3, True)  # fmt: skip
    figure = {
        "data": [{"x": [0, 1], "y": [2, 3], "marker": {"size": 6}, "line": {"width": 2}}],
        "layout": {"font": {"size": 18}, "shapes": shapes},
    }
    before = copy.deepcopy(figure)
    big = enlarge(figure, 1.5)
    assert big["data"][0]["marker"]["size"] == 9 and big["data"][0]["line"]["width"] == 3
    assert big["data"][0]["x"] == [0, 1] and big["layout"]["font"]["size"] == 27
    line, *dots = big["layout"]["shapes"]
    assert (line["x0"], line["y0"], line["y1"]) == (3, 0, 1)  # data and domain units stay
    assert line["line"]["width"] == pytest.approx(2.25)
    for dot, shape in zip(dots, shapes[1:], strict=True):
        assert dot["x1"] - dot["x0"] == pytest.approx(1.5 * palette.HEAD_SIZE)
        assert dot["y1"] - dot["y0"] == pytest.approx(1.5 * palette.HEAD_SIZE)
        assert (dot["xanchor"], dot["yanchor"]) == (shape["xanchor"], shape["yanchor"])
    assert figure == before  # the figure itself is not changed


def test_margins_and_axis_title_standoffs_make_room_for_the_larger_labels():
    figure = {
        "data": [],
        "layout": {
            "margin": {"l": 60, "b": 40, "t": 20, "r": 10, "pad": 4},
            "xaxis": {"title": {"text": "steps"}},
            "yaxis2": {"title": {"text": "loss", "standoff": 3}},
            "xaxis3": {"title": {"text": ""}},
        },
    }
    big = enlarge(figure, 1.5)["layout"]
    assert big["margin"] == {"l": 90, "b": 60, "t": 30, "r": 15, "pad": 4}
    assert big["xaxis"]["title"]["standoff"] == pytest.approx(1.5 * TITLE_STANDOFF)
    assert big["yaxis2"]["title"]["standoff"] == 3  # a figure's own standoff stays
    assert "standoff" not in big["xaxis3"]["title"]  # no title, no room
    assert "standoff" not in figure["layout"]["xaxis"]["title"]
