"""Survey tools' response exports: Qualtrics, SurveyMonkey, Typeform and Delighted.

- Qualtrics: `ResponseId`, `RecordedDate` (the date), `Finished`/`Progress`; an NPS question has a
  `<Q>_NPS_GROUP` column beside it (or its question text asks how likely … recommend). Previews,
  tests and spam (`Status`) are left out.
- SurveyMonkey: the nine metadata columns (`Respondent ID`, `Collector ID`, `Start Date`, `End
  Date`, …); dates are month/day/year (`09/01/2026 01:44:10 PM`), offered when the loader asks.
- Typeform: `#` (the response token), `Submit Date (UTC)` over `Start Date (UTC)`, `Network ID`; a
  sheet without dates is still recognised.
- Delighted: `Score`, `Created At` with a UTC offset (`2026-09-01 13:44:10 -0700`), person
  properties; an NPS survey unless the file name says CSAT or CES, or the scores cannot be NPS.
The account is a company column (an embedded field, hidden field, person property or a question
such as "What is your company?"), else the domain of an email column (never a free-mail domain);
a response, respondent, collector or network id, or an IP address, never is. With neither, the
answers load without an account: response-level metrics work, account-level ones say why.
"""

from __future__ import annotations

import re

from cxlib.mapping.roles import SURVEYS
from cxlib.mapping.shapes.headers import RawTable, fold, ids_ignored
from cxlib.mapping.shapes.model import R_SURVEY_PREVIEW, Recognised, RowFilter, TableShape
from cxlib.mapping.vocabulary import header_concepts, survey_type_of

_OPEN = frozenset({"respondent", "respondent_role", "comment"})
_RECOMMEND = re.compile(r"recommend|recommand|raccomand|recomend|ajanl|推荐")
QUALTRICS_META = ("StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
                  "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
                  "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel",
                  "UserLanguage")
SURVEYMONKEY_META = ("Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
                     "First Name", "Last Name", "Custom Data 1")
_PREVIEWS = ["Survey Preview", "Survey Test", "Spam"]


def _nps_question(t: RawTable, skip: set[str]) -> str | None:
    """The column answering "how likely are you to recommend …" (by header or by its question text)."""
    for column in t.names:
        if column in skip or "comment" in header_concepts(column):
            continue
        if ("NPS" in header_concepts(column) or _RECOMMEND.search(t.text_of(column))) \
                and (t.is_number(column) or t.type_class(column) == "text"):
            return column
    return None


def _account(t: RawTable, roles: dict[str, str], skip: tuple[str, ...]) -> tuple[str | None, bool]:
    """(account column, whether it is an email column whose domain is the account)."""
    exclude = {*roles, *(c for c in (t.find(h) for h in skip) if c)}
    company = t.company_column(exclude)
    if company is not None:
        return company, False
    email = t.email_column(exclude)
    return (email, True) if email is not None else (None, False)


def _finish(t: RawTable, shape: TableShape, roles: dict[str, str], skip: tuple[str, ...],
            survey_type: str | None = None) -> Recognised:
    """Add the account (company column, else email domain) and build the verdict."""
    account, from_email = _account(t, roles, skip)
    if account is not None:
        roles[account] = "account_id"
        shape.account_from_email = from_email
        shape.notes.append(f"The account is the domain of '{account}' (free-mail addresses have none)."
                           if from_email else f"The account is '{account}'.")
        shape.label += f" by {account}" + (" (email domain)" if from_email else "")
    else:
        shape.notes.append("No company or email column: answers load without an account (response-level "
                           "metrics only).")
        shape.label += " (no account column)"
    return Recognised(SURVEYS, ids_ignored(t, roles), shape, survey_type=survey_type, open_roles=_OPEN)


