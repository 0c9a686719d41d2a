"""The funnel table: per (segment,) step counts, conversions, drop-offs, time quantiles and the Kaplan–Meier median.

One query per funnel: the mode's `journeys`, each account's segment and weight, then one row per
account and step it was at risk of, aggregated per step. The notes say who is not in the table
and why (no step-1 entry, step 1 only outside the date range, missing from the accounts table).
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd

from cxlib.dimensions import NONE_SEGMENT
from cxlib.funnel.breakdown import segment_ctes
from cxlib.funnel.exclusions import exclusion_note
from cxlib.funnel.journeys import all_params, journeys_ctes
from cxlib.funnel.optional import optional_counts, optional_note, with_optional_rows
from cxlib.funnel.params import DAY_US, run, with_clause
from cxlib.funnel.sequences import Ctes
from cxlib.funnel.spec import CLI_COLUMNS, FunnelResult, FunnelSpec, Plan, accounts_text, have, make_plan
from cxlib.settings import Settings


def _step_rows_cte(plan: Plan) -> tuple[str, str]:
    """One row per account and step k >= 2 it was at risk of (it reached k-1): converted, or censored
    at its last exit (exited) or at the as-of date (in progress). Step 1 is counted from `weighted`.

    One pass over `weighted`: each account unnests its steps 2..min(reached + 1, n), reading the
    step times from one list, rather than one scan of `weighted` per step.
    """
    n = plan.n
    times = ", ".join(f"epoch_us(t_{i})" for i in range(1, n + 1))
    return ("step_rows", f"""
        SELECT segment, w, exited, step, step <= reached AS converted,
               CASE WHEN step <= reached THEN times[step] - times[step - 1]
                    WHEN exited THEN greatest(epoch_us(last_exit) - times[step - 1], 0)
                    ELSE greatest(epoch_us(CAST($as_of AS TIMESTAMP)) - times[step - 1], 0)
               END AS dur_us
        FROM (SELECT segment, w, exited, reached, last_exit, [{times}] AS times,
                     unnest(range(2, least(reached + 1, {n}) + 1)) AS step
              FROM weighted)""")


def _kaplan_meier_ctes() -> Ctes:
    """The first time the Kaplan–Meier survival estimate falls to 0.5 or below, per (segment, step).

    Without a running product over every row: in rows sorted by time, the survival after event
    row i is (N - i) / N times the product, over censored rows p < i, of (N - p + 1) / (N - p).
    Between two censored rows that product ("lift") is constant, so the first row where
    survival <= 0.5 is i >= N - 0.5 * N * exp(-lift).
    """
    return [
        ("km_marks", """
            SELECT segment, step, len(km_sorted) AS total, 0 AS p FROM per_step WHERE step > 1
            UNION ALL
            SELECT segment, step, len(km_sorted) AS total,
                   unnest(list_filter(list_transform(km_sorted, lambda x, i: CASE WHEN x & 1 = 1 THEN i END),
                                      lambda i: i IS NOT NULL)) AS p
            FROM per_step WHERE step > 1"""),
        ("km_segments", """
            SELECT segment, step, total, p,
                   sum(CASE WHEN p > 0 AND p < total THEN ln((total - p + 1.0) / (total - p)) ELSE 0 END)
                       OVER w AS lift,
                   lead(p) OVER w AS next_p
            FROM km_marks
            WINDOW w AS (PARTITION BY segment, step ORDER BY p ROWS UNBOUNDED PRECEDING)"""),
        ("km_first", """
            SELECT segment, step, min(i) AS i
            FROM (SELECT segment, step, total, next_p,
                         greatest(p + 1, CAST(ceil(total - 0.5 * total * exp(-lift) - 1e-9 * total) AS BIGINT)) AS i
                  FROM km_segments)
            WHERE total > 0 AND i < coalesce(next_p, total + 1)
            GROUP BY segment, step"""),
    ]


def table_sql(plan: Plan, ctes: Ctes) -> str:
    """One query: per (segment, step) counts, weights, drop-offs, time quantiles and the KM median."""
    n = plan.n
    return with_clause(ctes + segment_ctes(plan) + [
        # Step 1: every account in the funnel (and who is missing from the accounts table or its ARR).
        ("step1", """
            SELECT segment, count(*) AS n, coalesce(sum(w), 0) AS w,
                   count(*) FILTER (WHERE NOT in_accounts) AS missing_accounts,
                   count(*) FILTER (WHERE null_arr) AS null_arr
            FROM weighted GROUP BY segment"""),
        _step_rows_cte(plan),
        # Durations packed as dur_us * 2 + censored: sorting puts events before censorings at
        # the same time, as Kaplan-Meier requires.
        ("per_step", f"""
            SELECT segment, step,
                   count(*) FILTER (WHERE converted) AS n,
                   coalesce(sum(w) FILTER (WHERE converted), 0) AS w,
                   coalesce(sum(w) FILTER (WHERE NOT converted AND exited), 0) AS wx,
                   count(*) FILTER (WHERE NOT converted) AS censored,
                   quantile_cont(dur_us / {DAY_US}.0, [0.5, 0.9]) FILTER (WHERE converted) AS q,
                   list_sort(list(dur_us * 2 + CAST(NOT converted AS BIGINT)) FILTER (WHERE dur_us IS NOT NULL))
                       AS km_sorted
            FROM step_rows GROUP BY segment, step"""),
        *_kaplan_meier_ctes(),
        ("grid", f"""
            SELECT segment, unnest(range(1, {n + 1})) AS step, n AS n_1, w AS w_1, missing_accounts, null_arr
            FROM step1"""),
        ("result", f"""
            SELECT g.segment, g.step,
                   CASE WHEN g.step = 1 THEN g.n_1 ELSE coalesce(s.n, 0) END AS n,
                   CASE WHEN g.step = 1 THEN g.w_1 ELSE coalesce(s.w, 0) END AS w,
                   coalesce(s.wx, 0) AS wx, s.q[1] AS median, s.q[2] AS p90,
                   CASE WHEN g.step > 1 THEN coalesce(s.censored, 0) END AS censored,
                   (s.km_sorted[k.i] >> 1) / {DAY_US}.0 AS km_median,
                   g.missing_accounts, g.null_arr
            FROM grid g
            LEFT JOIN per_step s ON s.segment = g.segment AND s.step = g.step
            LEFT JOIN km_first k ON k.segment = g.segment AND k.step = g.step"""),
    ]) + f"""
        SELECT r.*, c.* FROM coverage c LEFT JOIN result r ON true
        ORDER BY r.segment = '{NONE_SEGMENT}', r.segment, r.step"""


def shape_table(plan: Plan, raw: pd.DataFrame) -> pd.DataFrame:
    """From the SQL's long rows to the documented columns (vectorised per segment, no row loops)."""
    spec = plan.spec
    snapshot = spec.source == "snapshot"
    raw = raw.reset_index(drop=True)
    weight = raw["w"].astype("float64") if spec.weight == "arr" else raw["n"].astype("int64")
    grp = raw.groupby("segment", sort=False)
    prev = grp["w"].shift(1)
    first = grp["w"].transform("first")
    w = raw["w"].astype("float64")
    conv_prev = (w / prev).where(prev > 0)
    conv_prev = conv_prev.mask(raw["step"] == 1, 1.0).where(~((raw["step"] == 1) & (w == 0)), float("nan"))
    conv_first = (w / first).where(first > 0)
    dropped = (prev - w).fillna(0.0)
    wx = raw["wx"].astype("float64")
    counts = spec.weight != "arr"
    table = pd.DataFrame({
        "segment": raw["segment"].astype("str"),
        "step": raw["step"].astype("int64"),
        "stage": pd.Series([plan.steps[s - 1] for s in raw["step"]], dtype="str"),
        "accounts": weight,
        "conversion_from_previous": conv_prev.astype("float64"),
        "conversion_from_first": conv_first.astype("float64"),
        "dropped": dropped.astype("int64") if counts else dropped,
        "dropped_exited": wx.astype("int64") if counts else wx,
        "dropped_in_progress": (dropped - wx).astype("int64") if counts else dropped - wx,
        "median_days_from_previous": pd.to_numeric(raw["median"], errors="coerce").astype("float64"),
        "p90_days_from_previous": pd.to_numeric(raw["p90"], errors="coerce").astype("float64"),
        "km_median_days_from_previous": pd.to_numeric(raw["km_median"], errors="coerce").astype("float64"),
        "converted_n": raw["n"].where(raw["step"] > 1).astype("Int64"),
        "censored_n": pd.to_numeric(raw["censored"], errors="coerce").where(raw["step"] > 1).astype("Int64"),
        "n": raw["n"].astype("int64"),
        "low_n": raw["n"] < plan.settings.min_n,
    })
    if snapshot:
        for col in ("median_days_from_previous", "p90_days_from_previous", "km_median_days_from_previous"):
            table[col] = float("nan")
        table["converted_n"] = pd.array([pd.NA] * len(table), dtype="Int64")
        table["censored_n"] = pd.array([pd.NA] * len(table), dtype="Int64")
    if spec.by is None:
        table = table.drop(columns="segment")
    return table.reset_index(drop=True)


