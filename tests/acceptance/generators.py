"""Small exports in the exact shapes real tools write, for the acceptance suite.

Each `write_*` function writes one file into a folder and returns its path; the rows it writes
are the module-level constants next to it, so a test computes its expected numbers from the same
rows by plain Python. Header names, extra header rows, footers, quoting, line endings and value
formats follow each tool's documented export or, where no documentation was found, the parsers and
fixtures of public code that reads real exports (the research notes of issue 10 list the sources).
Real exports are never committed: every value here is made up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

D = dt.datetime
CRLF, LF = "\r\n", "\n"


# ---------------------------------------------------------------- formatting helpers

def csv_line(cells: Iterable[object], quote_all: bool = False) -> str:
    """One CSV record: quotes doubled; a cell quoted when asked or when it needs it."""
    out = []
    for cell in cells:
        text = "" if cell is None else str(cell)
        if quote_all or any(ch in text for ch in ',"\r\n'):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return ",".join(out)


def write_lines(path: Path, lines: Sequence[str], eol: str = CRLF, encoding: str = "utf-8") -> Path:
    """Write records joined by `eol`, with a final `eol`, byte-exact (no newline translation)."""
    path.write_bytes((eol.join(lines) + eol).encode(encoding))
    return path


def hubspot_dt(t: D | None) -> str:
    """HubSpot export datetime: `2025-12-24 10:00` (no seconds, no zone); blank when absent."""
    return "" if t is None else f"{t:%Y-%m-%d %H:%M}"


def iso_dt(t: D | None) -> str:
    """`2026-09-01 13:44:10` (Zendesk, Intercom, Freshdesk, Qualtrics, Typeform)."""
    return "" if t is None else f"{t:%Y-%m-%d %H:%M:%S}"


def us_date(t: D) -> str:
    """Salesforce en_US date: `3/14/2025` (no leading zeros)."""
    return f"{t.month}/{t.day}/{t.year}"


def us_datetime(t: D) -> str:
    """Salesforce en_US datetime: `3/14/2025, 10:22 AM`."""
    hour = t.hour % 12 or 12
    return f"{us_date(t)}, {hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def hms(delta: dt.timedelta) -> str:
    """HubSpot duration `(HH:mm:ss)`: hours may exceed 24, e.g. `1375:33:00`."""
    seconds = int(delta.total_seconds())
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


# ---------------------------------------------------------------- HubSpot companies, "Became a … Date"

# Lifecycle stages in HubSpot's order; header "Became a/an <label> Date".
HUBSPOT_LEGACY_LABELS = ("Subscriber", "Lead", "Marketing Qualified Lead", "Sales Qualified Lead",
                         "Opportunity", "Customer", "Evangelist", "Other Lifecycle")


def became_header(label: str) -> str:
    article = "an" if label[0] in "AEIOU" else "a"
    return f"Became {article} {label} Date"


# (Record ID, Company name, Lifecycle Stage (current), Annual Revenue, Create Date, {label: date})
HUBSPOT_COMPANIES = (
    ("9876543210", "Acme Corp", "Evangelist", 5_000_000, D(2025, 1, 6, 9, 12), {
        "Lead": D(2025, 1, 6, 9, 12), "Marketing Qualified Lead": D(2025, 2, 3, 14, 5),
        "Sales Qualified Lead": D(2025, 2, 20, 11, 30), "Opportunity": D(2025, 3, 4, 16, 45),
        "Customer": D(2025, 4, 14, 10, 0), "Evangelist": D(2025, 9, 1, 8, 0)}),
    ("9876543211", "Globex Ltd", "Opportunity", None, D(2025, 2, 11, 8, 0), {
        "Lead": D(2025, 2, 11, 8, 0), "Sales Qualified Lead": D(2025, 3, 1, 12, 0),
        "Opportunity": D(2025, 3, 20, 9, 15)}),
    ("9876543212", "Initech", "Lead", 1_200_000, D(2025, 1, 2, 7, 30), {
        "Subscriber": D(2025, 1, 2, 7, 30), "Lead": D(2025, 1, 20, 10, 0)}),
    ("9876543213", "Umbrella Corp", "Customer", 800_000, D(2025, 3, 3, 9, 0), {
        "Lead": D(2025, 3, 3, 9, 0), "Opportunity": D(2025, 3, 10, 15, 30), "Customer": D(2025, 5, 2, 11, 45)}),
    ("9876543214", "Hooli", "Customer", 3_000_000, D(2025, 4, 1, 10, 0), {      # imported as an opportunity
        "Opportunity": D(2025, 4, 1, 10, 0), "Customer": D(2025, 4, 20, 10, 0)}),
    ("9876543215", "Vandelay Industries", "Customer", 450_000, D(2025, 5, 5, 13, 0), {   # skipped Opportunity
        "Lead": D(2025, 5, 5, 13, 0), "Customer": D(2025, 6, 1, 9, 0)}),
)


def write_hubspot_companies(folder: Path) -> Path:
    """`hubspot-crm-exports-all-companies-…csv`: every value quoted, CRLF, one date column per stage."""
    header = ["Record ID", "Company name", "Lifecycle Stage", "Annual Revenue", "Create Date",
              *(became_header(label) for label in HUBSPOT_LEGACY_LABELS)]
    lines = [csv_line(header, quote_all=True)]
    for rid, name, current, revenue, created, became in HUBSPOT_COMPANIES:
        lines.append(csv_line([rid, name, current, "" if revenue is None else revenue, hubspot_dt(created),
                               *(hubspot_dt(became.get(label)) for label in HUBSPOT_LEGACY_LABELS)],
                              quote_all=True))
    return write_lines(folder / "hubspot-crm-exports-all-companies-2025-09-30.csv", lines)


# ---------------------------------------------------------------- HubSpot contacts, "Date entered '…'"

HUBSPOT_CALC_STAGES = ("Lead", "Opportunity", "Customer")

# (Record ID, first, last, email, company, Lifecycle Stage, {stage: (entered, exited)})
HUBSPOT_CONTACTS = (
    ("4711", "Ada", "Lovelace", "ada@acme.com", "Acme Corp", "Customer", {
        "Lead": (D(2025, 1, 6, 9, 12), D(2025, 3, 4, 16, 45)),
        "Opportunity": (D(2025, 3, 4, 16, 45), D(2025, 4, 14, 10, 0)),
        "Customer": (D(2025, 4, 14, 10, 0), None)}),
    ("4712", "Bob", "Smith", "bob@acme.com", "Acme Corp", "Lead", {
        "Lead": (D(2025, 2, 1, 8, 0), None)}),
    ("4713", "Cy", "Young", "cy@globex.com", "Globex Ltd", "Opportunity", {
        "Lead": (D(2025, 2, 11, 8, 0), D(2025, 3, 20, 9, 15)),
        "Opportunity": (D(2025, 3, 20, 9, 15), None)}),
    ("4714", "Di", "Prince", "di@initech.com", "Initech", "Lead", {
        "Lead": (D(2025, 1, 20, 10, 0), None)}),
    ("4715", "Ed", "Norton", "ed@initech.com", "Initech", "Customer", {
        "Lead": (D(2025, 3, 1, 10, 0), D(2025, 4, 1, 10, 0)),
        "Opportunity": (D(2025, 4, 1, 10, 0), D(2025, 5, 15, 12, 0)),
        "Customer": (D(2025, 5, 15, 12, 0), None)}),
    ("4716", "Flo", "Rida", "flo@umbrella.com", "Umbrella Corp", "Customer", {   # imported as a customer
        "Customer": (D(2025, 6, 2, 9, 0), None)}),
)
HUBSPOT_COMPANY_IDS = {"Acme Corp": "9876543210", "Globex Ltd": "9876543211", "Initech": "9876543212",
                       "Umbrella Corp": "9876543213"}


def write_hubspot_contacts(folder: Path, quote: str = "'") -> Path:
    """Contacts with stage-calculated properties: Date entered/exited and Cumulative time per stage.

    `quote` is the quote style around the stage in the header: `'` (older labels) or `"` (v2).
    """
    def label(prefix: str, stage: str, suffix: str = "") -> str:
        return f"{prefix} {quote}{stage} (Lifecycle Stage Pipeline){quote}{suffix}"

    stage_columns = []
    for stage in HUBSPOT_CALC_STAGES:
        stage_columns.append(label("Date entered", stage))
        if stage != "Customer":
            stage_columns.append(label("Date exited", stage))
    header = ["Record ID", "First Name", "Last Name", "Email", "Company Name", "Lifecycle Stage", "Create Date",
              *stage_columns, label("Cumulative time in", "Lead", " (HH:mm:ss)"),
              "Associated Company", "Associated Company IDs"]
    lines = [csv_line(header, quote_all=True)]
    for rid, first, last, email, company, current, stages in HUBSPOT_CONTACTS:
        cells: list[object] = [rid, first, last, email, company, current,
                               hubspot_dt(min(entered for entered, _ in stages.values()))]
        for stage in HUBSPOT_CALC_STAGES:
            entered, exited = stages.get(stage, (None, None))
            cells.append(hubspot_dt(entered))
            if stage != "Customer":
                cells.append(hubspot_dt(exited))
        lead = stages.get("Lead")
        cells.append(hms(lead[1] - lead[0]) if lead and lead[1] else "")
        cells += [company, HUBSPOT_COMPANY_IDS[company]]
        lines.append(csv_line(cells, quote_all=True))
    style = "v2" if quote == '"' else "v1"
    return write_lines(folder / f"hubspot-crm-exports-all-contacts-2025-09-30-{style}.csv", lines)


# ---------------------------------------------------------------- HubSpot feedback submissions

FEEDBACK_CONTACTS = {"Acme Corp": "Ada Lovelace (ada@acme.com)", "Globex Ltd": "Bob Smith (bob@globex.com)",
                     "Initech": "Cy Young (cy@initech.com)", "Umbrella Corp": "Di Prince (di@umbrella.com)",
                     "Hooli": "Ed Norton (ed@hooli.com)", "Vandelay Industries": "Flo Rida (flo@vandelay.com)"}
LOYALTY, SATISFACTION = "Customer Loyalty Survey", "Customer Satisfaction Survey"
SUPPORT_EFFORT, ONBOARDING_EFFORT = "Support Effort Survey", "Onboarding Effort Survey"
# (Record ID, Survey name, Survey type, Rating, Response, Source, Submitted date, Associated Company)
HUBSPOT_FEEDBACK = (
    ("512", LOYALTY, "NPS", 10, "Love it", "Email", D(2026, 9, 1, 13, 44), "Acme Corp"),
    ("513", LOYALTY, "NPS", 6, "Too slow", "Web", D(2026, 9, 2, 8, 3), "Globex Ltd"),
    ("514", LOYALTY, "NPS", 9, "", "Email", D(2026, 9, 2, 9, 30), "Initech"),
    ("515", LOYALTY, "NPS", 7, "", "Email", D(2026, 9, 3, 11, 0), "Umbrella Corp"),
    ("516", LOYALTY, "NPS", 3, "Support never answers", "Web", D(2026, 9, 4, 15, 10), "Hooli"),
    ("517", SATISFACTION, "CSAT", 2, "What a great product!", "Email", D(2026, 9, 1, 14, 0), "Acme Corp"),
    ("518", SATISFACTION, "CSAT", 0, "Broken invoice", "Email", D(2026, 9, 2, 10, 0), "Globex Ltd"),
    ("519", SATISFACTION, "CSAT", 2, "", "Web", D(2026, 9, 3, 9, 0), "Initech"),
    ("520", SATISFACTION, "CSAT", 2, "", "Email", D(2026, 9, 5, 12, 0), "Umbrella Corp"),
    ("521", SUPPORT_EFFORT, "CES", 7, "Easy", "Email", D(2026, 9, 1, 16, 0), "Acme Corp"),
    ("522", SUPPORT_EFFORT, "CES", 5, "", "Web", D(2026, 9, 2, 17, 0), "Globex Ltd"),
    ("523", SUPPORT_EFFORT, "CES", 2, "Took ages", "Email", D(2026, 9, 3, 8, 30), "Hooli"),
    ("524", ONBOARDING_EFFORT, "CES", 6, "", "Web", D(2026, 9, 4, 10, 0), "Initech"),
    ("525", ONBOARDING_EFFORT, "CES", 7, "", "Email", D(2026, 9, 5, 10, 0), "Umbrella Corp"),
    ("526", ONBOARDING_EFFORT, "CES", 4, "", "Email", D(2026, 9, 6, 10, 0), "Vandelay Industries"),
)


def hubspot_sentiment(kind: str, rating: int) -> str:
    """HubSpot's documented sentiment: NPS 0–6/7–8/9–10, CES 1–3/4–5/6–7, CSAT 0/1/2."""
    cuts = {"NPS": (6, 8), "CES": (3, 5), "CSAT": (0, 1)}[kind]
    return "Detractor" if rating <= cuts[0] else "Passive" if rating <= cuts[1] else "Promoter"


