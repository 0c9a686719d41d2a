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