def _empty_raw(plan: Plan) -> pd.DataFrame:
    """No account reached step 1: one all-zero row per step (so the table still shows the steps)."""
    n = plan.n
    return pd.DataFrame({
        "segment": [""] * n, "step": list(range(1, n + 1)), "n": [0] * n, "w": [0.0] * n,
        "wx": [0.0] * n, "median": [float("nan")] * n, "p90": [float("nan")] * n,
        "censored": [None if k == 1 else 0 for k in range(1, n + 1)],
        "km_median": [float("nan")] * n, "missing_accounts": [0] * n, "null_arr": [0] * n,
    })


def _coverage_notes(plan: Plan, cov: pd.Series) -> tuple[list[str], int, int]:
    """Notes on accounts outside the table (no step-1 entry, out of range, snapshot exits); counts."""
    notes: list[str] = []
    no_step1 = int(cov["no_step1"])
    step1 = plan.steps[0]
    snapshot = plan.spec.source == "snapshot"
    if snapshot:
        notes.append(f"{accounts_text(no_step1)} {have(no_step1)} no step-1 entry (their current stage is before {step1}).")
    else:
        notes.append(f"{accounts_text(no_step1)} {have(no_step1)} no step-1 entry ({step1}).")
    if int(cov["out_of_range"]):
        out = int(cov["out_of_range"])
        notes.append(f"{accounts_text(out)} {have(out)} {step1} entries only outside the date range.")
    exited_unknown = int(cov["exited_unknown"]) if "exited_unknown" in cov else 0
    if snapshot:
        if exited_unknown:
            notes.append(f"Exited (last stage unknown): {accounts_text(exited_unknown)} on an exit stage "
                         "with no last funnel stage.")
        if int(cov["outside"]):
            notes.append(f"Outside the funnel: {accounts_text(int(cov['outside']))} at a stage that is neither "
                         "a funnel stage nor an exit.")
    return notes, no_step1, exited_unknown


