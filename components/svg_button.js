// A mode-bar button that downloads the chart as SVG, for a config that names the file in its
// (non-Plotly) key "downloadSVG"; the standard camera button keeps toImageButtonOptions.
function withSvgButton(config) {
  const name = config && config.downloadSVG;
  if (!name) return config;
  const out = Object.assign({}, config);
  delete out.downloadSVG;
  out.modeBarButtonsToAdd = (out.modeBarButtonsToAdd || []).concat([{
    name: "downloadSVG",
    title: "Download plot as an SVG",
    icon: Plotly.Icons.disk,
    click: gd => Plotly.downloadImage(gd, {format: "svg", filename: name}),
  }]);
  return out;
}
