"""Export shapes, recognised automatically: which tool wrote a raw table and what its layout means.

A recogniser reads a raw table's header names (case-insensitive, the tools' documented names), its
values and its file name, and returns the kind, the roles it implies and a `TableShape`: tool,
shape name, a label for people ("HubSpot companies — 8 stage-date columns → journey events") and
whatever the view SQL must derive beyond plain roles (journey events from stage-date columns, rows
that are not entries, labelled answers, the account as an email's domain). Suggestion runs
recognition first; the user can pick another shape that fits, or none, on the Data page. The
README's "Data you can bring" lists the recognised tools and what each gives.

One module per tool family: `activities` (Salesforce Tasks/Events, HubSpot activities, Gainsight
Timeline, generic activities files), `hubspot`, `salesforce`, `tickets` (Zendesk, Intercom, Freshdesk),
`survey_tools` (Qualtrics, SurveyMonkey, Typeform, Delighted), `stage_dates` (HubSpot's and generic
stage-date columns), `accounts` (customer lists with a churn flag, the IBM Telco file); `headers`
holds what they share, `model` what the mapping keeps, `rows` the shape-aware row builders of the
canonical views.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import duckdb

from cxlib.mapping.profiles import ColumnProfile
from cxlib.mapping.shapes import accounts, activities, hubspot, salesforce, stage_dates, survey_tools, tickets
from cxlib.mapping.shapes.headers import FREE_MAIL, RawTable, email_domain, never_account
from cxlib.mapping.shapes.model import ROW_FILTER_REASONS, Recognised, RowFilter, TableShape

# In order: the first recogniser that matches names the shape; more specific layouts come first.
RECOGNISERS: tuple[Callable[[RawTable], Recognised | None], ...] = (
    activities.recognise_salesforce_activities, activities.recognise_gainsight_timeline,
    activities.recognise_hubspot_activities, activities.recognise_generic_activities,
    hubspot.recognise_feedback, hubspot.recognise_records,
    salesforce.recognise_field_history, salesforce.recognise_opportunity_history,
    tickets.recognise_zendesk, tickets.recognise_intercom, tickets.recognise_freshdesk,
    survey_tools.recognise_qualtrics, survey_tools.recognise_surveymonkey, survey_tools.recognise_typeform,
    survey_tools.recognise_delighted,
    stage_dates.recognise_generic, accounts.recognise_churn_accounts, tickets.recognise_reviews,
)
NO_SHAPE = ""     # the Data page's "no shape": plain suggestion from headers and values


def candidates(con: duckdb.DuckDBPyConnection, table: str, source: str, labels: dict[str, str] | None = None,
               profiles: Sequence[ColumnProfile] = ()) -> list[Recognised]:
    """Every shape that fits a raw table, best first (one per shape id)."""
    t = RawTable.read(con, table, source, labels, profiles)
    found: dict[str, Recognised] = {}
    for recognise_one in RECOGNISERS:
        verdict = recognise_one(t)
        if verdict is not None:
            found.setdefault(verdict.shape.id, verdict)
    return list(found.values())


def recognise(con: duckdb.DuckDBPyConnection, table: str, source: str, labels: dict[str, str] | None = None,
              shape_id: str | None = None, profiles: Sequence[ColumnProfile] = ()) -> Recognised | None:
    """The shape of a raw table: the first that fits, or the one named `shape_id` (None if it does not fit).

    `labels` are header-row texts under the header (a Qualtrics question), `profiles` column
    profiles already computed (so values are profiled once)."""
    if shape_id == NO_SHAPE:
        return None
    t = RawTable.read(con, table, source, labels, profiles)
    for recognise_one in RECOGNISERS:
        verdict = recognise_one(t)
        if verdict is not None and (shape_id is None or verdict.shape.id == shape_id):
            return verdict
    return None


_POINT_OPTIONS = ("decimal_point", "thousands_comma")
_COMMA_OPTIONS = ("decimal_comma", "thousands_dot")
_ORDER_WORDS = {"MDY": "month/day/year", "DMY": "day/month/year"}


def suggested_answers(shape: TableShape | None, questions: Sequence[object]) -> dict[str, tuple[str, str]]:
    """The loader's open questions a tool's conventions answer: column → (option, why).

    Offered on the Data page and used with a `note:` on the command line, never silently: the loader
    asks only when no value of the file decides.
    """
    out: dict[str, tuple[str, str]] = {}
    if shape is None:
        return out
    for q in questions:
        column, options = str(getattr(q, "column")), list(getattr(q, "options"))
        if shape.date_order and shape.date_order in options:
            out[column] = (shape.date_order, f"{shape.tool} writes dates {_ORDER_WORDS.get(shape.date_order, '')}"
                                             .strip())
        elif shape.number_format in ("point", "comma"):
            wanted = _POINT_OPTIONS if shape.number_format == "point" else _COMMA_OPTIONS
            option = next((o for o in options if o in wanted), None)
            if option is not None:
                mark = "a decimal point" if shape.number_format == "point" else "a decimal comma"
                out[column] = (option, f"{shape.tool} writes numbers with {mark}")
    return out


__all__ = ["RECOGNISERS", "NO_SHAPE", "FREE_MAIL", "ROW_FILTER_REASONS", "RawTable", "Recognised", "RowFilter",
           "TableShape", "candidates", "email_domain", "never_account", "recognise", "suggested_answers"]
