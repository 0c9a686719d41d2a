"""Survey tools: Qualtrics, SurveyMonkey, Typeform (dated and undated) and Delighted NPS exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.acceptance import expected as ex
from tests.acceptance import generators as gen
from tests.acceptance.runner import (Run, assert_rows, assert_shape, by_segment, load_command, load_reports,
                                     report_for, roles, run_all)

pytestmark = pytest.mark.acceptance

NPS_COLUMNS = ["n", "promoters", "passives", "detractors", "nps", "moe95"]
SURVEY_ROWS = ("SELECT account_id, score, strftime(ts, '%Y-%m-%d %H:%M:%S') AS ts FROM surveys "
               "WHERE score IS NOT NULL")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("surveys")
    return {"qualtrics": gen.write_qualtrics(folder),
            "qualtrics_email": gen.write_qualtrics(folder, gen.QUALTRICS_EMAIL_ONLY, "NPS_email_only.csv"),
            "surveymonkey": gen.write_surveymonkey(folder),
            "typeform": gen.write_typeform(folder),
            "typeform_undated": gen.write_typeform(folder, dated=False),
            "delighted": gen.write_delighted(folder)}


@pytest.fixture(scope="module")
def runs(files: dict[str, Path]) -> dict[str, Run]:
    """Every command of this module, as a user types it, run once."""
    def rows(key: str) -> tuple[object, ...]:
        return ("sql", files[key], "--query", SURVEY_ROWS, "--format", "json")

    return run_all({
        "load": load_command(list(files.values())),
        "qualtrics": ("nps", files["qualtrics"]),
        "qualtrics_by_plan": ("nps", files["qualtrics"], "--by", "Plan"),
        "qualtrics_accounts": ("nps", files["qualtrics"], "--level", "account"),
        "qualtrics_email": ("nps", files["qualtrics_email"]),
        "qualtrics_email_rows": rows("qualtrics_email"),
        "surveymonkey": ("nps", files["surveymonkey"]),
        "surveymonkey_rows": rows("surveymonkey"),
        "typeform": ("nps", files["typeform"]),
        "typeform_undated": ("nps", files["typeform_undated"]),
        "typeform_rows": rows("typeform"),
        "delighted": ("nps", files["delighted"]),
        "delighted_rows": rows("delighted"),
    })


@pytest.fixture(scope="module")
def reports(runs: dict[str, Run], files: dict[str, Path]) -> dict[str, dict[str, Any]]:
    return load_reports(runs["load"], list(files.values()))


TOOLS = {"qualtrics": ("Qualtrics", len(gen.QUALTRICS_WITH_COMPANY)),
         "qualtrics_email": ("Qualtrics", len(gen.QUALTRICS_EMAIL_ONLY)),
         "surveymonkey": ("SurveyMonkey", len(gen.SURVEYMONKEY_RESPONSES)),
         "typeform": ("Typeform", len(gen.TYPEFORM_RESPONSES)),
         "typeform_undated": ("Typeform", len(gen.TYPEFORM_RESPONSES)),
         "delighted": ("Delighted", len(gen.DELIGHTED_RESPONSES))}
# Columns that identify a response, a respondent or a collector: never the account.
ID_COLUMNS = {"qualtrics": ("ResponseId", "IPAddress", "ExternalReference"),
              "qualtrics_email": ("ResponseId", "IPAddress", "ExternalReference"),
              "surveymonkey": ("Respondent ID", "Collector ID", "IP Address"),
              "typeform": ("#", "Network ID"), "typeform_undated": ("#", "Network ID"),
              "delighted": ("Response ID", "Person ID")}


def column(row: dict[str, Any], *names: str) -> str:
    """The report's column matching one of `names` exactly, else the one whose name contains it."""
    have = [c["name"] for c in row["columns"]]
    for name in names:
        if name in have:
            return name
    for name in names:
        hits = [h for h in have if name.casefold() in h.casefold()]
        if hits:
            return hits[0]
    raise AssertionError(f"{row['source']}: no column like {names} in {have}")


def assert_nps(row: dict[str, Any], scores: list[int | None]) -> None:
    want = ex.nps(scores)
    assert {k: row[k] for k in NPS_COLUMNS[:4]} == {k: want[k] for k in NPS_COLUMNS[:4]}
    assert (row["nps"], row["moe95"]) == (pytest.approx(want["nps"]), pytest.approx(want["moe95"]))


def utc(t: dt.datetime) -> str:
    return f"{t.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S}"


# ---------------------------------------------------------------- load

@pytest.mark.parametrize("key", TOOLS)
def test_load_names_the_survey_tool(files: dict[str, Path], reports: dict[str, Any], key: str) -> None:
    assert_shape(report_for(reports, files[key]), TOOLS[key][0])


@pytest.mark.parametrize("key", TOOLS)
def test_load_skips_extra_header_rows_and_keeps_every_response(files: dict[str, Path], reports: dict[str, Any],
                                                               key: str) -> None:
    row = report_for(reports, files[key])
    assert_rows(row, TOOLS[key][1])
    assert row["kind"] == "surveys"


