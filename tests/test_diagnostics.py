"""No silent empty number: every metric, on files that load but cannot feed it, gives a reason naming column and counts.

Each case loads a small file, maps it explicitly (so the case does not depend on what cxlib
suggests), and checks that the metric really has no number and that `cxlib.diagnostics` says why,
naming the column and the row count. A last group runs the same through the command line.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import duckdb
import pytest

from cxlib import canonical, diagnostics, funnel, scores, segments, surveys
from cxlib.cli import main
from cxlib.errors import CxError, MetricError
from cxlib.mapping import Mapping, TableMapping
from cxlib.settings import Settings
from cxlib.workspace import Workspace

D = dt.datetime


def mapped(tmp_path: Path, name: str, text: str, kind: str, roles: dict[str, str], *,
           settings: Settings | None = None, survey_type: str | None = None) -> Workspace:
    """A workspace holding one file mapped as `kind` with the given roles (every other column ignored)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    ws = Workspace()
    ws.load([path])
    assert not ws.errors, ws.errors
    [report] = ws.reports
    all_roles = {c.name: roles.get(c.name, "ignore") for c in report.columns}
    table = TableMapping(report.table, report.source, kind, all_roles, survey_type=survey_type)
    ws.apply(Mapping([table], {}, settings or Settings()))
    return ws


def names(reason: diagnostics.Reason | None, column: str, count: int) -> str:
    """The reason's text, after checking it quotes the column and states the count."""
    assert reason is not None, "no reason given"
    assert f"'{column}'" in reason.text, reason.text
    assert re.search(rf"(?<![\d.,]){count:,}(?![\d.,])", reason.text), reason.text
    return reason.text


SURVEY_ROWS = [("A1", "2026-09-01", 4), ("A2", "2026-09-02", 5), ("A3", "2026-09-02", 2), ("A4", "2026-09-03", 3),
               ("A5", "2026-09-04", 5), ("A6", "2026-09-05", 1), ("A7", "2026-09-05", 4), ("A8", "2026-09-06", 3)]


def survey_file(rows: list[tuple], header: str = "Account ID,Date,Score", extra: str = "") -> str:
    return header + extra + "\n" + "".join(",".join(str(v) for v in r) + "\n" for r in rows)


SURVEY_ROLES = {"Account ID": "account_id", "Date": "ts", "Score": "score"}


# ---------------------------------------------------------------- survey answers


@pytest.mark.parametrize("kind", ["NPS", "CSAT", "CES"])
def test_untyped_score_says_to_choose_a_type(tmp_path: Path, kind: str) -> None:
    ws = mapped(tmp_path, "feedback.csv", survey_file(SURVEY_ROWS), "surveys", SURVEY_ROLES)
    metric = {"NPS": surveys.nps, "CSAT": surveys.csat, "CES": surveys.ces}[kind]
    assert int(metric(ws.con)["n"].sum()) == 0
    text = names(diagnostics.survey_reason(ws.con, ws.mapping, kind), "Score", len(SURVEY_ROWS))
    assert f"0 read as {kind} answers" in text and "no survey type" in text and "choose NPS, CSAT or CES" in text


def test_answers_of_another_type_are_named(tmp_path: Path) -> None:
    ws = mapped(tmp_path, "nps.csv", survey_file([(*r, "NPS") for r in SURVEY_ROWS], extra=",Type"), "surveys",
                {**SURVEY_ROLES, "Type": "survey_type"})
    assert int(surveys.csat(ws.con)["n"].sum()) == 0
    text = names(diagnostics.survey_reason(ws.con, ws.mapping, "CSAT"), "Score", len(SURVEY_ROWS))
    assert "holds NPS (8) answers" in text
    assert diagnostics.survey_reason(ws.con, ws.mapping, "NPS") is None      # NPS has its answers


def test_answers_out_of_range_are_counted(tmp_path: Path) -> None:
    rows = [(a, d, 11 + s) for a, d, s in SURVEY_ROWS]
    ws = mapped(tmp_path, "nps.csv", survey_file(rows), "surveys", SURVEY_ROLES, survey_type="NPS")
    assert int(surveys.nps(ws.con)["n"].sum()) == 0
    text = names(diagnostics.survey_reason(ws.con, ws.mapping, "NPS"), "Score", len(rows))
    assert "outside 0–10" in text


