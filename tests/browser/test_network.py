"""The network page's replay in a real browser: the dots that mark the replayed step sit on their
curves, and a run hidden from the legend keeps its dots hidden through the next steps."""

from conftest import FRAMES_DRAWN_JS, LIVE_FIGURES, wait_for_app_idle

REPLAY = '.st-key-net-replay [data-testid="stSlider"] input[type="range"]'

# Each drawn dot of the curves chart: its run, its centre and the centre of its run's curve at
# the replayed step, in pixels of the chart.
DOTS_JS = """() => {
    const gd = document.querySelectorAll('.js-plotly-plot')[0];
    const layout = gd._fullLayout, svg = gd.querySelector('.main-svg').getBoundingClientRect();
    return [...gd.querySelectorAll('.shapelayer path[data-index]')].flatMap(path => {
        const shape = layout.shapes[+path.dataset.index];
        if (shape.type !== 'circle') return [];
        const box = path.getBoundingClientRect();
        const xa = layout[shape.xref.replace('x', 'xaxis')];
        const ya = layout[shape.yref.replace('y', 'yaxis')];
        const curve = gd.calcdata.find(cd => cd[0].trace.legendgroup === shape.legendgroup
            && cd[0].trace.xaxis === shape.xref && cd[0].trace.mode === 'lines');
        const point = curve.find(p => p.x === shape.xanchor);
        return [{run: shape.legendgroup, step: shape.xanchor,
                 dot: [box.left + box.width / 2 - svg.left, box.top + box.height / 2 - svg.top],
                 curve: [xa._offset + xa.c2p(point.x), ya._offset + ya.c2p(point.y)]}];
    });
}"""


# The curves' frame 150 px below the top of the screen, under Streamlit's own header.
SCROLL_BELOW_HEADER_JS = """(selector) => {
    const main = document.querySelector('[data-testid="stMain"]');
    main.scrollTop += document.querySelectorAll(selector)[1].getBoundingClientRect().top - 150;
}"""


def _curves_frame(page):
    return page.locator(LIVE_FIGURES).nth(1)


def _dots(page) -> list[dict]:
    return _curves_frame(page).element_handle().content_frame().evaluate(DOTS_JS)


def _replay_step_back(page) -> None:
    frame = _curves_frame(page).element_handle().content_frame()
    frame.wait_for_selector("body[data-renders]")
    renders = int(frame.evaluate("() => document.body.dataset.renders"))
    page.locator(REPLAY).focus()
    page.keyboard.press("ArrowLeft")
    frame.wait_for_function(f"() => +document.body.dataset.renders > {renders}")
    wait_for_app_idle(page)


def test_replay_dots_sit_on_their_curves_and_follow_the_legend(page, app_url):
    page.goto(f"{app_url}/network")
    wait_for_app_idle(page)
    page.wait_for_function(FRAMES_DRAWN_JS, timeout=60_000)
    _curves_frame(page).scroll_into_view_if_needed()
    _replay_step_back(page)
    dots = _dots(page)
    runs = sorted({d["run"] for d in dots})
    assert len(runs) == 3 and len(dots) == 4 * len(runs)
    assert len({d["step"] for d in dots}) == 1
    for d in dots:
        assert abs(d["dot"][0] - d["curve"][0]) < 1.5 and abs(d["dot"][1] - d["curve"][1]) < 1.5

    page.evaluate(SCROLL_BELOW_HEADER_JS, LIVE_FIGURES)  # the legend clear of the page's header
    first_run = _curves_frame(page).element_handle().content_frame().locator(".legendtoggle").first
    box = first_run.bounding_box()
    page.mouse.click(box["x"] + 30, box["y"] + box["height"] / 2)
    page.wait_for_timeout(500)
    hidden = {d["run"] for d in dots} - {d["run"] for d in _dots(page)}
    assert len(hidden) == 1

    step = dots[0]["step"]
    _replay_step_back(page)
    after = _dots(page)
    assert {d["step"] for d in after} == {step - 1}
    assert {d["run"] for d in after} == set(runs) - hidden
    assert len(after) == 4 * (len(runs) - 1)
