"""AppTest checks of the race page: it runs, reacts to sliders, loads presets and links."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lessons.race import CATALOG as PRESETS
from optimizers.run_config import RunConfig
from optimizers.simulate import simulate
from tests.live import headings, live_figures, tables

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "race.py")


def open_page(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def race_spec(at: AppTest) -> str:
    return live_figures(at)[0]


def shown_config(at: AppTest) -> RunConfig:
    return RunConfig.from_query({key: at.query_params[key] for key in at.query_params})


def test_page_runs_with_the_default_race():
    at = open_page()
    assert not at.exception
    race, curves = map(json.loads, live_figures(at))
    assert len(race["frames"]) == 31
    assert len(curves["layout"]["annotations"]) == 4
    assert shown_config(at) == PRESETS["zigzag"].config


def test_moving_a_slider_changes_the_race():
    at = open_page()
    before = race_spec(at)
    at.session_state["steps"] = 12
    at.run()
    assert not at.exception
    assert shown_config(at).steps == 12
    assert race_spec(at) != before


def test_a_learning_rate_slider_changes_the_race():
    at = open_page()
    before = race_spec(at)
    slider = next(s for s in at.select_slider if s.key == "0.hp.sgd.learning_rate")
    slider.set_value(0.5).run()
    assert not at.exception
    assert shown_config(at).optimizers[0] == ("sgd", {"learning_rate": 0.5})
    assert race_spec(at) != before


def test_the_update_rules_show_each_optimizer_in_its_colour_with_its_rule():
    from optimizers import CATALOG as OPTIMIZERS
    from viz import optimizer_styles

    at = open_page()
    (rules,) = [m.value for m in at.markdown if m.value.startswith("### Update rules")]
    keys = [key for key, _ in PRESETS["zigzag"].config.optimizers]
    for key, style in zip(keys, optimizer_styles(keys), strict=True):
        spec = OPTIMIZERS[key]
        swatch = f"color:{style['color']};font-size:1.6rem'>■</span> **{spec.name}**"
        assert rules.index(swatch) < rules.index(f"$$\n{spec.latex}\n$$")
    at.selectbox(key="0.opt").set_value("lion").run()
    (rules,) = [m.value for m in at.markdown if m.value.startswith("### Update rules")]
    assert OPTIMIZERS["lion"].latex in rules and OPTIMIZERS["sgd"].latex not in rules


def test_a_closed_optimizer_draws_no_controls_and_keeps_its_settings():
    """Slots 2-4 of the default race are closed: none of their widgets is drawn, yet their
    settings stay in the race through a full rerun, a slider move and opening the slot."""
    at = open_page()
    drawn = {w.key for w in [*at.slider, *at.select_slider, *at.selectbox, *at.checkbox]}
    assert "0.hp.sgd.learning_rate" in drawn
    assert not [key for key in drawn if key[:2] in ("1.", "2.", "3.")]
    zigzag = PRESETS["zigzag"].config.optimizers
    at.run()
    next(s for s in at.select_slider if s.key == "0.hp.sgd.learning_rate").set_value(0.5).run()
    assert shown_config(at).optimizers[1:] == zigzag[1:]
    at.session_state["1.open"] = True
    at.run()
    assert not at.exception
    assert at.select_slider(key="1.hp.momentum.learning_rate").value == 0.4
    assert at.slider(key="1.hp.momentum.momentum").value == 0.5
    assert shown_config(at).optimizers[1:] == zigzag[1:]


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_each_preset_runs_and_shows_its_config(key):
    at = open_page()
    next(b for b in at.button if b.key == f"preset.{key}").click().run()
    assert not at.exception
    assert shown_config(at) == PRESETS[key].config
    assert any(PRESETS[key].title in info.value for info in at.info)


def test_a_link_restores_the_same_config():
    config = RunConfig(
        "himmelblau",
        (("nesterov", {"learning_rate": 0.005, "momentum": 0.8}), ("rmsprop", {})),
        starts=((1.25, -2.5), (0.5, 0.5)),
        steps=77,
        schedule=("cosine", {"decay_steps": 50.0, "alpha": 0.1}),
        clip_norm=20.0,
        noise_std=0.5,
        batch_size=4,
        seed=5,
        noisy=(True, False),
    )
    at = open_page(config.to_query())
    assert not at.exception
    assert not at.warning
    assert shown_config(at) == config


@pytest.mark.parametrize(
    "query",
    [
        {"land": "atlantis", "opt": "sgd()"},
        {"land": "ravine", "opt": "sgd(learning_rate=1e999)"},
        {"land": "ravine", "opt": "adam()", "steps": "-3"},
        {"land": "ravine", "opt": "sgd()", "start": "nan,1"},
        {"land": "ravine", "opt": "__import__('os').system('x')"},
    ],
)
def test_a_bad_link_shows_a_message_and_the_default_race(query):
    at = open_page(query)
    assert not at.exception
    assert any("could not be read" in w.value for w in at.warning)
    assert shown_config(at) == PRESETS["zigzag"].config


def test_odd_view_options_are_ignored():
    query = PRESETS["zigzag"].config.to_query() | {"view": "<script>", "sx": "nan", "sn": "1e9"}
    at = open_page(query)
    assert not at.exception
    assert shown_config(at) == PRESETS["zigzag"].config


def test_a_diverging_run_is_reported_with_its_step():
    config = RunConfig("ravine", (("sgd", {"learning_rate": 1.1}),), starts=((0.0, 2.0),), steps=60)
    at = open_page(config.to_query())
    assert not at.exception
    k = int(simulate(config).diverged_at[0, 0])
    assert k > 0
    assert any(f"Diverged: SGD at step {k} (its path stops" in w.value for w in at.warning)


def test_surface_view_and_basins_run():
    at = open_page(PRESETS["himmelblau"].config.to_query())
    at.radio(key="view").set_value("surface").run()
    assert not at.exception
    assert '"type":"surface"' in live_figures(at)[0]
    at.toggle(key="basins").set_value(True).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1


def test_the_inspector_shows_the_step_and_its_table_and_goes_into_the_link():
    at = open_page()
    at.toggle(key="inspector").set_value(True).run()
    at.slider(key="inspect").set_value(3).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    table = tables(at)[0]
    assert list(table["optimizer"]) == ["SGD", "Momentum", "AdaGrad", "Adam"]
    assert table["‖Δx‖ / ‖∇f‖"][0] == "0.95"
    assert at.query_params["inspect"] == "3"
    again = open_page({key: at.query_params[key] for key in at.query_params})
    assert again.slider(key="inspect").value == 3


def test_the_lower_sections_keep_their_headings_when_turned_on_and_off():
    """Off, the inspector and the basins are drawn by the page once (they depend on no run);
    on, by the race's fragment with the run. Either way their headings stay in place."""
    at = open_page()
    titles = ["Inspector", "Basins of attraction", "Download the race"]
    assert [h for h in titles if h in headings(at)] == titles
    for key in ("inspector", "basins"):
        at.toggle(key=key).set_value(True).run()
        assert not at.exception
        at.toggle(key=key).set_value(False).run()
        assert not at.exception
        assert [h for h in titles if h in headings(at)] == titles
        assert not at.get("plotly_chart")
