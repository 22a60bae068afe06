"""A new visitor's browser draws the first chart of init/norm, the lab, the search and the loss
landscape before it renders what is below their first screen (ui/first_screen.py): when the
first chart frame announces its drawing, the page holds that one chart frame; soon after, the
sections below are there, the trigger is gone and no exception is shown."""

import pytest
from conftest import wait_for_app_idle
from playwright.sync_api import Browser, expect

from ui.first_screen import CHART_DRAWN, WAITING

COLD_START = 180_000
FRAMES_AT_FIRST_DRAWING = """
window.__framesAtFirstDrawing = null;
window.addEventListener("CHART_DRAWN", () => {
  if (window.__framesAtFirstDrawing === null) {
    window.__framesAtFirstDrawing = document.querySelectorAll("iframe").length;
  }
});
""".replace("CHART_DRAWN", CHART_DRAWN)
BELOW = {  # page: a heading below its first screen
    "init_norm": "Batch normalization, in training and at inference",
    "learning_rate": "LR range test",
    "search": "Best found after n trials",
    "loss_landscape": "Two lines through the landscape",
}


@pytest.mark.parametrize("page_path", list(BELOW))
def test_the_first_chart_is_drawn_before_the_sections_below_it(
    browser: Browser, app_url: str, page_path: str
):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.add_init_script(FRAMES_AT_FIRST_DRAWING)
        page.goto(f"{app_url}/{page_path}")
        page.wait_for_function("() => window.__framesAtFirstDrawing !== null", timeout=COLD_START)
        assert page.evaluate("() => window.__framesAtFirstDrawing") == 1
        wait_for_app_idle(page, timeout=COLD_START)
        expect(page.get_by_text(BELOW[page_path], exact=True)).to_be_attached()
        assert page.locator(f'[class*="st-key-{WAITING}"]').count() == 0
        assert page.locator("iframe").count() > 1
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
