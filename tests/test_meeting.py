"""Meeting packs: a segment's summary on a hand-made company, and whole packs of the sample company.

The hand-made company (as of 2026-06-30, default stages, minimum n 30):

    G1 Alpha    Gold    ARR 100,000   Aw 01-01, Co 01-11, De 02-10       intent 80, education 60
    G2 Bravo    Gold    ARR  50,000   Aw 01-01, Co 01-31, Lost deal 03-01  intent 90, education 40
    G3 Charlie  Gold    no ARR        Aw 01-01                           no ratings
    S1 Sierra   Silver  ARR  10,000   Aw 01-01, Co 01-02

Gold by hand: funnel 3 → 2 → 1 → 0 (…0): drops of 1 at Consideration (G3, in progress), Decision
(G2, exited by its lost deal) and Delivery (G1, in progress) — the earliest is the largest;
days Awareness → Consideration [10, 30] → median 20, Consideration → Decision [30] → median 30,
p90 30 (the slowest). Composites 70 and 65 → 67.5, shown 68 (yellow) over 2 of 3 accounts;
factor means intent 85, education 50 (gap 30: the weakest). NPS answers 10, 9, 3 → 2 promoters,
1 detractor of 3 → 33.3 ± 1.96·100·√((1 − 1/9)/3) = 106.7; all accounts add S1's 0 → 2 − 2 of
4 → 0. CSAT (1–5) 5 and 2 → 1 of 2 satisfied (50%); all accounts add S1's 4 → 2 of 3 (67%).
Paths: A, A→C→D, A→C→Lost deal, one account each; ties go in journey order, so "Awareness"
(1 of 3 = 33%) is first.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from cxlib import canonical, images
from cxlib.early_warning import WarningConfig
from cxlib.errors import CxError, MetricError
from cxlib.factors import Factor
from cxlib.funnel import FunnelSpec, funnel
from cxlib.meeting import account_pack, segment_pack, segment_story, segment_summary, write_pack
from cxlib.pack import PackContent, PackSlide, write_pdf
from cxlib.scores import Scale, ScoreConfig
from cxlib.settings import Settings
from cxlib.workspace import Workspace

AS_OF = dt.datetime(2026, 6, 30)
SETTINGS = Settings(as_of=AS_OF)
CONFIG = ScoreConfig(factors=[Factor("customer_intent", "Customer intent"),
                              Factor("customer_education", "Customer education")],
                     scales={"customer_intent": Scale.of("0-100"), "customer_education": Scale.of("0-100")})


def d(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture
def company(con):
    canonical.create_table(con, "accounts", [
        # account_id, name, stage, arr, start_date, renewal_date, churn_reason, outcome, source, source_row, tier
        ("G1", "Alpha", "Decision", 100000.0, None, None, None, None, "acc", 1, "Gold"),
        ("G2", "Bravo", "Lost deal", 50000.0, None, None, None, None, "acc", 2, "Gold"),
        ("G3", "Charlie", "Awareness", None, None, None, None, None, "acc", 3, "Gold"),
        ("S1", "Sierra", "Consideration", 10000.0, None, None, None, None, "acc", 4, "Silver"),
    ], [("tier", "VARCHAR")])
    events = [
        ("G1", "Awareness", "2026-01-01"), ("G1", "Consideration", "2026-01-11"), ("G1", "Decision", "2026-02-10"),
        ("G2", "Awareness", "2026-01-01"), ("G2", "Consideration", "2026-01-31"), ("G2", "Lost deal", "2026-03-01"),
        ("G3", "Awareness", "2026-01-01"),
        ("S1", "Awareness", "2026-01-01"), ("S1", "Consideration", "2026-01-02"),
    ]
    canonical.create_table(con, "journey_events", [(a, s, d(t), "event", "ev", i + 1)
                                                   for i, (a, s, t) in enumerate(events)])
    answers = [
        # account_id, respondent, role, ts, type, score, comment
        ("G1", "Ann", "Decision maker", d("2026-02-01"), "NPS", 10.0, None),
        ("G2", "Bo", "User", d("2026-02-02"), "NPS", 9.0, "  "),
        ("G3", "Cy", "User", d("2026-02-03"), "NPS", 3.0, None),
        ("S1", "Di", "User", d("2026-02-04"), "NPS", 0.0, "Not for us"),
        ("G1", "Ann", "Decision maker", d("2026-03-01"), "CSAT", 5.0, "Great   onboarding"),
        ("G2", "Bo", "User", d("2026-04-01"), "CSAT", 2.0, "Too slow"),
        ("S1", "Di", "User", d("2026-04-02"), "CSAT", 4.0, None),
        ("G1", "Ann", "Decision maker", d("2026-07-05"), "NPS", 0.0, "After the as-of date"),
    ]
    canonical.create_table(con, "surveys", [(*row, None, "sv", i + 1) for i, row in enumerate(answers)])
    ratings = [
        ("G1", d("2026-03-01"), "customer_intent", 80.0), ("G1", d("2026-03-01"), "customer_education", 60.0),
        ("G2", d("2026-03-01"), "customer_intent", 90.0), ("G2", d("2026-03-01"), "customer_education", 40.0),
    ]
    canonical.create_table(con, "factor_ratings", [(*r, "fr", i + 1) for i, r in enumerate(ratings)])
    return con


# ---------------------------------------------------------------- a segment by hand


def test_segment_summary_sentences_by_hand(company) -> None:
    story = segment_story(company, "tier", "Gold", CONFIG, SETTINGS)
    assert segment_summary(story) == [
        "tier = Gold: 3 accounts, ARR 150,000 (2 of them with ARR recorded).",
        "3 accounts entered Awareness; 0 (0%) reached Advocacy.",
        "Largest drop: Awareness → Consideration, 1 of 3 did not continue (0 exited, 1 still in progress).",
        "Slowest step: Consideration → Decision, median 30 days (p90 30) over 1 account.",
        "Engagement 68 (yellow) over 2 of 3 accounts rated enough, weakest factor Customer education "
        "(50 vs target 80).",
        "NPS 33 ± 107 (n = 3 answers; all accounts 0), fewer than the minimum n of 30: read with care.",
        "CSAT 50% satisfied (n = 2; all accounts 67%), fewer than the minimum n of 30: read with care.",
        "Most common path: Awareness (33% of the segment's accounts with journey entries).",
    ]


def test_segment_story_parts_by_hand(company) -> None:
    story = segment_story(company, "tier", " Gold", CONFIG, SETTINGS)
    assert (story.value, story.accounts, story.arr, story.arr_accounts) == ("Gold", 3, 150000.0, 2)
    assert list(story.funnel["accounts"]) == [3, 2, 1, 0, 0, 0, 0]
    assert list(story.funnel["dropped_exited"]) == [0, 0, 1, 0, 0, 0, 0]
    assert_frame_equal(story.factors, pd.DataFrame({
        "factor": ["customer_intent", "customer_education"],
        "name": ["Customer intent", "Customer education"],
        "score": [85.0, 50.0], "target": [80.0, 80.0], "gap": [-5.0, 30.0], "band": ["green", "yellow"],
    }))
    assert_frame_equal(story.comments, pd.DataFrame({
        "ts": [d("2026-04-01"), d("2026-03-01")], "survey_type": ["CSAT", "CSAT"], "score": [2.0, 5.0],
        "who": ["Bravo", "Alpha"], "comment": ["Too slow", "Great   onboarding"],
    }), check_dtype=False)
    assert list(story.nps["segment"]) == ["Gold", "All accounts"]
    assert list(story.nps["n"]) == [3, 4]
    assert story.nps["moe95"].iloc[0] == pytest.approx(106.69, abs=0.01)


def test_segment_pack_slides_without_a_browser(company) -> None:
    content = segment_pack(company, "tier", "Gold", CONFIG, SETTINGS)
    assert content.title == "tier = Gold — meeting pack"
    assert content.subtitle == "Segment meeting pack · 3 accounts · ARR 150,000"
    assert content.as_of == "2026-06-30"
    assert content.settings_line == ("As of 2026-06-30 (set in the settings) · fiscal year starts in month 1 · "
                                     "minimum n 30 · time zone UTC · Journey Lens")
    assert [s.title for s in content.slides] == [
        "Funnel: tier = Gold", "Journey map", "Engagement against the desired state", "Voice of the customer",
        "Desired outcome over time", "Flagged accounts (early warning)", "Meeting summary"]
    assert [s.figure is not None for s in content.slides] == [True, True, True, True, False, False, False]
    # No account has an outcome, so none is placed in a quadrant: the slide says so with the segment's counts
    # (G1's CSAT answer of 03-01 and G2's of 04-01 are dated; G3 has none).
    assert content.slides[4].bullets == [
        "No account of tier = Gold is placed in a desired-outcome quadrant in any quarter: of its 3 accounts, 0 have a "
        "value in column 'outcome' and 2 have a dated CSAT answer (one older than 180 days at a quarter's end counts "
        "as missing). Map the accounts' outcome column and the experience measure's data on the Data page."]
    assert content.slides[4].table is None
    # Flagged accounts with evidence: G1 (a customer since Decision on 02-10) last heard of on 03-01 (its CSAT
    # answer and ratings): 121 days before the as-of date 06-30, more than 120, so silent since 03-01 + 120 days.
    # G2 (a lost deal) and G3 (never signed) are no customers.
    assert content.slides[5].bullets == [
        "1 account flagged, ARR 100,000.",
        "G1: silent: no survey answer, rating, journey entry or activity since 2026-03-01 (121 days, more than 120)"]
    assert content.slides[5].table.to_dict("records") == [
        {"Account": "Alpha", "ARR": "100,000", "Renewal": "", "Signals": "silent", "Since": "2026-06-29"}]
    assert content.slides[-1].bullets == segment_summary(segment_story(company, "tier", "Gold", CONFIG, SETTINGS))
    assert content.slides[1].bullets == [
        "Most common paths:", "Awareness — 1 account (33%)",
        "Awareness → Consideration → Decision — 1 account (33%)",
        "Awareness → Consideration → Lost deal — 1 account (33%)"]
    # Comments are quoted with whitespace tidied; the blank one and the one after the as-of date are not.
    assert content.slides[3].bullets[2:] == ["“Too slow” — Bravo, CSAT 2, 2026-04-01",
                                             "“Great onboarding” — Alpha, CSAT 5, 2026-03-01"]
    assert content.slides[3].table.to_dict("records") == [
        {"Measure": "NPS", "Segment": "33 ± 107", "n": 3, "All accounts": "0", "n (all)": 4},
        {"Measure": "CSAT satisfied", "Segment": "50%", "n": 2, "All accounts": "67%", "n (all)": 3}]


def test_a_segment_without_answers_or_ratings_says_so(company) -> None:
    company.execute("DELETE FROM surveys WHERE account_id = 'S1'")
    company.execute("DELETE FROM factor_ratings")
    story = segment_story(company, "tier", "Silver", CONFIG, SETTINGS)
    assert segment_summary(story) == [
        "tier = Silver: 1 account, ARR 10,000.",
        "1 account entered Awareness; 0 (0%) reached Advocacy.",
        "Largest drop: Consideration → Decision, 1 of 1 did not continue (0 exited, 1 still in progress).",
        "Slowest step: Awareness → Consideration, median 1 day (p90 1) over 1 account.",
        "No account of the segment has enough engagement ratings yet.",
        "No NPS answers from the segment yet.",
        "No CSAT answers from the segment yet.",
        "Most common path: Awareness → Consideration (100% of the segment's accounts with journey entries).",
    ]


def test_unknown_segment_value_column_and_account_are_one_line_errors(company) -> None:
    with pytest.raises(MetricError) as err:
        segment_pack(company, "tier", "Platinum", CONFIG, SETTINGS)
    assert str(err.value) == "No accounts with tier = 'Platinum' in the accounts table"
    with pytest.raises(MetricError, match=r"^Column 'colour' is not in the accounts table; available: "):
        segment_pack(company, "colour", "Gold", CONFIG, SETTINGS)
    with pytest.raises(MetricError) as err:
        account_pack(company, "NOPE", CONFIG, SETTINGS)
    assert str(err.value) == "No account 'NOPE' in the accounts table"


# ---------------------------------------------------------------- an account's flags in its pack


def test_account_pack_places_early_warning_flags_by_signal(company) -> None:
    # G1 is a customer (Decision on 02-10). On 06-30 its last contact was 03-01 (rating and CSAT): 121 days,
    # more than 120, so it is silent; silence has no topic slide, so it is only in the summary.
    silent = account_pack(company, "G1", CONFIG, SETTINGS)
    flag = "Flag: Silent — no survey answer, rating, journey entry or activity since 2026-03-01 (121 days, more than 120)."
    assert silent.slides[-1].bullets[-1] == flag
    assert [b for slide in silent.slides[:-1] for b in slide.bullets if b.startswith("Flag:")] == []
    # On 07-05 its decision maker answers NPS 0 after 10 on 02-01: nps_drop, on the voice slide too.
    # (Ann is G1's only respondent, so the decision-maker signal has no others to compare with.)
    turned = account_pack(company, "G1", CONFIG, Settings(as_of=d("2026-07-05")))
    flag = ("Flag: NPS dropped — latest NPS answer 0 on 2026-07-05 (detractor) after 10 on 2026-02-01 "
            "(promoter).")
    assert turned.slides[-1].bullets[-1] == flag
    voice = next(s for s in turned.slides if s.title == "Voice of the customer")
    assert voice.bullets[1] == flag
    assert [b for slide in turned.slides[:-1] for b in slide.bullets if b.startswith("Flag:")] == [flag]
    # A stricter silence threshold of 121 days leaves 06-30's G1 unflagged: the pack reads the mapping's settings.
    calm = account_pack(company, "G1", CONFIG, SETTINGS, warning_config=WarningConfig(silent_days=121))
    assert not [b for b in calm.slides[-1].bullets if b.startswith("Flag:")]


def test_write_pack_refuses_other_suffixes(tmp_path: Path) -> None:
    content = PackContent("T", "", [PackSlide("Summary", bullets=["One."])], "", "settings")
    with pytest.raises(CxError) as err:
        write_pack(content, tmp_path / "deck.docx")
    assert str(err.value) == f"A meeting pack is written as .pptx or .pdf, not '.docx' ({tmp_path / 'deck.docx'})."
    assert not (tmp_path / "deck.docx").exists()
    write_pack(content, tmp_path / "deck.PDF")
    assert len(PdfReader(tmp_path / "deck.PDF").pages) == 2


# ---------------------------------------------------------------- whole packs of the sample company


@pytest.fixture(scope="module")
def chromium() -> None:
    if not images.chromium_available():
        pytest.skip("Charts in packs need Chromium at /usr/bin/chromium: 'apt-get install chromium'")


ACCOUNT_TITLES = ["Oriarvia — meeting pack", "Funnel: pace against tier Mid-Market", "Journey map",
                  "Engagement against the desired state", "Voice of the customer", "Meeting summary"]
SEGMENT_TITLES = ["tier = Enterprise — meeting pack", "Funnel: tier = Enterprise", "Journey map",
                  "Engagement against the desired state", "Voice of the customer", "Desired outcome over time",
                  "Flagged accounts (early warning)", "Meeting summary"]


@pytest.fixture(scope="module")
def account_content(sample: Workspace) -> PackContent:
    return account_pack(sample.con, "ACC-00002", sample.score_config, sample.settings, "tier")


@pytest.fixture(scope="module")
def segment_content(sample: Workspace) -> PackContent:
    return segment_pack(sample.con, "tier", "Enterprise", sample.score_config, sample.settings)


def _pictures(slide: object) -> int:
    return sum(1 for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)


def _bullets(slide: object) -> list[str]:
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text.startswith("• ")]
    return [line[2:] for text in texts for line in text.split("\n")]


def test_account_pack_as_pptx(chromium: None, account_content: PackContent, tmp_path: Path) -> None:
    write_pack(account_content, tmp_path / "oriarvia.pptx")
    prs = Presentation(tmp_path / "oriarvia.pptx")
    assert [s.shapes.title.text for s in prs.slides] == ACCOUNT_TITLES
    assert [_pictures(s) for s in prs.slides] == [0, 1, 1, 1, 0, 0]
    summary = _bullets(prs.slides[5])
    # The sample's ACC-00002: 286 days from Usage to Loyalty against the Mid-Market median of 280.
    assert summary[0] == "Reached Loyalty 286 days after Usage (segment median 280)."
    assert "Renews on 2028-01-31 (488 days after the as-of date); ARR 25,800." in summary
    assert summary == account_content.slides[-1].bullets
    assert "Account ACC-00002 · tier Mid-Market · ARR 25,800 · renews 2028-01-31" in [
        s.text_frame.text.split("\n")[0] for s in prs.slides[0].shapes if s.has_text_frame]


def test_account_pack_as_pdf(chromium: None, account_content: PackContent) -> None:
    buf = io.BytesIO()
    write_pdf(account_content, buf)
    reader = PdfReader(io.BytesIO(buf.getvalue()))
    assert len(reader.pages) == 6
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    for title, text in zip(ACCOUNT_TITLES, texts, strict=True):
        assert title in text, (title, text[:200])
    assert [len(page.images) for page in reader.pages] == [0, 1, 1, 1, 0, 0]


def test_segment_pack_as_pptx_and_pdf(chromium: None, sample: Workspace, segment_content: PackContent,
                                      tmp_path: Path) -> None:
    write_pack(segment_content, tmp_path / "enterprise.pptx")
    write_pack(segment_content, tmp_path / "enterprise.pdf")
    prs = Presentation(tmp_path / "enterprise.pptx")
    assert [s.shapes.title.text for s in prs.slides] == SEGMENT_TITLES
    assert [_pictures(s) for s in prs.slides] == [0, 1, 1, 1, 1, 1, 0, 0]
    reader = PdfReader(tmp_path / "enterprise.pdf")
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert len(texts) == 8 and all(t in x for t, x in zip(SEGMENT_TITLES, texts, strict=True))
    assert [len(page.images) for page in reader.pages] == [0, 1, 1, 1, 1, 1, 0, 0]
    assert "Successful 39 1 3% (0%–13%)" in texts[5]      # the churn-after table (test_segment_outcome_slide…)

    # The summary's numbers are the sample's own: 284 Enterprise accounts, as the funnel counts them.
    (accounts,) = sample.con.execute("SELECT count(*) FROM accounts WHERE tier = 'Enterprise'").fetchone()
    table = funnel(sample.con, FunnelSpec(by="tier"), sample.settings).table
    mine = table[table["segment"] == "Enterprise"]
    assert accounts == int(mine["accounts"].iloc[0]) == 284
    summary = _bullets(prs.slides[7])
    assert summary[1] == f"284 accounts entered Awareness; {int(mine['accounts'].iloc[-1])} (3%) reached Advocacy."
    assert summary == segment_content.slides[-1].bullets and len(summary) == 8


def test_segment_outcome_slide_has_outcome_historys_numbers_for_the_segment(sample: Workspace,
                                                                            segment_content: PackContent) -> None:
    """Enterprise: shares per quarter and churn after FY2025 Q4 are outcome_history's for tier = Enterprise."""
    from cxlib import outcome_history as oh
    from cxlib.outcomes import OutcomeSpec

    slide = next(s for s in segment_content.slides if s.title == "Desired outcome over time")
    assert slide.figure is not None
    summary = oh.quarterly_summary(sample.con, OutcomeSpec(), by="tier", settings=sample.settings,
                                   config=sample.score_config)
    mine = summary[summary["segment"] == "Enterprise"]
    latest = mine[mine["quarter"] == "FY2026 Q3"]
    placed = latest[latest["quadrant"] != "unknown"]
    assert int(placed["accounts"].sum()) == 111 and int(placed["accounts"].iloc[0]) == 57     # 57 of 111 → 51%
    assert slide.bullets[0] == ("FY2026 Q3 (so far): 51% of the 111 accounts placed are successful (outcome and the "
                                "appropriate experience).")
    assert "FY2026 Q2: successful 49 (47%); outcome without the right experience 12 (11%); good experience without "\
           "the outcome 30 (29%); neither 14 (13%); unknown 179" in slide.notes.splitlines()
    churn = oh.churn_after(sample.con, OutcomeSpec(), None, sample.settings, sample.score_config, by="tier",
                           segment="Enterprise")
    assert churn.attrs["quarter"] == "FY2025 Q4" and churn.attrs["complete"]
    assert slide.table["Customers"].tolist() == churn["accounts"].tolist() == [39, 4, 15, 12, 10]
    assert slide.table["Churned"].tolist() == churn["churned"].tolist() == [1, 0, 2, 3, 0]
    # 1 of 39: Wilson 95% (0.0046, 0.1318) by hand → 3% (0%–13%); the other quadrants are below the minimum n.
    assert slide.table["Churn rate (95%)"].tolist()[:2] == ["3% (0%–13%)", "0% (0%–49%) · low n"]
    assert churn["ci_high"].iloc[0] == pytest.approx(0.13181, abs=1e-5)
    assert slide.bullets[1] == ("The cost of the wrong experience: churn within the two quarters after FY2025 Q4 by "
                                "quadrant then, 80 customers.")


