"""A fragment's slider writes the page's link into the address bar without Streamlit's page-info
message (ui/address_bar.py): after a press the address is the new picture's link, the writer's
box takes no room, and opening that address in a new session shows the same picture."""

from urllib.parse import parse_qs, urlparse

from conftest import wait_for_app_idle
from playwright.sync_api import Browser, Page, expect

from ui.address_bar import KEY

COLD_START = 180_000


def start(page: Page) -> str:
    return parse_qs(urlparse(page.url).query)["start"][0]


def test_a_fragment_slider_writes_the_link_and_the_link_opens_the_same_picture(
    page: Page, browser: Browser, app_url: str
):
    page.goto(f"{app_url}/learning_rate")
    wait_for_app_idle(page, timeout=COLD_START)
    before = start(page)
    slider = page.locator(".st-key-lab-sx").get_by_role("slider")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "before => new URLSearchParams(location.search).get('start') !== before",
        arg=before,
        timeout=30_000,
    )
    wait_for_app_idle(page)
    moved = start(page)
    assert float(moved.split(",")[0]) != float(before.split(",")[0])
    shown = slider.get_attribute("aria-valuetext")
    box = page.locator(f".st-key-{KEY}")
    assert box.count() == 1 and box.bounding_box() is None, "the writer's box is hidden"
    again = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    try:
        again.goto(page.url)
        wait_for_app_idle(again, timeout=COLD_START)
        expect(again.locator(".st-key-lab-sx").get_by_role("slider")).to_have_attribute(
            "aria-valuetext", shown
        )
        assert start(again) == moved
    finally:
        again.context.close()
