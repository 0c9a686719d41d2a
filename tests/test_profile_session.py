"""`make profile-session`'s table: each step with and without the profiler, and the session's sum."""

from __future__ import annotations

from tests.profile_session import session_table


def _visit(page: str, cpu_s: float, **split: float) -> dict:
    return {"page": page, "cpu_s": cpu_s, "top": [],
            **{p: split.get(p, 0.0) for p in ("queries", "figures", "serialisation", "other")}}


def test_session_table_sums_both_columns() -> None:
    profiled = [_visit("funnel", 0.2, queries=0.05, figures=0.01, serialisation=0.02, other=0.1),
                _visit("account", 0.5)]
    plain = [_visit("funnel", 0.09), _visit("account", 0.21)]
    assert session_table(1.5, profiled, 1.4, plain) == [
        "| step | CPU ms | CPU ms, no profiler | queries / figures / serialisation / other (script thread, ms) |",
        "|---|---:|---:|---|",
        "| upload: load + suggested mapping + apply | 1,500 | 1,400 | |",
        "| funnel | 200 | 90 | 50 / 10 / 20 / 100 |",
        "| account | 500 | 210 | 0 / 0 / 0 / 0 |",
        "| **whole session** | **2,200** | **1,700** | |",
    ]
