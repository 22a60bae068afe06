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
