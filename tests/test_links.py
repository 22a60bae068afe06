"""Every page's link format: old links still open the same picture, any state round-trips, and
an unknown or malformed key is reported, never dropped."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.learning_rate import CATALOG as LAB_LESSONS
from lessons.race import CATALOG as PRESETS
from lessons.search import CATALOG as SEARCH_PRESETS
from optimizers.lab_config import LabConfig
from optimizers.run_config import RunConfig
from optimizers.search_config import SearchConfig
from ui.race_link import RaceLink

# Links written by the pages before they shared one binder (kept verbatim).
OLD_RACE_LINK = {
    "land": "ravine",
    "opt": "sgd(learning_rate=0.95),momentum(learning_rate=0.1,momentum=0.9),"
    "adagrad(learning_rate=1.5,initial_accumulator_value=0.1,eps=1e-07),"
    "adam(learning_rate=0.3,b1=0.9,b2=0.999,eps=1e-08)",
    "start": "-7.0,2.0",
    "steps": "30",
    "noise": "0.0",
    "batch": "1",
    "seed": "0",
    "view": "surface",
    "smode": "one",
    "sx": "-7",
    "sy": "2",
    "sr": "3",
    "sn": "8",
    "basins": "1",
    "inspect": "4",
}
OLD_LAB_LINK = {
    "land": "warmup_trap",
    "opt": "sgd(learning_rate=1.0)",
    "start": "-2.5,0.1",
    "steps": "200",
    "noise": "0.02",
    "batch": "1",
    "seed": "0",
    "r1": "sched=linear_warmup%28start_factor%3D0.0%2Cwarmup_steps%3D20.0%29",
    "r2": "opt=sgd%28learning_rate%3D0.1%29",
}
OLD_SEARCH_LINK = {
    "land": "rosenbrock",
    "opt": "momentum(learning_rate=0.1,momentum=0.9)",
    "start": "-1.5,2.0",
    "steps": "200",
    "noise": "0.0",
    "batch": "1",
    "seed": "0",
    "hx": "learning_rate",
    "hy": "momentum",
    "n": "16",
    "obj": "final",
    "zoom": "auto;0.1,0.4,0.25,0.75",
}


def test_an_old_race_link_opens_the_same_picture():
    link = RaceLink.from_query(OLD_RACE_LINK)
    assert link.config == RunConfig(
        "ravine",
        (
            ("sgd", {"learning_rate": 0.95}),
            ("momentum", {"learning_rate": 0.1, "momentum": 0.9}),
            ("adagrad", {"learning_rate": 1.5}),
            ("adam", {"learning_rate": 0.3}),
        ),
        starts=((-7.0, 2.0),),
        steps=30,
    )
    assert (link.view, link.basins, link.inspect) == ("surface", True, 4)
    assert link.pattern == {"mode": "one", "sn": 8, "sx": -7.0, "sy": 2.0, "sr": 3.0}


def test_an_old_lab_link_opens_the_same_runs():
    lab = LabConfig.from_query(OLD_LAB_LINK)
    assert lab.runs == tuple(run.config for run in LAB_LESSONS["warmup"].runs)


def test_an_old_search_link_opens_the_same_search():
    search = SearchConfig.from_query(OLD_SEARCH_LINK)
    preset = SEARCH_PRESETS["momentum_ridge"]
    assert (search.run, search.x, search.y, search.budget) == (
        preset.config,
        preset.x,
        preset.y,
        preset.budget,
    )
    assert search.zoom == (None, ((0.1, 0.4), (0.25, 0.75)))


@pytest.mark.parametrize(
    ("reader", "query"),
    [
        (RaceLink.from_query, OLD_RACE_LINK),
        (LabConfig.from_query, OLD_LAB_LINK),
        (SearchConfig.from_query, OLD_SEARCH_LINK),
    ],
)
def test_an_unknown_key_is_named_in_the_message(reader, query):
    with pytest.raises(ValueError, match="does not know: 'rate'"):
        reader(query | {"rate": "3"})


@pytest.mark.parametrize(
    ("reader", "query", "message"),
    [
        (RaceLink.from_query, OLD_RACE_LINK | {"sx": "left"}, "sx must be a number"),
        (RaceLink.from_query, OLD_RACE_LINK | {"view": "<script>"}, "view must be one of"),
        (RaceLink.from_query, OLD_RACE_LINK | {"sn": "2.5"}, "whole number"),
        (LabConfig.from_query, OLD_LAB_LINK | {"r9": "steps=3"}, "does not know: 'r9'"),
        (LabConfig.from_query, OLD_LAB_LINK | {"r1": "steps=3"}, "all runs share"),
        (LabConfig.from_query, OLD_LAB_LINK | {"r1": "pace=3"}, "does not know: 'pace'"),
        (LabConfig.from_query, OLD_LAB_LINK | {"r4": "batch=2"}, "follows a missing run"),
        (SearchConfig.from_query, OLD_SEARCH_LINK | {"n": "7"}, "budget must be one of"),
        (SearchConfig.from_query, OLD_SEARCH_LINK | {"zoom": "0,2,0,1"}, "inside the searched"),
        (SearchConfig.from_query, OLD_SEARCH_LINK | {"hy": "learning_rate"}, "two different"),
    ],
)
def test_a_malformed_key_is_reported(reader, query, message):
    with pytest.raises(ValueError, match=message):
        reader(query)


def test_the_lab_reads_its_run_keys_only():
    """The old page dropped every key starting with "r"; now only r1…r4 are runs."""
    lab = LabConfig.from_query(OLD_LAB_LINK)
    assert len(lab.runs) == 3
    with pytest.raises(ValueError, match="does not know: 'rate'"):
        LabConfig.from_query(OLD_LAB_LINK | {"rate": "0.1"})


rates = st.sampled_from([0.001, 0.01, 0.1, 0.5])
schedules = st.sampled_from([None, ("cosine", {"decay_steps": 80.0, "alpha": 0.1})])


@st.composite
def run_configs(draw, optimizers=1):
    keys = draw(st.lists(st.sampled_from(["sgd", "momentum", "adam"]), min_size=1, max_size=3))
    return RunConfig(
        "ravine",
        tuple((key, {"learning_rate": draw(rates)}) for key in keys[:optimizers]),
        starts=((draw(st.floats(-10, 10)), draw(st.floats(-2, 2))),),
        steps=draw(st.integers(1, 500)),
        schedule=draw(schedules),
        clip_norm=draw(st.sampled_from([None, 1.0])),
        noise_std=draw(st.sampled_from([0.0, 0.5])),
        batch_size=draw(st.sampled_from([1, 8])),
        seed=draw(st.integers(0, 9)),
    )


@settings(max_examples=40, deadline=None)
@given(
    run_configs(optimizers=3),
    st.sampled_from(["race", "surface"]),
    st.booleans(),
    st.one_of(st.none(), st.integers(0, 400)),
    st.sampled_from(["one", "ring", "grid", "listed"]),
    st.floats(-10, 10),
    st.integers(2, 12),
)
def test_a_race_link_round_trips(config, view, basins, inspect, mode, sx, sn):
    link = RaceLink(config, view, basins, inspect, mode, sx, 1.5, 0.25, sn)
    assert RaceLink.from_query(link.to_query()) == link


@settings(max_examples=40, deadline=None)
@given(st.lists(run_configs(), min_size=1, max_size=5))
def test_a_lab_link_round_trips(configs):
    shared = configs[0]
    runs = tuple(
        c.replace(
            starts=shared.starts, steps=shared.steps, noise_std=shared.noise_std, seed=shared.seed
        )
        for c in configs
    )
    lab = LabConfig(runs)
    assert LabConfig.from_query(lab.to_query()) == lab


boxes = st.one_of(
    st.none(),
    st.tuples(
        st.tuples(st.floats(0, 0.4), st.floats(0.5, 1)),
        st.tuples(st.floats(0, 0.4), st.floats(0.5, 1)),
    ),
)


@settings(max_examples=40, deadline=None)
@given(
    run_configs(),
    st.sampled_from([4, 9, 16, 25]),
    st.sampled_from(["final", "best"]),
    st.lists(boxes, max_size=2),
)
def test_a_search_link_round_trips(config, budget, kind, zoom):
    run = config.replace(optimizers=(("adam", {}),))
    search = SearchConfig(run, "learning_rate", "b1", budget, kind, tuple(zoom))
    assert SearchConfig.from_query(search.to_query()) == search


def test_configs_are_hashable_all_the_way_down():
    config = PRESETS["saddle"].config
    assert hash(config) == hash(RunConfig.from_query(config.to_query()))
    assert isinstance(config.steps, int)
    assert {config: 1}[RunConfig.from_query(config.to_query())] == 1
    assert hash(LabConfig.from_query(OLD_LAB_LINK)) == hash(LabConfig.from_query(OLD_LAB_LINK))
