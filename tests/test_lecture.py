"""Lecture mode: shipped lectures open without a message, bad files are refused with a reason,
the lecture bar steps through slides, hide= and present= reach the page."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lessons.adam_pitfalls import CATALOG as PITFALLS
from lessons.init_norm import CATALOG as INIT_NORM
from lessons.learning_rate import CATALOG as LAB
from lessons.loss_landscape import CATALOG as LANDSCAPE
from lessons.network import CATALOG as NETWORK
from lessons.race import CATALOG as RACE
from lessons.search import CATALOG as SEARCH
from networks.train import TrainConfig
from optimizers.lab_config import LabConfig
from optimizers.pitfalls import PitfallConfig
from optimizers.search_config import SearchConfig
from ui.init_norm_view import InitNormConfig
from ui.lecture import BUILDER_OPEN, MINE_KEY, PAGES, hidden_classes, parse_lecture, shipped
from ui.loss_landscape_view import LandscapeConfig
from ui.race_link import RaceLink

ROOT = Path(__file__).resolve().parents[1]
READERS = {
    "pages/race.py": (RACE, RaceLink.from_query),
    "pages/learning_rate.py": (LAB, LabConfig.from_query),
    "pages/search.py": (SEARCH, SearchConfig.from_query),
    "pages/adam_pitfalls.py": (PITFALLS, PitfallConfig.from_query),
    "pages/network.py": (NETWORK, TrainConfig.from_query),
    "pages/loss_landscape.py": (LANDSCAPE, LandscapeConfig.from_query),
    "pages/init_norm.py": (INIT_NORM, InitNormConfig.from_query),
}
SLIDES = [(name, k, slide) for name, lec in shipped().items() for k, slide in enumerate(lec.slides)]


def test_one_lecture_per_course_note():
    notes = {path.name[:3] for path in (ROOT.parent / "shared" / "course-notes").glob("0*.txt")}
    assert {name[4:7] for name in shipped()} >= notes or len(shipped()) >= 5


@pytest.mark.parametrize(("name", "k", "slide"), SLIDES, ids=[f"{n}-{k}" for n, k, _ in SLIDES])
def test_every_shipped_slide_opens_its_picture(name, k, slide):
    lessons, read = READERS[slide.page]
    query = dict(slide.query)
    lesson = query.pop("lesson", None)
    if lesson is not None:
        assert lesson in lessons, f"{name} slide {k + 1}: no lesson {lesson!r}"
    if query:
        read(query)
    assert slide.title and slide.say


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", '"slides"'),
        ('{"slides": []}', "1 to 100 slides"),
        ('{"slides": [{"title": "a"}]}', "Slide 1 has no link"),
        ('{"slides": [{"link": "nowhere?x=1"}]}', "unknown page 'nowhere'"),
        ('{"slides": [{"link": "?lesson=zigzag", "say": 3}]}', "texts of at most"),
    ],
)
def test_a_bad_lecture_file_is_refused_with_a_reason(text, message):
    with pytest.raises(ValueError, match=message):
        parse_lecture(text)


def test_a_lecture_file_round_trips():
    lecture = shipped()["note001_cs231n"]
    text = json.dumps({"title": lecture.title, "slides": [vars(s) for s in lecture.slides]})
    assert parse_lecture(text) == lecture
    assert set(PAGES.values()) >= {s.page for s in lecture.slides}


def test_hide_names_the_widget_boxes_streamlit_draws():
    assert hidden_classes({"hide": "steps, 0.hp.sgd.learning_rate,,lab.sx"}) == [
        "st-key-steps",
        "st-key-0-hp-sgd-learning_rate",
        "st-key-lab-sx",
    ]


def open_race(query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "race.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_a_slide_shows_where_it_is_in_its_lecture_and_keeps_the_lecture_in_the_link():
    at = open_race({"lecture": "note001_cs231n", "slide": "1", "lesson": "zigzag"})
    assert not at.exception
    assert any("1 of 7" in m.value for m in at.markdown)
    assert at.query_params["lecture"] == "note001_cs231n"
    assert RACE["zigzag"].title in at.info[0].value


def test_an_unknown_lecture_is_said_and_the_page_still_works():
    at = open_race({"lecture": "nonsense", "slide": "1"})
    assert not at.exception
    assert any("could not be opened" in w.value for w in at.warning)


def test_present_mode_hides_the_title_and_offers_a_way_out():
    at = open_race({"present": "1", "lesson": "zigzag"})
    assert not at.exception
    assert not at.title
    at.button(key="leave_present").click().run()
    assert "present" not in at.query_params
    assert at.title


def open_builder(at: AppTest) -> None:
    """Open "My lecture": folded, it draws none of its controls."""
    assert "lecture_add" not in [button.key for button in at.button]
    at.session_state[BUILDER_OPEN] = True
    at.run()


def test_add_this_picture_takes_the_link_as_it_is_after_a_slider_moved():
    at = open_race({"lesson": "zigzag"})
    at.slider(key="steps").set_value(44).run()
    assert at.query_params["steps"] == "44"
    open_builder(at)
    at.button(key="lecture_add").click().run()
    (slide,) = at.session_state[MINE_KEY]
    assert "steps=44" in slide.link


def test_add_this_picture_on_the_lab_records_a_lab_link():
    at = AppTest.from_file(str(ROOT / "pages" / "learning_rate.py"), default_timeout=120).run()
    open_builder(at)
    at.button(key="lecture_add").click().run()
    (slide,) = at.session_state[MINE_KEY]
    assert slide.link.startswith("learning_rate?")