def write_hubspot_feedback(folder: Path) -> Path:
    """Feedback submissions (NPS 0–10, CSAT 0/1/2, CES 1–7) with the associated company, all quoted, CRLF."""
    header = ["Record ID", "Survey name", "Survey type", "Rating", "Sentiment", "Response", "Source",
              "Submitted date", "Associated Contact", "Associated Company"]
    lines = [csv_line(header, quote_all=True)]
    for rid, survey, kind, rating, text, source, when, company in HUBSPOT_FEEDBACK:
        lines.append(csv_line([rid, survey, kind, rating, hubspot_sentiment(kind, rating), text, source,
                               hubspot_dt(when), FEEDBACK_CONTACTS[company], company], quote_all=True))
    return write_lines(folder / "hubspot-crm-exports-feedback-submissions-2026-09-30.csv", lines)


# ---------------------------------------------------------------- generic wide stage dates

WIDE_STAGES = ("Signup", "Activated", "Paid")
# account → (plan, {stage: date}); the same journeys as EVENTS_OWN_STAGES below.
WIDE_JOURNEYS = {
    "A1": ("Pro", {"Signup": D(2026, 1, 5), "Activated": D(2026, 1, 9), "Paid": D(2026, 2, 1)}),
    "A2": ("Basic", {"Signup": D(2026, 1, 10), "Activated": D(2026, 1, 20)}),
    "A3": ("Basic", {"Signup": D(2026, 2, 1)}),
    "A4": ("Pro", {"Activated": D(2026, 2, 3), "Paid": D(2026, 2, 10)}),     # no signup date
    "A5": ("Pro", {"Signup": D(2026, 2, 15), "Paid": D(2026, 3, 1)}),        # never activated
    "A6": ("Basic", {"Signup": D(2026, 3, 2), "Activated": D(2026, 3, 3), "Paid": D(2026, 3, 20)}),
}
# header style → (account header, plan header, stage header pattern, value format)
WIDE_STYLES = {
    "stage_date": ("Account", "Plan", "{} Date", "%Y-%m-%d"),
    "date_stage": ("Account", "Plan", "Date {}", "%Y-%m-%d"),
    "stage_at": ("account_id", "plan", "{}_at", "%Y-%m-%dT%H:%M:%SZ"),
}


