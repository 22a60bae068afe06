"""A lazy expander draws its controls only while open, and the controls keep their values while
it is closed (ui.unseen)."""

from streamlit.testing.v1 import AppTest


def page():
    import streamlit as st

    from ui import controls
    from ui.unseen import lazy_expander

    ss = st.session_state
    ss.setdefault("n", 3)
    box = lazy_expander(st.sidebar, "Run 2", "run.open")
    spec = controls.method_picker(box, "run.")
    values = controls.hyperparam_sliders(box, "run.", spec)
    ss.setdefault("clip_on", True)
    clip = controls.clip_control(box.container(), "")
    st.write(f"{spec.key} {dict(values)} clip={clip}")


def shown(at: AppTest) -> str:
    return at.markdown[-1].value


def test_a_closed_expander_draws_nothing_and_its_controls_keep_their_values():
    at = AppTest.from_function(page)
    at.session_state["run.opt"] = "momentum"
    at.session_state["run.hp.momentum.momentum"] = 0.7
    at.run()
    assert not at.exception
    assert not at.slider and not at.select_slider and not at.selectbox and not at.toggle
    first = shown(at)
    assert first.startswith("momentum") and "'momentum': 0.7" in first and "clip=" in first
    at.run()
    at.run()  # Streamlit would forget an undrawn widget's state by now, but for the write-back
    assert shown(at) == first


def test_opening_it_draws_the_controls_with_the_kept_values():
    at = AppTest.from_function(page)
    at.session_state["run.opt"] = "momentum"
    at.session_state["run.hp.momentum.momentum"] = 0.7
    at.run()
    first = shown(at)
    at.session_state["run.open"] = True
    at.run()
    assert not at.exception
    assert at.selectbox(key="run.opt").value == "momentum"
    assert at.slider(key="run.hp.momentum.momentum").value == 0.7
    assert at.toggle(key="clip_on").value
    assert shown(at) == first
    at.slider(key="run.hp.momentum.momentum").set_value(0.2).run()
    at.session_state["run.open"] = False
    at.run()
    at.run()  # the first run without the widgets would have forgotten them, but for the write-back
    assert "'momentum': 0.2" in shown(at)
