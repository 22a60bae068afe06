"""A session's first run of init/norm, the lab, the search and the loss landscape leaves out what
is below the first screen, with a trigger in its place; once the trigger has told the page its
first chart is drawn, every run draws it all (the browser's side:
tests/browser/test_first_screen.py)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.live import charts, headings, page_test
from ui.first_screen import WAITING, drawn_key

PAGES = Path(__file__).resolve().parents[1] / "pages"

BELOW = {  # page: a heading below its first screen
    "init_norm": "Batch normalization, in training and at inference",
    "learning_rate": "LR range test",
    "search": "Best found after n trials",
    "loss_landscape": "Two lines through the landscape",
}


def triggers(at: AppTest) -> list[str]:
    return [e.key for e in at.get("bidi_component") if e.key.startswith(WAITING)]


@pytest.mark.parametrize("page", list(BELOW))
def test_the_first_run_waits_for_the_first_chart_and_the_next_draws_everything(page):
    first = AppTest.from_file(str(PAGES / f"{page}.py"), default_timeout=300).run()
    assert not first.exception
    assert triggers(first) == [f"{WAITING}-{page}"]
    assert BELOW[page] not in headings(first)
    full = page_test(PAGES / f"{page}.py", 300).run()
    assert not full.exception
    assert triggers(full) == []
    assert BELOW[page] in headings(full)
    assert full.session_state[drawn_key(page)]


def test_init_norm_first_run_draws_the_statistics_chart_alone():
    first = AppTest.from_file(str(PAGES / "init_norm.py"), default_timeout=300).run()
    full = page_test(PAGES / "init_norm.py", 300).run()
    assert len(charts(first)) == 1
    assert len(charts(full)) > 1
    assert charts(first)[0] == charts(full)[0]
