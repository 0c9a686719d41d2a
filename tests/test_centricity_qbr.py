"""QBR discipline (issue 13) at its edges: exactly 100 days, follow-up tasks open / overdue / late."""

from __future__ import annotations

import datetime as dt

from cxlib.centricity.qbr import follow_through_text, qbr_discipline
from tests.test_centricity import AS_OF, SETTINGS, act, ago, build


def table(con) -> dict:
    return qbr_discipline(con, SETTINGS).set_index("account_id").to_dict("index")


def test_qbr_held_exactly_100_days_ago_counts_101_does_not(con) -> None:
    build(con, [("H100", "A"), ("H101", "A"), ("PLAN", "A")], activities=[
        act("H100", ago(100), activity_type="qbr"), act("H101", ago(101), activity_type="qbr"),
        act("PLAN", ago(3), activity_type="qbr", done=False), act("PLAN", ago(200), activity_type="qbr"),
    ])
    rows = table(con)
    assert rows["H100"]["qbr_held"] and not rows["H101"]["qbr_held"] and not rows["PLAN"]["qbr_held"]
    assert rows["H100"]["last_qbr"] == dt.date(2026, 3, 22) and rows["PLAN"]["last_qbr"] == ago(200).date()


def test_follow_through_leaves_open_tasks_not_yet_due_out_and_counts_overdue_ones(con) -> None:
    qbr = ago(60)
    task = {"activity_type": "task"}
    build(con, [("F", "A")], activities=[
        act("F", qbr, activity_type="qbr"),
        act("F", qbr, **task, due_date=ago(40), completed_at=ago(40)),                  # on its due date: on time
        act("F", qbr + dt.timedelta(days=14), **task, due_date=ago(40), completed_at=ago(39)),  # late; day 14 in
        act("F", qbr + dt.timedelta(days=15), **task, due_date=ago(30), completed_at=ago(31)),  # day 15: no follow-up
        act("F", qbr + dt.timedelta(days=2), **task, done=False, due_date=ago(1)),      # overdue: counted
        act("F", qbr + dt.timedelta(days=3), **task, done=False, due_date=AS_OF),       # due today: left out
        act("F", qbr + dt.timedelta(days=4), **task, done=False),                       # no due date: left out
        act("F", qbr + dt.timedelta(days=1), **task, initiated_by="customer", due_date=ago(50)),  # not ours
    ])
    row = table(con)["F"]
    assert (row["followups"], row["followed_through"], row["overdue"], row["left_out"]) == (3, 1, 1, 2)
    assert row["follow_through"] == 1 / 3
    assert follow_through_text(row) == ("1 of 3 follow-up tasks completed by their due date (33%); 1 overdue; "
                                        "2 open and not yet due (left out)")


def test_no_follow_up_task_says_why(con) -> None:
    build(con, [("N", "A")], activities=[act("N", ago(5), activity_type="qbr")])
    row = table(con)["N"]
    assert row["followups"] == 0 and row["follow_through"] != row["follow_through"]    # NaN
    assert follow_through_text(row).startswith("no follow-up task counted")


# ---------------------------------------------------------------- missed_qbr (early warning)


def test_missed_qbr_exactly_100_days_and_only_when_activities_exist(con) -> None:
    from cxlib import early_warning as ew

    build(con, [("Q100", "A"), ("Q101", "A"), ("NONE", "A"), ("NEW", "A")], events=[
        ("NEW", "Decision", ago(99), "event", "ev", 20),            # a customer for 99 days: too new
        ("OLD", "Decision", ago(100), "event", "ev", 21),           # exactly 100 days and no QBR: missed
    ], activities=[act("Q100", ago(100), activity_type="qbr"), act("Q101", ago(101), activity_type="qbr")])
    con.execute("DELETE FROM journey_events WHERE account_id = 'NEW' AND ts < '2026-01-01'")
    run = ew.prepare(con, settings=SETTINGS)
    rows = ew.signal_rows(con, run)
    missed = rows[rows["signal"] == "missed_qbr"].set_index("account_id")
    assert sorted(missed.index) == ["NONE", "OLD", "Q101"]
    assert missed.loc["Q101", "evidence"] == ("last QBR/EBR on 2026-03-21 (101 days ago, more than 100); "
                                              "a customer since 2025-01-01")
    assert missed.loc["OLD", "evidence"] == "no QBR/EBR on record; a customer since 2026-03-22 (100 days, at least 100)"
    assert str(missed.loc["Q101", "since"].date()) == "2026-06-29"     # 03-21 + 100 days (and a microsecond)
    summary = ew.signal_summary(con, run).set_index("signal")
    assert summary.loc["missed_qbr", "accounts"] == 3

    con.execute("DELETE FROM activities")          # no activities: the signal is neither raised nor listed
    run = ew.prepare(con, settings=SETTINGS)
    assert "missed_qbr" not in set(ew.signal_rows(con, run)["signal"])
    assert "missed_qbr" not in set(ew.signal_summary(con, run)["signal"])


