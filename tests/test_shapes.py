"""Export shapes (issue 10): recognition from tiny inline exports, the views they feed, the JSON round trip,
the tool conventions offered for the loader's questions, and the Data page's "recognised as"."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cxlib import mapping as mp
from cxlib.loading import load_file
from cxlib.mapping import shapes
from cxlib.mapping.shapes.stage_dates import generic_stage
from cxlib.mapping.shapes.tickets import freshdesk_answers, header_zone
from cxlib.workspace import Workspace

PAGE = Path(__file__).resolve().parents[1] / "app_pages" / "data.py"


def load(con: duckdb.DuckDBPyConnection, tmp_path: Path, name: str, text: str) -> mp.Mapping:
    """Write a tiny export, load it as the app does, and return cxlib's suggested mapping."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    reports = load_file(con, path)
    return mp.suggest_mapping(con, reports)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


# ---- HubSpot ---------------------------------------------------------------------------------------

COMPANIES = ('"Record ID","Company name","Lifecycle Stage","Annual Revenue","Became a Lead Date",'
             '"Became a Customer Date","Became an Other Lifecycle Date"\r\n'
             '"101","Acme","Customer","5000000","2025-01-06 09:12","2025-04-14 10:00",""\r\n'
             '"102","Globex","Lead","","2025-02-11 08:00","",""\r\n')


def test_hubspot_companies_feed_accounts_and_journey_events(con, tmp_path):
    m = load(con, tmp_path, "hubspot-crm-exports-all-companies-2025-09-30.csv", COMPANIES)
    [tm] = m.tables
    assert (tm.kind, tm.shape.id, tm.shape.tool) == ("accounts", "hubspot.companies", "HubSpot")
    assert tm.shape.label == "HubSpot companies — 3 stage-date columns → journey events"
    assert tm.roles == {"Record ID": "ignore", "Company name": "account_id", "Lifecycle Stage": "stage",
                        "Annual Revenue": "arr", "Became a Lead Date": "ignore", "Became a Customer Date": "ignore",
                        "Became an Other Lifecycle Date": "ignore"}
    assert tm.shape.stage_dates == [("Became a Lead Date", "Lead"), ("Became a Customer Date", "Customer"),
                                    ("Became an Other Lifecycle Date", "Other Lifecycle")]
    # Header stages are stage values like any cell, counted by their non-empty cells.
    values = mp.stage_values(con, m)
    assert dict(zip(values["value"], values["rows"])) == {"Lead": 3, "Customer": 2}
    reports = {r.view: r for r in mp.apply_mapping(con, m)}
    assert rows(con, "SELECT account_id, stage, arr FROM accounts ORDER BY 1") == [
        ("Acme", "Decision", 5_000_000.0), ("Globex", "Awareness", None)]
    assert rows(con, "SELECT account_id, stage, strftime(ts, '%Y-%m-%d %H:%M') FROM journey_events ORDER BY 1, 3") == [
        ("Acme", "Awareness", "2025-01-06 09:12"), ("Acme", "Decision", "2025-04-14 10:00"),
        ("Globex", "Awareness", "2025-02-11 08:00")]
    # One event per non-empty cell: empty stage-date cells are no rows at all.
    assert (reports["journey_events"].rows_in, reports["journey_events"].rows_used) == (3, 3)


