"""A segment's meeting-pack slide "Desired outcome over time": its quadrant shares per fiscal quarter and the
cost of the wrong experience (churn within the next two quarters by quadrant, Wilson 95% intervals).

The numbers are `outcome_history`'s for the segment (`quarterly_summary` by the segment's column, that
value's rows; `churn_after` for that segment), with the Outcomes & voice page's figure. Without a
placed account the slide says why, naming the column and the counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from cxlib import canonical, dimensions
from cxlib import outcome_history as oh
from cxlib.errors import MetricError
from cxlib.figures.outcomes import quadrant_shares
from cxlib.meeting.common import percent, plural
from cxlib.outcomes import SUCCESSFUL, UNKNOWN, OutcomeSpec, resolve
from cxlib.pack import PackSlide
from cxlib.scores import ScoreConfig
from cxlib.settings import Settings

OUTCOME_TITLE = "Desired outcome over time"
CHURN_COLUMNS = ["Quadrant", "Customers", "Churned", "Churn rate (95%)"]


@dataclass
class SegmentOutcome:
    """The segment's desired outcome over time: shares per quarter, churn after a quarter, or why there are none."""

    summary: pd.DataFrame | None        # quarterly_summary rows of the segment (no segment column)
    churn: pd.DataFrame | None          # churn_after of the segment (attrs: quarter, window_end, complete)
    reason: str | None = None           # why nothing is shown (no quarter, or no placed account)
    churn_reason: str | None = None     # why there is no churn table


def _unplaced_reason(con: duckdb.DuckDBPyConnection, spec: OutcomeSpec, column: str, value: str,
                     settings: Settings) -> str:
    """Why none of the segment's accounts is placed: its accounts, those with an outcome, those with the measure."""
    spec = resolve(con, spec)
    if spec.measure in ("csat", "nps"):
        answers = f"""SELECT DISTINCT account_id FROM {canonical.quote(canonical.SURVEYS)}
            WHERE score IS NOT NULL AND NOT isnan(score) {spec.answer_filter_sql}
              AND upper(trim(survey_type)) = $measure
              AND ts IS NOT NULL AND ts <= $as_of"""
        measure = f"a dated {spec.measure.upper()} answer"
    else:
        answers = f"""SELECT DISTINCT account_id FROM {canonical.quote(canonical.FACTOR_RATINGS)}
            WHERE score IS NOT NULL AND NOT isnan(score) AND ts IS NOT NULL AND ts <= $as_of
              AND (CAST($measure AS VARCHAR) IS NULL OR factor = $measure)"""
        measure = "a dated factor rating" if spec.factor is None else f"a dated '{spec.factor}' rating"
    in_segment, segment_params = dimensions.segment_filter_sql(column, value, "acct")   # "(none)" included
    ((accounts, with_outcome, with_answer),) = con.execute(f"""
        WITH {dimensions.ACCOUNTS_CTE},
        members AS (
            SELECT account_id, outcome FROM acct WHERE true {in_segment}
        ),
        answered AS ({answers})
        SELECT count(*),
               count(*) FILTER (WHERE outcome IS NOT NULL AND NOT isnan(outcome)),
               count(*) FILTER (WHERE account_id IN (SELECT account_id FROM answered))
        FROM members
    """, segment_params | {"as_of": dimensions.as_of_param(con, settings),
                           "measure": spec.measure.upper() if spec.measure in ("csat", "nps") else spec.factor}
    ).fetchall()
    return (f"No account of {column} = {value} is placed in a desired-outcome quadrant in any quarter: of its "
            f"{plural(int(accounts), 'account')}, {int(with_outcome):,} have a value in column 'outcome' and "
            f"{int(with_answer):,} have {measure} (one older than {oh.STALE_DAYS} days at a quarter's end counts as "
            "missing). Map the accounts' outcome column and the experience measure's data on the Data page.")


