"""One command's run: load the files, choose and apply the mapping, print its table or say why it is empty."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cxlib.errors import CxError
from cxlib.workspace import Workspace, connect, machine_memory_limit


def override_roles(con: Any, chosen: Any, kind: str, roles: dict[str, str | None]) -> None:
    """Point roles at the columns the user named (--stage-col, --score-col …) in the table that has them.

    A table of another kind becomes of `kind`: its roles are cleared and suggested afresh for that
    kind, so `--score-col` on a file read as accounts makes it survey answers instead of failing.
    """
    from cxlib.mapping import suggest_roles

    for column, role in roles.items():
        if not column or not role:
            continue
        tables = [t for t in chosen.tables if column in t.roles]
        if not tables:
            known = sorted({c for t in chosen.tables for c in t.roles})
            raise CxError(f"column '{column}' is in none of the files (columns: {', '.join(known)})", column=column)
        for t in tables:
            if t.kind != kind:
                suggested = suggest_roles(con, t.table, kind, chosen.settings.stages)
                t.kind = kind
                t.roles = {c: suggested.get(c, "ignore") for c in t.roles}
            t.roles = {c: ("ignore" if r == role and c != column else r) for c, r in t.roles.items()}
            t.roles[column] = role


def load_and_choose(files: Sequence[Path], mapping_path: Path | None, extra: Sequence[Path] = (),
                     overrides: tuple[str, dict[str, str | None]] | None = None) -> tuple[Workspace, Any]:
    """Load files into a fresh workspace and choose its mapping (the given one fitted, else the suggestion)."""
    from cxlib import mapping as mp

    all_files = [*files, *extra]
    for f in all_files:
        if not f.exists():
            raise CxError(f"{f}: no such file", file=str(f))
    loaded = None
    if mapping_path is not None:
        try:
            loaded = mp.Mapping.from_json(mapping_path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CxError(f"{mapping_path}: cannot read mapping ({exc.strerror})", file=str(mapping_path)) from exc

    def choose(ws: Workspace) -> Any:
        return mp.fit_mapping(ws.con, loaded, ws.reports) if loaded is not None else ws.suggest_mapping()

    ws = cli_workspace()
    ws.load(list(all_files))
    if ws.errors:
        raise ws.errors[0]
    chosen = choose(ws)
    hints = _tool_answers(ws, chosen)
    if hints:      # a recognised tool's convention answers what no value decided: reload, and say so
        ws.close()
        ws = cli_workspace()
        for f in all_files:
            ws.load([f], hints={column: option for column, (option, _) in hints.get(f.name, {}).items()})
        if ws.errors:
            raise ws.errors[0]
        chosen = choose(ws)
        for name, answers in hints.items():
            for column, (option, why) in answers.items():
                sys.stderr.write(f"note: {name}: '{column}' read as {option} ({why}; no value in the file "
                                 "decides it).\n")
    if overrides is not None:
        override_roles(ws.con, chosen, *overrides)
    return ws, chosen


def cli_workspace() -> Workspace:
    """A workspace for one command: JOURNEY_LENS_MEMORY_LIMIT if set, else half the machine's RAM (no spilling)."""
    return Workspace(con=connect(os.environ.get("JOURNEY_LENS_MEMORY_LIMIT") or machine_memory_limit()))


def _tool_answers(ws: Workspace, chosen: Any) -> dict[str, dict[str, tuple[str, str]]]:
    """File name → the loader's open questions (date order, number format) that the recognised tool's
    convention answers: column → (option, why)."""
    from cxlib.mapping import shapes

    by_table = {t.table: t for t in chosen.tables}
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for rep in ws.reports:
        tm = by_table.get(rep.table)
        answers = shapes.suggested_answers(tm.shape if tm is not None else None, rep.questions)
        if answers:
            out.setdefault(rep.source, {}).update(answers)
    return out


def open_workspace(files: Sequence[Path], mapping_path: Path | None, extra: Sequence[Path] = (),
          overrides: tuple[str, dict[str, str | None]] | None = None) -> Workspace:
    """Load files into a fresh workspace and apply the given (or suggested) mapping."""
    ws, chosen = load_and_choose(files, mapping_path, extra, overrides)
    ws.apply(chosen)
    RUN.ws = ws
    return ws


@dataclass


class _Run:
    """The command being run and the workspace it opened, so the one output point can check its numbers."""

    args: argparse.Namespace | None = None
    ws: Workspace | None = None


RUN = _Run()


def _survey_check(kind: str) -> Callable[[pd.DataFrame], Any]:
    def reason(df: pd.DataFrame) -> Any:
        if not df.empty and int(df["n"].sum()) > 0:
            return None
        from cxlib import diagnostics

        ws, args = RUN.ws, RUN.args
        return diagnostics.survey_reason(ws.con, ws.mapping, kind, getattr(args, "level", "response"), ws.settings)
    return reason


