"""The race page in a real Chromium: it draws, redraws on a slider, plays, and takes clicks."""

import re

import pytest
from conftest import drawn_and_fresh, live_charts, live_frame, screenshot, wait_for_app_idle
from playwright.sync_api import Page, expect

import landscapes
from lessons.race import CATALOG as PRESETS

FRAME_NAMES = "gd => gd._transitionData._frames.map(f => f.name).join(',')"


def open_race(page: Page, url: str) -> None:
    page.goto(url)
    live_frame(page)
    wait_for_app_idle(page)


def slider_text(page: Page, label: str) -> str:
    return page.locator('[data-testid="stSlider"]', has_text=label).first.inner_text()


def tag_race(page: Page) -> None:
    """Mark the race chart's layout object; Plotly replaces it whenever it redraws (a key
    starting with "_" would be carried over by Plotly.react). Note the frame's renders: its
    animation frames are in once the count moves on."""
    live_charts(page).first.evaluate("gd => { gd._fullLayout.before = true; }")
    live_frame(page).evaluate("() => { window.rendersBefore = document.body.dataset.renders; }")


def wait_for_redraw(page: Page) -> None:
    live_frame(page).wait_for_function(
        """() => !document.querySelector('.js-plotly-plot')._fullLayout.before
            && document.body.dataset.renders !== window.rendersBefore""",
        timeout=60_000,
    )
    wait_for_app_idle(page)


def test_the_race_page_loads_with_its_charts_and_no_error(page: Page, app_url: str):
    open_race(page, app_url)
    expect(page.locator("h1", has_text="Optimizer race")).to_be_visible()
    expect(page).to_have_title("OptiScape")
    assert live_charts(page).count() == 2
    assert page.locator('[data-testid="stException"]').count() == 0
    names = live_charts(page).first.evaluate("gd => gd.data.map(t => t.name)")
    assert {"SGD", "Momentum", "AdaGrad", "Adam", "minimum"} <= set(names)
    screenshot(page, "race-default")


def test_moving_a_slider_redraws_the_race(page: Page, app_url: str):
    open_race(page, app_url)
    before = live_charts(page).first.evaluate(FRAME_NAMES)
    tag_race(page)
    thumb = page.locator('[data-testid="stSlider"]', has_text="steps").get_by_role("slider")
    thumb.focus()
    thumb.press("ArrowRight")
    wait_for_redraw(page)
    assert "31" in slider_text(page, "steps")
    after = live_charts(page).first.evaluate(FRAME_NAMES)
    assert after != before
    assert len(after.split(",")) == 32


def test_a_new_start_moves_the_paths_and_replaces_the_frames(page: Page, app_url: str):
    """A new start changes the traces' points alone: the race moves them (Plotly.animate, no
    redraw of axes and background), draws exactly the lines a fresh plot of its figure draws,
    and its animation's frames are the new run's, as many as before."""
    open_race(page, app_url)
    race = live_charts(page).first
    race.evaluate("gd => { gd._animated = 0; gd.on('plotly_animated', () => gd._animated++); }")
    names = race.evaluate(FRAME_NAMES).split(",")
    tag_race(page)
    thumb = page.locator(".st-key-sx").get_by_role("slider")
    thumb.focus()
    thumb.press("ArrowRight")
    wait_for_redraw(page)
    assert race.evaluate("gd => gd._animated") == 1
    drawn, fresh = drawn_and_fresh(race)
    assert len(drawn) >= 4 and drawn == fresh
    now = race.evaluate(FRAME_NAMES).split(",")
    assert len(now) == len(names) and set(now).isdisjoint(names)