def test_blank_answers_are_counted(tmp_path: Path) -> None:
    rows = [(a, d, "") for a, d, _ in SURVEY_ROWS]
    ws = mapped(tmp_path, "nps.csv", survey_file(rows), "surveys", SURVEY_ROLES, survey_type="NPS")
    assert int(surveys.nps(ws.con)["n"].sum()) == 0
    assert "are blank" in names(diagnostics.survey_reason(ws.con, ws.mapping, "NPS"), "Score", len(rows))


def test_answers_without_account_ids_are_counted(tmp_path: Path) -> None:
    rows = [("", d, s) for _, d, s in SURVEY_ROWS]
    ws = mapped(tmp_path, "nps.csv", survey_file(rows), "surveys", SURVEY_ROLES, survey_type="NPS")
    if int(surveys.nps(ws.con)["n"].sum()) > 0:
        # Answers without an account may count at response level: then account level says why it has none.
        reason = diagnostics.survey_reason(ws.con, ws.mapping, "NPS", level="account")
        assert int(surveys.nps(ws.con, level="account")["n"].sum()) == 0
    else:
        reason = diagnostics.survey_reason(ws.con, ws.mapping, "NPS")
    assert "account" in names(reason, "Account ID", len(rows))


def test_answers_after_the_as_of_date_are_counted(tmp_path: Path) -> None:
    settings = Settings(as_of=D(2026, 8, 1))
    ws = mapped(tmp_path, "nps.csv", survey_file(SURVEY_ROWS), "surveys", SURVEY_ROLES, survey_type="NPS",
                settings=settings)
    assert int(surveys.nps(ws.con, settings=settings)["n"].sum()) == 0
    reason = diagnostics.survey_reason(ws.con, ws.mapping, "NPS", settings=settings)
    assert reason is not None and f"{len(SURVEY_ROWS)} NPS answers" in reason.text
    assert "after the as-of date 2026-08-01" in reason.text


def test_csat_answers_off_the_scale_are_counted(tmp_path: Path) -> None:
    rows = [(a, d, s + 0.5) for a, d, s in SURVEY_ROWS[:4]]
    ws = mapped(tmp_path, "csat.csv", survey_file(rows), "surveys", SURVEY_ROLES, survey_type="CSAT")
    table = surveys.csat(ws.con)
    assert (int(table["n"].sum()), int(table["rejected"].sum())) == (0, 4)
    # 4.5, 5.5, 2.5, 3.5: up to 5.5 is the 1–7 scale, where none is a whole box
    assert "off the 1-7 scale" in names(diagnostics.survey_reason(ws.con, ws.mapping, "CSAT"), "Score", 4)


def test_account_level_on_answers_without_accounts_says_why() -> None:
    con = duckdb.connect()
    canonical.create_table(con, canonical.SURVEYS, [
        {"account_id": None, "ts": D(2026, 9, i + 1), "survey_type": "NPS", "score": s, "source": "sheet.csv",
         "source_row": i + 1} for i, s in enumerate([9, 3, 10, 8, 6])])
    canonical.create_empty_views(con)
    assert int(surveys.nps(con)["n"].sum()) == 5
    # The metric itself refuses (never n = 0), and diagnostics says the same for pages that ask first.
    with pytest.raises(MetricError, match="5 NPS answers loaded; none has an account"):
        surveys.nps(con, level="account")
    reason = diagnostics.survey_reason(con, None, "NPS", level="account")
    assert reason is not None and "5 NPS answers" in reason.text and "0 have an account" in reason.text
    assert "account-level NPS" in reason.text and "sheet.csv" in reason.text
    assert diagnostics.survey_reason(con, None, "NPS") is None


def test_file_read_as_accounts_names_its_survey_column(tmp_path: Path) -> None:
    text = "Id,Organization,Satisfaction Score\n" + "".join(f"{i},Org {i},Good\n" for i in range(7))
    ws = mapped(tmp_path, "tickets.csv", text, "accounts", {"Id": "account_id", "Organization": "name"})
    assert int(surveys.nps(ws.con)["n"].sum()) == 0
    reason = diagnostics.survey_reason(ws.con, ws.mapping, "NPS")
    text = names(reason, "Satisfaction Score", 7)
    assert "looks like CSAT answers" in text and "tickets.csv" in text