def _funnel_check(df: pd.DataFrame) -> Any:
    if not df.empty and "accounts" in df and float(df["accounts"].max()) > 0:
        return None
    from cxlib import diagnostics

    ws, args = RUN.ws, RUN.args
    steps = [s.strip() for s in (getattr(args, "stages", None) or "").split(",") if s.strip()] or None
    return diagnostics.funnel_reason(ws.con, ws.mapping, snapshot=bool(getattr(args, "snapshot", False)),
                                     steps=steps, date_from=getattr(args, "date_from", None),
                                     date_to=getattr(args, "date_to", None), settings=ws.settings)


def _scores_check(df: pd.DataFrame) -> Any:
    if not df.empty and df["composite"].notna().any():
        return None
    from cxlib import diagnostics

    ws = RUN.ws
    return diagnostics.scores_reason(ws.con, ws.mapping, ws.score_config, ws.settings)


def _compare_check(df: pd.DataFrame) -> Any:
    if not df.empty and int(df["n"].sum()) > 0:
        return None
    from cxlib import diagnostics, segments

    ws, args = RUN.ws, RUN.args
    column = segments.parse_rate(args.rate)[0] if getattr(args, "rate", None) else getattr(args, "mean", None)
    return diagnostics.compare_reason(ws.con, ws.mapping, column) if column else None


# Per command: the reason its table (or the metric's own refusal) has no number, or None when it has one.


_WHY_EMPTY: dict[str, Callable[[pd.DataFrame], Any]] = {
    "nps": _survey_check("NPS"), "csat": _survey_check("CSAT"), "ces": _survey_check("CES"),
    "funnel": _funnel_check, "scores": _scores_check, "compare": _compare_check,
}


def why_empty(df: pd.DataFrame) -> Any:
    """The diagnostics reason the running command's table has no number, or None (printable as it is)."""
    check = _WHY_EMPTY.get(RUN.args.command) if RUN.args is not None else None
    return check(df) if check is not None and RUN.ws is not None else None


def emit(df: pd.DataFrame, fmt: str) -> None:
    """Print a command's table; an empty number is refused with its reason (CxError: one line, exit 2)."""
    reason = why_empty(df)
    if reason is not None:
        raise CxError(reason.text, column=reason.column)
    if fmt == "json":
        records = json.loads(df.to_json(orient="records", date_format="iso", force_ascii=False))
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(df.to_csv(index=False))


def load_report_rows(ws: Workspace, chosen: Any) -> list[dict[str, Any]]:
    """The load report as the CLI prints it: per table, kind, recognised shape, counts and each column's role."""
    by_table = {t.table: t for t in chosen.tables}
    rows = []
    for rep in ws.reports:
        tm = by_table.get(rep.table)
        source = rep.source + (f" [{rep.sheet}]" if rep.sheet else "")
        rows.append({
            "table": rep.table, "source": source, "kind": tm.kind if tm else "ignore",
            "shape": tm.shape.label if tm is not None and tm.shape is not None else None,
            "rows_read": rep.rows_read, "rows_loaded": rep.rows_loaded, "rows_rejected": rep.rows_rejected,
            "skipped_lines": rep.skipped_lines,
            "columns": [{"name": c.name, "type": c.type, "nulls": c.nulls,
                         "suggested_role": (tm.roles.get(c.name, "ignore") if tm else "ignore")}
                        for c in rep.columns],
            "questions": [q.message for q in rep.questions],
        })
    return rows


def column_name(ws: Workspace, name: str | None) -> str | None:
    """An accounts column as the user typed it (view name or original header)."""
    from cxlib.mapping import accounts_column

    return accounts_column(ws.con, ws.mapping, name) if name else None


def open_surveys(args: argparse.Namespace, survey_type: str) -> tuple[Workspace, Any]:
    """Open the files for a survey metric (`--score-col` makes that column the type's answers) and resolve `--by`.

    `--by` names a breakdown (stage, month, …), a column of the survey file itself or an accounts
    column (`dimensions.resolve_by_column`): the file's own wins, with a `note:` line.
    """
    from cxlib import canonical, diagnostics, dimensions, surveys

    overrides = ("surveys", {args.score_col: f"score:{survey_type}"}) if args.score_col else None
    ws = open_workspace(args.files, args.mapping, overrides=overrides)
    if (left_out := diagnostics.survey_left_out(ws.con, ws.mapping, survey_type)) is not None:
        sys.stderr.write(f"note: {left_out}\n")
    if args.by is None or args.by in surveys.SURVEY_BREAKDOWNS:
        return ws, args.by
    by = dimensions.resolve_by_column(ws.con, canonical.SURVEYS, args.by, ws.mapping)
    if by.note:
        sys.stderr.write(f"note: {by.note}\n")
    return ws, by


def explained(exc: CxError) -> CxError:
    """A metric's refusal, or the diagnostics reason when its rows were loaded but none could be used.

    "No journey events are loaded" is wrong when 240 were loaded and none maps to a stage: the
    reason naming the column and the counts says what to fix.
    """
    if RUN.ws is None or RUN.args is None or RUN.args.command not in _WHY_EMPTY:
        return exc
    try:
        reason = why_empty(pd.DataFrame())
    except CxError:
        return exc
    if reason is None or reason.loaded == 0 or reason.usable > 0:
        return exc
    return CxError(reason.text, column=reason.column)