def recognise_qualtrics(t: RawTable) -> Recognised | None:
    """Qualtrics: ResponseId, RecordedDate, Finished/Progress; NPS questions by their _NPS_GROUP column."""
    if t.find("ResponseId", "ResponseID") is None or t.find("Finished", "Progress", "DistributionChannel") is None:
        return None
    when = t.find("RecordedDate", "Recorded Date", "EndDate", "End Date")
    groups = [c for c in t.names if fold(c).endswith(" nps group") or c.upper().endswith("_NPS_GROUP")]
    nps = [q for g in groups if (q := t.find(g[: -len("_NPS_GROUP")])) is not None]
    if not nps and (q := _nps_question(t, {c for c in (t.find(h) for h in QUALTRICS_META) if c})):
        nps = [q]
    if not nps:
        return None
    roles = {nps[0]: "score:NPS", **{g: "ignore" for g in groups}, **{q: "ignore" for q in nps[1:]}}
    if when is not None:
        roles[when] = "ts"
    status = t.find("Status")
    shape = TableShape(
        id="qualtrics.responses", tool="Qualtrics", name="responses", label="Qualtrics responses — NPS answers",
        rows=RowFilter(status, list(_PREVIEWS), keep=False, reason=R_SURVEY_PREVIEW)
        if status is not None and t.type_class(status) == "text" else None,
        notes=[f"'{nps[0]}' is the NPS question" + (f" (and its group column '{nps[0]}_NPS_GROUP')" if groups else "")
               + (f", dated by '{when}'." if when else "."),
               *([f"Other NPS questions ({', '.join(nps[1:])}) are left out: map one at a time."] if nps[1:] else []),
               *(["Survey previews, tests and spam (Status) are left out."] if status else [])])
    return _finish(t, shape, roles, QUALTRICS_META[:11] + QUALTRICS_META[12:])


def recognise_surveymonkey(t: RawTable) -> Recognised | None:
    """SurveyMonkey's expanded export: Respondent ID and Collector ID, question columns after the metadata."""
    if not t.has("Respondent ID", "Collector ID"):
        return None
    meta = {c for c in (t.find(h) for h in SURVEYMONKEY_META) if c}
    nps = _nps_question(t, meta)
    if nps is None:
        return None
    when = t.find("End Date", "Start Date")
    roles = {nps: "score:NPS"}
    if when is not None:
        roles[when] = "ts"
    shape = TableShape(id="surveymonkey.responses", tool="SurveyMonkey", name="responses",
                       label="SurveyMonkey responses — NPS answers", date_order="MDY",
                       notes=[f"'{_short(nps)}' is the NPS question, dated by '{when}'."])
    return _finish(t, shape, roles, tuple(h for h in SURVEYMONKEY_META if h != "Email Address"))


def recognise_typeform(t: RawTable) -> Recognised | None:
    """Typeform: '#' response tokens, Submit Date (UTC), Network ID; dated or not."""
    token = next((c for c in t.names if c.strip() == "#"), None)
    if token is None or not (t.find("Network ID", "Submit Date (UTC)", "Response Type")):
        return None
    nps = _nps_question(t, {token})
    if nps is None:
        return None
    when = t.find("Submit Date (UTC)", "Submitted At", "Submit Date")
    roles = {nps: "score:NPS"}
    for column in (t.find("Start Date (UTC)"), t.find("Stage Date (UTC)"), t.find("Network ID")):
        if column is not None:
            roles[column] = "ignore"
    if when is not None:
        roles[when] = "ts"
    shape = TableShape(id="typeform.responses", tool="Typeform", name="responses",
                       label="Typeform responses — NPS answers" + ("" if when else ", undated"),
                       timezone="UTC" if when and "utc" in fold(when) else None,
                       notes=[f"'{_short(nps)}' is the NPS question, "
                              + (f"dated by '{when}' (the submit date, not the start)." if when
                                 else "undated (the sheet has no date column).")])
    return _finish(t, shape, roles, ("Response Type", "Tags"))


def recognise_delighted(t: RawTable) -> Recognised | None:
    """Delighted: Score, Created At with a UTC offset, Person ID, "Delighted …" person properties."""
    score = t.find("Score")
    if score is None or not t.is_number(score) or t.find("Created At") is None:
        return None
    if not ("delighted" in t.file or any(fold(c).startswith("delighted ") for c in t.names)
            or t.has("Response ID", "Person ID")):
        return None
    p = t.profile(score)
    survey_type = survey_type_of(t.source)
    if survey_type is None and p.low is not None and p.high is not None and 0 <= p.low and p.high <= 10 \
            and (p.low == 0 or p.high > 7):
        survey_type = "NPS"
    roles = {score: f"score:{survey_type}" if survey_type else "score", t.find("Created At"): "ts"}
    for header, role in (("Comment", "comment"), ("Name", "respondent")):
        if (column := t.find(header)) is not None:
            roles[column] = role
    if (updated := t.find("Updated At")) is not None:
        roles.setdefault(updated, "ignore")
    answers = f"{survey_type} answers" if survey_type else "Score answers (choose NPS, CSAT or CES)"
    shape = TableShape(id="delighted.responses", tool="Delighted", name="responses",
                       label=f"Delighted responses — {answers}",
                       notes=["Created At carries its UTC offset: times are converted to the table's time zone."])
    return _finish(t, shape, roles, ("Delighted Source",), survey_type)


def _short(text: str, width: int = 40) -> str:
    """A question text cut for a label."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
