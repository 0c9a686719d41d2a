"""`python -m cxlib …`: the same numbers as the app, for scripts, scheduled jobs and notebooks.

Command names, options and printed column names are a public contract (see README "Command line").
Errors a user can cause print one line to stderr and exit with code 2. No silent empty number: a
metric table with nothing in it is never printed; the command exits 2 with the reason from
`cxlib.diagnostics` (rows loaded, why none could be used, naming the column).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from cxlib.errors import CxError
from cxlib.workspace import Workspace, connect, machine_memory_limit

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


_SCALES = ("0-1", "0-2", "1-5", "1-7", "1-10", "0-10")     # cxlib.surveys.SCALES, without importing it here


def _add_survey_by(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", metavar="COLUMN",
                   help="break down by a column of the survey file itself or of the accounts table (the file's own "
                        "wins, with a note), or by stage, touchpoint, respondent_role, month, quarter or year")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, documented in `python -m cxlib --help`."""
    parser = _Parser(prog="python -m cxlib", description="Journey Lens from the command line: "
                     "the same loading, mapping and metrics as the app.",
                     epilog="Errors print one line to stderr and exit 2. A metric with rows loaded but none it "
                            "can use prints no table: it exits 2 with the reason, naming the column and the counts. "
                            "DuckDB may use half the machine's memory (JOURNEY_LENS_MEMORY_LIMIT overrides).")
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
    p.add_argument("--exclude", action="append", default=[], metavar='"STAGE:A-B"',
                   help='remove from the funnel (step 1 included) every account with an entry of STAGE strictly '
                        "between its steps A and B (or after A when B is not reached), within the window; "
                        'repeatable, e.g. --exclude "Disappointment:2-3"; not with --mode any')
    p.add_argument("--optional", action="append", default=[], metavar="K",
                   help='step K may be skipped (repeatable or "3,4"): its row counts the accounts that took it, and '
                        "the next step's conversion is from the last required step; not step 1 or the last; "
                        "--mode ordered only; adds a last column `optional`")
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
    p.add_argument("--score-col", metavar="C", help="the 0–10 answer column (its file is read as survey answers)")
    _add_survey_by(p)
    p.add_argument("--level", choices=("response", "account"), default="response",
                   help="response: every answer; account: each account's latest answer (needs an account column)")
    _add_format(p, default="json")

    p = sub.add_parser("csat", help="CSAT: share of satisfied (top-two-box) answers with a Wilson 95%% interval")
    _add_common(p)
    p.add_argument("--score-col", metavar="C", help="the satisfaction answer column (its file is read as survey answers)")
    _add_survey_by(p)
    p.add_argument("--scale", choices=_SCALES, help="the answers' scale (default: detected from their range)")
    _add_format(p, default="json")

    p = sub.add_parser("ces", help="Customer Effort Score: mean answer with a Student-t 95%% interval")
    _add_common(p)
    p.add_argument("--score-col", metavar="C", help="the effort answer column (its file is read as survey answers)")
    _add_survey_by(p)
    p.add_argument("--scale", choices=[s for s in _SCALES if not s.startswith("0-")],
                   help="the answers' scale (default: detected from their range)")
    p.add_argument("--lower-is-better", action="store_true",
                   help='for "how much effort" wordings (default: higher is better, "how easy was it")')
    _add_format(p, default="json")

    p = sub.add_parser("compare", help="segments side by side, each tested against the rest")
    _add_common(p)
    p.add_argument("--by", required=True, metavar="COLUMN")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--rate", metavar="COLUMN=VALUE", help="share of accounts whose COLUMN equals VALUE "
                   '(yes/no words by meaning: "Churn=Yes" and "Churn=true" both count true)')
    g.add_argument("--mean", metavar="COLUMN", help="mean of a numeric accounts column (a measure such as tenure)")
    _add_format(p, default="json")

    p = sub.add_parser("outcomes", help="desired outcome quadrants now, or at every fiscal quarter end (--by-quarter)",
                       description="Each account's desired-outcome quadrant (successful, outcome without the right "
                       "experience, good experience without the outcome, neither, unknown). Default: the quadrants "
                       "now, columns (segment), quadrant, accounts, share, arr. --by-quarter: at every fiscal quarter "
                       "end, columns quarter, (segment), quadrant, accounts, share, arr, partial (the current quarter, "
                       "read at the as-of date). Share is of the accounts placed; 'unknown' has none.")
    _add_common(p)
    p.add_argument("--experience", default="csat", metavar="csat|nps|composite|factor:KEY",
                   help="the experience measure (default csat: the latest CSAT answer)")
    p.add_argument("--experience-threshold", type=float, metavar="X",
                   help="appropriate experience at or above X (default: 4 for CSAT, 7 for NPS, 75 for scores)")
    p.add_argument("--outcome-threshold", type=float, default=0.5, metavar="X",
                   help="outcome reached at or above X (default 0.5: yes/no arrives as 1/0)")
    p.add_argument("--by", metavar="COLUMN", help="per value of an accounts column (adds the segment column)")
    p.add_argument("--by-quarter", action="store_true",
                   help="the quadrants at every fiscal quarter end (answers and factor ratings older than 180 days "
                        "then count as missing)")
    _add_format(p, default="json")
    p = sub.add_parser("drivers", help="what goes with churning, converting to a stage or the desired outcome: "
                       "odds ratios per segment value, rates by quartile, odds ratio per SD of each measure",
                       description="Columns: driver, value, n, rate, rest_rate, odds_ratio, ci_low, ci_high, "
                                   "p_value, p_adjusted, significant, test. Each segment value against the rest "
                                   "(Fisher's exact test when an expected cell is < 5, else the z-test; Woolf 95 % "
                                   "interval), each measure and factor score by quartile and per SD (logistic "
                                   "regression); Benjamini-Hochberg across everything tested.")
    _add_common(p)
    p.add_argument("--outcome", required=True, metavar="churned|converted:STAGE|successful",
                   help="churned (a Churn entry or a churn flag at the as-of date), converted:STAGE (from the "
                        "funnel step before STAGE to STAGE) or successful (the desired outcome's quadrant)")
    _add_format(p)

    p = sub.add_parser("pack", help="a meeting pack (PPTX or PDF) for one account or one segment")
    _add_common(p)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--account", metavar="ID", help="the account's id")
    g.add_argument("--segment", metavar="COLUMN=VALUE", help='e.g. "Tier=Enterprise"')
    p.add_argument("--out", required=True, type=_files, metavar="FILE.pptx|FILE.pdf")

    p = sub.add_parser("warnings", help="early warning: customer accounts flagged now (account_id, name, arr, renewal_date, signals, "
                            "first_signal_date, evidence)",
                       description="Customers (from Decision until Churn) flagged at the as-of date, renewals within "
                                   "180 days first. Columns: account_id, name, arr, renewal_date, signals "
                                   "(';'-separated: entered_disappointment, score_drop, nps_drop, csat_drop, stalled, "
                                   "silent, decision_maker_detractor), first_signal_date, evidence. Thresholds come "
                                   "from the mapping's \"warnings\" entry (the Early warning page). Nothing flagged: "
                                   "an empty list, exit 0, and 'note: no account flagged at DATE' on stderr.")
    _add_common(p)
    p.add_argument("--segment-col", metavar="COLUMN",
                   help="accounts column whose segments give the stalled signal's p90 (default: all accounts)")
    _add_format(p, default="json")

    p = sub.add_parser("sql", help="a read-only SQL query over the loaded tables and canonical views")
    _add_common(p)
    p.add_argument("--query", required=True, metavar='"SELECT …"')
    _add_format(p)
    return parser


