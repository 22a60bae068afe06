"""What a component frame is sent for a figure (components.figure_payload): the landscape image
by address, the template's trace defaults cut to the types drawn; the figure itself unchanged."""

import base64
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from components import linked_steps, live_figures
from components.figure_payload import payload
from lessons.race import CATALOG as PRESETS
from optimizers.simulate import simulate
from ui.cached import background
from ui.race_figures import curves_view, race_view
from viz import palette
from viz.background import REDRAWN_IMAGE, background_image


def race_map() -> dict:
    config = PRESETS["zigzag"].config
    return race_view(config, simulate(config), background(config.landscape))


def test_the_landscape_image_goes_by_address_and_is_served_from_each_component_folder():
    spec = json.loads(pio.to_json(race_map(), validate=False))
    source = spec["layout"]["images"][0]["source"]
    assert source.startswith("data:image/png;base64,")
    for sent, folder in (
        (json.loads(live_figures.figure_bytes(spec)), live_figures.FOLDER),
        (json.loads(linked_steps.figure_json(spec)), linked_steps.FOLDER),
    ):
        address = sent["layout"]["images"][0]["source"]
        assert address.endswith(".png") and "/" not in address
        assert (folder / address).read_bytes() == base64.b64decode(source.split(",", 1)[1])
        assert len(json.dumps(sent)) < len(json.dumps(spec)) - len(source)
    assert spec["layout"]["images"][0]["source"] == source, "the figure itself is unchanged"


def test_the_template_keeps_the_defaults_of_the_trace_types_drawn_and_its_whole_layout():
    template = palette.template_json()
    assert {"scatter", "surface", "bar", "carpet"} <= set(template["data"])
    config = PRESETS["zigzag"].config
    for spec in (race_map(), curves_view(config, simulate(config), background(config.landscape))):
        sent = payload(spec, live_figures.FOLDER)["layout"]["template"]
        assert sent["data"] == {"scatter": template["data"]["scatter"]}
        assert sent["layout"] == template["layout"]
    surface = go.Figure(go.Surface(z=np.eye(3)), layout=dict(template=template)).to_dict()
    assert set(payload(surface, live_figures.FOLDER)["layout"]["template"]["data"]) == {"surface"}
    assert palette.template_json() == template, "the shared template is unchanged"


def test_a_figure_without_images_or_template_goes_as_it_is():
    spec = {"data": [{"type": "scatter", "x": [0, 1], "y": [1, 0]}], "layout": {"height": 300}}
    assert payload(spec, live_figures.FOLDER) == spec
    image = background_image(background(PRESETS["zigzag"].config.landscape)).to_plotly_json()
    by_url = {"data": [], "layout": {"images": [image | {"source": "https://example.org/a.png"}]}}
    assert payload(by_url, live_figures.FOLDER) == by_url


def test_an_image_redrawn_on_every_move_stays_in_the_figure():
    """The loss landscape's slices are new pictures on every span step: fetched by address, each
    would appear a request after the rest of its chart."""
    image = background_image(background(PRESETS["zigzag"].config.landscape)).to_plotly_json()
    spec = {"data": [], "layout": {"images": [image | {"name": REDRAWN_IMAGE}, image]}}
    sent = payload(spec, live_figures.FOLDER)["layout"]["images"]
    assert sent[0]["source"] == image["source"]
    assert sent[1]["source"].endswith(".png") and "/" not in sent[1]["source"]