def write_wide_stage_dates(folder: Path, style: str) -> Path:
    """A spreadsheet with one date column per stage: "<stage> date", "date <stage>" or "<stage>_at"."""
    account, plan, pattern, fmt = WIDE_STYLES[style]
    names = [s.lower() if style == "stage_at" else s for s in WIDE_STAGES]
    lines = [csv_line([account, plan, *(pattern.format(n) for n in names)])]
    for acc, (tier, dates) in WIDE_JOURNEYS.items():
        lines.append(csv_line([acc, tier, *(dates[s].strftime(fmt) if s in dates else "" for s in WIDE_STAGES)]))
    return write_lines(folder / f"customers_{style}.csv", lines, eol=LF)


# ---------------------------------------------------------------- long event logs

def _events_long(journeys: dict[str, dict[str, D]]) -> list[tuple[str, str, D]]:
    rows = [(acc, stage, ts) for acc, stages in journeys.items() for stage, ts in stages.items()]
    return sorted(rows, key=lambda r: (r[2], r[0]))


EVENTS_OWN_STAGES = _events_long({acc: dates for acc, (_, dates) in WIDE_JOURNEYS.items()})


def write_events_own_stages(folder: Path) -> Path:
    """A product event log whose stage values are the team's own (Signup, Activated, Paid)."""
    lines = ["Account,Stage,Date", *(csv_line([a, s, f"{t:%Y-%m-%d}"]) for a, s, t in EVENTS_OWN_STAGES)]
    return write_lines(folder / "lifecycle_events.csv", lines, eol=LF)


# (account, stage, timestamp, region on that row): BETA's region changes after its step-1 entry.
EVENTS_WITH_REGION = (
    ("ALPHA", "Awareness", D(2026, 1, 2), "EMEA"), ("ALPHA", "Consideration", D(2026, 1, 10), "EMEA"),
    ("ALPHA", "Decision", D(2026, 2, 1), "EMEA"),
    ("BETA", "Awareness", D(2026, 1, 5), "EMEA"), ("BETA", "Consideration", D(2026, 1, 20), "APAC"),
    ("GAMMA", "Awareness", D(2026, 1, 7), "APAC"), ("GAMMA", "Consideration", D(2026, 2, 2), "APAC"),
    ("GAMMA", "Decision", D(2026, 3, 1), "APAC"),
    ("DELTA", "Awareness", D(2026, 2, 1), "APAC"),
    ("EPSILON", "Consideration", D(2026, 2, 10), "EMEA"),                    # no step-1 entry
)
ACCOUNTS_WITH_REGION = (("ALPHA", "Alpha GmbH", "North"), ("BETA", "Beta SA", "North"),
                        ("GAMMA", "Gamma Ltd", "South"), ("DELTA", "Delta Inc", "South"),
                        ("EPSILON", "Epsilon BV", "South"))


def write_events_with_region(folder: Path) -> Path:
    """A journey event log that carries its own Region column."""
    lines = ["Account ID,Stage,Entered At,Region",
             *(csv_line([a, s, f"{t:%Y-%m-%d}", r]) for a, s, t, r in EVENTS_WITH_REGION)]
    return write_lines(folder / "journey_events_regions.csv", lines, eol=LF)


def write_accounts_with_region(folder: Path) -> Path:
    """An accounts table whose Region differs from the event log's (the table's own must win)."""
    lines = ["Account ID,Account Name,Region", *(csv_line(r) for r in ACCOUNTS_WITH_REGION)]
    return write_lines(folder / "accounts_regions.csv", lines, eol=LF)


# ---------------------------------------------------------------- Salesforce Opportunity History

SF_PROBABILITY = {"Prospecting": "10%", "Qualification": "20%", "Needs Analysis": "20%",
                  "Proposal/Price Quote": "75%", "Negotiation/Review": "90%", "Closed Won": "100%",
                  "Closed Lost": "0%"}