@pytest.mark.parametrize("quote", ["'", '"', "\u201c"])
def test_hubspot_contacts_date_entered_only_keyed_by_the_company(con, tmp_path, quote):
    close = "\u201d" if quote == "\u201c" else quote

    def h(prefix: str, stage: str, suffix: str = "") -> str:
        return f"{prefix} {quote}{stage} (Lifecycle Stage Pipeline){close}{suffix}"

    header = ["Record ID", "Email", "Lifecycle Stage", h("Date entered", "Lead"), h("Date exited", "Lead"),
              h("Date entered", "Kunde"), h("Cumulative time in", "Lead", " (HH:mm:ss)"), "Associated Company",
              "Associated Company IDs"]
    line = ",".join('"' + c.replace('"', '""') + '"' for c in header)
    text = (f"{line}\n\"1\",\"a@acme.com\",\"Customer\",\"2025-01-06 09:12\",\"2025-03-04 16:45\",\"2025-03-04 16:45\","
            "\"1375:33:00\",\"Acme\",\"9001\"\n"
            "\"2\",\"b@acme.com\",\"Lead\",\"2025-02-01 08:00\",\"\",\"\",\"\",\"Acme\",\"9001\"\n")
    m = load(con, tmp_path, "hubspot-crm-exports-all-contacts-2025-09-30.csv", text)
    [tm] = m.tables
    assert (tm.kind, tm.shape.id) == ("journey_events", "hubspot.contacts")
    assert tm.shape.stage_dates == [(header[3], "Lead"), (header[5], "Kunde")]
    assert tm.shape.not_entries == [header[4], header[6]]
    assert tm.column("account_id") == "Associated Company"
    assert tm.roles["Record ID"] == tm.roles["Associated Company IDs"] == "ignore"
    m.stage_map["Kunde"] = "Decision"           # a localised stage, mapped by the user
    mp.apply_mapping(con, m)
    assert rows(con, "SELECT account_id, stage FROM journey_events ORDER BY ts") == [
        ("Acme", "Awareness"), ("Acme", "Awareness"), ("Acme", "Decision")]


FEEDBACK = ('"Record ID","Survey name","Survey type","Rating","Sentiment","Submitted date","Associated Company"\n'
            '"1","Loyalty","NPS","10","Promoter","2026-09-01 13:44","Acme"\n'
            '"2","Sat","CSAT","2","Promoter","2026-09-01 14:00","Acme"\n'
            '"3","Sat","CSAT","1","Passive","2026-09-02 10:00","Globex"\n'
            '"4","Sat","CSAT","0","Detractor","2026-09-02 11:00",""\n'
            '"5","Effort","CES","6","Promoter","2026-09-03 09:00","Globex"\n')


def test_hubspot_feedback_csat_faces_are_satisfied_or_not(con, tmp_path):
    m = load(con, tmp_path, "hubspot-crm-exports-feedback-submissions-2026-09-30.csv", FEEDBACK)
    [tm] = m.tables
    assert (tm.kind, tm.shape.id) == ("surveys", "hubspot.feedback")
    assert tm.column("account_id") == "Associated Company" and tm.roles["Record ID"] == "ignore"
    mp.apply_mapping(con, m)
    # CSAT 2 → 1 (satisfied), 1 and 0 → 0; NPS and CES as rated; a blank company still answers.
    assert rows(con, "SELECT survey_type, score, account_id FROM surveys ORDER BY source_row") == [
        ("NPS", 10.0, "Acme"), ("CSAT", 1.0, "Acme"), ("CSAT", 0.0, "Globex"), ("CSAT", 0.0, None),
        ("CES", 6.0, "Globex")]


# ---- generic stage dates -----------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "stage"), [
    ("Signup Date", "Signup"), ("Date Paid", "Paid"), ("activated_at", "activated"), ("trialStartedAt", "trialStarted"),
    ("Closed Won Date", "Closed Won"), ("Create Date", None), ("Renewal Date", None), ("updated_at", None),
    ("Last Activity Date", None), ("End Date", None), ("Date", None), ("Q3 date", None)])
def test_generic_stage_from_a_header(header, stage):
    assert generic_stage(header) == stage


WIDE = "Account,Plan,Signup Date,Activated Date,Paid Date\nA1,Pro,2026-01-05,2026-01-09,2026-02-01\n" \
       "A2,Basic,2026-01-10,2026-01-20,\nA3,Pro,2026-02-01,,2026-03-01\n"


