"""Accounts exports with a churn flag and measures: a customer list saying who churned (issue 10).

A churn flag is a `Churn` / `Churned` / `Is churned` yes–no column (true/false, 1/0, six languages)
or a `Status` of account status words (Active / Cancelled / Churned). With one row per account it
makes the table an accounts table whose flag is the accounts' `churned`; numeric columns nobody
named (tenure, charges, seats, usage) are measures, text labels segments, as suggestion assigns
them. The public IBM Telco churn file (`customerID`, `tenure`, `Contract`, `MonthlyCharges`,
`TotalCharges`, `Churn`) is named as such: there `customerID` is the account.
"""

from __future__ import annotations

from cxlib.mapping.roles import ACCOUNTS, CHURNED
from cxlib.mapping.shapes.headers import RawTable, account_key_column, fold
from cxlib.mapping.shapes.model import Recognised, TableShape
from cxlib.mapping.vocabulary import churn_flag_value, churn_status, header_concepts

_TELCO = ("customerID", "tenure", "Contract", "MonthlyCharges", "TotalCharges", "Churn")
_STATUS = ("status", "account status", "customer status", "subscription status", "contract status")


def churn_flag_column(t: RawTable) -> str | None:
    """A yes/no churn column, else a Status column of account status words with at least one churn."""
    for column in t.names:
        if "churn_flag" not in header_concepts(column):
            continue
        p = t.profile(column)
        if t.type_class(column) in ("boolean", "integer", "number") or not p.nonnull \
                or p.share(lambda v: churn_flag_value(v) is not None) >= 0.9:
            return column
    for column in t.names:
        if fold(column) in _STATUS and t.type_class(column) == "text":
            p = t.profile(column)
            if p.nonnull and p.share(lambda v: churn_status(v) is not None) >= 0.9 \
                    and any(churn_status(v) for v, _ in p.top):
                return column
    return None


def recognise_churn_accounts(t: RawTable) -> Recognised | None:
    """One row per account and a churn flag: accounts whose flag says who churned."""
    flag = churn_flag_column(t)
    if flag is None:
        return None
    account = account_key_column(t, {flag})
    if account is None:
        return None
    telco = t.has(*_TELCO)
    shape = TableShape(
        id="ibm.telco_churn" if telco else "generic.churn_accounts", tool="IBM" if telco else "",
        name="Telco customer churn" if telco else "accounts with a churn flag",
        label=(f"IBM Telco customer churn — '{flag}' churn flag, tenure and charges as measures" if telco
               else f"Accounts with a churn flag — '{flag}' says who churned"),
        notes=[f"'{flag}' is each account's churn flag; numeric columns are measures to compare and average, "
               "text labels are segments.", f"The account is '{account}'."])
    return Recognised(ACCOUNTS, {flag: CHURNED}, shape)
