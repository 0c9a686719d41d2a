"""`make profile-pages`' table: each column reads its own session's runs, summed per visit."""

from __future__ import annotations

from tests.profile_pages import table


def _run(page: str, cpu_s: float, **split: float) -> dict:
    return {"page": page, "cpu_s": cpu_s, **{p: split.get(p, 0.0) for p in ("queries", "figures",
                                                                         "serialisation", "other")}}


def test_table_columns_come_from_their_sessions() -> None:
    results = {
        "first": {("Funnel", "cold"): [_run("Funnel", 2.0)]},
        "next": {("Funnel", "cold"): [_run("Funnel", 0.25, queries=0.01, figures=0.02, serialisation=0.03,
                                           other=0.1), _run("Funnel", 0.05)],
                 ("Funnel", "warm"): [_run("Funnel", 0.1)]},
        "plain": {("Funnel", "cold"): [_run("Funnel", 0.12), _run("Funnel", 0.02)]},
    }
    assert table(results) == [
        "| page | first session cold | next session cold | next session cold, no profiler | warm | upload cold "
        "| upload warm | next cold: queries / figures / serialisation / other |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        "| Funnel | 2,000 | 300 | 140 | 100 | – | – | 10 / 20 / 30 / 100 |",
    ]
