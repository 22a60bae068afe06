"""What a component frame is sent for a figure: only what the browser does not have already.

Two parts of a figure are the same on every slider move and large: the landscape under a map, a
PNG data URL in `layout.images` (≈ 18 kB), and the template, whose `data` holds defaults for every
Plotly trace type (≈ 4 kB of bars, carpets, maps… in a figure of scatter lines). The image is
written once into the component's folder and sent as its address, which the browser fetches once
and keeps; the template keeps only the trace types the figure draws. An image named
`viz.background.REDRAWN_IMAGE`, new on every move, stays in the figure: fetched by address, it
would appear a request later than the rest of the chart.
"""

import base64
import hashlib
from pathlib import Path

from viz.background import REDRAWN_IMAGE

IMAGES_KEPT = 256  # landscape images kept in a folder, the oldest dropped first
PNG_URL = "data:image/png;base64,"


def stored_image(source: str, folder: Path) -> str:
    """A data-URL PNG's address in `folder` (a component's), written there once; any other
    source as it is."""
    if not source.startswith(PNG_URL):
        return source
    name = f"image-{hashlib.blake2b(source.encode(), digest_size=12).hexdigest()}.png"
    target = folder / name
    if not target.exists():
        kept = sorted(folder.glob("image-*.png"), key=lambda p: p.stat().st_mtime)
        for old in kept[: max(0, len(kept) - IMAGES_KEPT + 1)]:
            old.unlink(missing_ok=True)
        partial = folder / f".{name}.{id(source)}.partial"
        partial.write_bytes(base64.b64decode(source.removeprefix(PNG_URL)))
        partial.replace(target)
    return name


def payload(figure: dict, folder: Path) -> dict:
    """`figure` (a dict: data, layout, frames) with its layout images by address in `folder` and
    its template's trace defaults cut to the types it draws. `figure` itself is not changed."""
    layout = dict(figure.get("layout", {}))
    if images := layout.get("images"):
        layout["images"] = [
            image if image.get("name") == REDRAWN_IMAGE
            else image | {"source": stored_image(image["source"], folder)}
            for image in images
        ]  # fmt: skip
    template = layout.get("template")
    if isinstance(template, dict) and "data" in template:
        drawn = {trace.get("type", "scatter") for trace in figure.get("data", [])}
        kept = {kind: value for kind, value in template["data"].items() if kind in drawn}
        layout["template"] = template | {"data": kept}
    return figure | {"layout": layout}
