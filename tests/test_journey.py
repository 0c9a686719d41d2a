"""Journey map metrics and figures on small fixtures whose numbers are worked out by hand."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from cxlib import canonical, workspace
from cxlib.errors import MetricError
from cxlib.figures.journey import (
    EXIT_LINK,
    FORWARD_LINK,
    RETURN_LINK,
    emotion_curve_figure,
    sankey_figure,
    top_paths_figure,
)
from cxlib.journey import emotion_curve, map_summary, sankey_data, top_paths, transitions
from cxlib.settings import Settings
from cxlib.stages import EXIT_COLOR, Stage, exit_stages, funnel_stages, stage_order
from cxlib.theme import LOW_N_OPACITY

NAN = np.nan

# a1: a repeated Awareness collapses; Disappointment → Loyalty is a return from an exit.
# a2: churns, comes back to Consideration (a return), then signs.
# a3: three entries at the same instant, listed against journey order and source rows: stage
#     order decides (Awareness → Consideration → Decision); the two Decision rows at that instant
#     are one visit whatever their source rows.
# a4: Usage ⇄ Loyalty: a backward funnel move, and the same pair twice (1 account, 2 moves).
JOURNEY = [
    ("a1", "Awareness", "2024-01-01", "event", "crm.csv", 1),
    ("a1", "Awareness", "2024-01-03", "event", "crm.csv", 2),
    ("a1", "Consideration", "2024-01-10", "event", "crm.csv", 3),
    ("a1", "Decision", "2024-02-01", "event", "crm.csv", 4),
    ("a1", "Disappointment", "2024-03-01", "event", "crm.csv", 5),
    ("a1", "Loyalty", "2024-04-01", "event", "crm.csv", 6),
    ("a2", "Awareness", "2024-01-01", "event", "crm.csv", 7),
    ("a2", "Consideration", "2024-01-05", "event", "crm.csv", 8),
    ("a2", "Churn", "2024-02-01", "event", "crm.csv", 9),
    ("a2", "Consideration", "2024-05-01", "event", "crm.csv", 10),
    ("a2", "Decision", "2024-06-01", "event", "crm.csv", 11),
    ("a3", "Decision", "2024-01-01 09:00", "event", "crm.csv", 12),
    ("a3", "Consideration", "2024-01-01 09:00", "event", "crm.csv", 13),
    ("a3", "Decision", "2024-01-01 09:00", "event", "crm.csv", 1),
    ("a3", "Awareness", "2024-01-01 09:00", "event", "crm.csv", 14),
    ("a4", "Usage", "2024-01-01", "event", "crm.csv", 15),
    ("a4", "Loyalty", "2024-02-01", "event", "crm.csv", 16),
    ("a4", "Usage", "2024-03-01", "event", "crm.csv", 17),
    ("a4", "Loyalty", "2024-04-01", "event", "crm.csv", 18),
]

# Segment column with a space in its name (it must be quoted); a3 has no tier, a4 is missing.
ACCOUNTS = [
    {"account_id": "a1", "name": "Acme", "Customer tier": "Gold"},
    {"account_id": "a2", "name": "Brill", "Customer tier": "Silver"},
    {"account_id": "a3", "name": "Corvo", "Customer tier": None},
]
TIER = [("Customer tier", "VARCHAR")]


def moves(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["from_stage", "to_stage", "accounts", "transitions",
                                       "is_return", "is_exit"])


@pytest.fixture
def journey_con(con):
    canonical.create_table(con, "journey_events", JOURNEY)
    canonical.create_table(con, "accounts", ACCOUNTS, TIER)
    return con


def test_transitions_collapse_repeats_and_mark_returns_and_exits(journey_con):
    expected = moves([
        ("Awareness", "Consideration", 3, 3, False, False),       # a1, a2, a3
        ("Consideration", "Decision", 3, 3, False, False),        # a1, a2 (after its return), a3
        ("Consideration", "Churn", 1, 1, False, True),
        ("Decision", "Disappointment", 1, 1, False, True),
        ("Usage", "Loyalty", 1, 2, False, False),                 # a4 twice
        ("Loyalty", "Usage", 1, 1, True, False),                  # backward in the funnel
        ("Disappointment", "Loyalty", 1, 1, True, False),         # back from an exit
        ("Churn", "Consideration", 1, 1, True, False),            # a churned account returns
    ])
    assert_frame_equal(transitions(journey_con), expected)


def test_map_summary_counts_accounts_moves_returns_and_exits(journey_con):
    # a1–a4 have entries; moves 3+3+1+1+2+1+1+1; returns Loyalty→Usage, Disappointment→Loyalty,
    # Churn→Consideration; exits →Churn and →Disappointment.
    assert map_summary(journey_con) == {"accounts": 4, "moves": 13, "returns": 3, "exit_moves": 2}


def test_transitions_same_instant_follows_stage_order_not_source_rows(con):
    # Rows listed Decision (row 1), Consideration (row 2): stage order puts Consideration first.
    canonical.create_table(con, "journey_events", [
        ("x", "Decision", "2024-03-01", "event", "a.csv", 1),
        ("x", "Consideration", "2024-03-01", "event", "a.csv", 2),
        ("x", "Usage", "2024-03-02", "event", "a.csv", 3),
    ])
    assert_frame_equal(transitions(con), moves([
        ("Consideration", "Decision", 1, 1, False, False),
        ("Decision", "Usage", 1, 1, False, False),
    ]))


def test_transitions_with_custom_stages_and_unknown_stage_names(con):
    settings = Settings(stages=[Stage("Trial"), Stage("Paid"), Stage("Gone", "exit")])
    canonical.create_table(con, "journey_events", [
        ("x", "Trial", "2024-01-01"), ("x", "Paid", "2024-01-02"), ("x", "Gone", "2024-01-03"),
        ("x", "Paid", "2024-01-04"), ("x", "Zeta", "2024-01-05"), ("x", "Alpha", "2024-01-05"),
    ])
    # Unknown stages follow the configured ones and order among themselves by name.
    assert_frame_equal(transitions(con, settings), moves([
        ("Trial", "Paid", 1, 1, False, False),
        ("Paid", "Gone", 1, 1, False, True),
        ("Paid", "Alpha", 1, 1, False, False),
        ("Gone", "Paid", 1, 1, True, False),
        ("Alpha", "Zeta", 1, 1, False, False),
    ]))


def test_transitions_segment_filter_and_none_segment(journey_con):
    gold = transitions(journey_con, segment=("Customer tier", "Gold"))
    assert_frame_equal(gold, moves([
        ("Awareness", "Consideration", 1, 1, False, False),
        ("Consideration", "Decision", 1, 1, False, False),
        ("Decision", "Disappointment", 1, 1, False, True),
        ("Disappointment", "Loyalty", 1, 1, True, False),
    ]))
    # "(none)": a3 (no tier) and a4 (not in accounts at all).
    none = transitions(journey_con, segment=("Customer tier", None))
    assert_frame_equal(none, moves([
        ("Awareness", "Consideration", 1, 1, False, False),
        ("Consideration", "Decision", 1, 1, False, False),
        ("Usage", "Loyalty", 1, 2, False, False),
        ("Loyalty", "Usage", 1, 1, True, False),
    ]))
    assert_frame_equal(transitions(journey_con, segment=("Customer tier", "Platinum")), moves([]),
                       check_dtype=False)


def test_unknown_segment_column_is_named_in_the_error(journey_con):
    with pytest.raises(MetricError) as err:
        transitions(journey_con, segment=("regoin", "EMEA"))
    assert "Column 'regoin' is not in the accounts table" in str(err.value)
    assert "Customer tier" in str(err.value)      # says which columns exist
    with pytest.raises(MetricError, match="regoin"):
        top_paths(journey_con, segment=("regoin", None))


def test_empty_events_give_empty_frames(con):
    assert list(transitions(con).columns) == ["from_stage", "to_stage", "accounts", "transitions",
                                              "is_return", "is_exit"]
    assert transitions(con).empty
    assert sankey_data(con).nodes.empty and sankey_data(con).links.empty
    assert top_paths(con).empty


# s1: Awareness → Consideration → Decision
# s2: Awareness → Consideration → Awareness → Consideration (a cycle; its 3rd move is cut at 2)
# s3: Consideration → Churn
SANKEY = [
    ("s1", "Awareness", "2024-01-01"), ("s1", "Consideration", "2024-01-02"),
    ("s1", "Decision", "2024-01-03"),
    ("s2", "Awareness", "2024-01-01"), ("s2", "Consideration", "2024-01-02"),
    ("s2", "Awareness", "2024-01-03"), ("s2", "Consideration", "2024-01-04"),
    ("s3", "Consideration", "2024-01-01"), ("s3", "Churn", "2024-01-05"),
]
AW, CO, DE, CH = "#9ecae1", "#6baed6", "#3182bd", EXIT_COLOR


def nodes(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([(i, step, stage, stage, color, n, order) for i, (step, stage, color, n, order)
                         in enumerate(rows)],
                        columns=["node_id", "step", "stage", "label", "color", "accounts", "stage_order"])


def links(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["source", "target", "accounts", "is_return", "is_exit"])


def test_sankey_nodes_are_steps_along_the_path_cut_at_max_moves(con):
    canonical.create_table(con, "journey_events", SANKEY)
    data = sankey_data(con, max_moves=2)
    assert_frame_equal(data.nodes, nodes([
        (1, "Awareness", AW, 2, 1),        # 0
        (1, "Consideration", CO, 1, 2),    # 1
        (2, "Consideration", CO, 2, 2),    # 2
        (2, "Churn", CH, 1, 9),            # 3 (exit: red)
        (3, "Awareness", AW, 1, 1),        # 4 (s2 back at the start: a new node, no loop)
        (3, "Decision", DE, 1, 3),         # 5
    ]))
    assert_frame_equal(data.links, links([
        (0, 2, 2, False, False),
        (1, 3, 1, False, True),
        (2, 4, 1, True, False),
        (2, 5, 1, False, False),
    ]))
    # With room for every move, s2's last move appears as a 4th step.
    full = sankey_data(con, max_moves=6)
    assert list(full.nodes["step"]) == [1, 1, 2, 2, 3, 3, 4]
    assert full.links.iloc[-1].tolist() == [4, 6, 1, False, False]


def test_sankey_colours_every_exit_red_and_rejects_zero_moves(con):
    canonical.create_table(con, "journey_events", [
        ("x", "Usage", "2024-01-01"), ("x", "Disappointment", "2024-01-02"),
    ])
    assert list(sankey_data(con).nodes["color"]) == ["#41ab5d", EXIT_COLOR]
    with pytest.raises(MetricError, match="at least 1 move"):
        sankey_data(con, max_moves=0)


def test_sankey_segment(journey_con):
    data = sankey_data(journey_con, max_moves=1, segment=("Customer tier", "Silver"))
    assert_frame_equal(data.nodes, nodes([(1, "Awareness", AW, 1, 1), (2, "Consideration", CO, 1, 2)]))
    assert_frame_equal(data.links, links([(0, 1, 1, False, False)]))


PATHS = [
    ("p1", "Awareness", "2024-01-01"), ("p1", "Consideration", "2024-01-02"), ("p1", "Decision", "2024-01-03"),
    ("p2", "Awareness", "2024-01-01"), ("p2", "Awareness", "2024-01-02"),           # repeat collapses
    ("p2", "Consideration", "2024-01-03"), ("p2", "Decision", "2024-01-04"),
    ("p3", "Awareness", "2024-01-01"), ("p3", "Consideration", "2024-01-02"),
    ("p4", "Awareness", "2024-01-01"), ("p4", "Consideration", "2024-01-05"), ("p4", "Decision", "2024-01-09"),
    ("p5", "Consideration", "2024-01-01"), ("p5", "Churn", "2024-01-02"),
    ("p6", "Awareness", "2024-01-01"), ("p6", "Consideration", "2024-01-02"),
]


def test_top_paths_with_shares(con):
    canonical.create_table(con, "journey_events", PATHS)
    expected = pd.DataFrame({
        "path": ["Awareness → Consideration → Decision", "Awareness → Consideration",
                 "Consideration → Churn"],
        "stages": [["Awareness", "Consideration", "Decision"], ["Awareness", "Consideration"],
                   ["Consideration", "Churn"]],
        "accounts": [3, 2, 1],
        "share": [3 / 6, 2 / 6, 1 / 6],
    })
    assert_frame_equal(top_paths(con), expected)
    # The share stays of all accounts when the list is cut.
    assert_frame_equal(top_paths(con, limit=2), expected.head(2))


def test_top_paths_keep_cycles_and_segment(journey_con):
    result = top_paths(journey_con, segment=("Customer tier", None))
    assert_frame_equal(result, pd.DataFrame({
        "path": ["Awareness → Consideration → Decision", "Usage → Loyalty → Usage → Loyalty"],
        "stages": [["Awareness", "Consideration", "Decision"], ["Usage", "Loyalty", "Usage", "Loyalty"]],
        "accounts": [1, 1],
        "share": [0.5, 0.5],
    }))


# e1: Awareness 01-01, Consideration 02-01 00:00, Decision 03-01.
# e2: Awareness 01-01, Consideration 01-15, Churn 03-01.
EMOTION_EVENTS = [
    ("e1", "Awareness", "2024-01-01"), ("e1", "Consideration", "2024-02-01"), ("e1", "Decision", "2024-03-01"),
    ("e2", "Awareness", "2024-01-01"), ("e2", "Consideration", "2024-01-15"), ("e2", "Churn", "2024-03-01"),
]
# (account, ts, type, score, stage named by the row)
EMOTION_SURVEYS = [
    ("e1", "2024-01-20", "NPS", 10, None),              # Awareness: promoter
    ("e1", "2024-01-31 23:59", "NPS", 7, None),         # Awareness: passive, a minute before the move
    ("e1", "2024-02-01 00:00", "NPS", 9, None),         # exactly at the entry: Consideration
    ("e1", "2024-02-10", "CSAT", 5, None),              # Consideration: satisfied
    ("e1", "2024-02-11", "CSAT", 2, "Delivery"),        # names its own stage: Delivery
    ("e1", "2024-02-12", "NPS", None, None),            # blank answer: not a response
    ("e2", "2023-12-01", "NPS", 10, None),              # before any entry, names no stage: nowhere
    ("e2", "2024-01-16", "CSAT", 4, None),              # Consideration: satisfied
    ("e2", "2024-01-17", "csat", 3, None),              # Consideration: not satisfied
    ("e2", "2024-01-20", "NPS", 6, None),               # Consideration: detractor
    ("e2", "2024-02-20", "NPS", 10, None),              # Consideration: promoter
    ("e2", "2024-03-02", "NPS", 8, None),               # Churn: passive
    ("e2", "2024-03-05", "CSAT", 5, "Support ticket"),  # a touchpoint, not a stage: Churn by time
]


def curve(rows: list[tuple]) -> pd.DataFrame:
    """Literal rows: stage, order, reached, nps, nps_n, csat, csat_n, low_n, nps_low_n, csat_low_n."""
    return pd.DataFrame(rows, columns=["stage", "stage_order", "accounts_reached", "nps", "nps_n",
                                       "csat", "csat_n", "low_n", "nps_low_n", "csat_low_n"])


@pytest.fixture
def emotion_con(con):
    canonical.create_table(con, "journey_events", EMOTION_EVENTS)
    canonical.create_table(con, "surveys", [
        {"account_id": a, "respondent": "r", "ts": ts, "survey_type": kind, "score": score, "stage": stage}
        for a, ts, kind, score, stage in EMOTION_SURVEYS
    ])
    canonical.create_table(con, "accounts", [{"account_id": "e1", "Customer tier": "Gold"}], TIER)
    return con


def test_emotion_curve_by_hand(emotion_con):
    result = emotion_curve(emotion_con, Settings(min_n=3))
    expected = curve([
        # Awareness NPS: 10, 7 → (1 − 0)/2 → 50. Consideration NPS: 9, 6, 10 → (2 − 1)/3 → 33.3;
        # CSAT 5, 4, 3 → 2/3. Delivery CSAT 2 → 0. Churn NPS 8 → 0, CSAT 5 → 1.
        ("Awareness", 1, 2, 50.0, 2, NAN, 0, True, True, True),
        ("Consideration", 2, 2, 100 / 3, 3, 2 / 3, 3, False, False, False),
        ("Decision", 3, 1, NAN, 0, NAN, 0, True, True, True),
        ("Delivery", 4, 0, NAN, 0, 0.0, 1, True, True, True),
        ("Usage", 5, 0, NAN, 0, NAN, 0, True, True, True),
        ("Loyalty", 6, 0, NAN, 0, NAN, 0, True, True, True),
        ("Advocacy", 7, 0, NAN, 0, NAN, 0, True, True, True),
        ("Disappointment", 8, 0, NAN, 0, NAN, 0, True, True, True),
        ("Churn", 9, 1, 0.0, 1, 1.0, 1, True, True, True),
    ])
    assert_frame_equal(result, expected)


def test_emotion_curve_segment_and_low_n_threshold(emotion_con):
    # Gold is e1 alone. Awareness NPS 10, 7 → 50; Consideration NPS 9 → 100, CSAT 5 → 1;
    # Delivery CSAT 2 → 0. With min_n = 1 only n = 0 is low per score, and a stage is low only
    # with no answers at all: Delivery's one CSAT answer is enough, its missing NPS is not shown.
    gold = emotion_curve(emotion_con, Settings(min_n=1), segment=("Customer tier", "Gold"))
    quiet = [(stage, i + 5, 0, NAN, 0, NAN, 0, True, True, True)
             for i, stage in enumerate(["Usage", "Loyalty", "Advocacy", "Disappointment", "Churn"])]
    assert_frame_equal(gold, curve([
        ("Awareness", 1, 1, 50.0, 2, NAN, 0, False, False, True),
        ("Consideration", 2, 1, 100.0, 1, 1.0, 1, False, False, False),
        ("Decision", 3, 1, NAN, 0, NAN, 0, True, True, True),
        ("Delivery", 4, 0, NAN, 0, 0.0, 1, False, True, False),
        *quiet,
    ]))
    # "(none)" is e2, missing from accounts: Consideration NPS 6, 10 → 0 and CSAT 4, 3 → 0.5;
    # Churn NPS 8 → 0, CSAT 5 → 1. With min_n = 2, Churn's single answers are low.
    none = emotion_curve(emotion_con, Settings(min_n=2), segment=("Customer tier", None))
    assert_frame_equal(none, curve([
        ("Awareness", 1, 1, NAN, 0, NAN, 0, True, True, True),
        ("Consideration", 2, 1, 0.0, 2, 0.5, 2, False, False, False),
        ("Decision", 3, 0, NAN, 0, NAN, 0, True, True, True),
        ("Delivery", 4, 0, NAN, 0, NAN, 0, True, True, True),
        ("Usage", 5, 0, NAN, 0, NAN, 0, True, True, True),
        ("Loyalty", 6, 0, NAN, 0, NAN, 0, True, True, True),
        ("Advocacy", 7, 0, NAN, 0, NAN, 0, True, True, True),
        ("Disappointment", 8, 0, NAN, 0, NAN, 0, True, True, True),
        ("Churn", 9, 1, 0.0, 1, 1.0, 1, True, True, True),
    ]))


def test_emotion_curve_axis_is_every_configured_stage_plus_others_with_data(con):
    assert list(emotion_curve(con)["stage"]) == ["Awareness", "Consideration", "Decision", "Delivery",
                                                 "Usage", "Loyalty", "Advocacy", "Disappointment", "Churn"]
    canonical.create_table(con, "journey_events", [("x", "Awareness", "2024-01-01"),
                                                   ("x", "Lost deal", "2024-01-02")])
    result = emotion_curve(con)
    assert list(result["stage"])[-2:] == ["Churn", "Lost deal"]
    assert result["stage_order"].tolist() == list(range(1, 11))
    assert result["accounts_reached"].tolist() == [1] + [0] * 8 + [1]


# Figures ---------------------------------------------------------------------------------------

def annotation_texts(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def test_sankey_figure_has_one_node_per_step_and_stage(con):
    canonical.create_table(con, "journey_events", SANKEY)
    fig = sankey_figure(sankey_data(con, max_moves=2))
    sankey = fig.data[0]
    assert sankey.type == "sankey"
    assert list(sankey.node.label) == ["Awareness", "Consideration", "Consideration", "Churn",
                                       "Awareness", "Decision"]
    assert list(sankey.node.color)[3] == EXIT_COLOR
    assert list(sankey.link.source) == [0, 1, 2, 2] and list(sankey.link.value) == [2, 1, 1, 1]
    assert list(sankey.link.color) == [FORWARD_LINK, EXIT_LINK, RETURN_LINK, FORWARD_LINK]
    # Steps run left to right; a stage keeps its lane at every step.
    assert sankey.node.x[0] < sankey.node.x[2] < sankey.node.x[4]
    assert sankey.node.y[0] == sankey.node.y[4]
    assert fig.layout.template.layout.font.family  # themed


def test_top_paths_figure_bars(con):
    canonical.create_table(con, "journey_events", PATHS)
    fig = top_paths_figure(top_paths(con))
    bar = fig.data[0]
    assert bar.orientation == "h"
    assert list(bar.x) == [3, 2, 1]
    assert list(bar.text) == ["3 (50%)", "2 (33%)", "1 (17%)"]


def test_emotion_curve_figure_points_labelled_and_faint_below_min_n(emotion_con):
    fig = emotion_curve_figure(emotion_curve(emotion_con, Settings(min_n=3)))
    bars, nps, csat = fig.data
    assert bars.type == "bar" and list(bars.y) == [2, 2, 1, 0, 0, 0, 0, 0, 1]
    assert len(nps.x) == len(csat.x) == 9
    assert list(nps.text) == ["n=2", "n=3", "", "", "", "", "", "", "n=1"]
    assert list(csat.y)[:4] == [None, pytest.approx(200 / 3), None, 0.0]
    assert list(nps.marker.opacity)[:2] == [LOW_N_OPACITY, 1.0]
    assert nps.yaxis == "y2" and bars.yaxis == "y"


@pytest.mark.parametrize("build", [
    lambda con: sankey_figure(sankey_data(con)),
    lambda con: top_paths_figure(top_paths(con)),
    lambda con: emotion_curve_figure(emotion_curve(con)),
])
def test_figures_on_empty_data_say_no_data(con, build):
    fig = build(con)
    assert len(fig.data) == 0
    assert any(t.startswith("No data") for t in annotation_texts(fig))


def test_emotion_curve_entries_at_one_instant_leave_the_account_in_the_later_stage(con):
    # Consideration and Decision at the same instant: the account stands in Decision afterwards.
    canonical.create_table(con, "journey_events", [
        ("x", "Awareness", "2024-01-01", "event", "a.csv", 1),
        ("x", "Decision", "2024-02-01", "event", "a.csv", 2),
        ("x", "Consideration", "2024-02-01", "event", "a.csv", 3),
    ])
    canonical.create_table(con, "surveys", [
        {"account_id": "x", "ts": "2024-02-01", "survey_type": "NPS", "score": 10},
        {"account_id": "x", "ts": "2024-02-05", "survey_type": "NPS", "score": 0},
    ])
    result = emotion_curve(con, Settings(min_n=1)).head(3)
    assert result[["stage", "accounts_reached", "nps", "nps_n"]].to_dict("list") == {
        "stage": ["Awareness", "Consideration", "Decision"],
        "accounts_reached": [1, 1, 1],
        "nps": [pytest.approx(NAN, nan_ok=True), pytest.approx(NAN, nan_ok=True), 0.0],
        "nps_n": [0, 0, 2],
    }


def test_transitions_keep_microsecond_order_across_any_time_span(con):
    # 40 stages and dates from year 1 to 9999: the sort key needs more than 64 bits here.
    settings = Settings(stages=[Stage(f"S{i:02d}") for i in range(40)])
    canonical.create_table(con, "journey_events", [
        ("x", "S39", "0001-01-01 00:00:00"),
        ("x", "S02", "2024-05-01 09:00:00.000001"),   # a microsecond after S05, despite its order
        ("x", "S05", "2024-05-01 09:00:00"),
        ("x", "S01", "9999-12-31 23:59:59"),
    ])
    # Path S39 → S05 → S02 → S01: every move goes back up the list.
    assert_frame_equal(transitions(con, settings), moves([
        ("S02", "S01", 1, 1, True, False),
        ("S05", "S02", 1, 1, True, False),
        ("S39", "S05", 1, 1, True, False),
    ]))


# Property: the SQL agrees with a plain Python walk over each account's sorted entries ----------

def reference_paths(rows: list[tuple[str, str, dt.datetime, int]]) -> dict[str, list[str]]:
    """Each account's visits: entries sorted by (time, stage order, source row), repeats collapsed."""
    order = stage_order()
    rank = {s: (order.get(s, len(order) + 1), s) for _, s, _, _ in rows}   # unknown stages by name
    by_account: dict[str, list[tuple]] = defaultdict(list)
    for account, stage, ts, row in rows:
        by_account[account].append((ts, rank[stage], row, stage))
    paths = {}
    for account, entries in by_account.items():
        stages = [e[3] for e in sorted(entries)]
        paths[account] = [s for i, s in enumerate(stages) if i == 0 or s != stages[i - 1]]
    return paths