def test_segment_churn_after_adds_up_to_all_accounts(sample: Workspace) -> None:
    """Each tier's churn after a quarter counts its own customers: the tiers add up to the overall counts, and each
    count is its list's length."""
    from cxlib import outcome_history as oh
    from cxlib.outcomes import OutcomeSpec

    spec, ws = OutcomeSpec(), sample
    overall = oh.churn_after(ws.con, spec, None, ws.settings, ws.score_config)
    assert overall["accounts"].tolist() == [194, 27, 59, 29, 156] and overall["churned"].tolist() == [6, 0, 8, 7, 20]
    tiers = [oh.churn_after(ws.con, spec, None, ws.settings, ws.score_config, by="tier", segment=t)
             for t in ("Enterprise", "Mid-Market", "SMB")]
    assert [t["accounts"].tolist() for t in tiers] == [[39, 4, 15, 12, 10], [78, 11, 23, 8, 54], [77, 12, 21, 9, 92]]
    assert (sum(t["accounts"] for t in tiers) == overall["accounts"]).all()
    assert (sum(t["churned"] for t in tiers) == overall["churned"]).all()
    listed = oh.churn_after_accounts(ws.con, spec, "FY2025 Q4", "neither", True, ws.settings, ws.score_config,
                                     by="tier", segment="Enterprise")
    assert len(listed) == 3 and set(listed["tier"]) == {"Enterprise"}
    with pytest.raises(MetricError, match="both the column"):
        oh.churn_after(ws.con, spec, None, ws.settings, ws.score_config, by="tier")