def test_generic_stage_dates_one_event_per_cell_stages_through_the_stage_map(con, tmp_path):
    m = load(con, tmp_path, "customers.csv", WIDE)
    [tm] = m.tables
    assert (tm.kind, tm.shape.id) == ("accounts", "generic.stage_dates")
    assert tm.roles == {"Account": "account_id", "Plan": "segment", "Signup Date": "ignore",
                        "Activated Date": "ignore", "Paid Date": "ignore"}
    m.stage_map.update({"Signup": "Awareness", "Activated": "Consideration", "Paid": "Decision"})
    mp.apply_mapping(con, m)
    assert rows(con, "SELECT stage, count(*) FROM journey_events GROUP BY 1 ORDER BY 1") == [
        ("Awareness", 3), ("Consideration", 2), ("Decision", 2)]


@pytest.mark.parametrize("text", [
    # dates against the header order on most rows: bookkeeping, not a journey
    "Account,Signup Date,Paid Date\nA1,2026-03-05,2026-01-09\nA2,2026-03-10,2026-01-20\nA3,2026-03-01,2026-02-01\n",
    # one account on several rows: an order list, not one row per account
    "Account,Order Date,Ship Date\nA1,2026-01-05,2026-01-09\nA1,2026-01-10,2026-01-20\nA2,2026-02-01,2026-02-03\n",
    # bookkeeping dates only
    "Account,Start Date,Renewal Date,Created at\nA1,2026-01-05,2027-01-05,2025-12-01\n"
    "A2,2026-01-10,2027-01-10,2025-12-02\n",
])
def test_generic_stage_dates_not_recognised(con, tmp_path, text):
    [tm] = load(con, tmp_path, "customers.csv", text).tables
    assert tm.shape is None


# ---- Salesforce ----------------------------------------------------------------------------------

FIELD_HISTORY = ('"Opportunity Field History"\n"Acme Software Inc."\n\n'
                 '"Opportunity Name","Account Name","Field / Event","Old Value","New Value","Edit Date"\n'
                 '"Deal","Initech","Created.","","","2025-02-03"\n'
                 '"Deal","Initech","Stage","Prospecting","Qualification","2025-02-10"\n'
                 '"Deal","Initech","Amount","USD 40,000","USD 47,000","2025-03-04"\n'
                 '"Deal","Initech","Stage","Qualification","Closed Won","2025-04-02"\n'
                 '\n"Grand Totals (4 records)"\n')


def test_salesforce_field_history_new_value_of_stage_rows(con, tmp_path):
    m = load(con, tmp_path, "Opportunity Field History-2025-05-07.csv", FIELD_HISTORY)
    [tm] = m.tables
    assert (tm.kind, tm.shape.id) == ("journey_events", "salesforce.field_history")
    assert (tm.column("account_id"), tm.column("stage"), tm.column("ts")) == ("Account Name", "New Value", "Edit Date")
    assert (tm.shape.date_order, tm.shape.number_format) == ("MDY", "point")
    reports = {r.view: r for r in mp.apply_mapping(con, m)}
    assert rows(con, "SELECT stage FROM journey_events ORDER BY ts") == [("Consideration",), ("Decision",)]
    assert reports["journey_events"].reasons.to_dict("records") == [{"reason": "not a stage change", "rows": 2}]


HISTORY = ('"Account Name","Opportunity Name","From Stage","To Stage","Amount","Close Date","Edit Date"\n'
           '"Initech","Deal","","Prospecting","47000","4/30/2025","2/3/2025"\n'
           '"Initech","Deal","Prospecting","Closed Won","47000","4/30/2025","3/14/2025"\n')


def test_salesforce_opportunity_history_to_stage_on_edit_date(con, tmp_path):
    [tm] = load(con, tmp_path, "report1745971260000.csv", HISTORY).tables
    assert (tm.kind, tm.shape.id) == ("journey_events", "salesforce.opportunity_history")
    assert {c: r for c, r in tm.roles.items() if r != "ignore"} == {
        "Account Name": "account_id", "To Stage": "stage", "Edit Date": "ts"}


# ---- help desks ------------------------------------------------------------------------------------

