"""Drivers: 2×2 tables, tests, intervals, quartiles and the logistic odds ratio, on tables worked out by hand."""

from __future__ import annotations

import datetime as dt
import io
import math
from contextlib import redirect_stdout
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from cxlib import canonical, cli, stats
from cxlib import drivers as dr
from cxlib.drivers import logistic, twobytwo
from cxlib.errors import MetricError
from cxlib.settings import Settings
from cxlib.workspace import Workspace
from tests.test_cli import run

D = dt.datetime


# ---------------------------------------------------------------- 2×2 tables by hand

def test_odds_ratio_and_woolf_interval_by_hand() -> None:
    # a=10, b=20, c=5, d=40: OR = 10·40 / (20·5) = 4; se = √(1/10 + 1/20 + 1/5 + 1/40) = √0.375 = 0.612372;
    # exp(ln 4 ∓ 1.959964 · 0.612372) = 1.20450, 13.28349
    ratio, low, high, corrected = twobytwo.odds_ratio(10, 20, 5, 40)
    assert ratio == pytest.approx(4.0)
    assert (low, high) == pytest.approx((1.20450, 13.28349), abs=1e-5)
    assert not corrected


def test_a_zero_cell_adds_half_to_every_cell() -> None:
    # 0, 10, 5, 5 → 0.5, 10.5, 5.5, 5.5: OR = 0.5·5.5 / (10.5·5.5) = 1/21 = 0.047619;
    # se = √(2 + 1/10.5 + 2/5.5) = 1.568080; interval 0.0022031 – 1.0292780
    ratio, low, high, corrected = twobytwo.odds_ratio(0, 10, 5, 5)
    assert corrected
    assert ratio == pytest.approx(1 / 21)
    assert (low, high) == pytest.approx((0.0022031, 1.0292780), abs=1e-6)
    assert twobytwo.analyse(0, 10, 5, 5).corrected


def _fisher_by_hand(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher: the hypergeometric probabilities no larger than the observed table's, summed."""
    row, col, n = a + b, a + c, a + b + c + d

    def prob(x: int) -> float:
        return math.comb(col, x) * math.comb(n - col, row - x) / math.comb(n, row)

    observed = prob(a)
    return sum(prob(x) for x in range(max(0, row + col - n), min(row, col) + 1) if prob(x) <= observed * (1 + 1e-7))


def test_fisher_when_an_expected_cell_is_below_5_z_test_at_exactly_5() -> None:
    # Rows 50/50, columns 10/90 of 100: smallest expected cell 50·10/100 = 5.0 → not below 5: z-test.
    assert twobytwo.min_expected(8, 42, 2, 48) == pytest.approx(5.0)
    p, test = twobytwo.p_value_2x2(8, 42, 2, 48)
    assert test == twobytwo.Z_TEST
    # pooled 10/100; se = √(0.1·0.9·(1/50 + 1/50)) = 0.06; z = (0.16 − 0.04)/0.06 = 2 → p = 0.0455003
    assert p == pytest.approx(0.0455003, abs=1e-7)
    # One account moves rows: 49/51 × 10/90: 49·10/100 = 4.9 → Fisher's exact test.
    assert twobytwo.min_expected(8, 41, 2, 49) == pytest.approx(4.9)
    p, test = twobytwo.p_value_2x2(8, 41, 2, 49)
    assert test == twobytwo.FISHER
    assert p == pytest.approx(_fisher_by_hand(8, 41, 2, 49), rel=1e-9)


def test_z_test_p_by_hand() -> None:
    # 7/10 vs 3/10: pooled 0.5, se = √(0.25·0.2) = 0.223607, z = 1.788854, p = 0.0736383; expected 5 → z
    row = twobytwo.analyse(7, 3, 3, 7)
    assert row.test == twobytwo.Z_TEST
    assert row.p_value == pytest.approx(0.0736383, abs=1e-7)
    assert row.odds_ratio == pytest.approx(49 / 9)


def test_an_empty_rest_is_not_tested() -> None:
    row = twobytwo.analyse(3, 4, 0, 0)
    assert row.test is None and math.isnan(row.p_value) and math.isnan(row.odds_ratio)


def test_benjamini_hochberg_literal() -> None:
    # sorted 0.01, 0.03, 0.04, 0.20 (m = 4): 0.04, 0.06, 0.0533, 0.20 → running minimum from the top
    adjusted = stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.20, np.nan])
    assert adjusted[:4] == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])
    assert math.isnan(adjusted[4])


