"""Figures for the data pages: a quick chart of any query result."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from cxlib.theme import themed


def no_data_figure(message: str = "No data") -> go.Figure:
    """An empty figure that says why it is empty, instead of bare axes."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=18), x=0.5, y=0.5,
                       xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return themed(fig)


def result_chart(df: pd.DataFrame, max_points: int = 500) -> go.Figure:
    """Chart the first label column against the first numeric column (line for dates, bars otherwise)."""
    numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
    others = [c for c in df.columns if c not in numeric]
    if df.empty or not numeric:
        return no_data_figure("Nothing to chart: the result needs a numeric column")
    y = numeric[0]
    x = others[0] if others else (numeric[1] if len(numeric) > 1 else None)
    data = df.head(max_points)
    if x is None:
        fig = px.bar(data.reset_index(), x="index", y=y)
    elif pd.api.types.is_datetime64_any_dtype(data[x]):
        fig = px.line(data.sort_values(x), x=x, y=y, markers=True)
    else:
        fig = px.bar(data, x=x, y=y)
    return themed(fig, f"{y} by {x}" if x else y)
