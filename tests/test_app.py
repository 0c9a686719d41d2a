"""App-level tests with Streamlit's AppTest: the frame and the Data page, on sample data and uploads."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_no_pages_folder_beside_the_entrypoint() -> None:
    # Streamlit runs a fresh server's first request as a legacy multipage app when a `pages/`
    # folder sits beside app.py (even one holding only __pycache__): its file names would be the
    # first visitor's navigation. The pages live in app_pages/.
    assert not (ROOT / "pages").exists(), "remove the pages/ folder beside app.py (pages live in app_pages/)"


def test_app_starts_on_sample_data(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert "Sample data" in app.sidebar.info[0].value
    ws = app.session_state["workspace"]
    assert ws.is_sample and len(ws.reports) == 8   # activities.csv (issue 13) is the eighth


def test_data_page_reports_the_sample(app: AppTest) -> None:
    app.run()
    app.switch_page("app_pages/data.py").run()
    assert not app.exception
    m = metrics(app)
    # 2,000 accounts + 7,064 events + 7,368 surveys + 3,260 ratings + 1,873 + 1,932 + 2,000 snapshot rows
    # (issue 12's early-warning story: 5 survey answers and 23 ratings fewer than before, 25,525 rows then)
    # + 25,313 activity rows (issue 13: data/activities.csv).
    assert (m["Tables"], m["Rows read"], m["Rows loaded"], m["Rows rejected"]) == ("8", "50,810", "50,810", "0")


def test_upload_replaces_the_sample_with_an_honest_report(app: AppTest) -> None:
    app.run()
    app.switch_page("app_pages/data.py").run()
    good = ("Quarterly accounts report\n\n"
            "Account ID,Account Name,Tier,ARR\n"
            "A1,Müller GmbH,Gold,\"1,200\"\n"
            "A2,São Paulo Telecom,Silver,900\n"
            "A3,Hôtel Lumière,Gold,1500,EXTRA\n"
            "Grand Totals (3 records),,,3600\n").encode("utf-8")
    png = b"\x89PNG\r\n\x1a\n" + bytes(200)
    app.file_uploader(key="uploads").set_value([("accounts.csv", good, "text/csv"),
                                               ("picture.csv", png, "text/csv")]).run()
    assert not app.exception
    ws = app.session_state["workspace"]
    assert not ws.is_sample and ws.label == "Your upload: accounts.csv, picture.csv"
    [report] = ws.reports
    assert (report.rows_read, report.rows_loaded + report.rows_rejected) == (3, 3)
    m = metrics(app)
    assert m["Rows read"] == "3"
    errors = [e.value for e in app.error]
    assert any("picture.csv" in e for e in errors)
    assert not any("Traceback" in e for e in errors)
    # Every other page still renders on the upload (no journey data: helpful messages, not exceptions).
    for page in ("app_pages/funnel.py", "app_pages/journey.py", "app_pages/scores.py", "app_pages/outcomes.py",
                 "app_pages/segments.py", "app_pages/sql.py"):
        app.switch_page(page).run()
        assert not app.exception, page
    for page, key, tab in (  # tab: a lazy tab's label, or True to open a lazy expander("outcomes", "oc_section", "Desired outcome over time"),   # the lazy tabs, opened
                           ("outcomes", "oc_section", "What customers say"), ("outcomes", "oc_section", "Churn"),
                           ("scores", "scores_accounts_open", True), ("scores", "scores_trend_open", True),
                           ("segments", "seg_section", "Is a segment different from the rest?"),
                           ("segments", "seg_section", "Measures and funnel")):
        app.switch_page(f"app_pages/{page}.py")
        app.session_state[key] = tab
        app.run()
        assert not app.exception, (page, tab)


def test_sql_page_follows_each_new_upload(app: AppTest) -> None:
    from cxlib import sql

    app.run()
    for name in ("alpha_accounts.csv", "beta_accounts.csv"):
        app.switch_page("app_pages/data.py").run()
        app.file_uploader(key="uploads").set_value((name, b"Account ID,Tier\nA1,Gold\n", "text/csv")).run()
        app.switch_page("app_pages/sql.py").run()
        assert not app.exception
        listed = {e.label for e in app.expander}
        assert name.removesuffix(".csv") in listed
        if name.startswith("alpha"):                      # listed before any query: no sandbox built yet
            assert "sql_explorer" not in app.session_state
        next(b for b in app.button if b.label == "Run").click().run()
        assert not app.exception
        tables = set(sql.tables(app.session_state["sql_explorer"])["table"])
        assert tables == listed
        assert name.removesuffix(".csv") in tables
        assert {"alpha_accounts", "beta_accounts"} - {name.removesuffix(".csv")} & tables == set()


def test_the_data_page_offers_each_tables_shapes_its_own_first_and_no_shape_last(sample) -> None:  # type: ignore[no-untyped-def]
    """The "Recognised as" box of every mapped table: the table's current shape selected, "no shape" last."""
    from cxlib.mapping import shapes
    from tests.test_pages_journey import open_page

    at = open_page(sample, "app_pages/data.py")
    boxes = [box for box in at.selectbox if box.label == "Recognised as"]
    assert len(boxes) == len(sample.mapping.tables) > 0
    for box, tm in zip(boxes, sample.mapping.tables, strict=True):
        assert box.value == (tm.shape.id if tm.shape else shapes.NO_SHAPE)
        assert box.options[-1] == "no shape: read by column names and values only"
        assert len(box.options) == len(set(box.options))