@pytest.mark.parametrize("key", TOOLS)
def test_load_never_takes_an_id_for_the_account(files: dict[str, Path], reports: dict[str, Any], key: str) -> None:
    row = report_for(reports, files[key])
    got = roles(row)
    assert all(got[column(row, c)] != "account_id" for c in ID_COLUMNS[key]), got


def test_qualtrics_nps_question_and_recorded_date(files: dict[str, Path], reports: dict[str, Any]) -> None:
    row = report_for(reports, files["qualtrics"])
    got = roles(row)
    assert got[column(row, "Q1", gen.QUALTRICS_NPS_TEXT)].startswith("score")
    assert got[column(row, "RecordedDate", "Recorded Date")] == "ts"
    assert got[column(row, "Company")] == "account_id"


# ---------------------------------------------------------------- Qualtrics

def test_qualtrics_nps(runs: dict[str, Run]) -> None:
    [row] = runs["qualtrics"].json()
    assert list(row) == NPS_COLUMNS
    assert_nps(row, [r[1] for r in gen.QUALTRICS_WITH_COMPANY])


def test_qualtrics_nps_by_an_embedded_column_of_the_survey(runs: dict[str, Run]) -> None:
    rows = by_segment(runs["qualtrics_by_plan"].json())
    plans = {r[3] for r in gen.QUALTRICS_WITH_COMPANY}
    assert {s for s, r in rows.items() if r["n"]} == plans
    for plan in plans:
        assert_nps(rows[plan], [r[1] for r in gen.QUALTRICS_WITH_COMPANY if r[3] == plan])


def test_qualtrics_account_level_nps_keys_answers_to_the_company(runs: dict[str, Run]) -> None:
    [row] = runs["qualtrics_accounts"].json()
    latest: dict[str, tuple[dt.datetime, int]] = {}
    for recorded, score, company, *_ in gen.QUALTRICS_WITH_COMPANY:
        if score is not None and (company not in latest or recorded > latest[company][0]):
            latest[company] = (recorded, score)
    assert_nps(row, [score for _, score in latest.values()])


def test_qualtrics_without_a_company_takes_the_email_domain_never_free_mail(runs: dict[str, Run]) -> None:
    rows = runs["qualtrics_email_rows"].json()
    domains = [email.split("@")[1] for *_, email, _ in gen.QUALTRICS_EMAIL_ONLY]
    want = sorted(("" if d in gen.FREE_MAIL else d, float(r[1])) for d, r in zip(domains, gen.QUALTRICS_EMAIL_ONLY))
    assert sorted((r["account_id"] or "", r["score"]) for r in rows) == want


def test_qualtrics_answers_without_an_account_still_count(runs: dict[str, Run]) -> None:
    [row] = runs["qualtrics_email"].json()
    assert_nps(row, [r[1] for r in gen.QUALTRICS_EMAIL_ONLY])


# ---------------------------------------------------------------- SurveyMonkey

def test_surveymonkey_nps_below_the_second_header_row(runs: dict[str, Run]) -> None:
    [row] = runs["surveymonkey"].json()
    assert_nps(row, [r[3] for r in gen.SURVEYMONKEY_RESPONSES])


def test_surveymonkey_account_is_the_company_answer(runs: dict[str, Run]) -> None:
    rows = runs["surveymonkey_rows"].json()
    want = sorted((company, score) for _, _, _, score, company, _ in gen.SURVEYMONKEY_RESPONSES if score is not None)
    assert sorted((r["account_id"], r["score"]) for r in rows) == want


# ---------------------------------------------------------------- Typeform

@pytest.mark.parametrize("key", ["typeform", "typeform_undated"])
def test_typeform_nps_dated_or_not(runs: dict[str, Run], key: str) -> None:
    [row] = runs[key].json()
    assert_nps(row, [r[1] for r in gen.TYPEFORM_RESPONSES])


def test_typeform_date_is_the_submit_date_not_the_start(runs: dict[str, Run]) -> None:
    """Two answers start before midnight UTC and are submitted after it: the submit day counts."""
    rows = runs["typeform_rows"].json()
    want = sorted((gen.iso_dt(submit), score) for _, score, _, _, _, _, submit, _ in gen.TYPEFORM_RESPONSES
                  if score is not None)
    assert sorted((r["ts"], r["score"]) for r in rows) == want


# ---------------------------------------------------------------- Delighted

def test_delighted_nps(runs: dict[str, Run]) -> None:
    [row] = runs["delighted"].json()
    assert_nps(row, [r[1] for r in gen.DELIGHTED_RESPONSES])


def test_delighted_utc_offsets_are_converted_before_dates_are_taken(runs: dict[str, Run]) -> None:
    """`2026-09-01 23:30:00 -0700` is 2026-09-02 06:30 UTC (the table's default zone): the next day."""
    rows = runs["delighted_rows"].json()
    want = sorted((utc(created), company, score) for _, score, _, created, _, _, _, company in gen.DELIGHTED_RESPONSES)
    assert sorted((r["ts"], r["account_id"], r["score"]) for r in rows) == want
