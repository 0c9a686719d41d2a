"""The one Plotly look: a template readable on a laptop and a meeting-room projector, light or dark."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from cxlib.stages import EXIT_COLOR, NEUTRAL_COLOR, stage_colors

TEMPLATE_NAME = "journey_lens"
FONT = "Inter, 'Segoe UI', Helvetica, Arial, sans-serif"
BAND_COLORS = {"red": "#d7301f", "yellow": "#fdae37", "green": "#31a354", "grey": "#bdbdbd"}
SEQUENCE = ["#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363", "#fd8d3c", "#74c476", "#9e9ac8"]
LOW_N_OPACITY = 0.35  # points and bars below the minimum n are drawn faint, never hidden

_template = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT, size=15),
        title=dict(font=dict(size=19), x=0, xanchor="left"),
        colorway=SEQUENCE,
        margin=dict(l=60, r=30, t=90, b=50),
        hoverlabel=dict(font=dict(family=FONT, size=14)),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1),
        xaxis=dict(showgrid=False, zeroline=False),
        yaxis=dict(gridcolor="rgba(128,128,128,0.25)", zeroline=False),
    )
)
pio.templates[TEMPLATE_NAME] = _template


def themed(fig: go.Figure, title: str | None = None) -> go.Figure:
    """Apply the app's template (and a title) to a figure; every figure builder ends with this."""
    fig.update_layout(template=TEMPLATE_NAME)
    if title is not None:
        fig.update_layout(title_text=title)
    return fig


def stage_color(stage: str, stages: list | None = None) -> str:
    """The fixed colour of a stage; unknown stages are neutral grey."""
    return stage_colors(stages).get(stage, NEUTRAL_COLOR)


__all__ = ["BAND_COLORS", "EXIT_COLOR", "LOW_N_OPACITY", "SEQUENCE", "TEMPLATE_NAME", "stage_color", "themed"]
