"""Lecture mode in Chromium: the projector view, hidden controls, keys that drive the race."""

import time

from conftest import live_charts, live_frame, screenshot, wait_for_app_idle

HEAD_X = (
    "gd => { const t = gd.data.filter(d => d.mode === 'markers'); return JSON.stringify(t[0].x); }"
)


def test_presentation_mode_at_1280_by_720(browser, app_url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(f"{app_url}/?lesson=zigzag&present=1")
        live_frame(page)
        wait_for_app_idle(page)
        time.sleep(1)
        screenshot(page, "present-race-zigzag")
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        chart = page.locator('iframe[title="components.live_figures.live_figures"]')
        assert chart.bounding_box()["y"] < 300
        legend = live_charts(page).first.evaluate("gd => gd._fullLayout.legend.font.size")
        assert legend >= 1.5 * 16
        page.get_by_role("button", name="Leave presentation").click()
        wait_for_app_idle(page)
        page.wait_for_selector('[data-testid="stSidebar"]', state="visible")
    finally:
        context.close()


def test_hide_hides_exactly_the_named_controls(page, app_url: str):
    page.goto(f"{app_url}/?lesson=zigzag&hide=steps,sy")
    live_frame(page)
    wait_for_app_idle(page)
    for key in ("steps", "sy"):
        assert not page.locator(f".st-key-{key}").is_visible()
    for key in ("sx", "0-hp-sgd-learning_rate", "noise"):
        assert page.locator(f".st-key-{key}").is_visible()


def test_keys_play_pause_and_step_the_race(page, app_url: str):
    page.goto(f"{app_url}/?lesson=zigzag")
    live_frame(page)
    wait_for_app_idle(page)
    race = live_charts(page).first
    page.evaluate("document.activeElement && document.activeElement.blur()")
    before = race.evaluate(HEAD_X)
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(300)
    stepped = race.evaluate(HEAD_X)
    assert stepped != before
    for _ in range(15):
        page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(300)
    rewound = race.evaluate(HEAD_X)
    page.keyboard.press("Space")
    page.wait_for_timeout(250)
    page.keyboard.press("Space")
    paused = race.evaluate(HEAD_X)
    page.wait_for_timeout(400)
    assert race.evaluate(HEAD_X) == paused != rewound
