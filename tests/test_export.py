"""Exports keep their promises: the CSV reads back into the engine's numbers, the HTML holds
everything it needs, the GIF and the MP4 have the frames and the size they claim, and the
page's export section renders on demand."""

import csv
import io
import json
import re
from types import SimpleNamespace

import imageio.v2 as imageio
import numpy as np
import pytest
from PIL import Image
from plotly.offline import get_plotlyjs
from streamlit.testing.v1 import AppTest

import landscapes
from optimizers.run_config import RunConfig
from optimizers.simulate import simulate
from tests.live import headings
from ui.export import EXPORT_OPEN, chart_config, file_stem
from ui.race_figures import landscape_grid, legend_names, line_styles, race_view
from viz.animation import HOLD_MS, even_size, frame_rate, frame_steps, race_animation
from viz.export import CSV_HEADER, race_html, runs_csv
from viz.palette import hex_to_rgb

# SGD at η = 1.1 diverges in the ravine's steep direction; Adam does not.
DIVERGING = RunConfig(
    "ravine",
    (("sgd", {"learning_rate": 1.1}), ("adam", {"learning_rate": 0.3})),
    starts=((-7.0, 2.0), (0.0, 2.0)),
    steps=60,
)


@pytest.fixture(scope="module")
def diverging():
    trajectory = simulate(DIVERGING)
    assert (trajectory.diverged_at[0] > 0).all() and (trajectory.diverged_at[1] < 0).all()
    return trajectory


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


# --- CSV ------------------------------------------------------------------------------------


def test_the_csv_reads_back_into_the_engines_numbers(diverging):
    t = diverging
    names = legend_names(DIVERGING)
    rows = csv_rows(runs_csv(names, t.points, t.loss, t.grads, t.lr, t.diverged_at))
    assert tuple(rows[0]) == CSV_HEADER
    expected = 0
    for o, name in enumerate(names):
        for s in range(len(DIVERGING.starts)):
            k = t.diverged_at[o, s]
            kept = k if k >= 0 else DIVERGING.steps + 1
            run = [r for r in rows if r["optimizer"] == name and r["start"] == str(s + 1)]
            assert [int(r["step"]) for r in run] == list(range(kept))
            expected += kept
            for r in run:
                i = int(r["step"])
                # float32 written in shortest form: read back bit for bit
                assert np.float32(r["x"]) == t.points[o, s, i, 0]
                assert np.float32(r["y"]) == t.points[o, s, i, 1]
                assert np.float32(r["f"]) == t.loss[o, s, i]
                if i == DIVERGING.steps:  # the last point takes no step
                    assert r["grad_norm"] == r["lr"] == ""
                    continue
                assert np.float32(r["lr"]) == t.lr[o, i]
                gx, gy = t.grads[o, s, i].astype(np.float64)
                assert float(r["grad_norm"]) == pytest.approx(np.hypot(gx, gy), rel=1e-7)
    assert len(rows) == expected
    # NumPy reads it too; the last point's empty ‖∇f‖ and η come back as NaN
    text = runs_csv(names, t.points, t.loss, t.grads, t.lr, t.diverged_at)
    table = np.genfromtxt(io.StringIO(text), delimiter=",", skip_header=1, usecols=(0, 3, 4, 5, 7))
    adam = table[-(DIVERGING.steps + 1) :]  # Adam's second start, the last run
    assert np.array_equal(adam[:, 1:3].astype(np.float32), t.points[1, 1])
    assert np.array_equal(adam[:, 3].astype(np.float32), t.loss[1, 1])
    assert np.array_equal(adam[:-1, 4].astype(np.float32), t.lr[1]) and np.isnan(adam[-1, 4])