ZENDESK = ("Id,Requester,Organization,Priority,Created at,Solved at,Satisfaction Score\n"
           "1,Ada,Acme,High,2026-09-01 10:00:00,2026-09-01 13:00:00,Good\n"
           "2,Bob,Acme,Low,2026-09-01 11:00:00,2026-09-01 14:00:00,Bad with comment\n"
           "3,Cy,,Low,2026-09-02 09:00:00,2026-09-02 12:00:00,Good with comment\n"
           "4,Di,Globex,Low,2026-09-02 10:00:00,2026-09-02 13:00:00,Offered\n"
           "5,Ed,Globex,Low,2026-09-03 10:00:00,2026-09-03 13:00:00,\n")


def test_zendesk_good_bad_offered(con, tmp_path):
    m = load(con, tmp_path, "export-2026-09-30-tickets.csv", ZENDESK)
    [tm] = m.tables
    assert (tm.kind, tm.shape.id) == ("surveys", "zendesk.tickets")
    assert tm.roles["Id"] == "ignore" and tm.column("account_id") == "Organization"
    assert (tm.column("score:CSAT"), tm.column("ts")) == ("Satisfaction Score", "Solved at")
    reports = {r.view: r for r in mp.apply_mapping(con, m)}
    # Good → 1, Bad → 0; the ticket without an organisation still answers; Offered and blank do not.
    assert rows(con, "SELECT account_id, score FROM surveys ORDER BY source_row") == [
        ("Acme", 1.0), ("Acme", 0.0), (None, 1.0)]
    assert reports["surveys"].reasons.to_dict("records") == [{"reason": "score missing", "rows": 2}]


def test_intercom_zone_in_the_header_is_the_tables_time_zone(con, tmp_path):
    text = ("Conversation ID,Updated at (America/New_York),Conversation rating,Company name\n"
            "215467890123456,2026-09-01 13:44:10,5,Acme\n215467890123457,2026-09-01 22:30:00,2,\n")
    m = load(con, tmp_path, "csat.csv", text)
    [tm] = m.tables
    assert (tm.shape.id, tm.shape.timezone, tm.column("ts")) == (
        "intercom.conversation_ratings", "America/New_York", "Updated at (America/New_York)")
    assert m.settings.timezones[tm.table] == "America/New_York"
    assert header_zone("Conversation started at (Europe/Paris)") == "Europe/Paris"
    assert header_zone("Submit Date (UTC)") == "UTC" and header_zone("Duration (in seconds)") is None


@pytest.mark.parametrize(("labels", "satisfied"), [
    ({"extremely happy", "happy", "neutral"}, {"extremely happy", "very happy"}),
    ({"very happy", "happy", "unhappy"}, {"very happy", "happy"}),
    ({"awesome", "just okay"}, {"awesome"}),
    ({"happy", "unhappy"}, {"happy"}),
])
def test_freshdesk_labels_top_box_by_the_scale_they_reveal(labels, satisfied):
    assert {label for label, score in freshdesk_answers(labels).items() if score} == satisfied


# ---- survey tools ----------------------------------------------------------------------------------

QUALTRICS = ('StartDate,EndDate,Status,IPAddress,Progress,Finished,RecordedDate,ResponseId,RecipientEmail,'
             'Q1,Q1_NPS_GROUP\n'
             '"Start Date","End Date","Response Type","IP Address","Progress","Finished","Recorded Date",'
             '"Response ID","Recipient Email","How likely are you to recommend us?","How likely … - Group"\n'
             '"{""ImportId"":""startDate""}","{""ImportId"":""endDate""}","{""ImportId"":""status""}",'
             '"{""ImportId"":""ipAddress""}","{""ImportId"":""progress""}","{""ImportId"":""finished""}",'
             '"{""ImportId"":""recordedDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""recipientEmail""}",'
             '"{""ImportId"":""QID1""}","{""ImportId"":""QID1_NPS_GROUP""}"\n'
             '2026-09-01 09:00:00,2026-09-01 09:04:00,IP Address,203.0.113.1,100,True,2026-09-01 09:04:01,R_1,'
             'ada@initech.com,9,Promoter\n'
             '2026-09-01 10:00:00,2026-09-01 10:04:00,IP Address,203.0.113.2,100,True,2026-09-01 10:04:01,R_2,'
             'bob@gmail.com,3,Detractor\n'
             '2026-09-01 11:00:00,2026-09-01 11:04:00,Survey Preview,203.0.113.3,100,True,2026-09-01 11:04:01,R_3,'
             'me@initech.com,10,Promoter\n')


