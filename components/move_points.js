// A redraw that moves a figure's points and nothing else. When a new figure differs from the one
// drawn only in its traces' x and y (the same layout, the same traces otherwise, every one a
// scatter trace, which Plotly can animate), `movePoints` gives Plotly the new points through
// Plotly.animate without a redraw: Plotly recomputes and redraws the traces alone, where
// Plotly.react would also lay out and draw every axis, the legend and the layout images again
// (≈ 45 % of a press on the lab's linked views). `lookOf(figure)` is what must be unchanged.
const POINTS = ["x", "y"];

function lookOf(figure) {
  const movable = figure.data.every(trace => (trace.type || "scatter") === "scatter");
  if (!movable) return null;
  return JSON.stringify([figure.layout, figure.data],
                        (key, value) => (POINTS.includes(key) ? undefined : value));
}

// True when the figure with look `now` can be drawn over the one drawn with look `before`.
const onlyPointsMoved = (before, now) => now !== null && before === now;

function movePoints(chart, figure) {
  const data = figure.data.map(trace => {
    const points = {};
    for (const key of POINTS) if (key in trace) points[key] = trace[key];
    return points;
  });
  return Plotly.animate(chart, {data, traces: data.map((_, i) => i)},
    {transition: {duration: 0}, frame: {duration: 0, redraw: false}, mode: "immediate"});
}
