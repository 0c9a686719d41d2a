"""A vectorised pandas implementation of the ordered funnel: the property test's oracle and the
bench's reference. Written independently of cxlib.funnel (merge_asof step by step, no SQL).

Same definition (cxlib/funnel.py docstring): from each candidate start (the earliest in-range
step-1 entry, or every in-range step-1 entry when a window is set), step i takes the earliest
entry of its stage at or after t(i-1) not used yet; the counting sequence is the earliest start
reaching the furthest step.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def ordered_sequences(events: pd.DataFrame, steps: list[str], *, window_days: float | None = None,
                      date_from: dt.date | None = None, date_to: dt.date | None = None) -> pd.DataFrame:
    """Per account with an in-range step-1 entry: t_1..t_n of its counting sequence (NaT after it ends)."""
    ev = events.loc[events["account_id"].notna() & events["stage"].notna() & events["ts"].notna(),
                    ["account_id", "stage", "ts"]].copy()
    ev["ts"] = pd.to_datetime(ev["ts"]).astype("datetime64[us]")
    # Integer account codes: merges and sorts on them are much faster than on strings.
    codes, names = pd.factorize(ev["account_id"].astype(str))
    ev["account_id"] = codes
    n = len(steps)
    cols = [f"t_{i}" for i in range(1, n + 1)]
    starts = ev.loc[ev["stage"] == steps[0], ["account_id", "ts"]]
    if date_from is not None:
        starts = starts[starts["ts"] >= pd.Timestamp(date_from)]
    if date_to is not None:
        starts = starts[starts["ts"] < pd.Timestamp(date_to) + pd.Timedelta(days=1)]
    if window_days is None:
        starts = starts.groupby("account_id", as_index=False)["ts"].min()
    else:
        starts = starts.drop_duplicates()
    chain = starts.rename(columns={"ts": "t_1"}).reset_index(drop=True)
    chain["start_id"] = np.arange(len(chain))
    window = pd.Timedelta(microseconds=round(window_days * 86_400_000_000)) if window_days is not None else None

    # Each stage's entries sorted per account, with their position, for "the (u+1)-th entry at or after p".
    by_stage: dict[str, pd.DataFrame] = {}
    for stage in dict.fromkeys(steps):
        right = ev.loc[ev["stage"] == stage, ["account_id", "ts"]].sort_values(["account_id", "ts"])
        right["pos"] = right.groupby("account_id").cumcount()
        by_stage[stage] = right.rename(columns={"ts": "r_ts"}).reset_index(drop=True)

    for i in range(2, n + 1):
        stage, prev = steps[i - 1], f"t_{i - 1}"
        right = by_stage[stage]
        live = chain[chain[prev].notna()].sort_values(prev)
        found = pd.merge_asof(live[["start_id", "account_id", prev]], right.sort_values("r_ts"),
                              left_on=prev, right_on="r_ts", by="account_id", direction="forward",
                              allow_exact_matches=True)
        # Entries of this stage already used at time p by earlier steps of the same stage.
        used = np.zeros(len(found), dtype="int64")
        for k in range(1, i):
            if steps[k - 1] == stage:
                used += (chain.set_index("start_id").loc[found["start_id"], f"t_{k}"].to_numpy()
                         == found[prev].to_numpy()).astype("int64")
        found["want"] = found["pos"] + used
        found = found.dropna(subset=["pos"]).astype({"want": "int64"})
        found = found.merge(right[["account_id", "pos", "r_ts"]].rename(columns={"pos": "want", "r_ts": "hit"}),
                            on=["account_id", "want"], how="inner")
        chain = chain.merge(found[["start_id", "hit"]], on="start_id", how="left").rename(columns={"hit": f"t_{i}"})
        if window is not None:
            late = chain[f"t_{i}"] - chain["t_1"] > window
            chain.loc[late, f"t_{i}"] = pd.NaT
    for c in cols:
        if c not in chain:
            chain[c] = pd.NaT
    chain["reached"] = chain[cols].notna().sum(axis=1)
    chain = chain.sort_values(["account_id", "reached", "t_1"], ascending=[True, False, True])
    best = chain.drop_duplicates("account_id")[["account_id", "reached", *cols]]
    best["account_id"] = names[best["account_id"].to_numpy()]
    return best.sort_values("account_id").reset_index(drop=True)


def ordered_funnel(events: pd.DataFrame, steps: list[str], **kwargs) -> pd.DataFrame:
    """Per step: accounts reaching it, and median / p90 days from the previous step over converters."""
    seq = ordered_sequences(events, steps, **kwargs)
    rows = []
    for k in range(1, len(steps) + 1):
        reached = seq[seq["reached"] >= k]
        if k == 1:
            days = pd.Series([], dtype="float64")
        else:
            days = (reached[f"t_{k}"] - reached[f"t_{k - 1}"]).dt.total_seconds() / 86400.0
        rows.append({"step": k, "stage": steps[k - 1], "accounts": len(reached),
                     "median_days_from_previous": days.quantile(0.5) if len(days) else np.nan,
                     "p90_days_from_previous": days.quantile(0.9) if len(days) else np.nan})
    return pd.DataFrame(rows)