# (account, opportunity, amount, [(to stage, edit date)]); From Stage is the previous To Stage.
SF_OPPORTUNITIES = (
    ("Initech", "Initech - 200 seats", 47_000, [
        ("Prospecting", D(2025, 2, 3)), ("Qualification", D(2025, 2, 17)),
        ("Proposal/Price Quote", D(2025, 3, 14)), ("Closed Won", D(2025, 4, 2))]),
    ("Globex", "Globex - renewal", 12_500, [
        ("Prospecting", D(2025, 1, 15)), ("Qualification", D(2025, 2, 20)), ("Closed Lost", D(2025, 3, 25))]),
    ("Acme Corp", "Acme - pilot", 8_000, [
        ("Prospecting", D(2025, 3, 3)), ("Needs Analysis", D(2025, 3, 18)), ("Negotiation/Review", D(2025, 4, 10))]),
    ("Hooli", "Hooli - expansion", 120_000, [
        ("Qualification", D(2025, 1, 9)), ("Closed Won", D(2025, 2, 28))]),
)
SF_CLOSE_DATE = D(2025, 4, 30)


def sf_money(amount: int) -> str:
    """Multi-currency org amount: `USD 47,000`."""
    return f"USD {amount:,}"


def sf_history_rows() -> list[tuple[str, str, str, str, int, D]]:
    """(account, opportunity, from stage, to stage, amount, edit date) as the report lists them."""
    rows = []
    for account, opp, amount, moves in SF_OPPORTUNITIES:
        previous = ""
        for stage, when in moves:
            rows.append((account, opp, previous, stage, amount, when))
            previous = stage
    return rows


def write_salesforce_opportunity_history(folder: Path) -> Path:
    """Opportunity History report: title rows, all values quoted, LF, Grand Totals and copyright footers."""
    header = ["Opportunity Owner", "Account Name", "Opportunity Name", "From Stage", "To Stage", "Amount",
              "Probability (%)", "Close Date", "Edit Date", "Last Modified By"]
    rows = sf_history_rows()
    lines = [csv_line(["Opportunity History"], quote_all=True), csv_line(["Acme Software Inc."], quote_all=True),
             "", csv_line(header, quote_all=True)]
    for account, opp, old, new, amount, when in rows:
        lines.append(csv_line(["Jane Doe", account, opp, old, new, sf_money(amount), SF_PROBABILITY[new],
                               us_date(SF_CLOSE_DATE), us_date(when), "Jane Doe"], quote_all=True))
    lines += ["", csv_line([f"Grand Totals ({len(rows)} records)"], quote_all=True), "",
              csv_line(["Confidential Information - Do Not Distribute"], quote_all=True),
              csv_line(["Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."], quote_all=True),
              csv_line(["Generated By:  Jane Doe  4/30/2025 5:01 PM"], quote_all=True),
              csv_line(["Acme Software Inc."], quote_all=True)]
    return write_lines(folder / "report1745971260000.csv", lines, eol=LF)


# ---------------------------------------------------------------- Salesforce Opportunity Field History

# (opportunity, account, field/event, old value, new value, edit date). Every Edit Date has day ≤ 12,
# so only the tool's (US) convention decides the order; read day-first, the durations change.
SF_FIELD_HISTORY = (
    ("Initech - 200 seats", "Initech", "Created.", "", "", D(2025, 2, 3, 9, 0)),
    ("Initech - 200 seats", "Initech", "Stage", "Prospecting", "Qualification", D(2025, 2, 10, 10, 22)),
    ("Initech - 200 seats", "Initech", "Amount", sf_money(40_000), sf_money(47_000), D(2025, 3, 4, 9, 5)),
    ("Initech - 200 seats", "Initech", "Stage", "Qualification", "Proposal/Price Quote", D(2025, 3, 4, 10, 22)),
    ("Initech - 200 seats", "Initech", "Stage", "Proposal/Price Quote", "Closed Won", D(2025, 4, 2, 16, 15)),
    ("Globex - renewal", "Globex", "Created.", "", "", D(2025, 1, 6, 8, 0)),
    ("Globex - renewal", "Globex", "Stage", "Prospecting", "Qualification", D(2025, 1, 9, 11, 0)),
    ("Globex - renewal", "Globex", "Close Date", "4/1/2025", "5/1/2025", D(2025, 1, 12, 14, 0)),
    ("Globex - renewal", "Globex", "Stage", "Qualification", "Closed Lost", D(2025, 2, 5, 15, 30)),
    ("Umbrella - rollout", "Umbrella Corp", "Created.", "", "", D(2025, 3, 3, 9, 0)),
    ("Umbrella - rollout", "Umbrella Corp", "Stage", "Prospecting", "Needs Analysis", D(2025, 3, 10, 13, 0)),
    ("Umbrella - rollout", "Umbrella Corp", "Stage", "Needs Analysis", "Closed Won", D(2025, 5, 6, 10, 0)),
)


def write_salesforce_field_history(folder: Path) -> Path:
    """Opportunity Field History report saved as CSV: titles, Grand Totals, confidential and © footers."""
    header = ["Opportunity Name", "Account Name", "Field / Event", "Old Value", "New Value", "Edited By", "Edit Date"]
    lines = [csv_line(["Opportunity Field History"], quote_all=True), csv_line(["Acme Software Inc."], quote_all=True),
             "", csv_line(header, quote_all=True)]
    for opp, account, field, old, new, when in SF_FIELD_HISTORY:
        lines.append(csv_line([opp, account, field, old, new, "Jane Doe", us_datetime(when)], quote_all=True))
    lines += ["", csv_line([f"Grand Totals ({len(SF_FIELD_HISTORY)} records)"], quote_all=True), "",
              csv_line(["Confidential Information - Do Not Distribute"], quote_all=True),
              csv_line(["Copyright © 2000-2025 salesforce.com, inc. All rights reserved."], quote_all=True)]
    return write_lines(folder / "Opportunity Field History-2025-05-07-10-00-00.csv", lines, eol=LF)


# ---------------------------------------------------------------- Zendesk tickets