def funnel(con: duckdb.DuckDBPyConnection, spec: FunnelSpec | None = None,
           settings: Settings | None = None, *, _force_lists: bool = False) -> FunnelResult:
    """The funnel: accounts, conversions, drop-offs (exited / in progress) and times per step."""
    spec = spec or FunnelSpec()
    plan = make_plan(con, spec, settings)
    spec = plan.spec  # the breakdown column as the accounts view spells it
    # Account ids are read only to join segments or weights, or by exclusions and optional steps.
    plan = replace(plan, ids=spec.by is not None or spec.weight == "arr" or bool(plan.exclude or plan.optional))
    raw = run(con, table_sql(plan, journeys_ctes(plan, force_lists=_force_lists)), all_params(plan))
    cov = raw.iloc[0]
    raw = raw[raw["step"].notna()]
    coverage_notes, no_step1, exited_unknown = _coverage_notes(plan, cov)
    notes = list(plan.notes) + coverage_notes
    excluded = int(cov["excluded"]) if plan.exclude else 0
    if (note := exclusion_note(plan, cov)) is not None:
        notes.append(note)
    if raw.empty and spec.by is None:
        raw = _empty_raw(plan)
    per_segment = raw[raw["step"] == 1]
    missing, null_arr = int(per_segment["missing_accounts"].sum()), int(per_segment["null_arr"].sum())
    if spec.weight == "arr":
        if missing:
            notes.append(f"ARR weight 0 for {accounts_text(missing)} missing from the accounts table.")
        if null_arr:
            notes.append(f"ARR weight 0 for {accounts_text(null_arr)} without ARR.")
    if spec.by is not None and missing and not plan.by_event_column:
        notes.append(f"Shown under {NONE_SEGMENT}: {accounts_text(missing)} missing from the accounts table.")
    if plan.by_event_column:
        blank = int(per_segment.loc[per_segment["segment"] == NONE_SEGMENT, "n"].sum())
        if blank:
            notes.append(f"Shown under {NONE_SEGMENT}: {accounts_text(blank)} without a {spec.by} value on "
                         "their step-1 entry.")
    table = shape_table(plan, raw)
    if plan.optional:
        table = with_optional_rows(plan, table, optional_counts(con, plan))
        notes.append(optional_note(plan))
    return FunnelResult(table=table, notes=notes, steps=list(plan.shown_steps), no_step1_accounts=no_step1,
                        as_of=plan.as_of, exited_unknown=exited_unknown, weight=spec.weight, by=spec.by,
                        excluded=excluded, optional=plan.optional)


def cli_table(result: FunnelResult) -> pd.DataFrame:
    """The command line's columns, in the documented order (`segment` only with a breakdown, `optional`
    last and only with optional steps)."""
    cols = [c for c in CLI_COLUMNS if c != "segment" or result.by is not None]
    cols += ["optional"] if result.optional else []
    return result.table[cols].reset_index(drop=True)
