"""The sample company: committed files equal the generator's output, and the story it tells holds."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cxlib import sample
from cxlib.factors import default_factors, factor_key
from cxlib.stages import suggest_stage

DATA = Path(__file__).resolve().parents[1] / "data"
CSV_FILES = [
    "accounts.csv",
    "journey_events.csv",
    "surveys.csv",
    "factor_ratings.csv",
    "activities.csv",
    "snapshots/stage_snapshot_2026-07-31.csv",
    "snapshots/stage_snapshot_2026-08-31.csv",
    "snapshots/stage_snapshot_2026-09-30.csv",
]
WORKBOOK = "sample_company.xlsx"


@pytest.fixture(scope="module")
def company() -> sample.SampleCompany:
    return sample.generate()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory, company: sample.SampleCompany) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("sample")
    return out, sample.write(company, out)


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _last_stage(events: pd.DataFrame) -> pd.Series:
    return events.groupby("Account ID")["Stage"].last()


# --- committed files ----------------------------------------------------------------------------

def test_write_returns_the_committed_file_set(regenerated: tuple[Path, list[Path]]) -> None:
    out, written = regenerated
    assert [p.relative_to(out).as_posix() for p in written] == CSV_FILES + [WORKBOOK]
    for rel in CSV_FILES + [WORKBOOK]:
        assert (DATA / rel).is_file(), f"data/{rel} is not committed; run `make sample`"


@pytest.mark.parametrize("rel", CSV_FILES)
def test_committed_csv_matches_generator(regenerated: tuple[Path, list[Path]], rel: str) -> None:
    out, _ = regenerated
    assert_frame_equal(_read_csv(DATA / rel), _read_csv(out / rel))


def test_committed_workbook_matches_generator(regenerated: tuple[Path, list[Path]]) -> None:
    out, _ = regenerated
    committed = pd.read_excel(DATA / WORKBOOK, sheet_name=None, engine="openpyxl")
    fresh = pd.read_excel(out / WORKBOOK, sheet_name=None, engine="openpyxl")
    assert list(committed) == list(fresh) == ["Accounts", "Surveys"]
    for sheet in committed:
        assert_frame_equal(committed[sheet], fresh[sheet])


def test_workbook_holds_the_same_accounts_and_surveys_as_the_csvs(regenerated: tuple[Path, list[Path]],
                                                                  company: sample.SampleCompany) -> None:
    out, _ = regenerated
    book = pd.read_excel(out / WORKBOOK, sheet_name=None, engine="openpyxl")
    # Dates are real date cells in the workbook; compare them as the CSV's ISO text.
    accounts = book["Accounts"].assign(**{c: book["Accounts"][c].dt.strftime("%Y-%m-%d").fillna("")
                                         for c in ("Contract Start", "Renewal Date")})
    csv = _read_csv(out / "accounts.csv")
    assert accounts["Account ID"].tolist() == csv["Account ID"].tolist()
    assert accounts["Account Name"].tolist() == csv["Account Name"].tolist()
    assert accounts["Contract Start"].tolist() == csv["Contract Start"].tolist()
    assert accounts["ARR"].fillna(0).astype(int).astype(str).where(accounts["ARR"].notna(), "").tolist() \
        == csv["ARR"].tolist()
    surveys = book["Surveys"]
    # 7,373 before the early-warning story (issue 12): 12 silent accounts lose their last 150 days' 45 answers,
    # 8 accounts with a bad support month gain 5 CSAT answers each.
    assert len(surveys) == len(company.surveys) == 7373 - 45 + 40
    assert surveys["Score"].tolist() == company.surveys["Score"].tolist()
    assert surveys["Comment"].fillna("").tolist() == company.surveys["Comment"].fillna("").tolist()


def test_committed_data_stays_small() -> None:
    sizes = {rel: (DATA / rel).stat().st_size for rel in CSV_FILES + [WORKBOOK]}
    assert sizes[WORKBOOK] < 2_000_000
    assert sum(sizes.values()) < 6_000_000


def test_unicode_survives_in_the_committed_csv() -> None:
    names = set(_read_csv(DATA / "accounts.csv")["Account Name"])
    assert {"Müller GmbH", "São Paulo Telecom", "Hôtel Lumière", "客户科技", "O’Brien & Sons Ltd"} <= names
    comments = set(_read_csv(DATA / "surveys.csv")["Comment"])
    assert "Billed in € twice this quarter, still waiting for a credit note." in comments


def test_events_file_mixes_dates_and_crm_timestamps() -> None:
    events = _read_csv(DATA / "journey_events.csv")
    timed = events["Entered At"].str.len() == len("2024-07-06 18:10:29")
    assert set(events.loc[timed, "Stage"]) == {"Decision", "Lost deal"}
    assert (events.loc[~timed, "Entered At"].str.len() == len("2024-07-06")).all()


# --- determinism and the command line -------------------------------------------------------------

def test_same_seed_gives_the_same_company() -> None:
    a, b, c = sample.generate(n_accounts=300), sample.generate(n_accounts=300), sample.generate(seed=8, n_accounts=300)
    for name in ("accounts", "events", "surveys", "ratings"):
        assert_frame_equal(getattr(a, name), getattr(b, name))
    for d in sample.SNAPSHOT_DATES:
        assert_frame_equal(a.snapshots[d], b.snapshots[d])
    assert not a.events.equals(c.events)


def test_generation_and_writing_are_fast(tmp_path: Path) -> None:
    start = time.perf_counter()
    sample.write(sample.generate(), tmp_path)
    assert time.perf_counter() - start < 10


def test_main_writes_the_files_and_lists_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sample.main([str(tmp_path / "out"), "--accounts", "40", "--seed", "3"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == len(CSV_FILES) + 2      # + the workbook + the prepared sample
    assert printed[-1].startswith(str(tmp_path / "out" / "sample_workspace.zip"))
    assert len(_read_csv(tmp_path / "out" / "accounts.csv")) == 40


def test_small_company_for_fast_tests() -> None:
    s = sample.small()
    assert len(s.accounts) == 60
    assert s.events["Stage"].value_counts().to_dict() == {
        "Awareness": 60, "Consideration": 44, "Lost deal": 25, "Decision": 20, "Delivery": 19, "Usage": 17,
        "Loyalty": 8, "Disappointment": 2, "Advocacy": 2, "Churn": 2}
    assert (len(s.surveys), len(s.ratings)) == (240, 93)


# --- sanity numbers for seed 7 ----------------------------------------------------------------------

def test_counts_for_the_fixed_seed(company: sample.SampleCompany) -> None:
    assert len(company.accounts) == 2000
    assert company.events["Stage"].value_counts().to_dict() == {
        "Awareness": 2000, "Consideration": 1476, "Decision": 844, "Delivery": 718, "Usage": 665,
        "Lost deal": 533, "Loyalty": 292, "Disappointment": 274, "Churn": 177, "Advocacy": 85}
    # Issue 12's early-warning story: silent accounts lose 24 CSAT, 19 NPS, 2 CES answers and 23 ratings; a bad
    # support month adds 40 CSAT answers (before it: CSAT 3785, NPS 2621, CES 967, ratings 3283).
    assert company.surveys["Survey Type"].value_counts().to_dict() == {"CSAT": 3785 - 24 + 40, "NPS": 2621 - 19,
                                                                       "CES": 967 - 2}
    assert len(company.ratings) == 3283 - 23
    assert {d: len(f) for d, f in company.snapshots.items()} == {
        date(2026, 7, 31): 1873, date(2026, 8, 31): 1932, date(2026, 9, 30): 2000}
    assert company.accounts["Tier"].value_counts().to_dict() == {"SMB": 1050, "Mid-Market": 666, "Enterprise": 284}


def test_accounts_have_unique_ids_and_names(company: sample.SampleCompany) -> None:
    acc = company.accounts
    assert acc["Account ID"].str.fullmatch(r"ACC-\d{5}").all()
    assert acc["Account ID"].is_unique and acc["Account Name"].is_unique
    assert acc["Account ID"].iloc[0] == "ACC-00001" and acc["Account ID"].iloc[-1] == "ACC-02000"
    assert acc["CSM"].nunique() == 11 and acc["Industry"].nunique() == 8 and acc["Region"].nunique() == 4


def test_churned_share_is_plausible(company: sample.SampleCompany) -> None:
    last = _last_stage(company.events)
    customers = company.events.loc[company.events["Stage"] == "Decision", "Account ID"].nunique()
    churned = int((last == "Churn").sum())
    assert (customers, churned) == (834, 167)
    assert 0.10 <= churned / customers <= 0.30


def test_every_journey_starts_at_awareness_and_moves_forward_in_time(company: sample.SampleCompany) -> None:
    ev = company.events
    assert (ev.groupby("Account ID")["Stage"].first() == "Awareness").all()
    steps = ev.groupby("Account ID")["Entered At"].diff().dropna()
    assert (steps > pd.Timedelta(0)).all()
    assert ev["Entered At"].max() <= pd.Timestamp("2026-09-30 23:59:59")
    assert ev["Entered At"].min() >= pd.Timestamp("2023-10-01")


def test_decision_to_delivery_conversion_differs_by_tier(company: sample.SampleCompany) -> None:
    ev = company.events.merge(company.accounts[["Account ID", "Tier"]], on="Account ID")
    signed = ev.loc[ev["Stage"] == "Decision"].groupby("Tier")["Account ID"].nunique()
    delivered = ev.loc[ev["Stage"] == "Delivery"].groupby("Tier")["Account ID"].nunique()
    assert signed.to_dict() == {"Enterprise": 128, "Mid-Market": 301, "SMB": 405}
    assert delivered.to_dict() == {"Enterprise": 124, "Mid-Market": 265, "SMB": 324}
    rate = delivered / signed
    assert rate.max() - rate.min() >= 0.10


def test_exits_returns_and_open_journeys_all_occur(company: sample.SampleCompany) -> None:
    ev = company.events
    prev = ev.groupby("Account ID")["Stage"].shift()
    moves = pd.crosstab(prev, ev["Stage"])
    assert moves.loc["Disappointment", "Usage"] > 0 and moves.loc["Disappointment", "Loyalty"] > 0
    assert moves.loc["Churn", "Decision"] > 0            # churned customers who came back
    assert moves.loc["Consideration", "Lost deal"] > 0   # deals that never became customers
    last = _last_stage(ev)
    assert {"Consideration", "Decision", "Delivery", "Usage"} <= set(last)  # still in progress


def test_churn_reason_only_on_churned_accounts(company: sample.SampleCompany) -> None:
    acc = company.accounts.set_index("Account ID")
    churned = _last_stage(company.events) == "Churn"
    has_reason = acc["Churn Reason"].notna()
    assert has_reason.equals(churned.reindex(acc.index))
    assert set(acc["Churn Reason"].dropna()) == set(sample.CHURN_REASONS)


def test_contract_fields_only_for_customers(company: sample.SampleCompany) -> None:
    acc = company.accounts.set_index("Account ID")
    signed = company.events[company.events["Stage"] == "Decision"].groupby("Account ID")["Entered At"].max()
    customer = acc.index.isin(signed.index)
    assert acc["ARR"].notna().to_numpy().tolist() == customer.tolist()
    assert (acc.loc[signed.index, "Contract Start"] == signed.dt.normalize()).all()
    assert (acc.loc[customer, "Renewal Date"] > acc.loc[customer, "Contract Start"]).all()
    active = acc.index.isin(signed.index) & ~acc["Churn Reason"].notna()
    assert (acc.loc[active, "Renewal Date"] >= pd.Timestamp("2026-09-30")).all()
    median_arr = acc.groupby("Tier")["ARR"].median()
    assert median_arr["Enterprise"] > median_arr["Mid-Market"] > median_arr["SMB"]


def test_scores_are_on_their_scales(company: sample.SampleCompany) -> None:
    s = company.surveys
    for kind, lo, hi in (("NPS", 0, 10), ("CSAT", 1, 5), ("CES", 1, 7)):
        scores = s.loc[s["Survey Type"] == kind, "Score"]
        assert scores.between(lo, hi).all() and scores.min() == lo and scores.max() == hi
    factors = company.ratings[list(sample.FACTOR_COLUMNS)]
    assert factors.stack().between(1, 5).all()
    assert factors.isna().any().all()  # every factor column has some blanks


def test_surveys_fall_inside_the_customer_life(company: sample.SampleCompany) -> None:
    ev = company.events
    # Surveys start with delivery, or with the disappointment of a deal that never got delivered.
    served = ev[ev["Stage"].isin(["Delivery", "Disappointment"])].groupby("Account ID")["Entered At"].min()
    s = company.surveys.join(served.rename("served"), on="Account ID")
    assert (s["Survey Date"] >= s["served"]).all()
    assert s["Survey Date"].max() <= pd.Timestamp("2026-09-30")
    assert set(s["Role"]) == {"Executive", "Decision maker", "User"}   # Enterprise's first decision maker (issue 12)
    assert set(s["Touchpoint"]) == {"Onboarding", "Support ticket", "QBR", "Relationship survey", "Training",
                                    "Escalation review", "Renewal call"}
    assert 0.2 < s["Comment"].notna().mean() < 0.4
    assert s.groupby("Account ID")["Respondent"].nunique().max() > 3


def test_scores_follow_the_journey(company: sample.SampleCompany) -> None:
    s = company.surveys
    nps = s[s["Survey Type"] == "NPS"].groupby("Touchpoint")["Score"].mean()
    assert nps["Escalation review"] < 6 < 8 < nps["QBR"]
    ratings = company.ratings.set_index("Account ID")[list(sample.FACTOR_COLUMNS)].mean(axis=1)
    touched = company.events.loc[company.events["Stage"].isin(["Disappointment", "Churn"]), "Account ID"].unique()
    troubled = ratings.index.isin(touched)
    assert ratings[~troubled].mean() - ratings[troubled].mean() > 0.5
    outcome = company.accounts.set_index("Account ID")["Outcome Achieved"].reindex(ratings.index)
    assert ratings[outcome == "Yes"].mean() - ratings[outcome == "No"].mean() > 0.5


def test_ratings_are_quarterly(company: sample.SampleCompany) -> None:
    dates = company.ratings["Rating Date"]
    assert dates.dt.is_quarter_end.all()
    assert not company.ratings.duplicated(["Account ID", "Rating Date"]).any()


def test_factor_headers_are_recognised() -> None:
    assert [factor_key(c) for c in sample.FACTOR_COLUMNS] == [f.key for f in default_factors()]


def test_snapshot_labels_map_to_the_stage_of_the_events(company: sample.SampleCompany) -> None:
    for snap, frame in company.snapshots.items():
        upto = company.events[company.events["Entered At"] < pd.Timestamp(snap) + pd.Timedelta(days=1)]
        expected = _last_stage(upto)
        mapped = frame.set_index("Account ID")["Lifecycle Stage"].map(suggest_stage)
        assert mapped.to_dict() == expected.to_dict()
        assert (frame["Snapshot Date"] == pd.Timestamp(snap)).all()
    labels = set(company.snapshots[date(2026, 9, 30)]["Lifecycle Stage"])
    assert labels == set(sample.CRM_LABELS.values())
