"""ui.charts: what a figure looks like when a page hands it to plotly.js."""

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from ui import charts
from ui.charts import drawn_once
from viz import palette


def _figure(y) -> go.Figure:
    figure = go.Figure(go.Scatter(x=np.arange(4.0), y=np.asarray(y, dtype=float)))
    figure.update_layout(template="plotly_white", height=300, xaxis_title="x")
    return figure


def test_a_figure_goes_without_a_template_with_its_arrays_as_lists_and_values_kept():
    figure = _figure([1.0, 2.0, 4.0, 8.0])
    assert isinstance(figure.to_dict()["data"][0]["x"], dict)  # plotly.py's typed array
    spec = drawn_once(figure)
    assert "template" not in spec["layout"]
    assert list(spec["data"][0]["x"]) == [0.0, 1.0, 2.0, 3.0]
    assert list(spec["data"][0]["y"]) == [1.0, 2.0, 4.0, 8.0]
    assert spec["layout"]["height"] == 300
    assert not spec["layout"]["xaxis"]["automargin"]  # a second layout pass per draw
    go.Figure(spec)  # still a valid figure


def test_the_data_revision_names_the_data():
    first = drawn_once(_figure([1, 2, 3, 4]))["layout"]["datarevision"]
    assert drawn_once(_figure([1, 2, 3, 4]))["layout"]["datarevision"] == first
    assert drawn_once(_figure([1, 2, 3, 5]))["layout"]["datarevision"] != first
    named = _figure([1, 2, 3, 4]).update_layout(datarevision="mine")
    assert drawn_once(named)["layout"]["datarevision"] == "mine"


def test_a_figure_that_names_its_revision_is_not_hashed(monkeypatch):
    def hashed(_):
        raise AssertionError("hashed a figure that names its revision")

    monkeypatch.setattr(charts, "revision", hashed)
    named = _figure([1, 2, 3, 4]).update_layout(datarevision="mine")
    assert drawn_once(named)["layout"]["datarevision"] == "mine"


def test_the_figure_handed_in_is_not_changed():
    spec = _figure([1, 2, 3, 4]).to_dict()
    before = repr(spec)
    drawn_once(spec)
    assert repr(spec) == before


def test_the_lecture_template_lets_tick_labels_be_and_leaves_plotly_white_alone():
    """plotly.js would measure every tick label on every draw to hide those past the edge."""
    figure = go.Figure(go.Scatter(x=[0, 1], y=[0, 1])).update_layout(
        template=palette.TEMPLATE, xaxis_title="x", yaxis_title="y"
    )
    spec = drawn_once(figure)
    assert spec["layout"]["xaxis"]["ticklabeloverflow"] == "allow"
    assert spec["layout"]["yaxis"]["ticklabeloverflow"] == "allow"
    assert palette.template_json()["layout"]["xaxis"]["ticklabeloverflow"] == "allow"
    assert "ticklabeloverflow" not in pio.templates["plotly_white"].layout.xaxis.to_plotly_json()
    assert palette.template_json()["layout"]["plot_bgcolor"] == "white"