def test_qualtrics_email_domain_never_free_mail_previews_left_out(con, tmp_path):
    m = load(con, tmp_path, "NPS_Q3_2026.csv", QUALTRICS)
    [tm] = m.tables
    assert (tm.kind, tm.shape.id, tm.shape.account_from_email) == ("surveys", "qualtrics.responses", True)
    assert {c: r for c, r in tm.roles.items() if r != "ignore"} == {
        "RecordedDate": "ts", "RecipientEmail": "account_id", "Q1": "score:NPS"}
    reports = {r.view: r for r in mp.apply_mapping(con, m)}
    assert rows(con, "SELECT account_id, score FROM surveys ORDER BY source_row") == [("initech.com", 9.0),
                                                                                   (None, 3.0)]
    assert reports["surveys"].reasons.to_dict("records") == [{"reason": "survey preview or test", "rows": 1}]


@pytest.mark.parametrize(("header", "never"), [
    ("ResponseId", True), ("Respondent ID", True), ("Collector ID", True), ("Record ID", True),
    ("Record ID - Company", True), ("IP Address", True), ("Network ID", True), ("#", True),
    ("Associated Company IDs", True), ("Account ID", False), ("Organization", False), ("Company", False)])
def test_ids_are_never_the_account(header, never):
    assert shapes.never_account(header) is never


def test_free_mail_has_no_company_domain():
    assert [shapes.email_domain(e) for e in ("Ada@Initech.com", "bob@gmail.com", "x@qq.com", "y@web.de", "nope")] \
        == ["initech.com", None, None, None, None]


def test_delighted_offsets_are_converted_into_the_tables_zone(con, tmp_path):
    text = ("Response ID,Score,Comment,Created At,Person ID,Email,Company\n"
            "1,9,,2026-09-01 23:30:00 -0700,11,ada@acme.com,Acme\n"
            "2,0,,2026-09-02 08:15:00 +0200,12,bob@globex.com,Globex\n")
    m = load(con, tmp_path, "delighted-responses.csv", text)
    [tm] = m.tables
    assert (tm.shape.id, tm.column("score:NPS"), tm.column("ts")) == ("delighted.responses", "Score", "Created At")
    mp.apply_mapping(con, m)
    assert rows(con, "SELECT account_id, strftime(ts, '%Y-%m-%d %H:%M') FROM surveys ORDER BY source_row") == [
        ("Acme", "2026-09-02 06:30"), ("Globex", "2026-09-02 06:15")]


# ---- the mapping document and the loader's questions -------------------------------------------------

def test_shape_round_trips_in_the_mapping_json_and_old_files_still_load(con, tmp_path):
    m = load(con, tmp_path, "Opportunity Field History-2025-05-07.csv", FIELD_HISTORY)
    again = mp.Mapping.from_json(m.to_json())
    assert again.tables[0].shape == m.tables[0].shape
    old = json.loads(m.to_json())
    del old["tables"][0]["shape"]
    assert mp.Mapping.from_dict(old).tables[0].shape is None
    # Next month's file of the same pattern keeps the shape; a column it reads must be there.
    fitted = mp.fit_mapping(con, again, [m.tables[0].table])
    assert fitted.tables[0].shape == m.tables[0].shape
    broken = mp.Mapping.from_json(m.to_json())
    broken.tables[0].shape.rows.column = "Field"
    assert any('column "Field"' in str(e) for e in mp.check_mapping(con, broken))