def segment_outcome(con: duckdb.DuckDBPyConnection, column: str, value: str, score_config: ScoreConfig,
                    settings: Settings, spec: OutcomeSpec | None = None) -> SegmentOutcome:
    """The segment's quadrant shares per quarter and churn after the default quarter (outcome_history's numbers)."""
    spec = spec or OutcomeSpec()
    try:
        summary = oh.quarterly_summary(con, spec, by=column, settings=settings, config=score_config)
    except MetricError as exc:
        return SegmentOutcome(None, None, reason=f"No desired outcome over time: {exc}")
    mine = summary[summary["segment"] == value].drop(columns="segment").reset_index(drop=True)
    placed = mine[mine["quadrant"] != UNKNOWN]
    if placed.empty or int(placed["accounts"].sum()) == 0:
        return SegmentOutcome(mine, None, reason=_unplaced_reason(con, spec, column, value, settings))
    try:
        churn = oh.churn_after(con, spec, None, settings, score_config, by=column, segment=value)
    except MetricError as exc:
        return SegmentOutcome(mine, None, churn_reason=f"No churn after a quarter: {exc}")
    return SegmentOutcome(mine, churn)


def churn_table(churn: pd.DataFrame) -> pd.DataFrame:
    """One row per quadrant with customers: customers, churned, churn rate with its Wilson 95% interval."""
    rows = churn[churn["accounts"] > 0]
    return pd.DataFrame({
        "Quadrant": [q[:1].upper() + q[1:] for q in rows["quadrant"]],
        "Customers": rows["accounts"].astype(int).tolist(),
        "Churned": rows["churned"].astype(int).tolist(),
        "Churn rate (95%)": [f"{percent(r)} ({percent(lo)}–{percent(hi)})" + (" · low n" if low else "")
                             for r, lo, hi, low in zip(rows["churn_rate"], rows["ci_low"], rows["ci_high"],
                                                       rows["low_n"], strict=True)],
    }, columns=CHURN_COLUMNS)


def _share_lines(summary: pd.DataFrame) -> list[str]:
    """One line per quarter for the speaker notes: each placed quadrant's accounts and share."""
    lines = []
    for quarter, rows in summary.groupby("quarter_start", sort=True):
        placed = rows[rows["quadrant"] != UNKNOWN]
        label = rows["quarter"].iloc[0] + (" (so far)" if bool(rows["partial"].iloc[0]) else "")
        parts = [f"{q} {int(a):,} ({percent(s)})"
                 for q, a, s in zip(placed["quadrant"], placed["accounts"], placed["share"], strict=True)]
        unknown = int(rows.loc[rows["quadrant"] == UNKNOWN, "accounts"].sum())
        lines.append(f"{label}: " + "; ".join(parts) + f"; unknown {unknown:,}")
    return lines


def outcome_slide(result: SegmentOutcome, who: str) -> PackSlide:
    """The slide: the shares figure, the churn-after table, the latest share and the churn window as bullets."""
    if result.reason is not None:
        return PackSlide(OUTCOME_TITLE, bullets=[result.reason])
    summary = result.summary
    assert summary is not None
    latest = summary[summary["quarter_start"] == summary["quarter_start"].max()]
    success = latest[latest["quadrant"] == SUCCESSFUL].iloc[0]
    placed = int(latest.loc[latest["quadrant"] != UNKNOWN, "accounts"].sum())
    partial = " (so far)" if bool(success["partial"]) else ""
    bullets = [f"{success['quarter']}{partial}: {percent(success['share']) if placed else '–'} of the "
               f"{plural(placed, 'account')} placed are successful (outcome and the appropriate experience)."]
    table = None
    if result.churn is not None:
        churn = result.churn
        table = churn_table(churn)
        window = "" if churn.attrs["complete"] else " (the window has not ended: churn so far)"
        bullets.append(f"The cost of the wrong experience: churn within the two quarters after "
                       f"{churn.attrs['quarter']} by quadrant then, {plural(int(churn['accounts'].sum()), 'customer')}"
                       f"{window}.")
        if table.empty:
            bullets.append(f"No customer of the segment at the end of {churn.attrs['quarter']}.")
            table = None
    elif result.churn_reason:
        bullets.append(result.churn_reason)
    return PackSlide(OUTCOME_TITLE, figure=quadrant_shares(summary, title=f"Desired outcome per quarter: {who}"),
                     bullets=bullets, table=table,
                     notes="Each account's quadrant at every fiscal quarter end (answers older than "
                           f"{oh.STALE_DAYS} days count as missing), as on the Outcomes & voice page; shares are "
                           "of the accounts placed.\n" + "\n".join(_share_lines(summary)))


__all__ = ["CHURN_COLUMNS", "OUTCOME_TITLE", "SegmentOutcome", "churn_table", "outcome_slide", "segment_outcome"]
