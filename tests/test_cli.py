"""The command line is a public contract: command names, options, printed columns, exit codes."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cxlib.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse exits for --help and usage errors
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A tiny company: 4 accounts, 10 NPS answers (the issue's fixture), a few events."""
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "Account ID,Account Name,Tier,ARR,Outcome Achieved\n"
        "A1,Müller GmbH,Gold,1000,Yes\n"
        "A2,São Paulo Telecom,Gold,3000,No\n"
        "A3,Hôtel Lumière,Silver,500,Yes\n"
        "A4,客户科技,Silver,,Yes\n", encoding="utf-8")
    surveys = tmp_path / "surveys.csv"
    scores = [9, 9, 10, 7, 8, 6, 3, 10, 9, 5]
    owners = ["A1", "A1", "A1", "A2", "A2", "A2", "A3", "A3", "A4", "A4"]
    surveys.write_text("Account ID,Survey Date,Survey Type,Score\n" + "".join(
        f"{a},2026-0{1 + i % 9}-15,NPS,{s}\n" for i, (a, s) in enumerate(zip(owners, scores))), encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text(
        "Account ID,Stage,Entered At\n"
        "A1,Awareness,2026-01-01\nA1,Consideration,2026-01-11\nA1,Decision,2026-02-10\n"
        "A2,Awareness,2026-01-05\nA2,Consideration,2026-01-20\n"
        "A3,Awareness,2026-02-01\nA3,Churn,2026-03-01\n"
        "A4,Awareness,2026-02-03\n", encoding="utf-8")
    return {"accounts": accounts, "surveys": surveys, "events": events}


def test_help_lists_every_command() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("load", "funnel", "scores", "nps", "compare", "sql"):
        assert f"    {command}" in out


def test_load_json_report(files: dict[str, Path]) -> None:
    code, out, err = run("load", str(files["accounts"]), "--format", "json")
    assert (code, err) == (0, "")
    [table] = json.loads(out)
    assert {k: table[k] for k in ("source", "kind", "rows_read", "rows_loaded", "rows_rejected")} == {
        "source": "accounts.csv", "kind": "accounts", "rows_read": 4, "rows_loaded": 4, "rows_rejected": 0}
    roles = {c["name"]: c["suggested_role"] for c in table["columns"]}
    assert roles == {"Account ID": "account_id", "Account Name": "name", "Tier": "segment", "ARR": "arr",
                     "Outcome Achieved": "outcome"}
    arr = next(c for c in table["columns"] if c["name"] == "ARR")
    assert arr["nulls"] == 1


def test_load_text_report(files: dict[str, Path]) -> None:
    code, out, _ = run("load", str(files["events"]))
    assert code == 0
    assert "kind: journey_events" in out and "rows read 8, loaded 8, rejected 0" in out


def test_load_with_a_missing_mapping_file_is_one_line_exit_2(files: dict[str, Path], tmp_path: Path) -> None:
    code, out, err = run("load", str(files["accounts"]), "--mapping", str(tmp_path / "nope.json"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "nope.json: cannot read mapping" in err


def test_unreadable_file_is_one_line_exit_2(tmp_path: Path) -> None:
    png = tmp_path / "export.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    for argv in (["load", str(tmp_path / "missing.csv")], ["load", str(png)]):
        code, out, err = run(*argv)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and err.startswith("error: ")
    assert "missing.csv" in run("load", str(tmp_path / "missing.csv"))[2]
    assert "export.csv" in run("load", str(png))[2]


def test_nps_matches_the_hand_computed_fixture(files: dict[str, Path]) -> None:
    code, out, _ = run("nps", str(files["surveys"]), "--format", "json")
    assert code == 0
    [row] = json.loads(out)
    assert list(row) == ["n", "promoters", "passives", "detractors", "nps", "moe95"]
    assert (row["n"], row["promoters"], row["passives"], row["detractors"]) == (10, 5, 2, 3)
    assert row["nps"] == pytest.approx(20.0)
    assert round(row["moe95"], 1) == 54.0


def test_nps_by_segment_csv(files: dict[str, Path]) -> None:
    code, out, _ = run("nps", str(files["surveys"]), str(files["accounts"]), "--by", "Tier", "--format", "csv")
    assert code == 0
    got = pd.read_csv(io.StringIO(out))
    # Gold: A1 9,9,10 and A2 7,8,6 → 3 promoters, 2 passives, 1 detractor of 6 → 33.33.
    # Silver: A3 3,10 and A4 9,5 → 2 promoters, 0 passives, 2 detractors of 4 → 0.
    expected = pd.DataFrame({"segment": ["Gold", "Silver"], "n": [6, 4], "promoters": [3, 2],
                             "passives": [2, 0], "detractors": [1, 2], "nps": [100 / 3, 0.0]})
    assert_frame_equal(got[expected.columns], expected)


def test_compare_rate_columns_and_values(files: dict[str, Path]) -> None:
    code, out, _ = run("compare", str(files["accounts"]), "--by", "Tier", "--rate", "Outcome Achieved=Yes")
    assert code == 0
    rows = json.loads(out)
    assert [list(r) for r in rows][0] == ["segment", "n", "rate", "ci_low", "ci_high", "p_value",
                                          "p_adjusted", "significant"]
    assert [(r["segment"], r["n"], r["rate"], r["significant"]) for r in rows] == [
        ("Gold", 2, 0.5, False), ("Silver", 2, 1.0, False)]


def test_compare_unknown_column_is_one_line_exit_2(files: dict[str, Path]) -> None:
    code, out, err = run("compare", str(files["accounts"]), "--by", "Colour", "--mean", "ARR")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "'Colour'" in err and "tier" in err


def test_sql_query_and_refusal(files: dict[str, Path]) -> None:
    code, out, _ = run("sql", str(files["accounts"]), "--query",
                       "SELECT tier, sum(arr) AS arr FROM accounts GROUP BY tier ORDER BY tier")
    assert code == 0
    assert out.splitlines() == ["tier,arr", "Gold,4000.0", "Silver,500.0"]
    code, out, err = run("sql", str(files["accounts"]), "--query", "COPY accounts TO '/tmp/x.csv'")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "COPY" in err


def test_usage_error_is_one_line_exit_2() -> None:
    code, _, err = run("funnel")
    assert code == 2 and err.count("\n") == 1


def test_funnel_csv_by_hand(files: dict[str, Path]) -> None:
    code, out, err = run("funnel", str(files["events"]), "--stages", "Awareness,Consideration,Decision")
    assert code == 0
    # A1 reaches all three (10 and 30 days apart), A2 two (15 days), A3 churns after step 1, A4 waits.
    expected = pd.DataFrame({
        "step": [1, 2, 3], "stage": ["Awareness", "Consideration", "Decision"], "accounts": [4, 2, 1],
        "conversion_from_previous": [1.0, 0.5, 0.5], "conversion_from_first": [1.0, 0.5, 0.25],
        "dropped": [0, 2, 1], "dropped_exited": [0, 1, 0], "dropped_in_progress": [0, 1, 1],
        "median_days_from_previous": [None, 12.5, 30.0], "p90_days_from_previous": [None, 14.5, 30.0],
    })
    got = pd.read_csv(io.StringIO(out))
    assert_frame_equal(got, expected.astype({"median_days_from_previous": float, "p90_days_from_previous": float}))
    assert "note: 0 accounts have no step-1 entry (Awareness)." in err


def test_funnel_json_by_segment_and_unknown_stage(files: dict[str, Path]) -> None:
    code, out, _ = run("funnel", str(files["events"]), "--accounts", str(files["accounts"]), "--by", "Tier",
                       "--stages", "Awareness,Consideration", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert list(rows[0])[:4] == ["segment", "step", "stage", "accounts"]
    assert [(r["segment"], r["step"], r["accounts"]) for r in rows] == [
        ("Gold", 1, 2), ("Gold", 2, 2), ("Silver", 1, 2), ("Silver", 2, 0)]
    code, out, err = run("funnel", str(files["events"]), "--stages", "Awareness,Teleportation")
    assert (code, out) == (2, "") and "'Teleportation'" in err and err.count("\n") == 1


def test_pack_unknown_account_or_segment_is_one_line_exit_2(files: dict[str, Path], tmp_path: Path) -> None:
    base = [str(files["events"]), str(files["accounts"]), str(files["surveys"])]
    code, out, err = run("pack", *base, "--account", "A9", "--out", str(tmp_path / "a.pptx"))
    assert (code, out, err) == (2, "", "error: No account 'A9' in the accounts table\n")
    code, _, err = run("pack", *base, "--segment", "Tier=Platinum", "--out", str(tmp_path / "s.pdf"))
    assert (code, err) == (2, "error: No accounts with tier = 'Platinum' in the accounts table\n")
    code, _, err = run("pack", *base, "--account", "A1", "--out", str(tmp_path / "a.docx"))
    assert code == 2 and ".pptx or .pdf" in err
    assert not list(tmp_path.glob("a.*")) and not list(tmp_path.glob("s.*"))


def test_pack_for_an_account_is_a_pptx_with_its_slides(files: dict[str, Path], tmp_path: Path) -> None:
    from pptx import Presentation

    out = tmp_path / "Müller.pptx"
    code, printed, _ = run("pack", str(files["events"]), str(files["accounts"]), str(files["surveys"]),
                           "--account", "A1", "--out", str(out))
    assert (code, printed) == (0, f"{out}\n")
    slides = Presentation(str(out)).slides
    assert len(slides) == 6
    assert "Müller GmbH" in " ".join(shape.text_frame.text for shape in slides[0].shapes if shape.has_text_frame)


# ---------------------------------------------------------------- csat, ces, --by a survey file's own column

def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson score 95% interval, by hand."""
    import math
    from statistics import NormalDist

    z = NormalDist().inv_cdf(0.975)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    """CSAT 1–5 and CES 1–7 answers with the survey's own Plan column."""
    rows = [("A1", "CSAT", 5, "Pro"), ("A1", "CSAT", 4, "Pro"), ("A2", "CSAT", 3, "Basic"), ("A2", "CSAT", 5, "Basic"),
            ("A3", "CSAT", 1, "Pro"), ("A4", "CSAT", 2, "Basic"),
            ("A1", "CES", 7, "Pro"), ("A2", "CES", 5, "Basic"), ("A3", "CES", 2, "Pro"), ("A4", "CES", 6, "Basic")]
    path = tmp_path / "answers.csv"
    path.write_text("Account ID,Survey Date,Survey Type,Score,Plan\n" + "".join(
        f"{a},2026-03-{10 + i:02d},{t},{s},{p}\n" for i, (a, t, s, p) in enumerate(rows)), encoding="utf-8")
    return path


def test_help_lists_csat_and_ces() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "    csat" in out and "    ces" in out
    code, out, _ = run("ces", "--help")
    assert code == 0 and "--lower-is-better" in out and "--by" in out


def test_csat_columns_and_wilson_interval(answers: Path) -> None:
    code, out, err = run("csat", str(answers))
    assert code == 0
    [row] = json.loads(out)
    assert list(row) == ["n", "satisfied", "csat", "ci_low", "ci_high"]
    # 5, 4, 3, 5, 1, 2 on 1–5: top two box (4–5) is 3 of 6.
    assert (row["n"], row["satisfied"], row["csat"]) == (6, 3, 0.5)
    low, high = wilson(3, 6)
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    assert "note: CSAT on the 1-5 scale: 4 and above count as satisfied." in err


def test_ces_columns_t_interval_scale_and_direction(answers: Path) -> None:
    from scipy.stats import t

    code, out, _ = run("ces", str(answers), "--lower-is-better")
    assert code == 0
    [row] = json.loads(out)
    assert list(row) == ["n", "mean", "ci_low", "ci_high", "scale", "direction"]
    # 7, 5, 2, 6: mean 5, sample sd √(14/3), half width t(0.975, 3) · sd / 2.
    half = t.ppf(0.975, 3) * (14 / 3) ** 0.5 / 2
    assert (row["n"], row["mean"], row["scale"], row["direction"]) == (4, 5.0, "1-7", "lower is better")
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(5 - half), pytest.approx(5 + half))


def test_by_a_column_of_the_survey_file_itself(answers: Path) -> None:
    code, out, err = run("csat", str(answers), "--by", "plan")
    assert (code, err.count("note: CSAT")) == (0, 1)
    rows = {r["segment"]: r for r in json.loads(out)}
    assert list(rows["Pro"]) == ["segment", "n", "satisfied", "csat", "ci_low", "ci_high"]
    # Pro: 5, 4, 1 → 2 of 3; Basic: 3, 5, 2 → 1 of 3.
    assert [(s, r["n"], r["satisfied"]) for s, r in rows.items()] == [("Basic", 3, 1), ("Pro", 3, 2)]


def test_by_prefers_the_survey_files_own_column_with_a_note(answers: Path, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("Account ID,Account Name,Plan\nA1,Acme,Enterprise\nA2,Globex,Enterprise\n"
                        "A3,Initech,Team\nA4,Hooli,Team\n", encoding="utf-8")
    code, out, err = run("ces", str(answers), str(accounts), "--by", "Plan")
    assert code == 0
    assert [line for line in err.splitlines() if line.startswith("note:")] == [
        "note: column 'Plan' is in answers.csv and in the accounts table: answers.csv's own values are used"]
    # Pro: 7, 2 → 4.5; Basic: 5, 6 → 5.5 (the accounts table would say Enterprise / Team).
    assert {r["segment"]: (r["n"], r["mean"]) for r in json.loads(out)} == {"Basic": (2, 5.5), "Pro": (2, 4.5)}


def test_by_an_unknown_column_names_both_tables(answers: Path) -> None:
    code, out, err = run("csat", str(answers), "--by", "Colour")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "'Colour'" in err and "Plan" in err and "accounts table" in err


def test_score_col_turns_another_kind_into_survey_answers(tmp_path: Path) -> None:
    path = tmp_path / "rated.csv"
    path.write_text("Account ID,Account Name,Signup Date,Rating\nA1,Acme,2026-01-02,5\nA2,Globex,2026-01-05,2\n"
                    "A3,Initech,2026-02-01,4\n", encoding="utf-8")
    code, out, err = run("csat", str(path), "--score-col", "Rating")
    assert code == 0, err
    [row] = json.loads(out)
    assert (row["n"], row["satisfied"]) == (3, 2)


def test_override_clears_roles_the_new_kind_does_not_have(tmp_path: Path) -> None:
    from cxlib.cli import override_roles
    from cxlib.mapping import ROLES, Mapping, TableMapping
    from cxlib.workspace import Workspace

    path = tmp_path / "rated.csv"
    path.write_text("Account ID,Account Name,Tier,Signup Date,Rating\nA1,Acme,Gold,2026-01-02,5\n", encoding="utf-8")
    ws = Workspace()
    [report] = ws.load([path])
    chosen = Mapping([TableMapping(report.table, report.source, "accounts", {
        "Account ID": "account_id", "Account Name": "name", "Tier": "segment", "Signup Date": "start_date",
        "Rating": "arr"})], {})
    override_roles(ws.con, chosen, "surveys", {"Rating": "score:CSAT"})
    [table] = chosen.tables
    assert table.kind == "surveys"
    assert set(table.roles.values()) <= set(ROLES["surveys"])
    assert (table.roles["Rating"], table.roles["Account ID"], table.roles["Signup Date"]) == (
        "score:CSAT", "account_id", "ts")
    ws.apply(chosen)     # fits: no role of another kind is left


def test_pack_for_an_account_known_only_from_survey_answers(answers: Path, tmp_path: Path) -> None:
    from pptx import Presentation

    out = tmp_path / "a3.pptx"
    code, printed, err = run("pack", str(answers), "--account", "A3", "--out", str(out))
    assert (code, printed) == (0, f"{out}\n"), err
    first = Presentation(str(out)).slides[0]
    assert "A3" in " ".join(shape.text_frame.text for shape in first.shapes if shape.has_text_frame)


def test_empty_metric_is_refused_with_its_reason(answers: Path) -> None:
    code, out, err = run("nps", str(answers))
    assert (code, out) == (2, "")
    assert err == ("error: 10 survey rows loaded; 0 read as NPS answers: column 'Score' holds CES (4) and CSAT (6) "
                   "answers\n")


def test_scale_choices_are_the_surveys_scales() -> None:
    from cxlib.cli import SCALES as CLI_SCALES
    from cxlib.surveys import SCALES

    assert set(CLI_SCALES) == set(SCALES)


WARNING_COLUMNS = ["account_id", "name", "arr", "renewal_date", "signals", "first_signal_date", "evidence"]


def test_warnings_columns_are_the_contract_in_help_and_output() -> None:
    code, out, _ = run("warnings", "--help")
    assert code == 0
    assert "account_id, name, arr, renewal_date, signals" in " ".join(out.split())
    assert "first_signal_date, evidence" in " ".join(out.split())
    assert ("entered_disappointment, score_drop, nps_drop, csat_drop, stalled, silent, decision_maker_detractor, "
            "missed_qbr; missed_qbr only when activities are loaded") in " ".join(out.split())
    data = Path(__file__).resolve().parents[1] / "data"
    code, out, err = run("warnings", *[str(p) for p in sorted(data.glob("*.csv"))], "--format", "csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == WARNING_COLUMNS
    assert len(table) > 0 and table["signals"].notna().all()


def test_warnings_with_nothing_flagged_is_an_empty_list_exit_0_and_a_note(tmp_path: Path) -> None:
    # A1 signed on the as-of date (its latest entry): no signal holds. A2 is a lead, A3 churned: no customers.
    events = tmp_path / "events.csv"
    events.write_text("Account ID,Stage,Entered At\n"
                      "A1,Awareness,2026-01-01\nA1,Consideration,2026-01-10\nA1,Decision,2026-06-01\n"
                      "A2,Awareness,2026-02-01\nA3,Decision,2026-01-01\nA3,Churn,2026-02-01\n", encoding="utf-8")
    code, out, err = run("warnings", str(events))
    assert code == 0, err
    assert json.loads(out) == []
    # A1 is the one customer checked; A2 (a lead) and A3 (churned) are known accounts but not customers.
    assert err == ("note: no account flagged at 2026-06-01\n"
                   "note: 1 of 3 accounts are customers at that date and were checked (a customer has entered "
                   "Decision and not churned, and was never a lost deal)\n")
    code, out, _ = run("warnings", str(events), "--format", "csv")
    assert code == 0 and out.strip() == ",".join(WARNING_COLUMNS)


def test_cli_memory_limit_is_half_the_machine_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI is the machine's only session: half its RAM (never under 1 GB), the env var wins."""
    from cxlib import cli, workspace

    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 6 * 2**30 // 4096}      # a 6 GiB machine
    monkeypatch.setattr(workspace.os, "sysconf", lambda name: pages[name])
    assert workspace.machine_memory_limit() == "3072MiB"
    pages["SC_PHYS_PAGES"] = 2**30 // 4096                                    # 1 GiB: the 1 GB floor
    assert workspace.machine_memory_limit() == "1024MiB"
    monkeypatch.delenv("JOURNEY_LENS_MEMORY_LIMIT", raising=False)
    pages["SC_PHYS_PAGES"] = 6 * 2**30 // 4096
    ws = cli.cli_workspace()
    assert ws.con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "3.0 GiB"
    ws.close()
    monkeypatch.setenv("JOURNEY_LENS_MEMORY_LIMIT", "300MB")
    ws = cli.cli_workspace()
    assert ws.con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "286.1 MiB"
    ws.close()


def test_survey_commands_say_how_many_answers_were_left_out_and_why(tmp_path: Path) -> None:
    # Zendesk's 10 tickets (tests/acceptance/generators.py): 3 without a satisfaction answer (Offered,
    # Unoffered, blank); with an accounts file keyed by ids, the 8 tickets naming an organization name an
    # account it does not have, so only the organization-less Good answer counts.
    from tests.acceptance import generators as gen

    tickets = gen.write_zendesk_tickets(tmp_path)
    code, out, err = run("csat", str(tickets), "--format", "csv")
    assert code == 0 and out.splitlines()[1].startswith("7,5,")
    assert "note: 3 of 10 CSAT answer rows are left out: 3 are blank (column 'Satisfaction Score')" in err
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("Account ID,Account Name,Outcome Achieved\nC1,Acme Corp,Yes\nC2,Globex Ltd,Yes\n",
                        encoding="utf-8")
    code, out, err = run("csat", str(accounts), str(tickets), "--format", "csv")
    assert code == 0 and out.splitlines()[1].startswith("1,1,")
    assert ("note: 9 of 10 CSAT answer rows are left out: 8 name an account that is not in the accounts table "
            "(column 'Organization'); 1 is blank (column 'Satisfaction Score')") in err
