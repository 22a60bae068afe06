// A mode-bar button that downloads the chart as SVG, for a config that names the file in its
// (non-Plotly) key "downloadSVG"; the standard camera button keeps toImageButtonOptions.
// One button object per file name: Plotly.react compares configs, and a new click function on
// every draw would count as a new config, which redraws from scratch and drops the frames.
const svgButtons = {};
function withSvgButton(config) {
  const name = config && config.downloadSVG;
  if (!name) return config;
  const out = Object.assign({}, config);
  delete out.downloadSVG;
  svgButtons[name] = svgButtons[name] || {
    name: "downloadSVG",
    title: "Download plot as an SVG",
    icon: Plotly.Icons.disk,
    click: gd => Plotly.downloadImage(gd, {format: "svg", filename: name}),
  };
  out.modeBarButtonsToAdd = (out.modeBarButtonsToAdd || []).concat([svgButtons[name]]);
  return out;
}