def reference_transitions(rows: list[tuple]) -> pd.DataFrame:
    """Moves between consecutive visits, counted by hand, flagged and ordered as `transitions`."""
    order, funnel, exits = stage_order(), funnel_stages(), exit_stages()
    paths = reference_paths(rows)
    counts = Counter(pair for p in paths.values() for pair in zip(p, p[1:], strict=False))
    accounts = Counter(pair for p in paths.values() for pair in set(zip(p, p[1:], strict=False)))
    code = {s: (order.get(s, len(order) + 1), s) for _, s, _, _ in rows}
    result = []
    for a, b in sorted(counts, key=lambda pair: (code[pair[0]], code[pair[1]])):
        back = a in funnel and b in funnel and funnel.index(b) < funnel.index(a)
        result.append((a, b, accounts[(a, b)], counts[(a, b)], back or (a in exits and b in funnel), b in exits))
    return moves(result)


STAGE_VALUES = ["Awareness", "Consideration", "Decision", "Usage", "Loyalty", "Disappointment",
                "Churn", "Lost deal", "Pilot", "Beta"]
event_rows = st.lists(st.tuples(
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(STAGE_VALUES),
    st.sampled_from([dt.datetime(2024, 1, d, h) for d in (1, 2, 3) for h in (0, 12)]),  # many ties
    st.integers(1, 5),
), min_size=1, max_size=30)


@pytest.fixture(scope="module")
def walk_con():
    """One database for every generated example (each example replaces the events table)."""
    connection = workspace.connect(memory_limit="256MB", threads=1)
    yield connection
    connection.close()


@given(rows=event_rows)
def test_transitions_and_paths_agree_with_a_python_walk(walk_con, rows):
    canonical.create_table(walk_con, "journey_events", [(a, s, ts, "event", "f.csv", r) for a, s, ts, r in rows])
    expected_moves = reference_transitions(rows)
    # (DuckDB gives object, not str, columns when there are no rows at all.)
    assert_frame_equal(transitions(walk_con), expected_moves, check_dtype=not expected_moves.empty)
    got = top_paths(walk_con, limit=1000)
    expected = Counter(tuple(p) for p in reference_paths(rows).values())
    assert dict(zip(map(tuple, got["stages"]), got["accounts"], strict=True)) == expected
