"""Every slider that reruns a fragment, at both its ends, in a real Chromium: whatever the
pictures do there (runs diverge), the page says it in words and shows no exception. A fragment
may write outside itself only where it also wrote on the last full run: a box it fills only at
some slider values raises (the lab's divergence warning once did). Sliders that rerun the whole
page cannot meet that, and at their ends some retrain networks for a minute: not driven here."""

import pytest
from conftest import wait_for_app_idle
from playwright.sync_api import Page

# Each page's fragment sliders, as a pattern of their keys (CSS class form: "." as "-").
FRAGMENT_SLIDERS = {
    "": r"\d+-hp-.+|steps|sx|sy",
    "learning_rate": r"lab-(\d+-hp-.+|sx|sy)",
    "search": r"hs-(n|sx|sy)",
    "adam_pitfalls": r"ap-.+",
    "network": r"net-replay",
    "init_norm": r"in-sigma",
    "loss_landscape": r"land-span",
}
COLD_START = 180_000
RERUN_STARTS_MS = 300  # a press reaches the server and starts its run within this

SLIDER_KEYS = """pattern => [...document.querySelectorAll('[data-testid="stSlider"]')]
    .map(s => [...s.closest('[class*="st-key-"]').classList].find(c => c.startsWith('st-key-')))
    .filter(k => new RegExp('^st-key-(' + pattern + ')$').test(k))"""
SHOWN_ERRORS = """() => [...document.querySelectorAll('[data-testid="stException"]')]
    .map(e => e.innerText.slice(0, 200))"""


@pytest.mark.parametrize("path", list(FRAGMENT_SLIDERS))
def test_every_fragment_slider_at_both_ends_shows_no_exception(page: Page, app_url: str, path: str):
    page.goto(f"{app_url}/{path}")
    page.wait_for_selector('[data-testid="stSlider"]', timeout=COLD_START)
    wait_for_app_idle(page, timeout=COLD_START)
    keys = page.evaluate(SLIDER_KEYS, FRAGMENT_SLIDERS[path])
    assert keys
    for key in keys:
        for end in ("End", "Home"):
            thumbs = page.locator(f'.{key} [data-testid="stSlider"] input[type="range"]')
            thumbs.focus()
            thumbs.press(end)
            page.wait_for_timeout(RERUN_STARTS_MS)
            wait_for_app_idle(page, timeout=COLD_START)
            assert page.evaluate(SHOWN_ERRORS) == [], f"{key} at {end}"