def test_the_account_timeline_puts_activities_in_their_own_lane(con) -> None:
    import pandas as pd

    from cxlib.account_rows import account_activities, account_timeline
    from cxlib.figures.account import ACTIVITY_LANE, timeline_figure

    build(con, [("T", "A")], activities=[act("T", ago(40), activity_type="qbr"),
                                         act("T", ago(20), activity_type="ticket", initiated_by="customer"),
                                         act("T", ago(-5))])           # after the as-of date: not shown
    acts = account_activities(con, "T", AS_OF)
    assert list(acts["activity_type"]) == ["qbr", "ticket"]
    fig = timeline_figure(account_timeline(con, "T", SETTINGS, AS_OF), AS_OF, SETTINGS.stages, activities=acts)
    assert list(fig.layout.yaxis.categoryarray)[-1] == ACTIVITY_LANE
    markers = {t.name: t for t in fig.data if t.name and t.name.endswith("activity")}
    assert set(markers) == {"provider activity", "customer activity"}
    assert list(markers["provider activity"].marker.size) == [14]          # a QBR is drawn larger
    assert pd.Timestamp(markers["customer activity"].x[0]) == pd.Timestamp(ago(20))


# ---------------------------------------------------------------- the derived segment column


def test_qbr_segment_is_yes_at_exactly_100_days_and_absent_without_activities(con) -> None:
    from cxlib import dimensions
    from cxlib.centricity.qbr import SEGMENT_COLUMN, add_qbr_segment

    build(con, [("H100", "A"), ("H101", "A"), ("PLAN", "A"), ("NONE", "A")])
    assert add_qbr_segment(con, SETTINGS) is False                       # no activities: no column
    assert SEGMENT_COLUMN not in dimensions.segment_columns(con)
    build(con, [("H100", "A"), ("H101", "A"), ("PLAN", "A"), ("NONE", "A")], activities=[
        act("H100", ago(100), activity_type="qbr"), act("H101", ago(101), activity_type="qbr"),
        act("PLAN", ago(3), activity_type="qbr", done=False), act("NONE", ago(3), activity_type="call"),
    ])
    assert add_qbr_segment(con, SETTINGS) is True
    assert SEGMENT_COLUMN in dimensions.segment_columns(con)
    values = dict(con.execute(f'SELECT account_id, "{SEGMENT_COLUMN}" FROM accounts ORDER BY 1').fetchall())
    assert values == {"H100": "yes", "H101": "no", "NONE": "no", "PLAN": "no"}


# ---------------------------------------------------------------- one held-QBR definition (care and discipline)


def test_care_and_qbr_discipline_count_the_same_held_qbrs(con) -> None:
    """qbr.HELD_QBR_SQL: type qbr, dated up to as-of (inclusive), not planned (done unknown counts)."""
    from cxlib import centricity as ct

    build(con, [("AT", "A"), ("AFTER", "A"), ("PLAN", "A"), ("UNKNOWN", "A")], activities=[
        act("AT", AS_OF, activity_type="qbr"),
        act("AFTER", AS_OF + dt.timedelta(days=1), activity_type="qbr"),
        act("PLAN", ago(5), activity_type="qbr", done=False),
        act("UNKNOWN", ago(5), activity_type="qbr", done=None),
    ])
    held = table(con)
    care = ct.centricity(con, SETTINGS).accounts.set_index("account_id")["care"].to_dict()
    order = ("AT", "AFTER", "PLAN", "UNKNOWN")
    assert [bool(held[a]["qbr_held"]) for a in order] == [True, False, False, True]
    assert [bool(care[a]) for a in order] == [True, False, False, True]
