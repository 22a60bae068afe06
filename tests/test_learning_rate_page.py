"""AppTest checks of the learning-rate lab: it runs, every lesson runs, widgets change the runs,
links round-trip and bad links are explained."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lessons.learning_rate import CATALOG as LESSONS

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "learning_rate.py")


def open_page(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def linked_args(at: AppTest) -> dict:
    """The arguments the linked-steps component received (its figure, markers, steps)."""
    element = next(e for e in at.get("component_instance"))
    return element.proto


def link(at: AppTest) -> dict[str, str]:
    return {key: at.query_params[key] for key in at.query_params}


def test_page_opens_on_the_first_lesson():
    at = open_page()
    assert not at.exception
    assert "Constant rate vs decay under noise" in at.info[0].value
    assert link(at)["lesson"] == "decay_under_noise"


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_lesson_runs_with_its_runs(key):
    at = open_page()
    at.button(key=f"lesson.{key}").click().run()
    assert not at.exception
    assert LESSONS[key].title in at.info[0].value
    assert at.session_state["lab.n_runs"] == len(LESSONS[key].runs)
    table = at.dataframe[0].value
    assert list(table["run"]) == [run.label for run in LESSONS[key].runs]


def test_the_clipping_lesson_reports_the_divergence_and_shows_gradient_norms():
    at = open_page()
    at.button(key="lesson.clipping").click().run()
    assert any("diverged at step 1" in w.value for w in at.warning)
    assert any("Gradient norm" in h.value for h in at.subheader)


def test_changing_the_schedule_changes_the_learning_rate_curve():
    at = open_page()
    before = linked_args(at).json_args
    at.selectbox(key="lab.0.sched").set_value("cosine").run()
    assert not at.exception
    after = linked_args(at).json_args
    assert after != before
    assert "lesson" not in link(at)
    assert "cosine" in link(at)["sched"]


def test_a_link_restores_the_same_runs():
    at = open_page()
    at.button(key="lesson.batch_size").click().run()
    shared = link(at)
    again = open_page(shared)
    assert not again.exception
    assert link(again) == shared
    assert list(again.dataframe[0].value["run"]) == list(at.dataframe[0].value["run"])


@pytest.mark.parametrize(
    "query",
    [
        {"land": "ravine", "opt": "sgd(learning_rate=nan)"},
        {"land": "ravine", "opt": "sgd", "r1": "steps=99999"},
        {"land": "ravine", "opt": "sgd,adam"},
        {"land": "atlantis", "opt": "sgd"},
    ],
)
def test_a_bad_link_shows_a_message_and_a_lesson(query):
    at = open_page(query)
    assert not at.exception
    assert "This link could not be read" in at.warning[0].value
