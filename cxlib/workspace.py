"""The per-session DuckDB database: its connection, limits, and what is loaded and mapped in it."""

from __future__ import annotations

import itertools
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from cxlib import canonical
from cxlib.settings import Settings

if TYPE_CHECKING:
    from cxlib.errors import LoadError
    from cxlib.loading import LoadReport
    from cxlib.mapping import Mapping, ValidationReport
    from cxlib.early_warning import WarningConfig
    from cxlib.stories import StoryConfig
    from cxlib.centricity import ThemeConfig
    from cxlib.scores import ScoreConfig

DEFAULT_MEMORY_LIMIT = "1GB"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SAMPLE_MAPPING = DATA_DIR / "sample_mapping.json"
SAMPLE_LABEL = "Sample data — Northwind Managed Services (fictional)"


def connect(memory_limit: str | None = None, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB for one session, with its memory and thread limits.

    Limits come from the arguments, else JOURNEY_LENS_MEMORY_LIMIT / JOURNEY_LENS_THREADS,
    else 1 GB and all cores. In-memory databases are private: one session never sees another's.
    """
    memory_limit = memory_limit or os.environ.get("JOURNEY_LENS_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)
    # Spill files go to the system temp folder, never the working directory (DuckDB's default).
    spill = os.environ.get("JOURNEY_LENS_TEMP_DIR") or os.path.join(tempfile.gettempdir(), "journey-lens-duckdb")
    config: dict[str, Any] = {"memory_limit": memory_limit, "temp_directory": spill}
    threads = threads or int(os.environ.get("JOURNEY_LENS_THREADS", "0") or 0)
    if threads:
        config["threads"] = threads
    con = duckdb.connect(":memory:", config=config)
    con.execute("SET enable_progress_bar = false")
    canonical.create_empty_views(con)
    return con


def machine_memory_limit() -> str:
    """A memory limit for a process that is the machine's only session (the CLI): half its RAM, at least 1 GB.

    The app's 1 GB per session protects a shared server; a command-line run over 10 M events would
    spill to disk under it, so it gets the machine's room instead (JOURNEY_LENS_MEMORY_LIMIT wins)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return DEFAULT_MEMORY_LIMIT
    return f"{max(1024, total // 2 // 2**20)}MiB"


def sample_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The sample company's CSV exports (accounts, events, surveys, ratings, monthly snapshots)."""
    return sorted(data_dir.glob("*.csv")) + sorted((data_dir / "snapshots").glob("*.csv"))


# Stamps are unique in the process: unlike `id()` (reused once an object is freed) or `version` (a new
# workspace starts again from its own), a stamp never names two different states of any workspace.
_STAMPS = itertools.count(1)


class Workspace:
    """One session's data: its database, the load reports, the mapping and a label to show.

    `version` changes whenever the data, the mapping or a saved setting changes, so caches keyed by it
    never serve numbers computed from other data. `stamp` names that state uniquely in the process (use
    it to key anything a session keeps); `data_stamp` changes only with new data or a newly applied
    mapping, not with a setting edited on a page (widgets holding edits are reset by it).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None, label: str = "No data loaded",
                 is_sample: bool = False, reports: list[LoadReport] | None = None,
                 errors: list[LoadError] | None = None, mapping: Mapping | None = None,
                 validation: list[ValidationReport] | None = None, version: int = 0,
                 opener: Callable[[], Workspace] | None = None) -> None:
        # A deferred workspace (`opener` given) has no database until a query needs one.
        self._root = con if con is not None or opener is not None else connect()
        self._opener = opener
        self.label = label
        self.is_sample = is_sample
        self.reports: list[LoadReport] = list(reports or [])
        self.errors: list[LoadError] = list(errors or [])
        self.mapping = mapping
        self.validation: list[ValidationReport] = list(validation or [])
        self.version = version
        self.data_stamp = self.stamp
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()

    @property
    def version(self) -> int:
        """The data's version: kept with a saved workspace, the same for every session's copy of the sample."""
        return self._version

    @version.setter
    def version(self, value: int) -> None:
        self._version = value
        self.stamp = next(_STAMPS)

    def _new_data(self) -> None:
        """New data or a newly applied mapping: a new version, and widgets holding edits start again."""
        self.version += 1
        self.data_stamp = self.stamp

    def __repr__(self) -> str:
        return f"Workspace(label={self.label!r}, tables={len(self.reports)}, version={self.version})"

    @classmethod
    def deferred(cls, opener: Callable[[], Workspace], *, label: str, is_sample: bool, reports: list[LoadReport],
                 errors: list[LoadError], mapping: Mapping | None, validation: list[ValidationReport],
                 version: int) -> Workspace:
        """A workspace whose database is opened (by `opener`) only when a query first needs it.

        Everything else (reports, mapping, validation) is there from the start, so a session whose
        numbers all come from elsewhere (the server's shared sample results) never builds a database.
        Opening it does not change `version`: the data it holds is the data described.
        """
        return cls(label=label, is_sample=is_sample, reports=reports, errors=errors, mapping=mapping,
                   validation=validation, version=version, opener=opener)

    @property
    def root(self) -> duckdb.DuckDBPyConnection:
        """The session database's root connection (opened now if the workspace was deferred)."""
        if self._root is None:
            with self._lock:
                if self._root is None and self._opener is not None:
                    opened = self._opener()
                    with opened._lock:
                        cursors, opened._cursors = opened._cursors, []
                    for cursor in cursors:
                        cursor.close()
                    self._root, self._opener = opened._root, None
        if self._root is None:
            raise duckdb.ConnectionException("This workspace was closed before its database was opened.")
        return self._root

    @property
    def opened(self) -> bool:
        """Whether the database exists yet (False only for a deferred workspace nobody has queried)."""
        return self._root is not None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """This thread's connection to the session's database.

        A DuckDB connection refuses a second call while one is running, and Streamlit may start a
        rerun while the previous run is still stopping; each thread therefore gets its own cursor
        onto the same in-memory database (same tables and views, same limits).
        """
        cursor = getattr(self._local, "con", None)
        if cursor is None:
            cursor = self.root.cursor()
            cursor.execute("SET enable_progress_bar = false")
            with self._lock:
                self._cursors.append(cursor)
            self._local.con = cursor
        return cursor

    @property
    def settings(self) -> Settings:
        return self.mapping.settings if self.mapping is not None else Settings()

    @property
    def score_config(self) -> ScoreConfig:
        """Factors, scales, weights, targets and bands, saved with the mapping under "scores"."""
        from cxlib.scores import ScoreConfig

        return ScoreConfig.from_dict(self.mapping.scores if self.mapping is not None else None)

    def set_score_config(self, config: ScoreConfig) -> None:
        """Keep an edited score configuration with the mapping (so it downloads with it)."""
        if self.mapping is not None:
            self.mapping.scores = config.to_dict()
            self.version += 1

    @property
    def warning_config(self) -> WarningConfig:
        """Early-warning thresholds and the respondent-role map, saved with the mapping under "warnings"."""
        from cxlib.early_warning import WarningConfig

        return WarningConfig.from_dict(self.mapping.warnings if self.mapping is not None else None)

    def set_warning_config(self, config: WarningConfig) -> None:
        """Keep edited early-warning settings with the mapping (so they download with it)."""
        if self.mapping is not None:
            self.mapping.warnings = config.to_dict()
            self.version += 1

    @property
    def story_config(self) -> StoryConfig:
        """The story finder's weights, saved with the mapping under "stories"."""
        from cxlib.stories import StoryConfig

        return StoryConfig.from_dict(self.mapping.stories if self.mapping is not None else None)

    def set_story_config(self, config: StoryConfig) -> None:
        """Keep edited story weights with the mapping (so they download with it)."""
        if self.mapping is not None:
            self.mapping.stories = config.to_dict()
            self.version += 1

    @property
    def centricity_config(self) -> ThemeConfig:
        """The want-vs-do theme list, saved with the mapping under "centricity" (default: the shipped list)."""
        from cxlib.centricity import ThemeConfig

        return ThemeConfig.from_dict(self.mapping.centricity if self.mapping is not None else None)

    def set_centricity_config(self, config: ThemeConfig) -> None:
        """Keep an edited theme list with the mapping (so it downloads with it)."""
        if self.mapping is not None:
            self.mapping.centricity = config.to_dict()
            self.version += 1

    def has_arr(self) -> bool:
        """Whether the mapping gives the accounts an ARR column, or MRR (× 12), else weighting by ARR means nothing."""
        return self.mapping is not None and any(
            t.kind == canonical.ACCOUNTS and (t.column("arr") or t.column("mrr")) for t in self.mapping.tables)

    def has_snapshot(self) -> bool:
        """Whether a stage snapshot (account, current stage) is mapped with rows."""
        return any(r.view == canonical.STAGE_SNAPSHOTS and r.rows_used > 0 for r in self.validation)

    def has_events(self) -> bool:
        """Whether journey events (loaded, or derived from stacked snapshots) are mapped with rows."""
        return any(r.view == canonical.JOURNEY_EVENTS and (r.rows_used or r.rows_derived) for r in self.validation)

    def load(self, files: Sequence[Path | tuple[str, bytes]], *, hints: dict[str, str] | None = None,
             progress: Callable[[str, float], None] | None = None, max_bytes: int | None = None,
             ) -> list[LoadReport]:
        """Load files as raw tables beside what is there; returns the new reports (errors kept)."""
        from cxlib import loading

        reports, errors = loading.load_files(self.con, files, hints=hints, progress=progress,
                                             max_bytes=max_bytes)
        self.reports.extend(reports)
        self.errors.extend(errors)
        self._new_data()
        return reports

    def clear(self) -> None:
        """Drop every raw table and mapping, keeping the connection (a new upload starts clean)."""
        from cxlib import loading, mapping

        for report in self.reports:
            loading.drop_table(self.con, report)
        self.reports, self.errors, self.validation, self.mapping = [], [], [], None
        mapping.unmap(self.con)
        self._new_data()

    def suggest_mapping(self) -> Mapping:
        """cxlib's suggestion for every loaded table: kind, column roles, stage map, settings."""
        from cxlib import mapping

        return mapping.suggest_mapping(self.con, self.reports)

    def apply(self, new_mapping: Mapping) -> list[ValidationReport]:
        """Build the canonical views from a confirmed mapping; returns the validation reports."""
        from cxlib import mapping

        from cxlib.centricity.qbr import add_qbr_segment

        self.validation = mapping.apply_mapping(self.con, new_mapping)
        add_qbr_segment(self.con, new_mapping.settings)     # a derived segment, once activities exist
        self.mapping = new_mapping
        self._new_data()
        return self.validation

    def close(self) -> None:
        """Release the session's database: every thread's cursor, then the root connection."""
        with self._lock:
            cursors, self._cursors = self._cursors, []
            root, self._opener = self._root, None
        for connection in [*cursors, *([root] if root is not None else [])]:
            try:
                connection.close()
            except duckdb.Error:
                pass


def open_sample(memory_limit: str | None = None, threads: int | None = None,
                data_dir: Path = DATA_DIR) -> Workspace:
    """A workspace holding the sample company (data/ unless told), loaded and mapped like any upload."""
    from cxlib import mapping

    ws = Workspace(con=connect(memory_limit, threads), label=SAMPLE_LABEL, is_sample=True)
    ws.load(sample_files(data_dir))
    sample_mapping = Path(data_dir) / SAMPLE_MAPPING.name
    if sample_mapping.exists():
        ws.apply(mapping.Mapping.from_json(sample_mapping.read_text(encoding="utf-8")))
    else:
        ws.apply(ws.suggest_mapping())
    return ws
