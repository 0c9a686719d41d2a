"""Activities (issue 13): the ledger's reasons, ts, type, initiator and done rules at their edges."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from cxlib import dimensions
from cxlib import mapping as mp
from cxlib.loading import load_file
from cxlib.mapping.activity_words import activity_state_of, activity_type_of, initiated_by_of

AS_OF = dt.datetime(2025, 10, 1)

ACCOUNTS = "Account ID,Name\nA1,Acme\nA2,Globex\n"
# Rows 2–13 of the file (row 1 is the header).
ACTIVITIES = (
    "Account ID,Activity Date,Activity Type,Initiated By,Subject,Theme/Tag,Status,Due Date,Completed Date,Owner\n"
    "A1,2025-09-01,QBR,,Q3 review,,,,,Ann\n"                       # 2 qbr, no status, past → done
    "A1,2025-09-02,Task,,Send deck,,Open,2025-09-10,,Ann\n"         # 3 open task: not done
    "A1,2025-09-02,Task,,Send notes,,,2025-09-10,,Ann\n"            # 4 task, no status: not done
    "A1,2025-09-03,Task,,Fix export,,Open,2025-09-10,2025-09-12,Ann\n"  # 5 status open beats completed: not done
    "A1,2025-09-03,Task,,Agenda,,Completed,2025-09-10,2025-09-12,Ann\n"  # 6 ts = completed 09-12, done
    "A2,2025-10-02,Meeting,,Kickoff,,,,,Bob\n"                      # 7 meeting after as-of: not done
    "A2,2025-10-01,Meeting,,Training day,,,,,Bob\n"                 # 8 meeting on the as-of date: done
    "A2,2025-09-05,Frobnicate,,Something,,,,,Bob\n"                 # 9 unknown type → other, done
    "A2,2025-09-06,Ticket,,Login broken,,,,,\n"                     # 10 ticket → customer
    "A2,2025-09-07,Call,Inbound,They called,,,,,Bob\n"              # 11 inbound call → customer
    ",2025-09-07,Call,,No account,,,,,Bob\n"                        # 12 account id missing
    "A9,2025-09-07,Call,,Stranger,,,,,Bob\n"                        # 13 not in accounts
    "A1,,Email,,Undated,,,,,Ann\n"                                  # 14 no date at all
    "A1,someday,Email,,Bad date,,,,,Ann\n")                         # 15 date unreadable


def build(con: duckdb.DuckDBPyConnection, tmp_path: Path, as_of: dt.datetime | None = AS_OF) -> list:
    reports = []
    for name, text in (("accounts.csv", ACCOUNTS), ("activities.csv", ACTIVITIES)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        reports += load_file(con, tmp_path / name)
    m = mp.suggest_mapping(con, reports)
    m.settings.as_of = as_of
    return m, {r.view: r for r in mp.apply_mapping(con, m)}


def test_generic_activities_are_recognised(con, tmp_path):
    m, _ = build(con, tmp_path)
    tm = next(t for t in m.tables if t.source == "activities.csv")
    assert (tm.kind, tm.shape.id) == ("activities", "generic.activities")
    assert tm.roles == {"Account ID": "account_id", "Activity Date": "ts", "Activity Type": "activity_type",
                        "Initiated By": "initiated_by", "Subject": "subject", "Theme/Tag": "theme",
                        "Status": "status", "Due Date": "due_date", "Completed Date": "completed_at",
                        "Owner": "owner"}


def test_ledger_reasons_reconcile(con, tmp_path):
    _, reports = build(con, tmp_path)
    r = reports["activities"]
    assert (r.rows_in, r.rows_used, r.rows_excluded) == (14, 10, 4)
    assert dict(zip(r.reasons["reason"], r.reasons["rows"])) == {
        "account id missing": 1, "account id not in the accounts table": 1, "timestamp missing": 1,
        "timestamp unparseable": 1}
    excluded = mp.excluded_rows(con, "activities")
    assert list(excluded["source_row"]) == [12, 13, 14, 15]


def test_done_ts_type_and_initiator_rules(con, tmp_path):
    build(con, tmp_path)
    got = {row[0]: row[1:] for row in con.execute(
        "SELECT source_row, strftime(ts, '%Y-%m-%d'), activity_type, initiated_by, done "
        "FROM activities ORDER BY source_row").fetchall()}
    assert got == {
        2: ("2025-09-01", "qbr", "provider", True),
        3: ("2025-09-02", "task", "provider", False),
        4: ("2025-09-02", "task", "provider", False),
        5: ("2025-09-12", "task", "provider", False),
        6: ("2025-09-12", "task", "provider", True),
        7: ("2025-10-02", "meeting", "provider", False),
        8: ("2025-10-01", "meeting", "provider", True),
        9: ("2025-09-05", "other", "provider", True),
        10: ("2025-09-06", "ticket", "customer", True),
        11: ("2025-09-07", "call", "customer", True),
    }


def test_activities_never_move_the_as_of_date(con, tmp_path):
    """With no other dated view, the as-of date is not the activities' latest (a planned 2025-10-02)."""
    build(con, tmp_path, as_of=None)
    assert dimensions.latest_timestamp(con) is None
    # Judged at today: the meeting of 2025-10-02 is in the past by now, so it is done.
    assert con.execute("SELECT done FROM activities WHERE source_row = 7").fetchone() == (True,)


