// A frame near the screen: `nearTheScreen()` resolves at once when the frame is within NEAR_PX of
// the page's visible part, else when it scrolls that near, or LATER_MS after it was asked (so a
// page's charts further down still draw soon after its first one, not all at once with it).
const NEAR_PX = 300, LATER_MS = 2000;

function nearTheScreen() {
  const frame = window.frameElement, box = frame && frame.getBoundingClientRect();
  if (!box || (box.top < window.parent.innerHeight + NEAR_PX && box.bottom > -NEAR_PX)) {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    const done = () => { observer.disconnect(); clearTimeout(timer); resolve(); };
    const observer = new IntersectionObserver(
      entries => { if (entries.some(e => e.isIntersecting)) done(); },
      {rootMargin: `${NEAR_PX}px`});
    observer.observe(document.body);
    const timer = setTimeout(done, LATER_MS);
  });
}

// A frame out of sight runs no animation frames: what it asks for meanwhile waits until it comes
// into view. plotly.js's 3-D scenes redraw in a loop of animation frames that never ends (each
// tick checks the canvas's size and the camera: ≈ 3 ms a frame for the loss landscape's two
// surfaces), on the thread that draws every other chart of the page, while nobody sees them.
function holdAnimationFramesOutOfSight() {
  if (window.requestAnimationFrame.holding) return;
  const run = window.requestAnimationFrame.bind(window);
  const cancel = window.cancelAnimationFrame.bind(window);
  const held = new Map();
  let inSight = true, lastHeld = 0;
  window.requestAnimationFrame = callback => {
    if (inSight) return run(callback);
    held.set(--lastHeld, callback);
    return lastHeld;
  };
  window.requestAnimationFrame.holding = true;
  window.cancelAnimationFrame = id => (held.has(id) ? held.delete(id) : cancel(id));
  new IntersectionObserver(entries => {
    inSight = entries[entries.length - 1].isIntersecting;
    if (!inSight) return;
    const waiting = [...held.values()];
    held.clear();
    waiting.forEach(run);
  }).observe(document.body);
}

// The page hears when a frame has drawn: its sections below the first screen wait for a chart
// to be drawn before they are drawn themselves (ui/first_screen.py).
const CHART_DRAWN = "optiscape:chart-drawn";
function announceDrawn() {
  window.parent.dispatchEvent(new Event(CHART_DRAWN));
}
