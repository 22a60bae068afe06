// A redraw that moves a figure's points and nothing else. When a new figure differs from the one
// drawn only in the x and y of some scatter traces (the same layout, every other trace the
// same), `movePoints` gives Plotly their new points through Plotly.animate without a redraw:
// Plotly recomputes and redraws those traces alone, where Plotly.react would also lay out and
// draw every axis, the legend, the colour bars and the layout images again (≈ 45 % of a press
// on the lab's linked views). `lookOf(figure)` is what must be unchanged.
const isScatter = trace => (trace.type || "scatter") === "scatter";

function lookOf(figure) {
  const traces = figure.data.map(trace => {
    if (!isScatter(trace)) return trace;
    const {x, y, ...look} = trace;
    return look;
  });
  return JSON.stringify([figure.layout, traces]);
}

function movePoints(chart, figure) {
  const traces = figure.data.flatMap((trace, i) => (isScatter(trace) ? [i] : []));
  const data = traces.map(i => {
    const points = {};
    for (const key of ["x", "y"]) if (key in figure.data[i]) points[key] = figure.data[i][key];
    return points;
  });
  return Plotly.animate(chart, {data, traces},
    {transition: {duration: 0}, frame: {duration: 0, redraw: false}, mode: "immediate"});
}
