"""Wording the Outcomes & voice tabs share: the low-n note under tables and intervals as text."""

from __future__ import annotations

import pandas as pd

from cxlib.settings import Settings


def low_n_note(settings: Settings) -> str:
    """The note under a table whose grey rows have fewer answers (or accounts) than the minimum n."""
    return (f"Grey rows: fewer than {settings.min_n} answers (or accounts) — shown for reference, "
            "read with care.")


def interval(low: float, high: float, percent: bool = False) -> str:
    """A 95% interval as text ("12%–18%", "3.10–3.40"), or "no interval" when it has no ends."""
    if pd.isna(low) or pd.isna(high):
        return "no interval"
    return f"{low:.0%}–{high:.0%}" if percent else f"{low:.2f}–{high:.2f}"