# ---------------------------------------------------------------- funnel

EVENTS = [("A1", "Alpha", "2026-01-05"), ("A1", "Beta", "2026-01-20"), ("A2", "Alpha", "2026-01-07"),
          ("A3", "Alpha", "2026-02-01"), ("A3", "Gamma", "2026-02-11"), ("A4", "Beta", "2026-02-15"),
          ("A5", "Gamma", "2026-03-01")]
EVENT_ROLES = {"Account ID": "account_id", "Pipeline Stage": "stage", "Entered At": "ts"}


def event_file(rows: list[tuple]) -> str:
    return "Account ID,Pipeline Stage,Entered At\n" + "".join(",".join(r) + "\n" for r in rows)


def test_funnel_on_stages_that_map_to_nothing(tmp_path: Path) -> None:
    ws = mapped(tmp_path, "events.csv", event_file(EVENTS), "journey_events", EVENT_ROLES)
    with pytest.raises(CxError):
        funnel.funnel(ws.con, funnel.FunnelSpec(), ws.settings)
    text = names(diagnostics.funnel_reason(ws.con, ws.mapping), "Pipeline Stage", len(EVENTS))
    assert "no stage of the stage list" in text and "Alpha ×3" in text


def test_funnel_on_dates_that_cannot_be_read(tmp_path: Path) -> None:
    rows = [(a, "Awareness", "soon") for a, _, _ in EVENTS]
    ws = mapped(tmp_path, "events.csv", event_file(rows), "journey_events", EVENT_ROLES)
    assert "date" in names(diagnostics.funnel_reason(ws.con, ws.mapping), "Entered At", len(rows))


def test_funnel_on_events_at_no_funnel_step(tmp_path: Path) -> None:
    rows = [(a, "Churn", d) for a, _, d in EVENTS]
    ws = mapped(tmp_path, "events.csv", event_file(rows), "journey_events", EVENT_ROLES)
    reason = diagnostics.funnel_reason(ws.con, ws.mapping)
    assert reason is not None and f"{len(rows)} journey event rows usable" in reason.text
    assert "none is at a funnel step" in reason.text and f"Churn ({len(rows)})" in reason.text


def test_funnel_with_usable_events_has_no_reason(tmp_path: Path) -> None:
    rows = [(a, "Awareness", d) for a, _, d in EVENTS]
    ws = mapped(tmp_path, "events.csv", event_file(rows), "journey_events", EVENT_ROLES)
    assert diagnostics.funnel_reason(ws.con, ws.mapping) is None
    window = diagnostics.funnel_reason(ws.con, ws.mapping, date_from=dt.date(2027, 1, 1))
    assert window is not None and "none from 2027-01-01" in window.text


# ---------------------------------------------------------------- scores and compare


def test_scores_on_factors_nobody_knows(tmp_path: Path) -> None:
    text = "Account ID,Date,Factor,Rating\n" + "".join(f"A{i},2026-01-0{i},Vibes,{i}\n" for i in range(1, 6))
    ws = mapped(tmp_path, "ratings.csv", text, "factor_ratings",
                {"Account ID": "account_id", "Date": "ts", "Factor": "factor", "Rating": "score"})
    assert scores.account_scores(ws.con, ws.score_config, ws.settings)["composite"].isna().all()
    reason = diagnostics.scores_reason(ws.con, ws.mapping, ws.score_config, ws.settings)
    assert "no known factor" in names(reason, "Factor", 5)


def test_scores_without_any_rating(tmp_path: Path) -> None:
    ws = mapped(tmp_path, "accounts.csv", "Account ID,Plan\nA1,Pro\nA2,Basic\nA3,Pro\n", "accounts",
                {"Account ID": "account_id", "Plan": "segment"})
    reason = diagnostics.scores_reason(ws.con, ws.mapping, ws.score_config, ws.settings)
    assert reason is not None and reason.loaded == 0
    assert "3 accounts loaded; 0 factor ratings" in reason.text


