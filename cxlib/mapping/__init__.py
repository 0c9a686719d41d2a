"""Mapping: which kind each raw table is, what each column means, and the canonical views built from them.

Raw tables (typed DuckDB tables with a `_source_row` column, written by `loading`) are renamed once,
here, into the five canonical views of `cxlib.canonical`; every metric reads only those. The README
defines the kinds and roles, the stage mapping, the validation and key-match reports ("Data you can
bring") and the as-of date ("How each number is defined").

One concept per module:
- `roles`: table kinds and column roles, required and multi-column roles.
- `document`: the mapping document (`Mapping`, `TableMapping`) and its JSON round trip.
- `vocabulary`: header words and patterns in six languages and CRM exports; survey-type, yes/no words.
- `raw_tables`, `profiles`, `file_names`: what suggestion reads — column types, column profiles,
  dates and patterns in file names.
- `shapes` (a package): tools' export shapes recognised from headers, values and file names, and
  the row builders that read them (stage-date columns, labelled answers, rows that are no entries).
- `suggest`: suggested kinds, roles, file-name dates and stage map (recognition first).
- `stage_map`: raw stage values and the stage each maps to.
- `check`: what keeps a mapping from fitting the data; re-fitting a saved mapping to new files.
- `account_columns`: segment columns of the accounts view; a user's name for an accounts column.
- `view_sql`, `views`: the canonical views' SQL, building them, validation reports, excluded rows.
- `keys`: one spelling per account id (Salesforce 15/18), the key-match report.

Everything other modules use is importable from `cxlib.mapping` itself.
"""

from __future__ import annotations

from cxlib.mapping.account_columns import accounts_column, segment_column_name, segment_columns
from cxlib.mapping.check import check_mapping, fit_mapping
from cxlib.mapping.document import MAPPING_VERSION, Mapping, TableMapping
from cxlib.mapping.file_names import as_of_from_source
from cxlib.mapping.keys import KeyMatch, key_match
from cxlib.mapping.roles import (ACCOUNTS, FACTOR_RATINGS, FACTOR_ROLES, IGNORE, JOURNEY_EVENTS, KINDS, ROLES,
                                 SCORE_RANGES, SCORE_ROLES, SEGMENT, STAGE_SNAPSHOTS, SURVEY_TYPES, SURVEYS)
from cxlib.mapping.stage_map import stage_values, unmapped_stage_values
from cxlib.mapping.suggest import column_notes, suggest_kind, suggest_mapping, suggest_roles, suggest_table
from cxlib.mapping.view_sql import (R_ACCOUNT_MISSING, R_ACCOUNT_ROW, R_ACCOUNT_UNKNOWN, R_DUP_ACCOUNT,
                                    R_DUP_SNAPSHOT, R_FACTOR_UNKNOWN, R_SCORE_MISSING, R_SCORE_NAN, R_SCORE_RANGE,
                                    R_STAGE_MISSING, R_STAGE_UNMAPPED, R_TS_BAD, R_TS_MISSING, R_TYPE_UNKNOWN)
from cxlib.mapping.views import ValidationReport, apply_mapping, excluded_rows, unmap, validation_report
from cxlib.mapping.vocabulary import survey_type_of, yes_no_value

__all__ = [
    # kinds and roles
    "ACCOUNTS", "STAGE_SNAPSHOTS", "JOURNEY_EVENTS", "SURVEYS", "FACTOR_RATINGS", "IGNORE", "SEGMENT", "KINDS",
    "SURVEY_TYPES", "SCORE_RANGES", "FACTOR_ROLES", "SCORE_ROLES", "ROLES",
    # the document
    "MAPPING_VERSION", "TableMapping", "Mapping",
    # vocabulary and file names
    "survey_type_of", "yes_no_value", "as_of_from_source",
    # suggestion and stage values
    "suggest_roles", "suggest_kind", "suggest_mapping", "suggest_table", "column_notes", "stage_values", "unmapped_stage_values",
    # checking and re-fitting
    "check_mapping", "fit_mapping",
    # accounts columns
    "segment_column_name", "segment_columns", "accounts_column",
    # canonical views and their reports
    "apply_mapping", "unmap", "validation_report", "excluded_rows", "ValidationReport",
    "R_ACCOUNT_MISSING", "R_ACCOUNT_UNKNOWN", "R_ACCOUNT_ROW", "R_STAGE_MISSING", "R_STAGE_UNMAPPED",
    "R_TS_MISSING", "R_TS_BAD", "R_TYPE_UNKNOWN", "R_SCORE_MISSING", "R_SCORE_NAN", "R_SCORE_RANGE",
    "R_FACTOR_UNKNOWN", "R_DUP_ACCOUNT", "R_DUP_SNAPSHOT",
    # keys
    "KeyMatch", "key_match",
]
