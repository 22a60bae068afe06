"""RunConfig validation and its round trip through a link."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers.run_config import MAX_STEPS, RunConfig

CONFIG = RunConfig(
    "rosenbrock",
    (("sgd", {"learning_rate": 0.001}), ("adam", {"learning_rate": 0.05, "b1": 0.8})),
    starts=((-1.5, 2.0), (0.25, -0.75)),
    steps=300,
    schedule=("step", {}),
    clip_norm=5.0,
    noise_std=0.5,
    batch_size=8,
    seed=11,
)


def test_link_round_trip_restores_the_same_config():
    query = CONFIG.to_query()
    assert all(isinstance(value, str) for value in query.values())
    assert RunConfig.from_query(query) == CONFIG
    assert RunConfig.from_query({**query, "view": "3d", "junk": "1"}) == CONFIG
    assert RunConfig.from_query({k: [v] for k, v in query.items()}) == CONFIG


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"landscape": "nowhere"}, "Unknown landscape"),
        ({"optimizers": (("sgdx", {}),)}, "Unknown optimizer"),
        ({"optimizers": (("sgd", {"lr": 0.1}),)}, "no hyperparameter 'lr'"),
        ({"optimizers": (("sgd", {"learning_rate": float("nan")}),)}, "finite"),
        ({"optimizers": (("sgd", {"learning_rate": 50.0}),)}, "outside its range"),
        ({"optimizers": ()}, "between 1 and"),
        ({"steps": 0}, "whole number"),
        ({"steps": MAX_STEPS + 1}, "whole number"),
        ({"steps": 2.5}, "whole number"),
        ({"schedule": ("nope", {})}, "Unknown schedule"),
        ({"clip_norm": -1.0}, "positive"),
        ({"noise_std": float("inf")}, "finite"),
        ({"batch_size": 0}, "whole number"),
        ({"starts": ((float("nan"), 0.0),)}, "finite"),
        ({"starts": ((1e300, 0.0),)}, "too far"),
    ],
)
def test_bad_values_raise_readable_errors(changes, message):
    with pytest.raises(ValueError, match=message):
        CONFIG.replace(**changes)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"land": "ravine"},
        {"land": "ravine", "opt": "sgd(learning_rate=1e999)"},
        {"land": "ravine", "opt": "sgd(learning_rate=nan)"},
        {"land": "ravine", "opt": "sgd(learning_rate)"},
        {"land": "ravine", "opt": "sgd((("},
        {"land": "ravine", "opt": "__import__('os')"},
        {"land": "ravine", "opt": "sgd()", "steps": "-5"},
        {"land": "ravine", "opt": "sgd()", "steps": "99999999999"},
        {"land": "ravine", "opt": "sgd()", "start": "1,2,3"},
        {"land": "ravine", "opt": "sgd()", "start": "a,b"},
        {"land": "ravine", "opt": "sgd()", "clip": "0"},
        {"land": "ravine", "opt": "sgd()", "batch": "1e999"},
        {"land": "ravine", "opt": "sgd()", "sched": "cosine(decay_steps=-1)"},
        {"land": "ravine", "opt": "x" * 100_000},
    ],
)
def test_junk_links_raise_value_error(query):
    with pytest.raises(ValueError):
        RunConfig.from_query(query)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["land", "opt", "start", "steps", "sched", "clip", "noise", "batch", "seed", "x"]
        ),
        st.one_of(
            st.text(max_size=40),
            st.sampled_from(["ravine", "sgd()", "adam(b1=0.5)", "1e999", "nan", "-0"]),
        ),
    )
)
def test_any_mapping_gives_a_config_or_a_value_error(query):
    try:
        config = RunConfig.from_query(query)
    except ValueError as error:
        assert str(error)
    else:
        assert RunConfig.from_query(config.to_query()) == config