def _override(con: Any, chosen: Any, kind: str, roles: dict[str, str | None]) -> None:
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

    ws = _cli_workspace()
    ws.load(list(all_files))
    if ws.errors:
        raise ws.errors[0]
    chosen = choose(ws)
    hints = _tool_answers(ws, chosen)
    if hints:      # a recognised tool's convention answers what no value decided: reload, and say so
        ws.close()
        ws = _cli_workspace()
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
        _override(ws.con, chosen, *overrides)
    return ws, chosen


def _cli_workspace() -> Workspace:
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


def _open(files: Sequence[Path], mapping_path: Path | None, extra: Sequence[Path] = (),
          overrides: tuple[str, dict[str, str | None]] | None = None) -> Workspace:
    """Load files into a fresh workspace and apply the given (or suggested) mapping."""
    ws, chosen = _load_and_choose(files, mapping_path, extra, overrides)
    ws.apply(chosen)
    _RUN.ws = ws
    return ws


@dataclass
class _Run:
    """The command being run and the workspace it opened, so the one output point can check its numbers."""

    args: argparse.Namespace | None = None
    ws: Workspace | None = None


_RUN = _Run()


def _survey_check(kind: str) -> Callable[[pd.DataFrame], Any]:
    def reason(df: pd.DataFrame) -> Any:
        if not df.empty and int(df["n"].sum()) > 0:
            return None
        from cxlib import diagnostics

        ws, args = _RUN.ws, _RUN.args
        return diagnostics.survey_reason(ws.con, ws.mapping, kind, getattr(args, "level", "response"), ws.settings)
    return reason


