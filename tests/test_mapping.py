"""Mapping: kind/role suggestion in six languages and CRM exports, JSON round trip, canonical views."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import duckdb
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from cxlib import dimensions
from cxlib import mapping as mp
from cxlib.canonical import quote
from cxlib.errors import MappingError, MetricError
from cxlib.settings import Settings
from cxlib.stages import LOST_DEAL, Stage


def raw(con: duckdb.DuckDBPyConnection, table: str, schema: Sequence[tuple[str, str]],
        rows: Sequence[Sequence[Any]], first_row: int = 2) -> None:
    """A raw table as the loader leaves it: typed columns plus `_source_row` (line 1 is the header)."""
    cols = ", ".join(f"{quote(c)} {t}" for c, t in schema)
    con.execute(f"CREATE TABLE {quote(table)} ({cols}, _source_row BIGINT)")
    if rows:
        marks = ", ".join("?" for _ in range(len(schema) + 1))
        con.executemany(f"INSERT INTO {quote(table)} VALUES ({marks})",
                        [[*r, first_row + i] for i, r in enumerate(rows)])


def view(con: duckdb.DuckDBPyConnection, name: str, order: str) -> pd.DataFrame:
    return con.execute(f"SELECT * FROM {quote(name)} ORDER BY {order}").df()


def ts(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)), dtype="datetime64[us]")


D = dt.date


# ---- suggestion: six languages -------------------------------------------------------------------

def test_english_cs_export_accounts(con):
    raw(con, "accounts_export", [("Account ID", "VARCHAR"), ("Account Name", "VARCHAR"),
                                 ("Customer Tier", "VARCHAR"), ("Region", "VARCHAR"), ("CSM", "VARCHAR"),
                                 ("ARR", "DOUBLE"), ("MRR", "DOUBLE"), ("Lifecycle Stage", "VARCHAR"),
                                 ("Renewal Date", "DATE"), ("Churn Reason", "VARCHAR"),
                                 ("Outcome Achieved", "BOOLEAN"), ("% licences active", "DOUBLE")], [
        ("ACC-1", "Alpha Ltd", "Gold", "EMEA", "Sophie", 12000.0, 1000.0, "Onboarding", D(2027, 1, 31), None, True, 80.0),
        ("ACC-2", "Beta SA", "Silver", "APAC", "Wei", 6000.0, 500.0, "Live", D(2027, 3, 31), None, False, 35.5),
        ("ACC-3", "Gamma AG", "Gold", "EMEA", "Sophie", 2400.0, 200.0, "Churned", D(2026, 5, 31), "Price", None, None),
        ("ACC-4", "Delta Inc", "Silver", "APAC", "Wei", 3600.0, 300.0, "Renewal", D(2026, 12, 31), None, True, 60.0),
    ])
    assert mp.suggest_kind(con, "accounts_export", "accounts_export.csv") == "accounts"
    assert mp.suggest_roles(con, "accounts_export", "accounts") == {
        "Account ID": "account_id", "Account Name": "name", "Customer Tier": "segment", "Region": "segment",
        "CSM": "segment", "ARR": "arr", "MRR": "mrr", "Lifecycle Stage": "stage",
        "Renewal Date": "renewal_date", "Churn Reason": "churn_reason", "Outcome Achieved": "outcome",
        "% licences active": "factor:successful_product_adoption",
    }
    notes = mp.column_notes(con, "accounts_export")
    # MRR × 12 stands in for an empty ARR cell (issue 10: "MRR×12" feeds ARR).
    assert list(notes) == ["MRR"] and "MRR × 12 is used as ARR" in notes["MRR"]


def test_french_accounts_headers_and_values(con):
    raw(con, "clients", [("Identifiant client", "VARCHAR"), ("Nom du client", "VARCHAR"), ("Segment", "VARCHAR"),
                         ("Région", "VARCHAR"), ("Étape", "VARCHAR"), ("Date de début", "DATE"),
                         ("Date de renouvellement", "DATE"), ("Motif de résiliation", "VARCHAR"),
                         ("Objectif atteint", "VARCHAR")], [
        ("C-001", "Hôtel du Lac", "PME", "Île-de-France", "Sensibilisation", D(2025, 1, 2), D(2026, 1, 2), None, "Oui"),
        ("C-002", "Boulangerie Müller", "ETI", "Bretagne", "Livraison", D(2025, 2, 3), D(2026, 2, 3), None, "Non"),
        ("C-003", "Café Crème", "PME", "Bretagne", "Fidélisation", D(2024, 3, 4), D(2026, 3, 4), None, "Oui"),
        ("C-004", "Ateliers Réunis", "ETI", "Île-de-France", "Résilié", D(2023, 4, 5), D(2025, 4, 5), "Prix", "Non"),
    ])
    assert mp.suggest_kind(con, "clients", "clients.xlsx › Feuil1") == "accounts"
    assert mp.suggest_roles(con, "clients", "accounts") == {
        "Identifiant client": "account_id", "Nom du client": "name", "Segment": "segment", "Région": "segment",
        "Étape": "stage", "Date de début": "start_date", "Date de renouvellement": "renewal_date",
        "Motif de résiliation": "churn_reason", "Objectif atteint": "outcome",
    }


def test_italian_journey_events(con):
    raw(con, "eventi", [("ID cliente", "VARCHAR"), ("Fase", "VARCHAR"), ("Data", "DATE")], [
        ("IT-1", "Consapevolezza", D(2025, 1, 3)),
        ("IT-1", "Considerazione", D(2025, 2, 7)),
        ("IT-1", "Consegna", D(2025, 3, 12)),
        ("IT-2", "Consapevolezza", D(2025, 1, 20)),
        ("IT-2", "Rinnovo", D(2025, 6, 30)),
        ("IT-3", "Disdetta", D(2025, 7, 1)),
    ])
    assert mp.suggest_kind(con, "eventi", "eventi_clienti.csv") == "journey_events"
    assert mp.suggest_roles(con, "eventi", "journey_events") == {"ID cliente": "account_id", "Fase": "stage",
                                                                  "Data": "ts"}


def test_portuguese_surveys(con):
    raw(con, "pesquisas", [("ID do cliente", "VARCHAR"), ("Respondente", "VARCHAR"), ("Função", "VARCHAR"),
                           ("Data da resposta", "DATE"), ("Tipo de pesquisa", "VARCHAR"), ("Nota", "BIGINT"),
                           ("Comentário", "VARCHAR"), ("Etapa", "VARCHAR")], [
        ("BR-1", "João Silva", "Diretor", D(2025, 4, 1), "NPS", 9, "Ótimo suporte", "Implantação"),
        ("BR-1", "Ana Souza", "Usuária", D(2025, 4, 2), "CSAT", 4, None, "Renovação"),
        ("BR-2", "Carlos Lima", "Gerente", D(2025, 4, 3), "Satisfação", 2, "Demora na entrega", "Implantação"),
    ])
    assert mp.suggest_kind(con, "pesquisas", "pesquisa_clientes.csv") == "surveys"
    assert mp.suggest_roles(con, "pesquisas", "surveys") == {
        "ID do cliente": "account_id", "Respondente": "respondent", "Função": "respondent_role",
        "Data da resposta": "ts", "Tipo de pesquisa": "survey_type", "Nota": "score", "Comentário": "comment",
        "Etapa": "stage",
    }


def test_hungarian_snapshot_dated_by_file_name(con):
    raw(con, "ugyfelek", [("Ügyfél azonosító", "VARCHAR"), ("Ügyfél neve", "VARCHAR"), ("Szakasz", "VARCHAR")], [
        ("HU-1", "Kovács Kft.", "Tudatosság"),
        ("HU-2", "Szabó és Társa", "Bevezetés"),
        ("HU-3", "Tóth Zrt.", "Használat"),
        ("HU-4", "Nagy Bt.", "Lemondás"),
    ])
    m = mp.suggest_mapping(con, [SimpleNamespace(table="ugyfelek", source="ugyfelek_2026-08-31.xlsx › Munka1")])
    assert m.tables == [mp.TableMapping("ugyfelek", "ugyfelek_2026-08-31.xlsx › Munka1", "stage_snapshots",
                                        {"Ügyfél azonosító": "account_id", "Ügyfél neve": "ignore",
                                         "Szakasz": "stage"}, as_of="2026-08-31")]
    assert m.stage_map == {"Bevezetés": "Delivery", "Használat": "Usage", "Lemondás": "Churn",
                           "Tudatosság": "Awareness"}


def test_chinese_headers_and_values(con):
    raw(con, "客户", [("客户编号", "VARCHAR"), ("客户名称", "VARCHAR"), ("行业", "VARCHAR"),
                     ("年度经常性收入", "DOUBLE")], [
        ("CN-01", "上海云帆科技", "制造", 50000.0), ("CN-02", "北京星河", "零售", 32000.0),
        ("CN-03", "深圳海岸", "制造", 18000.0),
    ])
    raw(con, "客户旅程", [("客户编号", "VARCHAR"), ("阶段", "VARCHAR"), ("日期", "DATE")], [
        ("CN-01", "意识", D(2025, 1, 5)), ("CN-01", "交付", D(2025, 3, 1)), ("CN-02", "使用", D(2025, 2, 9)),
        ("CN-02", "流失", D(2025, 8, 30)), ("CN-03", "签约", D(2025, 4, 4)),
    ])
    m = mp.suggest_mapping(con, ["客户", "客户旅程"])
    assert [(t.kind, t.roles) for t in m.tables] == [
        ("accounts", {"客户编号": "account_id", "客户名称": "name", "行业": "segment", "年度经常性收入": "arr"}),
        ("journey_events", {"客户编号": "account_id", "阶段": "stage", "日期": "ts"}),
    ]
    assert m.stage_map == {"交付": "Delivery", "使用": "Usage", "意识": "Awareness", "流失": "Churn",
                           "签约": "Decision"}


# ---- suggestion: CRM and CS-tool exports ---------------------------------------------------------

def test_hubspot_companies_export(con):
    raw(con, "hubspot_companies", [("Record ID", "BIGINT"), ("Company name", "VARCHAR"),
                                   ("Lifecycle Stage", "VARCHAR"), ("Create Date", "TIMESTAMP"),
                                   ("Company owner", "VARCHAR"), ("Industry", "VARCHAR"),
                                   ("Annual Revenue", "DOUBLE")], [
        (9001, "Acme", "Lead", dt.datetime(2025, 1, 2, 9), "Jo", "Retail", 1e6),
        (9002, "Globex", "Marketing Qualified Lead", dt.datetime(2025, 1, 3, 9), "Jo", "Energy", 2e6),
        (9003, "Initech", "Customer", dt.datetime(2025, 1, 4, 9), "Sam", "Retail", 3e6),
        (9004, "Umbrella", "Evangelist", dt.datetime(2025, 1, 5, 9), "Sam", "Pharma", 4e6),
        (9005, "Hooli", "Other", dt.datetime(2025, 1, 6, 9), "Jo", "Tech", 5e6),
    ])
    m = mp.suggest_mapping(con, [SimpleNamespace(table="hubspot_companies",
                                                 source="hubspot-crm-exports-all-companies.csv")])
    # Recognised as HubSpot companies (issue 10): the company is the account by name, as in every
    # other HubSpot and help-desk file; Record ID never is; Annual Revenue is read as ARR.
    assert m.tables[0].kind == "accounts"
    assert m.tables[0].shape is not None and m.tables[0].shape.id == "hubspot.companies"
    assert m.tables[0].roles == {"Record ID": "ignore", "Company name": "account_id", "Lifecycle Stage": "stage",
                                 "Create Date": "start_date", "Company owner": "segment", "Industry": "segment",
                                 "Annual Revenue": "arr"}
    # Issue 10: HubSpot's "Annual Revenue" feeds ARR; the note says how to undo it.
    assert "read as the account's ARR" in mp.column_notes(con, "hubspot_companies")["Annual Revenue"]
    # HubSpot's lifecycle values land on the journey; "Other" is listed unmapped with its count.
    assert_frame_equal(mp.stage_values(con, m), pd.DataFrame({
        "value": pd.Series(["Customer", "Evangelist", "Lead", "Marketing Qualified Lead", "Other"], dtype="str"),
        "rows": pd.Series([1, 1, 1, 1, 1], dtype="int64"),
        "suggested_stage": pd.Series(["Decision", "Advocacy", "Awareness", "Awareness", None], dtype="object"),
        "mapped_stage": pd.Series(["Decision", "Advocacy", "Awareness", "Awareness", None], dtype="object"),
    }))
    assert_frame_equal(mp.unmapped_stage_values(con, m),
                       pd.DataFrame({"value": pd.Series(["Other"], dtype="str"),
                                     "rows": pd.Series([1], dtype="int64")}))


def test_salesforce_opportunities_are_journey_events(con):
    raw(con, "opportunities", [("Opportunity ID", "VARCHAR"), ("Account ID", "VARCHAR"),
                               ("Opportunity Stage", "VARCHAR"), ("Close Date", "DATE"), ("Created Date", "DATE"),
                               ("Amount", "DOUBLE")], [
        ("0065g00000AAAAA", "001D000000IqhSLIAZ", "Prospecting", D(2025, 1, 10), D(2025, 1, 1), 100.0),
        ("0065g00000AAAAB", "001D000000IqhSLIAZ", "Closed Won", D(2025, 3, 10), D(2025, 1, 1), 100.0),
        ("0065g00000AAAAC", "0015g00000AbCdEAAV", "Qualification", D(2025, 2, 11), D(2025, 2, 1), 50.0),
        ("0065g00000AAAAD", "0015g00000AbCdEAAV", "Closed Lost", D(2025, 4, 12), D(2025, 2, 1), 50.0),
    ])
    assert mp.suggest_kind(con, "opportunities", "Opportunities Report.xlsx") == "journey_events"
    assert mp.suggest_roles(con, "opportunities", "journey_events") == {
        "Opportunity ID": "ignore", "Account ID": "account_id", "Opportunity Stage": "stage",
        "Close Date": "ts", "Created Date": "ignore", "Amount": "ignore",
    }
    m = mp.suggest_mapping(con, ["opportunities"])
    # Closed Lost is a lost deal, never churn.
    assert m.stage_map == {"Closed Lost": LOST_DEAL, "Closed Won": "Decision", "Prospecting": "Awareness",
                           "Qualification": "Consideration"}


def test_gainsight_like_accounts_with_health_score(con):
    raw(con, "gs_companies", [("Company GSID", "VARCHAR"), ("Company Name", "VARCHAR"), ("ARR", "DOUBLE"),
                              ("Stage", "VARCHAR"), ("Customer Success Manager", "VARCHAR"), ("Segment", "VARCHAR"),
                              ("Original Contract Date", "DATE"), ("Health Score", "DOUBLE")], [
        ("1P02ABC1", "Acme", 10000.0, "Onboarding", "Kim", "SMB", D(2024, 1, 1), 72.0),
        ("1P02ABC2", "Globex", 50000.0, "Adoption", "Lee", "Enterprise", D(2023, 6, 1), 55.0),
        ("1P02ABC3", "Initech", 20000.0, "At Risk", "Kim", "SMB", D(2022, 2, 1), 31.0),
    ])
    assert mp.suggest_kind(con, "gs_companies", "Company export.csv") == "accounts"
    assert mp.suggest_roles(con, "gs_companies", "accounts") == {
        "Company GSID": "account_id", "Company Name": "name", "ARR": "arr", "Stage": "stage",
        "Customer Success Manager": "segment", "Segment": "segment", "Original Contract Date": "start_date",
        "Health Score": "factor:outcomes_at_scale",
    }


def test_survey_tool_export_with_nps_question_and_csat_columns(con):
    raw(con, "responses", [("Customer ID", "VARCHAR"), ("Email", "VARCHAR"), ("Job Title", "VARCHAR"),
                           ("RecordedDate", "TIMESTAMP"),
                           ("How likely are you to recommend us to a friend or colleague? (0-10)", "BIGINT"),
                           ("Why did you give that score?", "VARCHAR"), ("CSAT", "BIGINT")], [
        ("C-1", "a@acme.test", "CTO", dt.datetime(2025, 5, 1, 10), 10, "Great team", 5),
        ("C-2", "b@globex.test", "User", dt.datetime(2025, 5, 2, 11), 6, "Slow support", 3),
        ("C-3", "c@initech.test", "Admin", dt.datetime(2025, 5, 3, 12), 0, None, 1),
    ])
    assert mp.suggest_kind(con, "responses", "Qualtrics export.csv") == "surveys"
    assert mp.suggest_roles(con, "responses", "surveys") == {
        "Customer ID": "account_id", "Email": "respondent", "Job Title": "respondent_role", "RecordedDate": "ts",
        "How likely are you to recommend us to a friend or colleague? (0-10)": "score:NPS",
        "Why did you give that score?": "comment", "CSAT": "score:CSAT",
    }


def test_wide_factor_ratings_with_scale_hints(con):
    raw(con, "ratings_q3", [("Account ID", "VARCHAR"), ("Quarter End", "DATE"), ("Relationships (1-5)", "BIGINT"),
                            ("Customer Education score", "BIGINT"), ("Intent [1-5]", "BIGINT")], [
        ("A1", D(2025, 9, 30), 4, 3, 5), ("A2", D(2025, 9, 30), 2, 2, 4),
    ])
    tm = mp.suggest_mapping(con, [SimpleNamespace(table="ratings_q3", source="engagement ratings 2025-Q3.csv")]).tables[0]
    assert tm == mp.TableMapping("ratings_q3", "engagement ratings 2025-Q3.csv", "factor_ratings", {
        "Account ID": "account_id", "Quarter End": "ts", "Relationships (1-5)": "factor:relationships",
        "Customer Education score": "factor:customer_education", "Intent [1-5]": "factor:customer_intent"})


def test_table_without_any_known_column_is_ignored(con):
    raw(con, "lookup", [("Code", "VARCHAR"), ("Description", "VARCHAR")], [("X", "Something"), ("Y", "Other")])
    assert mp.suggest_kind(con, "lookup") == "ignore"
    assert mp.suggest_roles(con, "lookup", "ignore") == {"Code": "ignore", "Description": "ignore"}


def test_stage_column_found_by_values_alone(con):
    raw(con, "export", [("Customer ID", "VARCHAR"), ("Col7", "VARCHAR")], [
        ("A", "Onboarding"), ("B", "Renewal"), ("C", "Closed Won"), ("D", "Weird value"),
    ])
    assert mp.suggest_roles(con, "export", "accounts") == {"Customer ID": "account_id", "Col7": "stage"}


@pytest.mark.parametrize(("source", "expected"), [
    ("stage_snapshot_2026-08-31.csv", "2026-08-31"),
    ("export 2026-09.xlsx", "2026-09-30"),
    ("export 2024-02.xlsx › Sheet1", "2024-02-29"),
    ("crm_20260131.csv", "2026-01-31"),
    ("ratings 2025-Q3.csv", "2025-09-30"),
    ("accounts.csv", None),
    ("export 2026-13.csv", None),
])
def test_as_of_from_file_name(source, expected):
    assert mp.as_of_from_source(source) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("NPS", "NPS"), ("Net Promoter Score", "NPS"), ("净推荐值", "NPS"), ("CSAT", "CSAT"), ("Satisfação", "CSAT"),
    ("soddisfazione", "CSAT"), ("Elégedettség", "CSAT"), ("CES", "CES"), ("Customer Effort Score", "CES"),
    ("费力度", "CES"), ("nps_responses_2025.csv", "NPS"), ("Onboarding survey", None),
])
def test_survey_type_of(text, expected):
    assert mp.survey_type_of(text) == expected


# ---- the mapping document ------------------------------------------------------------------------

def _document() -> mp.Mapping:
    return mp.Mapping(
        tables=[
            mp.TableMapping("accounts_export", "accounts.xlsx › Accounts", "accounts",
                            {"Account ID": "account_id", "Tier": "segment", "Notes": "ignore"}),
            mp.TableMapping("snap_aug", "stage_snapshot_2026-08-31.csv", "stage_snapshots",
                            {"Account ID": "account_id", "Stage": "stage"}, as_of="2026-08-31"),
            mp.TableMapping("nps", "nps.csv", "surveys", {"Customer ID": "account_id", "Score": "score"},
                            survey_type="NPS"),
        ],
        stage_map={"Onboarding": "Delivery", "Closed Lost": LOST_DEAL, "Weird": None, "Étape 1": "Awareness"},
        settings=Settings(as_of=dt.datetime(2026, 9, 30), timezones={"nps": "Europe/Paris"},
                          fiscal_year_start_month=4, min_n=20,
                          stages=[Stage("Lead", "funnel", "#111111"), Stage("Customer", "funnel", "#222222"),
                                  Stage("Gone", "exit", "#333333")]),
        scores={"weights": {"relationships": 2.0}, "targets": {"A": [1, 2]}, "thresholds": [40, 70]},
    )


def test_json_round_trip_is_lossless_and_stable():
    m = _document()
    text = m.to_json()
    back = mp.Mapping.from_json(text)
    assert back == m
    assert back.to_json() == text
    assert '"version": 1' in text and "Étape 1" in text      # readable, not \u-escaped


def test_json_stage_map_order_does_not_change_the_document():
    a, b = _document(), _document()
    b.stage_map = dict(reversed(list(b.stage_map.items())))
    assert a.to_json() == b.to_json()


@given(stage_map=st.dictionaries(st.text(min_size=1, max_size=12), st.one_of(st.none(), st.text(max_size=12)),
                                 max_size=6),
       roles=st.dictionaries(st.text(min_size=1, max_size=12), st.sampled_from(mp.ROLES["surveys"]), max_size=6),
       as_of=st.one_of(st.none(), st.dates().map(lambda d: d.isoformat())))
def test_json_round_trip_property(stage_map, roles, as_of):
    m = mp.Mapping([mp.TableMapping("t", "t.csv", "surveys", roles, as_of=as_of)], stage_map, Settings())
    assert mp.Mapping.from_json(m.to_json()) == m


def test_json_errors_are_mapping_errors_with_a_message():
    with pytest.raises(MappingError, match="not valid JSON"):
        mp.Mapping.from_json("{not json")
    with pytest.raises(MappingError, match="version 7 is not supported"):
        mp.Mapping.from_json('{"version": 7, "tables": []}')
    with pytest.raises(MappingError, match="incomplete or malformed"):
        mp.Mapping.from_json('{"version": 1, "tables": [{"source": "x.csv"}]}')


# ---- canonical views -----------------------------------------------------------------------------

def _small_company(con) -> mp.Mapping:
    """Accounts (one duplicate, one without id), events in Paris time, a wide NPS/CSAT survey."""
    raw(con, "accounts_export", [("Account ID", "VARCHAR"), ("Account Name", "VARCHAR"), ("Customer Tier", "VARCHAR"),
                                 ("ARR", "DOUBLE"), ("Start", "DATE"), ("Outcome Achieved", "VARCHAR"),
                                 ("Lifecycle Stage", "VARCHAR")], [
        ("A1", "Alpha", "Gold", 1000.0, D(2025, 1, 15), "Yes", "Live"),
        ("A2", "Beta", "Silver", 500.0, None, "Não", None),
        ("A1", "Alpha again", "Gold", 999.0, None, None, "Live"),
        (None, "Nameless", "Silver", 10.0, None, None, None),
        ("A3", "Gamma", None, None, None, "0.5", "Mystery"),
    ])
    raw(con, "events_raw", [("Account ID", "VARCHAR"), ("Stage", "VARCHAR"), ("Entered At", "TIMESTAMPTZ")], [
        ("A1", "Lead", dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC)),
        ("A1", "Onboarding", dt.datetime(2025, 2, 1, 23, 30, tzinfo=dt.UTC)),
        ("A2", "Foo", dt.datetime(2025, 1, 5, tzinfo=dt.UTC)),
        ("A9", "Lead", dt.datetime(2025, 1, 6, tzinfo=dt.UTC)),
        ("A2", "Closed Lost", None),
        ("A2", "Closed Lost", dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)),
        ("A2", None, dt.datetime(2025, 3, 2, tzinfo=dt.UTC)),
    ])
    raw(con, "survey_raw", [("Customer ID", "VARCHAR"), ("Email", "VARCHAR"), ("Date", "DATE"), ("NPS", "BIGINT"),
                            ("CSAT", "DOUBLE")], [
        ("A1", "a@x.test", D(2025, 2, 10), 9, 5.0),
        ("A2", "b@x.test", D(2025, 2, 11), 11, None),
        (None, "c@x.test", D(2025, 2, 12), 3, 2.0),
    ])
    return mp.Mapping(tables=[
        mp.TableMapping("accounts_export", "accounts.csv", "accounts", {
            "Account ID": "account_id", "Account Name": "name", "Customer Tier": "segment", "ARR": "arr",
            "Start": "start_date", "Outcome Achieved": "outcome", "Lifecycle Stage": "stage"}),
        mp.TableMapping("events_raw", "events.csv", "journey_events",
                        {"Account ID": "account_id", "Stage": "stage", "Entered At": "ts"}),
        mp.TableMapping("survey_raw", "nps.csv", "surveys", {"Customer ID": "account_id", "Email": "respondent",
                                                             "Date": "ts", "NPS": "score:NPS",
                                                             "CSAT": "score:CSAT"}),
    ], stage_map={"Foo": None}, settings=Settings(timezones={"events_raw": "Europe/Paris"}))


def test_apply_builds_exact_accounts_view(con):
    mp.apply_mapping(con, _small_company(con))
    assert_frame_equal(view(con, "accounts", "account_id"), pd.DataFrame({
        "account_id": ["A1", "A2"],
        "name": ["Alpha", "Beta"],
        "stage": pd.Series(["Usage", None], dtype="str"),
        "arr": [1000.0, 500.0],
        "start_date": ts("2025-01-15", None),
        "renewal_date": pd.Series([pd.NaT, pd.NaT], dtype="datetime64[us]"),
        "churn_reason": pd.Series([None, None], dtype="object"),
        "outcome": [1.0, 0.0],
        "churned": pd.Series([pd.NA, pd.NA], dtype="boolean"),
        "intent": pd.Series([None, None], dtype="object"),
        "source": ["accounts.csv", "accounts.csv"],
        "source_row": [2, 3],
        "customer_tier": ["Gold", "Silver"],
    }))
    assert mp.segment_columns(_small_company_mapping_only()) == {"customer_tier": "Customer Tier"}


def _small_company_mapping_only() -> mp.Mapping:
    return mp.Mapping([mp.TableMapping("accounts_export", "accounts.csv", "accounts",
                                       {"Account ID": "account_id", "Customer Tier": "segment"})], {}, Settings())


def test_apply_builds_exact_events_view_in_source_time_zone(con):
    mp.apply_mapping(con, _small_company(con))
    # 08:00 UTC is 09:00 in Paris; 23:30 UTC on 1 Feb is 00:30 on 2 Feb there.
    assert_frame_equal(view(con, "journey_events", "source_row"), pd.DataFrame({
        "account_id": ["A1", "A1", "A2"],
        "stage": ["Awareness", "Delivery", LOST_DEAL],
        "ts": ts("2025-01-01 09:00", "2025-02-02 00:30", "2025-03-01 13:00"),
        "resolution": ["event", "event", "event"],
        "source": ["events.csv"] * 3,
        "source_row": [2, 3, 7],
    }))


def test_apply_unpivots_wide_survey_scores_and_rejects_nps_off_scale(con):
    mp.apply_mapping(con, _small_company(con))
    assert_frame_equal(view(con, "surveys", "source_row, survey_type"), pd.DataFrame({
        "account_id": ["A1", "A1"],
        "respondent": ["a@x.test", "a@x.test"],
        "respondent_role": pd.Series([None, None], dtype="object"),
        "ts": ts("2025-02-10", "2025-02-10"),
        "survey_type": ["CSAT", "NPS"],
        "score": [5.0, 9.0],
        "comment": pd.Series([None, None], dtype="object"),
        "stage": pd.Series([None, None], dtype="object"),
        "source": ["nps.csv", "nps.csv"],
        "source_row": [2, 2],
    }))


def test_validation_reports_reconcile_with_reasons(con):
    reports = {r.view: r for r in mp.apply_mapping(con, _small_company(con))}
    assert list(reports) == ["accounts", "journey_events", "stage_snapshots", "surveys", "factor_ratings",
                             "activities"]
    for r in reports.values():
        assert r.rows_in == r.rows_used + r.rows_excluded == int(r.reasons["rows"].sum()) + r.rows_used

    def reasons(view: str) -> pd.DataFrame:
        return reports[view].reasons

    acc = reports["accounts"]
    assert (acc.rows_in, acc.rows_used, acc.rows_excluded) == (5, 2, 3)
    assert_frame_equal(reasons("accounts"), pd.DataFrame({
        "reason": ["account id missing", "duplicate account id", "stage not mapped"],
        "rows": pd.Series([1, 1, 1], dtype="int64")}))
    ev = reports["journey_events"]
    assert (ev.rows_in, ev.rows_used, ev.rows_excluded, ev.rows_derived) == (7, 3, 4, 0)
    assert_frame_equal(reasons("journey_events"), pd.DataFrame({
        "reason": ["account id not in the accounts table", "stage missing", "stage not mapped",
                   "timestamp missing"],
        "rows": pd.Series([1, 1, 1, 1], dtype="int64")}))
    # 3 rows × 2 score columns: A1's two answers used; NPS 11 rejected, never clipped.
    sv = reports["surveys"]
    assert (sv.rows_in, sv.rows_used, sv.rows_excluded) == (6, 2, 4)
    assert_frame_equal(reasons("surveys"), pd.DataFrame({
        "reason": ["account id missing", "score missing", "score out of range"],
        "rows": pd.Series([2, 1, 1], dtype="int64")}))
    assert (reports["stage_snapshots"].rows_in, reports["factor_ratings"].rows_in) == (0, 0)


def test_excluded_rows_name_source_row_and_reason(con):
    mp.apply_mapping(con, _small_company(con))
    assert_frame_equal(mp.excluded_rows(con, "journey_events"), pd.DataFrame({
        "source": ["events.csv"] * 4,
        "source_row": [4, 5, 6, 8],
        "reason": ["stage not mapped", "account id not in the accounts table", "timestamp missing",
                   "stage missing"],
    }))
    assert_frame_equal(mp.excluded_rows(con, "accounts"), pd.DataFrame({
        "source": ["accounts.csv"] * 3, "source_row": [4, 5, 6],
        "reason": ["duplicate account id", "account id missing", "stage not mapped"]}))


def test_user_stage_map_and_stage_list_drive_the_views(con):
    m = _small_company(con)
    m.stage_map = {"Foo": "Usage", "Mystery": "Usage"}
    mp.apply_mapping(con, m)
    assert con.execute("SELECT stage FROM journey_events WHERE source_row = 4").fetchall() == [("Usage",)]
    # A custom stage list: values map onto it, and a target outside it is a mapping error.
    m.settings = Settings(stages=[Stage("Prospect"), Stage("Client"), Stage("Gone", "exit")])
    m.stage_map = {"Lead": "Prospect", "Onboarding": "Client", "Closed Lost": LOST_DEAL, "Foo": "Gone",
                   "Live": "Client", "Mystery": "Client"}
    mp.apply_mapping(con, m)
    assert con.execute("SELECT account_id, stage FROM journey_events ORDER BY source_row").fetchall() == [
        ("A1", "Prospect"), ("A1", "Client"), ("A2", "Gone"), ("A2", LOST_DEAL)]
    m.stage_map["Foo"] = "Usage"
    problems = mp.check_mapping(con, m)
    assert [str(p) for p in problems] == ['Stage map: "Foo" is mapped to "Usage", which is not in the stage list.']
    with pytest.raises(MappingError, match='"Foo" is mapped to "Usage"'):
        mp.apply_mapping(con, m)


def test_outcome_words_and_numbers(con):
    raw(con, "acc", [("Account ID", "VARCHAR"), ("Outcome", "VARCHAR")],
        [("A", "Yes"), ("B", "Oui"), ("C", "Não"), ("D", "是"), ("E", "0.75"), ("F", None), ("G", "maybe")])
    raw(con, "acc_bool", [("Account ID", "VARCHAR"), ("Goal achieved", "BOOLEAN")], [("H", True), ("I", False)])
    mp.apply_mapping(con, mp.Mapping([
        mp.TableMapping("acc", "acc.csv", "accounts", {"Account ID": "account_id", "Outcome": "outcome"}),
        mp.TableMapping("acc_bool", "b.csv", "accounts", {"Account ID": "account_id", "Goal achieved": "outcome"}),
    ], {}, Settings()))
    got = con.execute("SELECT account_id, outcome FROM accounts ORDER BY account_id").fetchall()
    assert got == [("A", 1.0), ("B", 1.0), ("C", 0.0), ("D", 1.0), ("E", 0.75), ("F", None), ("G", None),
                   ("H", 1.0), ("I", 0.0)]


# ---- accounts exports with churn flags and measures (issue 10) ----------------------------------

def test_telco_like_export_suggests_a_churn_flag_and_measures(con):
    raw(con, "telco", [("customerID", "VARCHAR"), ("SeniorCitizen", "BIGINT"), ("tenure", "BIGINT"),
                       ("Contract", "VARCHAR"), ("MonthlyCharges", "DOUBLE"), ("TotalCharges", "DOUBLE"),
                       ("Churn", "BOOLEAN")], [
        ("0001-A", 0, 1, "Month-to-month", 70.35, 70.35, True), ("0002-B", 1, 0, "Month-to-month", 20.25, None, False),
        ("0003-C", 0, 24, "One year", 55.2, 1324.8, False), ("0004-D", 0, 40, "One year", 104.8, 4192.0, True),
        ("0005-E", 1, 72, "Two year", 110.05, 7923.6, False), ("0006-F", 0, 45, "Two year", 80.0, 3600.0, False),
    ])
    m = mp.suggest_mapping(con, [SimpleNamespace(table="telco", source="telco_customers.csv")])
    assert m.tables[0].kind == "accounts"
    assert m.tables[0].roles == {"customerID": "account_id", "SeniorCitizen": "measure", "tenure": "measure",
                                 "Contract": "segment", "MonthlyCharges": "measure", "TotalCharges": "measure",
                                 "Churn": "churned"}
    mp.apply_mapping(con, m)
    got = con.execute("SELECT account_id, churned, churn, tenure, totalcharges FROM accounts "
                      "ORDER BY account_id").fetchall()
    # The flag is the BOOLEAN `churned`; its own values stay as the segment column `churn`.
    assert got == [("0001-A", True, "true", 1.0, 70.35), ("0002-B", False, "false", 0.0, None),
                   ("0003-C", False, "false", 24.0, 1324.8), ("0004-D", True, "true", 40.0, 4192.0),
                   ("0005-E", False, "false", 72.0, 7923.6), ("0006-F", False, "false", 45.0, 3600.0)]
    assert dict(_types(con, "accounts"))["tenure"] == "DOUBLE"
    assert mp.accounts_column(con, m, "TotalCharges") == "totalcharges"
    assert mp.accounts_column(con, m, "Churn") == "churn"


@pytest.mark.parametrize(("header", "values", "flags"), [
    ("Churned", ["yes", "No", "oui", "Não", "是", "n/a"], [True, False, True, False, True, None]),
    ("Is churned", ["1", "0", "true", "FALSE", "sim", "nem"], [True, False, True, False, True, False]),
    ("Status", ["Active", "Cancelled", "Churned", "Active", "Canceled", "Active"],
     [False, True, True, False, True, False]),
    ("Churn status", ["Active", "Onboarding", "Churn", "Closed Lost", "", "Live"],
     [False, False, True, None, None, False]),
])
def test_churn_flag_words_in_six_languages_and_status_words(con, header, values, flags):
    raw(con, "acc", [("Customer", "VARCHAR"), (header, "VARCHAR")],
        [(f"C{i}", v or None) for i, v in enumerate(values)])
    m = mp.suggest_mapping(con, [SimpleNamespace(table="acc", source="customers.csv")])
    # No id column: the unique name column is the account id.
    assert (m.tables[0].kind, m.tables[0].roles) == ("accounts", {"Customer": "account_id", header: "churned"})
    mp.apply_mapping(con, m)
    assert [r[0] for r in con.execute("SELECT churned FROM accounts ORDER BY account_id").fetchall()] == flags


def test_churn_flag_numbers_and_booleans(con):
    raw(con, "acc", [("Account ID", "VARCHAR"), ("Exited", "BIGINT")], [("A", 1), ("B", 0), ("C", None)])
    raw(con, "acc2", [("Account ID", "VARCHAR"), ("Churned", "BOOLEAN")], [("D", True), ("E", False)])
    m = mp.suggest_mapping(con, [SimpleNamespace(table="acc", source="a.csv"),
                                 SimpleNamespace(table="acc2", source="b.csv")])
    assert [t.roles for t in m.tables] == [{"Account ID": "account_id", "Exited": "churned"},
                                           {"Account ID": "account_id", "Churned": "churned"}]
    mp.apply_mapping(con, m)
    assert con.execute("SELECT account_id, churned FROM accounts ORDER BY account_id").fetchall() == [
        ("A", True), ("B", False), ("C", None), ("D", True), ("E", False)]
    # "Churned" names the fixed column itself, so no second copy is carried; "Exited" is.
    assert "churned_segment" not in dimensions.accounts_columns(con)
    assert con.execute("SELECT exited FROM accounts WHERE account_id = 'A'").fetchone() == ("1",)


def test_a_stage_column_is_not_taken_for_a_churn_flag(con):
    raw(con, "acc", [("Account ID", "VARCHAR"), ("Status", "VARCHAR")],
        [("A", "Onboarding"), ("B", "Live"), ("C", "Churned"), ("D", "Renewal")])
    assert mp.suggest_roles(con, "acc", "accounts") == {"Account ID": "account_id", "Status": "stage"}


def test_mrr_times_twelve_fills_arr_and_measures_are_numbers(con):
    raw(con, "acc", [("Account ID", "VARCHAR"), ("ARR", "DOUBLE"), ("MRR", "DOUBLE"), ("Seats", "VARCHAR")],
        [("A", 1200.0, 90.0, "10"), ("B", None, 50.0, "n/a"), ("C", None, None, " 7 ")])
    mp.apply_mapping(con, mp.Mapping([mp.TableMapping("acc", "acc.csv", "accounts", {
        "Account ID": "account_id", "ARR": "arr", "MRR": "mrr", "Seats": "measure"})], {}, Settings()))
    # A: its own ARR wins over 90 × 12; B: 50 × 12 = 600; C: neither. Seats read leniently as numbers.
    assert con.execute("SELECT account_id, arr, seats FROM accounts ORDER BY account_id").fetchall() == [
        ("A", 1200.0, 10.0), ("B", 600.0, None), ("C", None, 7.0)]


def test_old_mapping_json_without_the_new_roles_still_loads_and_applies(con):
    raw(con, "acc", [("Account ID", "VARCHAR"), ("Tier", "VARCHAR"), ("Seats", "BIGINT")], [("A", "Gold", 3)])
    old = ('{"version": 1, "tables": [{"table": "acc", "source": "acc.csv", "kind": "accounts", '
           '"roles": {"Account ID": "account_id", "Tier": "segment", "Seats": "ignore"}}], "stage_map": {}}')
    mp.apply_mapping(con, mp.Mapping.from_json(old))
    assert con.execute("SELECT account_id, churned, tier FROM accounts").fetchall() == [("A", None, "Gold")]


# ---- undated tables (issue 10) --------------------------------------------------------------------

def test_undated_account_less_survey_sheet_is_used_with_ts_null(con):
    raw(con, "sheet", [("Respondent", "VARCHAR"), ("Plan", "VARCHAR"), ("NPS score", "BIGINT"), ("Comment", "VARCHAR")],
        [("Ana", "Pro", 9, "Love it"), ("Ben", "Basic", 3, None), ("Cleo", "Pro", None, None)])
    m = mp.suggest_mapping(con, [SimpleNamespace(table="sheet", source="nps_workshop.csv")])
    assert (m.tables[0].kind, m.tables[0].as_of) == ("surveys", None)
    assert m.tables[0].roles == {"Respondent": "respondent", "Plan": "ignore", "NPS score": "score:NPS",
                                 "Comment": "comment"}
    assert mp.check_mapping(con, m) == []
    reports = {r.view: r for r in mp.apply_mapping(con, m)}
    assert con.execute("SELECT account_id, respondent, ts, survey_type, score FROM surveys ORDER BY source_row"
                       ).fetchall() == [(None, "Ana", None, "NPS", 9.0), (None, "Ben", None, "NPS", 3.0)]
    # rows in = used + excluded: only the blank answer is left out
    assert (reports["surveys"].rows_in, reports["surveys"].rows_used) == (3, 2)
    assert mp.excluded_rows(con, "surveys")["reason"].tolist() == ["score missing"]


def test_a_survey_table_with_a_date_column_still_excludes_blank_dates_and_accounts(con):
    raw(con, "dated", [("Account ID", "VARCHAR"), ("NPS", "BIGINT"), ("Date", "DATE")],
        [("A", 9, D(2025, 1, 1)), ("A", 7, None), (None, 8, D(2025, 1, 2))])
    raw(con, "named", [("Account ID", "VARCHAR"), ("NPS", "BIGINT")], [("A", 10)])
    mp.apply_mapping(con, mp.Mapping([
        mp.TableMapping("dated", "d.csv", "surveys", {"Account ID": "account_id", "NPS": "score:NPS", "Date": "ts"}),
        mp.TableMapping("named", "nps 2025-03-31.csv", "surveys", {"Account ID": "account_id", "NPS": "score:NPS"},
                        as_of="2025-03-31"),
    ], {}, Settings()))
    assert mp.excluded_rows(con, "surveys")[["source_row", "reason"]].values.tolist() == [
        [3, "timestamp missing"], [4, "account id missing"]]
    # an undated table with a file-name date is dated by it
    assert con.execute("SELECT ts FROM surveys WHERE source = 'nps 2025-03-31.csv'").fetchone() == (
        dt.datetime(2025, 3, 31),)


def test_undated_factor_ratings_are_used_with_ts_null(con):
    raw(con, "ratings", [("Account ID", "VARCHAR"), ("Relationships (1-5)", "BIGINT"),
                         ("Customer education", "BIGINT")], [("A", 4, 2), ("B", 5, None)])
    raw(con, "acc", [("Account ID", "VARCHAR"), ("% licences active", "DOUBLE")], [("A", 80.0), ("B", 60.0)])
    m = mp.suggest_mapping(con, [SimpleNamespace(table="ratings", source="ratings.csv")])
    assert (m.tables[0].kind, m.tables[0].as_of) == ("factor_ratings", None)
    m.tables.append(mp.TableMapping("acc", "acc.csv", "accounts", {
        "Account ID": "account_id", "% licences active": "factor:successful_product_adoption"}))
    mp.apply_mapping(con, m)
    # nothing in the data is dated, so even the accounts table's metric column stays undated
    assert con.execute("SELECT account_id, ts, factor, score FROM factor_ratings ORDER BY source, account_id, factor"
                       ).fetchall() == [("A", None, "successful_product_adoption", 80.0),
                                        ("B", None, "successful_product_adoption", 60.0),
                                        ("A", None, "customer_education", 2.0), ("A", None, "relationships", 4.0),
                                        ("B", None, "relationships", 5.0)]
    assert mp.excluded_rows(con, "factor_ratings")["reason"].tolist() == ["score missing"]


def test_undated_current_stage_export_takes_the_data_pages_as_of_date(con):
    raw(con, "current", [("Account ID", "VARCHAR"), ("Lifecycle Stage", "VARCHAR")], [("A", "Live"), ("B", "Churned")])
    tm = mp.TableMapping("current", "current.csv", "stage_snapshots",
                         {"Account ID": "account_id", "Lifecycle Stage": "stage"})
    mp.apply_mapping(con, mp.Mapping([tm], {}, Settings(as_of=dt.datetime(2026, 9, 30))))
    assert con.execute("SELECT account_id, stage, as_of FROM stage_snapshots ORDER BY account_id").fetchall() == [
        ("A", "Usage", dt.datetime(2026, 9, 30)), ("B", "Churn", dt.datetime(2026, 9, 30))]


def test_survey_type_from_column_then_table_then_header(con):
    raw(con, "typed", [("Account ID", "VARCHAR"), ("Type", "VARCHAR"), ("Score", "BIGINT"), ("Day", "DATE")],
        [("A", "Satisfação", 4, D(2025, 1, 1)), ("A", "Net Promoter Score", 8, D(2025, 1, 2)),
         ("A", "Mystery", 3, D(2025, 1, 3))])
    raw(con, "nps_only", [("Account ID", "VARCHAR"), ("Score", "BIGINT"), ("Day", "DATE")], [("A", 10, D(2025, 2, 1))])
    raw(con, "header", [("Account ID", "VARCHAR"), ("CES Score", "BIGINT"), ("Day", "DATE")], [("A", 2, D(2025, 3, 1))])
    base = {"Account ID": "account_id", "Score": "score", "Day": "ts"}
    mp.apply_mapping(con, mp.Mapping([
        mp.TableMapping("typed", "typed.csv", "surveys", {**base, "Type": "survey_type"}),
        mp.TableMapping("nps_only", "nps_only.csv", "surveys", base, survey_type="NPS"),
        mp.TableMapping("header", "header.csv", "surveys",
                        {"Account ID": "account_id", "CES Score": "score", "Day": "ts"}),
    ], {}, Settings()))
    assert con.execute("SELECT source, source_row, survey_type, score FROM surveys ORDER BY ts").fetchall() == [
        ("typed.csv", 2, "CSAT", 4.0), ("typed.csv", 3, "NPS", 8.0), ("nps_only.csv", 2, "NPS", 10.0),
        ("header.csv", 2, "CES", 2.0)]
    assert_frame_equal(mp.excluded_rows(con, "surveys"), pd.DataFrame({
        "source": ["typed.csv"], "source_row": [4], "reason": ["survey type unknown"]}))


def test_factor_ratings_long_wide_and_from_account_metrics(con):
    raw(con, "acc", [("Account ID", "VARCHAR"), ("% licences active", "DOUBLE")],
        [("A1", 80.0), ("A2", None), ("A1", 10.0)])
    raw(con, "long", [("Account ID", "VARCHAR"), ("Quarter End", "DATE"), ("Factor", "VARCHAR"), ("Rating", "BIGINT")],
        [("A1", D(2025, 3, 31), "Relationships", 4), ("A2", D(2025, 3, 31), "Intent", 3),
         ("A2", D(2025, 3, 31), "Mood", 2)])
    raw(con, "wide", [("Account ID", "VARCHAR"), ("Date", "DATE"), ("Education (1-5)", "BIGINT")],
        [("A1", D(2025, 6, 30), 5), ("A9", D(2025, 6, 30), 1)])
    reports = mp.apply_mapping(con, mp.Mapping([
        mp.TableMapping("acc", "acc.csv", "accounts",
                        {"Account ID": "account_id", "% licences active": "factor:successful_product_adoption"}),
        mp.TableMapping("long", "long.csv", "factor_ratings", {"Account ID": "account_id", "Quarter End": "ts",
                                                               "Factor": "factor", "Rating": "score"}),
        mp.TableMapping("wide", "wide.csv", "factor_ratings", {"Account ID": "account_id", "Date": "ts",
                                                               "Education (1-5)": "factor:customer_education"}),
    ], {}, Settings()))
    # The account metric has no date of its own: it counts at the data's latest timestamp (30 June).
    assert_frame_equal(view(con, "factor_ratings", "ts, source, source_row"), pd.DataFrame({
        "account_id": ["A1", "A2", "A1", "A1"],
        "ts": ts("2025-03-31", "2025-03-31", "2025-06-30", "2025-06-30"),
        "factor": ["relationships", "customer_intent", "successful_product_adoption", "customer_education"],
        "score": [4.0, 3.0, 80.0, 5.0],
        "source": ["long.csv", "long.csv", "acc.csv", "wide.csv"],
        "source_row": [2, 3, 2, 2],
    }))
    fr = next(r for r in reports if r.view == "factor_ratings")
    assert (fr.rows_in, fr.rows_used, fr.rows_excluded) == (8, 4, 4)
    assert_frame_equal(mp.excluded_rows(con, "factor_ratings"), pd.DataFrame({
        "source": ["acc.csv", "acc.csv", "long.csv", "wide.csv"], "source_row": [3, 4, 4, 3],
        "reason": ["score missing", "account row excluded", "factor not recognised",
                   "account id not in the accounts table"]}))


# ---- stacked snapshots → derived journey events --------------------------------------------------

def _snapshots(con, months: Sequence[tuple[str, list[tuple[str, str]]]]) -> mp.Mapping:
    tables = []
    for day, rows in months:
        name = f"snap_{day}"
        raw(con, name, [("Account ID", "VARCHAR"), ("Lifecycle Stage", "VARCHAR")], rows)
        tables.append(mp.TableMapping(name, f"stage_snapshot_{day}.csv", "stage_snapshots",
                                      {"Account ID": "account_id", "Lifecycle Stage": "stage"}, as_of=day))
    return mp.Mapping(tables, {}, Settings())


THREE_MONTHS = [
    ("2026-07-31", [("A1", "Onboarding"), ("A2", "Lead"), ("A3", "Live")]),
    ("2026-08-31", [("A1", "Onboarding"), ("A2", "Opportunity"), ("A3", "Churned")]),
    ("2026-09-30", [("A1", "Live"), ("A2", "Closed Lost"), ("A3", "Churned"), ("A4", "Lead")]),
]


def test_three_stacked_snapshots_yield_monthly_journey_events(con):
    reports = {r.view: r for r in mp.apply_mapping(con, _snapshots(con, THREE_MONTHS))}
    # By hand: each account's first snapshot, then each month its stage differs from the month before.
    assert_frame_equal(view(con, "journey_events", "account_id, ts"), pd.DataFrame({
        "account_id": ["A1", "A1", "A2", "A2", "A2", "A3", "A3", "A4"],
        "stage": ["Delivery", "Usage", "Awareness", "Consideration", LOST_DEAL, "Usage", "Churn", "Awareness"],
        "ts": ts("2026-07-31", "2026-09-30", "2026-07-31", "2026-08-31", "2026-09-30", "2026-07-31", "2026-08-31",
                 "2026-09-30"),
        "resolution": ["monthly"] * 8,
        "source": ["stage_snapshot_2026-07-31.csv", "stage_snapshot_2026-09-30.csv", "stage_snapshot_2026-07-31.csv",
                   "stage_snapshot_2026-08-31.csv", "stage_snapshot_2026-09-30.csv", "stage_snapshot_2026-07-31.csv",
                   "stage_snapshot_2026-08-31.csv", "stage_snapshot_2026-09-30.csv"],
        "source_row": [2, 2, 3, 3, 3, 4, 4, 5],
    }))
    ev = reports["journey_events"]
    assert (ev.rows_in, ev.rows_used, ev.rows_derived) == (0, 0, 8)
    assert (reports["stage_snapshots"].rows_in, reports["stage_snapshots"].rows_used) == (10, 10)
    # Accounts on an exit keep where they left the funnel.
    got = con.execute("SELECT account_id, as_of::DATE::VARCHAR, stage, last_funnel_stage FROM stage_snapshots "
                      "WHERE last_funnel_stage IS NOT NULL ORDER BY account_id, as_of").fetchall()
    assert got == [("A2", "2026-09-30", LOST_DEAL, "Consideration"), ("A3", "2026-08-31", "Churn", "Usage"),
                   ("A3", "2026-09-30", "Churn", "Usage")]


def test_accounts_with_an_event_log_get_no_derived_events(con):
    mapping = _snapshots(con, THREE_MONTHS)
    raw(con, "events", [("Account ID", "VARCHAR"), ("Stage", "VARCHAR"), ("Entered At", "DATE")],
        [("A1", "Onboarding", D(2026, 6, 2)), ("A1", "Live", D(2026, 9, 12))])
    mapping.tables.append(mp.TableMapping("events", "events.csv", "journey_events",
                                          {"Account ID": "account_id", "Stage": "stage", "Entered At": "ts"}))
    reports = {r.view: r for r in mp.apply_mapping(con, mapping)}
    # A1 has its own log; only A2, A3 and A4 get history from the snapshots (6 monthly events).
    got = con.execute("SELECT account_id, resolution, count(*) FROM journey_events GROUP BY ALL ORDER BY ALL").fetchall()
    assert got == [("A1", "event", 2), ("A2", "monthly", 3), ("A3", "monthly", 2), ("A4", "monthly", 1)]
    assert (reports["journey_events"].rows_in, reports["journey_events"].rows_derived) == (2, 6)


def test_one_snapshot_alone_derives_no_events(con):
    mp.apply_mapping(con, _snapshots(con, THREE_MONTHS[:1]))
    assert con.execute("SELECT count(*) FROM journey_events").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM stage_snapshots").fetchone() == (3,)


def test_snapshot_duplicates_and_as_of_column(con):
    raw(con, "stacked", [("Account ID", "VARCHAR"), ("Stage", "VARCHAR"), ("Snapshot Date", "DATE")], [
        ("A1", "Lead", D(2026, 1, 31)), ("A1", "Customer", D(2026, 1, 31)), ("A1", "Customer", D(2026, 2, 28)),
        ("A2", "Lead", None)])
    reports = {r.view: r for r in mp.apply_mapping(con, mp.Mapping([mp.TableMapping(
        "stacked", "crm.csv", "stage_snapshots",
        {"Account ID": "account_id", "Stage": "stage", "Snapshot Date": "as_of"})], {}, Settings()))}
    assert_frame_equal(reports["stage_snapshots"].reasons, pd.DataFrame({
        "reason": ["duplicate account id in snapshot", "timestamp missing"], "rows": pd.Series([1, 1], dtype="int64")}))
    assert con.execute("SELECT account_id, stage, ts::DATE::VARCHAR FROM journey_events ORDER BY ts").fetchall() == [
        ("A1", "Awareness", "2026-01-31"), ("A1", "Decision", "2026-02-28")]


# ---- keys ----------------------------------------------------------------------------------------

def test_salesforce_15_and_18_character_ids_are_one_account(con):
    raw(con, "sf_accounts", [("Account ID", "VARCHAR"), ("Account Name", "VARCHAR")],
        [("001D000000IqhSL", "Acme"), ("0015g00000AbCdEAAV", "Globex")])
    raw(con, "sf_events", [("Account ID", "VARCHAR"), ("Stage", "VARCHAR"), ("Date", "DATE")], [
        ("001D000000IqhSLIAZ", "Closed Won", D(2025, 1, 1)),   # 18-char form of Acme's id
        ("001D000000IqhSL", "Onboarding", D(2025, 2, 1)),
        ("0015g00000AbCdE", "Onboarding", D(2025, 2, 2)),      # 15-char form of Globex's 18-char id
        ("001D000000IqhSLXXX", "Live", D(2025, 3, 1)),         # wrong checksum: another id
        ("001d000000iqhsl", "Live", D(2025, 3, 2)),            # ids are case-sensitive
    ])
    mp.apply_mapping(con, mp.Mapping([
        mp.TableMapping("sf_accounts", "accounts.csv", "accounts",
                        {"Account ID": "account_id", "Account Name": "name"}),
        mp.TableMapping("sf_events", "events.csv", "journey_events",
                        {"Account ID": "account_id", "Stage": "stage", "Date": "ts"}),
    ], {}, Settings()))
    assert con.execute("SELECT account_id FROM accounts ORDER BY name").fetchall() == [
        ("001D000000IqhSL",), ("0015g00000AbCdE",)]
    assert con.execute("SELECT account_id, stage FROM journey_events ORDER BY ts").fetchall() == [
        ("001D000000IqhSL", "Decision"), ("001D000000IqhSL", "Delivery"), ("0015g00000AbCdE", "Delivery")]
    [km] = [k for k in mp.key_match(con) if k.view == "journey_events"]
    assert (km.rows, km.matched) == (5, 3)
    assert km.share == pytest.approx(0.6)
    assert_frame_equal(km.top_unmatched, pd.DataFrame({"account_id": ["001D000000IqhSLXXX", "001d000000iqhsl"],
                                                       "rows": pd.Series([1, 1], dtype="int64")}))


def test_key_match_counts_and_top_unmatched(con):
    mp.apply_mapping(con, _small_company(con))
    matches = {k.view: k for k in mp.key_match(con)}
    assert list(matches) == ["journey_events", "surveys"]     # views without rows are left out
    ev = matches["journey_events"]
    assert (ev.rows, ev.matched, round(ev.share, 4)) == (7, 6, 0.8571)
    assert_frame_equal(ev.top_unmatched, pd.DataFrame({"account_id": ["A9"], "rows": pd.Series([1], dtype="int64")}))


def test_key_match_is_empty_without_accounts(con):
    mp.apply_mapping(con, _snapshots(con, THREE_MONTHS))
    assert mp.key_match(con) == []


# ---- settings: as-of date ------------------------------------------------------------------------

def test_as_of_is_the_latest_timestamp_or_the_setting(con):
    mp.apply_mapping(con, _snapshots(con, THREE_MONTHS))
    assert dimensions.as_of_date(con, Settings()) == dt.datetime(2026, 9, 30)
    assert dimensions.as_of_date(con, Settings(as_of=dt.datetime(2026, 9, 15))) == dt.datetime(2026, 9, 15)


def test_as_of_without_dated_rows_asks_for_a_setting(con):
    with pytest.raises(MetricError, match="or set the as-of date on the Data page"):
        dimensions.as_of_date(con, Settings())


# ---- a saved mapping on next month's data --------------------------------------------------------

def test_mapping_that_does_not_fit_names_the_missing_column(con):
    raw(con, "snap_sep", [("Customer ID", "VARCHAR"), ("Lifecycle Stage", "VARCHAR")], [("A1", "Live")])
    saved = mp.Mapping([mp.TableMapping("snap_sep", "stage_snapshot_2026-09-30.csv", "stage_snapshots",
                                        {"Account ID": "account_id", "Lifecycle Stage": "stage"},
                                        as_of="2026-09-30")], {}, Settings())
    problems = mp.check_mapping(con, saved)
    assert [str(p) for p in problems] == [
        'stage_snapshot_2026-09-30.csv (table "snap_sep"): column "Account ID" (mapped as account_id) is missing. '
        "Columns found: Customer ID, Lifecycle Stage."]
    assert (problems[0].file, problems[0].column) == ("stage_snapshot_2026-09-30.csv", "Account ID")
    with pytest.raises(MappingError, match='column "Account ID" .* is missing'):
        mp.apply_mapping(con, saved)


def test_check_mapping_reports_missing_tables_roles_and_dates(con):
    raw(con, "s", [("Account ID", "VARCHAR"), ("Score", "BIGINT")], [("A", 9)])
    raw(con, "snap", [("Account ID", "VARCHAR"), ("Stage", "VARCHAR")], [("A", "Live")])
    m = mp.Mapping([
        mp.TableMapping("gone", "old.csv", "accounts", {"Account ID": "account_id"}),
        mp.TableMapping("s", "s.csv", "surveys", {"Account ID": "account_id", "Score": "stage_name"},
                        survey_type="XYZ"),
        mp.TableMapping("snap", "current.csv", "stage_snapshots", {"Account ID": "account_id", "Stage": "stage"}),
    ], {}, Settings(timezones={"s": "Mars/Olympus"}))
    # An undated survey table is used as it is (issue 10); an undated current-stage export needs a date.
    assert [str(p) for p in mp.check_mapping(con, m)] == [
        'old.csv (table "gone") is not loaded: the mapping expects this accounts table. Load it, or set its kind '
        "to ignore.",
        's.csv (table "s"): "stage_name" is not a role of surveys tables (column "Score").',
        's.csv (table "s"): no column is mapped as a score (score, score:NPS, …).',
        's.csv (table "s"): survey type "XYZ" is not one of NPS, CSAT, CES.',
        's.csv (table "s"): time zone "Mars/Olympus" is unknown (use an IANA name such as Europe/Paris).',
        'current.csv (table "snap"): no column is mapped as as_of and neither the file name nor the Data page '
        "gives an as-of date; map a date column, set the date of the export, or set the as-of date.",
    ]
    m.settings.as_of = dt.datetime(2026, 9, 30)
    assert not [p for p in mp.check_mapping(con, m) if "current.csv" in str(p)]


def test_fit_mapping_retargets_next_months_files(con):
    saved = mp.Mapping([
        mp.TableMapping("accounts_2026_09", "accounts 2026-09.xlsx › Accounts", "accounts",
                        {"Account ID": "account_id", "Tier": "segment"}),
        mp.TableMapping("stage_snapshot_2026_08_31", "stage_snapshot_2026-08-31.csv", "stage_snapshots",
                        {"Account ID": "account_id", "Lifecycle Stage": "stage"}, as_of="2026-08-31"),
        mp.TableMapping("stage_snapshot_2026_09_30", "stage_snapshot_2026-09-30.csv", "stage_snapshots",
                        {"Account ID": "account_id", "Lifecycle Stage": "stage"}, as_of="2026-09-30"),
    ], {"Live": "Usage", "Weird": None}, Settings(timezones={"accounts_2026_09": "Europe/Rome"}))
    raw(con, "accounts_2026_10", [("Account ID", "VARCHAR"), ("Tier", "VARCHAR")], [("A1", "Gold")])
    raw(con, "stage_snapshot_2026_10_31", [("Account ID", "VARCHAR"), ("Lifecycle Stage", "VARCHAR")],
        [("A1", "Live"), ("A2", "Renewal")])
    new = [SimpleNamespace(table="accounts_2026_10", source="accounts 2026-10.xlsx › Accounts"),
           SimpleNamespace(table="stage_snapshot_2026_10_31", source="stage_snapshot_2026-10-31.csv")]
    fitted = mp.fit_mapping(con, saved, new)
    assert fitted.tables == [
        mp.TableMapping("accounts_2026_10", "accounts 2026-10.xlsx › Accounts", "accounts",
                        {"Account ID": "account_id", "Tier": "segment"}),
        mp.TableMapping("stage_snapshot_2026_10_31", "stage_snapshot_2026-10-31.csv", "stage_snapshots",
                        {"Account ID": "account_id", "Lifecycle Stage": "stage"}, as_of="2026-10-31"),
    ]
    assert fitted.settings.timezones == {"accounts_2026_10": "Europe/Rome"}
    # The user's choices are kept; values new this month get a suggestion.
    assert fitted.stage_map == {"Live": "Usage", "Weird": None, "Renewal": "Loyalty"}
    assert mp.check_mapping(con, fitted) == []


def test_fit_mapping_keeps_unmatched_tables_so_check_names_them(con):
    raw(con, "other", [("Foo", "VARCHAR")], [("x",)])
    saved = mp.Mapping([mp.TableMapping("surveys_raw", "surveys.csv", "surveys",
                                        {"Account ID": "account_id", "NPS": "score:NPS", "Date": "ts"})],
                       {}, Settings())
    fitted = mp.fit_mapping(con, saved, ["other"])
    assert [(t.table, t.kind) for t in fitted.tables] == [("other", "ignore"), ("surveys_raw", "surveys")]
    assert [p.file for p in mp.check_mapping(con, fitted)] == ["surveys.csv"]


def _types(con, view_name: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {quote(view_name)}").fetchall()]


@pytest.mark.parametrize("build", ["empty", "small_company", "snapshots"])
def test_views_have_exactly_the_canonical_columns_and_types(con, build):
    from cxlib import canonical

    m = {"empty": lambda: mp.Mapping([], {}, Settings()), "small_company": lambda: _small_company(con),
         "snapshots": lambda: _snapshots(con, THREE_MONTHS)}[build]()
    mp.apply_mapping(con, m)
    extra = [("customer_tier", "VARCHAR")] if build == "small_company" else []
    for name, schema in canonical.SCHEMA.items():
        assert _types(con, name) == list(schema) + (extra if name == "accounts" else []), name


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31)))
def test_as_of_from_file_name_property(day):
    assert mp.as_of_from_source(f"stage_snapshot_{day.isoformat()}.csv") == day.isoformat()
    assert mp.as_of_from_source(f"CRM export {day:%Y%m%d}.xlsx › Sheet1") == day.isoformat()


def test_excluded_rows_before_apply_after_apply_and_after_unmap(con):
    assert mp.excluded_rows(con, "accounts").empty
    mp.apply_mapping(con, _small_company(con))
    assert len(mp.excluded_rows(con, "accounts")) == 3
    mp.unmap(con)
    assert mp.excluded_rows(con, "accounts").empty
    assert con.execute("SELECT count(*) FROM accounts").fetchone() == (0,)
    with pytest.raises(MappingError, match='Unknown view "people"'):
        mp.excluded_rows(con, "people")


def test_sheet_names_join_the_source_label(con):
    raw(con, "book_accounts", [("Account ID", "VARCHAR"), ("Account Name", "VARCHAR")], [("A", "Alpha")])
    raw(con, "book_snapshot", [("Account ID", "VARCHAR"), ("Stage", "VARCHAR")], [("A", "Live")])
    m = mp.suggest_mapping(con, [SimpleNamespace(table="book_accounts", source="book.xlsx", sheet="Accounts"),
                                 SimpleNamespace(table="book_snapshot", source="book.xlsx › 2026-08-31",
                                                 sheet="2026-08-31")])
    assert [(t.source, t.kind, t.as_of) for t in m.tables] == [
        ("book.xlsx › Accounts", "accounts", None), ("book.xlsx › 2026-08-31", "stage_snapshots", "2026-08-31")]


# ---- why they bought: the accounts' text column `intent` (issue 13) --------------------------------

@pytest.mark.parametrize("header", ["Intent", "Why they bought", "Buying reason", "Use case", "Reason for purchase",
                                    "Intention d'achat", "Motivo dell'acquisto", "Motivo da compra", "Vásárlás oka",
                                    "购买原因"])
def test_a_text_intent_column_is_suggested_as_intent(con, header):
    raw(con, "acc", [("Account ID", "VARCHAR"), (header, "VARCHAR")],
        [("A", "Replace our legacy spreadsheets"), ("B", "Switched from a competitor"), ("C", None)])
    m = mp.suggest_mapping(con, [SimpleNamespace(table="acc", source="accounts.csv")])
    assert (m.tables[0].kind, m.tables[0].roles) == ("accounts", {"Account ID": "account_id", header: "intent"})
    mp.apply_mapping(con, m)
    assert con.execute("SELECT account_id, intent FROM accounts ORDER BY account_id").fetchall() == [
        ("A", "Replace our legacy spreadsheets"), ("B", "Switched from a competitor"), ("C", None)]


def test_a_numeric_intent_column_stays_the_customer_intent_factor(con):
    raw(con, "acc", [("Account ID", "VARCHAR"), ("Account name", "VARCHAR"), ("ARR", "DOUBLE"), ("Intent", "BIGINT"),
                     ("Use case", "VARCHAR")],
        [("A", "Acme", 1000.0, 4, "Reporting"), ("B", "Bolt", 2000.0, 2, "Replace Excel")])
    m = mp.suggest_mapping(con, [SimpleNamespace(table="acc", source="accounts.csv")])
    assert m.tables[0].kind == "accounts"
    assert m.tables[0].roles == {"Account ID": "account_id", "Account name": "name", "ARR": "arr",
                                 "Intent": "factor:customer_intent", "Use case": "intent"}