# (Id, Requester, email, Organization, Priority, Created at, Satisfaction Score)
ZENDESK_TICKETS = (
    (1042, "Ada Lovelace", "ada@acme.com", "Acme Corp", "Normal", D(2026, 9, 1, 13, 44, 10), "Good"),
    (1043, "Bob Smith", "bob@acme.com", "Acme Corp", "High", D(2026, 9, 1, 14, 0, 0), "Bad with comment"),
    (1044, "Cy Young", "cy@gmail.com", "", "Low", D(2026, 9, 2, 9, 15, 0), "Offered"),
    (1045, "Di Prince", "di@globex.com", "Globex Ltd", "Urgent", D(2026, 9, 2, 11, 0, 0), "Unoffered"),
    (1046, "Ed Norton", "ed@globex.com", "Globex Ltd", "Normal", D(2026, 9, 3, 8, 30, 0), "Good with comment"),
    (1047, "Flo Rida", "flo@initech.com", "Initech", "Normal", D(2026, 9, 3, 16, 5, 0), "Good"),
    (1048, "Gus Fring", "gus@initech.com", "Initech", "High", D(2026, 9, 4, 10, 0, 0), "Bad"),
    (1049, "Hal Jordan", "hal@yahoo.com", "", "Normal", D(2026, 9, 4, 12, 45, 0), "Good"),
    (1050, "Ivy Lee", "ivy@umbrella.com", "Umbrella Corp", "Low", D(2026, 9, 5, 9, 0, 0), ""),
    (1051, "Jo March", "jo@umbrella.com", "Umbrella Corp", "Normal", D(2026, 9, 5, 17, 20, 0), "Good"),
)
ZENDESK_SATISFIED = {"Good", "Good with comment"}
ZENDESK_ANSWERS = ZENDESK_SATISFIED | {"Bad", "Bad with comment"}


def write_zendesk_tickets(folder: Path, tickets: Sequence[tuple] = ZENDESK_TICKETS,
                          name: str = "export-2026-09-30-tickets.csv") -> Path:
    """A Zendesk ticket export (view CSV): Organization, Satisfaction Score Good/Bad/Offered/Unoffered."""
    header = ["Id", "Requester", "Requester email", "Organization", "Subject", "Status", "Priority",
              "Created at", "Updated at", "Solved at", "Satisfaction Score"]
    lines = [csv_line(header)]
    for tid, who, email, org, priority, created, score in tickets:
        solved = created + dt.timedelta(hours=3)
        lines.append(csv_line([tid, who, email, org, f"Question {tid}", "Solved", priority, iso_dt(created),
                               iso_dt(solved + dt.timedelta(days=1)), iso_dt(solved), score]))
    return write_lines(folder / name, lines)


# ---------------------------------------------------------------- Intercom conversation ratings

# (Conversation ID, Updated at in America/New_York, remark, rating 1–5, user, company, agent type)
INTERCOM_RATINGS = (
    ("215467890123456", D(2026, 9, 1, 13, 44, 10), "Quick and helpful", 5, "Ada Lovelace", "Acme Corp", "Teammate"),
    ("215467890123457", D(2026, 9, 1, 22, 30, 0), "", 4, "Bob Smith", "Acme Corp", "Chatbot"),
    ("215467890123458", D(2026, 9, 2, 8, 15, 0), "", 3, "Cy Young", "", "Chatbot"),
    ("215467890123459", D(2026, 9, 2, 17, 0, 0), "Solved it", 5, "Di Prince", "Globex Ltd", "Teammate"),
    ("215467890123460", D(2026, 9, 3, 9, 5, 0), "Useless bot", 1, "Ed Norton", "Globex Ltd", "Chatbot"),
    ("215467890123461", D(2026, 9, 3, 23, 59, 0), "", 2, "Flo Rida", "Initech", "Teammate"),
    ("215467890123462", D(2026, 9, 4, 10, 0, 0), "", 4, "Gus Fring", "Initech", "Teammate"),
    ("215467890123463", D(2026, 9, 4, 11, 0, 0), "Thanks!", 5, "Hal Jordan", "", "Teammate"),
)
INTERCOM_ZONE = "America/New_York"


def write_intercom_ratings(folder: Path) -> Path:
    """Intercom's conversation-rating (CSAT) report export; the zone is written in a header."""
    header = ["Conversation ID", f"Updated at ({INTERCOM_ZONE})", "Conversation rating remark",
              "Conversation rating", "User name", "Company name", "Agent rated type", "Last survey sent"]
    lines = [csv_line(header)]
    for cid, when, remark, rating, user, company, agent in INTERCOM_RATINGS:
        lines.append(csv_line([cid, iso_dt(when), remark, rating, user, company, agent, ""]))
    return write_lines(folder / "csat.csv", lines)


# ---------------------------------------------------------------- Freshdesk tickets

# (Ticket ID, Created time, Survey results, Full name, Contact ID, Company Name)
FRESHDESK_TICKETS = (
    (5012, D(2026, 9, 1, 13, 44, 10), "Extremely Happy", "Ada Lovelace", 70001, "Acme Corp"),
    (5013, D(2026, 9, 1, 15, 0, 0), "Very Happy", "Bob Smith", 70002, "Acme Corp"),
    (5014, D(2026, 9, 2, 9, 30, 0), "Neutral", "Cy Young", 70003, "Globex Ltd"),
    (5015, D(2026, 9, 2, 11, 0, 0), "Unhappy", "Di Prince", 70004, "Globex Ltd"),
    (5016, D(2026, 9, 3, 8, 0, 0), "", "Ed Norton", 70005, "Initech"),
    (5017, D(2026, 9, 3, 14, 10, 0), "Extremely Unhappy", "Flo Rida", 70006, "Initech"),
    (5018, D(2026, 9, 4, 16, 40, 0), "Very Happy", "Gus Fring", 70007, "Umbrella Corp"),
)
FRESHDESK_SATISFIED = {"Extremely Happy", "Very Happy"}     # top two of the 7-point scale


def write_freshdesk_tickets(folder: Path) -> Path:
    """Freshdesk Tickets > Export CSV with the satisfaction survey's answer labels in "Survey results"."""
    header = ["Ticket ID", "Subject", "Status", "Priority", "Source", "Type", "Agent", "Group", "Created time",
              "Resolved time", "Closed time", "Last update time", "First response time (in hrs)",
              "Resolution time (in hrs)", "Tags", "Survey results", "Full name", "Contact ID", "Company Name"]
    lines = [csv_line(header)]
    for tid, created, survey, who, contact, company in FRESHDESK_TICKETS:
        resolved = created + dt.timedelta(hours=19, minutes=15)
        lines.append(csv_line([tid, f"Ticket {tid}", "Closed", "Medium", "Email", "Question", "Jane Doe", "Support",
                               iso_dt(created), iso_dt(resolved), iso_dt(resolved), iso_dt(resolved), "1.25",
                               "19.25", "", survey, who, contact, company]))
    return write_lines(folder / "freshdesk_tickets_export.csv", lines)


# ---------------------------------------------------------------- Qualtrics

QUALTRICS_NPS_TEXT = "How likely are you to recommend us to a friend or colleague?"

