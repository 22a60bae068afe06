"""Typed formulas on the pages: they draw and race, a bad one is explained and changes nothing,
and a formula travels in the link."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import landscapes
from tests.live import live_figures, page_test, tables

PAGES = Path(__file__).resolve().parents[1] / "pages"
ROSENBROCK = "(1-x)^2 + 100*(y-x^2)^2"


def open_page(name: str, query: dict[str, str] | None = None) -> AppTest:
    at = page_test(PAGES / name)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def race_spec(at: AppTest) -> str:
    return live_figures(at)[0]


def test_typing_a_formula_on_the_race_page_races_on_it():
    at = open_page("race.py")
    at.selectbox(key="land_pick").set_value("formula").run()
    at.text_input(key="formula").input(ROSENBROCK).run()
    assert not at.exception
    assert not at.error
    assert at.query_params["land"].startswith("formula:(1-x)^2")
    assert r"\left(1 - x\right)^{2}" in at.latex[0].body or "100" in at.latex[0].body
    assert "(1, 1)" in race_spec(at) or '"minimum"' in race_spec(at)


def test_a_bad_formula_shows_why_under_the_input_and_keeps_the_last_picture():
    at = open_page("race.py")
    at.selectbox(key="land_pick").set_value("formula").run()
    good = race_spec(at)
    land = at.session_state["land"]
    at.text_input(key="formula").input("x + y.real").run()
    assert not at.exception
    assert "column" in at.error[0].value
    assert at.session_state["land"] == land
    assert race_spec(at) == good


def test_a_bad_domain_is_explained():
    at = open_page("race.py")
    at.selectbox(key="land_pick").set_value("formula").run()
    at.number_input(key="fx1").set_value(-5.0).run()
    assert not at.exception
    assert at.error


def test_a_formula_link_restores_the_formula_and_its_domain():
    at = open_page("race.py", {"land": "formula:x^2 - y^2@-2,2,-1,1", "opt": "sgd"})
    assert not at.exception
    assert not any("could not be read" in w.value for w in at.warning)
    assert at.text_input(key="formula").value == "x^2 - y^2"
    assert (at.number_input(key="fx0").value, at.number_input(key="fy1").value) == (-2, 1)


@pytest.mark.parametrize(
    "land", ["formula:__import__('os').system('true')@-1,1,-1,1", "formula:x@1,0,0,1"]
)
def test_a_hostile_or_broken_formula_link_falls_back_with_a_message(land):
    at = open_page("race.py", {"land": land, "opt": "sgd"})
    assert not at.exception
    assert "This link could not be read" in at.warning[0].value


def test_the_learning_rate_lab_runs_on_a_typed_formula():
    at = open_page("learning_rate.py")
    at.selectbox(key="lab.land_pick").set_value("formula").run()
    at.text_input(key="lab.formula").input("x^2/2 + 2*y^2").run()
    assert not at.exception
    assert at.query_params["land"].startswith("formula:x^2/2")
    land = landscapes.lookup(at.session_state["lab.land"])
    assert (at.session_state["lab.sx"], at.session_state["lab.sy"]) == land.default_start
    assert len(tables(at)[0]) == at.session_state["lab.n_runs"]
