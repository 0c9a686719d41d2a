"""The per-session DuckDB database: its connection, limits, and what is loaded in it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import duckdb

from cxlib import canonical

DEFAULT_MEMORY_LIMIT = "1GB"


def connect(memory_limit: str | None = None, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB for one session, with its memory and thread limits.

    Limits come from the arguments, else JOURNEY_LENS_MEMORY_LIMIT / JOURNEY_LENS_THREADS,
    else 1 GB and all cores. In-memory databases are private: one session never sees another's.
    """
    memory_limit = memory_limit or os.environ.get("JOURNEY_LENS_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)
    config: dict[str, Any] = {"memory_limit": memory_limit}
    threads = threads or int(os.environ.get("JOURNEY_LENS_THREADS", "0") or 0)
    if threads:
        config["threads"] = threads
    con = duckdb.connect(":memory:", config=config)
    canonical.create_empty_views(con)
    return con


@dataclass
class Workspace:
    """One session's data: the connection, the load reports, the mapping and a label to show."""

    con: duckdb.DuckDBPyConnection = field(default_factory=connect)
    label: str = "No data"
    is_sample: bool = False
    reports: list[Any] = field(default_factory=list)   # list[loading.LoadReport]
    mapping: Any = None                                  # mapping.Mapping once confirmed

    def close(self) -> None:
        """Release the session's database (called by the app's finaliser and sweep)."""
        try:
            self.con.close()
        except duckdb.Error:
            pass
