"""The shared run controls and the state binder, each on a tiny page of its own."""

from streamlit.testing.v1 import AppTest

from optimizers.params import Params
from ui import controls


def controls_page():
    import streamlit as st

    import landscapes
    from optimizers.params import Params
    from ui import controls

    ss = st.session_state
    land = landscapes.lookup("himmelblau")
    if "loaded" not in ss:
        ss["loaded"] = True
        controls.load_optimizer("a.", ("adam", Params({"learning_rate": 0.05, "b1": 0.8})))
        controls.load_schedule("a.", ("step", {"factor": 0.25, "every": 10.0}))
        ring = controls.ring((1.0, -2.0), 0.5, 4)
        controls.load_starts(
            "a.", land, ring, {"mode": "ring", "sx": 1.0, "sy": -2.0, "sr": 0.5, "sn": 4}
        )
        ss["b.clip_on"], ss["b.clip"], ss["b.batch"] = True, 2.0, 8
    if ss.pop("far", False):
        controls.load_starts("a.", land, ((99.0, -2.0),))
    ss["got"] = {
        "slot": controls.optimizer_slot(st, "a."),
        "other": controls.optimizer_slot(st, "b."),
        "schedule": controls.schedule_control(st, "a."),
        "none": controls.schedule_control(st, "b."),
        "clip": controls.clip_control(st, "b."),
        "no clip": controls.clip_control(st, "a."),
        "batch": controls.batch_control(st, "b."),
        "starts": controls.starts_control(st, "a.", land, patterns=True),
    }


def test_each_control_returns_what_it_was_loaded_with():
    at = AppTest.from_function(controls_page).run()
    assert not at.exception
    got = at.session_state["got"]
    assert got["slot"] == ("adam", {"learning_rate": 0.05, "b1": 0.8, "b2": 0.999, "eps": 1e-8})
    assert isinstance(got["slot"][1], Params)
    assert got["other"] == ("sgd", {"learning_rate": 0.95})
    assert got["schedule"] == ("step", {"factor": 0.25, "every": 10.0})
    assert got["none"] is None
    assert (got["clip"], got["no clip"], got["batch"]) == (2.0, None, 8)
    assert got["starts"] == controls.ring((1.0, -2.0), 0.5, 4)
    assert at.session_state["a.smode"] == "ring"


def test_prefixes_keep_controls_apart_and_labels_show_symbols():
    at = AppTest.from_function(controls_page).run()
    labels = [s.label for s in at.select_slider] + [s.label for s in at.slider]
    assert "β₁" in labels and "learning rate η" in labels
    assert not {"b1", "eps", "learning_rate", "learning rate"} & set(labels)
    at.select_slider(key="b.hp.sgd.learning_rate").set_value(0.5).run()
    got = at.session_state["got"]
    assert got["other"] == ("sgd", {"learning_rate": 0.5})
    assert got["slot"][1]["learning_rate"] == 0.05


def test_a_start_outside_the_domain_is_brought_inside():
    at = AppTest.from_function(controls_page).run()
    at.session_state["far"] = True
    at.run()
    ((x, _),) = at.session_state["got"]["starts"]
    assert x == 5.0


def binder_page():
    from dataclasses import dataclass

    import streamlit as st

    from lessons.record import Lesson
    from ui.binder import Binder

    @dataclass(frozen=True)
    class Count:
        n: int

        def to_query(self):
            return {"n": str(self.n)}

        @classmethod
        def from_query(cls, query):
            if set(query) != {"n"} or not query["n"].isdigit():
                raise ValueError("n= takes a whole number.")
            return cls(int(query["n"]))

    @dataclass(frozen=True)
    class CountLesson(Lesson):
        n: int

    lessons = {
        "three": CountLesson("three", "Three", "Look at three.", 3),
        "five": CountLesson("five", "Five", "Look at five.", 5),
    }
    binder = Binder(
        prefix="t.",
        buttons="t.lesson.",
        lessons=lessons,
        default_lesson="three",
        read_link=Count.from_query,
        load=lambda c: st.session_state.update({"t.n": c.n}),
        lesson_state=lambda lesson: Count(lesson.n),
    )
    binder.start("Binder")
    binder.lesson_buttons(st.sidebar, "Lessons")
    st.number_input("n", 0, 100, key="t.n")
    count = binder.checked(lambda: Count(st.session_state["t.n"]))
    binder.show_lesson(binder.publish(count))


def open_binder(query=None) -> AppTest:
    at = AppTest.from_function(binder_page)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def link(at):
    return {key: at.query_params[key] for key in at.query_params}


def test_the_binder_opens_the_default_lesson_and_writes_the_link():
    at = open_binder()
    assert not at.exception
    assert at.session_state["t.n"] == 3
    assert link(at) == {"n": "3", "lesson": "three"}
    assert "Three" in at.info[0].value


def test_the_binder_restores_a_link_and_its_lesson():
    at = open_binder({"n": "5", "lesson": "five"})
    assert at.session_state["t.n"] == 5
    assert "Five" in at.info[0].value
    plain = open_binder({"n": "7"})
    assert plain.session_state["t.n"] == 7 and not plain.info


def test_the_binder_explains_a_bad_link_and_opens_the_default():
    at = open_binder({"n": "many"})
    assert not at.exception
    assert "could not be read: n= takes a whole number." in at.warning[0].value
    assert at.session_state["t.n"] == 3
    assert not open_binder({"n": "4"}).warning


def test_a_moved_control_forgets_the_lesson_and_a_button_brings_it_back():
    at = open_binder()
    at.number_input(key="t.n").set_value(4).run()
    assert not at.info and link(at) == {"n": "4"}
    at.button(key="t.lesson.five").click().run()
    assert at.session_state["t.n"] == 5 and link(at)["lesson"] == "five"
