"""HubSpot exports: companies, contacts and deals (stage-date columns), feedback submissions.

The account is the company by name everywhere (companies: `Company name`; contacts and deals:
`Associated Company`, then `Company Name`; feedback: `Associated Company`), so HubSpot files and
help-desk files (Zendesk `Organization`) meet; `Record ID` and the `Associated … IDs` are never the
account. On a companies export the current `Lifecycle Stage` stays the account's current stage
and `Annual Revenue` is its ARR, while the stage-date columns become journey events — one file
feeding two views. Feedback submissions are NPS (0–10), CES (1–7) and CSAT answers; CSAT is
HubSpot's three faces 0/1/2, of which only 2 (sentiment Promoter) is satisfied (README).
"""

from __future__ import annotations

import re

from cxlib.mapping.roles import ACCOUNTS, IGNORE, JOURNEY_EVENTS, SURVEYS
from cxlib.mapping.shapes.headers import RawTable, ids_ignored
from cxlib.mapping.shapes.model import Recognised, TableShape
from cxlib.mapping.shapes.stage_dates import hubspot_stage_columns, label

_FILE = re.compile(r"\bhubspot\b|\bcrm exports\b")
_SURVEY_OPEN = frozenset({"respondent", "respondent_role", "comment", "stage"})


def _is_hubspot(t: RawTable, stage_dates: list[tuple[str, str]]) -> bool:
    """A HubSpot export: by its file name, its stage-date columns, or `Record ID` beside `Lifecycle Stage`."""
    return bool(_FILE.search(t.file)) or bool(stage_dates) or t.has("Record ID", "Lifecycle Stage")


def recognise_feedback(t: RawTable) -> Recognised | None:
    """Feedback submissions: a `Survey type` (NPS/CSAT/CES) and a `Rating` per submission."""
    rating, kind = t.find("Rating", "Value", "Score"), t.find("Survey type", "Feedback type")
    if rating is None or kind is None or not t.is_number(rating):
        return None
    if not (_FILE.search(t.file) or t.find("Record ID", "Sentiment", "Feedback sentiment", "Survey name")):
        return None
    account = t.find("Associated Company", "Company name", "Company Name", "Company")
    when = t.find("Submitted date", "Submission date", "Submitted at", "Date", "Create date", "Created at")
    roles = {rating: "score", kind: "survey_type"}
    for column, role in ((account, "account_id"), (when, "ts"), (t.find("Associated Contact", "Contact"), "respondent"),
                         (t.find("Response", "Feedback", "Comment"), "comment")):
        if column is not None:
            roles[column] = role
    for column in (t.find("Sentiment", "Feedback sentiment"), t.find("Survey name")):
        if column is not None:
            roles.setdefault(column, IGNORE)
    shape = TableShape(
        id="hubspot.feedback", tool="HubSpot", name="feedback submissions",
        label="HubSpot feedback submissions — NPS, CSAT and CES answers"
              + (f" by {account}" if account else " (no company column: answers without an account)"),
        answer_column=rating, answers={"CSAT": {"0": 0.0, "1": 0.0, "2": 1.0}},
        notes=["CSAT is HubSpot's three faces 0/1/2: 2 (Promoter) is satisfied, 0 and 1 are not; NPS is "
               "0–10 and CES 1–7 as rated."])
    return Recognised(SURVEYS, ids_ignored(t, roles), shape, open_roles=_SURVEY_OPEN)


def recognise_records(t: RawTable) -> Recognised | None:
    """Companies, contacts or deals with stage-date columns (companies also without them)."""
    stage_dates, not_entries = hubspot_stage_columns(t)
    if not _is_hubspot(t, stage_dates):
        return None
    contacts = bool(re.search(r"\bcontacts\b", t.file)) or t.find("First Name", "Last Name", "Email") is not None
    deals = bool(re.search(r"\bdeals\b", t.file)) or t.find("Deal Name", "Deal Stage") is not None
    company_name = t.find("Company name", "Company Name", "Name")
    roles = {c: IGNORE for c, _ in stage_dates} | {c: IGNORE for c in not_entries}
    what = "deals" if deals else "contacts" if contacts else "companies"
    notes = []
    if not_entries:
        notes.append(f"{len(not_entries)} column(s) of exit dates and times in stage (\"Date exited\", "
                     "\"Cumulative time in\" …) are recognised and not taken for entries.")
    if what == "companies":
        if company_name is None:
            return None
        roles[company_name] = "account_id"
        for header, role in (("Lifecycle Stage", "stage"), ("Annual Revenue", "arr"), ("Create Date", "start_date")):
            if (column := t.find(header)) is not None and column not in roles:
                roles[column] = role
        notes.append("Lifecycle Stage stays each company's current stage; Annual Revenue is read as ARR.")
        kind, account = ACCOUNTS, company_name
    else:
        if not stage_dates:
            return None
        account = t.find("Associated Company", "Company Name", "Company name")
        if account is None:
            return None
        roles[account] = "account_id"
        kind = JOURNEY_EVENTS
    prefix = f"HubSpot {what}"
    shape = TableShape(id=f"hubspot.{what}", tool="HubSpot", name=what,
                       label=label(prefix, len(stage_dates)) if stage_dates else f"{prefix} — accounts",
                       stage_dates=stage_dates, not_entries=not_entries,
                       notes=[f"Journey events are keyed by '{account}'.", *notes] if stage_dates else notes)
    open_roles = None if kind == ACCOUNTS else frozenset()
    return Recognised(kind, ids_ignored(t, roles), shape, open_roles=open_roles)
