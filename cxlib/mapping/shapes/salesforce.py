"""Salesforce stage-history reports: Opportunity History and (Opportunity) Field History.

Opportunity History lists one row per stage change: the `To Stage` (or `Stage`) is entered on the
`Edit Date` (else `Last Stage Change Date`, `Last Modified Date`), never on the Close Date. Field
History lists every tracked field's change (`Field / Event`, `Old Value`, `New Value`, `Edit Date`):
only rows of a stage field are entries, their New Value the stage; other rows are left out as "not
a stage change". The account is `Account Name`; opportunity and account ids never are. Report
titles, "Grand Totals (N records)" and the confidential/copyright footers are the loader's to skip.
Salesforce writes the user's locale; for US users dates are month/day/year and amounts "USD 47,000",
which is offered when the loader cannot decide (and said in a `note:` on the command line).
"""

from __future__ import annotations

import re

from cxlib.mapping.roles import JOURNEY_EVENTS
from cxlib.mapping.shapes.headers import RawTable, fold, ids_ignored
from cxlib.mapping.shapes.model import R_NOT_STAGE_CHANGE, Recognised, RowFilter, TableShape

_FILE = re.compile(r"^report\s*\d{10,}|opportunity (field )?history|salesforce|\bsfdc\b")
STAGE_FIELDS = ("Stage", "Opportunity Stage", "Stage Name", "Lead Status", "Lifecycle Stage")
_DATES = ("Edit Date", "Last Stage Change Date", "Last Modified Date", "Last Modified", "Date Changed")


def _us(shape: TableShape) -> TableShape:
    """Salesforce's en_US conventions, offered when the loader asks."""
    shape.date_order, shape.number_format = "MDY", "point"
    return shape


def recognise_field_history(t: RawTable) -> Recognised | None:
    """Field History: Field / Event, Old Value, New Value, Edit Date."""
    field, new = t.find("Field / Event", "Field/Event", "Field", "Field Name"), t.find("New Value")
    when = t.find(*_DATES)
    if field is None or new is None or when is None or t.find("Old Value") is None:
        return None
    account = t.find("Account Name", "Account", "Company / Account", "Opportunity Name")
    if account is None:
        return None
    present = {fold(v) for v in t.values(field)}
    stage_fields = [f for f in STAGE_FIELDS if fold(f) in present] or ["Stage"]
    roles = {account: "account_id", new: "stage", when: "ts"}
    shape = _us(TableShape(
        id="salesforce.field_history", tool="Salesforce", name="Field History",
        label=f"Salesforce Field History — New Value of {'/'.join(stage_fields)} rows → journey events",
        rows=RowFilter(field, stage_fields, keep=True, reason=R_NOT_STAGE_CHANGE),
        notes=[f"Only rows whose '{field}' is {' or '.join(stage_fields)} are entries (their '{new}' on "
               f"'{when}'); other fields' changes are left out as \"{R_NOT_STAGE_CHANGE}\"."]))
    return Recognised(JOURNEY_EVENTS, ids_ignored(t, roles), shape, open_roles=frozenset())


def recognise_opportunity_history(t: RawTable) -> Recognised | None:
    """Opportunity History: To Stage (or Stage) on its Edit Date, per account."""
    stage, when = t.find("To Stage", "Stage", "Stage Name"), t.find(*_DATES)
    if stage is None or when is None:
        return None
    if not (t.find("From Stage", "To Stage") or _FILE.search(t.file)):
        return None
    account = t.find("Account Name", "Account", "Company / Account", "Opportunity Name")
    if account is None:
        return None
    roles = {account: "account_id", stage: "stage", when: "ts"}
    shape = _us(TableShape(
        id="salesforce.opportunity_history", tool="Salesforce", name="Opportunity History",
        label=f"Salesforce Opportunity History — {stage} on {when} → journey events",
        notes=[f"Each row is an entry of its '{stage}' on its '{when}' (never the Close Date), keyed by "
               f"'{account}'; Closed Lost is a lost deal."]))
    return Recognised(JOURNEY_EVENTS, ids_ignored(t, roles), shape, open_roles=frozenset())
