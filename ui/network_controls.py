"""The network page's controls: the data, the architecture, and one run per slot.

Like `ui.controls`, each has a `load_…` side (from a TrainConfig) and a drawing side that
returns the values for a new TrainConfig; widget keys start with `net.`.
"""

import streamlit as st

from networks import datasets
from networks.mlp import ACTIVATIONS, INITIALIZERS, NORMS, NetConfig
from networks.train import BatchGrowth, Run, TrainConfig
from ui import controls

POINTS = (100, 200, 400, 800, 1000, 2000)
WIDTHS = (2, 4, 8, 16, 32, 64, 128)
MAX_PAGE_DEPTH = 12
ss = st.session_state


def load(config: TrainConfig, prefix: str = "net.") -> None:
    """Set the data, network and run widgets (keys starting with `prefix`) from a config."""
    net, p = config.net, prefix
    ss[f"{p}data"], ss[f"{p}n"], ss[f"{p}noise"] = config.dataset, config.n, config.noise
    ss[f"{p}dseed"], ss[f"{p}steps"], ss[f"{p}seed"] = config.data_seed, config.steps, config.seed
    ss[f"{p}depth"], ss[f"{p}width"], ss[f"{p}act"] = net.depth, net.width, net.activation
    ss[f"{p}init"], ss[f"{p}gain"] = net.init, net.init_scale
    ss[f"{p}res"], ss[f"{p}norm"] = net.residual, net.norm
    ss[f"{p}runs"] = len(config.runs)
    for i, run in enumerate(config.runs):
        controls.load_optimizer(f"{p}{i}.", (run.optimizer, run.hyperparams))
        controls.load_schedule(f"{p}{i}.", run.schedule)
        ss[f"{p}{i}.batch"] = run.batch_size
        ss[f"{p}{i}.grow"] = run.batch_growth is not None
        if run.batch_growth is not None:
            ss[f"{p}{i}.factor"], ss[f"{p}{i}.every"] = run.batch_growth


def data_controls(container) -> dict:
    container.selectbox(
        "Dataset",
        list(datasets.CATALOG),
        key="net.data",
        format_func=lambda k: datasets.CATALOG[k].name,
    )
    container.slider("noise", 0.0, datasets.MAX_NOISE, key="net.noise", step=0.05)
    container.select_slider("points", sorted(set(POINTS) | {ss["net.n"]}), key="net.n")
    container.number_input("data seed", 0, 2**31 - 1, key="net.dseed")
    return dict(
        dataset=ss["net.data"], n=ss["net.n"], noise=ss["net.noise"], data_seed=ss["net.dseed"]
    )


def net_controls(container) -> NetConfig:
    container.slider("hidden layers", 1, MAX_PAGE_DEPTH, key="net.depth")
    container.select_slider(
        "units per layer", sorted(set(WIDTHS) | {ss["net.width"]}), key="net.width"
    )
    left, right = container.columns(2)
    left.selectbox("activation", list(ACTIVATIONS), key="net.act")
    right.selectbox("initialization", list(INITIALIZERS), key="net.init")
    more = container.expander("Residual blocks, normalization, init scale")
    more.toggle("residual connections", key="net.res")
    more.selectbox("normalization", NORMS, key="net.norm")
    more.slider(
        "init scale (σ for 'normal', a gain otherwise)", 0.01, 3.0, key="net.gain", step=0.01
    )
    return NetConfig(
        depth=ss["net.depth"],
        width=ss["net.width"],
        activation=ss["net.act"],
        init=ss["net.init"],
        residual=ss["net.res"],
        norm=ss["net.norm"],
        init_scale=ss["net.gain"],
    )


def batch_options(n_train: int, current: int) -> list[int]:
    """Powers of two up to the training set, the full batch, and the current value."""
    powers = [2**k for k in range(11) if 2**k < n_train]
    return sorted({*powers, n_train, min(current, n_train)})


def run_slot(container, i: int, n_train: int) -> Run:
    prefix = f"net.{i}."
    ss.setdefault(f"{prefix}opt", ("sgd", "momentum", "adam", "rmsprop")[i])
    settings = controls.optimizer_slot(container, prefix)
    schedule = controls.schedule_control(container, prefix)
    ss.setdefault(f"{prefix}batch", 32)
    ss[f"{prefix}batch"] = min(ss[f"{prefix}batch"], n_train)
    batch = container.select_slider(
        "batch size B", batch_options(n_train, ss[f"{prefix}batch"]), key=f"{prefix}batch"
    )
    return Run(*settings, schedule, batch, growth_control(container, prefix))


def growth_control(container, prefix: str) -> BatchGrowth | None:
    """Grow the batch by γ every k steps (Smith et al. 2018), or not."""
    ss.setdefault(f"{prefix}grow", False)
    if not container.toggle("grow the batch", key=f"{prefix}grow"):
        return None
    ss.setdefault(f"{prefix}factor", 2.0)
    ss.setdefault(f"{prefix}every", 100)
    factors = sorted({1.5, 2.0, 3.0, 5.0, 10.0, float(ss[f"{prefix}factor"])})
    factor = container.select_slider("by a factor γ", factors, key=f"{prefix}factor")
    every = container.number_input("every k steps", 1, 5000, key=f"{prefix}every")
    return BatchGrowth(factor, every)
