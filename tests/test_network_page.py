"""The network page: each lesson's sentence on its own numbers, the page and its link."""

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lessons.network import CATALOG as LESSONS
from networks.train import train
from tests.live import charts, headings, tables

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "network.py")


@cache
def history(key: str):
    return train(LESSONS[key].config)


def first(reached: np.ndarray) -> int:
    """The first index where a condition holds (len if never)."""
    return int(np.argmax(reached)) if reached.any() else len(reached)


def test_spirals_adam_first_then_momentum_then_sgd_and_all_near_90_percent():
    h = history("optimizers_spirals")
    early = h.val_accuracy[:, h.val_accuracy.shape[1] // 5]
    sgd, momentum, adam = early
    assert adam > momentum > sgd
    assert np.all(h.val_accuracy[:, -1] >= 0.85)
    assert np.all(h.diverged_at < 0)


def test_batch_size_fewer_steps_not_fewer_epochs():
    h = history("batch_steps_epochs")
    target = 0.15
    arrival = [first(h.train_loss[r] < target) for r in range(3)]
    small, _, scaled = arrival
    assert max(arrival) < h.train_loss.shape[1], "every run gets there"
    assert scaled * 2 < small, "the scaled large batch takes far fewer steps"
    epochs = [h.epochs[r, k] for r, k in enumerate(arrival)]
    assert epochs[2] >= 0.7 * epochs[0], "but counted in epochs it is no faster"
    assert epochs[1] > 2 * epochs[0], "at the unscaled rate it is slower per sample"


def test_growing_the_batch_traces_the_decaying_rate_in_epochs_in_fewer_steps():
    h = history("grow_batch")
    decay, grow, constant = range(3)
    seen = h.samples_seen[decay, -1]
    at = int(np.argmax(h.samples_seen[grow] >= seen))
    assert h.samples_seen[grow, at] == seen and at < h.train_loss.shape[1] - 1
    assert abs(h.val_loss[grow, at] - h.val_loss[decay, -1]) < 0.01
    common = np.interp(h.epochs[decay], h.epochs[grow, : at + 1], h.val_loss[grow, : at + 1])
    assert np.abs(common - h.val_loss[decay]).mean() < 0.01
    assert h.val_loss[constant, -1] > h.val_loss[decay, -1] + 0.03


def test_a_rate_too_large_diverges_within_a_few_steps_and_stops_cleanly():
    h = history("rate_too_large")
    good, bouncing, exploding = range(3)
    assert h.val_accuracy[good, -1] >= 0.95
    assert h.diverged_at[bouncing] < 0 and h.train_loss[bouncing, -1] > 5 * h.train_loss[good, -1]
    assert 1 <= h.diverged_at[exploding] <= 10
    for array in (h.train_loss, h.val_loss, h.grad_norm, h.train_accuracy):
        assert np.all(np.isfinite(array))


def open_page(query=None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=300)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_lesson_opens_with_its_sentence_and_charts(key):
    at = open_page({"lesson": key})
    assert not at.exception
    assert LESSONS[key].title in at.info[0].value
    assert len(charts(at)) == 2
    assert len(tables(at)[0]) == len(LESSONS[key].config.runs)
    if key == "rate_too_large":
        assert any("diverged at step" in w.value for w in at.warning)


def test_a_link_round_trips_and_a_bad_one_is_explained():
    at = open_page({"lesson": "rate_too_large"})
    link = {k: at.query_params[k] for k in at.query_params}
    again = open_page(link)
    assert {k: again.query_params[k] for k in again.query_params} == link
    bad = open_page({"data": "moons", "depth": "99"})
    assert not bad.exception
    assert "could not be read" in bad.warning[0].value


def test_the_replay_slider_marks_its_step_on_the_curves_and_in_the_table_without_retraining():
    at = open_page({"lesson": "optimizers_spirals"})
    last = LESSONS["optimizers_spirals"].config.steps
    assert at.slider(key="net.replay").value == last
    link = {k: at.query_params[k] for k in at.query_params}
    maps = charts(at)[0]
    at.slider(key="net.replay").set_value(100).run()
    assert not at.exception
    curves = charts(at)[1]
    shapes = curves["layout"]["shapes"]
    marks = [s for s in shapes if s["type"] == "circle"]
    assert {s["xanchor"] for s in marks} == {100}
    assert len(marks) == 4 * len(LESSONS["optimizers_spirals"].config.runs)
    h = history("optimizers_spirals")
    values = [h.train_loss, h.val_loss, h.train_accuracy, h.val_accuracy]
    expected = sorted(float(v[r, 100]) for v in values for r in range(v.shape[0]))
    assert sorted(s["yanchor"] for s in marks) == pytest.approx(expected, rel=1e-5)
    assert {s["x0"] for s in shapes if s["type"] == "line"} == {100}
    assert any("at step 100" in h for h in headings(at))
    assert charts(at)[0] == maps  # the maps stay
    assert {k: at.query_params[k] for k in at.query_params} == link  # a view, not the state
    assert at.query_params["lesson"] == "optimizers_spirals"