def _funnel_check(df: pd.DataFrame) -> Any:
    if not df.empty and "accounts" in df and float(df["accounts"].max()) > 0:
        return None
    from cxlib import diagnostics

    ws, args = _RUN.ws, _RUN.args
    steps = [s.strip() for s in (getattr(args, "stages", None) or "").split(",") if s.strip()] or None
    return diagnostics.funnel_reason(ws.con, ws.mapping, snapshot=bool(getattr(args, "snapshot", False)),
                                     steps=steps, date_from=getattr(args, "date_from", None),
                                     date_to=getattr(args, "date_to", None), settings=ws.settings)


def _scores_check(df: pd.DataFrame) -> Any:
    if not df.empty and df["composite"].notna().any():
        return None
    from cxlib import diagnostics

    ws = _RUN.ws
    return diagnostics.scores_reason(ws.con, ws.mapping, ws.score_config, ws.settings)


def _compare_check(df: pd.DataFrame) -> Any:
    if not df.empty and int(df["n"].sum()) > 0:
        return None
    from cxlib import diagnostics, segments

    ws, args = _RUN.ws, _RUN.args
    column = segments.parse_rate(args.rate)[0] if getattr(args, "rate", None) else getattr(args, "mean", None)
    return diagnostics.compare_reason(ws.con, ws.mapping, column) if column else None


# Per command: the reason its table (or the metric's own refusal) has no number, or None when it has one.
_WHY_EMPTY: dict[str, Callable[[pd.DataFrame], Any]] = {
    "nps": _survey_check("NPS"), "csat": _survey_check("CSAT"), "ces": _survey_check("CES"),
    "funnel": _funnel_check, "scores": _scores_check, "compare": _compare_check,
}


def _why_empty(df: pd.DataFrame) -> Any:
    """The diagnostics reason the running command's table has no number, or None (printable as it is)."""
    check = _WHY_EMPTY.get(_RUN.args.command) if _RUN.args is not None else None
    return check(df) if check is not None and _RUN.ws is not None else None