# (RecordedDate, Q1 NPS or None, company, plan, email, comment)
QUALTRICS_WITH_COMPANY = (
    (D(2026, 9, 1, 13, 44, 11), 9, "Acme Corp", "Pro", "ada@acme.com", "Great support"),
    (D(2026, 9, 2, 8, 3, 1), 4, "Globex Ltd", "Basic", "bob@globex.com", "Too expensive"),
    (D(2026, 9, 3, 10, 0, 0), 10, "Acme Corp", "Pro", "cy@acme.com", ""),
    (D(2026, 9, 3, 11, 30, 0), 7, "Initech", "Basic", "di@initech.com", ""),
    (D(2026, 9, 4, 9, 15, 0), 6, "Initech", "Basic", "ed@initech.com", "Slow reports"),
    (D(2026, 9, 5, 16, 20, 0), 8, "Umbrella Corp", "Pro", "flo@umbrella.com", ""),
    (D(2026, 9, 6, 12, 0, 0), None, "Hooli", "Pro", "gus@hooli.com", ""),            # left before Q1
    (D(2026, 9, 7, 14, 45, 0), 9, "Globex Ltd", "Basic", "hal@globex.com", "Much better now"),
)
# No company column: the account is the email domain, never a free-mail one.
QUALTRICS_EMAIL_ONLY = (
    (D(2026, 9, 1, 9, 0, 0), 9, None, None, "ada@initech.com", ""),
    (D(2026, 9, 1, 10, 0, 0), 10, None, None, "bob@gmail.com", ""),
    (D(2026, 9, 2, 11, 0, 0), 3, None, None, "cy@globex.com", "Bugs"),
    (D(2026, 9, 2, 12, 0, 0), 8, None, None, "di@initech.com", ""),
    (D(2026, 9, 3, 13, 0, 0), 6, None, None, "ed@gmail.com", ""),
)
FREE_MAIL = {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com"}


def nps_group(score: int | None) -> str:
    return "" if score is None else "Promoter" if score >= 9 else "Passive" if score >= 7 else "Detractor"


def write_qualtrics(folder: Path, rows: Sequence[tuple] = QUALTRICS_WITH_COMPANY,
                    name: str = "NPS_Q3_2026.csv") -> Path:
    """A Qualtrics CSV: three header rows (ids, question texts — one with a line break — and ImportId JSON),
    Q1 NPS + Q1_NPS_GROUP."""
    embedded = rows[0][2] is not None
    cols = [("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"America/Denver"}'),
            ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"America/Denver"}'),
            ("Status", "Response Type", '{"ImportId":"status"}'),
            ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
            ("Progress", "Progress", '{"ImportId":"progress"}'),
            ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
            ("Finished", "Finished", '{"ImportId":"finished"}'),
            ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"America/Denver"}'),
            ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
            ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
            ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
            ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
            ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
            ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
            ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
            ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
            ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
            ("Q1", QUALTRICS_NPS_TEXT, '{"ImportId":"QID1"}'),
            ("Q1_NPS_GROUP", f"{QUALTRICS_NPS_TEXT} - Group", '{"ImportId":"QID1_NPS_GROUP"}'),
            ("Q2", "What could we do better?\nPlease be as specific as you can.", '{"ImportId":"QID2_TEXT"}')]
    if embedded:
        cols += [("Company", "Company", '{"ImportId":"Company"}'), ("Plan", "Plan", '{"ImportId":"Plan"}')]
    lines = [csv_line(c[i] for c in cols) for i in range(3)]
    for i, (recorded, score, company, plan, email, comment) in enumerate(rows):
        first = email.split("@")[0].title()
        done = score is not None
        cells = [iso_dt(recorded - dt.timedelta(minutes=4, seconds=9)), iso_dt(recorded - dt.timedelta(seconds=1)),
                 "IP Address", f"203.0.113.{10 + i}", 100 if done else 50, 248 + i, "True" if done else "False",
                 iso_dt(recorded), f"R_{i + 1:02d}a2B3c4D5e6F7g", "Doe", first, email, "",
                 "39.7392", "-104.9847", "email", "EN", "" if score is None else score, nps_group(score), comment]
        if embedded:
            cells += [company, plan]
        lines.append(csv_line(cells))
    return write_lines(folder / name, lines)


# ---------------------------------------------------------------- SurveyMonkey

SURVEYMONKEY_NPS_TEXT = "How likely is it that you would recommend us to a friend or colleague?"
# (Respondent ID, Collector ID, end time, NPS or None, company answer, product choices)
SURVEYMONKEY_RESPONSES = (
    (114412345678, 432109876, D(2026, 9, 1, 13, 44, 10), 10, "Acme Corp", ("Widgets",)),
    (114412345679, 432109876, D(2026, 9, 1, 15, 2, 0), 9, "Globex Ltd", ("Widgets", "Gadgets")),
    (114412345680, 432109877, D(2026, 9, 2, 9, 30, 45), 9, "Initech", ()),
    (114412345681, 432109877, D(2026, 9, 2, 18, 5, 0), 8, "Acme Corp", ("Gadgets",)),
    (114412345682, 432109876, D(2026, 9, 3, 7, 55, 0), 2, "Umbrella Corp", ("Widgets",)),
    (114412345683, 432109876, D(2026, 9, 3, 12, 0, 0), None, "Hooli", ()),       # skipped the NPS question
)


def surveymonkey_dt(t: D) -> str:
    """`09/01/2026 01:44:10 PM`."""
    return t.strftime("%m/%d/%Y %I:%M:%S %p")


def write_surveymonkey(folder: Path) -> Path:
    """SurveyMonkey "expanded" CSV: question texts, then a second header row (Response / Open-Ended Response)."""
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
            "First Name", "Last Name", "Custom Data 1"]
    lines = [csv_line([*meta, SURVEYMONKEY_NPS_TEXT, "What is your company name?", "Which products do you use?", ""]),
             csv_line([""] * len(meta) + ["Response", "Open-Ended Response", "Widgets", "Gadgets"])]
    for rid, cid, end, score, company, products in SURVEYMONKEY_RESPONSES:
        lines.append(csv_line([rid, cid, surveymonkey_dt(end - dt.timedelta(minutes=3)), surveymonkey_dt(end),
                               "203.0.113.7", "", "", "", "", "" if score is None else score, company,
                               "Widgets" if "Widgets" in products else "", "Gadgets" if "Gadgets" in products else ""]))
    return write_lines(folder / "Customer Feedback Survey.csv", lines)


# ---------------------------------------------------------------- Typeform