def test_the_csv_leaves_out_the_steps_after_a_divergence(diverging):
    t = diverging
    rows = csv_rows(runs_csv(["SGD", "Adam"], t.points, t.loss, t.grads, t.lr, t.diverged_at))
    sgd = [r for r in rows if r["optimizer"] == "SGD"]
    for s, k in enumerate(t.diverged_at[0]):
        steps = [int(r["step"]) for r in sgd if r["start"] == str(s + 1)]
        assert max(steps) == k - 1
        assert all(np.isfinite(float(r[c])) for r in sgd for c in ("x", "y", "f", "lr"))


def test_the_csv_is_exact_for_extreme_values_and_quotes_odd_names():
    values = np.array([0.1, -0.0, 1e-30, 1e-45, 3.4028235e38, -123456.79, 1 / 3], np.float32)
    n = len(values)
    points = np.stack([values, values[::-1]], axis=-1)[None, None]
    loss = values[None, None]
    grads = np.zeros((1, 1, n - 1, 2), np.float32)
    grads[..., 0] = 3.0
    grads[..., 1] = 4.0
    lr = values[None, : n - 1]
    name = 'Adam, "fast" (1)'
    text = runs_csv([name], points, loss, grads, lr, np.array([[-1]]))
    rows = csv_rows(text)
    assert [r["optimizer"] for r in rows] == [name] * n
    for i, r in enumerate(rows):
        assert np.float32(r["x"]).tobytes() == values[i].tobytes()  # −0.0 keeps its sign
        assert np.float32(r["y"]) == values[::-1][i]
        assert np.float32(r["f"]) == values[i]
    assert [r["grad_norm"] for r in rows] == ["5.0"] * (n - 1) + [""]


# --- HTML -----------------------------------------------------------------------------------


def small_race(config: RunConfig):
    trajectory = simulate(config)
    grid = landscape_grid(landscapes.lookup(config.landscape))
    return race_view(config, trajectory, grid), trajectory, grid


def embedded_figure(page: str) -> dict:
    text = re.search(r"const figure = (\{.*?\});\n", page, re.S).group(1)
    return json.loads(text)


def test_the_html_is_self_contained_and_holds_the_whole_race():
    figure, _, _ = small_race(DIVERGING)
    page = race_html(figure, title="Ravine </script><script>alert(1)</script>")
    assert get_plotlyjs()[:2000] in page
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    assert page.count("</script>") == 2  # plotly.js and the race: nothing injected
    spec = embedded_figure(page)
    assert len(spec["frames"]) == len(figure["frames"]) == DIVERGING.steps + 1
    assert len(spec["data"]) == len(figure["data"])
    assert spec["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert "Plotly.newPlot(chart, figure)" in page


# --- GIF and MP4 ----------------------------------------------------------------------------


def render(fmt: str, config: RunConfig, **options) -> tuple[bytes, list]:
    trajectory = simulate(config)
    land = landscapes.lookup(config.landscape)
    calls = []
    data = race_animation(
        landscape_grid(land),
        legend_names(config),
        trajectory.points,
        trajectory.diverged_at,
        [p for p, _ in land.minima],
        list(land.saddles),
        land.domain,
        fmt=fmt,
        styles=line_styles(config, trajectory),
        title=land.name,
        on_frame=lambda i, n: calls.append((i, n)),
        **options,
    )
    return data, calls


def test_frame_steps_cover_the_race_within_the_budget():
    assert frame_steps(10, 150).tolist() == list(range(11))
    steps = frame_steps(1000, 150)
    assert len(steps) == 150 and steps[0] == 0 and steps[-1] == 1000
    assert np.all(np.diff(steps) > 0)
    assert even_size((321, 181)) == (320, 180)
    assert 5 <= frame_rate(3) <= frame_rate(150) <= 25


def pixels_of(frame: np.ndarray, hex_colour: str) -> int:
    distance = np.abs(frame.astype(int) - np.array(hex_to_rgb(hex_colour))).sum(axis=-1)
    return int((distance < 30).sum())


def test_the_gif_has_its_frames_size_and_growing_paths():
    data, calls = render("gif", DIVERGING, max_frames=12, size=(401, 241))
    gif = Image.open(io.BytesIO(data))
    assert gif.format == "GIF" and gif.n_frames == 12 and gif.size == (400, 240)
    assert calls == [(i, 12) for i in range(1, 13)]
    frames = []
    for i in range(gif.n_frames):
        gif.seek(i)
        frames.append(np.asarray(gif.convert("RGB")))
    assert gif.info["duration"] == HOLD_MS  # the last frame stays
    blue = [pixels_of(frame, "#0072B2") for frame in frames]  # SGD's path grows
    assert blue[0] < blue[2] < blue[4] and blue[-1] > 10 * blue[0]


def test_the_mp4_has_its_frames_and_an_even_size(tmp_path):
    data, calls = render("mp4", DIVERGING, max_frames=15, size=(333, 201))
    assert data[4:8] == b"ftyp" and len(calls) == 15
    path = tmp_path / "race.mp4"
    path.write_bytes(data)
    reader = imageio.get_reader(path, format="ffmpeg")
    try:
        meta = reader.get_meta_data()
        assert meta["size"] == (332, 200) and meta["codec"] == "h264"
        assert "yuv420p" in meta["pix_fmt"]
        assert reader.count_frames() == 15
        first, last = reader.get_data(0), reader.get_data(14)
    finally:
        reader.close()
    assert first.shape == (200, 332, 3)
    assert np.abs(first.astype(int) - last.astype(int)).max() > 100  # the race moved


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="webm"):
        render("webm", DIVERGING)


