"""What the live-figures component received in an AppTest run."""

from streamlit.testing.v1 import AppTest


def live_figures(at: AppTest) -> list[str]:
    """The JSON of each figure given to the page's live-figures component, in order."""
    element = next(
        e for e in at.get("component_instance") if e.proto.component_name.endswith("live_figures")
    )
    sent = {arg.key: arg.bytes.decode() for arg in element.proto.special_args}
    return [sent[f"figure{i}"] for i in range(len(sent))]
