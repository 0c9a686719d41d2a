"""What one cell of a result holds: a value, or nothing (None, NaN, NaT, pd.NA)."""

from __future__ import annotations

from typing import Any

import pandas as pd


def missing(value: Any) -> bool:
    """Whether a scalar cell is empty; a list or other non-scalar is a value, never missing."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


__all__ = ["missing"]