def test_compare_on_a_column_without_values(tmp_path: Path) -> None:
    text = "Account ID,Plan,Churn\n" + "".join(f"A{i},{'Pro' if i % 2 else 'Basic'},\n" for i in range(1, 10))
    ws = mapped(tmp_path, "accounts.csv", text, "accounts",
                {"Account ID": "account_id", "Plan": "segment", "Churn": "segment"})
    with pytest.raises(MetricError, match="9 accounts loaded; 0 have a value in column 'churn'"):
        segments.compare(ws.con, "plan", rate=("churn", "Yes"))
    names(diagnostics.compare_reason(ws.con, ws.mapping, "Churn"), "Churn", 9)
    assert diagnostics.compare_reason(ws.con, ws.mapping, "Plan") is None


# ---------------------------------------------------------------- the command line says the same, exit 2


def cli(*argv: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("command", ["nps", "csat", "ces"])
def test_cli_refuses_an_empty_survey_metric_with_the_reason(tmp_path: Path, command: str) -> None:
    path = tmp_path / "feedback_scores.csv"
    path.write_text(survey_file(SURVEY_ROWS), encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    [report] = (ws := Workspace()).load([path])
    mapping.write_text(Mapping([TableMapping(report.table, report.source, "surveys", SURVEY_ROLES)], {}).to_json())
    ws.close()
    code, out, err = cli(command, path, "--mapping", mapping)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and f"{len(SURVEY_ROWS)} survey rows loaded" in err and "'Score'" in err


def test_cli_funnel_on_unmapped_stages_names_the_column(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(event_file(EVENTS), encoding="utf-8")
    code, out, err = cli("funnel", path)
    assert (code, out) == (2, "")
    assert "'Pipeline Stage'" in err and f"{len(EVENTS)} journey event rows loaded" in err


# ---------------------------------------------------------------- the pages show the same reasons

ROOT = Path(__file__).resolve().parents[1]


def page(name: str, ws: Workspace, monkeypatch: pytest.MonkeyPatch, state: dict | None = None) -> list[str]:
    """Run one page with `ws` as the session's workspace; every info, warning and caption text it shows."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["workspace"] = ws
    for key, value in (state or {}).items():      # e.g. the lazy tab to open
        at.session_state[key] = value
    at.switch_page(f"app_pages/{name}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return [e.value for e in (*at.info, *at.warning, *at.caption)]


def test_outcomes_page_says_why_nps_csat_and_ces_are_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = mapped(tmp_path, "feedback.csv", survey_file(SURVEY_ROWS), "surveys", SURVEY_ROLES)
    shown = page("outcomes", ws, monkeypatch, {"oc_section": "What customers say"})
    for kind in ("NPS", "CSAT", "CES"):
        assert any(text.startswith(f"{kind}: 8 survey rows loaded; 0 read as {kind} answers: column 'Score'")
                   for text in shown), shown


def test_funnel_page_says_why_it_has_no_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = mapped(tmp_path, "events.csv", event_file(EVENTS), "journey_events", EVENT_ROLES)
    shown = page("funnel", ws, monkeypatch)
    assert any("7 journey event rows loaded; 0 usable" in t and "'Pipeline Stage'" in t for t in shown), shown


def test_scores_page_says_why_it_has_no_ratings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Account ID,Date,Factor,Rating\n" + "".join(f"A{i},2026-01-0{i},Vibes,{i}\n" for i in range(1, 6))
    ws = mapped(tmp_path, "ratings.csv", text, "factor_ratings",
                {"Account ID": "account_id", "Date": "ts", "Factor": "factor", "Rating": "score"})
    shown = page("scores", ws, monkeypatch)
    assert any("5 factor ratings loaded; 0 usable" in t and "'Factor'" in t for t in shown), shown


def test_outcomes_page_says_how_many_answers_were_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The Zendesk export alone: 7 answers count, 3 tickets have none; the page says so under the cards.
    from cxlib.workspace import Workspace
    from tests.acceptance import generators as gen

    ws = Workspace()
    try:
        ws.load([gen.write_zendesk_tickets(tmp_path)])
        ws.apply(ws.suggest_mapping())
        shown = page("outcomes", ws, monkeypatch, {"oc_section": "What customers say"})
        assert ("3 of 10 CSAT answer rows are left out: 3 are blank (column 'Satisfaction Score') (the Data "
                "page's load report lists them).") in shown, shown
    finally:
        ws.close()
