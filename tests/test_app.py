"""The entry point: app.py serves navigation.py with a start-up hook; the pages run headless
without an exception and open on the race."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def test_app_runs_without_exception_and_opens_the_race():
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value == "Optimizer race"


def test_app_py_is_a_server_with_a_start_up_hook():
    import app
    from ui.warm_up import lifespan

    assert isinstance(app.app, st.App)
    assert app.app.script_path.name == "navigation.py"
    assert app.app._user_lifespan is lifespan


def test_after_the_start_up_hook_the_default_pictures_compile_nothing_and_are_cached(
    monkeypatch,
):
    """The race's charts, the network's training, the loss landscape's slices and init/norm's
    charts of each page's default lesson are ready for the first visitor."""
    from lessons.init_norm import CATALOG as INIT_NORM
    from lessons.loss_landscape import CATALOG as LANDSCAPE
    from lessons.network import CATALOG as NETWORK
    from lessons.race import CATALOG as RACE
    from optimizers.compilations import count_compilations
    from optimizers.simulate import simulate
    from ui import cached, init_norm_view, landscape_pictures

    with ThreadPoolExecutor(1) as thread:  # a loop of its own: browser tests may hold this one
        thread.submit(asyncio.run, _start_up()).result()
    config = RACE["zigzag"].config
    assert count_compilations(lambda: simulate(config)) == 0

    def never(*_):
        raise AssertionError("built again")

    for view in ("race", "curves"):
        monkeypatch.setitem(cached.CHARTS, view, (never, {}))
        assert cached.chart_for(view, config, present=False)
    monkeypatch.setattr(cached, "train", never)
    assert cached.trained_network(NETWORK["optimizers_spirals"].config)
    skips = landscape_pictures._normal(LANDSCAPE["skips"].config)
    assert landscape_pictures._AHEAD.ready(repr(skips))
    for builder in ("symmetry_figure", "batch_statistics_figure", "axes_figure", "reparam_figure"):
        monkeypatch.setattr(init_norm_view.figures, builder, never)
    zeros = INIT_NORM["zeros"].config
    assert init_norm_view.symmetry_chart() and init_norm_view.axes_charts()
    assert init_norm_view.batch_statistics_chart(zeros.batch, zeros.momentum, zeros.seed)
    assert init_norm_view.race_charts(zeros.rate)


async def _start_up() -> None:
    from ui.warm_up import lifespan

    async with lifespan(None):
        pass


def _calls(tree, name: str) -> list:
    import ast

    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == name
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "binder"
    ]


def test_every_page_draws_its_lecture_tools_once_per_full_run_and_never_in_a_fragment():
    """A slider move inside a fragment publishes the link but does not redraw the lecture tools
    (an expander, an uploader, a radio): `binder.tools()` is called at a page's top level."""
    import ast

    pages = sorted(Path("pages").glob("*.py"))
    with_binder = 0
    for page in pages:
        tree = ast.parse(page.read_text())
        if not _calls(tree, "publish"):
            continue
        with_binder += 1
        top = [s.value for s in tree.body if isinstance(s, ast.Expr)]
        assert any(c in top for c in _calls(tree, "tools")), page
        assert len(_calls(tree, "tools")) == 1, page
    assert with_binder == 7
