"""The command line's parser: every command, option and help text (README "Command line")."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from cxlib.early_warning.config import NEEDS_ACTIVITIES, SIGNALS

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (the contract: one line on stderr, exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _files(value: str) -> Path:
    return Path(value)


def _positive(value: str) -> int:
    """A whole number ≥ 1 (--top)."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{value}'") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {n}")
    return n


def _add_common(p: argparse.ArgumentParser, *, files: bool = True) -> None:
    if files:
        p.add_argument("files", nargs="+", type=_files, metavar="FILE", help="CSV, TSV, TXT, XLSX, XLS or Parquet exports")
    p.add_argument("--mapping", type=_files, metavar="MAPPING.json",
                   help="a mapping saved from the app's Data page (default: cxlib's suggestion)")


def _add_format(p: argparse.ArgumentParser, choices: Sequence[str] = ("csv", "json"), default: str = "csv") -> None:
    p.add_argument("--format", choices=choices, default=default, help=f"output format (default {default})")


SCALES = ("0-1", "0-2", "1-5", "1-7", "1-10", "0-10")     # cxlib.surveys.SCALES, without importing it here


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
    p.add_argument("--scale", choices=SCALES, help="the answers' scale (default: detected from their range)")
    _add_format(p, default="json")

    p = sub.add_parser("ces", help="Customer Effort Score: mean answer with a Student-t 95%% interval")
    _add_common(p)
    p.add_argument("--score-col", metavar="C", help="the effort answer column (its file is read as survey answers)")
    _add_survey_by(p)
    p.add_argument("--scale", choices=[s for s in SCALES if not s.startswith("0-")],
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
                   help="appropriate experience at or above X (default: CSAT's satisfied answers on the scale "
                        "found in the data, 4 on 1-5, 6 on 1-7, 1 on good/bad; 7 for NPS; 75 for scores)")
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
                                   f"(';'-separated: {', '.join(SIGNALS)}; {', '.join(NEEDS_ACTIVITIES)} only when "
                                   "activities are loaded), first_signal_date, evidence. Thresholds come "
                                   "from the mapping's \"warnings\" entry (the Early warning page). Nothing flagged: "
                                   "an empty list, exit 0, and 'note: no account flagged at DATE' on stderr.")
    _add_common(p)
    p.add_argument("--segment-col", metavar="COLUMN",
                   help="accounts column whose segments give the stalled signal's p90 (default: all accounts)")
    _add_format(p, default="json")

    p = sub.add_parser("stories", help="story finder: customer stories worth telling, best first (account_id, name, "
                            "score, challenge, timing, celebration, days_to_value, evidence, quote, recent_reference)",
                       description="Customers (from Decision until Churn) not in Disappointment or Churn at the as-of "
                                   "date, ranked by score = 100 × (0.35 C + 0.30 T + 0.35 W) (weights from the "
                                   "mapping's \"stories\" entry, the Stories page), then account_id. Columns: "
                                   "account_id, name, score, challenge (C: 1 a low point overcome on a later day, "
                                   "0.5 an intent to replace a legacy process or a competitor, else 0), timing (T: "
                                   "1 − percent_rank of days_to_value in the segment, 0 unknown), celebration (W: mean "
                                   "of outcome achieved, latest NPS ≥ 9, reached Advocacy), days_to_value (Decision "
                                   "to the first Usage after it), evidence (three dated sentences), quote (the "
                                   "longest comment of an NPS 9–10 answer), recent_reference (a done reference "
                                   "activity in the last 90 days; false when no activities are loaded, with a note).")
    _add_common(p)
    p.add_argument("--top", type=_positive, default=10, metavar="N", help="the N best stories (default 10)")
    p.add_argument("--segment-col", metavar="COLUMN",
                   help="accounts column whose segments timing is ranked within (default: all ranked accounts)")
    _add_format(p, default="json")

    p = sub.add_parser("centricity", help="customer-centricity: care, act daily, attested, want vs do (accounts, care, "
                       "act_daily_median, proactive_share, attested_with, attested_without, attested_p_value, "
                       "want_do_coverage)",
                       description="Columns: segment (with --by), accounts, care, act_daily_median, proactive_share, "
                                   "attested_with, attested_without, attested_p_value, want_do_coverage. Over the "
                                   "customers at the as-of date (Decision until Churn, Disappointment included, lost "
                                   "deals never): care = share with a survey answer or a QBR/EBR in the last 365 days; "
                                   "act_daily_median = median share of the 13 seven-day blocks ending at the as-of "
                                   "date with a provider-initiated activity; proactive_share = activities not within "
                                   "0-14 days after a customer ticket or detractor answer, of all provider-initiated "
                                   "ones in those 13 weeks; attested_with / attested_without = promoter share of the "
                                   "last 365 days' NPS answers with / without a proactive activity in the 90 days "
                                   "before, attested_p_value the two-proportion test; want_do_coverage = sum of w over "
                                   "themes acted on (a >= 0.5) / sum of w (themes from the mapping's \"centricity\" "
                                   "entry). An empty number is null, with its reason on stderr as a note.")
    _add_common(p)
    p.add_argument("--by", metavar="COLUMN", help="per value of an accounts column (adds the segment column)")
    _add_format(p, default="json")

    p = sub.add_parser("sql", help="a read-only SQL query over the loaded tables and canonical views")
    _add_common(p)
    p.add_argument("--query", required=True, metavar='"SELECT …"')
    _add_format(p)
    return parser
