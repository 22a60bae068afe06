"""Start-up work done once per server process, before it answers, so that visitors do not pay
for it.

- XLA's compiled kernels are kept on disk (JAX's persistent compilation cache), so a restarted
  server loads them instead of compiling them again;
- `lifespan` (the server's start-up hook, given to `st.App` in app.py) compiles and computes
  every page's default picture and fills the race's caches with it, in a worker thread, before
  the server takes its first session.
"""

import asyncio
import contextlib
import importlib
import os
import threading
from pathlib import Path

import jax

CACHE_DIR = Path(os.environ.get("OPTISCAPE_JAX_CACHE", Path.home() / ".cache" / "optiscape-jax"))
_started = threading.Lock()
# Step counts a lecturer picks: each falls in its own compiled bucket (simulate.padded_size).
COMMON_STEPS = (30, 100, 200, 300, 500, 1000, 2000)


def enable_compilation_cache() -> None:
    jax.config.update("jax_compilation_cache_dir", str(CACHE_DIR))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.2)


def default_pictures() -> None:
    """The engine calls behind each page's default lesson, in the caches every session shares
    (the race's and the search's charts, the network's and the loss landscape's trainings,
    init/norm's sections): the kernels compiled here and the trainings are what cost seconds."""
    from streamlit.string_util import is_emoji

    from lessons.adam_pitfalls import CATALOG as PITFALLS
    from lessons.init_norm import CATALOG as INIT_NORM
    from lessons.learning_rate import CATALOG as LAB
    from lessons.loss_landscape import CATALOG as LANDSCAPE
    from lessons.network import CATALOG as NETWORK
    from lessons.race import CATALOG as RACE
    from lessons.search import CATALOG as SEARCH
    from optimizers.pitfalls import run_pitfall
    from optimizers.search_config import SearchConfig
    from optimizers.simulate import simulate
    from ui import cached, init_norm_view
    from ui.landscape_pictures import landscape_pictures
    from ui.search_charts import race_chart, rounds_chart, surface_chart

    importlib.import_module("pandas")  # Streamlit's components import it on a first page
    is_emoji("⛰️")  # compiles Streamlit's emoji pattern (the page icon), 0.3 s
    race = RACE["zigzag"].config
    for view in ("race", "curves"):
        cached.chart_for(view, race, present=False)
    for steps in COMMON_STEPS:
        simulate(race.replace(steps=steps))
    for run in LAB["decay_under_noise"].runs:
        cached.run(run.config)
    cached.range_test(LAB["decay_under_noise"].runs[0].config)
    preset = SEARCH["one_matters"]
    search = SearchConfig(preset.config, preset.x, preset.y, preset.budget)
    for chart in (surface_chart, race_chart, rounds_chart):
        chart(search)
    run_pitfall(PITFALLS["reddi"].config)
    cached.trained_network(NETWORK["optimizers_spirals"].config)
    landscape_pictures(LANDSCAPE["skips"].config)
    init_norm = INIT_NORM["zeros"].config
    init_norm_view.statistics_of(init_norm)
    init_norm_view.compared(init_norm)
    init_norm_view.symmetry_chart()
    init_norm_view.batch_statistics_chart(init_norm.batch, init_norm.momentum, init_norm.seed)
    init_norm_view.axes_charts()
    init_norm_view.race_charts(init_norm.rate)


def enable_once() -> None:
    if _started.acquire(blocking=False):
        enable_compilation_cache()


@contextlib.asynccontextmanager
async def lifespan(_app):
    """The server's start-up: the compilation cache, then the default pictures (in a thread, so
    the event loop stays free), before the server answers."""
    enable_once()
    await asyncio.to_thread(default_pictures)
    yield
