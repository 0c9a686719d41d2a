"""`python -m cxlib …`: the same numbers as the app, for scripts, scheduled jobs and notebooks.

Command names, options and printed column names are a public contract (see README "Command line").
Errors a user can cause print one line to stderr and exit with code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from cxlib.errors import CxError
from cxlib.workspace import Workspace

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (the contract: one line on stderr, exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _files(value: str) -> Path:
    return Path(value)


def _add_common(p: argparse.ArgumentParser, *, files: bool = True) -> None:
    if files:
        p.add_argument("files", nargs="+", type=_files, metavar="FILE", help="CSV, TSV, TXT, XLSX, XLS or Parquet exports")
    p.add_argument("--mapping", type=_files, metavar="MAPPING.json",
                   help="a mapping saved from the app's Data page (default: cxlib's suggestion)")


def _add_format(p: argparse.ArgumentParser, choices: Sequence[str] = ("csv", "json"), default: str = "csv") -> None:
    p.add_argument("--format", choices=choices, default=default, help=f"output format (default {default})")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, documented in `python -m cxlib --help`."""
    parser = _Parser(prog="python -m cxlib", description="Journey Lens from the command line: "
                     "the same loading, mapping and metrics as the app.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("load", help="print the load report of exports (rows read/loaded/rejected, columns)")
    _add_common(p)
    _add_format(p, ("text", "json"), "text")

    p = sub.add_parser("funnel", help="funnel conversion per step (and per segment with --by)")
    p.add_argument("files", nargs="+", type=_files, metavar="EVENTS_FILE")
    p.add_argument("--accounts", type=_files, metavar="ACCOUNTS_FILE", help="accounts export (for --by and --weight arr)")
    p.add_argument("--mapping", type=_files, metavar="MAPPING.json")
    p.add_argument("--stages", metavar='"A,B,C"',
                   help='steps separated by commas, e.g. "Delivery,Usage,Loyalty" (default: the funnel stages). '
                        "Stage names, the data's own stage values or their synonyms, case-insensitive; values "
                        "not in the stage list become stages of their own for this run")
    p.add_argument("--mode", choices=("ordered", "strict", "any"), default="ordered")
    p.add_argument("--window-days", type=float, metavar="N", help="conversion window in days (fractions allowed)")
    p.add_argument("--from", dest="date_from", type=dt.date.fromisoformat, metavar="DATE", help="step-1 entry on or after DATE")
    p.add_argument("--to", dest="date_to", type=dt.date.fromisoformat, metavar="DATE", help="step-1 entry on or before DATE")
    p.add_argument("--by", metavar="COLUMN",
                   help="break down by a column of the event file (its value on each account's step-1 entry) "
                        "or of the accounts table; the event file's own column wins, with a note")
    p.add_argument("--weight", choices=("accounts", "arr"), default="accounts")
    p.add_argument("--snapshot", action="store_true", help="count from the latest stage snapshot instead of events")
    p.add_argument("--account-col", metavar="C")
    p.add_argument("--stage-col", metavar="C")
    p.add_argument("--time-col", metavar="C")
    _add_format(p)

    p = sub.add_parser("scores", help="engagement scores per account (or per segment with --by)")
    _add_common(p)
    p.add_argument("--weights", metavar="JSON", help='factor weights, e.g. \'{"customer_intent": 2}\'')
    p.add_argument("--targets", metavar="JSON", help="desired-state targets per factor (0–100)")
    p.add_argument("--by", metavar="COLUMN")
    p.add_argument("--accounts", type=_files, metavar="FILE")
    _add_format(p, default="json")

    p = sub.add_parser("nps", help="Net Promoter Score with its 95%% margin of error")
    _add_common(p)
    p.add_argument("--score-col", metavar="C", help="the 0–10 answer column")
    p.add_argument("--by", metavar="COLUMN")
    p.add_argument("--level", choices=("response", "account"), default="response")
    _add_format(p, default="json")

    p = sub.add_parser("compare", help="segments side by side, each tested against the rest")
    _add_common(p)
    p.add_argument("--by", required=True, metavar="COLUMN")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--rate", metavar="COLUMN=VALUE", help="share of accounts whose COLUMN equals VALUE "
                   '(yes/no words by meaning: "Churn=Yes" and "Churn=true" both count true)')
    g.add_argument("--mean", metavar="COLUMN", help="mean of a numeric accounts column (a measure such as tenure)")
    _add_format(p, default="json")

    p = sub.add_parser("pack", help="a meeting pack (PPTX or PDF) for one account or one segment")
    _add_common(p)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--account", metavar="ID", help="the account's id")
    g.add_argument("--segment", metavar="COLUMN=VALUE", help='e.g. "Tier=Enterprise"')
    p.add_argument("--out", required=True, type=_files, metavar="FILE.pptx|FILE.pdf")

    p = sub.add_parser("sql", help="a read-only SQL query over the loaded tables and canonical views")
    _add_common(p)
    p.add_argument("--query", required=True, metavar='"SELECT …"')
    _add_format(p)
    return parser