def test_pressing_play_advances_the_frames(page: Page, app_url: str):
    open_race(page, app_url)
    frame = live_frame(page)
    play = frame.locator(".player button")
    assert play.inner_text() == "▶ Play"
    play.click()
    frame.wait_for_function(  # Plotly names the frame on show in _fullLayout._currentFrame
        """() => {
            const name = document.querySelector('.js-plotly-plot')._fullLayout._currentFrame;
            window.seen = window.seen || [];
            if (name && window.seen[window.seen.length - 1] !== name) window.seen.push(name);
            return window.seen.length >= 10;
        }""",
        polling=40,
        timeout=20_000,
    )
    steps = [int(name.split(".")[1]) for name in frame.evaluate("() => window.seen")]
    assert steps[0] <= 1
    assert steps == sorted(steps)
    expect(play).to_have_text("▶ Play", timeout=20_000)  # played to the end
    assert frame.locator(".player span").inner_text() == "step 30"


def test_the_step_slider_scrubs_and_plotly_draws_no_controls_of_its_own(page: Page, app_url: str):
    open_race(page, app_url)
    race, frame = live_charts(page).first, live_frame(page)
    assert race.evaluate("gd => [gd.layout.sliders, gd.layout.updatemenus]") == [None, None]
    assert frame.locator(".updatemenu-button, .slider-container").count() == 0
    scrub = frame.locator('.player input[type="range"]')
    assert scrub.evaluate("el => [el.value, el.max]") == ["30", "30"]
    heads = "gd => gd.data.filter(d => d.mode === 'markers').map(t => JSON.stringify(t.x))"
    end = race.evaluate(heads)
    scrub.evaluate("el => { el.value = 0; el.dispatchEvent(new Event('input')); }")
    expect(frame.locator(".player span")).to_have_text("step 0")
    frame.wait_for_function(
        f"() => ({heads})(document.querySelector('.js-plotly-plot')) .join() !== {end!r}.join()"
    )
    box, chart = (
        frame.locator(sel).first.bounding_box() for sel in (".player", ".js-plotly-plot .main-svg")
    )
    assert chart["y"] + chart["height"] - 90 < box["y"] < chart["y"] + chart["height"], (box, chart)


def test_clicking_the_map_moves_the_start(page: Page, app_url: str):
    open_race(page, app_url)
    assert "-7.000" in slider_text(page, "start x")
    race = live_charts(page).first
    x, y = race.evaluate(
        """gd => {
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            return [xa._offset + xa.l2p(3.0), ya._offset + ya.l2p(-1.0)];
        }"""
    )
    race.hover(position={"x": x, "y": y})
    probe = live_frame(page).locator(".probe").first
    expect(probe).to_contain_text("f ≈")
    read = re.search(r"x = (\S+)\s+y = (\S+)\s+f ≈ (\S+)", probe.inner_text())
    x_read, y_read, f_read = map(float, read.groups())
    assert abs(x_read - 3.0) < 0.05 and abs(y_read + 1.0) < 0.05
    assert f_read == pytest.approx(x_read**2 / 20 + y_read**2, rel=0.02)  # the ravine's f
    tag_race(page)
    race.click(position={"x": x, "y": y})
    wait_for_redraw(page)
    start_x = float(slider_text(page, "start x").split()[2])
    start_y = float(slider_text(page, "start y").split()[2])
    assert abs(start_x - 3.0) < 0.05
    assert abs(start_y + 1.0) < 0.05


def test_a_bad_link_shows_a_message_and_the_default_race(page: Page, app_url: str):
    open_race(page, f"{app_url}/?land=nowhere&opt=sgd&steps=1e999")
    expect(page.get_by_text("This link could not be read")).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


@pytest.mark.parametrize("key", list(PRESETS))
def test_each_preset_draws(page: Page, app_url: str, key: str):
    open_race(page, app_url)
    tag_race(page)
    page.get_by_role("button", name=PRESETS[key].title).click()
    if key != "zigzag":
        wait_for_redraw(page)
    wait_for_app_idle(page)
    expect(page.get_by_text(PRESETS[key].look_for[:40])).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    (x0, x1), (y0, y1) = landscapes.lookup(PRESETS[key].config.landscape).domain
    shown = live_charts(page).first.evaluate(
        "gd => [gd._fullLayout.xaxis.range, gd._fullLayout.yaxis.range]"
    )
    assert shown == [pytest.approx([x0, x1]), pytest.approx([y0, y1])]  # the map is the domain
    live_charts(page).first.scroll_into_view_if_needed()
    screenshot(page, f"preset-{key}")


