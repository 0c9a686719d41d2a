"""`centricity` on the command line: the columns are a contract (help, README, output), notes say why."""

from __future__ import annotations

import json
from pathlib import Path

from cxlib import centricity
from tests.test_cli import files, run  # noqa: F401  (the tiny company fixture)

COLUMNS = ["segment", "accounts", "care", "act_daily_median", "proactive_share", "attested_with", "attested_without",
           "attested_p_value", "want_do_coverage"]


def test_centricity_columns_in_help_readme_and_code() -> None:
    assert centricity.CLI_COLUMNS == COLUMNS
    code, out, _ = run("centricity", "--help")
    assert code == 0
    assert "Columns: segment (with --by), " + ", ".join(COLUMNS[1:]) in " ".join(out.split())
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "centricity [--by COLUMN]" in readme
    assert "`segment` (only with `--by`), " + ", ".join(f"`{c}`" for c in COLUMNS[1:]) in readme
    code, out, _ = run("--help")
    assert "    centricity" in out


def test_centricity_without_activities_counts_care_and_says_why_the_rest_is_empty(files: dict[str, Path]) -> None:
    # As-of 2026-09-15 (the latest answer). A1 is the one customer (Decision 2026-02-10; A3 churned, A2/A4 leads):
    # it answered NPS 9, 9, 10 in the last 365 days → care 1, and all three answers come without a proactive activity.
    paths = [str(files[k]) for k in ("accounts", "surveys", "events")]
    code, out, err = run("centricity", *paths)
    assert code == 0, err
    assert json.loads(out) == [{"accounts": 1, "care": 1.0, "act_daily_median": 0.0, "proactive_share": None,
                                "attested_with": None, "attested_without": 1.0, "attested_p_value": None,
                                "want_do_coverage": None}]
    assert "note: act_daily_median: no activities loaded" in err and "note: proactive_share: no activities" in err
    assert "note: attested_with: no NPS answer" in err and "note: want_do_coverage: 0 account–theme requests" in err
    code, out, err = run("centricity", *paths, "--by", "Tier", "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[0] == ",".join(COLUMNS) and out.splitlines()[1].startswith("Gold,1,1.0,0.0,,,1.0,,")
    assert "note: act_daily_median (Gold): no activities loaded" in err


def test_centricity_with_no_customers_exits_2_naming_the_columns(tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text("Account ID,Stage,Entered At\nA1,Awareness,2026-01-01\n", encoding="utf-8")
    code, out, err = run("centricity", str(events))
    assert (code, out) == (2, "")
    assert "no customers at 2026-01-01" in err and "journey_events.stage" in err
