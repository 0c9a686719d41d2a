"""AppTest of the Workspace page: save to a file, open a file, the optional server store, share links.

Every test gets its own copy of the sample company (opened from one saved archive), because
opening another workspace closes the session's old one.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cxlib.saved import WorkspaceStore, open_workspace, save_workspace, workspace_hash
from cxlib.workspace import SAMPLE_LABEL, Workspace, connect, open_sample

PAGE = Path(__file__).resolve().parents[1] / "app_pages" / "workspace.py"
TIMEOUT = 120
STORE_ENV = "JOURNEY_LENS_WORKSPACE_DIR"
SERVER_HEADING = "#### Saved on this server"
EVERYONE = ("Everyone using this server sees the workspaces saved here and can open them. "
            "Save only data that every user of this server may see.")


@pytest.fixture(scope="module")
def archive() -> bytes:
    ws = open_sample(threads=2)
    buffer = io.BytesIO()
    save_workspace(ws, buffer)
    ws.close()
    return buffer.getvalue()


@pytest.fixture
def sample(archive: bytes) -> Workspace:
    ws = open_workspace(archive, threads=2)
    ws.label, ws.is_sample = SAMPLE_LABEL, True
    yield ws
    ws.close()


@pytest.fixture(autouse=True)
def no_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STORE_ENV, raising=False)


def page(workspace: Workspace, **query: str) -> AppTest:
    """The Workspace page on `workspace`, opened with the query string `query` (a share link)."""
    at = AppTest.from_file(str(PAGE), default_timeout=TIMEOUT)
    at.session_state["workspace"] = workspace
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, key: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.key == key)


def downloads(at: AppTest) -> list[str]:
    return [d.label for d in at.get("download_button")]


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_save_gives_a_file_that_reopens_the_same_workspace(sample: Workspace) -> None:
    at = page(sample)
    # One row per line of data/accounts.csv, journey_events.csv and surveys.csv; ratings arrive wide
    # (3,260 rows of several factors) and are counted one row per account, date and factor.
    (ratings,) = sample.con.execute("SELECT count(*) FROM factor_ratings").fetchone()
    assert cards(at) == {"Accounts": "2,000", "Journey events": "7,064", "Survey answers": "7,368",
                         "Factor ratings": f"{ratings:,}", "Activities": "25,313"}
    assert not any(d.startswith("Download “") for d in downloads(at))
    button(at, "workspace_prepare").click().run()
    assert not at.exception
    (label,) = [d for d in downloads(at) if d.startswith("Download “")]
    assert label.startswith(f"Download “{SAMPLE_LABEL}” (") and label.endswith(" KB)")
    data = at.session_state["_jl_workspace_file"][2]
    reopened = open_workspace(data)
    try:
        assert reopened.label == SAMPLE_LABEL
        assert workspace_hash(reopened) == workspace_hash(sample)
    finally:
        reopened.close()


def _tiny_archive() -> bytes:
    """A one-account workspace, loaded and mapped like any upload."""
    ws = Workspace(con=connect(threads=1), label="Tiny upload: accounts.csv")
    ws.load([("accounts.csv", b"Account ID,Account Name,Tier\nA1,Acme,Gold\nA2,Beta,Silver\n")])
    ws.apply(ws.suggest_mapping())
    buffer = io.BytesIO()
    save_workspace(ws, buffer)
    ws.close()
    return buffer.getvalue()


def test_opening_a_file_restores_its_tables_and_label(sample: Workspace) -> None:
    at = page(sample)
    at.file_uploader(key="workspace_upload").upload("tiny.zip", _tiny_archive(), "application/zip").run()
    button(at, "workspace_open_file").click().run()
    assert not at.exception, [e.value for e in at.exception]
    opened = at.session_state["workspace"]
    assert opened is not sample and opened.label == "Tiny upload: accounts.csv"
    assert [s.value for s in at.success] == ["Opened “Tiny upload: accounts.csv” from tiny.zip."]
    assert cards(at) == {"Accounts": "2", "Journey events": "0", "Survey answers": "0", "Factor ratings": "0",
                         "Activities": "0"}
    assert opened.con.execute("SELECT account_id, name FROM accounts ORDER BY 1").fetchall() == [
        ("A1", "Acme"), ("A2", "Beta")]
    opened.close()


def test_a_damaged_file_is_refused_with_a_message(sample: Workspace) -> None:
    at = page(sample)
    at.file_uploader(key="workspace_upload").upload("notes.zip", b"not a zip at all", "application/zip").run()
    button(at, "workspace_open_file").click().run()
    assert [e.value for e in at.error] == ["This is not a Journey Lens workspace file (not a zip file)."]
    assert at.session_state["workspace"] is sample


def test_server_store_is_absent_by_default(sample: Workspace) -> None:
    at = page(sample)
    assert SERVER_HEADING not in markdown(at)
    assert EVERYONE not in [w.value for w in at.warning]
    assert "workspace_save_server" not in [b.key for b in at.button]


def test_server_store_saves_new_versions_and_overwrites_only_when_asked(
        sample: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STORE_ENV, str(tmp_path))
    at = page(sample)
    assert SERVER_HEADING in markdown(at)
    assert EVERYONE in [w.value for w in at.warning]
    at.text_input(key="workspace_server_name").input("Acme QBR").run()
    button(at, "workspace_save_server").click().run()
    assert [s.value for s in at.success] == ["Saved “Acme QBR” as acme-qbr version 1."]
    assert "workspace_overwrite" in [c.key for c in at.checkbox]
    assert at.checkbox(key="workspace_overwrite").value is False
    button(at, "workspace_save_server").click().run()
    assert [s.value for s in at.success] == ["Saved “Acme QBR” as acme-qbr version 2."]
    store = WorkspaceStore(tmp_path)
    assert list(store.list()["version"]) == [1, 2]

    at.checkbox(key="workspace_overwrite").check().run()
    button(at, "workspace_save_server").click().run()
    assert [s.value for s in at.success] == ["Overwrote “Acme QBR” as acme-qbr version 2."]
    assert list(store.list()["version"]) == [1, 2]

    at.selectbox(key="workspace_saved_pick").select(("acme-qbr", 1, "Acme QBR")).run()
    button(at, "workspace_open_saved").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["workspace"].label == "Acme QBR (saved version 1)"
    assert [s.value for s in at.success] == ["Opened “Acme QBR” version 1 from this server."]
    at.session_state["workspace"].close()


# ---------------------------------------------------------------- share links


def test_the_view_is_written_to_the_address(sample: Workspace) -> None:
    at = page(sample)
    at.selectbox(key="workspace_table").select("surveys").run()
    assert at.query_params["workspace_table"] in ("surveys", ["surveys"])
    assert at.query_params["ws"] in ("sample", ["sample"])
    assert at.query_params["h"] in (workspace_hash(sample), [workspace_hash(sample)])


def test_a_link_reopens_the_view(sample: Workspace) -> None:
    at = page(sample, workspace_table="surveys", ws="sample", h=workspace_hash(sample))
    assert at.selectbox(key="workspace_table").value == "surveys"
    assert cards(at)["Accounts"] == "2,000"
    assert not at.warning


def test_a_link_with_another_hash_says_the_data_changed(sample: Workspace) -> None:
    at = page(sample, workspace_table="surveys", ws="sample", h="0" * 64)
    assert [w.value for w in at.warning] == [
        "The data changed since this link was made; the numbers would differ, so they are not shown."]
    assert not at.metric and not at.selectbox


def test_a_link_to_a_workspace_this_server_lacks_says_so(sample: Workspace) -> None:
    at = page(sample, workspace_table="surveys", ws="acme-qbr", h="0" * 64)
    assert [w.value for w in at.warning] == [
        "This link was made on workspace acme-qbr, which is not available here."]
    assert not at.metric
    button(at, "_jl_drop_link").click().run()
    assert cards(at)["Accounts"] == "2,000" and not at.warning


def test_a_link_to_a_saved_workspace_opens_it(sample: Workspace, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STORE_ENV, str(tmp_path))
    tiny = open_workspace(_tiny_archive())
    ref = WorkspaceStore(tmp_path).save(tiny, "Tiny QBR")
    tiny.close()
    at = page(sample, workspace_table="accounts", ws=ref.workspace_id, h=ref.content_hash)
    assert [w.value for w in at.warning] == [EVERYONE]     # the server section's notice, nothing about the link
    assert at.session_state["workspace"] is not sample
    assert cards(at)["Accounts"] == "2"
    assert at.query_params["ws"] in ("tiny-qbr", ["tiny-qbr"])
    at.session_state["workspace"].close()
