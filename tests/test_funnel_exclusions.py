"""Exclusions and optional steps on small fixtures computed by hand (cxlib and the command line).

Dates are 2024 unless said; "d3" in a comment means the entry is on 2024-01-03.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cxlib import canonical
from cxlib.errors import MetricError
from cxlib.funnel import Exclusion, FunnelSpec, cli_table, dropoff_accounts, funnel, parse_exclusion, parse_optional
from tests.test_cli import run
from tests.test_funnel import COUNTS, counts, events

A, C, D, DL = "Awareness", "Consideration", "Decision", "Delivery"
X = "Disappointment"
NAN = float("nan")


def day(d: int) -> str:
    return f"2024-01-{d:02d}"


def rows(spec: dict[str, list[tuple[str, int]]]) -> list[tuple[str, str, str]]:
    """{'e1': [(A, 1), (C, 3)]} → journey-event rows."""
    return [(acct, stage, day(d)) for acct, entries in spec.items() for stage, d in entries]


# ---------------------------------------------------------------------------------------------
# exclusions
# ---------------------------------------------------------------------------------------------

BETWEEN = {
    "e1": [(A, 1), (C, 3), (X, 4), (D, 6)],   # X strictly between t2 d3 and t3 d6: excluded
    "e2": [(A, 1), (C, 2), (D, 5), (X, 7)],   # X after t3: stays, reaches 3
    "e3": [(A, 1), (X, 2), (C, 3)],           # X between steps 1 and 2, not 2 and 3: stays, reaches 2
    "e4": [(A, 1), (C, 2), (X, 4)],           # X after t2, step 3 never reached: excluded
    "e5": [(A, 1), (C, 2), (X, 2), (D, 3)],   # X at exactly t2: not strictly between, stays
    "e6": [(A, 1), (C, 2), (X, 5), (D, 5)],   # X at exactly t3: not strictly between, stays
    "e7": [(A, 1), (X, 3)],                   # step 2 never reached: the rule cannot apply, stays
}


@pytest.mark.parametrize("force_lists", [False, True])
def test_exclusion_between_steps_after_a_and_ties(con, force_lists: bool) -> None:
    events(con, rows(BETWEEN))
    result = funnel(con, FunnelSpec(steps=[A, C, D], exclude=(Exclusion(X, 2, 3),)), _force_lists=force_lists)
    # In the funnel: e2, e3, e5, e6, e7. Step 2: all but e7 (4). Step 3: e2, e5, e6 (3).
    # e7 dropped after its Disappointment d3 (exited); e3's Disappointment d2 is before its step 2 d3
    # (in progress).
    assert_frame_equal(result.table[COUNTS], counts([
        (1, A, 5, 1.0, 1.0, 0, 0, 0),
        (2, C, 4, 0.8, 0.8, 1, 1, 0),
        (3, D, 3, 0.75, 0.6, 1, 0, 1),
    ]))
    assert result.excluded == 2
    assert result.notes == [
        "0 accounts have no step-1 entry (Awareness).",
        "Excluded 2 accounts from the funnel (step 1 included): 2 with a Disappointment entry between steps 2 "
        "and 3.",
    ]
    # Excluded accounts are out of every view of the funnel, the drop-off list included.
    assert dropoff_accounts(con, FunnelSpec(steps=[A, C, D], exclude=(Exclusion(X, 2, 3),)),
                            step=2)["account_id"].tolist() == ["e3"]


WINDOWED = {
    "w1": [(A, 1), (C, 2), (X, 6)],            # X 5 days after t1: exactly W, in -> excluded
    "w2": [(A, 1), (C, 2), (X, 7)],            # X 6 days after t1: outside W -> stays
    "w3": [(A, 1), (C, 2), (X, 8), (D, 10)],   # D outside W (not reached); X outside W -> stays
    "w4": [(A, 1), (C, 2), (D, 3)],
}


def test_exclusion_within_and_outside_the_window(con) -> None:
    events(con, rows(WINDOWED))
    rule = (Exclusion(X, 1, 3),)
    windowed = funnel(con, FunnelSpec(steps=[A, C, D], window_days=5, exclude=rule))
    assert_frame_equal(windowed.table[COUNTS], counts([
        (1, A, 3, 1.0, 1.0, 0, 0, 0),
        (2, C, 3, 1.0, 1.0, 0, 0, 0),
        (3, D, 1, 1 / 3, 1 / 3, 2, 2, 0),     # w2 and w3 exited: their Disappointment d7, d8 come after C d2
    ]))
    assert windowed.excluded == 1
    # Without a window w2's and w3's Disappointment count as well: only w4 is left.
    unwindowed = funnel(con, FunnelSpec(steps=[A, C, D], exclude=rule))
    assert_frame_equal(unwindowed.table[COUNTS], counts([
        (1, A, 1, 1.0, 1.0, 0, 0, 0),
        (2, C, 1, 1.0, 1.0, 0, 0, 0),
        (3, D, 1, 1.0, 1.0, 0, 0, 0),
    ]))
    assert unwindowed.excluded == 3


def test_repeated_exclusions_count_each_rule_and_each_account_once(con) -> None:
    events(con, rows({
        "r1": [(A, 1), (X, 2), (C, 3), (D, 4)],               # rule 1
        "r2": [(A, 1), (C, 2), ("Churn", 3), (D, 4)],         # rule 2
        "r3": [(A, 1), (X, 2), (C, 3), ("Churn", 4)],         # both rules: one account
        "r4": [(A, 1), (C, 2), (D, 3)],
    }))
    result = funnel(con, FunnelSpec(steps=[A, C, D], exclude=(Exclusion(X, 1, 2), Exclusion("Churn", 2, 3))))
    assert_frame_equal(result.table[COUNTS], counts([
        (1, A, 1, 1.0, 1.0, 0, 0, 0), (2, C, 1, 1.0, 1.0, 0, 0, 0), (3, D, 1, 1.0, 1.0, 0, 0, 0)]))
    assert result.excluded == 3
    assert result.notes[-1] == (
        "Excluded 3 accounts from the funnel (step 1 included): 2 with a Disappointment entry between steps 1 "
        "and 2; 2 with a Churn entry between steps 2 and 3 (an account can match several rules).")


def test_exclusion_in_strict_mode_reads_the_strict_sequence(con) -> None:
    # s1: Usage d2 breaks strict between A d1 and C d3, so its sequence stops at step 1 and the
    # Disappointment d4 comes after t1 with step 2 not reached: excluded by X:1-2.
    # s2: A d1, C d2, then X d3 after step 2: stays.
    events(con, rows({"s1": [(A, 1), ("Usage", 2), (C, 3), (X, 4)], "s2": [(A, 1), (C, 2), (X, 3)]}))
    result = funnel(con, FunnelSpec(steps=[A, C], mode="strict", exclude=(Exclusion(X, 1, 2),)))
    assert_frame_equal(result.table[COUNTS], counts([(1, A, 1, 1.0, 1.0, 0, 0, 0), (2, C, 1, 1.0, 1.0, 0, 0, 0)]))
    assert result.excluded == 1


@pytest.mark.parametrize(("spec", "message"), [
    (FunnelSpec(steps=[A, C, D], mode="any", exclude=(Exclusion(X, 2, 3),)),
     "Exclusions need an order of steps: with mode any there is no 'between steps a and b'. Use mode ordered or "
     "strict, or drop --exclude."),
    (FunnelSpec(steps=[A, C, D], exclude=(Exclusion(X, 3, 2),)),
     "Exclusion 'Disappointment:3-2': steps must satisfy 1 <= a < b <= 3 in this 3-step funnel."),
    (FunnelSpec(steps=[A, C, D], exclude=(Exclusion(X, 2, 4),)),
     "Exclusion 'Disappointment:2-4': steps must satisfy 1 <= a < b <= 3 in this 3-step funnel."),
    (FunnelSpec(steps=[A, C, D], exclude=(Exclusion(C, 1, 3),)),
     "Exclusion 'Consideration:1-3': Consideration is itself a step between steps 1 and 3; an exclusion must be "
     "a stage that is not one of those steps."),
    (FunnelSpec(steps=[A, C, D], exclude=(Exclusion("Teleportation", 1, 3),)),
     "Unknown stage 'Teleportation' in exclusion 'Teleportation:1-3'"),
    (FunnelSpec(steps=[A, C, D, DL], optional=(2,), exclude=(Exclusion(X, 2, 3),)),
     "Exclusion 'Disappointment:2-3': step 2 is optional, so it has no entry every account has; bound an "
     "exclusion by required steps."),
])
def test_exclusion_refusals(con, spec: FunnelSpec, message: str) -> None:
    events(con, rows(BETWEEN))
    with pytest.raises(MetricError) as err:
        funnel(con, spec)
    assert str(err.value).startswith(message)


def test_exclusion_and_optional_refused_on_a_snapshot(con) -> None:
    canonical.create_table(con, canonical.STAGE_SNAPSHOTS, [("s1", A, "2024-01-31")])
    with pytest.raises(MetricError, match="^Exclusions need dated journey events"):
        funnel(con, FunnelSpec(source="snapshot", exclude=(Exclusion(X, 1, 2),)))
    with pytest.raises(MetricError, match="^Optional steps need dated journey events"):
        funnel(con, FunnelSpec(source="snapshot", optional=(2,)))


def test_parse_exclusion_and_optional() -> None:
    assert parse_exclusion(" disappointment : 2-3") == Exclusion(X, 2, 3)
    assert parse_exclusion("Lost deal:1 - 4") == Exclusion("Lost deal", 1, 4)
    for bad in ("Disappointment", "Disappointment:2", "Disappointment:a-b", ":2-3"):
        with pytest.raises(MetricError, match="is not STAGE:A-B"):
            parse_exclusion(bad)
    assert parse_optional(["3", "4,5", "3"]) == (3, 4, 5)
    assert parse_optional("2") == (2,)
    with pytest.raises(MetricError, match="^Optional step 'x' is not a step number"):
        parse_optional(["2,x"])


# ---------------------------------------------------------------------------------------------
# optional steps
# ---------------------------------------------------------------------------------------------

OPTIONAL = {
    "o1": [(A, 1), (C, 2), (D, 3), (DL, 4)],   # takes C between A d1 and D d3
    "o2": [(A, 1), (D, 3), (DL, 5)],           # skips C: the sequence is not broken
    "o3": [(A, 1), (D, 2), (C, 4)],            # C after D: not taken
    "o4": [(A, 1), (C, 3)],                    # C after A, D never reached: taken
    "o5": [(A, 5), (C, 5)],                    # C at exactly t(A): taken
    "o6": [(A, 1), (C, 4), (D, 4)],            # C at exactly t(D): taken
    "o7": [(C, 1), (A, 2), (D, 3)],            # C before A: not taken
}
OPT_COUNTS = COUNTS + ["optional"]


def opt_counts(rows_: list[tuple]) -> pd.DataFrame:
    return counts([r[:-1] for r in rows_]).assign(optional=[r[-1] for r in rows_])


def test_optional_skipped_and_taken_conversion_from_last_required(con) -> None:
    events(con, rows(OPTIONAL))
    result = funnel(con, FunnelSpec(steps=[A, C, D, DL], optional=(2,)))
    # Required A → D → Delivery: A 7; D o1 o2 o3 o6 o7 (5); Delivery o1 o2 (2).
    # Optional C: o1, o4, o5, o6 (4), its share of step 1's 7. Decision's conversion is from A.
    assert_frame_equal(result.table[OPT_COUNTS], opt_counts([
        (1, A, 7, 1.0, 1.0, 0, 0, 0, False),
        (2, C, 4, 4 / 7, 4 / 7, 0, 0, 0, True),
        (3, D, 5, 5 / 7, 5 / 7, 2, 0, 2, False),
        (4, DL, 2, 0.4, 2 / 7, 3, 0, 3, False),
    ]))
    # Days from the previous required step: C 1, 2, 0, 3 (median 1.5, p90 2.7);
    # D from A: 2, 2, 1, 3, 1 (median 2, p90 2.6).
    assert result.table["median_days_from_previous"].tolist()[1:3] == [1.5, 2.0]
    assert result.table["p90_days_from_previous"].tolist()[1:3] == [pytest.approx(2.7), pytest.approx(2.6)]
    assert result.steps == [A, C, D, DL] and result.optional == (2,)
    assert result.notes[-1] == ("Optional step 2 (Consideration) counts the accounts that took it between step 1 "
                                "and step 3; step 3's conversion and drop-off are from step 1.")
    assert list(cli_table(result).columns)[-2:] == ["p90_days_from_previous", "optional"]
    # Required, Consideration (o1 o3 o4 o5 o6) stops o2 and o7, and o3's Decision came before it:
    # Decision o1, o6; Delivery o1.
    required = funnel(con, FunnelSpec(steps=[A, C, D, DL])).table
    assert required["accounts"].tolist() == [7, 5, 2, 1]
    assert "optional" not in required and "optional" not in cli_table(funnel(con, FunnelSpec(steps=[A, C])))


def test_optional_with_a_window(con) -> None:
    events(con, rows(OPTIONAL))
    result = funnel(con, FunnelSpec(steps=[A, C, D, DL], optional=(2,), window_days=2))
    # Within 2 days of A: D for o1 (2 d), o2 (2 d, exactly W), o3, o7; no Delivery (o1 3 d, o2 4 d).
    # C taken by o1 (1 d), o4 (2 d, exactly W), o5 (0 d); o6's C is 3 days after A: out.
    assert_frame_equal(result.table[OPT_COUNTS], opt_counts([
        (1, A, 7, 1.0, 1.0, 0, 0, 0, False),
        (2, C, 3, 3 / 7, 3 / 7, 0, 0, 0, True),
        (3, D, 4, 4 / 7, 4 / 7, 3, 0, 3, False),
        (4, DL, 0, 0.0, 0.0, 4, 0, 4, False),
    ]))


def test_optional_by_segment(con) -> None:
    events(con, rows(OPTIONAL))
    canonical.create_table(con, canonical.ACCOUNTS, [
        {"account_id": a, "tier": "Gold" if a in ("o1", "o2", "o3") else "Silver"} for a in OPTIONAL],
        [("tier", "VARCHAR")])
    table = funnel(con, FunnelSpec(steps=[A, C, D], optional=(2,), by="tier")).table
    # Gold o1 o2 o3: C o1; D all three. Silver o4..o7: C o4 o5 o6; D o6 o7.
    got = table[["segment", "step", "accounts", "conversion_from_previous", "optional"]]
    expected = pd.DataFrame({
        "segment": ["Gold"] * 3 + ["Silver"] * 3, "step": [1, 2, 3] * 2, "accounts": [3, 1, 3, 4, 3, 2],
        "conversion_from_previous": [1.0, 1 / 3, 1.0, 1.0, 0.75, 0.5], "optional": [False, True, False] * 2,
    }).astype({"segment": "str"})
    assert_frame_equal(got, expected)


@pytest.mark.parametrize(("spec", "message"), [
    (FunnelSpec(steps=[A, C, D], optional=(1,)),
     "Step 1 (Awareness) is the first step and cannot be optional: only step 2 can be."),
    (FunnelSpec(steps=[A, C, D, DL], optional=(4,)),
     "Step 4 (Delivery) is the last step and cannot be optional: steps 2 to 3 can be."),
    (FunnelSpec(steps=[A, C, D], optional=(5,)), "Optional step 5 is not a step of this 3-step funnel (steps are 1 to 3)."),
    (FunnelSpec(steps=[A, C, A, D], optional=(3,)),
     "Optional step 3 (Awareness) is listed more than once in the steps"),
    (FunnelSpec(steps=[A, C, D], optional=(2,), mode="strict"), "Optional steps need mode ordered (mode strict"),
    (FunnelSpec(steps=[A, C, D], optional=(2,), mode="any"), "Optional steps need mode ordered (mode any"),
])
def test_optional_refusals(con, spec: FunnelSpec, message: str) -> None:
    events(con, rows(OPTIONAL))
    with pytest.raises(MetricError) as err:
        funnel(con, spec)
    assert str(err.value).startswith(message)


# ---------------------------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def event_file(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(
        "Account ID,Stage,Entered At\n"
        "A1,Awareness,2026-01-01\nA1,Consideration,2026-01-11\nA1,Disappointment,2026-01-15\nA1,Decision,2026-02-10\n"
        "A2,Awareness,2026-01-05\nA2,Consideration,2026-01-20\nA2,Disappointment,2026-01-25\n"
        "A3,Awareness,2026-02-01\nA3,Churn,2026-03-01\n"
        "A4,Awareness,2026-02-03\nA4,Consideration,2026-02-04\nA4,Decision,2026-02-05\n", encoding="utf-8")
    return path


def test_cli_exclude_repeated_with_notes(event_file: Path) -> None:
    code, out, err = run("funnel", str(event_file), "--stages", "Awareness,Consideration,Decision",
                         "--exclude", "disappointment:2-3", "--exclude", "Churn:1-2")
    assert code == 0
    # A1 (Disappointment d15 between Consideration d11 and Decision Feb 10) and A2 (after Consideration,
    # Decision never reached) by rule 1; A3 (Churn after Awareness, no Consideration) by rule 2. A4 stays.
    expected = pd.DataFrame({
        "step": [1, 2, 3], "stage": ["Awareness", "Consideration", "Decision"], "accounts": [1, 1, 1],
        "conversion_from_previous": [1.0, 1.0, 1.0], "conversion_from_first": [1.0, 1.0, 1.0],
        "dropped": [0, 0, 0], "dropped_exited": [0, 0, 0], "dropped_in_progress": [0, 0, 0],
        "median_days_from_previous": [NAN, 1.0, 1.0], "p90_days_from_previous": [NAN, 1.0, 1.0],
    })
    assert_frame_equal(pd.read_csv(io.StringIO(out)), expected)
    assert ("note: Excluded 3 accounts from the funnel (step 1 included): 2 with a Disappointment entry between "
            "steps 2 and 3; 1 with a Churn entry between steps 1 and 2 (an account can match several rules).\n") in err


def test_cli_optional_adds_a_last_column(event_file: Path) -> None:
    code, out, err = run("funnel", str(event_file), "--stages", "Awareness,Consideration,Decision",
                         "--optional", "2")
    assert code == 0
    # Consideration taken by A1, A2, A4 (3 of 4); Decision from Awareness: A1, A4 (2 of 4);
    # A2 (Disappointment) and A3 (Churn) dropped, exited.
    expected = pd.DataFrame({
        "step": [1, 2, 3], "stage": ["Awareness", "Consideration", "Decision"], "accounts": [4, 3, 2],
        "conversion_from_previous": [1.0, 0.75, 0.5], "conversion_from_first": [1.0, 0.75, 0.5],
        "dropped": [0, 0, 2], "dropped_exited": [0, 0, 2], "dropped_in_progress": [0, 0, 0],
        "median_days_from_previous": [NAN, 10.0, 21.0], "p90_days_from_previous": [NAN, 14.0, 36.2],
        "optional": [False, True, False],
    })
    assert_frame_equal(pd.read_csv(io.StringIO(out)), expected)
    assert "note: Optional step 2 (Consideration) counts the accounts that took it" in err


@pytest.mark.parametrize(("extra", "message"), [
    (["--exclude", "Disappointment:2-3", "--mode", "any"], "error: Exclusions need an order of steps"),
    (["--optional", "1"], "error: Step 1 (Awareness) is the first step and cannot be optional"),
    (["--optional", "3"], "error: Step 3 (Decision) is the last step and cannot be optional"),
    (["--exclude", "Disappointment"], "error: Exclusion 'Disappointment' is not STAGE:A-B"),
])
def test_cli_refusals_exit_2_in_one_line(event_file: Path, extra: list[str], message: str) -> None:
    code, out, err = run("funnel", str(event_file), "--stages", "Awareness,Consideration,Decision", *extra)
    assert (code, out) == (2, "") and err.startswith(message) and err.count("\n") == 1


def test_cli_help_documents_exclude_and_optional() -> None:
    code, out, _ = run("funnel", "--help")
    assert code == 0
    assert '--exclude "STAGE:A-B"' in out and "--optional K" in out and "`optional`" in " ".join(out.split())
