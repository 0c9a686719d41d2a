"""The `scores` command's contract: its fixed columns and its --weights/--targets JSON.

README, "Command line": the eight fixed factor keys, then composite, coverage, band, weakest factor
and gap, whatever factors are configured.
"""

from __future__ import annotations

import json
import math

import pandas as pd

from cxlib.errors import MetricError
from cxlib.factors import default_factors, factor_key
from cxlib.scores.config import ScoreConfig

CLI_FACTOR_KEYS: tuple[str, ...] = tuple(f.key for f in default_factors())
CLI_COLUMNS: tuple[str, ...] = CLI_FACTOR_KEYS + ("composite", "coverage", "band", "weakest_factor", "gap")


def cli_scores_table(df: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """The `scores` command's columns, in contract order: account_id (or segment with --by), the eight
    fixed factor keys (empty when a factor is not configured), composite, coverage, band, weakest
    factor and gap. Scores are rounded to 2 decimals, coverage to 4.
    """
    first = "segment" if by else "account_id"
    out = pd.DataFrame({first: df[first] if first in df else pd.Series(dtype="str")})
    for key in CLI_FACTOR_KEYS:
        out[key] = pd.to_numeric(df[key], errors="coerce").round(2) if key in df else float("nan")
    out["composite"] = pd.to_numeric(df["composite"], errors="coerce").round(2)
    out["coverage"] = pd.to_numeric(df["coverage"], errors="coerce").round(4)
    out["band"] = df["band"]
    out["weakest_factor"] = df["weakest_factor"]
    out["gap"] = pd.to_numeric(df["gap"], errors="coerce").round(2)
    return out.reset_index(drop=True)


def parse_factor_json(text: str, config: ScoreConfig) -> dict[str, float]:
    """Parse `--weights`/`--targets`: a JSON object keyed by factor key or display name → {key: value}."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MetricError(f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from None
    if not isinstance(data, dict):
        raise MetricError("Expected a JSON object keyed by factor, e.g. {\"customer_intent\": 2}.")
    out: dict[str, float] = {}
    for label, value in data.items():
        key = factor_key(label, config.factors)
        if key is None:
            known = ", ".join(config.keys)
            raise MetricError(f"Unknown factor '{label}'; known factors: {known}.", column=str(label))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise MetricError(f"Factor '{label}' needs a number (got {json.dumps(value)}).", column=str(label))
        out[key] = float(value)
    return out
