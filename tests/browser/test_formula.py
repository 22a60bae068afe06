"""Typing a formula in a real Chromium: it is drawn and raced on; a bad one is explained."""

from conftest import live_charts, live_frame, screenshot, wait_for_app_idle
from playwright.sync_api import Page, expect


def choose_formula(page: Page, url: str) -> None:
    page.goto(url)
    live_frame(page)
    wait_for_app_idle(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Type your own f(x, y)").click()
    expect(page.get_by_role("textbox", name="f(x, y) =")).to_be_visible(timeout=30_000)
    wait_for_app_idle(page)


def type_formula(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="f(x, y) =")
    box.fill(text)
    box.press("Enter")
    page.wait_for_timeout(500)
    wait_for_app_idle(page)


def test_a_typed_formula_is_drawn_and_raced_on(page: Page, app_url: str):
    choose_formula(page, app_url)
    type_formula(page, "(1-x)^2 + 100*(y-x^2)^2")
    page.wait_for_function("() => location.search.includes('formula%3A%281-x%29')")
    names = live_charts(page).first.evaluate("gd => gd.data.map(t => t.name)")
    assert "minimum" in names
    minimum = live_charts(page).first.evaluate(
        "gd => { const t = gd.data.find(t => t.name === 'minimum'); return [t.x[0], t.y[0]]; }"
    )
    assert abs(minimum[0] - 1) < 1e-2 and abs(minimum[1] - 1) < 1e-2
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "formula-rosenbrock")


def test_a_bad_formula_is_explained_under_the_input_and_the_picture_stays(page: Page, app_url: str):
    choose_formula(page, app_url)
    before = live_charts(page).first.evaluate("gd => gd.layout.images[0].source")
    type_formula(page, "x + import")
    expect(page.get_by_text("The last good landscape is still shown")).to_be_visible()
    after = live_charts(page).first.evaluate("gd => gd.layout.images[0].source")
    assert after == before
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "formula-error")
