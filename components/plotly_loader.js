// plotly.js for a frame's figures: the cartesian bundle (1.5 MB: scatter, heatmap, contour, bar,
// violin …) when every trace is one of its types, else the full one (4.8 MB, with 3-D). A frame
// parses its own copy, and on this machine the full bundle costs ≈ 0.7 s more to load.
const CARTESIAN_TYPES = new Set([
  "bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour", "image",
  "pie", "scatter", "scatterternary", "violin",
]);
const PLOTLY_FILES = {cartesian: "plotly-cartesian.min.js", full: "plotly.min.js"};
let plotlyBundle = null, plotlyChain = Promise.resolve();

function bundleFor(figures) {
  const cartesian = figures.every(figure => (figure.data || []).every(
    trace => CARTESIAN_TYPES.has(trace.type || "scatter")));
  return cartesian ? "cartesian" : "full";
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`${src} did not load`));
    document.head.appendChild(script);
  });
}

// Loads what `figures` need (the full bundle once any figure needs it, never back; one load at
// a time) and resolves to whether a loaded bundle was replaced: the charts the old one drew
// must then be drawn afresh by the new one.
function plotlyFor(figures) {
  const step = async () => {
    const wanted = plotlyBundle === "full" ? "full" : bundleFor(figures);
    if (plotlyBundle === wanted) return false;
    const replaced = plotlyBundle !== null;
    await loadScript(PLOTLY_FILES[wanted]);
    memoizeArrayAttributes(window.Plotly.PlotSchema);
    if (wanted === "full") holdAnimationFramesOutOfSight();
    plotlyBundle = wanted;
    return replaced;
  };
  const result = plotlyChain.then(step);
  plotlyChain = result.catch(() => {});
  return result;
}

// Before each calc plotly.js lists every trace's data-array attributes by crawling the trace
// type's whole attribute schema (`PlotSchema.findArrayAttributes`, kept only to add their values
// to hover and click event data): ≈ 0.8 ms per trace here, a fifth of a redraw. That list
// follows from the trace's type and which of its given attributes are arrays, so it is crawled
// once for each such shape of trace and reused.
function memoizeArrayAttributes(schema) {
  if (schema.findArrayAttributes.crawl) return;  // this bundle's schema is memoized already
  const crawl = schema.findArrayAttributes, lists = new Map();
  const isArray = v => Array.isArray(v) || ArrayBuffer.isView(v) || (v && v.bdata !== undefined);
  function arrayPaths(value, path, into) {
    for (const key in value) {
      const v = value[key];
      if (Array.isArray(v) && v.some(item => item && item.constructor === Object)) {
        v.forEach((item, i) => arrayPaths(item, `${path}${key}[${i}].`, into));  // e.g. dimensions
      } else if (isArray(v)) into.push(path + key);
      else if (v && typeof v === "object") arrayPaths(v, path + key + ".", into);
    }
    return into;
  }
  const memoized = trace => {
    const shape = (trace.type || "") + "|" + arrayPaths(trace._input || {}, "", []).join(",");
    if (!lists.has(shape)) lists.set(shape, crawl(trace));
    return lists.get(shape).slice();
  };
  memoized.crawl = crawl;
  schema.findArrayAttributes = memoized;
}
