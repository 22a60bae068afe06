"""Start-up work done once per server process, so that visitors do not pay for it.

- XLA's compiled kernels are kept on disk (JAX's persistent compilation cache), so a restarted
  server loads them instead of compiling them again;
- a background thread computes every page's default picture once, so the first visitor of each
  page finds its kernels compiled and its engine results cached.
"""

import os
import threading
from pathlib import Path

import jax

CACHE_DIR = Path(os.environ.get("OPTISCAPE_JAX_CACHE", Path.home() / ".cache" / "optiscape-jax"))
_started = threading.Lock()
_done = threading.Event()


def enable_compilation_cache() -> None:
    jax.config.update("jax_compilation_cache_dir", str(CACHE_DIR))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.2)


def _default_pictures() -> None:
    """The engine calls behind each page's default lesson (the pages' caches are per session
    type and fill on first use; the kernels compiled here are what costs seconds)."""
    from lessons.adam_pitfalls import CATALOG as PITFALLS
    from lessons.learning_rate import CATALOG as LAB
    from lessons.network import CATALOG as NETWORK
    from lessons.race import CATALOG as RACE
    from lessons.search import CATALOG as SEARCH
    from networks.train import train
    from optimizers.pitfalls import run_pitfall
    from optimizers.search import surface
    from optimizers.search_config import SearchConfig
    from optimizers.simulate import simulate

    try:
        simulate(RACE["zigzag"].config)
        for run in LAB["decay_under_noise"].runs:
            simulate(run.config)
        preset = SEARCH["one_matters"]
        search = SearchConfig(preset.config, preset.x, preset.y, preset.budget)
        surface(search.run, *search.axes, 100)
        run_pitfall(PITFALLS["reddi"].config)
        train(NETWORK["optimizers_spirals"].config)
    finally:
        _done.set()


def warm_up() -> None:
    """Once per process: the compilation cache, and the default pictures in the background."""
    if _started.acquire(blocking=False):
        enable_compilation_cache()
        # Not a daemon: a process that ends while XLA compiles would abort.
        threading.Thread(target=_default_pictures, name="warm-up").start()
