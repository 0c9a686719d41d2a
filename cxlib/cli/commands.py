"""One function per command: open the files, compute through cxlib, print (`COMMANDS`)."""

from __future__ import annotations

import argparse
import json
import sys

from cxlib.cli.run import RUN, column_name, emit, load_and_choose, load_report_rows, open_surveys, open_workspace
from cxlib.errors import CxError


def _cmd_load(args: argparse.Namespace) -> int:
    """Print the load report with the mapping cxlib would use, unapplied: finding what does not fit yet is its job."""
    ws, chosen = load_and_choose(args.files, args.mapping)
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


def _cmd_sql(args: argparse.Namespace) -> int:
    from cxlib import sql

    ws = open_workspace(args.files, args.mapping)
    emit(sql.run_cli_query(ws.con, args.query), args.format)
    return 0


def _cmd_funnel(args: argparse.Namespace) -> int:
    from cxlib import funnel as fn

    kind = "stage_snapshots" if args.snapshot else "journey_events"
    named = {args.account_col: "account_id", args.stage_col: "stage",
             args.time_col: "as_of" if args.snapshot else "ts"}
    overrides = (kind, named) if any(named) else None
    ws, chosen = load_and_choose(args.files, args.mapping, [args.accounts] if args.accounts else [],
                                  overrides=overrides)
    notes: list[str] = []
    steps = None
    if args.stages:
        # Resolved before the views are built: steps that are the data's own stage values may add
        # stages to this run's stage list (README, "Command line").
        choice = fn.parse_steps(ws.con, chosen, args.stages)
        chosen, steps, notes = choice.mapping or chosen, choice.steps, list(choice.notes)
    ws.apply(chosen)
    RUN.ws = ws
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
    emit(fn.cli_table(result), args.format)
    return 0


def _cmd_scores(args: argparse.Namespace) -> int:
    from cxlib import scores

    ws = open_workspace(args.files, args.mapping, [args.accounts] if args.accounts else [])
    config = ws.score_config
    if args.weights:
        config.weights.update(scores.parse_factor_json(args.weights, config))
    if args.targets:
        config.targets.update(scores.parse_factor_json(args.targets, config))
    config.validate()
    if args.by:
        by = column_name(ws, args.by)
        table = scores.segment_scores(ws.con, config, by, settings=ws.settings)
        emit(scores.cli_scores_table(table, by=by), args.format)
    else:
        table = scores.account_scores(ws.con, config, settings=ws.settings)
        emit(scores.cli_scores_table(table), args.format)
    return 0


def _cmd_nps(args: argparse.Namespace) -> int:
    from cxlib import surveys

    ws, by = open_surveys(args, "NPS")
    table = surveys.nps(ws.con, by=by, level=args.level, settings=ws.settings)
    emit(surveys.cli_nps_table(table), args.format)
    return 0


def _cmd_csat(args: argparse.Namespace) -> int:
    from cxlib import surveys

    ws, by = open_surveys(args, "CSAT")
    table = surveys.csat(ws.con, by=by, scale=args.scale, settings=ws.settings)
    out = surveys.cli_csat_table(table)
    if len(table) and int(table["n"].sum()) > 0:
        scale = surveys.SCALES[str(table["scale"].iloc[0])]
        sys.stderr.write(f"note: CSAT on the {scale.name} scale: {scale.top_from} and above count as satisfied.\n")
    emit(out, args.format)
    return 0


def _cmd_ces(args: argparse.Namespace) -> int:
    from cxlib import surveys

    ws, by = open_surveys(args, "CES")
    table = surveys.ces(ws.con, by=by, lower_is_better=args.lower_is_better, scale=args.scale, settings=ws.settings)
    emit(surveys.cli_ces_table(table), args.format)
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from cxlib import segments

    ws = open_workspace(args.files, args.mapping)
    rate = None
    if args.rate:
        column, value = segments.parse_rate(args.rate)
        rate = (column_name(ws, column), value)     # yes/no words are matched by meaning in `compare`
    table = segments.compare(ws.con, column_name(ws, args.by), rate=rate, mean=column_name(ws, args.mean),
                             settings=ws.settings)
    emit(segments.cli_compare_table(table), args.format)
    return 0


def _cmd_outcomes(args: argparse.Namespace) -> int:
    from cxlib import outcome_history, outcomes

    ws = open_workspace(args.files, args.mapping)
    spec = outcomes.OutcomeSpec(args.outcome_threshold, args.experience, args.experience_threshold)
    by = column_name(ws, args.by)
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
    emit(outcome_history.cli_table(table), args.format)
    return 0


