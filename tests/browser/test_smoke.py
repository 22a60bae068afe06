"""The app loads in a real Chromium, shows its title and no exception box."""

from conftest import screenshot, wait_for_app_idle
from playwright.sync_api import Page, expect


def test_app_loads(page: Page, app_url: str):
    page.goto(app_url)
    wait_for_app_idle(page)

    expect(page.locator("h1", has_text="OptiScape")).to_be_visible()
    expect(page).to_have_title("OptiScape")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert screenshot(page, "home").stat().st_size > 0