def test_a_new_upload_starts_the_mapping_editor_from_its_own_mapping(app: AppTest) -> None:
    """Edits typed into the Data page's mapping editor belong to the data they were typed on: after a new
    upload the editor shows the new data's mapping, and Apply mapping does not save the old edits into it."""
    import datetime as dt

    events = "account_id,stage,ts\nA,Awareness,2026-01-05\nB,Awareness,2026-02-10\n"
    app.run()
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="uploads").set_value(("events.csv", events.encode(), "text/csv")).run()
    assert not app.exception
    first = app.session_state["workspace"]
    assert first.mapping.settings.as_of is None and first.mapping.settings.timezone("*") == "UTC"
    app.date_input(key="map_edit_as_of").set_value(dt.date(2026, 1, 31)).run()      # typed, never applied
    app.text_input(key="map_edit_tz").set_value("Europe/Berlin").run()
    app.number_input(key="map_edit_fiscal_start").set_value(4).run()
    assert app.date_input(key="map_edit_as_of").value == dt.date(2026, 1, 31)

    newer = events + "C,Awareness,2026-03-15\n"
    app.file_uploader(key="uploads").set_value(("events.csv", newer.encode(), "text/csv")).run()
    assert not app.exception
    second = app.session_state["workspace"]
    assert second is not first and second.mapping.settings.as_of is None
    assert app.date_input(key="map_edit_as_of").value is None
    assert app.text_input(key="map_edit_tz").value == "UTC"
    assert app.number_input(key="map_edit_fiscal_start").value == 1
    next(b for b in app.button if b.label == "Apply mapping").click().run()
    assert not app.exception
    applied = app.session_state["workspace"].mapping.settings
    assert (applied.as_of, applied.timezone("*"), applied.fiscal_year_start_month) == (None, "UTC", 1)
    # An edit made on the new data and applied is kept (the apply resets the editor to what was applied).
    app.date_input(key="map_edit_as_of").set_value(dt.date(2026, 3, 1)).run()
    next(b for b in app.button if b.label == "Apply mapping").click().run()
    assert app.session_state["workspace"].mapping.settings.as_of == dt.datetime(2026, 3, 1)
    assert app.date_input(key="map_edit_as_of").value == dt.date(2026, 3, 1)


def test_a_setting_typed_on_the_data_page_changes_nothing_until_applied(sample_archive: bytes) -> None:
    """The settings box edits the draft mapping, not the workspace: an as-of date typed but not applied leaves
    the session's mapping, version and numbers as they were (the page says 'press Apply mapping')."""
    import datetime as dt

    from cxlib.saved import open_workspace
    from tests.test_pages_journey import open_page

    sample = open_workspace(sample_archive, threads=1)      # its own copy: this test applies a mapping
    at = open_page(sample, "app_pages/data.py")
    version, before = sample.version, sample.mapping.settings.to_dict()
    assert before["as_of"] is None and before["min_n"] == 30
    at.date_input(key="map_edit_as_of").set_value(dt.date(2025, 6, 30)).run()
    at.number_input(key="map_edit_min_n").set_value(5).run()
    assert not at.exception
    assert sample.mapping.settings.to_dict() == before and sample.version == version
    next(b for b in at.button if b.label == "Apply mapping").click().run()
    assert not at.exception
    applied = at.session_state["workspace"].mapping.settings
    assert (applied.as_of, applied.min_n) == (dt.datetime(2025, 6, 30), 5)
    sample.close()


def test_apply_mapping_keeps_the_story_weights_and_themes_saved_with_it(sample_archive: bytes) -> None:
    """The Data page's draft carries every part of the mapping: Apply mapping (and Download mapping, the
    same draft) kept scores and warnings but dropped the story weights and the want-vs-do themes."""
    from cxlib.centricity import ThemeConfig
    from cxlib.saved import open_workspace
    from cxlib.stories import StoryConfig
    from tests.test_pages_journey import open_page

    ws = open_workspace(sample_archive, threads=1)      # its own copy: this test applies a mapping
    ws.set_story_config(StoryConfig().with_edits(challenge_weight=0.5, timing_weight=0.25, celebration_weight=0.25))
    ws.set_centricity_config(ThemeConfig({"onboarding": ["kickoff"]}))
    at = open_page(ws, "app_pages/data.py")
    next(b for b in at.button if b.label == "Apply mapping").click().run()
    assert not at.exception
    applied = at.session_state["workspace"]
    assert applied.mapping.stories == {"challenge_weight": 0.5, "timing_weight": 0.25, "celebration_weight": 0.25}
    assert applied.centricity_config.themes == {"onboarding": ["kickoff"]}
    ws.close()
