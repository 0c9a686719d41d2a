"""Funnel figures: stage colours, faint low-n marks, greyed young cohorts, a median line, 'No data'."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from cxlib import canonical
from cxlib.figures import funnel as figs
from cxlib.funnel import FunnelSpec, cohorts, funnel, time_to_convert
from cxlib.settings import Settings
from cxlib.theme import LOW_N_OPACITY, TEMPLATE_NAME

A, C, D = "Awareness", "Consideration", "Decision"
EVENTS = [("e1", A, "2024-01-01"), ("e1", C, "2024-01-03"), ("e1", D, "2024-01-09"),
          ("e2", A, "2024-01-02"), ("e2", C, "2024-01-06"), ("e3", A, "2024-02-01")]


def _text(fig: go.Figure) -> str:
    return " ".join(a.text for a in fig.layout.annotations)


def test_funnel_chart_colours_counts_and_faint_low_n(con) -> None:
    canonical.create_table(con, canonical.JOURNEY_EVENTS, EVENTS)
    result = funnel(con, FunnelSpec(steps=[A, C, D]), Settings(min_n=2))
    fig = figs.funnel_chart(result)
    trace = fig.data[0]
    assert isinstance(trace, go.Funnel) and fig.layout.template.layout.font.family is not None
    assert list(trace.y) == ["1. Awareness", "2. Consideration", "3. Decision"]
    assert list(trace.x) == [3.0, 2.0, 1.0]
    assert list(trace.text) == ["3", "2 · 67% of previous", "1 · 50% of previous"]
    # Stage colours from the stage list; Decision (n = 1 < 2) is drawn faint.
    assert trace.marker.color == ("rgba(158,202,225,1.0)", "rgba(107,174,214,1.0)",
                                  f"rgba(49,130,189,{LOW_N_OPACITY})")
    assert "n = %{customdata[0]:,}" in trace.hovertemplate


def test_breakdown_chart_groups_segments(con) -> None:
    canonical.create_table(con, canonical.JOURNEY_EVENTS, EVENTS)
    canonical.create_table(con, canonical.ACCOUNTS, [("e1", "One"), ("e2", "Two")], [("tier", "VARCHAR")])
    con.execute("UPDATE accounts SET tier = 'Gold' WHERE account_id = 'e1'")
    result = funnel(con, FunnelSpec(steps=[A, C], by="tier"))
    fig = figs.funnel_chart(result)   # a breakdown result draws the grouped chart
    assert [t.name for t in fig.data] == ["Gold", "(none)"]
    assert fig.layout.barmode == "group"
    assert list(fig.data[1].y) == [1.0, 0.5]
    assert list(fig.data[1].text) == ["n=2", "n=1"]
    assert list(fig.data[1].marker.opacity) == [LOW_N_OPACITY, LOW_N_OPACITY]   # n below the default 30


def test_cohort_heatmap_greys_incomplete_cohorts(con) -> None:
    canonical.create_table(con, canonical.JOURNEY_EVENTS, EVENTS)
    table = cohorts(con, FunnelSpec(steps=[A, C]), "month", 30, Settings(as_of=dt.datetime(2024, 3, 10), min_n=1))
    fig = figs.cohort_heatmap(table)
    shown, greyed = fig.data
    # January (complete) is coloured; February (younger than 30 days + a month) is grey.
    assert [list(row) for row in shown.z] == [[1.0, 1.0], [None, None]]
    assert [list(row) for row in greyed.z] == [[None, None], [1.0, 0.0]]
    assert greyed.text[1][1] == "0%<br>n=1<br>(incomplete)"
    assert shown.text[0][1] == "100%<br>n=2"


def test_time_to_convert_histogram_marks_the_median(con) -> None:
    canonical.create_table(con, canonical.JOURNEY_EVENTS, EVENTS)
    fig = figs.time_to_convert_histogram(time_to_convert(con, FunnelSpec(steps=[A, C]), 1, 2), A, C)
    assert list(fig.data[0].x) == [2.0, 4.0]
    assert fig.layout.shapes[0].x0 == 3.0
    assert "median 3.0 days" in _text(fig)
    assert fig.layout.title.text == "Days from Awareness to Consideration (n=2)"


def test_empty_inputs_say_no_data() -> None:
    empty = pd.DataFrame(columns=["account_id", "days"])
    for fig in (figs.time_to_convert_histogram(empty), figs.cohort_heatmap(pd.DataFrame()),
                figs.empty_figure("Funnel")):
        assert _text(fig) == "No data"
        assert fig.layout.xaxis.visible is False and fig.layout.template is not None
        assert fig.layout.template.layout.font.family is not None
    assert TEMPLATE_NAME