TYPEFORM_NPS_TEXT = "How likely are you to recommend us to a friend or colleague?"
# (token, NPS or None, company, response type, start, stage, submit, network id)
TYPEFORM_RESPONSES = (
    ("odwdp4nzj1xg6m9l36odwdp4nzlv2gcw", 9, "Acme Corp", "completed",
     D(2026, 9, 30, 23, 58, 0), None, D(2026, 10, 1, 0, 3, 10), "653e97acae"),   # starts on one day, submits the next
    ("x7k2m9p4q1r8s5t3u6v0w2y4z6a8b0c1", 6, "Globex Ltd", "completed",
     D(2026, 10, 2, 10, 0, 0), None, D(2026, 10, 2, 10, 1, 30), "1f2e3d4c5b"),
    ("p0o9i8u7y6t5r4e3w2q1a2s3d4f5g6h7", None, "", "partial",
     D(2026, 10, 2, 11, 0, 0), D(2026, 10, 2, 11, 0, 40), None, "9a8b7c6d5e"),
    ("m1n2b3v4c5x6z7l8k9j0h1g2f3d4s5a6", 10, "Initech", "completed",
     D(2026, 10, 3, 9, 0, 0), None, D(2026, 10, 3, 9, 2, 0), "0a1b2c3d4e"),
    ("q9w8e7r6t5y4u3i2o1p0a9s8d7f6g5h4", 7, "Acme Corp", "completed",
     D(2026, 10, 4, 23, 59, 30), None, D(2026, 10, 5, 0, 0, 20), "5e4d3c2b1a"),
)


def write_typeform(folder: Path, dated: bool = True) -> Path:
    """Typeform responses CSV; with `dated=False` the sheet has no date column at all."""
    dates = ["Start Date (UTC)", "Stage Date (UTC)", "Submit Date (UTC)"] if dated else []
    lines = [csv_line(["#", TYPEFORM_NPS_TEXT, "What is your company?", "Response Type", *dates, "Network ID", "Tags"])]
    for token, score, company, kind, start, stage, submit, network in TYPEFORM_RESPONSES:
        when = [iso_dt(start), iso_dt(stage), iso_dt(submit)] if dated else []
        lines.append(csv_line([token, "" if score is None else score, company, kind, *when, network, ""]))
    return write_lines(folder / ("responses.csv" if dated else "responses_undated.csv"), lines)


# ---------------------------------------------------------------- Delighted

def _at(y: int, mo: int, d: int, h: int, mi: int, s: int, offset_h: int) -> D:
    return D(y, mo, d, h, mi, s, tzinfo=dt.timezone(dt.timedelta(hours=offset_h)))


# (Response ID, Score, Comment, Created At with its UTC offset, Person ID, Name, Email, Company)
DELIGHTED_RESPONSES = (
    (987654321, 9, "Great support", _at(2026, 9, 1, 23, 30, 0, -7), 123456789, "Ada Lovelace", "ada@acme.com",
     "Acme Corp"),                                   # 23:30 at -0700 is 06:30 the next day in UTC
    (987654322, 10, "", _at(2026, 9, 2, 8, 15, 0, 2), 123456790, "Bob Smith", "bob@globex.com", "Globex Ltd"),
    (987654323, 5, "Meh", _at(2026, 9, 3, 12, 0, 0, -7), 123456791, "Cy Young", "cy@initech.com", "Initech"),
    (987654324, 8, "", _at(2026, 9, 4, 17, 45, 30, 0), 123456792, "Di Prince", "di@umbrella.com", "Umbrella Corp"),
    (987654325, 0, "Cancelling", _at(2026, 9, 5, 9, 0, 0, -4), 123456793, "Ed Norton", "ed@hooli.com", "Hooli"),
    (987654326, 9, "", _at(2026, 9, 5, 22, 10, 0, -7), 123456794, "Flo Rida", "flo@acme.com", "Acme Corp"),
)


def delighted_dt(t: D) -> str:
    """`2026-09-01 13:44:10 -0700`: local time with its numeric UTC offset."""
    return t.strftime("%Y-%m-%d %H:%M:%S %z")


def write_delighted(folder: Path) -> Path:
    """Delighted responses CSV: Score, Created At with a UTC offset, person properties (Company)."""
    header = ["Response ID", "Score", "Comment", "Created At", "Updated At", "Person ID", "Name", "Email",
              "Company", "Delighted Source"]
    lines = [csv_line(header)]
    for rid, score, comment, created, pid, name, email, company in DELIGHTED_RESPONSES:
        lines.append(csv_line([rid, score, comment, delighted_dt(created),
                               delighted_dt(created + dt.timedelta(minutes=6)), pid, name, email, company, "Email"]))
    return write_lines(folder / "delighted-responses-2026-09-30.csv", lines)


# ---------------------------------------------------------------- accounts with churn flags and measures

# Telco-style customer file (IBM sample's 21 columns): tenure, charges, Churn Yes/No, no dates.
# (customerID, tenure, Contract, MonthlyCharges, Churn)
TELCO_CUSTOMERS = (
    ("0001-AAAAA", 1, "Month-to-month", 70.35, "Yes"),
    ("0002-BBBBB", 5, "Month-to-month", 89.10, "Yes"),
    ("0003-CCCCC", 2, "Month-to-month", 29.85, "Yes"),
    ("0004-DDDDD", 12, "Month-to-month", 56.95, "No"),
    ("0005-EEEEE", 30, "Month-to-month", 99.65, "Yes"),
    ("0006-FFFFF", 0, "Month-to-month", 20.25, "No"),            # new: TotalCharges is a single space
    ("0007-GGGGG", 24, "One year", 55.20, "No"),
    ("0008-HHHHH", 40, "One year", 104.80, "Yes"),
    ("0009-IIIII", 18, "One year", 45.00, "No"),
    ("0010-JJJJJ", 0, "One year", 61.90, "No"),
    ("0011-KKKKK", 60, "Two year", 25.10, "No"),
    ("0012-LLLLL", 72, "Two year", 110.05, "No"),
    ("0013-MMMMM", 45, "Two year", 80.00, "No"),
)


def telco_total(tenure: int, monthly: float) -> str:
    """TotalCharges as the IBM file writes it: a single space when tenure is 0."""
    return " " if tenure == 0 else f"{round(tenure * monthly, 2):g}"


