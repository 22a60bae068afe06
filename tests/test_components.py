"""components: the cartesian plotly.js bundle matches plotly.py's, and every trace type it
draws is one the loader sends to it."""

import re

from components import PLOTLY_CARTESIAN_JS, PLOTLY_JS, PLOTLY_LOADER_JS, serving_folder

VERSION = re.compile(r"plotly\.js (?:\(cartesian - minified\) )?v(\d+\.\d+\.\d+)")
TRACE = re.compile(r'moduleType:"trace",name:"(\w+)"')


def _head(path) -> str:
    with open(path, encoding="utf-8") as file:
        return file.read(300)


def test_the_cartesian_bundle_is_the_same_plotly_js_version_as_plotly_py_ships():
    full, cartesian = (VERSION.search(_head(p)) for p in (PLOTLY_JS, PLOTLY_CARTESIAN_JS))
    assert "cartesian" in _head(PLOTLY_CARTESIAN_JS)
    assert full and cartesian and full.group(1) == cartesian.group(1)


def test_the_loader_sends_to_the_cartesian_bundle_exactly_the_types_it_has():
    loader = PLOTLY_LOADER_JS.read_text()
    types = loader[loader.index("CARTESIAN_TYPES") : loader.index("]);")]
    listed = set(re.findall(r'"(\w+)"', types))
    bundled = set(TRACE.findall(PLOTLY_CARTESIAN_JS.read_text()))
    assert listed == bundled
    assert {"surface", "scatter3d"} <= set(TRACE.findall(PLOTLY_JS.read_text())) - bundled


def test_the_serving_folder_holds_both_bundles_and_the_loader(tmp_path):
    index = tmp_path / "some_component" / "index.html"
    index.parent.mkdir()
    index.write_text("<!doctype html>")
    folder = serving_folder(index)
    for name in ("index.html", "plotly.min.js", "plotly-cartesian.min.js", "plotly_loader.js"):
        assert (folder / name).is_file(), name