# ---------------------------------------------------------------- logistic odds ratio per SD

def test_logistic_odds_ratio_per_sd_matches_statsmodels() -> None:
    import statsmodels.api as sm

    x = np.array([1, 2, 3, 4, 5, 6, 7, 8], dtype=float)
    y = np.array([0, 0, 1, 0, 1, 0, 1, 1], dtype=float)
    fit = logistic.per_sd(x, y)
    assert fit.fitted
    raw = sm.Logit(y, sm.add_constant(x)).fit(disp=0)     # on the raw scale: per SD = slope × sd
    sd = np.std(x, ddof=1)
    assert fit.sd == pytest.approx(sd)
    assert fit.odds_ratio == pytest.approx(math.exp(raw.params[1] * sd), rel=1e-6)
    low, high = np.asarray(raw.conf_int())[1]
    assert (fit.ci_low, fit.ci_high) == pytest.approx((math.exp(low * sd), math.exp(high * sd)), rel=1e-6)
    assert fit.p_value == pytest.approx(raw.pvalues[1], rel=1e-6)


@pytest.mark.parametrize(("x", "y", "says"), [
    ([1, 2, 3, 4, 5, 6], [0, 0, 0, 1, 1, 1], "perfect separation"),
    ([2, 2, 2, 2], [0, 1, 0, 1], "same value"),
    ([1, 2, 3, 4], [1, 1, 1, 1], "same outcome"),
])
def test_logistic_refusals_are_notes(x: list[float], y: list[float], says: str) -> None:
    fit = logistic.per_sd(x, y)
    assert not fit.fitted and says in (fit.note or "") and math.isnan(fit.odds_ratio)


# ---------------------------------------------------------------- churned: flags and journeys

EVENTS = [
    ("A", "Decision", D(2024, 1, 1)), ("A", "Churn", D(2024, 5, 1)),                  # churned
    ("B", "Decision", D(2024, 2, 1)),                                                  # customer, open
    ("C", "Consideration", D(2024, 1, 1)), ("C", "Lost deal", D(2024, 2, 1)),          # never a customer
    ("D", "Decision", D(2024, 1, 1)), ("D", "Churn", D(2024, 3, 1)), ("D", "Decision", D(2024, 6, 1)),  # returned
    ("E", "Decision", D(2024, 1, 1)), ("E", "Churn", D(2024, 6, 30)),                 # churned on the as-of day
    ("H", "Decision", D(2024, 1, 1)),                                                  # flag says no, events open
]