def test_a_tools_convention_answers_only_the_loaders_open_questions():
    from cxlib.loading import Question

    shape = shapes.TableShape(id="salesforce.field_history", tool="Salesforce", name="Field History", label="x",
                              date_order="MDY", number_format="point")
    questions = [Question("Edit Date", "?", ["DMY", "MDY"]), Question("Amount", "?", ["thousands_comma",
                                                                                      "decimal_comma"]),
                 Question("Rate", "?", ["decimal_point", "thousands_dot"])]
    assert shapes.suggested_answers(shape, questions) == {
        "Edit Date": ("MDY", "Salesforce writes dates month/day/year"),
        "Amount": ("thousands_comma", "Salesforce writes numbers with a decimal point"),
        "Rate": ("decimal_point", "Salesforce writes numbers with a decimal point")}
    assert shapes.suggested_answers(None, questions) == {}


# ---- the Data page ----------------------------------------------------------------------------------

def test_data_page_says_recognised_as_and_offers_no_shape(tmp_path):
    path = tmp_path / "hubspot-crm-exports-all-companies-2025-09-30.csv"
    path.write_bytes(COMPANIES.encode())
    ws = Workspace(label="Your upload")
    ws.load([path])
    ws.apply(ws.suggest_mapping())
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.session_state["workspace"] = ws
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    [picker] = [s for s in at.selectbox if s.label == "Recognised as"]
    assert picker.value == "hubspot.companies"
    assert any("HubSpot companies — 3 stage-date columns → journey events" in c.value for c in at.caption)
    assert any("Journey events are keyed by 'Company name'." in c.value for c in at.caption)
    # "No shape": the table is read by its column names and values alone (and Record ID is never the account).
    picker.select(shapes.NO_SHAPE).run()
    assert not at.exception, [e.value for e in at.exception]
    plain = mp.suggest_table(ws.con, ws.reports[0].table, ws.reports[0].source, None, shape_id=shapes.NO_SHAPE)
    [kind] = [s for s in at.selectbox if s.label == "Kind of table"]
    assert (plain.shape, kind.value) == (None, plain.kind)
    assert not any("Journey events are keyed by" in c.value for c in at.caption)
    ws.close()


def test_data_page_offers_the_tools_date_order_and_assumes_nothing(tmp_path):
    path = tmp_path / "report1745971260000.csv"
    path.write_bytes(('"Account Name","From Stage","To Stage","Edit Date"\n"Initech","","Prospecting","2/3/2025"\n'
                      '"Initech","Prospecting","Closed Won","3/4/2025"\n').encode())
    ws = Workspace(label="Your upload")
    ws.load([path])
    ws.apply(ws.suggest_mapping())
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.session_state["workspace"] = ws
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    [question] = [r for r in at.radio if r.key.startswith("q_")]
    assert question.value is None                                   # offered, not assumed
    [offer] = [b for b in at.button if b.key == f"use_{question.key}"]
    assert offer.label == "Use MDY: Salesforce writes dates month/day/year"
    offer.click().run()
    assert [r.value for r in at.radio if r.key == question.key] == ["MDY"]
    assert at.session_state["load_hints"] == {"Edit Date": "MDY"}
    ws.close()


@pytest.mark.parametrize(("value", "stage"), [
    ("Subscriber", "Awareness"), ("Lead", "Awareness"), ("Marketing Qualified Lead", "Awareness"),
    ("Sales Qualified Lead", "Consideration"), ("Opportunity", "Consideration"), ("Customer", "Decision"),
    ("Evangelist", "Advocacy"), ("Other Lifecycle", None), ("salesqualifiedlead", "Consideration"),
    ("Appointment scheduled", "Consideration"), ("Decision maker bought-in", "Consideration"),
    ("Contract sent", "Consideration"), ("Closed won", "Decision"), ("Closed lost", "Lost deal"),
    ("Prospecting", "Awareness"), ("Proposal/Price Quote", "Consideration")])
def test_hubspot_and_salesforce_stages_land_on_the_journey(value, stage):
    from cxlib.stages import suggest_stage

    assert suggest_stage(value) == stage


# ---- accounts with a churn flag ------------------------------------------------------------------