# --- the page's helpers ---------------------------------------------------------------------


def test_chart_config_is_json_and_names_the_downloads():
    png = chart_config("race")
    assert json.loads(json.dumps(png)) == png
    assert png["toImageButtonOptions"] == {"format": "png", "filename": "race", "scale": 2}
    assert png["downloadSVG"] == "race" and png["displaylogo"] is False
    svg = chart_config("curves", "svg", scrollZoom=False)
    assert svg["toImageButtonOptions"] == {"format": "svg", "filename": "curves"}
    assert svg["scrollZoom"] is False
    with pytest.raises(ValueError):
        chart_config("x", "jpeg")


def test_file_names_are_plain_even_for_a_typed_formula():
    assert file_stem(DIVERGING) == "optiscape-ravine"
    typed = SimpleNamespace(landscape="formula:x^2/20 + y^2@-5,5,-3,3")  # all it reads
    assert file_stem(typed) == "optiscape-formula"


def export_page():
    import streamlit as st

    from optimizers.run_config import RunConfig
    from optimizers.simulate import simulate
    from ui.export import export_section
    from ui.race_figures import landscape_grid, legend_names

    config = RunConfig(
        "ravine",
        (("sgd", {"learning_rate": 1.1}), ("adam", {"learning_rate": 0.3})),
        starts=((-7.0, 2.0), (0.0, 2.0)),
        steps=60,
        seed=int(st.query_params.get("seed", 0)),
    )
    trajectory = simulate(config)
    grid = landscape_grid(__import__("landscapes").lookup(config.landscape))
    export_section(config, trajectory, grid, legend_names(config))


def test_the_export_section_is_empty_until_opened():
    at = AppTest.from_function(export_page, default_timeout=60).run()
    assert not at.exception
    assert headings(at) == ["Download the race"]
    assert not at.get("download_button") and not at.button


def test_the_export_section_renders_a_video_on_demand_and_keeps_it():
    at = AppTest.from_function(export_page, default_timeout=60)
    at.query_params["seed"] = "7"
    at.session_state[EXPORT_OPEN] = True
    at.run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:2] == ["Runs (CSV)", "Race (HTML)"]
    assert [b.label for b in at.button] == ["Render GIF", "Render MP4"]
    next(b for b in at.button if b.label == "Render GIF").click().run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(re.fullmatch(r"GIF \([\d.]+ [kM]B\)", label) for label in labels)
    at.run()  # a rerun finds the GIF kept: no render button for it any more
    assert [b.label for b in at.button] == ["Render MP4"]