@pytest.fixture
def journey(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    rows = [  # account_id, name, …, churned (added column last), tier
        ("A", "Alpha", None, 100.0, None, None, None, None, "acc.csv", 1, "Gold", None),
        ("B", "Beta", None, 200.0, None, None, None, None, "acc.csv", 2, "Gold", None),
        ("C", "Gamma", None, None, None, None, None, None, "acc.csv", 3, "Silver", None),
        ("D", "Delta", None, 50.0, None, None, None, None, "acc.csv", 4, "Silver", None),
        ("E", "Epsilon", None, 70.0, None, None, None, None, "acc.csv", 5, "Silver", None),
        ("G", "Gee", None, 10.0, None, None, None, None, "acc.csv", 6, "Gold", True),      # flag only: churned
        ("H", "Aitch", None, 10.0, None, None, None, None, "acc.csv", 7, "", True),        # flag yes wins
    ]
    canonical.create_table(con, canonical.ACCOUNTS, rows, extra_columns=[("tier", "VARCHAR")])
    canonical.create_table(con, canonical.JOURNEY_EVENTS,
                           [(a, s, t, "event", "events.csv", i) for i, (a, s, t) in enumerate(EVENTS)])
    return con


def test_churned_population_and_rates(journey: duckdb.DuckDBPyConnection) -> None:
    # Population: A, B, D, E (customers) + G (flag) + H (flag and customer) = 6; churned A, E, G, H = 4.
    # C never signed: not in it. D returned after churning: not churned at the as-of date (30 Jun 2024).
    table = dr.drivers(journey, dr.Outcome("churned"), Settings())
    assert (table.attrs["population"], table.attrs["events"]) == (6, 4)
    rows = table.set_index("value")
    # Gold: A(1) B(0) G(1) → 2 of 3; rest D(0) E(1) H(1) → 2 of 3; OR = 2·1/(1·2) = 1;
    # smallest expected cell 3·2/6 = 1 → Fisher
    assert rows.loc["Gold", ["n", "events", "rest_n"]].tolist() == [3, 2, 3]
    assert rows.loc["Gold", "odds_ratio"] == pytest.approx(1.0)
    assert rows.loc["Gold", "test"] == "fisher" and rows.loc["Gold", "p_value"] == pytest.approx(1.0)
    # Silver: D(0) E(1) → 1 of 2, rest 3 of 4: OR = 1·1/(1·3) = 1/3, Woolf 0.0093069–11.938590
    assert rows.loc["Silver", "rate"] == pytest.approx(0.5) and rows.loc["Silver", "rest_rate"] == pytest.approx(0.75)
    assert rows.loc["Silver", ["odds_ratio", "ci_low", "ci_high"]].tolist() == pytest.approx(
        [1 / 3, 0.0093069, 11.938590], abs=1e-6)
    # (none): H alone, churned: a zero cell (b = 0) → 1.5·2.5/(0.5·3.5) = 2.142857
    assert rows.loc["(none)", "odds_ratio"] == pytest.approx(1.5 * 2.5 / (0.5 * 3.5))
    assert "0.5 added" in rows.loc["(none)", "note"]
    # n = 3, 2, 1 < 30: never tested, never significant, no adjusted p
    assert not table["significant"].any() and table["p_adjusted"].isna().all() and table["low_n"].all()


def test_churn_after_the_as_of_date_is_not_known_yet(journey: duckdb.DuckDBPyConnection) -> None:
    table = dr.drivers(journey, dr.Outcome("churned"), Settings(as_of=D(2024, 6, 29)))
    assert (table.attrs["population"], table.attrs["events"]) == (6, 3)      # E churns on 30 Jun


def test_every_row_count_equals_its_accounts(journey: duckdb.DuckDBPyConnection) -> None:
    outcome = dr.Outcome("churned")
    table = dr.drivers(journey, outcome, Settings())
    for row in table.itertuples(index=False):
        value = row.quartile if row.kind == dr.QUARTILE else row.value
        accounts = dr.driver_accounts(journey, outcome, row.kind, row.column, value, Settings())
        assert len(accounts) == row.n, (row.driver, row.value)
    gold = dr.driver_accounts(journey, outcome, dr.SEGMENT, "tier", "Gold", Settings())
    assert gold[["account_id", "value", "outcome"]].to_dict("list") == {
        "account_id": ["A", "B", "G"], "value": ["Gold"] * 3, "outcome": [True, False, True]}
    assert list(gold.columns)[:2] == ["account_id", "name"] and list(gold.columns)[-3:] == ["arr", "value", "outcome"]


# ---------------------------------------------------------------- quartiles and measures

@pytest.fixture
def measured(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    # Nine accounts, seats 1..9, churn flags only (no dates). Churned: seats 1, 2, 3, 4 and 9.
    # `split` separates the outcome exactly (churned ⇔ split < 100): perfect separation.
    churned = {1, 2, 3, 4, 9}
    rows = [(f"S{i}", f"Seat {i}", None, None, None, None, None, None, "acc.csv", i, "x", float(i),
             float(i) if i in churned else 100.0 + i, i in churned)
            for i in range(1, 10)]
    canonical.create_table(con, canonical.ACCOUNTS, rows,
                           extra_columns=[("plan", "VARCHAR"), ("seats", "DOUBLE"), ("split", "DOUBLE")])
    return con


def test_quartile_cuts_a_value_on_a_cut_goes_to_the_lower_quartile(measured: duckdb.DuckDBPyConnection) -> None:
    # quantile_cont of 1..9 at .25/.5/.75 = 3, 5, 7 exactly: 3, 5 and 7 sit on cuts and go down.
    # Q1 {1,2,3}: 3 of 3 churned; Q2 {4,5}: 1 of 2; Q3 {6,7}: 0 of 2; Q4 {8,9}: 1 of 2.
    table = dr.drivers(measured, dr.Outcome("churned"), Settings())
    seats = table[(table["column"] == "seats") & (table["kind"] == dr.QUARTILE)]
    assert seats["value"].tolist() == ["Q1 (≤ 3)", "Q2 (3 < x ≤ 5)", "Q3 (5 < x ≤ 7)", "Q4 (> 7)"]
    assert seats["n"].tolist() == [3, 2, 2, 2]
    assert seats["rate"].tolist() == pytest.approx([1.0, 0.5, 0.0, 0.5])
    # rest = the measure's other quartiles: Q1's rest is 2 of 6
    assert seats["rest_rate"].tolist() == pytest.approx([2 / 6, 4 / 7, 5 / 7, 4 / 7])
    assert seats["test"].isna().all() and seats["p_value"].isna().all()     # described, not tested
    q1 = dr.driver_accounts(measured, dr.Outcome("churned"), dr.QUARTILE, "seats", 1, Settings())
    assert q1["account_id"].tolist() == ["S1", "S2", "S3"] and q1["value"].tolist() == [1.0, 2.0, 3.0]


def test_measures_are_not_segment_values_and_separation_is_a_note(measured: duckdb.DuckDBPyConnection) -> None:
    table = dr.drivers(measured, dr.Outcome("churned"), Settings())
    assert set(table.loc[table["kind"] == dr.SEGMENT, "column"]) == {"plan"}
    per_sd = table[table["kind"] == dr.PER_SD].set_index("column")
    assert per_sd.loc["seats", "test"] == "logistic"
    assert per_sd.loc["split", "test"] is None and "perfect separation" in per_sd.loc["split", "note"]
    assert math.isnan(per_sd.loc["split", "odds_ratio"]) and not per_sd.loc["split", "significant"]


def test_nothing_known_says_which_column_and_counts(con: duckdb.DuckDBPyConnection) -> None:
    canonical.create_table(con, canonical.ACCOUNTS, [("A", "Alpha", None, None, None, None, None, None, "a.csv", 1,
                                                       "Gold")], extra_columns=[("tier", "VARCHAR")])
    with pytest.raises(MetricError, match=r"1 accounts known; 0 can be counted .* 0 have a churn flag"):
        dr.drivers(con, dr.Outcome("churned"), Settings())


# ---------------------------------------------------------------- converted:STAGE

FUNNEL = {"P1": ["Awareness", "Consideration", "Decision", "Delivery"],
          "P2": ["Awareness", "Consideration", "Decision", "Delivery"],
          "P3": ["Awareness", "Consideration", "Decision"],
          "P4": ["Awareness", "Consideration", "Decision", "Delivery"],
          "P5": ["Awareness", "Consideration"]}


@pytest.fixture
def funnel(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    events = [(a, s, D(2024, 1, 1 + k), "event", "e.csv", 10 * i + k)
              for i, (a, stages) in enumerate(FUNNEL.items()) for k, s in enumerate(stages)]
    canonical.create_table(con, canonical.JOURNEY_EVENTS, events)
    canonical.create_table(con, canonical.ACCOUNTS, [
        (a, a, None, None, None, None, None, None, "a.csv", i, "Gold" if a in ("P1", "P3") else "Silver")
        for i, a in enumerate(FUNNEL)], extra_columns=[("tier", "VARCHAR")])
    return con


def test_converted_is_the_funnel_step_from_the_one_before(funnel: duckdb.DuckDBPyConnection) -> None:
    # Reached Decision: P1–P4 (4); reached Delivery: P1, P2, P4 (3). P5 stopped at Consideration: not in it.
    table = dr.drivers(funnel, dr.parse_outcome("converted:delivery"), Settings())
    assert table.attrs["outcome"] == "converted:Delivery"
    assert (table.attrs["population"], table.attrs["events"]) == (4, 3)
    gold = table.set_index("value").loc["Gold"]     # P1 (yes), P3 (no)
    assert (gold["n"], gold["events"], gold["rest_n"]) == (2, 1, 2)
    # The synonym "Onboarding" means Delivery.
    assert dr.drivers(funnel, dr.parse_outcome("converted:Onboarding"), Settings()).attrs["population"] == 4


@pytest.mark.parametrize(("text", "message"), [
    ("converted:Awareness", "first step"),
    ("converted:Nowhere", "not a step of the funnel"),
    ("converted", "needs a stage"),
    ("left", "Unknown outcome"),
])
def test_outcome_refusals(funnel: duckdb.DuckDBPyConnection, text: str, message: str) -> None:
    with pytest.raises(MetricError, match=message):
        dr.drivers(funnel, dr.parse_outcome(text), Settings())


# ---------------------------------------------------------------- a Telco-shaped file through the CLI

CONTRACTS = ("Month-to-month", "One year", "Two year")


def _telco_like(path: Path) -> Path:
    """40 accounts per contract; contract c churns 1 in (2 + 3c): 20, 8 and 5 of 40."""
    lines = ["customerID,gender,tenure,Contract,MonthlyCharges,Churn"]
    for c, contract in enumerate(CONTRACTS):
        for i in range(40):
            churn = "Yes" if i % (2 + 3 * c) == 0 else "No"
            lines.append(f"{c}{i:03d}-CUST,{'Female' if i % 2 else 'Male'},{1 + i + 24 * c},{contract},"
                         f"{20.0 + i:.2f},{churn}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_drivers_on_a_telco_shaped_file(tmp_path: Path) -> None:
    path = _telco_like(tmp_path / "telco_like.csv")
    code, out, err = run("drivers", str(path), "--outcome", "churned")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == dr.CLI_COLUMNS == [
        "driver", "value", "n", "rate", "rest_rate", "odds_ratio", "ci_low", "ci_high", "p_value", "p_adjusted",
        "significant", "test"]
    assert "note: 120 " in err and "33 churned" in err
    mtm = table[(table["driver"] == "Contract") & (table["value"] == "Month-to-month")].iloc[0]
    # 20 of 40 vs 13 of 80: OR = 20·67/(20·13) = 5.153846; se = √(1/20 + 1/20 + 1/13 + 1/67) = 0.438005;
    # Woolf 2.184242–12.160797; smallest expected cell 40·33/120 = 11 → z-test
    assert (mtm["n"], mtm["rate"], mtm["rest_rate"]) == (40, 0.5, pytest.approx(13 / 80))
    assert [mtm["odds_ratio"], mtm["ci_low"], mtm["ci_high"]] == pytest.approx([5.153846, 2.184242, 12.160797],
                                                                               abs=1e-6)
    assert mtm["test"] == "z" and bool(mtm["significant"])
    # Segment values never include the measures nor the churn flag's own text column.
    assert set(table.loc[~table["value"].str.startswith(("Q", "per SD")), "driver"]) == {"gender", "Contract"}
    assert set(table.loc[table["value"] == "per SD", "driver"]) == {"tenure", "MonthlyCharges"}


def test_cli_drivers_help_and_errors(tmp_path: Path) -> None:
    out = io.StringIO()
    with redirect_stdout(out), pytest.raises(SystemExit):
        cli.main(["drivers", "--help"])
    assert ("driver, value, n, rate, rest_rate, odds_ratio, ci_low, ci_high, p_value, p_adjusted, significant, "
            "test") in " ".join(out.getvalue().split())
    path = _telco_like(tmp_path / "telco_like.csv")
    code, _, err = run("drivers", str(path), "--outcome", "converted:Usage")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1


# ---------------------------------------------------------------- the sample company

def test_sample_rows_count_their_accounts_and_successful_uses_the_quadrants(sample: Workspace) -> None:
    from cxlib import outcomes

    ws = sample
    table = dr.drivers(ws.con, dr.Outcome("successful"), ws.settings, mapping=ws.mapping,
                       score_config=ws.score_config)
    summary = outcomes.quadrant_summary(ws.con, outcomes.OutcomeSpec(), ws.score_config, settings=ws.settings)
    placed = summary[summary["quadrant"] != outcomes.UNKNOWN]
    assert table.attrs["population"] == int(placed["accounts"].sum())
    assert table.attrs["events"] == int(placed.loc[placed["quadrant"] == outcomes.SUCCESSFUL, "accounts"].iloc[0])
    tested = table[table["tested"]]
    assert tested["p_adjusted"].to_numpy() == pytest.approx(stats.benjamini_hochberg(tested["p_value"]))
    for _, row in table[table["kind"] != dr.SEGMENT].head(3).iterrows():
        value = row["quartile"] if row["kind"] == dr.QUARTILE else None
        accounts = dr.driver_accounts(ws.con, dr.Outcome("successful"), row["kind"], row["column"], value,
                                      ws.settings, mapping=ws.mapping, score_config=ws.score_config)
        assert len(accounts) == row["n"]


@pytest.mark.parametrize(("outcome", "population", "events"), [
    (dr.Outcome("churned"), 834, 167), (dr.Outcome("converted", "Delivery"), 834, 713),
    (dr.Outcome("successful"), 625, 365)])
def test_sample_headline_counts_equal_their_lists(sample: Workspace, outcome: dr.Outcome, population: int,
                                                  events: int) -> None:
    ws = sample
    table = dr.drivers(ws.con, outcome, ws.settings, mapping=ws.mapping, score_config=ws.score_config)
    assert (table.attrs["population"], table.attrs["events"]) == (population, events)
    known = dr.outcome_accounts(ws.con, outcome, "population", ws.settings, score_config=ws.score_config)
    happened = dr.outcome_accounts(ws.con, outcome, "outcome", ws.settings, score_config=ws.score_config)
    assert (len(known), len(happened)) == (population, events)
    assert int(known["value"].sum()) == events and bool(happened["value"].all())
    assert set(happened["account_id"]) <= set(known["account_id"])
    assert {"account_id", "name", "tier", "arr", "value"} <= set(known.columns)


def test_headline_lists_refuse_an_unknown_count(sample: Workspace) -> None:
    with pytest.raises(MetricError, match="population or outcome"):
        dr.outcome_accounts(sample.con, dr.Outcome("churned"), "events")    # type: ignore[arg-type]


def test_segment_pack_summary_carries_the_top_churn_drivers(tmp_path: Path) -> None:
    from cxlib import meeting

    ws = Workspace()
    ws.load([_telco_like(tmp_path / "telco_like.csv")])
    ws.apply(ws.suggest_mapping())
    try:
        content = meeting.segment_pack(ws.con, "contract", "One year", ws.score_config, ws.settings,
                                       mapping=ws.mapping)
    finally:
        ws.close()
    table = content.slides[-1].table
    assert table is not None and len(table) <= meeting.TOP_DRIVERS
    rows = dict(zip(table["Churn driver"], table["Odds ratio (95%)"], strict=True))
    assert rows["Contract = Month-to-month"] == "5.15 (2.18–12.16)"      # 20 of 40 vs 13 of 80, as above
    assert not any(label.startswith("churn") for label in rows)           # the flag's own column is no driver