@pytest.mark.parametrize(("name", "text", "shape_id", "flag"), [
    ("accounts.csv", "Account ID,Plan,Seats,Churned\nA1,Pro,10,true\nA2,Team,3,false\nA3,Pro,7,false\n",
     "generic.churn_accounts", "Churned"),
    ("customers.csv", "Customer,Region,Status\nAcme,EMEA,Active\nGlobex,EMEA,Cancelled\nInitech,AMER,Churned\n",
     "generic.churn_accounts", "Status"),
    ("telco.csv", "customerID,tenure,Contract,MonthlyCharges,TotalCharges,Churn\n"
                  "0001-A,1,Month-to-month,70.35,70.35,Yes\n0002-B,0,One year,20.25, ,No\n",
     "ibm.telco_churn", "Churn"),
])
def test_accounts_with_a_churn_flag(con, tmp_path, name, text, shape_id, flag):
    [tm] = load(con, tmp_path, name, text).tables
    assert (tm.kind, tm.shape.id, tm.roles[flag]) == ("accounts", shape_id, "churned")


def test_a_status_of_only_active_accounts_is_no_churn_flag(con, tmp_path):
    [tm] = load(con, tmp_path, "customers.csv", "Customer,Status\nAcme,Active\nGlobex,Active\n").tables
    assert tm.shape is None


def test_qualtrics_nps_question_found_by_its_text_in_the_second_header_row(con, tmp_path):
    text = ('StartDate,Finished,RecordedDate,ResponseId,Q7,Q8\n'
            '"Start Date","Finished","Recorded Date","Response ID",'
            '"How likely is it that you would recommend Acme to a colleague?","Anything else?"\n'
            '"{""ImportId"":""startDate""}","{""ImportId"":""finished""}","{""ImportId"":""recordedDate""}",'
            '"{""ImportId"":""_recordId""}","{""ImportId"":""QID7""}","{""ImportId"":""QID8_TEXT""}"\n'
            '2026-09-01 09:00:00,True,2026-09-01 09:04:01,R_1,9,Fine\n'
            '2026-09-01 10:00:00,True,2026-09-01 10:04:01,R_2,4,Slow\n')
    [tm] = load(con, tmp_path, "survey.csv", text).tables
    assert (tm.shape.id, tm.column("score:NPS"), tm.column("ts")) == ("qualtrics.responses", "Q7", "RecordedDate")


def test_star_reviews_are_csat_answers_without_an_account(con, tmp_path):
    # Olist's order-review layout: review and order ids are never the account; 4–5 stars are satisfied.
    text = ('"review_id","order_id","review_score","review_comment_title","review_comment_message",'
            '"review_creation_date","review_answer_timestamp"\n'
            '"r1","o1",5,,"ótimo",2018-01-18 00:00:00,2018-01-18 21:46:59\n'
            '"r2","o2",1,,,2018-02-01 00:00:00,2018-02-02 10:00:00\n'
            '"r3","o3",4,,,2018-03-05 00:00:00,2018-03-05 12:00:00\n')
    m = load(con, tmp_path, "olist_order_reviews_dataset.csv", text)
    [tm] = m.tables
    assert (tm.kind, tm.shape.id) == ("surveys", "generic.reviews")
    assert tm.roles["review_id"] == "ignore" and tm.roles["order_id"] == "ignore"
    assert (tm.column("score:CSAT"), tm.column("ts"), tm.column("comment")) == (
        "review_score", "review_creation_date", "review_comment_message")
    mp.apply_mapping(con, m)
    assert rows(con, "SELECT account_id, survey_type, score FROM surveys ORDER BY source_row") == [
        (None, "CSAT", 5.0), (None, "CSAT", 1.0), (None, "CSAT", 4.0)]


def test_star_column_off_the_1_to_5_scale_is_not_a_review(con, tmp_path):
    m = load(con, tmp_path, "reviews.csv", "review_id,rating\nr1,9\nr2,10\n")
    assert m.tables[0].shape is None or m.tables[0].shape.id != "generic.reviews"
