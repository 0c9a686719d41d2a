"""Activities exports → the activities view: Salesforce Tasks/Events, HubSpot activities, Gainsight Timeline
and a generic activities file.

- Salesforce activity reports (Tasks and Events): Subject, Type, Activity Date (a task's due date
  when no other date is given; Salesforce writes the user's locale, month/day/year for en_US),
  Assigned, Status, Due Date, Priority; the account is `Company / Account` or `Account Name`.
- HubSpot activities: Activity type, Activity date, Associated Company, Activity assigned to.
- Gainsight Timeline: Activity Type, Activity Date, Subject, Company Name, Author.
- Generic: Account ID, Activity Date, Activity Type, Initiated By, Subject, Theme/Tag, Status,
  Due Date, Completed Date, Owner.
The README's "Activities" says how dates, types, initiators and done-ness are read.
"""

from __future__ import annotations

from cxlib.mapping.roles import ACTIVITIES
from cxlib.mapping.shapes.headers import RawTable, ids_ignored
from cxlib.mapping.shapes.model import Recognised, TableShape

_SUBJECT = ("Subject", "Activity Subject", "Title", "Activity title")
_STATUS = ("Status", "Task Status", "Activity Status", "Meeting outcome", "Call outcome", "Outcome")
_DUE = ("Due Date", "Task Due Date", "Due date", "Due")
_COMPLETED = ("Completed Date", "Completed Date/Time", "Completed Date Time", "Completed At", "Completion Date",
              "Date Completed", "Closed Date")
_THEME = ("Theme", "Tag", "Tags", "Theme/Tag", "Theme / Tag", "Topic", "Category")
_INITIATED = ("Initiated By", "Initiated by", "Direction", "Customer initiated", "Customer Initiated",
              "Call direction", "Inbound/Outbound")


def _roles(t: RawTable, wanted: list[tuple[str | None, str]]) -> dict[str, str]:
    """Column → role for the columns found, ids never the account."""
    roles: dict[str, str] = {}
    for column, role in wanted:
        if column is not None and column not in roles:
            roles[column] = role
    return ids_ignored(t, roles)


def _common(t: RawTable) -> list[tuple[str | None, str]]:
    """The optional columns every activities shape may have."""
    return [(t.find(*_SUBJECT), "subject"), (t.find(*_STATUS), "status"), (t.find(*_DUE), "due_date"),
            (t.find(*_COMPLETED), "completed_at"), (t.find(*_THEME), "theme"),
            (t.find(*_INITIATED), "initiated_by")]


def _verdict(t: RawTable, roles: dict[str, str], shape: TableShape) -> Recognised:
    return Recognised(ACTIVITIES, roles, shape, open_roles=frozenset())


def recognise_salesforce_activities(t: RawTable) -> Recognised | None:
    """Salesforce Tasks and Events report: Subject, Type, Activity Date, Assigned, Status/Due Date."""
    subject, when, assigned = t.find("Subject"), t.find("Activity Date", "Date"), t.find("Assigned", "Assigned To")
    account = t.find("Account Name", "Company / Account", "Account")
    if subject is None or when is None or assigned is None or account is None:
        return None
    if t.find("Status", "Due Date", "Type", "Task", "Event") is None:
        return None
    roles = _roles(t, [(account, "account_id"), (when, "ts"), (t.find("Type", "Task Subtype", "Event Subtype"),
                                                                "activity_type"),
                       (assigned, "owner"), *_common(t)])
    shape = TableShape(id="salesforce.activities", tool="Salesforce", name="Tasks and Events",
                       label=f"Salesforce Tasks and Events — one activity per row by {account}",
                       date_order="MDY", number_format="point",
                       notes=[f"'{when}' is the activity's date (a task's due date when it has no other); an open "
                              "task is never done."])
    return _verdict(t, roles, shape)


def recognise_hubspot_activities(t: RawTable) -> Recognised | None:
    """HubSpot activities export: Activity type, Activity date, Associated Company."""
    kind, when = t.find("Activity type", "Engagement type"), t.find("Activity date", "Engagement date")
    account = t.find("Associated Company", "Associated Companies")
    if kind is None or when is None or account is None:
        return None
    roles = _roles(t, [(account, "account_id"), (when, "ts"), (kind, "activity_type"),
                       (t.find("Activity assigned to", "Assigned to", "Activity owner", "Owner"), "owner"),
                       *_common(t)])
    shape = TableShape(id="hubspot.activities", tool="HubSpot", name="activities",
                       label=f"HubSpot activities — {kind} on {when} by {account}")
    return _verdict(t, roles, shape)


def recognise_gainsight_timeline(t: RawTable) -> Recognised | None:
    """Gainsight Timeline export: Activity Type, Activity Date, Subject, Company Name."""
    kind, when, account = t.find("Activity Type"), t.find("Activity Date"), t.find("Company Name", "Company")
    if kind is None or when is None or account is None or t.find("Subject") is None:
        return None
    if t.find("Initiated By", "Account ID", "Customer ID", "Associated Company") is not None:
        return None      # the generic layout names its own account id and initiator
    roles = _roles(t, [(account, "account_id"), (when, "ts"), (kind, "activity_type"),
                       (t.find("Author", "Created By", "Owner", "Internal Attendees"), "owner"), *_common(t)])
    shape = TableShape(id="gainsight.timeline", tool="Gainsight", name="Timeline",
                       label=f"Gainsight Timeline — {kind} on {when} by {account}")
    return _verdict(t, roles, shape)


def recognise_generic_activities(t: RawTable) -> Recognised | None:
    """A generic activities file: an account column, Activity Date and Activity Type."""
    kind, when = t.find("Activity Type", "Type of Activity"), t.find("Activity Date", "Date")
    account = t.find("Account ID", "Account Id", "Customer ID", "Account", "Account Name")
    if kind is None or when is None or account is None:
        return None
    roles = _roles(t, [(account, "account_id"), (when, "ts"), (kind, "activity_type"),
                       (t.find("Owner", "Assigned To", "CSM"), "owner"), *_common(t)])
    shape = TableShape(id="generic.activities", tool="", name="activities",
                       label=f"Activities — {kind} on {when} by {account}")
    return _verdict(t, roles, shape)