def _emit(df: pd.DataFrame, fmt: str) -> None:
    """Print a command's table; an empty number is refused with its reason (CxError: one line, exit 2)."""
    reason = _why_empty(df)
    if reason is not None:
        raise CxError(reason.text, column=reason.column)
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
    _RUN.ws = ws
    by = fn.breakdown_column(ws.con, ws.mapping, args.by) if args.by else None
    if by is not None and by.note:
        notes.append(by.note)
    spec = fn.FunnelSpec(steps=steps, mode=args.mode, window_days=args.window_days, date_from=args.date_from,
                         date_to=args.date_to, by=by.by if by else None,
                         by_event_tables=by.event_tables if by else (), weight=args.weight,
                         source="snapshot" if args.snapshot else "events",
                         exclude=tuple(fn.parse_exclusion(text, ws.settings) for text in args.exclude),
                         optional=fn.parse_optional(args.optional))
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


def _open_surveys(args: argparse.Namespace, survey_type: str) -> tuple[Workspace, Any]:
    """Open the files for a survey metric (`--score-col` makes that column the type's answers) and resolve `--by`.

    `--by` names a breakdown (stage, month, …), a column of the survey file itself or an accounts
    column (`dimensions.resolve_by_column`): the file's own wins, with a `note:` line.
    """
    from cxlib import canonical, dimensions, surveys

    overrides = ("surveys", {args.score_col: f"score:{survey_type}"}) if args.score_col else None
    ws = _open(args.files, args.mapping, overrides=overrides)
    if args.by is None or args.by in surveys.SURVEY_BREAKDOWNS:
        return ws, args.by
    by = dimensions.resolve_by_column(ws.con, canonical.SURVEYS, args.by, ws.mapping)
    if by.note:
        sys.stderr.write(f"note: {by.note}\n")
    return ws, by


def _cmd_nps(args: argparse.Namespace) -> int:
    from cxlib import surveys

    ws, by = _open_surveys(args, "NPS")
    table = surveys.nps(ws.con, by=by, level=args.level, settings=ws.settings)
    _emit(surveys.cli_nps_table(table), args.format)
    return 0


def _cmd_csat(args: argparse.Namespace) -> int:
    from cxlib import surveys

    ws, by = _open_surveys(args, "CSAT")
    table = surveys.csat(ws.con, by=by, scale=args.scale, settings=ws.settings)
    out = surveys.cli_csat_table(table)
    if len(table) and int(table["n"].sum()) > 0:
        scale = surveys.SCALES[str(table["scale"].iloc[0])]
        sys.stderr.write(f"note: CSAT on the {scale.name} scale: {scale.top_from} and above count as satisfied.\n")
    _emit(out, args.format)
    return 0


def _cmd_ces(args: argparse.Namespace) -> int:
    from cxlib import surveys

    ws, by = _open_surveys(args, "CES")
    table = surveys.ces(ws.con, by=by, lower_is_better=args.lower_is_better, scale=args.scale, settings=ws.settings)
    _emit(surveys.cli_ces_table(table), args.format)
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


def _cmd_outcomes(args: argparse.Namespace) -> int:
    from cxlib import outcome_history, outcomes

    ws = _open(args.files, args.mapping)
    spec = outcomes.OutcomeSpec(args.outcome_threshold, args.experience, args.experience_threshold)
    by = _column(ws, args.by)
    if args.by_quarter:
        table = outcome_history.quarterly_summary(ws.con, spec, by=by, settings=ws.settings, config=ws.score_config)
        undated = outcome_history.undated_answers(ws.con, spec, config=ws.score_config)
        if undated:
            sys.stderr.write(f"note: {outcome_history.answers_word(spec, undated)} no date: they count in "
                             "no quarter (their age is unknown).\n")
    else:
        table = outcomes.quadrant_summary(ws.con, spec, ws.score_config, by=by, settings=ws.settings)
    placed = table[table["quadrant"] != outcomes.UNKNOWN]
    if int(placed["accounts"].sum()) == 0:
        raise CxError(outcome_history.placement_reason(ws.con, spec, ws.settings))
    _emit(outcome_history.cli_table(table), args.format)
    return 0