def test_the_map_loads_the_cartesian_plotly_and_the_3d_view_the_full_one(page: Page, app_url: str):
    loaded = (
        "() => [...document.scripts].map(s => s.src.split('/').pop()).filter(n => /plotly/.test(n))"
    )
    open_race(page, app_url)
    assert live_frame(page).evaluate(loaded) == ["plotly_loader.js", "plotly-cartesian.min.js"]
    tag_race(page)
    page.get_by_text("Surface (3-D)").click()
    wait_for_redraw(page)
    frame = live_frame(page)
    assert frame.evaluate(loaded)[-1] == "plotly.min.js"
    assert frame.locator(".js-plotly-plot").count() == 2, "both charts drawn again, once each"
    types = frame.locator(".js-plotly-plot").first.evaluate("gd => gd._fullData.map(t => t.type)")
    assert "surface" in types
    assert page.locator('[data-testid="stException"]').count() == 0
    assert frame.locator(".failed").count() == 0


def test_a_chart_out_of_sight_is_redrawn_when_it_comes_into_view(page: Page, app_url: str):
    """At 1280 × 720 the curves are below the screen: a slider move redraws the map at once and
    the curves only once they are scrolled into view, then with the new run."""
    page.set_viewport_size({"width": 1280, "height": 720})
    open_race(page, app_url)
    thumb = page.locator('[data-testid="stSlider"]', has_text="steps").get_by_role("slider")
    thumb.focus()
    thumb.press("ArrowRight")  # away from the lesson: its note goes, the charts move up
    wait_for_redraw(page)
    page.wait_for_timeout(500)
    curves = live_charts(page).nth(1)
    steps = "gd => gd.data[0].y.length ?? gd.data[0].y.bdata.length"
    before = curves.evaluate(steps)
    frame = live_frame(page)
    assert frame.evaluate("() => shown[1].inSight") is False
    tag_race(page)
    thumb.press("ArrowRight")
    wait_for_redraw(page)
    assert frame.evaluate("() => shown[1].waiting !== null")
    assert curves.evaluate(steps) == before
    curves.scroll_into_view_if_needed()
    frame.wait_for_function("() => shown[1].waiting === null", timeout=30_000)
    assert curves.evaluate(steps) != before


def test_a_chart_whose_margin_alone_peeks_in_waits_until_its_plot_area_is_in_view(
    page: Page, app_url: str
):
    """At 1600 × 1000, once the lesson's note has gone, the curves' legend and titles (their top
    margin) peek in under the map: a press redraws the map only; the curves follow as soon as
    their plot area reaches the screen."""
    open_race(page, app_url)
    thumb = page.locator('[data-testid="stSlider"]', has_text="steps").get_by_role("slider")
    thumb.focus()
    thumb.press("ArrowRight")
    wait_for_redraw(page)
    page.wait_for_timeout(500)
    frame = live_frame(page)
    box, plot_top = frame.evaluate(
        """() => { const r = shown[1].box.getBoundingClientRect();
                   return [r.top, shown[1].chart._fullLayout._size.t]; }"""
    )
    frame_top = page.locator("iframe").first.bounding_box()["y"]
    assert frame_top + box < 1000 < frame_top + box + plot_top, "only the top margin peeks in"
    assert frame.evaluate("() => shown[1].inSight") is False
    tag_race(page)
    thumb.press("ArrowRight")
    wait_for_redraw(page)
    assert frame.evaluate("() => shown[1].waiting !== null"), "the curves wait"
    page.evaluate(
        "dy => { document.querySelector('[data-testid=\"stMain\"]').scrollTop += dy; }",
        plot_top + 40,
    )
    frame.wait_for_function("() => shown[1].waiting === null", timeout=30_000)
    assert frame.evaluate("() => shown[1].inSight") is True
