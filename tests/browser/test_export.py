"""Exports in a real Chromium: the race's HTML file plays with the network off, and the mode
bar downloads PNG and SVG (in that file and in the live-figures component)."""

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page

from components.live_figures import FOLDER, figure_bytes
from ui.export import chart_config
from viz import Grid, race_figure
from viz.export import race_html

STEPS = 60
DOMAIN = ((-3.0, 3.0), (-2.0, 2.0))


def spiral_race() -> dict:
    """Two optimizers spiralling into the bowl f = x² + y² (NumPy only, no engine)."""
    xs, ys = np.linspace(-3, 3, 61), np.linspace(-2, 2, 41)
    values = xs[None, :] ** 2 + ys[:, None] ** 2
    t = np.arange(STEPS + 1)
    points = np.empty((2, 1, STEPS + 1, 2))
    for o, turn in enumerate((0.3, -0.2)):
        radius = 2.5 * 0.95**t
        points[o, 0] = np.stack([radius * np.cos(turn * t), radius * np.sin(turn * t) * 0.7], -1)
    grid = Grid(xs, ys, values, log_levels=False, minimum=0.0)
    return race_figure(
        grid, ["Spiral A", "Spiral B"], points, np.full((2, 1), -1), [(0.0, 0.0)], [], DOMAIN
    )


@pytest.fixture(scope="module")
def race_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("export") / "race.html"
    path.write_text(race_html(spiral_race(), title="Spiral race"), encoding="utf-8")
    return path


def offline(page: Page) -> list[str]:
    """Cut the network: the context is offline and every request but file:// is refused.
    Returns the list of every URL the page asks for."""
    asked = []
    page.context.set_offline(True)
    page.on("request", lambda request: asked.append(request.url))
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file:")
            else route.abort("internetdisconnected")
        ),
    )
    return asked


STATE = """gd => {
    const heads = gd._fullData.filter(t => t.mode === 'markers' && t.marker.symbol === 'circle');
    return {active: gd._fullLayout.sliders[0].active, x: heads.map(t => Array.from(t.x)[0])};
}"""


def test_the_exported_race_plays_with_the_network_off(page: Page, race_file: Path):
    asked = offline(page)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(race_file.as_uri())
    page.wait_for_selector("body[data-ready]", timeout=30_000)
    chart = page.locator("#race")
    final = chart.evaluate(STATE)
    assert final["active"] > 0  # the base figure shows the last step
    assert chart.evaluate("gd => gd._transitionData._frames.length") == STEPS + 1

    page.locator(".updatemenu-button", has_text="Play").click()
    seen = []
    for _ in range(40):
        page.wait_for_timeout(100)
        seen.append(chart.evaluate(STATE))
    actives = [state["active"] for state in seen]
    assert actives[0] < final["active"]  # Play started again from step 0 …
    assert len(set(actives)) >= 4 and actives == sorted(actives)  # … and the slider moves on
    positions = {tuple(state["x"]) for state in seen}
    assert len(positions) >= 4  # the heads move
    assert not errors
    assert asked and all(url.startswith("file:") for url in asked), asked


def click_download(page: Page, chart, title: str) -> tuple[str, bytes]:
    chart.hover()
    with page.expect_download(timeout=30_000) as info:
        chart.locator(f'.modebar-btn[data-title="{title}"]').click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_the_exported_race_downloads_png_and_svg_offline(page: Page, race_file: Path):
    offline(page)
    page.goto(race_file.as_uri())
    page.wait_for_selector("body[data-ready]", timeout=30_000)
    chart = page.locator("#race")
    assert "Share chart..." not in chart.locator(".modebar-btn").evaluate_all(
        "buttons => buttons.map(b => b.dataset.title)"
    )
    name, png = click_download(page, chart, "Download plot as a PNG")
    assert name == "spiral-race.png" and png.startswith(b"\x89PNG")
    name, svg = click_download(page, chart, "Download plot as an SVG")
    assert name == "spiral-race.svg" and svg.startswith(b"<svg")
    assert b"data:image/png;base64," in svg  # the landscape comes along


@pytest.fixture(scope="module")
def component_url():
    """The live-figures component's folder served over http on 127.0.0.1, as Streamlit serves
    it (the landscape image goes by address, and a page from file:// may not read it back)."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(FOLDER))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def live_figures_page(page: Page, url: str, figure: bytes):
    """The live-figures component's own index.html, handed one figure the way Streamlit hands
    it (a render message with the JSON bytes)."""
    page.goto(f"{url}/index.html")
    page.evaluate(
        """json => window.postMessage({type: "streamlit:render", args: {
            count: 1, checksums: [1], figure0: new TextEncoder().encode(json)}}, "*")""",
        figure.decode(),
    )
    page.wait_for_selector("body[data-renders]", timeout=30_000)
    return page.locator(".js-plotly-plot").first


def test_a_live_figures_chart_downloads_a_png(page: Page, component_url: str):
    figure = figure_bytes(spiral_race(), **chart_config("race"))
    assert json.loads(figure)["config"]["toImageButtonOptions"]["format"] == "png"
    chart = live_figures_page(page, component_url, figure)
    name, png = click_download(page, chart, "Download plot as a PNG")
    assert name == "race.png" and png.startswith(b"\x89PNG")


def test_a_live_figures_chart_downloads_an_svg(page: Page, component_url: str):
    figure = figure_bytes(spiral_race(), **chart_config("race"))
    chart = live_figures_page(page, component_url, figure)
    name, svg = click_download(page, chart, "Download plot as an SVG")
    assert name == "race.svg" and svg.startswith(b"<svg")
    assert b"data:image/png;base64," in svg  # the landscape, sent by address, comes along