def write_telco(folder: Path) -> Path:
    """A customer-level churn file in the IBM Telco layout: CRLF, unquoted, `" "` for a missing total."""
    header = ["customerID", "gender", "SeniorCitizen", "Partner", "Dependents", "tenure", "PhoneService",
              "MultipleLines", "InternetService", "OnlineSecurity", "OnlineBackup", "DeviceProtection",
              "TechSupport", "StreamingTV", "StreamingMovies", "Contract", "PaperlessBilling", "PaymentMethod",
              "MonthlyCharges", "TotalCharges", "Churn"]
    lines = [",".join(header)]
    for i, (cid, tenure, contract, monthly, churn) in enumerate(TELCO_CUSTOMERS):
        lines.append(",".join([cid, "Female" if i % 2 else "Male", str(i % 2), "Yes", "No", str(tenure), "Yes",
                               "No", "DSL", "No", "Yes", "No", "No", "No", "No", contract, "Yes",
                               "Electronic check", f"{monthly:.2f}", telco_total(tenure, monthly), churn]))
    return write_lines(folder / "telco_customers.csv", lines)


# (Account ID, Account Name, Plan, Seats, Churned true/false)
CHURNED_ACCOUNTS = (
    ("ACC-001", "Acme Corp", "Enterprise", 250, "false"), ("ACC-002", "Globex Ltd", "Enterprise", 400, "true"),
    ("ACC-003", "Initech", "Team", 12, "true"), ("ACC-004", "Umbrella Corp", "Team", 30, "false"),
    ("ACC-005", "Hooli", "Team", 8, "true"), ("ACC-006", "Vandelay", "Enterprise", 120, "false"),
    ("ACC-007", "Wonka", "Team", 15, "false"), ("ACC-008", "Stark", "Enterprise", 900, "false"),
)


def write_churned_accounts(folder: Path) -> Path:
    """An accounts export with a `Churned` true/false flag and a seat count, no dates."""
    lines = ["Account ID,Account Name,Plan,Seats,Churned", *(csv_line(r) for r in CHURNED_ACCOUNTS)]
    return write_lines(folder / "accounts_flags.csv", lines)


# (Customer, Region, Status Active/Cancelled/Churned)
STATUS_ACCOUNTS = (
    ("Acme Corp", "EMEA", "Active"), ("Globex Ltd", "EMEA", "Cancelled"), ("Initech", "EMEA", "Active"),
    ("Umbrella Corp", "AMER", "Churned"), ("Hooli", "AMER", "Active"), ("Vandelay", "AMER", "Cancelled"),
    ("Wonka", "AMER", "Active"),
)


def write_status_accounts(folder: Path) -> Path:
    """A customer list whose Status column (Active / Cancelled / Churned) is the churn flag."""
    lines = ["Customer,Region,Status", *(csv_line(r) for r in STATUS_ACCOUNTS)]
    return write_lines(folder / "customer_status.csv", lines)


# ---------------------------------------------------------------- undated and messy sheets

# An ad-hoc NPS spreadsheet: no date and no account column. (Respondent, Plan, NPS, Comment)
UNDATED_SURVEY = (("Ana", "Pro", 9, "Love it"), ("Ben", "Basic", 3, "Too slow"), ("Cleo", "Pro", 10, ""),
                  ("Dan", "Basic", 8, ""), ("Eve", "Pro", 6, "Missing exports"), ("Finn", "Basic", 10, ""),
                  ("Gus", "Pro", 9, ""))


def write_undated_survey(folder: Path) -> Path:
    """An undated, account-less NPS sheet typed by hand."""
    lines = ["Respondent,Plan,NPS score,Comment", *(csv_line(r) for r in UNDATED_SURVEY)]
    return write_lines(folder / "nps_workshop.csv", lines)


LINEBREAK_ROWS = (("Acme Corp", 9, "Great"), ("Globex Ltd", 4, "Slow, buggy"))


def write_header_linebreak(folder: Path) -> Path:
    """A CSV whose header cell holds a quoted line break (Excel: LF inside the cell, CRLF rows)."""
    header = csv_line(["Company", "How likely are you to recommend us?\n(0 = not at all, 10 = extremely)", "Comment"])
    return write_lines(folder / "nps_linebreak_header.csv", [header, *(csv_line(r) for r in LINEBREAK_ROWS)])


# ---------------------------------------------------------------- files that load but cannot feed a metric

ZENDESK_ANSWERED_ONLY = tuple(t for t in ZENDESK_TICKETS if t[6] in ZENDESK_ANSWERS)


def write_zendesk_answered(folder: Path) -> Path:
    """Zendesk tickets that all carry a Good/Bad rating: CSAT only, nothing for NPS or CES."""
    return write_zendesk_tickets(folder, ZENDESK_ANSWERED_ONLY, "zendesk-rated-tickets.csv")


UNMAPPED_EVENTS = (("A1", "Alpha", "2026-01-05"), ("A1", "Beta", "2026-01-20"), ("A2", "Alpha", "2026-01-07"),
                   ("A3", "Alpha", "2026-02-01"), ("A3", "Gamma", "2026-02-11"), ("A4", "Beta", "2026-02-15"),
                   ("A5", "Gamma", "2026-03-01"))


def write_unmapped_events(folder: Path) -> Path:
    """An event log whose "Pipeline Stage" values match no stage of the stage list."""
    lines = ["Account ID,Pipeline Stage,Entered At", *(csv_line(r) for r in UNMAPPED_EVENTS)]
    return write_lines(folder / "events_unknown_stages.csv", lines, eol=LF)


BLANK_CHURN_ACCOUNTS = tuple((f"ACC-{i:03d}", f"Customer {i}", "Pro" if i % 2 else "Basic") for i in range(1, 10))


def write_blank_churn_accounts(folder: Path) -> Path:
    """An accounts table whose Churn column is empty on every row."""
    lines = ["Account ID,Account Name,Plan,Churn", *(csv_line([*r, ""]) for r in BLANK_CHURN_ACCOUNTS)]
    return write_lines(folder / "accounts_blank_churn.csv", lines, eol=LF)


UNTYPED_SCORES = (("A1", "2026-09-01", 4), ("A2", "2026-09-02", 5), ("A3", "2026-09-02", 2), ("A4", "2026-09-03", 3),
                  ("A5", "2026-09-04", 5), ("A6", "2026-09-05", 1), ("A7", "2026-09-05", 4), ("A8", "2026-09-06", 3))


def write_untyped_scores(folder: Path) -> Path:
    """Survey-like rows with a 'Score' of 1–5 and nothing saying whether it is NPS, CSAT or CES."""
    lines = ["Account ID,Date,Score", *(csv_line(r) for r in UNTYPED_SCORES)]
    return write_lines(folder / "feedback_scores.csv", lines, eol=LF)
