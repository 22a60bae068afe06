"""AppTest checks of the hyperparameter-search page: it runs, presets run, links round-trip,
zoom adds rounds and bad links are explained."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lessons.search import CATALOG as PRESETS
from optimizers import CATALOG as OPTIMIZERS
from tests.live import charts, page_test

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "search.py")


def open_page(query: dict[str, str] | None = None) -> AppTest:
    at = page_test(PAGE, 200)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def link(at: AppTest) -> dict[str, str]:
    return {key: at.query_params[key] for key in at.query_params}


def test_page_runs_with_the_first_preset():
    at = open_page()
    assert not at.exception
    assert PRESETS["one_matters"].title in at.info[0].value
    assert len(charts(at)) == 4
    assert link(at)["hx"] == "learning_rate"
    assert link(at)["hy"] == "eps"


@pytest.mark.parametrize("key", list(PRESETS))
def test_each_preset_runs(key):
    at = open_page()
    at.button(key=f"hs.preset.{key}").click().run()
    assert not at.exception
    assert PRESETS[key].title in at.info[0].value
    assert link(at)["n"] == str(PRESETS[key].budget)


def test_zoom_adds_a_round_and_the_link_keeps_it():
    at = open_page()
    at.button(key="hs.zoom_in").click().run()
    assert not at.exception
    assert link(at)["zoom"] == "auto"
    again = open_page(link(at))
    assert not again.exception
    assert link(again) == link(at)
    assert any("2 round(s)" in m.value for m in again.markdown)


def test_changing_the_budget_changes_the_trials():
    at = open_page()
    before = charts(at)[0]
    at.select_slider(key="hs.n").set_value(16).run()
    assert not at.exception
    assert charts(at)[0] != before
    names = [t.get("name", "") for t in charts(at)[0]["data"]]
    assert any("4 values of η" in name for name in names)


@pytest.mark.parametrize(
    "query",
    [
        {"land": "ravine", "opt": "adam", "hx": "learning_rate", "hy": "learning_rate"},
        {"land": "ravine", "opt": "adam", "hx": "learning_rate", "hy": "b1", "n": "7"},
        {"land": "ravine", "opt": "adam", "hx": "lr", "hy": "b1"},
        {"land": "bowl", "opt": "adam", "hx": "learning_rate", "hy": "b1", "zoom": "0,2,0,1"},
        {"land": "ravine", "opt": "sgd,adam", "hx": "learning_rate", "hy": "b1"},
    ],
)
def test_a_bad_link_shows_a_message_and_a_preset(query):
    at = open_page(query)
    assert not at.exception
    assert "This link could not be read" in at.warning[0].value


RAW_KEYS = re.compile(
    r"\b(" + "|".join({h.name for spec in OPTIMIZERS.values() for h in spec.hyperparams}) + r")\b"
)


def shown_texts(figure: dict) -> list[str]:
    """What a figure puts on screen as words: trace names and hover templates, axis titles and
    tick labels, annotations."""
    texts = [t.get(key) or "" for t in figure["data"] for key in ("name", "hovertemplate")]
    for key, value in figure["layout"].items():
        if key.startswith(("xaxis", "yaxis")):
            texts.append(str(value.get("title", {}).get("text", "")))
            texts += [str(tick) for tick in value.get("ticktext", [])]
    texts += [a.get("text", "") for a in figure["layout"].get("annotations", [])]
    return texts


def log_axes(figure: dict) -> list[dict]:
    return [
        v
        for k, v in figure["layout"].items()
        if k.startswith(("xaxis", "yaxis")) and v.get("type") == "log"
    ]


@pytest.mark.parametrize("key", list(PRESETS))
def test_each_preset_shows_symbols_never_keys_and_one_label_per_decade(key):
    at = open_page({"lesson": key})
    assert not at.exception
    assert PRESETS[key].title in at.info[0].value
    words = [m.value for m in at.markdown] + [c.value for c in at.caption]
    words += [str(o) for box in at.selectbox for o in box.options]
    for figure in charts(at):
        words += shown_texts(figure)
        for axis in log_axes(figure):
            assert axis.get("tickmode") == "array", axis  # no automatic 2, 5 labels in a decade
            decades = np.log10(np.asarray(axis["tickvals"], dtype=float))
            assert np.all(np.diff(np.sort(decades)) >= 1 - 1e-9), axis["tickvals"]
    raw = sorted({m for text in words for m in RAW_KEYS.findall(text)} - {"momentum", "decay"})
    assert not raw, raw


def test_moving_the_start_redraws_every_run_chart_and_forgets_the_lesson():
    at = open_page()
    specs = charts(at)
    at.slider(key="hs.sx").set_value(-2.0).run()
    assert not at.exception
    after = charts(at)
    # The surface, the race and the rounds change; the sampling chart needs no run.
    assert [a != b for a, b in zip(specs, after, strict=True)] == [True, True, False, True]
    assert link(at)["start"] == "-2.0,0.1"
    assert "lesson" not in link(at)
    assert not at.info


def surface_trace(at: AppTest) -> dict:
    data = charts(at)[0]["data"]
    return next(trace for trace in data if trace.get("name") == "response surface")


def test_changing_the_budget_keeps_the_surface_and_updates_the_link():
    at = open_page()
    heat_map = surface_trace(at)
    at.select_slider(key="hs.n").set_value(25).run()
    assert not at.exception
    assert link(at)["n"] == "25"
    assert surface_trace(at) == heat_map
    assert any("25 trials each" in m.value for m in at.markdown)
    assert any("1 round(s) of 25 trials" in m.value for m in at.markdown)


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_chart_is_a_valid_plotly_figure_small_enough_to_resend(key):
    """The figures are built as dicts without plotly.py: plotly.py must still accept them; the
    three a slider redraws must stay small (the surface's 10 000 values to 2 decimals, the
    rounds' backdrop as a picture, no template)."""
    import plotly.graph_objects as go

    at = open_page({"lesson": key})
    figures = charts(at)
    for figure in figures:
        go.Figure(figure)  # raises on any property plotly.js does not know
    surface, race, _, rounds = (len(json.dumps(f, separators=(",", ":")).encode()) for f in figures)
    assert surface + race + rounds < 120_000


def test_add_this_picture_takes_the_link_after_the_budget_moved():
    """The lecture tools are drawn by the full run, the link by the fragment: the picture added
    is the link at the moment of the press."""
    from ui.lecture import BUILDER_OPEN, MINE_KEY

    at = open_page()
    at.select_slider(key="hs.n").set_value(16).run()
    at.session_state[BUILDER_OPEN] = True
    at.run()
    at.button(key="lecture_add").click().run()
    (slide,) = at.session_state[MINE_KEY]
    assert slide.link.startswith("search?") and "n=16" in slide.link


def test_the_next_start_is_one_slider_step_on_in_the_direction_it_moved():
    from lessons.search import CATALOG
    from optimizers.search_config import SearchConfig
    from ui.controls import rounded_start
    from ui.search_runs import next_start

    preset = CATALOG["one_matters"]
    search = SearchConfig(preset.config, preset.x, preset.y, preset.budget)
    (x0, x1), _ = domain = ((-3.0, 3.0), (-2.0, 2.0))
    x, y = search.run.starts[0]
    step = (x1 - x0) / 400
    assert next_start(search, domain, None).run.starts == (rounded_start((x + step, y)),)
    assert next_start(search, domain, x - step).run.starts == (rounded_start((x + step, y)),)
    assert next_start(search, domain, x + step).run.starts == (rounded_start((x - step, y)),)
    assert next_start(search, ((x0, x + 1e-6), (-2.0, 2.0)), None) is None  # past the edge
    # The slider's own float for the same step and the step worked out ahead name one run.
    assert rounded_start((-2.9699999999999998, 1.0)) == rounded_start((-2.97, 1.0))


def test_the_page_prepares_the_next_start_on_the_worker():
    """After a run, the charts of the start one step to the right are built in the background:
    once ready, the page's press there is served from the caches."""
    import time

    from ui import search_charts
    from ui.search_runs import next_start

    at = open_page()
    assert not at.exception
    deadline = time.monotonic() + 60
    while search_charts._AHEAD.busy() and time.monotonic() < deadline:
        time.sleep(0.1)  # a job an earlier page left there: one at a time
    step = float(at.slider(key="hs.sx").step)
    at.slider(key="hs.sx").set_value(at.slider(key="hs.sx").value + step).run()
    assert not at.exception
    shown = link(at)
    from optimizers.search_config import SearchConfig

    search = SearchConfig.from_query(shown)
    ahead = next_start(search, __import__("landscapes").lookup(search.run.landscape).domain, None)
    deadline = time.monotonic() + 60
    while not search_charts._AHEAD.ready(repr(ahead)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert search_charts._AHEAD.ready(repr(ahead))


def test_the_next_budget_is_one_option_on_the_way_it_moved():
    from lessons.search import CATALOG
    from optimizers.search_config import BUDGETS, SearchConfig
    from ui.search_runs import next_budget

    preset = CATALOG["one_matters"]
    at = {b: SearchConfig(preset.config, preset.x, preset.y, b) for b in BUDGETS}
    assert next_budget(at[9], 4).budget == 16
    assert next_budget(at[9], 16).budget == 4
    assert next_budget(at[9], 9) is None and next_budget(at[9], None) is None  # it did not move
    assert next_budget(at[BUDGETS[-1]], BUDGETS[-2]) is None  # past the last option
    assert next_budget(at[16], 9) == SearchConfig(preset.config, preset.x, preset.y, 25)


def test_after_a_budget_move_the_page_prepares_the_next_budget_not_a_start():
    """A lecturer stepping the budget is served the next budget from the caches; the worker
    does not sweep a start nobody moved."""
    import time

    from optimizers.search_config import SearchConfig
    from ui import search_charts
    from ui.search_runs import next_budget

    at = open_page()
    assert not at.exception
    deadline = time.monotonic() + 60
    while search_charts._AHEAD.busy() and time.monotonic() < deadline:
        time.sleep(0.1)
    before = at.session_state["hs.n"]
    options = list(at.select_slider(key="hs.n").options)
    moved = options[options.index(str(before)) + 1]
    at.select_slider(key="hs.n").set_value(int(moved)).run()
    assert not at.exception
    shown = {k: v for k, v in link(at).items() if k != "lesson"}  # the preset's name, and all
    search = SearchConfig.from_query(shown)
    assert search.budget == int(moved)
    ahead = next_budget(search, before)
    assert ahead is not None and ahead.budget > search.budget
    deadline = time.monotonic() + 60
    while not search_charts._AHEAD.ready(repr(ahead)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert search_charts._AHEAD.ready(repr(ahead))
