"""Funnel conversion over the canonical views: modes, window, breakdown, cohorts, drop-offs, times.

Definitions (the README quotes them; tests pin them on hand-computed fixtures):

- Times are compared as stored: a date without a time part is midnight, so entries on the same
  date tie. Entries at the same time are in order (ties count as "at or after").
- ``ordered`` (default): an account reaches step k when it has distinct entries of steps 1..k at
  times t1 <= t2 <= ... <= tk (other stages may lie between). The counting sequence starts at the
  earliest t1 that reaches the account's furthest step; each later ti is the earliest step-i
  entry at or after t(i-1) that the sequence has not used yet (a stage listed twice needs two
  entries). Times, cohorts and histograms all use that sequence.
- ``strict``: the ordered sequence from a start, broken at the first step whose entry has any
  other entry of the account (any stage, exits included) strictly between it and the previous
  step's entry. Every step-1 entry is tried as a start; the earliest start reaching the furthest
  step is the counting sequence.
- ``any``: the account has entries of steps 1..k in any order; ti is the earliest entry of
  step i (the r-th earliest for the r-th time a stage is listed). Days between steps can be
  negative in this mode.
- Window W (days, fractions allowed): every ti lies within W of the sequence's earliest entry
  (t1 for ordered/strict, the earliest of t1..tk for any); exactly W is in. For ordered and
  strict every step-1 entry is tried as a start.
- ``date_from``/``date_to`` (inclusive dates) restrict the step-1 entry only.
- Each account counts once per step.
- dropped(k) = accounts(k-1) - accounts(k): ``dropped_exited`` when the account has an exit
  entry (Disappointment, Churn, Lost deal) at or after its last reached step (strictly after when
  that step is itself an exit), else ``dropped_in_progress``.
- Days from previous: (tk - t(k-1)) in fractional days over the accounts that reached k; median
  and p90 by ``quantile_cont``. The Kaplan-Meier median treats accounts that reached k-1 but not
  k as censored: at their last exit entry when exited, at the as-of date when in progress; it
  is the first time the survival estimate falls to 0.5 or below (NULL when it never does).
- Exclusion (stage, a, b), ordered and strict only: an entry of that stage strictly between t_a and
  t_b of the account's counting sequence — or after t_a when step b is not reached — within W of t1
  when a window is set, removes the account from the funnel altogether, step 1 included (as
  PostHog does); entries at exactly t_a or t_b do not. Rules repeat; a note says how many
  accounts were excluded and by which rule. The stage must not be one of steps a..b. Unlike
  PostHog, which tries other starts after an excluded attempt, the counting sequence is chosen
  first and an account whose sequence is matched leaves the funnel.
- Optional step k (ordered only; never step 1 or the last; its stage listed once): the sequence is
  counted on the required steps; step k's row counts the accounts that reached the previous
  required step p and have a step-k entry at or after t_p and at or before the next required
  step's entry (any time after t_p when that one is not reached), within W of t1. Its days run
  from t_p to the earliest such entry; it drops no one; the next required step's
  conversion_from_previous, drop-off and days are from t_p. Cohorts, drop-off lists and times to
  convert number the required steps only.
- As-of date: ``dimensions.as_of_date`` (the setting, else the latest timestamp in the data);
  entries after it are not known yet, so "in progress" and censoring are as they stood then.

One module per concept, modelled on PostHog's per-mode funnel classes:
- `steps`: a typed step list resolved to stages (`parse_steps`, for the CLI and the page alike).
- `spec`: FunnelSpec, FunnelResult and the checked plan (steps, exits, as-of) every query shares.
- `params`: named parameters and shared SQL fragments (step-1 date range, window, WITH, run).
- `sequences`: the event scan, per-account stats and lists, the ordered chain from lists.
- `ordered`, `strict`, `unordered` (`any`): each mode's counting sequences; `snapshot`: current stages.
- `journeys`: the mode's (or snapshot's) `journeys` CTE and its parameters.
- `exclusions`, `optional`: post-processing on any mode's counting sequence and the event scan.
- `breakdown`: segments (accounts column or the event file's own column) and weights;
  `conversion_by_segment`, the per-segment pivot the pages show.
- `results`: the per-step table with the Kaplan–Meier median (`funnel`, `cli_table`).
- `cohort_conversion`, `dropoffs`, `conversion_times`: cohorts, the drop-off list and times to convert.
- `account_steps`: one account's own counting sequence (the Account page's pace).

Everything other modules use is importable from `cxlib.funnel` itself.
"""

from __future__ import annotations

from cxlib.dimensions import NONE_SEGMENT
from cxlib.funnel.account_steps import ACCOUNT_STEP_COLUMNS, account_steps
from cxlib.funnel.breakdown import ByColumn, breakdown_column, conversion_by_segment
from cxlib.funnel.cohort_conversion import cohorts
from cxlib.funnel.dropoffs import dropoff_accounts
from cxlib.funnel.results import cli_table, funnel
from cxlib.funnel.spec import (CLI_COLUMNS, MAX_STEPS, TABLE_COLUMNS, Exclusion, FunnelResult, FunnelSpec, Mode,
                               Period, Source, Weight)
from cxlib.funnel.conversion_times import time_to_convert
from cxlib.funnel.steps import StepChoice, parse_exclusion, parse_optional, parse_steps, split_steps

__all__ = [
    "FunnelSpec", "FunnelResult", "Exclusion", "Mode", "Weight", "Source", "Period",
    "MAX_STEPS", "CLI_COLUMNS", "TABLE_COLUMNS", "NONE_SEGMENT",
    "funnel", "cli_table", "cohorts", "account_steps", "ACCOUNT_STEP_COLUMNS", "dropoff_accounts", "time_to_convert",
    "ByColumn", "breakdown_column", "conversion_by_segment",
    "StepChoice", "parse_steps", "split_steps", "parse_exclusion", "parse_optional",
]