def _override(chosen: Any, kind: str, roles: dict[str, str | None]) -> None:
    """Point roles at the columns the user named (--stage-col, --score-col …) in the table that has them."""
    for column, role in roles.items():
        if not column or not role:
            continue
        tables = [t for t in chosen.tables if column in t.roles]
        if not tables:
            known = sorted({c for t in chosen.tables for c in t.roles})
            raise CxError(f"column '{column}' is in none of the files (columns: {', '.join(known)})", column=column)
        for t in tables:
            t.kind = kind
            t.roles = {c: ("ignore" if r == role and c != column else r) for c, r in t.roles.items()}
            t.roles[column] = role


def _load_and_choose(files: Sequence[Path], mapping_path: Path | None, extra: Sequence[Path] = (),
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

    ws = Workspace()
    ws.load(list(all_files))
    if ws.errors:
        raise ws.errors[0]
    chosen = choose(ws)
    hints = _tool_answers(ws, chosen)
    if hints:      # a recognised tool's convention answers what no value decided: reload, and say so
        ws.close()
        ws = Workspace()
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
        _override(chosen, *overrides)
    return ws, chosen


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


def _open(files: Sequence[Path], mapping_path: Path | None, extra: Sequence[Path] = (),
          overrides: tuple[str, dict[str, str | None]] | None = None) -> Workspace:
    """Load files into a fresh workspace and apply the given (or suggested) mapping."""
    ws, chosen = _load_and_choose(files, mapping_path, extra, overrides)
    ws.apply(chosen)
    return ws


def _emit(df: pd.DataFrame, fmt: str) -> None:
    if fmt == "json":
        records = json.loads(df.to_json(orient="records", date_format="iso", force_ascii=False))
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(df.to_csv(index=False))


def _cmd_load(args: argparse.Namespace) -> int:
    """Print the load report with the mapping cxlib would use, unapplied: finding what does not fit yet is its job."""
    ws, chosen = _load_and_choose(args.files, args.mapping)
    rows = load_report_rows(ws, chosen)
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return 0
    for r in rows:
        print(f"{r['table']}  ({r['source']})  kind: {r['kind']}")
        print(f"  shape: {r['shape'] or '(none recognised)'}")
        print(f"  rows read {r['rows_read']}, loaded {r['rows_loaded']}, rejected {r['rows_rejected']}"
              + (f", skipped lines {r['skipped_lines']}" if r.get("skipped_lines") else ""))
        width = max((len(c["name"]) for c in r["columns"]), default=4)
        for c in r["columns"]:
            print(f"    {c['name']:<{width}}  {c['type']:<9} nulls {c['nulls']:<6} role {c['suggested_role']}")
        for q in r.get("questions", []):
            print(f"  ? {q}")
    return 0


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


def _cmd_sql(args: argparse.Namespace) -> int:
    from cxlib import sql

    ws = _open(args.files, args.mapping)
    _emit(sql.run_cli_query(ws.con, args.query), args.format)
    return 0


def _column(ws: Workspace, name: str | None) -> str | None:
    """An accounts column as the user typed it (view name or original header)."""
    from cxlib.mapping import accounts_column

    return accounts_column(ws.con, ws.mapping, name) if name else None


def _cmd_funnel(args: argparse.Namespace) -> int:
    from cxlib import funnel as fn

    kind = "stage_snapshots" if args.snapshot else "journey_events"
    named = {args.account_col: "account_id", args.stage_col: "stage",
             args.time_col: "as_of" if args.snapshot else "ts"}
    overrides = (kind, named) if any(named) else None
    ws, chosen = _load_and_choose(args.files, args.mapping, [args.accounts] if args.accounts else [],
                                  overrides=overrides)
    notes: list[str] = []
    steps = None
    if args.stages:
        # Resolved before the views are built: steps that are the data's own stage values may add
        # stages to this run's stage list (README, "Command line").
        choice = fn.parse_steps(ws.con, chosen, args.stages)
        chosen, steps, notes = choice.mapping or chosen, choice.steps, list(choice.notes)
    ws.apply(chosen)
    by = fn.breakdown_column(ws.con, ws.mapping, args.by) if args.by else None
    if by is not None and by.note:
        notes.append(by.note)
    spec = fn.FunnelSpec(steps=steps, mode=args.mode, window_days=args.window_days, date_from=args.date_from,
                         date_to=args.date_to, by=by.by if by else None,
                         by_event_tables=by.event_tables if by else (), weight=args.weight,
                         source="snapshot" if args.snapshot else "events")
    result = fn.funnel(ws.con, spec, ws.settings)
    for note in [*notes, *result.notes]:
        sys.stderr.write(f"note: {note}\n")
    _emit(fn.cli_table(result), args.format)
    return 0


def _cmd_scores(args: argparse.Namespace) -> int:
    from cxlib import scores

    ws = _open(args.files, args.mapping, [args.accounts] if args.accounts else [])
    config = ws.score_config
    if args.weights:
        config.weights.update(scores.parse_factor_json(args.weights, config))
    if args.targets:
        config.targets.update(scores.parse_factor_json(args.targets, config))
    config.validate()
    if args.by:
        by = _column(ws, args.by)
        table = scores.segment_scores(ws.con, config, by, settings=ws.settings)
        _emit(scores.cli_scores_table(table, by=by), args.format)
    else:
        table = scores.account_scores(ws.con, config, settings=ws.settings)
        _emit(scores.cli_scores_table(table), args.format)
    return 0


def _cmd_nps(args: argparse.Namespace) -> int:
    from cxlib import surveys

    overrides = ("surveys", {args.score_col: "score:NPS"}) if args.score_col else None
    ws = _open(args.files, args.mapping, overrides=overrides)
    by = args.by if args.by in surveys.SURVEY_BREAKDOWNS else _column(ws, args.by)
    table = surveys.nps(ws.con, by=by, level=args.level, settings=ws.settings)
    _emit(surveys.cli_nps_table(table), args.format)
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from cxlib import segments

    ws = _open(args.files, args.mapping)
    rate = None
    if args.rate:
        column, value = segments.parse_rate(args.rate)
        rate = (_column(ws, column), value)     # yes/no words are matched by meaning in `compare`
    table = segments.compare(ws.con, _column(ws, args.by), rate=rate, mean=_column(ws, args.mean),
                             settings=ws.settings)
    _emit(segments.cli_compare_table(table), args.format)
    return 0


def _cmd_pack(args: argparse.Namespace) -> int:
    from cxlib import meeting, segments

    if args.out.suffix.lower() not in (".pptx", ".pdf"):
        raise CxError(f"--out {args.out}: the pack is written as .pptx or .pdf")
    ws = _open(args.files, args.mapping)
    if args.account:
        content = meeting.account_pack(ws.con, args.account, ws.score_config, ws.settings)
    else:
        column, value = segments.parse_rate(args.segment)
        content = meeting.segment_pack(ws.con, _column(ws, column), value, ws.score_config, ws.settings)
    meeting.write_pack(content, args.out)
    sys.stdout.write(f"{args.out}\n")
    return 0


COMMANDS = {"load": _cmd_load, "funnel": _cmd_funnel, "sql": _cmd_sql, "scores": _cmd_scores, "nps": _cmd_nps,
            "compare": _cmd_compare, "pack": _cmd_pack}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m cxlib`; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except CxError as exc:
        sys.stderr.write(f"error: {' '.join(str(exc).split())}\n")
        return EXIT_USAGE