def _cmd_drivers(args: argparse.Namespace) -> int:
    from cxlib import drivers

    outcome = drivers.parse_outcome(args.outcome)
    ws = _open(args.files, args.mapping)
    table = drivers.drivers(ws.con, outcome, ws.settings, mapping=ws.mapping, score_config=ws.score_config)
    for note in table.attrs.get("notes", []):
        sys.stderr.write(f"note: {note}\n")
    for row in table[table["note"].notna() & (table["kind"] == drivers.PER_SD)].itertuples(index=False):
        if row.test is None:
            sys.stderr.write(f"note: {row.driver}: {row.note}\n")
    _emit(drivers.cli_drivers_table(table), args.format)
    return 0


def _cmd_pack(args: argparse.Namespace) -> int:
    from cxlib import meeting, segments

    if args.out.suffix.lower() not in (".pptx", ".pdf"):
        raise CxError(f"--out {args.out}: the pack is written as .pptx or .pdf")
    ws = _open(args.files, args.mapping)
    if args.account:
        content = meeting.account_pack(ws.con, args.account, ws.score_config, ws.settings,
                                       warning_config=ws.warning_config)
    else:
        column, value = segments.parse_rate(args.segment)
        content = meeting.segment_pack(ws.con, _column(ws, column), value, ws.score_config, ws.settings,
                                       ws.warning_config, mapping=ws.mapping)
    meeting.write_pack(content, args.out)
    sys.stdout.write(f"{args.out}\n")
    return 0


def _cmd_warnings(args: argparse.Namespace) -> int:
    from cxlib import dimensions
    from cxlib import early_warning as ew

    ws = _open(args.files, args.mapping)
    config = ws.warning_config
    if args.segment_col:
        config = config.with_edits(stalled_by=_column(ws, args.segment_col))
    run = ew.prepare(ws.con, config, ws.score_config, ws.settings)
    table = ew.warnings_table(ws.con, run)
    if table.empty:
        sys.stderr.write(f"note: no account flagged at {run.as_of:%Y-%m-%d}\n")
        checked = ew.customers_count(ws.con, run)
        (known,) = ws.con.execute(f"SELECT count(*) FROM ({dimensions.known_accounts_sql(ws.con)}) AS known").fetchone()
        sys.stderr.write(f"note: {checked:,} of {known:,} accounts are customers at that date and were checked (a "
                         "customer has entered Decision and not churned, and was never a lost deal)\n")
    _emit(ew.cli_table(table), args.format)
    return 0


COMMANDS = {"load": _cmd_load, "funnel": _cmd_funnel, "sql": _cmd_sql, "scores": _cmd_scores, "nps": _cmd_nps,
            "csat": _cmd_csat, "ces": _cmd_ces, "compare": _cmd_compare, "outcomes": _cmd_outcomes,
            "drivers": _cmd_drivers, "warnings": _cmd_warnings, "pack": _cmd_pack}


def _explained(exc: CxError) -> CxError:
    """A metric's refusal, or the diagnostics reason when its rows were loaded but none could be used.

    "No journey events are loaded" is wrong when 240 were loaded and none maps to a stage: the
    reason naming the column and the counts says what to fix.
    """
    if _RUN.ws is None or _RUN.args is None or _RUN.args.command not in _WHY_EMPTY:
        return exc
    try:
        reason = _why_empty(pd.DataFrame())
    except CxError:
        return exc
    if reason is None or reason.loaded == 0 or reason.usable > 0:
        return exc
    return CxError(reason.text, column=reason.column)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m cxlib`; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _RUN.args, _RUN.ws = args, None
    try:
        return COMMANDS[args.command](args)
    except CxError as exc:
        exc = _explained(exc)
        sys.stderr.write(f"error: {' '.join(str(exc).split())}\n")
        return EXIT_USAGE
    finally:
        _RUN.args, _RUN.ws = None, None