def test_value_words():
    assert [activity_type_of(v) for v in ("QBR", "EBR", "Business Review", "Quarterly Business Review",
                                          "QBR meeting", "Reference call", "Referenz", "Réunion", "电话",
                                          "Zoom", None)] == [
        "qbr", "qbr", "qbr", "qbr", "qbr", "reference", "reference", "meeting", "call", "other", "other"]
    assert [activity_state_of(v) for v in ("Completed", "Held", "Terminé", "已完成", "Not Started",
                                           "In Progress", "Archived")] == [
        "done", "done", "done", "done", "open", "open", None]
    assert initiated_by_of("Outbound") == "provider"
    assert initiated_by_of("Inbound") == "customer"
    assert initiated_by_of("yes", customer_flag=True) == "customer"
    assert initiated_by_of("No", customer_flag=True) == "provider"
    assert initiated_by_of("maybe") is None


def test_activities_survive_a_workspace_file_and_show_in_the_key_match(tmp_path):
    """A saved workspace reopens with the same activities; the key-match report counts their accounts."""
    from cxlib import saved, workspace

    for name, text in (("accounts.csv", ACCOUNTS), ("activities.csv", ACTIVITIES)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    ws = workspace.Workspace()
    ws.load([tmp_path / "accounts.csv", tmp_path / "activities.csv"])
    m = ws.suggest_mapping()
    m.settings.as_of = AS_OF
    reports = {r.view: r for r in ws.apply(m)}
    assert (reports["activities"].rows_used, reports["activities"].rows_excluded) == (10, 4)
    # Every row but row 12 names an account (13 rows); all but A9 (row 13) are in the accounts table.
    match = {k.view: k for k in mp.key_match(ws.con)}["activities"]
    assert (match.rows, match.matched) == (13, 12)
    back = saved.open_workspace(_saved(ws))
    try:
        assert back.con.execute("SELECT count(*), count(*) FILTER (WHERE done) FROM activities").fetchone() == (10, 6)
    finally:
        back.close()
        ws.close()


def _saved(ws) -> bytes:
    import io

    from cxlib import saved

    buf = io.BytesIO()
    saved.save_workspace(ws, buf)
    return buf.getvalue()


def test_sample_activity_history_is_recognised_and_has_its_stories(con, tmp_path):
    """The (small) sample's activities load by the suggested mapping, all used, with the stories they tell."""
    from cxlib import sample

    company = sample.small()
    files = sample.write(company, tmp_path)
    reports = []
    for path in files:
        if path.suffix == ".csv" and "snapshots" not in path.parts:
            reports += load_file(con, path)
    m = mp.suggest_mapping(con, reports)
    [tm] = [t for t in m.tables if t.source == "activities.csv"]
    assert (tm.kind, tm.shape.id) == ("activities", "generic.activities")
    r = {x.view: x for x in mp.apply_mapping(con, m)}["activities"]
    assert (r.rows_in, r.rows_excluded) == (len(company.activities), 0)
    as_of = dt.datetime(2026, 9, 30)
    one = lambda sql: con.execute(sql, [as_of]).fetchone()[0]  # noqa: E731
    assert one("SELECT count(*) FROM activities WHERE activity_type = 'task' AND NOT done AND due_date < ?") > 0
    assert one("SELECT count(*) FROM activities WHERE activity_type = 'task' AND completed_at > due_date "
               "AND completed_at <= ?") > 0
    assert one("SELECT count(*) FROM activities WHERE ts > ? AND NOT done") > 0          # planned, never the as-of
    assert one("SELECT count(*) FROM activities AS t JOIN activities AS c ON c.account_id = t.account_id "
               "AND c.initiated_by = 'provider' AND c.activity_type = 'call' "
               "AND c.ts BETWEEN t.ts AND t.ts + INTERVAL 14 DAY WHERE t.activity_type = 'ticket' AND ? IS NOT NULL") > 0
    # Some customers (a QBR more than 100 days ago) have had none since: missed QBRs to find.
    assert one("SELECT count(*) FROM (SELECT account_id FROM activities WHERE activity_type = 'qbr' AND done "
               "GROUP BY account_id HAVING max(ts) < ? - INTERVAL 100 DAY)") > 0
    assert one("SELECT count(*) FROM activities WHERE activity_type = 'reference' AND ? IS NOT NULL") > 0
    assert one("SELECT count(DISTINCT theme) FROM activities WHERE theme IS NOT NULL AND ? IS NOT NULL") == 4


def test_data_page_shows_activities_kind_types_validation_and_key_match(tmp_path):
    """The Data page: the activities kind in the dropdown, its types as read, its validation and key match."""
    from streamlit.testing.v1 import AppTest

    from cxlib import workspace

    for name, text in (("accounts.csv", ACCOUNTS), ("activities.csv", ACTIVITIES)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    ws = workspace.Workspace(label="Your upload")
    ws.load([tmp_path / "accounts.csv", tmp_path / "activities.csv"])
    ws.apply(ws.suggest_mapping())
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app_pages" / "data.py"), default_timeout=120)
    at.session_state["workspace"] = ws
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    kinds = [s for s in at.selectbox if s.label == "Kind of table"]
    assert "activities" in kinds[0].options and sorted(s.value for s in kinds) == ["accounts", "activities"]
    tables = [t.value for t in at.table]
    types = next(t for t in tables if "activity_type" in t.columns)
    assert dict(zip(types["value"], types["activity_type"])) == {
        "Call": "call", "Task": "task", "Email": "email", "Meeting": "meeting", "Frobnicate": "other",
        "QBR": "qbr", "Ticket": "ticket"}
    summary = next(t for t in tables if "rows in" in t.columns)
    assert summary.set_index("view").loc["activities", ["rows in", "rows used", "rows excluded"]].tolist() == [14, 10, 4]
    keys = next(t for t in tables if "matched" in t.columns)
    assert keys.set_index("view").loc["activities", ["rows", "matched"]].tolist() == [13, 12]
    ws.close()


INTERCOM = ("Conversation ID,Updated at (America/New_York),Conversation rating remark,Conversation rating,User name,"
            "Company name,Agent rated type,Last survey sent\n"
            "215467890123456,2026-09-01 13:44:10,Quick and helpful,5,Ada Lovelace,Acme Corp,Teammate,\n"
            "215467890123457,2026-09-02 08:15:00,,2,Bob Smith,,Chatbot,\n")
FRESHDESK = ("Ticket ID,Subject,Status,Created time (Europe/Paris),Resolved time,Survey results,Contact ID,Company Name\n"
             "5012,Cannot export,Closed,2026-09-01 13:44:10,2026-09-02 09:00:00,Extremely Happy,70001,Acme Corp\n")


def test_ticket_exports_without_a_created_at_column_or_with_a_zoned_one(con, tmp_path):
    """Intercom's ratings have no created date (dated by Updated at); a zoned "Created time (…)" is the created date."""
    reports = []
    for name, text in (("intercom.csv", INTERCOM), ("freshdesk.csv", FRESHDESK)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        reports += load_file(con, tmp_path / name)
    m = mp.suggest_mapping(con, reports)
    assert sorted(t.shape.id for t in m.tables) == ["freshdesk.tickets", "intercom.conversation_ratings"]
    mp.apply_mapping(con, m)
    assert con.execute("SELECT source, source_row, strftime(ts, '%Y-%m-%d %H:%M'), activity_type, initiated_by, reason "
                       "FROM _cx_activities_rows ORDER BY ALL").fetchall() == [
        ("freshdesk.csv", 2, "2026-09-01 13:44", "ticket", "customer", None),
        ("intercom.csv", 2, "2026-09-01 13:44", "ticket", "customer", None),
        ("intercom.csv", 3, "2026-09-02 08:15", "ticket", "customer", "account id missing")]