def _cmd_drivers(args: argparse.Namespace) -> int:
    from cxlib import drivers

    outcome = drivers.parse_outcome(args.outcome)
    ws = open_workspace(args.files, args.mapping)
    table = drivers.drivers(ws.con, outcome, ws.settings, mapping=ws.mapping, score_config=ws.score_config)
    for note in table.attrs.get("notes", []):
        sys.stderr.write(f"note: {note}\n")
    for row in table[table["note"].notna() & (table["kind"] == drivers.PER_SD)].itertuples(index=False):
        if row.test is None:
            sys.stderr.write(f"note: {row.driver}: {row.note}\n")
    emit(drivers.cli_drivers_table(table), args.format)
    return 0


def _cmd_pack(args: argparse.Namespace) -> int:
    from cxlib import meeting, segments

    if args.out.suffix.lower() not in (".pptx", ".pdf"):
        raise CxError(f"--out {args.out}: the pack is written as .pptx or .pdf")
    ws = open_workspace(args.files, args.mapping)
    if args.account:
        content = meeting.account_pack(ws.con, args.account, ws.score_config, ws.settings,
                                       warning_config=ws.warning_config)
    else:
        column, value = segments.parse_rate(args.segment)
        content = meeting.segment_pack(ws.con, column_name(ws, column), value, ws.score_config, ws.settings,
                                       ws.warning_config, mapping=ws.mapping)
    meeting.write_pack(content, args.out)
    sys.stdout.write(f"{args.out}\n")
    return 0


def _cmd_warnings(args: argparse.Namespace) -> int:
    from cxlib import dimensions
    from cxlib import early_warning as ew

    ws = open_workspace(args.files, args.mapping)
    config = ws.warning_config
    if args.segment_col:
        config = config.with_edits(stalled_by=column_name(ws, args.segment_col))
    run = ew.prepare(ws.con, config, ws.score_config, ws.settings)
    table = ew.warnings_table(ws.con, run)
    if table.empty:
        sys.stderr.write(f"note: no account flagged at {run.as_of:%Y-%m-%d}\n")
        checked = ew.customers_count(ws.con, run)
        (known,) = ws.con.execute(f"SELECT count(*) FROM ({dimensions.known_accounts_sql(ws.con)}) AS known").fetchone()
        sys.stderr.write(f"note: {checked:,} of {known:,} accounts are customers at that date and were checked (a "
                         "customer has entered Decision and not churned, and was never a lost deal)\n")
    emit(ew.cli_table(table), args.format)
    return 0


def _cmd_stories(args: argparse.Namespace) -> int:
    from cxlib import stories

    ws = open_workspace(args.files, args.mapping)
    run = stories.story_run(ws.con, ws.settings, ws.story_config, column_name(ws, args.segment_col))
    table = stories.find_stories(ws.con, ws.settings, ws.score_config, run.config, ws.warning_config,
                                 run.segment_column, as_of=run.as_of)
    if table.empty:
        customers, ranked = stories.eligible_count(ws.con, ws.settings, run.as_of)
        sys.stderr.write(f"note: no story to tell at {run.as_of:%Y-%m-%d}: {customers:,} customers at that date, "
                         f"{ranked:,} of them neither in Disappointment nor in Churn (load journey events with "
                         "Decision entries, or an accounts table with a current stage)\n")
    if run.activities == 0:
        sys.stderr.write("note: no activities are loaded, so recent_reference is false for every account "
                         "(reference use unknown)\n")
    emit(stories.cli_table(table, args.top, run.segment_column), args.format)
    return 0


def _cmd_centricity(args: argparse.Namespace) -> int:
    from cxlib import centricity

    ws = open_workspace(args.files, args.mapping)
    result = centricity.centricity(ws.con, ws.settings, ws.centricity_config, by=column_name(ws, args.by))
    if result.groups.empty:
        raise CxError(f"no customers at {result.as_of:%Y-%m-%d}: an account becomes one at Decision and stops at "
                      "Churn (journey_events.stage, accounts.stage); load a journey or accounts export with stages")
    for note in centricity.notes(result):
        sys.stderr.write(f"note: {note}\n")
    emit(centricity.cli_table(result), args.format)
    return 0


COMMANDS = {"load": _cmd_load, "funnel": _cmd_funnel, "sql": _cmd_sql, "scores": _cmd_scores, "nps": _cmd_nps,
            "csat": _cmd_csat, "ces": _cmd_ces, "compare": _cmd_compare, "outcomes": _cmd_outcomes,
            "drivers": _cmd_drivers, "warnings": _cmd_warnings, "stories": _cmd_stories, "pack": _cmd_pack,
            "centricity": _cmd_centricity}
